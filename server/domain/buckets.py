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

import hashlib
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from server.domain.blobs import BlobData, BlobLimits, classify
from server.domain.errors import FieldViolation, Violations
from server.domain.filters import FieldSpec, StaticFields, loose_field, simple_field, to_millis
from server.domain.names import check_name
from server.domain.schema import (
    FILE_TYPES,
    METADATA_FIELD,
    Json,
    JsonObject,
    Schema,
    SchemaField,
    apply_defaults,
    check_schema,
    check_value,
    properties_of,
)
from server.domain.updates import fields_to_update

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
OBJECT_KEYS = ("object_id", "bucket_id", "key_prefix", "metadata", "blobs", "created_at", "updated_at")
OBJECT_ALWAYS_SELECTED = ("object_id", "bucket_id")


def selected_object_paths(select: list[str]) -> list[str]:
    """An object list's `select` as paths of the stored object: a path naming no field of an object
    is a metadata key (Mixpeek's objects hold custom fields at the root)."""
    return [path if path.split(".")[0] in OBJECT_KEYS else f"metadata.{path}" for path in select]
_OBJECT_SYSTEM = {
    "object_id": simple_field("object_id", "string", mongo="_id"),
    "bucket_id": simple_field("bucket_id", "string"),
    "key_prefix": simple_field("key_prefix", "string"),
    "created_at": simple_field("created_at", "datetime", time="_created_ms"),
    "updated_at": simple_field("updated_at", "datetime", time="_updated_ms"),
}


_ID_ALPHABET = string.ascii_letters + string.digits
KEY_PREFIX = re.compile(r"^[A-Za-z0-9/_.\-]{0,1024}$")


def check_key_prefix(problems: Violations, path: str, value: str) -> None:
    """Key prefixes are path-like (`/products/2026`): letters, digits, `/`, `_`, `-` and `.`, so
    they can be matched as prefixes and shown in URLs without escaping."""
    if value and not KEY_PREFIX.match(value):
        problems.add(path, "must be a path-like prefix of at most 1024 letters, digits, '/', '_', '-' or '.', e.g. '/products/2026'")


def check_new_bucket(request: Mapping[str, Any]) -> None:
    problems = Violations()
    check_name(problems, "bucket_name", request.get("bucket_name"))
    check_schema(problems, "bucket_schema", request.get("bucket_schema"))
    problems.raise_if_any()


@dataclass(frozen=True)
class Blob:
    """One blob of a new object, as sent: checked by `check_new_object`."""

    property: str
    type: str
    data: Json


@dataclass(frozen=True)
class NewObject:
    """A CreateObject request's content: checked against the bucket schema by `check_new_object`."""

    key_prefix: str
    metadata: JsonObject
    blobs: tuple[Blob, ...]

    @classmethod
    def from_request(cls, request: Mapping[str, Any]) -> NewObject:
        """The object a request (as JSON) describes; absent parts are empty, as in the proto."""
        blobs = tuple(
            Blob(str(b.get("property") or ""), str(b.get("type") or ""), b.get("data"))
            for b in request.get("blobs") or []
        )
        return cls(str(request.get("key_prefix") or ""), dict(request.get("metadata") or {}), blobs)


def idempotent_object_id(bucket_id: str, key: str) -> str:
    """The object ID an idempotency key stands for in a bucket (the shape of `new_id("obj")`), so a
    repeated create finds the first one's object, and two at once collide on insert."""
    return _derived_object_id(f"{bucket_id}\x1f{key}")


def deduplicated_object_id(bucket_id: str, content: str) -> str:
    """The object ID a `skip_duplicates` create of blobs with this content hash takes in a bucket,
    so two such creates at once collide on insert and the second reads the first (objects never
    change their blobs). Never equal to an idempotency key's ID: that hash's input has `\x1f`
    right after the bucket ID, this one `\x1e`."""
    return _derived_object_id(f"{bucket_id}\x1econtent\x1f{content}")


def _derived_object_id(seed: str) -> str:
    digest = hashlib.sha256(seed.encode()).digest()
    return "obj_" + "".join(_ID_ALPHABET[byte % len(_ID_ALPHABET)] for byte in digest[:10])


@dataclass(frozen=True)
class CheckedObject:
    """A new object as checked: its metadata with the schema's defaults, and its blobs' data as
    classified (server.domain.blobs), in request order."""

    metadata: JsonObject
    blobs: tuple[BlobData, ...]


def check_new_object(schema: Schema, new: NewObject, limits: BlobLimits, path: str = "") -> CheckedObject:
    """Checks an object against its bucket's schema (every problem at its path, under `path` for an
    item of a batch) and classifies its blobs' data. Without a schema, only the blobs' own shape is
    checked."""
    problems = Violations()
    classified: list[BlobData] = []
    metadata = new.metadata
    props = schema.properties
    check_key_prefix(problems, "key_prefix", new.key_prefix)
    seen: dict[str, int] = {}
    for index, blob in enumerate(new.blobs):
        where = f"blobs[{index}]"
        prop, kind = blob.property, blob.type
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
        data = classify(problems, f"{where}.data", kind, blob.data, limits)
        if data is not None:
            classified.append(data)
        if prop and seen.get(prop) != index:
            continue  # a duplicate: reported above
        if props and prop:
            declared = props.get(prop)
            if declared is None:
                blob_fields = sorted(n for n, s in props.items() if s.is_file)
                problems.add(f"{where}.property", f"'{prop}' is not a field of the bucket schema (file fields: {', '.join(blob_fields) or 'none'})")
            elif not declared.is_file:
                problems.add(f"{where}.property", f"'{prop}' is declared as {declared.type}, not a file type: put it in metadata")
            elif kind and kind != declared.type:
                problems.add(f"{where}.type", f"'{prop}' is declared as {declared.type}, so its blob must be of type {declared.type}")
    for name, spec in props.items():
        if spec.is_file and spec.required and name not in seen and name not in metadata:
            problems.add("blobs", f"the required file field '{name}' ({spec.type}) is missing: add a blob with property '{name}'")
    filled = _checked_metadata(problems, schema, metadata)
    if path:
        problems.items[:] = [FieldViolation(f"{path}.{v.field}", v.description) for v in problems.items]
    problems.raise_if_any()
    return CheckedObject(filled, tuple(classified))


def _checked_metadata(problems: Violations, schema: Schema, metadata: JsonObject) -> JsonObject:
    """Checks an object's metadata against its bucket's schema; returns it with the schema's defaults."""
    props = schema.properties
    for name, spec in props.items():
        if name == METADATA_FIELD and spec.type == "object":
            check_value(problems, "metadata", metadata, spec)
        elif spec.is_file:
            if name in metadata:
                problems.add(f"metadata.{name}", f"is a file field ({spec.type}): send it as a blob with property '{name}'")
        elif metadata.get(name) is not None:
            check_value(problems, f"metadata.{name}", metadata[name], spec)
        elif spec.required and spec.default is None:
            problems.add(f"metadata.{name}", "is required")
    filled = apply_defaults(metadata, _metadata_keys(schema))
    described = props.get(METADATA_FIELD)
    if described is not None and described.properties:
        filled = apply_defaults(filled, described.properties)
    return filled


BUCKET_UPDATABLE = ("bucket_name", "description", "metadata", "bucket_schema")
OBJECT_UPDATABLE = ("key_prefix", "metadata", "skip_duplicates")  # skip_duplicates: accepted, no effect


def bucket_changes(request: Mapping[str, Any], bucket: Mapping[str, Any]) -> JsonObject:
    """The fields an UpdateBucket changes (its mask, or the fields it sets), every problem at once.
    A schema may only grow: see `_check_schema_growth`."""
    problems = Violations()
    changes: JsonObject = {}
    for path in fields_to_update(problems, dict(request), BUCKET_UPDATABLE):
        if path == "bucket_name":
            check_name(problems, "bucket_name", request.get("bucket_name"))
            changes["bucket_name"] = request.get("bucket_name")
        elif path == "description":
            changes["description"] = request.get("description") or ""
        elif path == "metadata":
            changes["metadata"] = request.get("metadata") or {}
        elif path == "bucket_schema":
            schema = request.get("bucket_schema") or {"properties": {}}
            check_schema(problems, "bucket_schema", schema)
            _check_schema_growth(problems, bucket.get("bucket_schema") or {}, schema)
            changes["bucket_schema"] = schema
    problems.raise_if_any()
    return changes


def _check_schema_growth(problems: Violations, before: Json, after: Json) -> None:
    """A bucket schema may gain fields, never lose or change one: objects were checked against it,
    collections map their inputs to it, and filters resolve through it. A new field cannot be
    required without a default, since the objects there are have no value for it."""
    old, new = properties_of(before), properties_of(after)
    for name, spec in old.items():
        where = f"bucket_schema.properties.{name}"
        if name not in new:
            problems.add(where, "is missing: a bucket's fields cannot be removed (objects hold them, collections map them); send every field it has")
        elif _meaningful(new[name]) != _meaningful(spec):
            problems.add(where, "cannot change: objects were checked against it and collections map it; add a field instead")
    for name in new.keys() - old.keys():
        spec = new[name]
        if isinstance(spec, dict) and spec.get("required") and spec.get("default") is None:
            problems.add(f"bucket_schema.properties.{name}.required", "a new field cannot be required without a default: the bucket's objects have no value for it")


def _meaningful(value: Json) -> Json:
    """A schema declaration without its empty parts (null, false, "", [], {}), as JSON clients
    echo them back or leave them out."""
    if isinstance(value, dict):
        return {k: _meaningful(v) for k, v in value.items() if v not in (None, False, "", [], {})}
    if isinstance(value, list):
        return [_meaningful(v) for v in value]
    return value


def object_changes(request: Mapping[str, Any], stored: Mapping[str, Any], schema: Schema) -> JsonObject:
    """The fields an UpdateObject changes: its key prefix, and metadata keys set (null removes one)
    over the stored metadata, which is checked whole against the schema again. Blobs never change."""
    problems = Violations()
    changes: JsonObject = {}
    for path in fields_to_update(problems, dict(request), OBJECT_UPDATABLE):
        if path == "key_prefix":
            key_prefix = str(request.get("key_prefix") or "")
            check_key_prefix(problems, "key_prefix", key_prefix)
            changes["key_prefix"] = key_prefix
        elif path == "metadata":
            metadata = dict(stored.get("metadata") or {})
            for key, value in (request.get("metadata") or {}).items():
                if value is None:
                    metadata.pop(key, None)
                else:
                    metadata[key] = value
            checked = _checked_metadata(problems, schema, metadata)
            changes["metadata"], changes["_ms"] = checked, time_shadows(schema, checked)
    problems.raise_if_any()
    return changes


def _metadata_keys(schema: Schema) -> dict[str, SchemaField]:
    """The top-level fields that name a metadata key (neither files nor `metadata` itself)."""
    return {n: s for n, s in schema.properties.items() if not s.is_file and n != METADATA_FIELD}


def _stored_path(schema: Schema, name: str) -> str | None:
    """Where the object field `name` (a dot path, as the schema names it) is stored."""
    head = name.split(".", 1)[0]
    if head == METADATA_FIELD:
        return name
    declared = schema.properties.get(head)
    if declared is not None and declared.is_file:
        return "_blobs." + name if "." not in name else None
    return "metadata." + name


def time_shadows(schema: Schema, metadata: JsonObject) -> JsonObject:
    """`_ms`: the integer-millisecond value of every date/datetime metadata value the schema
    declares, at the same path (lists element by element)."""

    def walk(fields: Mapping[str, SchemaField], value: JsonObject, into: JsonObject) -> None:
        for name, spec in fields.items():
            if name not in value:
                continue
            kind, is_list = spec.value_type()
            item = value[name]
            if kind in ("date", "datetime"):
                if is_list and isinstance(item, list):
                    into[name] = [to_millis(v) for v in item]
                elif not is_list:
                    millis = to_millis(item)
                    if millis is not None:
                        into[name] = millis
            elif spec.type == "object" and isinstance(item, dict):
                nested: JsonObject = {}
                walk(spec.properties, item, nested)
                if nested:
                    into[name] = nested

    inner: JsonObject = {}
    walk(_metadata_keys(schema), metadata, inner)
    declared = schema.properties.get(METADATA_FIELD)
    if declared is not None and declared.type == "object":
        walk(declared.properties, metadata, inner)
    return {"metadata": inner} if inner else {}


class ObjectFields:
    """What ListObjects filters may name: system fields, and the bucket schema's fields (any
    metadata path when the bucket has no schema). Built from the schema as stored (JSON). Without
    `files`, file fields name nothing (an aggregation reads no blob data)."""

    def __init__(self, schema: Json, *, files: bool = True):
        self._schema = Schema.from_json(schema)
        self._files = files

    def resolve(self, name: str) -> FieldSpec | None:
        if name in _OBJECT_SYSTEM:
            return _OBJECT_SYSTEM[name]
        stored = _stored_path(self._schema, name)
        if stored is None or (not self._files and stored.startswith("_blobs.")):
            return None
        declared = self._schema.properties
        if not declared:
            if name.split(".", 1)[0] == METADATA_FIELD and "." not in name:
                return None  # the metadata object itself: filter on its fields
            return loose_field(name, stored, known_objects=1)
        lookup = name
        found = self._schema.field_at(name)
        if found is None and name.startswith(METADATA_FIELD + ".") and METADATA_FIELD not in declared:
            lookup = name.split(".", 1)[1]  # metadata.x names the top-level x
            found = self._schema.field_at(lookup)
            stored = name
        if found is None:
            return None
        spec, _ = found
        kind, is_list = spec.value_type()
        in_list = self._schema.list_prefix(lookup)
        stored_list = stored[: len(stored) - len(lookup)] + in_list if in_list else None
        if in_list and kind in ("date", "datetime"):
            kind = "string"  # no millisecond shadows inside lists of objects: compare the strings
        time_path = "_ms." + stored if kind in ("date", "datetime") else None
        return FieldSpec(name, kind, "list" if is_list else "scalar", stored, name, time_path, (stored_list,))

    def describe(self) -> str:
        names = sorted(_OBJECT_SYSTEM) + sorted(n for n, s in self._schema.properties.items() if self._files or not s.is_file)
        if not self._schema.properties:
            names.append("metadata.*")
        return f"the bucket's objects (fields: {', '.join(names)})"


def object_bytes(doc: dict[str, Any]) -> int:
    """The bytes of an object's inline blobs (a URL blob has none until it is read): what it adds to
    its bucket's `total_size_bytes`."""
    return sum(int((blob.get("details") or {}).get("size_bytes") or 0) for blob in doc.get("blobs") or [])
