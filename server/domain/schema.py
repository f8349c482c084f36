"""Values checked against schema fields (Mixpeek's bucket-schema field model: type, properties,
items, enum, required)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from server.domain.errors import Violations

FILE_TYPES = frozenset({"text", "image", "audio", "video", "pdf", "excel"})


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_iso(value: Any, parse) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parse(value.replace("Z", "+00:00"))
        return True
    except ValueError:
        return False


_FITS = {
    "string": lambda v: isinstance(v, str),
    "text": lambda v: isinstance(v, str),
    "number": _is_number,
    "float": _is_number,
    "integer": lambda v: _is_number(v) and float(v).is_integer(),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "date": lambda v: _is_iso(v, dt.date.fromisoformat),
    "datetime": lambda v: _is_iso(v, dt.datetime.fromisoformat),
    # Blobs: a URL or the content inline.
    "image": lambda v: isinstance(v, str),
    "audio": lambda v: isinstance(v, str),
    "video": lambda v: isinstance(v, str),
    "pdf": lambda v: isinstance(v, str),
    "excel": lambda v: isinstance(v, str),
}

_EXPECTED = {
    "string": "a string", "text": "a string", "number": "a number", "float": "a number",
    "integer": "an integer", "boolean": "true or false", "object": "an object", "array": "a list",
    "date": "an ISO 8601 date (YYYY-MM-DD)", "datetime": "an ISO 8601 date-time",
}


def check_value(problems: Violations, path: str, value: Any, field: dict[str, Any]) -> None:
    """Adds a violation for every way `value` does not fit `field` (nested fields included)."""
    kind = field.get("type")
    fits = _FITS.get(kind)
    if fits is None:
        return  # the schema itself is checked where it is declared
    if not fits(value):
        problems.add(path, f"must be {_EXPECTED.get(kind, f'a {kind} (URL or inline content)')}, got {_describe(value)}")
        return
    allowed = field.get("enum")
    if allowed and value not in allowed:
        problems.add(path, "must be one of " + ", ".join(repr(a) for a in allowed))
    if kind == "object":
        check_object(problems, path, value, field.get("properties") or {})
    elif kind == "array" and field.get("items"):
        for index, item in enumerate(value):
            check_value(problems, f"{path}[{index}]", item, field["items"])


def check_object(problems: Violations, path: str, value: dict[str, Any], properties: dict[str, Any], *, allow_unknown: bool = True) -> None:
    """Checks an object's declared fields; `allow_unknown` decides whether undeclared keys pass."""
    prefix = f"{path}." if path else ""
    for name, spec in properties.items():
        if name in value and value[name] is not None:
            check_value(problems, prefix + name, value[name], spec)
        elif spec.get("required"):
            problems.add(prefix + name, "is required")
    if not allow_unknown:
        for name in value:
            if name not in properties:
                known = ", ".join(sorted(properties)) or "none"
                problems.add(prefix + name, f"is not a known field (known: {known})")


def _describe(value: Any) -> str:
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


# ------------------------------------------------------------------------------------------------
# Schema declarations (a bucket's `bucket_schema`, a collection's `input_schema`)

FIELD_TYPES = (
    "string", "number", "integer", "float", "boolean", "object", "array", "date", "datetime",
    "text", "image", "audio", "video", "pdf", "excel",
)
# Files an object can only carry as blobs, one per top-level field. `text` is a file type too, but
# a nested `text` field is simply a string value (e.g. `metadata.description`).
BLOB_ONLY_TYPES = FILE_TYPES - {"text"}
METADATA_FIELD = "metadata"
PROPERTY_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


def properties_of(schema: dict[str, Any] | None) -> dict[str, Any]:
    return (schema or {}).get("properties") or {}


def check_schema(problems: Violations, path: str, schema: dict[str, Any] | None) -> None:
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


def _check_field(problems: Violations, where: str, name: str | None, spec: Any, *, top: bool) -> None:
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
        for child, child_spec in (spec.get("properties") or {}).items():
            _check_field(problems, f"{where}.properties.{child}", child, child_spec, top=False)
    if kind == "array" and spec.get("items"):
        _check_field(problems, f"{where}.items", None, spec["items"], top=False)
    shape_ok = not any(p.field.startswith(f"{where}.") or p.field == where for p in problems.items)
    allowed = spec.get("enum") or []
    if allowed and kind in ("object", "array"):
        problems.add(f"{where}.enum", f"is not allowed on {kind} fields")
    elif shape_ok:
        bare = {"type": kind}
        for index, value in enumerate(allowed):
            check_value(problems, f"{where}.enum[{index}]", value, bare)
    if not shape_ok:
        return  # defaults and examples cannot be checked against a broken declaration
    if spec.get("default") is not None:
        check_value(problems, f"{where}.default", spec["default"], spec)
    for index, example in enumerate(spec.get("examples") or []):
        check_value(problems, f"{where}.examples[{index}]", example, {k: v for k, v in spec.items() if k != "enum"})


def field_at(schema: dict[str, Any] | None, path: str) -> tuple[dict[str, Any], bool] | None:
    """The declaration of the field at a dot path (into nested objects and lists of objects), and
    whether the path goes through a list; None when the schema has no such field."""
    props = properties_of(schema)
    spec: dict[str, Any] | None = None
    through_list = False
    for part in path.split("."):
        if spec is not None:
            if spec.get("type") == "object":
                props = spec.get("properties") or {}
            elif spec.get("type") == "array" and (spec.get("items") or {}).get("type") == "object":
                props = spec["items"].get("properties") or {}
                through_list = True
            else:
                return None
        spec = props.get(part)
        if not isinstance(spec, dict):
            return None
    return (spec, through_list) if spec is not None else None


def list_prefix(schema: dict[str, Any] | None, path: str) -> str | None:
    """The leading part of a dot path that is a list of objects the path goes through, if any."""
    parts = path.split(".")
    for index in range(1, len(parts)):
        found = field_at(schema, ".".join(parts[:index]))
        if found and found[0].get("type") == "array":
            return ".".join(parts[:index])
    return None


def value_type(spec: dict[str, Any]) -> tuple[str | None, bool]:
    """The type of a field's values and whether the field is a list (then the type is the
    elements', None when they are not described)."""
    if spec.get("type") == "array":
        return (spec.get("items") or {}).get("type"), True
    return spec.get("type"), False


def apply_defaults(value: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    """A copy of `value` with the declared defaults of absent fields filled in (nested objects too)."""
    out = dict(value)
    for name, spec in properties.items():
        if out.get(name) is None and spec.get("default") is not None:
            out[name] = spec["default"]
        if spec.get("type") == "object" and isinstance(out.get(name), dict) and spec.get("properties"):
            out[name] = apply_defaults(out[name], spec["properties"])
    return out
