"""Filters (server.domain.filters) lowered to Qdrant filters, one entry per operator. `to_qdrant`
is the stable entry point for every vector-store adapter (an adapter with its own filter types
converts from qdrant_client's).

Qdrant has no case-insensitive match, substring, prefix, suffix, regex or string ordering. Those
conditions lower to the closest *superset* Qdrant can express exactly (often "no restriction" for
that branch) and the result is marked inexact: the caller then keeps the points for which
`DocumentFilter.matches` (the reference evaluator, RE2 for regexes) holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from qdrant_client import models

from server.domain import filters
from server.domain.filters import Condition, Lowered, Lowering, Node, kind_of, to_millis

Q = Any  # a qdrant_client condition or Filter


def _datetime(value: str) -> dt.datetime:
    millis = to_millis(value)
    assert millis is not None  # checked when the filter was parsed
    return dt.datetime.fromtimestamp(millis / 1000, dt.UTC)


def _should(conditions: list[Q]) -> Q:
    return conditions[0] if len(conditions) == 1 else models.Filter(should=conditions)


def _per_key(leaf: Callable[[str, Condition], Lowered[Q]], every: bool = False) -> Callable[[Condition], Lowered[Q]]:
    """A leaf over each spelling of the payload key (paths whose lists no schema describes): any
    spelling may hold the value; `every`: all spellings must (for "holds no value")."""

    def lowered(c: Condition) -> Lowered[Q]:
        keys = c.field.keys
        if len(keys) == 1:
            return leaf(keys[0], c)
        parts = [leaf(key, replace(c, field=replace(c.field, qdrant=key, qdrant_keys=()))) for key in keys]
        return LOWERING.both(parts) if every else LOWERING.either(parts)

    return lowered


def _equals(key: str, c: Condition) -> Lowered[Q]:
    values = c.value if isinstance(c.value, list) else [c.value]
    if c.field.chronological:
        moments = [_datetime(v) for v in values]
        return Lowered(_should([models.FieldCondition(key=key, range=models.DatetimeRange(gte=m, lte=m)) for m in moments]), True)
    by_kind: dict[str, list[Any]] = {}
    for value in values:
        by_kind.setdefault(kind_of(value), []).append(value)
    conditions: list[Q] = []
    for kind, same in by_kind.items():
        if kind == "string":
            if not c.case_sensitive and any(v.lower() != v.upper() for v in same):
                return Lowered(None, False)  # no case-insensitive match in Qdrant
            match = models.MatchValue(value=same[0]) if len(same) == 1 else models.MatchAny(any=same)
            conditions.append(models.FieldCondition(key=key, match=match))
        elif kind == "number":
            # Range, not MatchValue: MatchValue(30) does not match a stored 30.0.
            conditions += [models.FieldCondition(key=key, range=models.Range(gte=v, lte=v)) for v in same]
        else:
            conditions += [models.FieldCondition(key=key, match=models.MatchValue(value=v)) for v in same]
    return Lowered(_should(conditions), True)


def _compare(key: str, c: Condition) -> Lowered[Q]:
    if c.field.chronological:
        return Lowered(models.FieldCondition(key=key, range=models.DatetimeRange(**{c.operator: _datetime(c.value)})), True)
    if kind_of(c.value) == "number":
        return Lowered(models.FieldCondition(key=key, range=models.Range(**{c.operator: c.value})), True)
    return Lowered(None, False)  # Qdrant has no string ordering


def _empty(key: str, c: Condition) -> Lowered[Q]:
    return Lowered(models.IsEmptyCondition(is_empty=models.PayloadField(key=key)), True)


def _unrestricted(c: Condition) -> Lowered[Q]:
    """No restriction: Qdrant has no regular expressions, substrings, prefixes or suffixes."""
    return Lowered(None, False)


_eq = _per_key(_equals)
_is_empty = _per_key(_empty, every=True)


def _ne(c: Condition) -> Lowered[Q]:
    return LOWERING.neither([_eq(c)])


def _has_value(c: Condition, wanted: bool) -> Lowered[Q]:
    return LOWERING.neither([_is_empty(c)]) if wanted else _is_empty(c)


def _contains(c: Condition) -> Lowered[Q]:
    if isinstance(c.value, str):
        return Lowered(None, False)
    return _eq(replace(c, case_sensitive=True))


class QdrantLowering(Lowering[Q]):
    backend = "Qdrant"

    def all_of(self, parts: list[Q]) -> Q:
        return models.Filter(must=parts)

    def any_of(self, parts: list[Q]) -> Q:
        return models.Filter(should=parts)

    def none_of(self, parts: list[Q]) -> Q:
        return models.Filter(must_not=parts)


LOWERING = QdrantLowering(
    {
        "eq": _eq,
        "in": _eq,
        "ne": _ne,
        "nin": _ne,
        "gt": _per_key(_compare),
        "gte": _per_key(_compare),
        "lt": _per_key(_compare),
        "lte": _per_key(_compare),
        "contains": _contains,
        "starts_with": _unrestricted,
        "ends_with": _unrestricted,
        "regex": _unrestricted,
        "exists": lambda c: _has_value(c, c.value),
        "is_null": lambda c: _has_value(c, not c.value),
        "text": _unrestricted,
    }
)


@dataclass(frozen=True)
class DocumentFilter:
    """A filter lowered for Qdrant. `filter` selects a superset of the matching points (None: no
    restriction); when `exact` is false, keep only the points for which `matches(payload)` holds."""

    filter: models.Filter | None
    exact: bool
    node: Node | None

    def matches(self, payload: dict[str, Any]) -> bool:
        return self.node is None or filters.evaluate(self.node, payload, lambda f: f.payload_path)


def to_qdrant(node: Node | None) -> DocumentFilter:
    """The Qdrant filter for a filter (None: no filter)."""
    if node is None:
        return DocumentFilter(None, True, None)
    lowered = LOWERING.lower(node)
    condition = lowered.query
    if condition is not None and not isinstance(condition, models.Filter):
        condition = models.Filter(must=[condition])
    return DocumentFilter(condition, lowered.exact, node)

