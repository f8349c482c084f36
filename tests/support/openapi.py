"""Checking JSON against the schemas of the gateway's OpenAPI document."""

from __future__ import annotations

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


def validator(doc: dict, schema: dict) -> Draft202012Validator:
    """A JSON Schema validator for `schema` as it sits in the document (its $refs resolved there)."""
    contents = {**doc, "x-checked": schema}
    registry = Registry().with_resource("urn:openapi", Resource.from_contents(contents, default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": "urn:openapi#/x-checked"}, registry=registry)
