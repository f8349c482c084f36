"""Mixpeek's LogicalOperator filters: checked once into a small AST, evaluated by a reference
evaluator, and lowered to each backend's query language by the storage adapters
(server/storage/mongo_filters.py, server/storage/qdrant_filters.py). `OPERATORS` is the one table of
operators: each entry holds what its value must be, which field kinds it applies to, and what it
means (its reference evaluation); every backend registers one lowering per entry (see `Lowering`),
so an operator without a lowering fails at import. The tests run one table of cases through the
evaluator and the real backends and require them to agree.

Semantics (what every backend must do):
- A node is either a condition (field, operator, value) or a group (AND, OR, NOT), never both. AND
  holds when all its items do, OR when at least one does, NOT when none does; a group with several
  lists needs all of them. `case_sensitive` (default false) is inherited by nested nodes that do
  not set it.
- Mixpeek's equality shorthand: a group's other keys are equality conditions on the fields they
  name (`{"metadata.title": "x"}` is `{"field": "metadata.title", "operator": "eq", "value": "x"}`),
  all of which must hold beside the group's lists. REST takes them as such keys; the proto holds
  them in `field_equals` (the gateway moves the keys there), and a filter given as plain JSON
  (a Struct) may use either form.
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
  regex: a regular-expression search with RE2 syntax and semantics (linear time: no
  backreferences, no lookaround); it is always evaluated by vecplane with RE2, never sent to a
  backend whose engine backtracks. text: every word of the value occurs as a whole word in some
  string candidate.
- exists true / is_null false: the field holds a non-null value (a missing field, null and an empty
  list all count as no value, because Qdrant's is_empty cannot tell them apart); exists false /
  is_null true: the opposite.

Caps (INVALID_ARGUMENT beyond them, naming the field): `MAX_CONDITIONS` conditions per filter,
`MAX_DEPTH` levels of nested groups, `MAX_LIST_VALUES` values in an in/nin list and
`MAX_VALUE_CHARS` characters in a string value (a regex included).

A backend that cannot decide a condition exactly lowers it to the closest superset it can express
(often "no restriction") and marks the result inexact: the caller then keeps only what
`evaluate` accepts. Exact lowerings need no second pass.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, Generic, Protocol, TypeVar

import re2

from server.domain.errors import Violations

NUMBER_TYPES = frozenset({"number", "integer", "float"})
STRING_TYPES = frozenset({"string", "text", "date", "datetime", "image", "audio", "video", "pdf", "excel"})
DATE_TYPES = frozenset({"date", "datetime"})
FIELD_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_WORD = re.compile(r"\w+")

MAX_CONDITIONS = 100
MAX_DEPTH = 8
MAX_LIST_VALUES = 256
MAX_VALUE_CHARS = 1024


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
# The proto field holding the equality shorthand (REST: the node's other keys).
_EQUALS = "field_equals"
# Every key a filter node may hold, in Mixpeek's JSON and in the proto's own field names.
_NODE_KEYS = {"field", "operator", "value", "case_sensitive", _EQUALS} | {name for pair in _LISTS for name in pair}


def all_of(*nodes: Node | None) -> Node | None:
    """The conjunction of the nodes that are set (None when none is)."""
    kept = tuple(n for n in nodes if n is not None)
    if len(kept) <= 1:
        return kept[0] if kept else None
    return Group(all_of=kept)


def search(text: str, names: tuple[str, ...], case_sensitive: bool) -> Node:
    """A list call's `search`: some of the (scalar string) fields contains the text."""
    return Group(any_of=tuple(Condition(simple_field(n, "string"), "contains", text, case_sensitive) for n in names))


def prefix(name: str, value: str) -> Condition:
    """The (scalar string) field starts with the value, case-sensitively."""
    return Condition(simple_field(name, "string"), "starts_with", value, True)


def _list_of(raw: dict[str, Any], json_name: str, proto_name: str) -> Any:
    found = raw.get(json_name)
    if found is None:
        found = raw.get(proto_name)
    return found or []


@dataclass
class _Budget:
    """How many more conditions the filter being parsed may have; reported once when exceeded."""

    conditions: int = MAX_CONDITIONS
    reported: bool = False


def parse(raw: Any, fields: Fields, path: str, problems: Violations) -> Node | None:
    """Checks a LogicalOperator (as its Mixpeek JSON dict) and returns its AST, or None when it
    sets nothing (no filter). Every problem is added to `problems` at its path, e.g.
    `source.filters.AND[0].field`."""
    if not raw:
        return None
    if not isinstance(raw, dict):
        problems.add(path, "must be an object")
        return None
    if not _is_group(raw) and not _is_condition(raw) and not _shorthand(raw) and raw.get(_EQUALS) is None:
        return None  # e.g. only case_sensitive: filters nothing
    return _parse_node(raw, fields, path, problems, bool(raw.get("case_sensitive", False)), 0, _Budget())


def _shorthand(raw: dict[str, Any]) -> dict[str, Any]:
    """The node's equality shorthand, field path -> value: its keys that are no node key, and the
    entries of `field_equals` (which win)."""
    found = {key: value for key, value in raw.items() if key not in _NODE_KEYS}
    explicit = raw.get(_EQUALS)
    if isinstance(explicit, dict):
        found.update(explicit)
    return found


def _is_group(raw: dict[str, Any]) -> bool:
    return any(_list_of(raw, j, p) for j, p in _LISTS)


def _is_condition(raw: dict[str, Any]) -> bool:
    return bool(raw.get("field")) or "operator" in raw or "value" in raw


def _parse_node(raw: Any, fields: Fields, path: str, problems: Violations, inherited: bool, depth: int, budget: _Budget) -> Node | None:
    if not isinstance(raw, dict):
        problems.add(path, "must be an object: a condition or a group")
        return None
    case_sensitive = raw["case_sensitive"] if isinstance(raw.get("case_sensitive"), bool) else inherited
    group, condition, equals = _is_group(raw), _is_condition(raw), _shorthand(raw)
    if raw.get(_EQUALS) is not None and not isinstance(raw.get(_EQUALS), dict):
        problems.add(f"{path}.{_EQUALS}", "must be an object: field path -> value")
        return None
    if (group or equals) and condition:
        what = "a group (AND/OR/NOT)" if group else f"equality shorthand ({', '.join(sorted(equals))})"
        problems.add(path, f"is both a condition (field/operator/value) and {what}; put the condition inside a group")
        return None
    if not group and not condition and not equals:
        problems.add(path, "is empty: set field/operator/value for a condition, or AND/OR/NOT for a group")
        return None
    if condition:
        budget.conditions -= 1
        if budget.conditions < 0:
            if not budget.reported:
                problems.add(path, f"is beyond the limit of {MAX_CONDITIONS} conditions in one filter")
                budget.reported = True
            return None
        return _parse_condition(raw, fields, path, problems, case_sensitive)
    if depth >= MAX_DEPTH:
        problems.add(path, f"nests groups deeper than the limit of {MAX_DEPTH} levels")
        return None
    parts: dict[str, tuple[Node, ...]] = {}
    for json_name, proto_name in _LISTS:
        items = _list_of(raw, json_name, proto_name)
        if not isinstance(items, list):
            problems.add(f"{path}.{json_name}", "must be a list")
            continue
        if len(items) > MAX_CONDITIONS:
            problems.add(f"{path}.{json_name}", f"has {len(items)} items; a filter has at most {MAX_CONDITIONS} conditions")
            budget.reported = True
            budget.conditions = -1
            return None
        parsed = [_parse_node(item, fields, f"{path}.{json_name}[{i}]", problems, case_sensitive, depth + 1, budget) for i, item in enumerate(items)]
        parts[proto_name] = tuple(p for p in parsed if p is not None)
    if equals:
        shorthand = [_parse_equality(name, value, fields, f"{path}.{name}", problems, case_sensitive, budget) for name, value in equals.items()]
        parts["all_of"] = (*parts.get("all_of", ()), *(c for c in shorthand if c is not None))
    return Group(**parts)


def _parse_equality(name: str, value: Any, fields: Fields, path: str, problems: Violations, case_sensitive: bool, budget: _Budget) -> Node | None:
    """One shorthand entry as an eq condition; its problems are reported at the entry's own path."""
    own = Violations()
    parsed = _parse_node({"field": name, "operator": "eq", "value": value}, fields, path, own, case_sensitive, 1, budget)
    for problem in own.items:
        field = problem.field
        for suffix in (".field", ".value", ".operator"):
            field = field.removesuffix(suffix) if field == path + suffix else field
        problems.add(field, problem.description)
    return parsed


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, bool)) or _is_number(value)


def kind_of(value: Any) -> str:
    """A value's kind for comparisons: boolean, string, number or other."""
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


@functools.lru_cache(maxsize=512)
def regex(pattern: str, case_sensitive: bool) -> re2._Regexp:
    """A compiled RE2 regular expression (raises re2.error when RE2 cannot compile it)."""
    options = re2.Options()
    options.case_sensitive = case_sensitive
    options.log_errors = False
    return re2.compile(pattern, options)


def _parse_condition(raw: dict[str, Any], fields: Fields, path: str, problems: Violations, case_sensitive: bool) -> Condition | None:
    before = len(problems.items)
    name = raw.get("field")
    spec = None
    if not name:
        problems.add(f"{path}.field", "is required for a condition")
    elif not isinstance(name, str) or not FIELD_PATH.match(name) or len(name) > MAX_VALUE_CHARS:
        problems.add(f"{path}.field", "must be a field path in dot notation, e.g. 'metadata.title'")
    else:
        spec = fields.resolve(name)
        if spec is None:
            problems.add(f"{path}.field", f"'{name}' is not a field of {fields.describe()}")
    operator = OPERATORS.get(raw.get("operator", "eq"))
    if operator is None:
        problems.add(f"{path}.operator", f"unknown operator {raw.get('operator')!r:.100}; use one of: {', '.join(OPERATORS)}")
        return None
    value = raw.get("value")
    problem = operator.check(operator.name, value)
    if problem:
        problems.add(f"{path}.value", problem)
    if spec is not None and len(problems.items) == before:
        _check_against_field(problems, path, spec, operator, value)
    if len(problems.items) != before or spec is None:
        return None
    return Condition(spec, operator.name, value, case_sensitive)


# ------------------------------------------------------------------------------------------------
# Values


def _scalar(operator: str, value: Any) -> str | None:
    """What is wrong with a single comparison value, or None."""
    if value is None:
        return f"is required for '{operator}'" + (" (use is_null to test for null)" if operator in ("eq", "ne") else "")
    if isinstance(value, list):
        return "must be a single value" + ("; use in/nin for a list" if operator in ("eq", "ne") else "")
    if not _is_scalar(value):
        return "must be a string, number or boolean"
    if isinstance(value, str) and len(value) > MAX_VALUE_CHARS:
        return f"is longer than the limit of {MAX_VALUE_CHARS} characters"
    return None


def _flag(operator: str, value: Any) -> str | None:
    return None if isinstance(value, bool) else f"'{operator}' needs true or false"


def _values(operator: str, value: Any) -> str | None:
    if not isinstance(value, list) or not value:
        return f"'{operator}' needs a non-empty list of values"
    if len(value) > MAX_LIST_VALUES:
        return f"has {len(value)} values; '{operator}' takes at most {MAX_LIST_VALUES}"
    if not all(_is_scalar(v) for v in value):
        return f"'{operator}' needs a list of strings, numbers or booleans"
    if any(isinstance(v, str) and len(v) > MAX_VALUE_CHARS for v in value):
        return f"has a value longer than the limit of {MAX_VALUE_CHARS} characters"
    return None


def _ordered_value(operator: str, value: Any) -> str | None:
    problem = _scalar(operator, value)
    if problem is None and isinstance(value, bool):
        return f"'{operator}' needs a number or a string"
    return problem


def _string(operator: str, value: Any) -> str | None:
    problem = _scalar(operator, value)
    if problem is None and (not isinstance(value, str) or not value):
        return f"'{operator}' needs a non-empty string"
    return problem


def _pattern(operator: str, value: Any) -> str | None:
    problem = _string(operator, value)
    if problem is None:
        try:
            regex(value, True)
        except re2.error as exc:
            reason = exc.args[0].decode(errors="replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
            return f"is not a valid RE2 regular expression ({reason}); RE2 has no backreferences or lookaround"
    return problem


def _words(operator: str, value: Any) -> str | None:
    problem = _string(operator, value)
    if problem is None and not _WORD.search(value):
        return "'text' needs at least one word"
    return problem


def _check_against_field(problems: Violations, path: str, spec: FieldSpec, operator: Operator, value: Any) -> None:
    kind = _field_kind(spec.type)
    if kind is None or operator.kinds is None:
        return
    described = f"'{spec.name}' is {'a list of ' if spec.shape == 'list' else ''}{spec.type}"
    if kind not in operator.kinds:
        if kind == "object":
            anywhere = [o.name for o in OPERATORS.values() if o.kinds is None]
            problems.add(f"{path}.operator", f"{described}: only {' and '.join(anywhere)} apply to it")
        elif operator.kinds == {"string"}:
            problems.add(f"{path}.operator", f"'{operator.name}' applies to string fields; {described}")
        else:
            problems.add(f"{path}.operator", f"'{operator.name}' does not apply to {kind}s; {described}")
        return
    values = value if isinstance(value, list) else [value]
    for index, item in enumerate(values):
        where = f"{path}.value" + (f"[{index}]" if isinstance(value, list) else "")
        if kind_of(item) != kind:
            problems.add(where, f"must be a {kind} to compare with {described}")
        elif spec.chronological and operator.chronological and to_millis(item) is None:
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
    if kind_of(candidate) != kind_of(value) or kind_of(value) == "other":
        return False
    if isinstance(value, str) and not case_sensitive:
        return bool(candidate.lower() == value.lower())
    return bool(candidate == value)


def _ordered(candidate: Any, operator: str, value: Any, chronological: bool) -> bool:
    a: Any
    b: Any
    if chronological:
        a, b = to_millis(candidate), to_millis(value)
        if a is None or b is None:
            return False
    elif kind_of(candidate) == kind_of(value) and kind_of(value) in ("number", "string"):
        a, b = candidate, value
    else:
        return False
    return bool({"gt": a > b, "gte": a >= b, "lt": a < b, "lte": a <= b}[operator])


def _strings(found: list[Any], c: Condition) -> tuple[list[str], str]:
    """The string candidates and the value, both lowered unless the condition is case-sensitive."""
    strings = [s for s in found if isinstance(s, str)]
    if c.case_sensitive:
        return strings, c.value
    return [s.lower() for s in strings], c.value.lower()


def _has_value(found: list[Any]) -> bool:
    return any(v is not None for v in found)


def _equal(found: list[Any], c: Condition) -> bool:
    values = c.value if isinstance(c.value, list) else [c.value]
    return any(_same(f, v, c.case_sensitive, c.field.chronological) for f in found for v in values)


def _contains(found: list[Any], c: Condition) -> bool:
    if not isinstance(c.value, str):
        return any(_same(f, c.value, c.case_sensitive, False) for f in found)
    strings, value = _strings(found, c)
    return any(value in s for s in strings)


def _starts(found: list[Any], c: Condition) -> bool:
    strings, value = _strings(found, c)
    return any(s.startswith(value) for s in strings)


def _ends(found: list[Any], c: Condition) -> bool:
    strings, value = _strings(found, c)
    return any(s.endswith(value) for s in strings)


def _matches(found: list[Any], c: Condition) -> bool:
    compiled = regex(c.value, c.case_sensitive)
    return any(compiled.search(f) is not None for f in found if isinstance(f, str))


def words(text: str) -> list[str]:
    """The words of a `text` value (maximal runs of word characters)."""
    return _WORD.findall(text)


def _all_words(found: list[Any], c: Condition) -> bool:
    # A word occurs as a whole word exactly when it is one of the candidate's maximal word runs.
    fold = (lambda s: s) if c.case_sensitive else str.lower
    present = {fold(w) for f in found if isinstance(f, str) for w in words(f)}
    return all(fold(w) in present for w in words(c.value))


# ------------------------------------------------------------------------------------------------
# The operator table


@dataclass(frozen=True)
class Operator:
    """One filter operator. `check(name, value)` says what is wrong with a value (None: nothing);
    `kinds` are the field kinds it applies to (None: every field, objects included); on date
    fields a `chronological` operator needs an ISO 8601 value and compares in time; `holds(found,
    condition)` is its meaning over the field's candidates."""

    name: str
    check: Callable[[str, Any], str | None]
    kinds: frozenset[str] | None
    chronological: bool
    holds: Callable[[list[Any], Condition], bool]


_SCALARS = frozenset({"string", "number", "boolean"})
_ORDERED = frozenset({"string", "number"})
_TEXTS = frozenset({"string"})


def _ordering(name: str) -> Operator:
    return Operator(name, _ordered_value, _ORDERED, True, lambda found, c: any(_ordered(f, c.operator, c.value, c.field.chronological) for f in found))


OPERATORS: dict[str, Operator] = {
    o.name: o
    for o in (
        Operator("eq", _scalar, _SCALARS, True, _equal),
        Operator("ne", _scalar, _SCALARS, True, lambda found, c: not _equal(found, c)),
        _ordering("gt"),
        _ordering("lt"),
        _ordering("gte"),
        _ordering("lte"),
        Operator("in", _values, _SCALARS, True, _equal),
        Operator("nin", _values, _SCALARS, True, lambda found, c: not _equal(found, c)),
        Operator("contains", _scalar, _SCALARS, False, _contains),
        Operator("starts_with", _string, _TEXTS, False, _starts),
        Operator("ends_with", _string, _TEXTS, False, _ends),
        Operator("regex", _pattern, _TEXTS, False, _matches),
        Operator("exists", _flag, None, False, lambda found, c: _has_value(found) == c.value),
        Operator("is_null", _flag, None, False, lambda found, c: _has_value(found) != c.value),
        Operator("text", _words, _TEXTS, False, _all_words),
    )
}


def evaluate(node: Node, doc: dict[str, Any], path_of: Callable[[FieldSpec], str] = lambda f: f.name) -> bool:
    """Whether `doc` matches: the reference semantics (see the module docstring)."""
    if isinstance(node, Group):
        return (
            all(evaluate(n, doc, path_of) for n in node.all_of)
            and (not node.any_of or any(evaluate(n, doc, path_of) for n in node.any_of))
            and not any(evaluate(n, doc, path_of) for n in node.none_of)
        )
    return OPERATORS[node.operator].holds(candidates(doc, path_of(node.field)), node)


# ------------------------------------------------------------------------------------------------
# Lowering to a backend


Q = TypeVar("Q")


@dataclass(frozen=True)
class Lowered(Generic[Q]):
    """A backend query for a node. `query` None means no restriction; when `exact` is false the
    query selects a superset and `evaluate` decides on what it returns."""

    query: Q | None
    exact: bool


class Lowering(ABC, Generic[Q]):
    """A backend's translation of the AST: one entry per operator of `OPERATORS` (checked when
    the lowering is built, so an operator without one fails at import) and the three group
    combinators. Supersets and exactness are combined here, the same for every backend."""

    backend = "a backend"

    def __init__(self, leaves: Mapping[str, Callable[[Condition], Lowered[Q]]]):
        missing, unknown = set(OPERATORS) - set(leaves), set(leaves) - set(OPERATORS)
        if missing or unknown:
            raise TypeError(f"{self.backend} lowering: no entry for {sorted(missing)}, entries for unknown operators {sorted(unknown)}")
        self._leaves = dict(leaves)

    @property
    def leaves(self) -> Mapping[str, Callable[[Condition], Lowered[Q]]]:
        return dict(self._leaves)

    @abstractmethod
    def all_of(self, parts: list[Q]) -> Q: ...

    @abstractmethod
    def any_of(self, parts: list[Q]) -> Q: ...

    @abstractmethod
    def none_of(self, parts: list[Q]) -> Q: ...

    def lower(self, node: Node) -> Lowered[Q]:
        if isinstance(node, Condition):
            return self._leaves[node.operator](node)
        parts = [self.lower(n) for n in node.all_of]
        if node.any_of:
            parts.append(self.either([self.lower(n) for n in node.any_of]))
        if node.none_of:
            parts.append(self.neither([self.lower(n) for n in node.none_of]))
        return self.both(parts)

    def both(self, parts: list[Lowered[Q]]) -> Lowered[Q]:
        kept = [p.query for p in parts if p.query is not None]
        exact = all(p.exact for p in parts)
        if not kept:
            return Lowered(None, exact)
        return Lowered(kept[0] if len(kept) == 1 else self.all_of(kept), exact)

    def either(self, parts: list[Lowered[Q]]) -> Lowered[Q]:
        unrestricted = [p for p in parts if p.query is None]
        if unrestricted:
            # A branch without restriction: the union has none either (exactly so only if that
            # branch really matches everything).
            return Lowered(None, all(p.exact for p in unrestricted))
        queries = [p.query for p in parts if p.query is not None]
        if len(queries) == 1:
            return parts[0]
        return Lowered(self.any_of(queries), all(p.exact for p in parts))

    def neither(self, parts: list[Lowered[Q]]) -> Lowered[Q]:
        # The complement of a superset is a subset, not a superset: an inexact part gives up.
        queries = [p.query for p in parts if p.exact and p.query is not None]
        if len(queries) != len(parts):
            return Lowered(None, False)
        return Lowered(self.none_of(queries), True)
