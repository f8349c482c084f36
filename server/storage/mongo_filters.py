"""Filters (server.domain.filters) lowered to MongoDB queries, one entry per operator.

Every leaf carries a `$type` guard and, unless the schema says the field is a scalar, an
`$elemMatch` branch for lists. Both make the query exact on real MongoDB and on the embedded
nx-27017, which otherwise treats true as 1, compares strings with numbers, does not apply `$regex`
or `$gt` to list elements, mishandles null inside `$or`/`$nor`, and has no `$not` (we use `$nor`).

`$regex` is only ever sent with patterns vecplane writes itself from escaped literals (contains,
starts_with, ends_with, text, case-insensitive equality), which match in linear time in any engine.
A user's `regex` is never sent: nx-27017 evaluates `$regex` with Python's backtracking `re` while
holding its interpreter lock, so `^(a+)+$` stalled every tenant, and real MongoDB's PCRE backtracks
too. It lowers to "no restriction" (inexact) and vecplane evaluates it with RE2 on what the query
returns (see server.storage.paging)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from server.domain import filters
from server.domain.filters import Condition, FieldSpec, Lowered, Lowering, Node, kind_of, to_millis, words

Query = dict[str, Any]
# The end of the string; `$` would also match before a final newline, in PCRE and in Python.
END = r"(?![\s\S])"
_BSON_TYPES = {"string": "string", "number": "number", "boolean": "bool"}


def _or(parts: list[Query]) -> Query:
    return parts[0] if len(parts) == 1 else {"$or": parts}


def _branches(spec: FieldSpec, path: str, tests: list[Query]) -> list[Query]:
    """`tests` applied to the value at `path`, directly or through each possible list."""
    out = []
    for outer in spec.mongo_lists:
        if outer is None:
            out += [{path: test} for test in tests]
        elif path.startswith(outer + "."):
            out += [{outer: {"$elemMatch": {path[len(outer) + 1:]: test}}} for test in tests]
    return out


def _guarded(spec: FieldSpec, condition: Query, bson_type: str, path: str | None = None) -> Query:
    condition = {**condition, "$type": bson_type}
    tests = []
    if spec.shape != "list":
        tests.append(condition)
    if spec.shape != "scalar":
        tests.append({"$elemMatch": condition})
    return _or(_branches(spec, path or spec.mongo, tests))


def _time_path(spec: FieldSpec) -> str:
    if not spec.mongo_time:
        raise ValueError(f"date field {spec.name} has no millisecond shadow in MongoDB")
    return spec.mongo_time


def _one_or_in(values: list[Any]) -> Query:
    return {"$eq": values[0]} if len(values) == 1 else {"$in": values}


def _case_insensitive(c: Condition) -> bool:
    return not c.case_sensitive and not c.field.chronological


def _equals(spec: FieldSpec, values: list[Any], ci: bool) -> Query:
    """Some candidate equals one of the values (strings case-insensitively when `ci`)."""
    if spec.chronological:
        return _guarded(spec, _one_or_in([to_millis(v) for v in values]), "number", _time_path(spec))
    by_kind: dict[str, list[Any]] = {}
    for value in values:
        by_kind.setdefault(kind_of(value), []).append(value)
    branches = []
    for kind, same in by_kind.items():
        if kind == "string" and ci:
            pattern = "^(?:" + "|".join(re.escape(v) for v in same) + ")" + END
            branches.append(_guarded(spec, {"$regex": pattern, "$options": "i"}, "string"))
        else:
            branches.append(_guarded(spec, _one_or_in(same), _BSON_TYPES[kind]))
    return _or(branches)


def _literal(spec: FieldSpec, pattern: str, ci: bool) -> Query:
    """Some string candidate matches a pattern built from escaped literals."""
    return _guarded(spec, {"$regex": pattern, **({"$options": "i"} if ci else {})}, "string")


def _empty(spec: FieldSpec) -> Query:
    """The field holds no non-null value. Spelled with $type and $elemMatch only: nx-27017 gets
    null wrong inside $or and $nor, and $size fails on some documents."""
    tests: list[Query] = []
    if spec.shape != "list":
        tests += [{"$type": t} for t in ("string", "number", "bool", "object")]
    if spec.shape != "scalar":
        tests.append({"$elemMatch": {"$exists": True}})
    return {"$nor": _branches(spec, spec.mongo, tests)}


def _exact(query: Query) -> Lowered[Query]:
    return Lowered(query, True)


def _eq(c: Condition) -> Lowered[Query]:
    values = c.value if isinstance(c.value, list) else [c.value]
    return _exact(_equals(c.field, values, _case_insensitive(c)))


def _ne(c: Condition) -> Lowered[Query]:
    return _exact({"$nor": [_eq(c).query]})


def _compare(c: Condition) -> Lowered[Query]:
    operator = "$" + c.operator
    if c.field.chronological:
        return _exact(_guarded(c.field, {operator: to_millis(c.value)}, "number", _time_path(c.field)))
    return _exact(_guarded(c.field, {operator: c.value}, "number" if kind_of(c.value) == "number" else "string"))


def _contains(c: Condition) -> Lowered[Query]:
    if not isinstance(c.value, str):
        return _exact(_equals(c.field, [c.value], False))
    return _exact(_literal(c.field, re.escape(c.value), _case_insensitive(c)))


def _has_value(c: Condition, wanted: bool) -> Lowered[Query]:
    return _exact({"$nor": [_empty(c.field)]} if wanted else _empty(c.field))


def _text(c: Condition) -> Lowered[Query]:
    found = [_literal(c.field, rf"(?<!\w){re.escape(w)}(?!\w)", _case_insensitive(c)) for w in words(c.value)]
    return _exact(found[0] if len(found) == 1 else {"$and": found})


class MongoLowering(Lowering[Query]):
    backend = "MongoDB"

    def all_of(self, parts: list[Query]) -> Query:
        return parts[0] if len(parts) == 1 else {"$and": parts}

    def any_of(self, parts: list[Query]) -> Query:
        return _or(parts)

    def none_of(self, parts: list[Query]) -> Query:
        return {"$nor": parts}


LOWERING = MongoLowering(
    {
        "eq": _eq,
        "in": _eq,
        "ne": _ne,
        "nin": _ne,
        "gt": _compare,
        "gte": _compare,
        "lt": _compare,
        "lte": _compare,
        "contains": _contains,
        "starts_with": lambda c: _exact(_literal(c.field, "^" + re.escape(c.value), _case_insensitive(c))),
        "ends_with": lambda c: _exact(_literal(c.field, re.escape(c.value) + END, _case_insensitive(c))),
        "regex": lambda c: Lowered(None, False),  # RE2 in vecplane: see the module docstring
        "exists": lambda c: _has_value(c, c.value),
        "is_null": lambda c: _has_value(c, not c.value),
        "text": _text,
    }
)


@dataclass(frozen=True)
class MongoFilter:
    """A filter lowered for MongoDB: `query` selects a superset of the matches ({}: everything);
    when `exact` is false, keep only the documents for which `matches(doc)` holds."""

    query: Query
    exact: bool
    node: Node | None

    def matches(self, doc: dict[str, Any]) -> bool:
        return self.node is None or filters.evaluate(self.node, doc, lambda f: f.mongo)


def to_mongo(node: Node | None) -> MongoFilter:
    """The MongoDB query for a filter (None: no filter)."""
    if node is None:
        return MongoFilter({}, True, None)
    lowered = LOWERING.lower(node)
    return MongoFilter(lowered.query or {}, lowered.exact, node)
