"""Mixpeek's LogicalOperator filters: checked once into a small AST, then compiled from that one AST
into a MongoDB query (objects and the list calls) and a Qdrant filter (documents, which vecplane
keeps only as Qdrant points). `evaluate` states the semantics in plain Python; the tests run one
table of cases through all three and require them to agree.

Semantics (what every backend must do):
- A node is either a condition (field, operator, value) or a group (AND, OR, NOT), never both. AND
  holds when all its items do, OR when at least one does, NOT when none does; a group with several
  lists needs all of them. `case_sensitive` (default false) is inherited by nested nodes that do
  not set it.
- A field is a dot path through nested objects (and through lists of objects: any element). Its
  candidates are its value or, when the value is a list, the list's elements. A positive condition
  holds when at least one candidate satisfies it, as in MongoDB and Qdrant.
- Values compare only with values of the same kind: strings with strings, numbers with numbers
  (booleans are not numbers), booleans with booleans. Fields declared `date`/`datetime` compare
  chronologically (to the millisecond) for eq, ne, in, nin, gt, gte, lt, lte.
- eq/in: equal to the value (one of the values); strings compare case-insensitively unless
  case_sensitive. ne/nin are the negations of eq/in, so they also hold for a missing field.
- gt/gte/lt/lte: numbers numerically, strings by code point (always case-sensitive: MongoDB has no
  case-insensitive ordering without collations), date fields chronologically.
- contains: with a string value, a string candidate contains it as a substring; with another value,
  the same as eq (an array field contains the value). starts_with/ends_with: string candidates.
  regex: a regular expression search (Python syntax; MongoDB's PCRE agrees on the common syntax).
  text: every word of the value occurs as a whole word in some string candidate.
- exists true / is_null false: the field holds a non-null value (a missing field, null and an empty
  list all count as no value, because Qdrant's is_empty cannot tell them apart); exists false /
  is_null true: the opposite.

MongoDB: every leaf carries a `$type` guard and, unless the schema says the field is a scalar,
an `$elemMatch` branch for lists. Both make the query exact on real MongoDB and on the embedded
nx-27017, which otherwise treats true as 1, compares strings with numbers, does not apply `$regex`
or `$gt` to list elements, mishandles null inside `$or`/`$nor`, and has no `$not` (we use `$nor`).

Qdrant has no case-insensitive match, substring, prefix, suffix, regex or string ordering. Those
conditions compile to the closest *superset* Qdrant can express exactly (often "no restriction" for
that branch) and the result is marked inexact: the caller then applies `DocumentFilter.matches`
(this module's reference evaluator) to what Qdrant returns. Exact filters need no second pass.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from typing import Any, Protocol

from qdrant_client import models

from server.domain.errors import Violations

OPERATORS = (
    "eq", "ne", "gt", "lt", "gte", "lte", "in", "nin", "contains", "starts_with", "ends_with", "regex",
    "exists", "is_null", "text",
)
ORDERING = ("gt", "gte", "lt", "lte")
STRING_ONLY = ("starts_with", "ends_with", "regex", "text")
CASE_AWARE = ("eq", "ne", "in", "nin", "contains", "starts_with", "ends_with", "regex", "text")
NUMBER_TYPES = frozenset({"number", "integer", "float"})
STRING_TYPES = frozenset({"string", "text", "date", "datetime", "image", "audio", "video", "pdf", "excel"})
DATE_TYPES = frozenset({"date", "datetime"})
FIELD_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
# The end of the string; `$` would also match before a final newline, in PCRE and in Python.
END = r"(?![\s\S])"
_WORD = re.compile(r"\w+")


# ------------------------------------------------------------------------------------------------
# Fields


@dataclass(frozen=True)
class FieldSpec:
    """A filterable field: its public name, what the schema says about it, where it is stored.

    `type` is the schema type of the value (of the elements, for a list), None when unknown.
    `shape` is "scalar" (never a list), "list" or "any". `mongo` is the stored path in MongoDB,
    `mongo_time` the path of its integer-millisecond shadow (date fields), `qdrant` the payload key
    (with `[]` after list segments, Qdrant's syntax for looking into lists of objects).
    `mongo_lists` are the stored paths of the lists of objects the path may go through (None: no
    list): a condition through a list goes inside an `$elemMatch` on it, because nx-27017 does not
    apply typed conditions through lists. `qdrant_keys`, when set, are alternative payload keys
    (with and without `[]`) for paths whose lists are not known from a schema."""

    name: str
    type: str | None = None
    shape: str = "any"
    mongo: str = ""
    qdrant: str = ""
    mongo_time: str | None = None
    mongo_lists: tuple[str | None, ...] = (None,)
    qdrant_keys: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        return self.qdrant_keys or (self.qdrant or self.name,)

    @property
    def chronological(self) -> bool:
        return self.type in DATE_TYPES

    @property
    def payload_path(self) -> str:
        return (self.qdrant or self.name).replace("[]", "")


class Fields(Protocol):
    """What a filter may name: resolves a public field path, or None when there is no such field."""

    def resolve(self, name: str) -> FieldSpec | None: ...

    def describe(self) -> str: ...


@dataclass(frozen=True)
class StaticFields:
    """A fixed table of fields, plus open prefixes (e.g. `metadata.`) under which any path is allowed
    with an unknown type."""

    what: str
    fields: dict[str, FieldSpec]
    open_prefixes: dict[str, str] = dataclass_field(default_factory=dict)  # public prefix -> stored prefix

    def resolve(self, name: str) -> FieldSpec | None:
        if name in self.fields:
            return self.fields[name]
        head, _, rest = name.partition(".")
        if rest and head in self.open_prefixes:
            return loose_field(name, f"{self.open_prefixes[head]}.{rest}", known_objects=1)
        return None

    def describe(self) -> str:
        names = sorted(self.fields) + [f"{p}.*" for p in sorted(self.open_prefixes)]
        return f"{self.what} (fields: {', '.join(names)})"


def loose_field(name: str, stored: str | None = None, *, known_objects: int = 0) -> FieldSpec:
    """A field no schema describes: any type, any shape, and any segment after the first
    `known_objects` stored ones may be a list of objects (one such list is looked through)."""
    stored = stored or name
    parts, public = stored.split("."), name.split(".")
    lists = (None, *(".".join(parts[:i]) for i in range(known_objects + 1, len(parts))))
    keys = (name, *(".".join(public[:i]) + "[]." + ".".join(public[i:]) for i in range(1, len(public))))
    return FieldSpec(name, None, "any", stored, name, None, lists, keys)


def simple_field(name: str, type_: str | None = None, *, mongo: str | None = None, time: str | None = None, shape: str = "scalar", through: str | None = None) -> FieldSpec:
    """A field of a fixed table; `through` names the list of objects the path goes through."""
    stored = mongo or name
    return FieldSpec(name, type_, shape, stored, name, time, (through,))


# ------------------------------------------------------------------------------------------------
# The AST


@dataclass(frozen=True)
class Condition:
    field: FieldSpec
    operator: str
    value: Any
    case_sensitive: bool


@dataclass(frozen=True)
class Group:
    all_of: tuple[Node, ...] = ()
    any_of: tuple[Node, ...] = ()
    none_of: tuple[Node, ...] = ()


Node = Condition | Group

_LISTS = (("AND", "all_of"), ("OR", "any_of"), ("NOT", "none_of"))


def _list_of(raw: dict[str, Any], json_name: str, proto_name: str) -> list[Any]:
    found = raw.get(json_name)
    if found is None:
        found = raw.get(proto_name)
    return found or []


def parse(raw: dict[str, Any] | None, fields: Fields, path: str, problems: Violations) -> Node | None:
    """Checks a LogicalOperator (as its Mixpeek JSON dict) and returns its AST, or None when it
    sets nothing (no filter). Every problem is added to `problems` at its path, e.g.
    `source.filters.AND[0].field`."""
    if not raw:
        return None
    if not isinstance(raw, dict):
        problems.add(path, "must be an object")
        return None
    if not _is_group(raw) and not _is_condition(raw):
        return None  # e.g. only case_sensitive: filters nothing
    return _parse_node(raw, fields, path, problems, bool(raw.get("case_sensitive", False)))


def _is_group(raw: dict[str, Any]) -> bool:
    return any(_list_of(raw, j, p) for j, p in _LISTS)


def _is_condition(raw: dict[str, Any]) -> bool:
    return bool(raw.get("field")) or "operator" in raw or "value" in raw


def _parse_node(raw: Any, fields: Fields, path: str, problems: Violations, inherited: bool) -> Node | None:
    if not isinstance(raw, dict):
        problems.add(path, "must be an object: a condition or a group")
        return None
    case_sensitive = raw["case_sensitive"] if isinstance(raw.get("case_sensitive"), bool) else inherited
    group, condition = _is_group(raw), _is_condition(raw)
    if group and condition:
        problems.add(path, "is both a condition (field/operator/value) and a group (AND/OR/NOT); put the condition inside the group")
        return None
    if not group and not condition:
        problems.add(path, "is empty: set field/operator/value for a condition, or AND/OR/NOT for a group")
        return None
    if condition:
        return _parse_condition(raw, fields, path, problems, case_sensitive)
    parts: dict[str, tuple[Node, ...]] = {}
    for json_name, proto_name in _LISTS:
        items = _list_of(raw, json_name, proto_name)
        if not isinstance(items, list):
            problems.add(f"{path}.{json_name}", "must be a list")
            continue
        parsed = [_parse_node(item, fields, f"{path}.{json_name}[{i}]", problems, case_sensitive) for i, item in enumerate(items)]
        parts[proto_name] = tuple(p for p in parsed if p is not None)
    return Group(**parts)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, bool)) or _is_number(value)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "string"
    if _is_number(value):
        return "number"
    return "other"


def _field_kind(type_: str | None) -> str | None:
    if type_ is None:
        return None
    if type_ in NUMBER_TYPES:
        return "number"
    if type_ in STRING_TYPES:
        return "string"
    if type_ == "boolean":
        return "boolean"
    return "object"  # object, or a list whose elements are not described


def to_millis(value: Any) -> int | None:
    """An ISO 8601 date or date-time as epoch milliseconds (naive ones are UTC), or None."""
    if not isinstance(value, str):
        return None
    try:
        if len(value) == 10:
            moment = dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), dt.UTC)
        else:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return int(moment.timestamp() * 1000)


def _parse_condition(raw: dict[str, Any], fields: Fields, path: str, problems: Violations, case_sensitive: bool) -> Condition | None:
    before = len(problems.items)
    name = raw.get("field")
    spec = None
    if not name:
        problems.add(f"{path}.field", "is required for a condition")
    elif not isinstance(name, str) or not FIELD_PATH.match(name):
        problems.add(f"{path}.field", "must be a field path in dot notation, e.g. 'metadata.title'")
    else:
        spec = fields.resolve(name)
        if spec is None:
            problems.add(f"{path}.field", f"'{name}' is not a field of {fields.describe()}")
    operator = raw.get("operator", "eq")
    if operator not in OPERATORS:
        problems.add(f"{path}.operator", f"unknown operator {operator!r}; use one of: {', '.join(OPERATORS)}")
        return None
    value = raw.get("value")
    _check_value(problems, f"{path}.value", operator, value)
    if spec is not None and len(problems.items) == before:
        _check_against_field(problems, path, spec, operator, value)
    if len(problems.items) != before:
        return None
    return Condition(spec, operator, value, case_sensitive)


def _check_value(problems: Violations, where: str, operator: str, value: Any) -> None:
    if operator in ("exists", "is_null"):
        if not isinstance(value, bool):
            problems.add(where, f"'{operator}' needs true or false")
    elif operator in ("in", "nin"):
        if not isinstance(value, list) or not value:
            problems.add(where, f"'{operator}' needs a non-empty list of values")
        elif not all(_is_scalar(v) for v in value):
            problems.add(where, f"'{operator}' needs a list of strings, numbers or booleans")
    elif value is None:
        problems.add(where, f"is required for '{operator}'" + (" (use is_null to test for null)" if operator in ("eq", "ne") else ""))
    elif isinstance(value, list):
        problems.add(where, "must be a single value" + ("; use in/nin for a list" if operator in ("eq", "ne") else ""))
    elif not _is_scalar(value):
        problems.add(where, "must be a string, number or boolean")
    elif operator in ORDERING and isinstance(value, bool):
        problems.add(where, f"'{operator}' needs a number or a string")
    elif operator in STRING_ONLY:
        if not isinstance(value, str) or not value:
            problems.add(where, f"'{operator}' needs a non-empty string")
        elif operator == "regex":
            try:
                re.compile(value)
            except re.error as exc:
                problems.add(where, f"is not a valid regular expression: {exc}")
        elif operator == "text" and not _WORD.search(value):
            problems.add(where, "'text' needs at least one word")


def _check_against_field(problems: Violations, path: str, spec: FieldSpec, operator: str, value: Any) -> None:
    kind = _field_kind(spec.type)
    if kind is None or operator in ("exists", "is_null"):
        return
    described = f"'{spec.name}' is {'a list of ' if spec.shape == 'list' else ''}{spec.type}"
    if kind == "object":
        problems.add(f"{path}.operator", f"{described}: only exists and is_null apply to it")
        return
    if operator in STRING_ONLY and kind != "string":
        problems.add(f"{path}.operator", f"'{operator}' applies to string fields; {described}")
        return
    if operator in ORDERING and kind == "boolean":
        problems.add(f"{path}.operator", f"'{operator}' does not apply to booleans; {described}")
        return
    values = value if isinstance(value, list) else [value]
    for index, item in enumerate(values):
        where = f"{path}.value" + (f"[{index}]" if isinstance(value, list) else "")
        if _kind(item) != kind:
            problems.add(where, f"must be a {kind} to compare with {described}")
        elif spec.chronological and operator not in ("contains", "starts_with", "ends_with", "regex", "text") and to_millis(item) is None:
            problems.add(where, f"must be an ISO 8601 {spec.type} to compare with {described}")


# ------------------------------------------------------------------------------------------------
# Reference semantics


def _values_at(value: Any, parts: list[str]) -> list[Any]:
    if not parts:
        return [value]
    if isinstance(value, dict):
        return _values_at(value[parts[0]], parts[1:]) if parts[0] in value else []
    if isinstance(value, list):
        return [found for item in value if isinstance(item, dict) for found in _values_at(item, parts)]
    return []


def candidates(doc: dict[str, Any], path: str) -> list[Any]:
    """The values a condition on `path` looks at: the value, or the elements of a list."""
    out: list[Any] = []
    for value in _values_at(doc, path.split(".")):
        if isinstance(value, list):
            out.extend(value)
        else:
            out.append(value)
    return out


def _same(candidate: Any, value: Any, case_sensitive: bool, chronological: bool) -> bool:
    if chronological and isinstance(candidate, str) and isinstance(value, str):
        a, b = to_millis(candidate), to_millis(value)
        return a is not None and a == b
    if _kind(candidate) != _kind(value) or _kind(value) == "other":
        return False
    if isinstance(value, str) and not case_sensitive:
        return candidate.lower() == value.lower()
    return candidate == value


def _ordered(candidate: Any, operator: str, value: Any, chronological: bool) -> bool:
    if chronological:
        a, b = to_millis(candidate), to_millis(value)
        if a is None or b is None:
            return False
    elif _kind(candidate) == _kind(value) and _kind(value) in ("number", "string"):
        a, b = candidate, value
    else:
        return False
    return {"gt": a > b, "gte": a >= b, "lt": a < b, "lte": a <= b}[operator]


def _has_word(text: str, word: str, case_sensitive: bool) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, 0 if case_sensitive else re.IGNORECASE) is not None


def evaluate(node: Node, doc: dict[str, Any], path_of: Callable[[FieldSpec], str] = lambda f: f.name) -> bool:
    """Whether `doc` matches: the reference semantics (see the module docstring)."""
    if isinstance(node, Group):
        return (
            all(evaluate(n, doc, path_of) for n in node.all_of)
            and (not node.any_of or any(evaluate(n, doc, path_of) for n in node.any_of))
            and not any(evaluate(n, doc, path_of) for n in node.none_of)
        )
    spec, op, value, cs = node.field, node.operator, node.value, node.case_sensitive
    found = candidates(doc, path_of(spec))
    chrono = spec.chronological
    if op in ("exists", "is_null"):
        has_value = any(c is not None for c in found)
        return has_value == value if op == "exists" else has_value != value
    if op in ("eq", "ne"):
        hit = any(_same(c, value, cs, chrono) for c in found)
        return hit if op == "eq" else not hit
    if op in ("in", "nin"):
        hit = any(_same(c, v, cs, chrono) for c in found for v in value)
        return hit if op == "in" else not hit
    if op in ORDERING:
        return any(_ordered(c, op, value, chrono) for c in found)
    if op == "contains" and not isinstance(value, str):
        return any(_same(c, value, cs, False) for c in found)
    strings = [c for c in found if isinstance(c, str)]
    if not cs:
        strings, lowered = [s.lower() for s in strings], value.lower()
    else:
        lowered = value
    if op == "contains":
        return any(lowered in s for s in strings)
    if op == "starts_with":
        return any(s.startswith(lowered) for s in strings)
    if op == "ends_with":
        return any(s.endswith(lowered) for s in strings)
    if op == "regex":
        flags = 0 if cs else re.IGNORECASE
        return any(re.search(value, c, flags) for c in found if isinstance(c, str))
    if op == "text":
        originals = [c for c in found if isinstance(c, str)]
        return all(any(_has_word(c, w, cs) for c in originals) for w in _WORD.findall(value))
    raise ValueError(f"unknown operator {op}")


# ------------------------------------------------------------------------------------------------
# Lowering: the one place operators become primitives every backend translates 1:1.


@dataclass(frozen=True)
class Equals:
    """Some candidate equals one of `values` (strings case-insensitively when `ci`)."""

    field: FieldSpec
    values: tuple[Any, ...]
    ci: bool


@dataclass(frozen=True)
class Compare:
    field: FieldSpec
    operator: str
    value: Any


@dataclass(frozen=True)
class Pattern:
    """Some string candidate matches the regular expression."""

    field: FieldSpec
    regex: str
    ci: bool


@dataclass(frozen=True)
class Empty:
    """The field holds no non-null value."""

    field: FieldSpec


@dataclass(frozen=True)
class All:
    parts: tuple[Any, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Any, ...]


@dataclass(frozen=True)
class NoneOf:
    parts: tuple[Any, ...]


def lower(node: Node):
    if isinstance(node, Group):
        parts = [lower(n) for n in node.all_of]
        if node.any_of:
            parts.append(AnyOf(tuple(lower(n) for n in node.any_of)))
        if node.none_of:
            parts.append(NoneOf(tuple(lower(n) for n in node.none_of)))
        return parts[0] if len(parts) == 1 else All(tuple(parts))
    spec, op, value = node.field, node.operator, node.value
    ci = not node.case_sensitive and not spec.chronological
    if op in ("eq", "in", "ne", "nin"):
        values = tuple(value) if isinstance(value, list) else (value,)
        equals = Equals(spec, values, ci and any(isinstance(v, str) for v in values))
        return equals if op in ("eq", "in") else NoneOf((equals,))
    if op in ORDERING:
        return Compare(spec, op, value)
    if op in ("exists", "is_null"):
        wants_value = value if op == "exists" else not value
        return NoneOf((Empty(spec),)) if wants_value else Empty(spec)
    if op == "contains":
        return Pattern(spec, re.escape(value), ci) if isinstance(value, str) else Equals(spec, (value,), False)
    if op == "starts_with":
        return Pattern(spec, "^" + re.escape(value), ci)
    if op == "ends_with":
        return Pattern(spec, re.escape(value) + END, ci)
    if op == "regex":
        return Pattern(spec, value, ci)
    if op == "text":
        words = [Pattern(spec, rf"(?<!\w){re.escape(w)}(?!\w)", ci) for w in _WORD.findall(value)]
        return words[0] if len(words) == 1 else All(tuple(words))
    raise ValueError(f"unknown operator {op}")


class Target(Protocol):
    def all_of(self, parts: list[Any]) -> Any: ...
    def any_of(self, parts: list[Any]) -> Any: ...
    def none_of(self, parts: list[Any]) -> Any: ...
    def leaf(self, primitive: Equals | Compare | Pattern | Empty) -> Any: ...


def compile_node(node: Node, target: Target) -> Any:
    """THE compiler: lowers the AST once and hands every piece to the backend `target`."""

    def emit(primitive) -> Any:
        if isinstance(primitive, All):
            return target.all_of([emit(p) for p in primitive.parts])
        if isinstance(primitive, AnyOf):
            return target.any_of([emit(p) for p in primitive.parts])
        if isinstance(primitive, NoneOf):
            return target.none_of([emit(p) for p in primitive.parts])
        return target.leaf(primitive)

    return emit(lower(node))


# ------------------------------------------------------------------------------------------------
# MongoDB


def _by_kind(values: tuple[Any, ...]) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {}
    for value in values:
        groups.setdefault(_kind(value), []).append(value)
    return groups


class MongoTarget:
    def all_of(self, parts: list[dict]) -> dict:
        return parts[0] if len(parts) == 1 else {"$and": parts}

    def any_of(self, parts: list[dict]) -> dict:
        return parts[0] if len(parts) == 1 else {"$or": parts}

    def none_of(self, parts: list[dict]) -> dict:
        return {"$nor": parts}

    @staticmethod
    def _branches(spec: FieldSpec, path: str, tests: list[dict[str, Any]]) -> list[dict]:
        """`tests` applied to the value at `path`, directly or through each possible list."""
        out = []
        for outer in spec.mongo_lists:
            if outer is None:
                out += [{path: test} for test in tests]
            elif path.startswith(outer + "."):
                out += [{outer: {"$elemMatch": {path[len(outer) + 1:]: test}}} for test in tests]
        return out

    def _guarded(self, spec: FieldSpec, condition: dict[str, Any], bson_type: str, path: str | None = None) -> dict:
        condition = {**condition, "$type": bson_type}
        tests = []
        if spec.shape != "list":
            tests.append(condition)
        if spec.shape != "scalar":
            tests.append({"$elemMatch": condition})
        return self.any_of(self._branches(spec, path or spec.mongo, tests))

    @staticmethod
    def _one_or_in(values: list[Any]) -> dict[str, Any]:
        return {"$eq": values[0]} if len(values) == 1 else {"$in": values}

    def leaf(self, p) -> dict:
        spec = p.field
        if isinstance(p, Equals):
            if spec.chronological:
                millis = [to_millis(v) for v in p.values]
                return self._guarded(spec, self._one_or_in(millis), "number", self._time_path(spec))
            branches = []
            for kind, values in _by_kind(p.values).items():
                if kind == "string" and p.ci:
                    pattern = "^(?:" + "|".join(re.escape(v) for v in values) + ")" + END
                    branches.append(self._guarded(spec, {"$regex": pattern, "$options": "i"}, "string"))
                else:
                    branches.append(self._guarded(spec, self._one_or_in(values), {"string": "string", "number": "number", "boolean": "bool"}[kind]))
            return self.any_of(branches)
        if isinstance(p, Compare):
            operator = "$" + p.operator
            if spec.chronological:
                return self._guarded(spec, {operator: to_millis(p.value)}, "number", self._time_path(spec))
            return self._guarded(spec, {operator: p.value}, "number" if _is_number(p.value) else "string")
        if isinstance(p, Pattern):
            condition = {"$regex": p.regex, **({"$options": "i"} if p.ci else {})}
            return self._guarded(spec, condition, "string")
        if isinstance(p, Empty):
            # "Has a value" spelled with $type and $elemMatch only: nx-27017 gets null wrong
            # inside $or and $nor, and $size fails on some documents.
            tests = []
            if spec.shape != "list":
                tests += [{"$type": t} for t in ("string", "number", "bool", "object")]
            if spec.shape != "scalar":
                tests.append({"$elemMatch": {"$exists": True}})
            return {"$nor": self._branches(spec, spec.mongo, tests)}
        raise TypeError(p)

    @staticmethod
    def _time_path(spec: FieldSpec) -> str:
        if not spec.mongo_time:
            raise ValueError(f"date field {spec.name} has no millisecond shadow in MongoDB")
        return spec.mongo_time


def to_mongo(node: Node | None) -> dict[str, Any]:
    """The MongoDB query for a filter ({} for no filter)."""
    return {} if node is None else compile_node(node, MongoTarget())


# ------------------------------------------------------------------------------------------------
# Qdrant


@dataclass(frozen=True)
class _Q:
    condition: Any  # a Qdrant condition or Filter; None: no restriction (a superset)
    exact: bool


class QdrantTarget:
    def all_of(self, parts: list[_Q]) -> _Q:
        kept = [p.condition for p in parts if p.condition is not None]
        exact = all(p.exact for p in parts)
        if not kept:
            return _Q(None, exact)
        return _Q(kept[0] if len(kept) == 1 else models.Filter(must=kept), exact)

    def any_of(self, parts: list[_Q]) -> _Q:
        if any(p.condition is None for p in parts):
            # A branch without restriction: the union has none either (exactly so only if that
            # branch really matches everything).
            return _Q(None, all(p.exact for p in parts if p.condition is None))
        if len(parts) == 1:
            return parts[0]
        return _Q(models.Filter(should=[p.condition for p in parts]), all(p.exact for p in parts))

    def none_of(self, parts: list[_Q]) -> _Q:
        # The complement of a superset is a subset, not a superset: an inexact part gives up.
        if not all(p.exact and p.condition is not None for p in parts):
            return _Q(None, False)
        return _Q(models.Filter(must_not=[p.condition for p in parts]), True)

    def leaf(self, p) -> _Q:
        spec = p.field
        if len(spec.keys) > 1:
            # Unknown lists: the same condition under each spelling of the key.
            parts = [self.leaf(replace(p, field=replace(spec, qdrant=key, qdrant_keys=()))) for key in spec.keys]
            if isinstance(p, Empty):
                return self.all_of(parts)
            return self.any_of(parts)
        key = spec.keys[0]
        if isinstance(p, Equals):
            if spec.chronological:
                moments = [_datetime(v) for v in p.values]
                conditions = [models.FieldCondition(key=key, range=models.DatetimeRange(gte=m, lte=m)) for m in moments]
                return _Q(self._should(conditions), True)
            conditions = []
            for kind, values in _by_kind(p.values).items():
                if kind == "string":
                    if p.ci and any(v.lower() != v.upper() for v in values):
                        return _Q(None, False)  # no case-insensitive match in Qdrant
                    match = models.MatchValue(value=values[0]) if len(values) == 1 else models.MatchAny(any=values)
                    conditions.append(models.FieldCondition(key=key, match=match))
                elif kind == "number":
                    # Range, not MatchValue: MatchValue(30) does not match a stored 30.0.
                    conditions += [models.FieldCondition(key=key, range=models.Range(gte=v, lte=v)) for v in values]
                else:
                    conditions += [models.FieldCondition(key=key, match=models.MatchValue(value=v)) for v in values]
            return _Q(self._should(conditions), True)
        if isinstance(p, Compare):
            if spec.chronological:
                return _Q(models.FieldCondition(key=key, range=models.DatetimeRange(**{p.operator: _datetime(p.value)})), True)
            if _is_number(p.value):
                return _Q(models.FieldCondition(key=key, range=models.Range(**{p.operator: p.value})), True)
            return _Q(None, False)  # Qdrant has no string ordering
        if isinstance(p, Pattern):
            return _Q(None, False)  # nor regular expressions, substrings, prefixes or suffixes
        if isinstance(p, Empty):
            return _Q(models.IsEmptyCondition(is_empty=models.PayloadField(key=key)), True)
        raise TypeError(p)

    @staticmethod
    def _should(conditions: list[Any]) -> Any:
        return conditions[0] if len(conditions) == 1 else models.Filter(should=conditions)


def _datetime(value: str) -> dt.datetime:
    return dt.datetime.fromtimestamp(to_millis(value) / 1000, dt.UTC)


@dataclass(frozen=True)
class DocumentFilter:
    """A filter compiled for Qdrant. `filter` selects a superset of the matching points (None: no
    restriction); when `exact` is false, keep only the points for which `matches(payload)` holds."""

    filter: models.Filter | None
    exact: bool
    node: Node | None

    def matches(self, payload: dict[str, Any]) -> bool:
        return self.node is None or evaluate(self.node, payload, lambda f: f.payload_path)


def to_qdrant(node: Node | None) -> DocumentFilter:
    if node is None:
        return DocumentFilter(None, True, None)
    compiled: _Q = compile_node(node, QdrantTarget())
    condition = compiled.condition
    if condition is not None and not isinstance(condition, models.Filter):
        condition = models.Filter(must=[condition])
    return DocumentFilter(condition, compiled.exact, node)
