"""The filter model: validation (every problem at its path), the reference semantics against the
shared table, and what the compilers emit."""

from __future__ import annotations

import json

import pytest

from server.domain import filters
from server.domain.errors import Violations
from server.domain.filters import StaticFields, simple_field
from server.storage.mongo_filters import END, to_mongo
from server.storage.qdrant_filters import to_qdrant
from tests.support.filter_table import CASES, DOCS, LOOSE, TYPED


def parse(raw, fields=TYPED):
    problems = Violations()
    node = filters.parse(raw, fields, "f", problems)
    return node, {p.field: p.description for p in problems.items}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_reference_semantics(case):
    node, problems = parse(case.filter, case.fields)
    assert problems == {}
    assert {i for i, doc in DOCS.items() if filters.evaluate(node, doc, lambda f: f.payload_path)} == case.expected


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_qdrant_exactness_is_as_documented(case):
    node, _ = parse(case.filter, case.fields)
    assert to_qdrant(node).exact is case.qdrant_exact


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_mongo_queries_never_use_not(case):
    node, _ = parse(case.filter, case.fields)
    assert "$not" not in json.dumps(to_mongo(node).query)


def test_no_filter_and_only_case_sensitive_select_everything():
    for raw in (None, {}, {"case_sensitive": True}):
        node, problems = parse(raw)
        assert node is None and problems == {}
        assert to_mongo(node).query == {}
        assert to_qdrant(node).filter is None and to_qdrant(node).exact


@pytest.mark.parametrize(
    ("raw", "path", "text"),
    [
        ({"field": "nope", "operator": "eq", "value": 1}, "f.field", "'nope' is not a field of the input schema"),
        ({"field": "bad path!", "value": 1}, "f.field", "dot notation"),
        ({"operator": "eq", "value": 1}, "f.field", "is required"),
        ({"field": "age", "operator": "between", "value": 1}, "f.operator", "unknown operator 'between'"),
        ({"field": "age", "operator": None, "value": 1}, "f.operator", "unknown operator"),
        ({"field": "age", "operator": "in", "value": 30}, "f.value", "non-empty list"),
        ({"field": "age", "operator": "nin", "value": []}, "f.value", "non-empty list"),
        ({"field": "age", "operator": "in", "value": [1, {"a": 1}]}, "f.value", "list of strings, numbers or booleans"),
        ({"field": "name", "operator": "regex", "value": "(unclosed"}, "f.value", "not a valid RE2 regular expression"),
        ({"field": "name", "operator": "eq"}, "f.value", "use is_null"),
        ({"field": "name", "operator": "eq", "value": ["a"]}, "f.value", "use in/nin"),
        ({"field": "name", "operator": "exists", "value": "yes"}, "f.value", "true or false"),
        ({"field": "name", "operator": "gt", "value": True}, "f.value", "number or a string"),
        ({"field": "name", "operator": "text", "value": "!!"}, "f.value", "at least one word"),
        ({"field": "age", "operator": "eq", "value": "thirty"}, "f.value", "must be a number"),
        ({"field": "age", "operator": "contains", "value": "3"}, "f.value", "must be a number"),
        ({"field": "age", "operator": "starts_with", "value": "3"}, "f.operator", "applies to string fields"),
        ({"field": "active", "operator": "gt", "value": 1}, "f.operator", "does not apply to booleans"),
        ({"field": "meta", "operator": "eq", "value": "x"}, "f.operator", "only exists and is_null"),
        ({"field": "published", "operator": "gt", "value": "yesterday"}, "f.value", "ISO 8601 datetime"),
        ({"field": "tags", "operator": "in", "value": ["a", 2]}, "f.value[1]", "must be a string"),
    ],
)
def test_invalid_conditions_are_named_at_their_path(raw, path, text):
    node, problems = parse(raw)
    assert node is None
    assert text in problems[path], problems


def test_a_node_is_a_condition_or_a_group_never_both_and_never_empty():
    _, problems = parse({"AND": [{"field": "age", "value": 1, "OR": [{"field": "age", "value": 2}]}, {}]})
    assert "both a condition" in problems["f.AND[0]"]
    assert "is empty" in problems["f.AND[1]"]


def test_every_problem_of_a_nested_filter_is_reported_with_its_path():
    raw = {
        "AND": [{"field": "name", "operator": "eq", "value": "John"}, {"field": "agee", "operator": "gte", "value": 30}],
        "OR": [{"NOT": [{"field": "age", "operator": "regex", "value": "["}]}],
        "NOT": [{"field": "tags", "operator": "nope", "value": "x"}],
    }
    _, problems = parse(raw)
    assert set(problems) == {"f.AND[1].field", "f.OR[0].NOT[0].value", "f.NOT[0].operator"}


def test_static_fields_allow_open_prefixes_and_list_their_fields():
    fields = StaticFields("a thing", {"name": simple_field("name", "string")}, {"metadata": "meta"})
    node, problems = parse({"field": "metadata.colour.shade", "value": "red"}, fields)
    assert problems == {}
    red = {"$regex": "^(?:red)" + END, "$options": "i", "$type": "string"}
    assert to_mongo(node).query == {"$or": [
        {"meta.colour.shade": red},
        {"meta.colour.shade": {"$elemMatch": red}},
        {"meta.colour": {"$elemMatch": {"shade": red}}},
        {"meta.colour": {"$elemMatch": {"shade": {"$elemMatch": red}}}},
    ]}
    _, problems = parse({"field": "colour", "value": "red"}, fields)
    assert problems["f.field"] == "'colour' is not a field of a thing (fields: name, metadata.*)"


def test_typed_scalar_fields_compile_without_list_branches():
    node, _ = parse({"field": "age", "operator": "gte", "value": 30})
    assert to_mongo(node).query == {"age": {"$gte": 30, "$type": "number"}}
    node, _ = parse({"field": "tags", "operator": "eq", "value": "red", "case_sensitive": True})
    assert to_mongo(node).query == {"tags": {"$elemMatch": {"$eq": "red", "$type": "string"}}}


def test_dates_compile_to_the_millisecond_shadow_in_mongo_and_datetime_ranges_in_qdrant():
    node, _ = parse({"field": "published", "operator": "gt", "value": "2026-01-01T00:00:00.500Z"})
    assert to_mongo(node).query == {"_ms.published": {"$gt": filters.to_millis("2026-01-01T00:00:00.500Z"), "$type": "number"}}
    compiled = to_qdrant(node)
    assert compiled.exact and compiled.filter.must[0].range.gt.isoformat() == "2026-01-01T00:00:00.500000+00:00"


def test_inexact_qdrant_filters_are_supersets_refined_by_the_reference():
    node, _ = parse({"AND": [{"field": "age", "operator": "gte", "value": 30}, {"field": "name", "operator": "starts_with", "value": "j"}]})
    compiled = to_qdrant(node)
    assert not compiled.exact
    assert compiled.filter.must[0].key == "age"  # the exact half still narrows the scan
    assert [i for i, d in DOCS.items() if compiled.matches(d)] == [1, 2]


def test_list_of_objects_use_qdrant_array_syntax():
    node, _ = parse({"field": "authors.name", "value": "Bob", "case_sensitive": True})
    assert to_qdrant(node).filter.must[0].key == "authors[].name"
    node, _ = parse({"field": "authors.name", "value": "Bob", "case_sensitive": True}, LOOSE)
    compiled = to_qdrant(node)  # no schema: either spelling, as either may hold
    assert compiled.exact and [c.key for c in compiled.filter.should] == ["authors.name", "authors[].name"]


def test_every_backend_lowers_every_operator_and_a_missing_lowering_fails_loudly():
    from server.storage import mongo_filters, qdrant_filters

    for lowering in (mongo_filters.LOWERING, qdrant_filters.LOWERING):
        assert set(lowering.leaves) == set(filters.OPERATORS)
    partial = {name: leaf for name, leaf in mongo_filters.LOWERING.leaves.items() if name != "regex"}
    with pytest.raises(TypeError, match=r"MongoDB lowering: no entry for \['regex'\]"):
        mongo_filters.MongoLowering(partial)


def test_user_regexes_never_reach_mongodb_and_are_decided_by_re2():
    node, problems = parse({"field": "name", "operator": "regex", "value": "^(a+)+$"})
    assert problems == {}
    compiled = to_mongo(node)
    assert compiled.query == {} and not compiled.exact
    assert compiled.matches({"name": "aaaa"}) and not compiled.matches({"name": "a" * 28 + "!"})
    _, problems = parse({"field": "name", "operator": "regex", "value": r"(a)\1"})
    assert "no backreferences or lookaround" in problems["f.value"]


def test_the_equality_shorthand_names_fields_of_the_schema_and_is_checked_like_a_condition():
    _, problems = parse({"category": "shoes", "age": [1], "AND": [{"nope": 1}]})
    assert problems == {
        "f.category": "'category' is not a field of " + TYPED.describe(),
        "f.age": "must be a single value; use in/nin for a list",
        "f.AND[0].nope": "'nope' is not a field of " + TYPED.describe(),
    }
    _, problems = parse({"name": "x", "field": "age", "value": 1})
    assert "both a condition" in problems["f"] and "equality shorthand (name)" in problems["f"]
    _, problems = parse({"field_equals": "age"})
    assert problems == {"f.field_equals": "must be an object: field path -> value"}
