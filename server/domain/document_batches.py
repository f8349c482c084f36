"""Changing or deleting many documents in one request (Mixpeek's batch and bulk document calls):
which documents (named by ID, or matched by a filter), what changes, and the caps that bound the
work one request does. No I/O; server.usecases.documents applies them with the single-document
rules (server.domain.documents.updated, check_field_names).

- Named documents: at most MAX_NAMED per request, each once. One that is not in the collection is
  reported in the answer's per-document results; the others are changed.
- Matched documents: at most MAX_MATCHED may match, else the request is refused before anything
  changes (Mixpeek runs a larger one as a task; here it runs within the request, so it is bounded).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from server.domain import documents as rules
from server.domain.errors import Violations

MAX_NAMED = 1000
MAX_MATCHED = 10_000
MAX_REASON_CHARS = 500


@dataclass(frozen=True)
class Change:
    """One document's change (as UpdateDocument takes it)."""

    document_id: str
    update_data: Mapping[str, Any]


def check_changes(problems: Violations, path: str, changes: Any) -> None:
    """The update rule of UpdateDocument, at `path`: an object that sets something, and only
    fields a user may write."""
    if not isinstance(changes, dict) or not changes:
        problems.add(path, "is empty: send the fields to change")
        return
    rules.check_field_names(problems, path, changes)


def _check_ids(problems: Violations, path: str, ids: Sequence[str], at: Callable[[int], str]) -> None:
    """At most MAX_NAMED IDs (`path` names the list), each set and sent once (`at(i)` names the ith)."""
    if len(ids) > MAX_NAMED:
        problems.add(path, f"names {len(ids)} documents; at most {MAX_NAMED} per request")
        return
    first: dict[str, int] = {}
    for index, document_id in enumerate(ids):
        if not document_id:
            problems.add(at(index), "is required")
        elif document_id in first:
            problems.add(at(index), f"'{document_id:.100}' is also at {at(first[document_id])}: name each document once")
        else:
            first[document_id] = index


def check_named_changes(problems: Violations, updates: Sequence[Mapping[str, Any]]) -> list[Change]:
    """BatchUpdateDocuments' `updates`: each names a document (once) and a change."""
    changes = [Change(str(u.get("document_id") or ""), u.get("update_data") or {}) for u in updates]
    _check_ids(problems, "updates", [c.document_id for c in changes], lambda i: f"updates[{i}].document_id")
    if len(changes) <= MAX_NAMED:
        for index, change in enumerate(changes):
            check_changes(problems, f"updates[{index}].update_data", change.update_data)
    return changes


def check_named_deletes(problems: Violations, document_ids: Sequence[str]) -> None:
    _check_ids(problems, "document_ids", document_ids, lambda i: f"document_ids[{i}]")


def check_reason(problems: Violations, reason: str) -> None:
    if len(reason) > MAX_REASON_CHARS:
        problems.add("reason", f"has {len(reason)} characters; at most {MAX_REASON_CHARS}")


def too_many_matched(matched: int) -> str | None:
    """Why a filter that matches `matched` documents is refused; None if it is not."""
    if matched <= MAX_MATCHED:
        return None
    return f"matches {matched} documents; at most {MAX_MATCHED} are changed or deleted per request: narrow the filters and repeat"
