"""Reconfigure planning (pure): what a namespace's vector store must become, how to get there, what
the caller is told.

Desired schema: the union of the named vectors of the namespace's enabled extractors
(`server.domain.namespaces.desired_vectors`). Actual schema: the named vectors of the physical Qdrant
collection behind the namespace's alias. The diff sorts every name into added, changed (same name,
different size / distance / dense-sparse-multi type), undeclared (in the store, declared by no enabled
extractor) and unchanged.

Decisions where the issue is silent, and why:
- Undeclared vectors are kept unless `prune` is set, in every mode: a vector is data, and an extractor
  missing from the namespace may be re-enabled later. The schema a reconfigure produces ("target") is
  the desired vectors, then the undeclared ones that are kept.
- `no_changes_needed` means "there is nothing to do": no vector to add or change, and nothing to
  prune. That holds in RECREATE mode too: reconfigure brings the schema in line, it is not a way to
  truncate a store, so an up-to-date store is never wiped. Undeclared vectors kept without `prune`
  do not count as a change (they are listed in `vectors_undeclared`).
- `prune` never removes a vector that a collection's extractors write (an extractor disabled while a
  collection still applied it, in data from before UpdateNamespace refused that): it is kept and
  listed as undeclared.
- Strategy: RECREATE mode -> RECREATE; in place -> LIVE when the vector store can add and delete named
  vectors on a live collection (Qdrant Edge; a Qdrant server >= 1.18, see the store's
  `live_vector_changes`) and the operator did not force blue/green, else BLUE_GREEN.
- `collections_to_reprocess`: the collections one of whose extractors produces an added or changed
  vector, plus everything downstream of them by lineage (a collection whose source is another
  collection reads its documents, so it must be re-run after it). In RECREATE mode every collection
  that had points is added (its documents are gone), with the collections downstream of it. Listed
  in the namespace's collection order (creation order).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from server.domain.errors import Violations
from server.domain.extractors import Catalogue
from server.domain.vectors import VectorSpec, same_definition

IN_PLACE, RECREATE_MODE = "in_place", "recreate"
LIVE, BLUE_GREEN, RECREATE = "live", "blue_green", "recreate"
RECONFIGURED, NO_CHANGES = "reconfigured", "no_changes_needed"

CONFIRM_MESSAGE = (
    "confirm=true not set: Reconfigure changes the namespace's vector store; set confirm to true to "
    "proceed, or dry_run to preview the outcome"
)


@dataclass(frozen=True)
class Options:
    """A checked Reconfigure request."""

    namespace_id: str
    confirm: bool
    dry_run: bool
    mode: str  # in_place | recreate
    prune: bool


def check_request(request: dict[str, Any]) -> Options:
    """Validates the request; every problem at once. `confirm` must be true unless `dry_run` is."""
    problems = Violations()
    if not request.get("namespace_id"):
        problems.add("namespace_id", "is required")
    dry_run = bool(request.get("dry_run"))
    confirm = bool(request.get("confirm"))
    if not confirm and not dry_run:
        problems.add("confirm", CONFIRM_MESSAGE)
    mode = request.get("mode", IN_PLACE)
    if mode not in (IN_PLACE, RECREATE_MODE):
        problems.add("mode", f"must be {IN_PLACE} or {RECREATE_MODE}")
    problems.raise_if_any()
    return Options(request["namespace_id"], confirm, dry_run, mode, bool(request.get("prune")))


@dataclass(frozen=True)
class VectorDiff:
    """Desired vs actual, by name. `changed` pairs are (actual, desired)."""

    added: tuple[VectorSpec, ...]
    changed: tuple[tuple[VectorSpec, VectorSpec], ...]
    undeclared: tuple[VectorSpec, ...]
    unchanged: tuple[VectorSpec, ...]


def diff_vectors(desired: dict[str, VectorSpec], actual: dict[str, VectorSpec]) -> VectorDiff:
    """Added, changed and unchanged in the desired order; undeclared sorted by name."""
    added, changed, unchanged = [], [], []
    for name, spec in desired.items():
        have = actual.get(name)
        if have is None:
            added.append(spec)
        elif same_definition(have, spec):
            unchanged.append(have)
        else:
            changed.append((have, spec))
    undeclared = [actual[name] for name in sorted(actual) if name not in desired]
    return VectorDiff(tuple(added), tuple(changed), tuple(undeclared), tuple(unchanged))


def choose_strategy(mode: str, live_vector_changes: bool, forced: str = "auto") -> str:
    """RECREATE for recreate mode; else LIVE when the store changes named vectors on a live
    collection, unless blue/green is forced."""
    if mode == RECREATE_MODE:
        return RECREATE
    if forced == BLUE_GREEN:
        return BLUE_GREEN
    return LIVE if live_vector_changes else BLUE_GREEN


def produced_vectors(collection: dict[str, Any], catalogue: Catalogue) -> set[str]:
    """The vector names a collection's extractors write (extractors unknown to the catalogue: none)."""
    names: set[str] = set()
    for item in collection.get("feature_extractors") or []:
        definition = catalogue.get(item.get("feature_extractor_name", ""), item.get("version", ""))
        if definition is not None:
            names.update(spec.name for spec in definition.vectors)
    return names


def downstream_closure(collections: list[dict[str, Any]], seeds: Iterable[str]) -> set[str]:
    """The seeds plus every collection that reads from one of them, transitively (a collection
    whose `source.type` is `collection` reads `source.collection_id`). Cycles cannot hang it."""
    readers: dict[str, list[str]] = {}
    for collection in collections:
        source = collection.get("source") or {}
        if source.get("type") == "collection" and source.get("collection_id"):
            readers.setdefault(source["collection_id"], []).append(collection["collection_id"])
    found: set[str] = set()
    pending = list(seeds)
    while pending:
        current = pending.pop()
        if current in found:
            continue
        found.add(current)
        pending.extend(readers.get(current, []))
    return found


def collections_to_reprocess(
    collections: list[dict[str, Any]],
    catalogue: Catalogue,
    touched_vectors: set[str],
    had_points: set[str] | None = None,
) -> list[str]:
    """IDs of the collections to re-run, in the given (creation) order: those whose extractors produce
    a touched (added or changed) vector, those in `had_points` (RECREATE: their documents are
    deleted), and every collection downstream of either."""
    known = [c["collection_id"] for c in collections]
    seeds = {c["collection_id"] for c in collections if produced_vectors(c, catalogue) & touched_vectors}
    seeds |= set(had_points or ()) & set(known)
    closure = downstream_closure(collections, seeds)
    return [ident for ident in known if ident in closure]


def _spec_doc(spec: VectorSpec) -> dict[str, Any]:
    return {"name": spec.name, "dimensions": spec.dimensions, "distance": spec.distance, "kind": spec.kind, "multi": spec.multi}


def _spec_from(doc: dict[str, Any]) -> VectorSpec:
    return VectorSpec(doc["name"], int(doc["dimensions"]), doc["distance"], doc["kind"], bool(doc["multi"]))


@dataclass(frozen=True)
class Plan:
    """What a reconfigure does. Recorded in the operation before the first change, so a resumed
    operation carries out exactly what was planned."""

    namespace_id: str
    mode: str
    strategy: str  # live | blue_green | recreate; "" when there is nothing to do
    prune: bool
    basis: tuple[VectorSpec, ...]  # the actual schema the plan was computed from
    target: tuple[VectorSpec, ...]  # the schema afterwards, in response order
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()  # pruned
    undeclared: tuple[str, ...] = ()  # kept without prune
    collections_to_reprocess: tuple[str, ...] = ()

    @property
    def changes_needed(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    @property
    def kept_vectors(self) -> tuple[str, ...]:
        """The vectors whose values survive a copy: in the target and unchanged."""
        touched = set(self.added) | set(self.changed)
        return tuple(spec.name for spec in self.target if spec.name not in touched)

    def target_spec(self, name: str) -> VectorSpec:
        return next(spec for spec in self.target if spec.name == name)

    def to_doc(self) -> dict[str, Any]:
        return {
            "namespace_id": self.namespace_id,
            "mode": self.mode,
            "strategy": self.strategy,
            "prune": self.prune,
            "basis": [_spec_doc(s) for s in self.basis],
            "target": [_spec_doc(s) for s in self.target],
            "added": list(self.added),
            "changed": list(self.changed),
            "removed": list(self.removed),
            "undeclared": list(self.undeclared),
            "collections_to_reprocess": list(self.collections_to_reprocess),
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Plan:
        return cls(
            namespace_id=doc["namespace_id"],
            mode=doc["mode"],
            strategy=doc["strategy"],
            prune=bool(doc["prune"]),
            basis=tuple(_spec_from(s) for s in doc["basis"]),
            target=tuple(_spec_from(s) for s in doc["target"]),
            added=tuple(doc["added"]),
            changed=tuple(doc["changed"]),
            removed=tuple(doc["removed"]),
            undeclared=tuple(doc["undeclared"]),
            collections_to_reprocess=tuple(doc["collections_to_reprocess"]),
        )


def make_plan(
    namespace_id: str,
    options: Options,
    desired: dict[str, VectorSpec],
    actual: dict[str, VectorSpec],
    strategy: str,
    collections: list[dict[str, Any]],
    catalogue: Catalogue,
    had_points: set[str] | None = None,
) -> Plan:
    """The plan for bringing `actual` to `desired` with the given options. `strategy` is the one the
    store would use (see choose_strategy); it is blanked when there is nothing to do."""
    diff = diff_vectors(desired, actual)
    # Prune never removes a vector that a collection's extractors still write.
    used = set().union(*(produced_vectors(c, catalogue) for c in collections)) if options.prune else set()
    removed = tuple(spec.name for spec in diff.undeclared if spec.name not in used) if options.prune else ()
    kept = tuple(spec for spec in diff.undeclared if spec.name not in removed)
    target = tuple(desired.values()) + tuple(kept)
    added = tuple(spec.name for spec in diff.added)
    changed = tuple(new.name for _old, new in diff.changed)
    needed = bool(added or changed or removed)
    reprocess: list[str] = []
    if needed:
        reprocess = collections_to_reprocess(
            collections, catalogue, set(added) | set(changed), had_points if options.mode == RECREATE_MODE else None
        )
    return Plan(
        namespace_id=namespace_id,
        mode=options.mode,
        strategy=strategy if needed else "",
        prune=options.prune,
        basis=tuple(actual.values()),
        target=target,
        added=added,
        changed=changed,
        removed=removed,
        undeclared=tuple(spec.name for spec in kept),
        collections_to_reprocess=tuple(reprocess),
    )


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class Outcome:
    """What happened (or, in a dry run, would happen) to the points."""

    previous_points: int
    points_preserved: int
    points_deleted: int
    dry_run: bool = False
    operation_id: str = ""
    completed_first: tuple[str, ...] = field(default=())  # interrupted operations completed before


def predicted_outcome(plan: Plan, previous_points: int) -> tuple[int, int]:
    """(preserved, deleted) that the plan's strategy leads to."""
    if not plan.changes_needed:
        return previous_points, 0
    if plan.strategy == RECREATE:
        return 0, previous_points
    return previous_points, 0


def message(plan: Plan, outcome: Outcome) -> str:
    """The response's `message`: exactly what happened, in numbers."""
    total = len(plan.target)
    if not plan.changes_needed:
        text = (
            f"No changes needed: the vector store of namespace {plan.namespace_id} already has the "
            f"{_n(total - len(plan.undeclared), 'vector')} its enabled extractors declare"
        )
        if plan.undeclared:
            why = "collections still write them" if plan.prune else "set prune to delete them"
            text += f" (and keeps {_n(len(plan.undeclared), 'undeclared vector')}; {why})"
        text += f". Nothing was written; {_n(outcome.previous_points, 'point')} untouched."
    else:
        would = "would be " if outcome.dry_run else ""
        how = {
            LIVE: "in place (named vectors changed on the live collection)",
            BLUE_GREEN: "blue/green (points copied into a new collection, alias switched)",
            RECREATE: "by recreating it empty (Mixpeek's behaviour)",
        }[plan.strategy]
        lead = "Dry run: the vector store" if outcome.dry_run else "The vector store"
        text = (
            f"{lead} of namespace {plan.namespace_id} {would or 'was '}reconfigured {how}: "
            f"{_n(len(plan.added), 'vector')} added, {len(plan.changed)} changed, {len(plan.removed)} removed, "
            f"{len(plan.undeclared)} undeclared kept; {_n(total, 'vector')} in total. "
            f"{outcome.points_preserved} of {_n(outcome.previous_points, 'point')} {would}preserved with their payloads"
            f"{' and unchanged vectors' if plan.strategy != RECREATE else ''}, {outcome.points_deleted} {would}deleted."
        )
        count = len(plan.collections_to_reprocess)
        if count:
            what = "re-ingest their data" if plan.strategy == RECREATE else "populate the added or changed vectors"
            text += f" Re-trigger batches on the {_n(count, 'listed collection')} to {what}."
        else:
            text += " No collection needs reprocessing."
    if outcome.completed_first:
        text += f" First completed the interrupted reconfigure {', '.join(outcome.completed_first)}."
    return text


def response(plan: Plan, outcome: Outcome) -> dict[str, Any]:
    """The ReconfigureResponse, as Mixpeek-shaped data."""
    needed = plan.changes_needed
    return {
        "namespace_id": plan.namespace_id,
        "status": RECONFIGURED if needed else NO_CHANGES,
        "previous_points_count": outcome.previous_points,
        "vectors_added": list(plan.added),
        "vectors_total": [spec.name for spec in plan.target],
        "collections_to_reprocess": list(plan.collections_to_reprocess),
        "message": message(plan, outcome),
        "vectors_changed": list(plan.changed),
        "vectors_removed": list(plan.removed),
        "vectors_undeclared": list(plan.undeclared),
        "points_preserved": outcome.points_preserved,
        "points_deleted": outcome.points_deleted,
        "mode": plan.mode,
        "dry_run": outcome.dry_run,
        **({"strategy": plan.strategy} if needed else {}),
        "operation_id": outcome.operation_id,
    }

