"""Schemas (Mixpeek's bucket-schema field model: type, properties, items, enum, default, examples,
required) and the values checked against them.

Declarations arrive as JSON (from clients, from MongoDB, from extractor definitions) and are checked
as JSON by `check_schema`; the rules that read a declaration work on the typed `Schema` and
`SchemaField` parsed from it. `field_at`, `list_prefix`, `value_type` and `properties_of` answer on
the JSON for callers that still keep declarations as JSON (collections' input and output schemas)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeAlias

from server.domain.errors import Violations

Json: TypeAlias = "bool | int | float | str | list[Json] | dict[str, Json] | None"
"""A JSON value of no declared shape: user metadata, and the enum, default and example values of a
field (which take the field's type, known only at run time)."""
JsonObject: TypeAlias = "dict[str, Json]"
Declaration: TypeAlias = "dict[str, Any]"
"""A schema or field declaration as JSON, not yet read: its parts are whatever the sender wrote
until `Schema.from_json` / `SchemaField.from_json` read them (or `check_schema` reports them)."""

FILE_TYPES = frozenset({"text", "image", "audio", "video", "pdf", "excel"})
FIELD_TYPES = (
    "string", "number", "integer", "float", "boolean", "object", "array", "date", "datetime",
    "text", "image", "audio", "video", "pdf", "excel",
)
# Files an object can only carry as blobs, one per top-level field. `text` is a file type too, but
# a nested `text` field is simply a string value (e.g. `metadata.description`).
BLOB_ONLY_TYPES = FILE_TYPES - {"text"}
METADATA_FIELD = "metadata"
PROPERTY_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


@dataclass(frozen=True)
class SchemaField:
    """One declared field. `type` is the declared type name ("" when missing; an unknown name is
    kept as given, since `check_schema` reports it)."""

    type: str
    required: bool = False
    description: str = ""
    items: SchemaField | None = None
    properties: Mapping[str, SchemaField] = field(default_factory=dict)
    enum: tuple[Json, ...] = ()
    default: Json = None
    examples: tuple[Json, ...] = ()

    @classmethod
    def from_json(cls, raw: Mapping[str, Json]) -> SchemaField:
        """The field a JSON declaration describes; parts that are not declarations are left out
        (`check_schema` reports them), so a broken declaration never makes a lookup fail."""
        kind, items, enum, examples = raw.get("type"), raw.get("items"), raw.get("enum"), raw.get("examples")
        description = raw.get("description")
        return cls(
            type=kind if isinstance(kind, str) else "",
            required=bool(raw.get("required")),
            description=description if isinstance(description, str) else "",
            items=cls.from_json(items) if isinstance(items, dict) else None,
            properties=_fields(raw.get("properties")),
            enum=tuple(enum) if isinstance(enum, list) else (),
            default=raw.get("default"),
            examples=tuple(examples) if isinstance(examples, list) else (),
        )

    def to_json(self) -> JsonObject:
        """The declaration as JSON, with only the parts that differ from their defaults."""
        out: JsonObject = {"type": self.type}
        if self.required:
            out["required"] = True
        if self.description:
            out["description"] = self.description
        if self.items is not None:
            out["items"] = self.items.to_json()
        if self.properties:
            out["properties"] = {name: spec.to_json() for name, spec in self.properties.items()}
        if self.enum:
            out["enum"] = list(self.enum)
        if self.default is not None:
            out["default"] = self.default
        if self.examples:
            out["examples"] = list(self.examples)
        return out

    @property
    def is_file(self) -> bool:
        return self.type in FILE_TYPES

    def value_type(self) -> tuple[str | None, bool]:
        """The type of the field's values and whether the field is a list (then the type is the
        elements', None when they are not described)."""
        if self.type == "array":
            return (self.items.type or None) if self.items is not None else None, True
        return self.type or None, False


def _fields(raw: Json) -> dict[str, SchemaField]:
    if not isinstance(raw, dict):
        return {}
    return {name: SchemaField.from_json(spec) for name, spec in raw.items() if isinstance(spec, dict)}


@dataclass(frozen=True)
class Schema:
    """A schema: its top-level fields by name. No fields means nothing is declared."""

    properties: Mapping[str, SchemaField] = field(default_factory=dict)

    @classmethod
    def from_json(cls, raw: Json) -> Schema:
        return cls(_fields(raw.get("properties")) if isinstance(raw, dict) else {})

    def field_at(self, path: str) -> tuple[SchemaField, bool] | None:
        """The field at a dot path (into nested objects and lists of objects), and whether the path
        goes through a list; None when there is no such field."""
        fields = self.properties
        found: SchemaField | None = None
        through_list = False
        for part in path.split("."):
            if found is not None:
                if found.type == "object":
                    fields = found.properties
                elif found.type == "array" and found.items is not None and found.items.type == "object":
                    fields = found.items.properties
                    through_list = True
                else:
                    return None
            found = fields.get(part)
            if found is None:
                return None
        return (found, through_list) if found is not None else None

    def list_prefix(self, path: str) -> str | None:
        """The leading part of a dot path that is a list of objects the path goes through, if any."""
        parts = path.split(".")
        for index in range(1, len(parts)):
            found = self.field_at(".".join(parts[:index]))
            if found and found[0].type == "array":
                return ".".join(parts[:index])
        return None


# ------------------------------------------------------------------------------------------------
# Values against fields


def _is_number(value: Json) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_integer(value: Json) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer()


def _is_iso(parse: Callable[[str], object]) -> Callable[[Json], bool]:
    def fits(value: Json) -> bool:
        if not isinstance(value, str):
            return False
        try:
            parse(value.replace("Z", "+00:00"))
        except ValueError:
            return False
        return True

    return fits


def _is_str(value: Json) -> bool:
    return isinstance(value, str)


_FITS: dict[str, Callable[[Json], bool]] = {
    "string": _is_str,
    "text": _is_str,
    "number": _is_number,
    "float": _is_number,
    "integer": _is_integer,
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "date": _is_iso(dt.date.fromisoformat),
    "datetime": _is_iso(dt.datetime.fromisoformat),
    # Blobs: a URL or the content inline.
    "image": _is_str,
    "audio": _is_str,
    "video": _is_str,
    "pdf": _is_str,
    "excel": _is_str,
}

_EXPECTED = {
    "string": "a string", "text": "a string", "number": "a number", "float": "a number",
    "integer": "an integer", "boolean": "true or false", "object": "an object", "array": "a list",
    "date": "an ISO 8601 date (YYYY-MM-DD)", "datetime": "an ISO 8601 date-time",
}


def check_value(problems: Violations, path: str, value: Json, spec: SchemaField) -> None:
    """Adds a violation for every way `value` does not fit `spec` (nested fields included)."""
    fits = _FITS.get(spec.type)
    if fits is None:
        return  # the schema itself is checked where it is declared
    if not fits(value):
        problems.add(path, f"must be {_EXPECTED.get(spec.type, f'a {spec.type} (URL or inline content)')}, got {_describe(value)}")
        return
    if spec.enum and value not in spec.enum:
        problems.add(path, "must be one of " + ", ".join(repr(a) for a in spec.enum))
    if isinstance(value, dict):
        check_fields(problems, path, value, spec.properties)
    elif isinstance(value, list) and spec.items is not None:
        for index, item in enumerate(value):
            check_value(problems, f"{path}[{index}]", item, spec.items)


def check_fields(problems: Violations, path: str, value: Mapping[str, Json], fields: Mapping[str, SchemaField], *, allow_unknown: bool = True) -> None:
    """Checks an object's declared fields; `allow_unknown` decides whether undeclared keys pass."""
    prefix = f"{path}." if path else ""
    for name, spec in fields.items():
        given = value.get(name)
        if given is not None:
            check_value(problems, prefix + name, given, spec)
        elif spec.required:
            problems.add(prefix + name, "is required")
    if not allow_unknown:
        for name in value:
            if name not in fields:
                known = ", ".join(sorted(fields)) or "none"
                problems.add(prefix + name, f"is not a known field (known: {known})")


def check_object(problems: Violations, path: str, value: Mapping[str, Json], declarations: Declaration, *, allow_unknown: bool = True) -> None:
    """`check_fields` against fields declared as JSON (an extractor's parameter schema)."""
    check_fields(problems, path, value, _fields(declarations), allow_unknown=allow_unknown)


def _describe(value: Json) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def apply_defaults(value: JsonObject, fields: Mapping[str, SchemaField]) -> JsonObject:
    """A copy of `value` with the declared defaults of absent fields filled in (nested objects too)."""
    out = dict(value)
    for name, spec in fields.items():
        if out.get(name) is None and spec.default is not None:
            out[name] = spec.default
        nested = out.get(name)
        if spec.type == "object" and isinstance(nested, dict) and spec.properties:
            out[name] = apply_defaults(nested, spec.properties)
    return out


# ------------------------------------------------------------------------------------------------
# Declarations (a bucket's `bucket_schema`, a collection's `input_schema`), as JSON


def properties_of(schema: Json) -> Declaration:
    """The top-level field declarations of a JSON schema ({} when it declares none)."""
    properties = schema.get("properties") if isinstance(schema, dict) else None
    return properties if isinstance(properties, dict) else {}


def field_at(schema: Json, path: str) -> tuple[Declaration, bool] | None:
    """`Schema.field_at` on a JSON schema, with the field's declaration as JSON."""
    found = Schema.from_json(schema).field_at(path)
    return (found[0].to_json(), found[1]) if found is not None else None


def list_prefix(schema: Json, path: str) -> str | None:
    """`Schema.list_prefix` on a JSON schema."""
    return Schema.from_json(schema).list_prefix(path)


def value_type(spec: Declaration) -> tuple[str | None, bool]:
    """`SchemaField.value_type` of a JSON field declaration."""
    return SchemaField.from_json(spec).value_type()


def check_schema(problems: Violations, path: str, schema: Json) -> None:
    """Adds a violation for every problem of a schema declaration, at its path, e.g.
    `bucket_schema.properties.metadata.properties.title.type`.

    Rules: every field has a known type; `properties` only on objects and `items` only on arrays
    (both nest to any depth); `enum`, `default` and `examples` values fit the type (and `default`
    the enum); field names are 1-64 letters, digits or `_`, starting with a letter (they become
    MongoDB and Qdrant paths, where `.`, `$` and a leading `_` mean something else); file types other
    than `text` only on top-level fields, since objects carry files as blobs named by top-level
    field; a top-level `metadata` field, if declared, is the object's metadata and must be an
    object."""
    for name, spec in properties_of(schema).items():
        _check_field(problems, f"{path}.properties.{name}", name, spec, top=True)


def _check_field(problems: Violations, where: str, name: str | None, spec: object, *, top: bool) -> None:
    if name is not None and not PROPERTY_NAME.match(name):
        problems.add(where, "is not a valid field name: use 1-64 letters, digits or '_', starting with a letter")
    if not isinstance(spec, dict):
        problems.add(where, "must be a field definition (an object with a type)")
        return
    kind = spec.get("type")
    if not kind:
        problems.add(f"{where}.type", f"is required; one of: {', '.join(FIELD_TYPES)}")
        return
    if kind not in FIELD_TYPES:
        problems.add(f"{where}.type", f"{kind!r} is not a field type; use one of: {', '.join(FIELD_TYPES)}")
        return
    if top and name == METADATA_FIELD and kind != "object":
        problems.add(f"{where}.type", "a top-level 'metadata' field describes the object's metadata, so it must be of type object")
    if kind in BLOB_ONLY_TYPES and not top:
        problems.add(f"{where}.type", f"file type '{kind}' is only allowed on top-level fields: objects carry files as blobs, one per top-level field")
    if spec.get("properties") and kind != "object":
        problems.add(f"{where}.properties", f"only allowed when type is object (this field is {kind})")
    if spec.get("items") and kind != "array":
        problems.add(f"{where}.items", f"only allowed when type is array (this field is {kind})")
    if kind == "object":
        for child, child_spec in properties_of(spec).items():
            _check_field(problems, f"{where}.properties.{child}", child, child_spec, top=False)
    if kind == "array" and spec.get("items"):
        _check_field(problems, f"{where}.items", None, spec["items"], top=False)
    shape_ok = not any(p.field.startswith(f"{where}.") or p.field == where for p in problems.items)
    declared = SchemaField.from_json(spec)
    if declared.enum and kind in ("object", "array"):
        problems.add(f"{where}.enum", f"is not allowed on {kind} fields")
    elif shape_ok:
        bare = SchemaField(type=declared.type)
        for index, value in enumerate(declared.enum):
            check_value(problems, f"{where}.enum[{index}]", value, bare)
    if not shape_ok:
        return  # defaults and examples cannot be checked against a broken declaration
    if declared.default is not None:
        check_value(problems, f"{where}.default", declared.default, declared)
    unrestricted = replace(declared, enum=())
    for index, example in enumerate(declared.examples):
        check_value(problems, f"{where}.examples[{index}]", example, unrestricted)
