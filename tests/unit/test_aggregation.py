"""The aggregation rules (server/domain/aggregation.py) on payloads given here."""

from __future__ import annotations

from typing import Any

import pytest

from server.domain import aggregation as agg
from server.domain.collections import DocumentFields
from server.domain.errors import InvalidArgument


def _rows(request: dict[str, Any], payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result = agg.Aggregation(agg.plan(request, DocumentFields(None)))
    for payload in payloads:
        result.add(payload)
    return result.rows()


def test_dates_truncate_and_split_as_mongodb_does() -> None:
    # 2026-12-02 is a Wednesday: its week starts on Sunday 2026-11-29
    assert agg.truncate("2026-12-02T13:45:10.5+02:00", "week") == "2026-11-29T00:00:00Z"
    assert agg.truncate("2026-12-02T13:45:10Z", "hour") == "2026-12-02T13:00:00Z"
    assert agg.truncate("2026-12-02", "month") == "2026-12-01T00:00:00Z"
    assert agg.date_part("2026-12-02T13:45:10Z", "dayOfWeek") == 4
    assert agg.date_part("2026-01-03T00:00:00Z", "week") == 0  # before the year's first Sunday
    assert agg.date_part("2026-12-31T00:00:00Z", "dayOfYear") == 365
    assert agg.truncate("not a date", "day") is None and agg.date_part(7, "year") is None


def test_having_compares_values_of_one_kind_only() -> None:
    payloads = [{"k": "a", "v": 1}, {"k": "a", "v": 2}, {"k": "b", "v": "x"}, {"k": "c"}]
    request = {"group_by": [{"field": "k"}], "aggregations": [{"function": "max", "field": "v", "alias": "top"}]}
    assert [r["group"]["k"] for r in _rows({**request, "having": [{"field": "top", "operator": "gte", "value": 2}]}, payloads)] == ["a"]
    assert [r["group"]["k"] for r in _rows({**request, "having": [{"field": "top", "operator": "ne", "value": 2}]}, payloads)] == ["b", "c"]
    assert [r["group"]["k"] for r in _rows({**request, "having": [{"field": "top", "operator": "eq", "value": "x"}]}, payloads)] == ["b"]


def test_unwind_nested_lists_and_group_missing_as_null() -> None:
    payloads = [{"m": {"tags": ["x", "y"], "n": 1}}, {"m": {"tags": ["x"], "n": 2}}, {"m": {"tags": []}}, {"m": {"n": 3}}]
    rows = _rows({"group_by": [{"field": "m.tags", "alias": "tag"}], "aggregations": [{"function": "sum", "field": "m.n", "alias": "s"}], "unwind": "m.tags", "sort_by": "s"}, payloads)
    assert [(r["group"]["tag"], r["metrics"]["s"]) for r in rows] == [("x", 3), ("y", 1)]
    assert payloads[0]["m"]["tags"] == ["x", "y"]  # the payloads are not changed
    rows = _rows({"group_by": [{"field": "m.n"}], "aggregations": [{"function": "count", "alias": "c"}]}, payloads)
    assert [(r["group"]["m.n"], r["metrics"]["c"]) for r in rows] == [(1, 1), (2, 1), (3, 1), (None, 1)]


def test_distinct_counts_each_value_once_per_document_and_says_when_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    found = agg.Distinct("tags")
    for payload in ({"tags": ["a", "a", "b"]}, {"tags": "b"}, {"tags": None}, {}, {"tags": [1, "c"]}):
        found.add(payload)
    assert found.values(None) == ([{"value": "b", "count": 2}, {"value": 1, "count": 1}, {"value": "a", "count": 1}, {"value": "c", "count": 1}], False)
    monkeypatch.setattr(agg, "MAX_DISTINCT", 2)
    assert found.values(None)[1] is True and found.values(3) == (found.values(None)[0] + [{"value": "a", "count": 1}], False)


def test_bad_plans_name_every_field() -> None:
    with pytest.raises(InvalidArgument) as error:
        agg.plan({"group_by": [{"field": ""}] * 9, "aggregations": [{"function": "avg", "alias": "a"}, {"function": "last", "field": "x", "alias": "b"}]}, DocumentFields(None))
    fields = {v.field for v in error.value.violations}
    assert {"group_by", "group_by[0].field", "aggregations[0].field", "aggregations[1].function"} <= fields
