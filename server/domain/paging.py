"""List parameters (Mixpeek's limit, offset, cursor, include_total, sort) checked once for every list
call, and the opaque keyset cursor: the last item's sort value and id, bound to the sort it came
from."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from server.domain.errors import Violations

MAX_LIMIT = 1000
MAX_OFFSET = 10000
DEFAULT_LIMIT = 10


@dataclass(frozen=True)
class Position:
    """Where a cursor points: after the item with this sort value and id."""

    value: Any
    id: str


@dataclass(frozen=True)
class PageParams:
    limit: int
    offset: int
    after: Position | None
    include_total: bool
    sort_field: str
    descending: bool


def encode_cursor(params: PageParams, sort_value: Any, item_id: str) -> str:
    payload = {"f": params.sort_field, "d": params.descending, "v": sort_value, "i": item_id}
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, sort_field: str, descending: bool) -> Position | None:
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if payload["f"] == sort_field and payload["d"] == descending and isinstance(payload["i"], str):
            return Position(payload["v"], payload["i"])
    except (ValueError, KeyError, TypeError):
        pass
    return None


def page_params(request: dict[str, Any], sortable: dict[str, str], default_sort: str = "created_at") -> PageParams:
    """Checks a list request (as its Mixpeek-style dict). `sortable` maps the sort names callers
    may use to the stored field paths."""
    problems = Violations()
    limit = request.get("limit", 0) or DEFAULT_LIMIT
    offset = request.get("offset", 0)
    if not 1 <= limit <= MAX_LIMIT:
        problems.add("limit", f"must be between 1 and {MAX_LIMIT}")
    if not 0 <= offset <= MAX_OFFSET:
        problems.add("offset", f"must be between 0 and {MAX_OFFSET}")
    sort = (request.get("query") or {}).get("sort") or {}
    sort_name = sort.get("field") or default_sort
    if sort_name not in sortable:
        problems.add("query.sort.field", f"cannot sort on '{sort_name}'; use one of: {', '.join(sorted(sortable))}")
    descending = sort.get("direction") == "desc"
    after = None
    if request.get("cursor"):
        after = _decode_cursor(request["cursor"], sortable.get(sort_name, ""), descending)
        if after is None:
            problems.add("cursor", "is not a cursor returned by this list with the same sort")
    problems.raise_if_any()
    return PageParams(
        limit=limit,
        offset=0 if after else offset,
        after=after,
        include_total=bool(request.get("include_total")),
        sort_field=sortable[sort_name],
        descending=descending,
    )


def value_at(doc: dict[str, Any], path: str) -> Any:
    """The value at a dot path in a document, or None."""
    for part in path.split("."):
        if not isinstance(doc, dict):
            return None
        doc = doc.get(part)
    return doc
