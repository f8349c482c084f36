"""Aggregations over a collection's documents (Mixpeek's `/documents/aggregate` and `/distinct`)
and a bucket's objects (`/objects/aggregate`), computed by vecplane over the records it reads: group
keys (with date truncation or parts), the metrics per group, HAVING, sort and limit; and the
distinct values of one field. No I/O: the use case feeds the matching records in (document
payloads, or objects as stored), at most MAX_SCANNED of them.

What is refused by name: `range_buckets` (not declared: the gateway answers 422), the functions
`first`, `last` (documents have no order to take them from), `push`, `add_to_set` (unbounded
lists)."""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from server.domain.documents import value_order
from server.domain.errors import FieldViolation, InvalidArgument, Violations
from server.domain.filters import Fields, kind_of
from server.domain.paging import value_at

MAX_SCANNED = 50_000  # matching documents (or objects) an aggregation or distinct reads
MAX_GROUPS = 10_000  # groups an aggregation holds
MAX_DISTINCT = 10_000  # values a distinct answers (and its `limit`'s maximum)
MAX_ROWS = 10_000  # an aggregation's `limit`'s maximum
MAX_GROUP_BY = 8
MAX_AGGREGATIONS = 32

FUNCTIONS = ("count", "count_distinct", "sum", "avg", "min", "max")
_REFUSED = {
    "first": "documents have no order to take the first from",
    "last": "documents have no order to take the last from",
    "push": "it collects an unbounded list",
    "add_to_set": "it collects an unbounded list (count_distinct counts the values)",
}
TRUNC_UNITS = ("year", "month", "week", "day", "hour", "minute", "second")
PART_UNITS = ("year", "month", "week", "day", "dayOfWeek", "dayOfYear", "hour", "minute", "second")
_HAVING: dict[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le, "eq": operator.eq, "ne": operator.ne,
}
# fields every document has outside its schema (Mixpeek names them at the root)
_TIMES = {"created_at": "_internal.created_at", "updated_at": "_internal.updated_at"}


def payload_path(problems: Violations, path: str, name: Any, fields: Fields, stored: bool = False) -> str | None:
    """Where a field a request names is in the record: the document's payload, or with `stored` the
    record as MongoDB keeps it (the field's `mongo` path: bucket objects); a violation at `path` if
    it names none."""
    if not isinstance(name, str) or not name:
        problems.add(path, "is required: a field's dot path")
        return None
    if name in _TIMES and not stored:
        return _TIMES[name]
    spec = fields.resolve(name)
    if spec is None:
        problems.add(path, f"names no field of {fields.describe()}")
        return None
    return spec.mongo if stored else spec.payload_path


def too_many(matching: int | str, what: str = "documents") -> InvalidArgument:
    """The refusal of an aggregation that would read more than MAX_SCANNED records."""
    return InvalidArgument(
        [FieldViolation("filters", f"{matching} {what} match; an aggregation reads at most {MAX_SCANNED}: narrow the filters")],
        reason="QUERY_TOO_COSTLY",
    )


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def truncate(value: Any, unit: str) -> str | None:
    """An ISO 8601 time truncated to the unit (weeks start on Sunday, as MongoDB's), in ISO 8601;
    None when the value is not a time."""
    at = _time(value)
    if at is None:
        return None
    at = at.replace(microsecond=0)
    cut = {
        "year": at.replace(month=1, day=1, hour=0, minute=0, second=0),
        "month": at.replace(day=1, hour=0, minute=0, second=0),
        "week": (at - dt.timedelta(days=(at.weekday() + 1) % 7)).replace(hour=0, minute=0, second=0),
        "day": at.replace(hour=0, minute=0, second=0),
        "hour": at.replace(minute=0, second=0),
        "minute": at.replace(second=0),
        "second": at,
    }[unit]
    return cut.strftime("%Y-%m-%dT%H:%M:%SZ")


def date_part(value: Any, unit: str) -> int | None:
    """A part of an ISO 8601 time as MongoDB's date operators give it (`week` 0-53 from Sunday,
    `dayOfWeek` 1 = Sunday); None when the value is not a time."""
    at = _time(value)
    if at is None:
        return None
    return {
        "year": at.year, "month": at.month, "week": int(at.strftime("%U")), "day": at.day,
        "dayOfWeek": (at.weekday() + 1) % 7 + 1, "dayOfYear": at.timetuple().tm_yday,
        "hour": at.hour, "minute": at.minute, "second": at.second,
    }[unit]


@dataclass(frozen=True)
class Key:
    path: str  # in the payload
    name: str  # in each row's `group`
    trunc: str | None = None
    part: str | None = None

    def of(self, payload: dict[str, Any]) -> Any:
        value = value_at(payload, self.path)
        if self.trunc:
            return truncate(value, self.trunc)
        if self.part:
            return date_part(value, self.part)
        return value


@dataclass(frozen=True)
class Metric:
    function: str
    path: str | None  # None for count
    alias: str


@dataclass(frozen=True)
class Having:
    alias: str
    test: Callable[[Any, Any], bool]
    value: Any

    def holds(self, metrics: Mapping[str, Any]) -> bool:
        """As the filter language compares: only values of the same kind (a metric of another
        kind, or null, is only `ne`)."""
        found = metrics.get(self.alias)
        if found is None or kind_of(found) != kind_of(self.value):
            return self.test is operator.ne
        return self.test(found, self.value)


@dataclass(frozen=True)
class Plan:
    """An aggregation request, checked."""

    keys: tuple[Key, ...]
    metrics: tuple[Metric, ...]
    having: tuple[Having, ...] = ()
    unwind: str | None = None
    sort_by: str | None = None
    descending: bool = True
    limit: int | None = None

    @property
    def counts_only(self) -> bool:
        """Whether one count of the matching documents answers it (no scan needed)."""
        return not self.keys and not self.unwind and all(m.function == "count" for m in self.metrics)


def plan(request: Mapping[str, Any], fields: Fields, stored: bool = False) -> Plan:
    """The checked plan of an AggregateDocumentsRequest or AggregateObjectsRequest (as a dict), its
    fields located as `payload_path` does; InvalidArgument naming every bad field otherwise."""
    problems = Violations()
    group_by = request.get("group_by") or []
    if len(group_by) > MAX_GROUP_BY:
        problems.add("group_by", f"has {len(group_by)} fields; at most {MAX_GROUP_BY}")
    keys: list[Key] = []
    for i, raw in enumerate(group_by[:MAX_GROUP_BY]):
        where = f"group_by[{i}]"
        path = payload_path(problems, f"{where}.field", raw.get("field"), fields, stored)
        trunc, part = raw.get("date_trunc") or None, raw.get("date_part") or None
        if trunc and part:
            problems.add(f"{where}.date_part", "cannot be used with date_trunc")
        if trunc and trunc not in TRUNC_UNITS:
            problems.add(f"{where}.date_trunc", f"must be one of {', '.join(TRUNC_UNITS)}")
        if part and part not in PART_UNITS:
            problems.add(f"{where}.date_part", f"must be one of {', '.join(PART_UNITS)}")
        if path is not None:
            keys.append(Key(path, raw.get("alias") or raw["field"], trunc, part))
    _unique(problems, "group_by", [k.name for k in keys], "alias")

    aggregations = request.get("aggregations") or []
    if not aggregations:
        problems.add("aggregations", "is required: at least one operation, e.g. {\"function\": \"count\", \"alias\": \"total\"}")
    if len(aggregations) > MAX_AGGREGATIONS:
        problems.add("aggregations", f"has {len(aggregations)} operations; at most {MAX_AGGREGATIONS}")
    metrics: list[Metric] = []
    for i, raw in enumerate(aggregations[:MAX_AGGREGATIONS]):
        metric = _metric(problems, f"aggregations[{i}]", raw, fields, stored)
        if metric is not None:
            metrics.append(metric)
    _unique(problems, "aggregations", [m.alias for m in metrics], "alias")

    aliases = {m.alias for m in metrics}
    having: list[Having] = []
    for i, raw in enumerate(request.get("having") or []):
        where = f"having[{i}]"
        value = raw.get("value")
        if raw.get("field") not in aliases:
            problems.add(f"{where}.field", f"must be an aggregation alias ({', '.join(sorted(aliases)) or 'none'})")
        if raw.get("operator") not in _HAVING:
            problems.add(f"{where}.operator", f"must be one of {', '.join(_HAVING)}")
        if value is None or isinstance(value, (dict, list)):
            problems.add(f"{where}.value", "must be a number, a string or a boolean")
        if not problems:
            having.append(Having(raw["field"], _HAVING[raw["operator"]], value))

    unwind = None
    if request.get("unwind"):
        unwind = payload_path(problems, "unwind", request["unwind"], fields, stored)
    sort_by = request.get("sort_by") or None
    if sort_by and sort_by not in aliases | {k.name for k in keys}:
        problems.add("sort_by", f"must be a group_by alias or an aggregation alias ({', '.join(sorted(aliases | {k.name for k in keys}))})")
    direction = request.get("sort_direction") or "desc"
    if direction not in ("asc", "desc"):
        problems.add("sort_direction", "must be asc or desc")
    limit = request.get("limit")
    if limit is not None and not 1 <= limit <= MAX_ROWS:
        problems.add("limit", f"must be 1-{MAX_ROWS}")
    problems.raise_if_any()
    return Plan(tuple(keys), tuple(metrics), tuple(having), unwind, sort_by, direction == "desc", limit)


def _metric(problems: Violations, where: str, raw: Mapping[str, Any], fields: Fields, stored: bool) -> Metric | None:
    function = raw.get("function")
    alias = raw.get("alias")
    if not alias:
        problems.add(f"{where}.alias", "is required: the metric's name in each row")
    if function in _REFUSED:
        problems.add(f"{where}.function", f"{function} is not supported: {_REFUSED[function]}; supported: {', '.join(FUNCTIONS)}")
        return None
    if function not in FUNCTIONS:
        problems.add(f"{where}.function", f"must be one of {', '.join(FUNCTIONS)}")
        return None
    path = None
    if function != "count":
        name = (raw.get("distinct_field") or raw.get("field")) if function == "count_distinct" else raw.get("field")
        path = payload_path(problems, f"{where}.field", name, fields, stored)
        if path is None:
            return None
    return Metric(function, path, alias) if alias else None


def _unique(problems: Violations, path: str, names: list[str], what: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            problems.add(path, f"{what} {name!r} is used twice")
        seen.add(name)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass
class _Group:
    key: tuple[Any, ...]
    count: int = 0
    totals: dict[str, float] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)
    extremes: dict[str, Any] = field(default_factory=dict)
    distinct: dict[str, set[str]] = field(default_factory=dict)

    def add(self, metrics: tuple[Metric, ...], payload: dict[str, Any]) -> None:
        self.count += 1
        for m in metrics:
            if m.path is None:
                continue
            value = value_at(payload, m.path)
            if value is None:
                continue
            if m.function in ("sum", "avg") and _is_number(value):
                self.totals[m.alias] = self.totals.get(m.alias, 0) + value
                self.numbers[m.alias] = self.numbers.get(m.alias, 0) + 1
            elif m.function in ("min", "max"):
                current = self.extremes.get(m.alias)
                better = value_order(value) < value_order(current) if m.function == "min" else value_order(value) > value_order(current)
                if current is None or better:
                    self.extremes[m.alias] = value
            elif m.function == "count_distinct":
                self.distinct.setdefault(m.alias, set()).add(_key(value))

    def metrics(self, metrics: tuple[Metric, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for m in metrics:
            if m.function == "count":
                out[m.alias] = self.count
            elif m.function == "sum":
                out[m.alias] = self.totals.get(m.alias, 0)
            elif m.function == "avg":
                n = self.numbers.get(m.alias, 0)
                out[m.alias] = self.totals[m.alias] / n if n else None
            elif m.function in ("min", "max"):
                out[m.alias] = self.extremes.get(m.alias)
            else:
                out[m.alias] = len(self.distinct.get(m.alias, ()))
        return out


def _unwound(payload: dict[str, Any], path: str) -> Iterator[dict[str, Any]]:
    """The payload once per element of the list at `path` (with the element in its place), as
    MongoDB's $unwind: none for a missing, null or empty list; once, as is, for another value."""
    value = value_at(payload, path)
    if value is None or value == []:
        return
    if not isinstance(value, list):
        yield payload
        return
    *parents, leaf = path.split(".")
    for element in value:
        copy = dict(payload)
        target = copy
        for part in parents:
            target[part] = dict(target[part])
            target = target[part]
        target[leaf] = element
        yield copy


class Aggregation:
    """Groups the payloads fed to it (at most MAX_GROUPS groups) and answers the rows."""

    def __init__(self, plan_: Plan):
        self._plan = plan_
        self._groups: dict[str, _Group] = {}
        self.scanned = 0

    def add(self, payload: dict[str, Any]) -> None:
        self.scanned += 1
        rows = _unwound(payload, self._plan.unwind) if self._plan.unwind else (payload,)
        for row in rows:
            key = tuple(k.of(row) for k in self._plan.keys)
            ident = _key(key)
            group = self._groups.get(ident)
            if group is None:
                if len(self._groups) >= MAX_GROUPS:
                    raise InvalidArgument(
                        [FieldViolation("group_by", f"makes more than {MAX_GROUPS} groups; group by fewer or coarser fields, or narrow the filters")],
                        reason="QUERY_TOO_COSTLY",
                    )
                group = self._groups[ident] = _Group(key)
            group.add(self._plan.metrics, row)

    def counted(self, count: int) -> None:
        """The answer of a counts-only plan: `count` documents match."""
        self._groups[_key(())] = _Group((), count)

    @property
    def groups(self) -> int:
        return len(self._groups)

    def rows(self) -> list[dict[str, Any]]:
        """The rows that pass `having`, sorted (by `sort_by`, else by group key), cut to `limit`.
        Without group_by there is always one row (counts of 0 when nothing matches)."""
        p = self._plan
        groups = list(self._groups.values()) or ([_Group(())] if not p.keys else [])
        rows = []
        for g in groups:
            metrics = g.metrics(p.metrics)
            if all(h.holds(metrics) for h in p.having):
                rows.append({"group": {k.name: v for k, v in zip(p.keys, g.key, strict=True)}, "metrics": metrics})
        rows.sort(key=lambda r: [value_order(v) for v in r["group"].values()])
        if p.sort_by:
            sort_by = p.sort_by
            rows.sort(key=lambda r: value_order(r["metrics"].get(sort_by, r["group"].get(sort_by))), reverse=p.descending)
        return rows[: p.limit] if p.limit else rows


class Distinct:
    """Counts, per distinct value of one field, the documents holding it (each element of a list
    is a value; null and missing are left out)."""

    def __init__(self, path: str):
        self._path = path
        self._counts: dict[str, int] = {}
        self._values: dict[str, Any] = {}
        self.scanned = 0

    def add(self, payload: dict[str, Any]) -> None:
        self.scanned += 1
        value = value_at(payload, self._path)
        seen = {_key(item): item for item in (value if isinstance(value, list) else [value]) if item is not None}
        for key, item in seen.items():
            self._values.setdefault(key, item)
            self._counts[key] = self._counts.get(key, 0) + 1

    def values(self, limit: int | None) -> tuple[list[dict[str, Any]], bool]:
        """The values with their counts, the most frequent first (ties in value order), at most
        `limit` or else MAX_DISTINCT; and whether MAX_DISTINCT cut them."""
        ordered = sorted(self._counts, key=lambda k: (-self._counts[k], value_order(self._values[k])))
        cap = limit or MAX_DISTINCT
        return [{"value": self._values[k], "count": self._counts[k]} for k in ordered[:cap]], not limit and len(ordered) > cap
