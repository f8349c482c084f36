"""Bucket and object rules: new buckets, objects checked against their bucket's schema, and the
layout objects are stored in (which the object filters resolve field names against).

How an object's fields map to a bucket schema (the schema names fields, an object has blobs and
metadata):
- a top-level field with a file type (text, image, audio, video, pdf, excel) is filled by the blob
  whose `property` is its name;
- a top-level field named `metadata` (type object) describes the object's metadata as a whole, which
  is how Mixpeek's examples write schemas (`{"image": {"type": "image"}, "metadata": {...}}`, mapped
  as `metadata.title`);
- any other top-level field is the metadata key of the same name.

Stored layout (MongoDB `objects`): the public fields, plus `_blobs` (blob property -> data, for
filters) and `_ms` (integer-millisecond shadows of date and datetime values at their metadata
paths, because nx-27017 compares date-like strings only to the second)."""

from __future__ import annotations

import re
from typing import Any

from server.domain.errors import Violations
from server.domain.filters import FieldSpec, StaticFields, loose_field, simple_field, to_millis
from server.domain.names import check_name
from server.domain.schema import (
    FILE_TYPES,
    METADATA_FIELD,
    apply_defaults,
    check_schema,
    check_value,
    field_at,
    list_prefix,
    properties_of,
    value_type,
)

BUCKET_FIELDS = StaticFields(
    "a bucket",
    {
        "bucket_id": simple_field("bucket_id", "string", mongo="_id"),
        "bucket_name": simple_field("bucket_name", "string"),
        "description": simple_field("description", "string"),
        "created_at": simple_field("created_at", "datetime", time="_created_ms"),
        "updated_at": simple_field("updated_at", "datetime", time="_updated_ms"),
    },
    {"metadata": "metadata"},
)
BUCKET_SORTABLE = {"created_at": "_created_ms", "updated_at": "_updated_ms", "bucket_name": "bucket_name"}
BUCKET_SEARCHABLE = ("bucket_name", "description")
OBJECT_SORTABLE = {"created_at": "_created_ms", "updated_at": "_updated_ms", "key_prefix": "key_prefix"}
OBJECT_SEARCHABLE = ("key_prefix",)
_OBJECT_SYSTEM = {
    "object_id": simple_field("object_id", "string", mongo="_id"),
    "bucket_id": simple_field("bucket_id", "string"),
    "key_prefix": simple_field("key_prefix", "string"),
    "created_at": simple_field("created_at", "datetime", time="_created_ms"),
    "updated_at": simple_field("updated_at", "datetime", time="_updated_ms"),
}


KEY_PREFIX = re.compile(r"^[A-Za-z0-9/_.\-]{0,1024}$")


def check_key_prefix(problems: Violations, path: str, value: str) -> None:
    """Key prefixes are path-like (`/products/2026`): letters, digits, `/`, `_`, `-` and `.`, so
    they can be matched as prefixes and shown in URLs without escaping."""
    if value and not KEY_PREFIX.match(value):
        problems.add(path, "must be a path-like prefix of at most 1024 letters, digits, '/', '_', '-' or '.', e.g. '/products/2026'")


def check_new_bucket(request: dict[str, Any]) -> None:
    problems = Violations()
    check_name(problems, "bucket_name", request.get("bucket_name"))
    check_schema(problems, "bucket_schema", request.get("bucket_schema"))
    problems.raise_if_any()


def _blob_field(schema: dict[str, Any] | None, name: str) -> bool:
    spec = properties_of(schema).get(name)
    return bool(spec) and spec.get("type") in FILE_TYPES


def check_new_object(schema: dict[str, Any] | None, request: dict[str, Any]) -> dict[str, Any]:
    """Checks an object against its bucket's schema (every problem at its path) and returns its
    metadata with the schema's defaults filled in. Without a schema, only the blobs' own shape is
    checked."""
    problems = Violations()
    metadata = request.get("metadata") or {}
    blobs = request.get("blobs") or []
    props = properties_of(schema)
    schema = schema if props else None  # an empty schema declares nothing: nothing to check
    check_key_prefix(problems, "key_prefix", request.get("key_prefix", ""))
    seen: dict[str, int] = {}
    for index, blob in enumerate(blobs):
        where = f"blobs[{index}]"
        prop, kind, data = blob.get("property"), blob.get("type"), blob.get("data")
        if not prop:
            problems.add(f"{where}.property", "is required")
        elif prop in seen:
            problems.add(f"{where}.property", f"'{prop}' already has a blob (blobs[{seen[prop]}])")
        else:
            seen[prop] = index
        if not kind:
            problems.add(f"{where}.type", "is required")
        elif kind not in FILE_TYPES:
            problems.add(f"{where}.type", f"must be a file type ({', '.join(sorted(FILE_TYPES))}), not {kind}")
        if not isinstance(data, str) or not data:
            problems.add(f"{where}.data", "must be a URL (http, https or s3) or the content inline, as a non-empty string")
        if prop and seen.get(prop) != index:
            continue  # a duplicate: reported above
        if schema and prop:
            declared = props.get(prop)
            if declared is None:
                blob_fields = sorted(n for n in props if _blob_field(schema, n))
                problems.add(f"{where}.property", f"'{prop}' is not a field of the bucket schema (file fields: {', '.join(blob_fields) or 'none'})")
            elif declared.get("type") not in FILE_TYPES:
                problems.add(f"{where}.property", f"'{prop}' is declared as {declared.get('type')}, not a file type: put it in metadata")
            elif kind and kind != declared["type"]:
                problems.add(f"{where}.type", f"'{prop}' is declared as {declared['type']}, so its blob must be of type {declared['type']}")
    if schema:
        for name, spec in props.items():
            kind = spec.get("type")
            if name == METADATA_FIELD and kind == "object":
                check_value(problems, "metadata", metadata, spec)
            elif kind in FILE_TYPES:
                if name in metadata:
                    problems.add(f"metadata.{name}", f"is a file field ({kind}): send it as a blob with property '{name}'")
                elif spec.get("required") and name not in seen:
                    problems.add("blobs", f"the required file field '{name}' ({kind}) is missing: add a blob with property '{name}'")
            elif metadata.get(name) is not None:
                check_value(problems, f"metadata.{name}", metadata[name], spec)
            elif spec.get("required") and spec.get("default") is None:
                problems.add(f"metadata.{name}", "is required")
    problems.raise_if_any()
    if not schema:
        return metadata
    filled = apply_defaults(metadata, {n: s for n, s in props.items() if s.get("type") not in FILE_TYPES and n != METADATA_FIELD})
    if isinstance(props.get(METADATA_FIELD), dict) and props[METADATA_FIELD].get("properties"):
        filled = apply_defaults(filled, props[METADATA_FIELD]["properties"])
    return filled


def _stored_path(schema: dict[str, Any] | None, name: str) -> str | None:
    """Where the object field `name` (a dot path, as the schema names it) is stored."""
    head = name.split(".", 1)[0]
    if head == METADATA_FIELD:
        return name
    if _blob_field(schema, head):
        return "_blobs." + name if "." not in name else None
    return "metadata." + name


def time_shadows(schema: dict[str, Any] | None, metadata: dict[str, Any]) -> dict[str, Any]:
    """`_ms`: the integer-millisecond value of every date/datetime metadata value the schema
    declares, at the same path (lists element by element)."""
    shadows: dict[str, Any] = {}

    def walk(props: dict[str, Any], value: dict[str, Any], into: dict[str, Any]) -> None:
        for name, spec in props.items():
            if name not in value:
                continue
            kind, is_list = value_type(spec)
            item = value[name]
            if kind in ("date", "datetime"):
                if is_list and isinstance(item, list):
                    into[name] = [to_millis(v) for v in item]
                elif not is_list:
                    millis = to_millis(item)
                    if millis is not None:
                        into[name] = millis
            elif spec.get("type") == "object" and isinstance(item, dict):
                nested: dict[str, Any] = {}
                walk(spec.get("properties") or {}, item, nested)
                if nested:
                    into[name] = nested

    props = properties_of(schema)
    top = {n: s for n, s in props.items() if n != METADATA_FIELD and s.get("type") not in FILE_TYPES}
    inner: dict[str, Any] = {}
    walk(top, metadata, inner)
    declared = props.get(METADATA_FIELD)
    if isinstance(declared, dict) and declared.get("type") == "object":
        walk(declared.get("properties") or {}, metadata, inner)
    if inner:
        shadows["metadata"] = inner
    return shadows


class ObjectFields:
    """What ListObjects filters may name: system fields, and the bucket schema's fields (any
    metadata path when the bucket has no schema)."""

    def __init__(self, schema: dict[str, Any] | None):
        self._schema = schema

    def resolve(self, name: str) -> FieldSpec | None:
        if name in _OBJECT_SYSTEM:
            return _OBJECT_SYSTEM[name]
        stored = _stored_path(self._schema, name)
        if stored is None:
            return None
        if not properties_of(self._schema):
            if name.split(".", 1)[0] == METADATA_FIELD and "." not in name:
                return None  # the metadata object itself: filter on its fields
            return loose_field(name, stored, known_objects=1)
        lookup = name
        found = field_at(self._schema, name)
        if found is None and name.startswith(METADATA_FIELD + ".") and METADATA_FIELD not in properties_of(self._schema):
            lookup = name.split(".", 1)[1]  # metadata.x names the top-level x
            found = field_at(self._schema, lookup)
            stored = name
        if found is None:
            return None
        spec, _ = found
        kind, is_list = value_type(spec)
        in_list = list_prefix(self._schema, lookup)
        stored_list = stored[: len(stored) - len(lookup)] + in_list if in_list else None
        if in_list and kind in ("date", "datetime"):
            kind = "string"  # no millisecond shadows inside lists of objects: compare the strings
        time_path = "_ms." + stored if kind in ("date", "datetime") else None
        return FieldSpec(name, kind, "list" if is_list else "scalar", stored, name, time_path, (stored_list,))

    def describe(self) -> str:
        names = sorted(_OBJECT_SYSTEM) + sorted(properties_of(self._schema))
        if not properties_of(self._schema):
            names.append("metadata.*")
        return f"the bucket's objects (fields: {', '.join(names)})"
