"""Schema declarations and objects checked against them (pure domain, no I/O)."""

from __future__ import annotations

import pytest

from server.domain import buckets, filters
from server.domain.blobs import BlobLimits
from server.domain.errors import InvalidArgument, Violations
from server.domain.schema import Schema, SchemaField, apply_defaults, check_schema, field_at, list_prefix


def schema_problems(schema) -> dict[str, str]:
    problems = Violations()
    check_schema(problems, "s", schema)
    return {p.field: p.description for p in problems.items}


def test_a_good_schema_has_no_problems():
    schema = {"properties": {
        "image": {"type": "image", "required": True},
        "body": {"type": "text"},
        "metadata": {"type": "object", "properties": {
            "title": {"type": "string", "enum": ["a", "b"], "default": "a", "examples": ["b"]},
            "notes": {"type": "text"},
            "sizes": {"type": "array", "items": {"type": "integer"}, "default": [1, 2]},
            "when": {"type": "datetime", "default": "2026-01-01T00:00:00Z"},
            "authors": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
        }},
    }}
    assert schema_problems(schema) == {}


@pytest.mark.parametrize(
    ("field", "where", "text"),
    [
        ({}, "s.properties.f.type", "is required"),
        ({"type": "blob"}, "s.properties.f.type", "'blob' is not a field type"),
        ({"type": "string", "properties": {"x": {"type": "string"}}}, "s.properties.f.properties", "only allowed when type is object"),
        ({"type": "object", "items": {"type": "string"}}, "s.properties.f.items", "only allowed when type is array"),
        ({"type": "integer", "enum": [1, 2.5]}, "s.properties.f.enum[1]", "must be an integer"),
        ({"type": "boolean", "default": "true"}, "s.properties.f.default", "must be true or false"),
        ({"type": "date", "examples": ["01/02/2026"]}, "s.properties.f.examples[0]", "ISO 8601 date"),
        ({"type": "object", "enum": [{}]}, "s.properties.f.enum", "not allowed on object fields"),
        ({"type": "array", "items": {"type": "audio"}}, "s.properties.f.items.type", "only allowed on top-level fields"),
        ({"type": "object", "properties": {"deep": {"type": "object", "properties": {"t": {"type": "nope"}}}}}, "s.properties.f.properties.deep.properties.t.type", "not a field type"),
        ({"type": "object", "properties": {"x": {"type": "integer"}}, "default": {"x": "one"}}, "s.properties.f.default.x", "must be an integer"),
    ],
)
def test_schema_problems_are_reported_at_their_path(field, where, text):
    problems = schema_problems({"properties": {"f": field}})
    assert text in problems[where], problems


def test_field_names_must_be_safe_paths():
    problems = schema_problems({"properties": {"_id": {"type": "string"}, "a.b": {"type": "string"}, "ok_1": {"type": "string"}}})
    assert set(problems) == {"s.properties._id", "s.properties.a.b"}


AUTHORS = {"properties": {"metadata": {"type": "object", "properties": {"authors": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string", "required": True}}}}}}}}


def test_field_lookup_by_dot_path():
    schema = Schema.from_json(AUTHORS)
    assert schema.field_at("metadata.authors.name") == (SchemaField("string", required=True), True)
    assert schema.field_at("metadata.authors") == (SchemaField.from_json(AUTHORS["properties"]["metadata"]["properties"]["authors"]), False)
    assert schema.field_at("metadata.nope") is None
    assert schema.field_at("metadata.authors.name.x") is None
    assert schema.field_at("") is None
    assert schema.list_prefix("metadata.authors.name") == "metadata.authors"
    assert schema.list_prefix("metadata") is None


def test_field_lookup_on_json_answers_with_the_declaration_as_json():
    assert field_at(AUTHORS, "metadata.authors.name") == ({"type": "string", "required": True}, True)
    assert field_at(AUTHORS, "metadata.nope") is None
    assert field_at(None, "metadata") is None
    assert list_prefix(AUTHORS, "metadata.authors.name") == "metadata.authors"


def test_a_declaration_reads_back_as_the_json_it_came_from():
    declared = {"type": "array", "description": "sizes", "items": {"type": "integer", "enum": [1, 2]}, "default": [1], "examples": [[2]]}
    assert SchemaField.from_json(declared).to_json() == declared
    assert SchemaField.from_json(declared).value_type() == ("integer", True)
    assert SchemaField.from_json({"type": "array"}).value_type() == (None, True)


@pytest.mark.parametrize(
    "raw",
    [None, "schema", {"properties": None}, {"properties": ["a"]}, {"properties": {"a": "string", "b": None}}],
)
def test_broken_declarations_read_as_declaring_nothing(raw):
    """Collections look fields up in schemas whose problems are still being collected: a broken
    declaration must not make a lookup fail (check_schema reports it)."""
    schema = Schema.from_json(raw)
    assert schema.properties == {}
    assert schema.field_at("a") is None
    assert buckets.ObjectFields(raw).resolve("a").mongo == "metadata.a"


def test_broken_parts_of_a_field_are_left_out():
    field = SchemaField.from_json({"type": 7, "required": "yes", "items": "x", "properties": {"ok": {"type": "string"}, "bad": 3}, "enum": "a"})
    assert field == SchemaField("", required=True, properties={"ok": SchemaField("string")})


def test_defaults_fill_absent_fields_only_and_nest():
    props = Schema.from_json({"properties": {"a": {"type": "string", "default": "x"}, "o": {"type": "object", "properties": {"b": {"type": "integer", "default": 3}}}}}).properties
    assert apply_defaults({"a": "given", "o": {}}, props) == {"a": "given", "o": {"b": 3}}
    assert apply_defaults({}, props) == {"a": "x"}


SCHEMA = {"properties": {
    "image": {"type": "image", "required": True},
    "title": {"type": "string", "required": True},
    "rank": {"type": "integer", "default": 0},
    "released": {"type": "date"},
}}


def check_new_object(schema, request):
    return buckets.check_new_object(Schema.from_json(schema), buckets.NewObject.from_request(request), BlobLimits()).metadata


def object_problems(schema, request):
    try:
        check_new_object(schema, request)
    except InvalidArgument as error:
        return {v.field: v.description for v in error.violations}
    return {}


def test_object_checks_against_flat_schemas():
    ok = {"metadata": {"title": "t", "released": "2026-01-02"}, "blobs": [{"property": "image", "type": "image", "data": "https://x"}]}
    assert check_new_object(SCHEMA, ok) == {"title": "t", "released": "2026-01-02", "rank": 0}
    assert object_problems(SCHEMA, {"metadata": {"rank": 1.5}, "blobs": [{"property": "image", "type": "image", "data": 7}]}) == {
        "blobs[0].data": "must be a non-empty string: an http(s) URL, the content as base64, or (text blobs) the text",
        "metadata.title": "is required",
        "metadata.rank": "must be an integer, got a number",
    }


def test_object_time_shadows_and_filters_use_them():
    shadows = buckets.time_shadows(Schema.from_json(SCHEMA), {"released": "2026-01-02", "title": "x"})
    assert shadows == {"metadata": {"released": filters.to_millis("2026-01-02")}}
    spec = buckets.ObjectFields(SCHEMA).resolve("released")
    assert (spec.mongo, spec.mongo_time, spec.type) == ("metadata.released", "_ms.metadata.released", "date")
    assert buckets.ObjectFields(SCHEMA).resolve("image").mongo == "_blobs.image"
    assert buckets.ObjectFields(SCHEMA).resolve("metadata.title").mongo == "metadata.title"
    assert buckets.ObjectFields(SCHEMA).resolve("nope") is None
    assert buckets.ObjectFields(None).resolve("anything.at.all").mongo == "metadata.anything.at.all"
