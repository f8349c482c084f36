"""Collection planning (seeds 003 and 004): everything CreateCollection checks and computes, without
I/O. The use case looks the source up and hands it in; what comes out is the collection as stored.

Two steps, so that a request is rejected whole with every problem listed:
1. `check_request` checks what needs no lookup (name, source shape, extractors against the catalogue
   and the namespace, parameters, taxonomies, cache settings) and says which source to fetch;
2. `plan` takes the fetched source and checks the rest (input schema, filters, input and output
   mappings), then computes the output schema, indexes, lineage and defaults.

Choices where the seeds are silent (each is what a user of such a service would expect):
- The input schema is the request's `input_schema`, else the bucket's `bucket_schema`, else the
  source collection's `output_schema`. A request schema that contradicts the source's (a field the
  source does not have, or of another type) is rejected: it would promise inputs that never come.
- An extractor input without a mapping reads the source field of the same name; when the input is
  required and the input schema has no such field, the request is rejected (with no schema at all,
  nothing can be checked and nothing is).
- Which source fields documents carry is each extractor's rule (Mixpeek's `field_passthrough` and
  `include_all_source_fields`): every input-schema field (the default, and seed 004's behaviour),
  or only the `field_passthrough` ones (the default when that list is given), renamed to their
  `target_path`. A rule's source path must exist in the input schema and its target may not be an
  extractor output, a reserved field, or another rule's target.
- The output schema is the source fields passed through plus every extractor output (renamed by
  `output_mapping`). Two extractors writing the same output, or two writing the same named vector,
  are rejected; an output may replace a passed-through source field of the same type.
- Taxonomy ids and cache invalidation events are checked for shape only: taxonomies and retrievers
  live outside vecplane, and an event may name a collection created later.
- `status` starts PENDING (nothing processed yet); processing sets PROCESSING while a task runs the
  collection and DONE once a run of it completed (server.processing.engine).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from server.domain import filters
from server.domain.buckets import ObjectFields, check_key_prefix
from server.domain.documents import SYSTEM_FIELDS, is_reserved
from server.domain.errors import FailedPrecondition, FieldViolation, Violations
from server.domain.extractors import Catalogue, ExtractorDefinition, check_extractor_list, enabled_ids
from server.domain.filters import FieldSpec, StaticFields, loose_field, simple_field
from server.domain.names import check_name
from server.domain.namespaces import SYSTEM_PAYLOAD_INDEXES
from server.domain.schema import (
    BLOB_ONLY_TYPES,
    PROPERTY_NAME,
    SchemaField,
    check_schema,
    check_value,
    field_at,
    list_prefix,
    properties_of,
    value_type,
)
from server.domain.updates import fields_to_update
from server.domain.vectors import VectorSpec, same_definition

TAXONOMY_ID = re.compile(r"^tax_[A-Za-z0-9]+$")
RETRIEVER_ID = re.compile(r"^ret_[A-Za-z0-9]+$")
INVALIDATION_ACTIONS = ("create", "update", "delete")
MAX_TTL_SECONDS = 31_536_000
MAX_PASSTHROUGH = 100
MAX_SOURCE_BUCKETS = 16
CACHE_DEFAULTS = {
    "enabled": True,
    "ttl_seconds": 604_800,
    "invalidation_strategy": "replace_if_better",
    "max_entries_per_key": 5,
}
UPDATABLE_FIELDS = ("collection_name", "description", "enabled", "metadata", "taxonomy_applications")
COLLECTION_SORTABLE = {"created_at": "_created_ms", "updated_at": "_updated_ms", "collection_name": "collection_name"}
COLLECTION_SEARCHABLE = ("collection_name", "description")
COLLECTION_FIELDS = StaticFields(
    "a collection",
    {
        "collection_id": simple_field("collection_id", "string", mongo="_id"),
        "collection_name": simple_field("collection_name", "string"),
        "description": simple_field("description", "string"),
        "enabled": simple_field("enabled", "boolean"),
        "status": simple_field("status", "string"),
        "source.type": simple_field("source.type", "string"),
        "source.bucket_id": simple_field("source.bucket_id", "string"),
        "source.collection_id": simple_field("source.collection_id", "string"),
        "source.prefix_key": simple_field("source.prefix_key", "string"),
        "feature_extractors.feature_extractor_name": simple_field("feature_extractors.feature_extractor_name", "string", through="feature_extractors"),
        "feature_extractors.version": simple_field("feature_extractors.version", "string", through="feature_extractors"),
        "taxonomy_applications.taxonomy_id": simple_field("taxonomy_applications.taxonomy_id", "string", through="taxonomy_applications"),
        "created_at": simple_field("created_at", "datetime", time="_created_ms"),
        "updated_at": simple_field("updated_at", "datetime", time="_updated_ms"),
    },
    {"metadata": "metadata"},
)
_DOCUMENT_SYSTEM = {
    name: simple_field(name, "string")
    for name in SYSTEM_FIELDS
}


class DocumentFields:
    """What filters over a collection's documents (Qdrant payloads) may name: the system payload
    fields and the fields of the documents' schema (any path when there is none)."""

    def __init__(self, schema: dict[str, Any] | None):
        self._schema = schema

    def resolve(self, name: str) -> FieldSpec | None:
        if name in _DOCUMENT_SYSTEM:
            return _DOCUMENT_SYSTEM[name]
        if not properties_of(self._schema):
            return loose_field(name)
        found = field_at(self._schema, name)
        if found is None:
            return None
        spec, _ = found
        kind, is_list = value_type(spec)
        in_list = list_prefix(self._schema, name)
        if in_list and kind in ("date", "datetime"):
            kind = "string"  # no millisecond shadows inside lists of objects: compare the strings
        return FieldSpec(
            name,
            kind,
            "list" if is_list else "scalar",
            name,
            _qdrant_key(self._schema, name),
            "_ms." + name if kind in ("date", "datetime") else None,
            (in_list,),
        )

    def describe(self) -> str:
        names = sorted(_DOCUMENT_SYSTEM) + sorted(properties_of(self._schema))
        return f"the input schema (fields: {', '.join(names)})"


def _qdrant_key(schema: dict[str, Any] | None, name: str) -> str:
    """The payload key in Qdrant's syntax: `[]` after each list of objects the path goes through."""
    parts = name.split(".")
    key = []
    for index in range(len(parts)):
        key.append(parts[index])
        found = field_at(schema, ".".join(parts[: index + 1]))
        if found and index < len(parts) - 1 and found[0].get("type") == "array":
            key[-1] += "[]"
    return ".".join(key)


# ------------------------------------------------------------------------------------------------
# Step 1: what needs no lookup


@dataclass
class Draft:
    """The outcome of `check_request`: problems so far, the source to fetch (None when the source
    reference is unusable) and the catalogue entry of each requested extractor (None if invalid)."""

    problems: Violations
    source_type: str | None
    source_ident: str | None
    definitions: list[ExtractorDefinition | None] = field(default_factory=list)
    more_source_idents: tuple[str, ...] = ()  # the buckets after the first of `source.bucket_ids`


def _check_source(problems: Violations, source: dict[str, Any] | None) -> tuple[str | None, str | None, tuple[str, ...]]:
    """(type, the first source's ident, the idents of the other source buckets) when well formed."""
    if not source:
        problems.add("source", "is required: {'type': 'bucket', 'bucket_id': ...} or {'type': 'collection', 'collection_id': ...}")
        return None, None, ()
    kind = source.get("type")
    bucket_id, collection_id, prefix = source.get("bucket_id", ""), source.get("collection_id", ""), source.get("prefix_key", "")
    bucket_ids = list(source.get("bucket_ids") or [])
    more: list[str] = []
    if kind not in ("bucket", "collection"):
        problems.add("source.type", "is required: bucket or collection")
        return None, None, ()
    if kind == "bucket":
        if collection_id:
            problems.add("source.collection_id", "is only allowed when source.type is collection; use source.bucket_id")
        if bucket_ids:
            ident = _source_buckets(problems, bucket_id, bucket_ids)
            more = [i for i in (_source_ident(problems, "bucket", b, f"source.bucket_ids[{n}]") for n, b in enumerate(bucket_ids[1:], 1)) if i]
        else:
            ident = _source_ident(problems, "bucket", bucket_id)
        check_key_prefix(problems, "source.prefix_key", prefix)
    else:
        for key in ("bucket_id", "bucket_ids"):
            if source.get(key):
                problems.add(f"source.{key}", "is only allowed when source.type is bucket; use source.collection_id")
        if prefix:
            problems.add("source.prefix_key", "is only allowed when source.type is bucket")
        ident = _source_ident(problems, "collection", collection_id)
    if ident is not None and any(p.field.startswith("source.") for p in problems.items):
        return kind, None, ()
    return kind, ident, tuple(more)


def _source_buckets(problems: Violations, bucket_id: str, bucket_ids: list[str]) -> str | None:
    """`source.bucket_ids`: at most MAX_SOURCE_BUCKETS, each once, the first being `bucket_id` when
    both are sent; returns the first one's ident when well formed."""
    if len(bucket_ids) > MAX_SOURCE_BUCKETS:
        problems.add("source.bucket_ids", f"has {len(bucket_ids)} buckets; at most {MAX_SOURCE_BUCKETS}")
    repeated = sorted({b for b in bucket_ids if bucket_ids.count(b) > 1})
    if repeated:
        problems.add("source.bucket_ids", f"names bucket '{repeated[0]}' more than once")
    if bucket_id and bucket_id != bucket_ids[0]:
        problems.add("source.bucket_ids", "starts with another bucket than source.bucket_id; send one of them, or the same bucket first")
    return _source_ident(problems, "bucket", bucket_ids[0], "source.bucket_ids[0]")


def _source_ident(problems: Violations, kind: str, value: str | None, field: str = "") -> str | None:
    """`source.<kind>_id` (or `field`): required, an ID or a name; returns it when it is well formed."""
    field = field or f"source.{kind}_id"
    if not value:
        problems.add(field, f"is required when source.type is {kind}")
        return None
    before = len(problems.items)
    check_name(problems, field, value)
    if len(problems.items) > before:
        prefix = "bkt" if kind == "bucket" else "col"
        problems.items[-1] = FieldViolation(field, f"must be a {kind} ID ({prefix}_...) or name: {problems.items[-1].description}")
        return None
    return value


def _check_taxonomies(problems: Violations, applications: list[dict[str, Any]], path: str = "taxonomy_applications") -> None:
    seen: set[str] = set()
    for index, item in enumerate(applications):
        where = f"{path}[{index}]"
        taxonomy = item.get("taxonomy_id", "")
        if not taxonomy:
            problems.add(f"{where}.taxonomy_id", "is required")
        elif not TAXONOMY_ID.match(taxonomy):
            problems.add(f"{where}.taxonomy_id", f"{taxonomy!r} is not a taxonomy ID: 'tax_' followed by letters and digits")
        elif taxonomy in seen:
            problems.add(f"{where}.taxonomy_id", f"taxonomy '{taxonomy}' is applied twice")
        seen.add(taxonomy)
        if item.get("output_collection"):
            check_name(problems, f"{where}.output_collection", item["output_collection"])


def _check_ttl(problems: Violations, path: str, value: Any) -> None:
    if value is not None and not 1 <= value <= MAX_TTL_SECONDS:
        problems.add(path, f"must be between 1 and {MAX_TTL_SECONDS} seconds")


def _check_score(problems: Violations, path: str, value: Any) -> None:
    if value is not None and value < 0:
        problems.add(path, "must be 0 or more")


def check_cache_config(problems: Violations, config: dict[str, Any] | None) -> dict[str, Any]:
    """Checks a cache configuration and returns it with every default filled in."""
    config = config or {}
    _check_ttl(problems, "cache_config.ttl_seconds", config.get("ttl_seconds"))
    entries = config.get("max_entries_per_key")
    if entries is not None and not 1 <= entries <= 100:
        problems.add("cache_config.max_entries_per_key", "must be between 1 and 100")
    _check_score(problems, "cache_config.score_threshold", config.get("score_threshold"))
    events = []
    for index, event in enumerate(config.get("invalidation_events") or []):
        where = f"cache_config.invalidation_events[{index}]"
        if not event.get("collection"):
            problems.add(f"{where}.collection", "is required: the ID or name of the collection whose changes invalidate the cache")
        else:
            before = len(problems.items)
            check_name(problems, f"{where}.collection", event["collection"])
            if len(problems.items) > before:
                problems.items[-1] = FieldViolation(f"{where}.collection", f"must be a collection ID or name: {problems.items[-1].description}")
        if event.get("action") not in INVALIDATION_ACTIONS:
            problems.add(f"{where}.action", f"must be one of: {', '.join(INVALIDATION_ACTIONS)}")
        if event.get("retriever_id") and not RETRIEVER_ID.match(event["retriever_id"]):
            problems.add(f"{where}.retriever_id", f"{event['retriever_id']!r} is not a retriever ID: 'ret_' followed by letters and digits")
        events.append({"recompute_strategy": "background", **event})
    filled = {**CACHE_DEFAULTS, **{k: v for k, v in config.items() if v is not None}, "invalidation_events": events}
    retrievers = {}
    for key, item in (config.get("retriever_configs") or {}).items():
        where = f"cache_config.retriever_configs.{key}"
        if not RETRIEVER_ID.match(key):
            problems.add(where, f"{key!r} is not a retriever ID: 'ret_' followed by letters and digits")
        _check_ttl(problems, f"{where}.ttl_seconds", item.get("ttl_seconds"))
        _check_score(problems, f"{where}.score_threshold", item.get("score_threshold"))
        inherited = {"enabled": True, "ttl_seconds": filled["ttl_seconds"]}
        if filled.get("score_threshold") is not None:
            inherited["score_threshold"] = filled["score_threshold"]
        retrievers[key] = {**inherited, **{k: v for k, v in item.items() if v is not None}}
    filled["retriever_configs"] = retrievers
    return filled


def check_request(request: dict[str, Any], catalogue: Catalogue, namespace: dict[str, Any]) -> Draft:
    problems = Violations()
    check_name(problems, "collection_name", request.get("collection_name"))
    source_type, ident, more_idents = _check_source(problems, request.get("source"))
    definitions = check_extractor_list(
        problems,
        catalogue,
        request.get("feature_extractors") or [],
        params_key="parameters",
        enabled=set(enabled_ids(namespace.get("feature_extractors", []))),
        namespace_name=namespace.get("namespace_name", namespace.get("_id", "")),
    )
    _check_taxonomies(problems, request.get("taxonomy_applications") or [])
    check_cache_config(problems, request.get("cache_config"))
    if request.get("input_schema"):
        check_schema(problems, "input_schema", request["input_schema"])
    return Draft(problems, source_type, ident, definitions, more_idents)


# ------------------------------------------------------------------------------------------------
# Step 2: with the source


def missing_source_message(draft: Draft) -> str:
    return f"{draft.source_type} '{draft.source_ident}' does not exist in this namespace"


def schema_difference(first: dict[str, Any] | None, other: dict[str, Any] | None) -> str:
    """Why two bucket schemas cannot feed one collection (empty when compatible): as Mixpeek's,
    they must have the same fields, of the same types, equally required."""
    mine, theirs = properties_of(first), properties_of(other)
    missing, extra = sorted(set(mine) - set(theirs)), sorted(set(theirs) - set(mine))
    if missing or extra:
        return "; ".join([*(f"it lacks field '{n}'" for n in missing[:3]), *(f"it has field '{n}', the other not" for n in extra[:3])])
    for name, spec in mine.items():
        if spec.get("type") != theirs[name].get("type"):
            return f"field '{name}' is {theirs[name].get('type')} there, {spec.get('type')} here"
        if bool(spec.get("required")) != bool(theirs[name].get("required")):
            return f"field '{name}' is required in one schema only"
    return ""


def _choose_input_schema(problems: Violations, request: dict[str, Any], source_type: str, source: dict[str, Any] | None) -> dict[str, Any] | None:
    source_schema = None
    if source is not None:
        source_schema = source.get("bucket_schema") if source_type == "bucket" else source.get("output_schema")
    given = request.get("input_schema")
    if not properties_of(given):
        return source_schema if properties_of(source_schema) else None
    if properties_of(source_schema):
        for name, spec in properties_of(given).items():
            declared = properties_of(source_schema).get(name)
            where = f"input_schema.properties.{name}"
            if declared is None:
                problems.add(where, f"The source field '{name}' does not exist in the source schema.")
            elif declared.get("type") != spec.get("type"):
                problems.add(f"{where}.type", f"is {spec.get('type')} here but {declared.get('type')} in the source schema")
    return given


def _compatible(source_spec: dict[str, Any], input_spec: dict[str, Any], definition: ExtractorDefinition) -> bool:
    kind = source_spec.get("type")
    accepted = set(definition.data.get("supported_input_types") or []) | {input_spec.get("type")}
    return kind in accepted


def _check_mappings(problems: Violations, where: str, item: dict[str, Any], definition: ExtractorDefinition, input_schema: dict[str, Any] | None, schema_known: bool) -> None:
    """`schema_known` is false when the source could not be read (its reference is invalid or it
    does not exist): then only what needs no schema is checked, rather than reporting every mapped
    field as missing from a schema that was never seen."""
    inputs = definition.inputs
    mapping = item.get("input_mapping") or {}
    for name, path in mapping.items():
        at = f"{where}.input_mapping.{name}"
        if name not in inputs:
            problems.add(at, f"'{name}' is not an input of {definition.id} (inputs: {', '.join(sorted(inputs)) or 'none'})")
            continue
        if not path:
            problems.add(at, "must be the path of a source field, e.g. 'metadata.title'")
            continue
        if not schema_known:
            continue
        found = field_at(input_schema, path) if properties_of(input_schema) else None
        if found is None:
            problems.add(at, f"The source field '{path}' does not exist in the source schema.")
            continue
        spec, _ = found
        if not _compatible(spec, inputs[name], definition):
            accepted = sorted(set(definition.data.get("supported_input_types") or []) | {inputs[name].get("type")})
            problems.add(at, f"source field '{path}' is {spec.get('type')}, but input '{name}' of {definition.id} takes {' or '.join(accepted)}")
    if schema_known and properties_of(input_schema):
        for name, spec in inputs.items():
            if name in mapping or not spec.get("required"):
                continue
            same = properties_of(input_schema).get(name)
            if same is None or not _compatible(same, spec, definition):
                problems.add(
                    f"{where}.input_mapping",
                    f"input '{name}' of {definition.id} is required: map it to a source field, e.g. {{\"{name}\": \"<field path>\"}}",
                )
    for name, target in (item.get("output_mapping") or {}).items():
        at = f"{where}.output_mapping.{name}"
        if name not in definition.outputs:
            problems.add(at, f"'{name}' is not an output of {definition.id} (outputs: {', '.join(sorted(definition.outputs)) or 'none'})")
        elif not PROPERTY_NAME.match(target or ""):
            problems.add(at, "must be a field name: 1-64 letters, digits or '_', starting with a letter")


def includes_all_fields(item: dict[str, Any]) -> bool:
    """Whether an extractor's documents carry every input-schema field: as stored, else (a request,
    or a collection stored before the rule existed) unless `field_passthrough` names fields."""
    value = item.get("include_all_source_fields")
    return not item.get("field_passthrough") if value is None else bool(value)


def passed_fields(item: dict[str, Any], properties: dict[str, Any]) -> list[str]:
    """The input-schema fields an extractor's documents carry under their own name: all of them
    when it includes all source fields, but those a `field_passthrough` entry renames (as Mixpeek:
    {a, b} with a -> x gives {x, b}); else none."""
    if not includes_all_fields(item):
        return []
    renamed = {rule.get("source_path") for rule in item.get("field_passthrough") or [] if passthrough_target(rule) != rule.get("source_path")}
    return [name for name in properties if name not in renamed]


def passthrough_target(rule: dict[str, Any]) -> str:
    return str(rule.get("target_path") or str(rule.get("source_path") or "").rsplit(".", 1)[-1])


def _outputs_of(item: dict[str, Any], definition: ExtractorDefinition) -> set[str]:
    renames = item.get("output_mapping") or {}
    return {renames.get(output) or output for output in definition.outputs}


def _check_passthrough(
    problems: Violations, where: str, item: dict[str, Any], outputs: set[str], input_schema: dict[str, Any] | None, schema_known: bool
) -> dict[str, Any]:
    """Checks an extractor's `field_passthrough`; returns the fields it adds to the output schema."""
    rules = item.get("field_passthrough") or []
    if len(rules) > MAX_PASSTHROUGH:
        problems.add(f"{where}.field_passthrough", f"has {len(rules)} entries; at most {MAX_PASSTHROUGH}")
        return {}
    added: dict[str, Any] = {}
    targets: set[str] = set()
    for index, rule in enumerate(rules):
        at = f"{where}.field_passthrough[{index}]"
        path = rule.get("source_path") or ""
        target = passthrough_target(rule)
        if not path:
            problems.add(f"{at}.source_path", "is required: the path of a source field, e.g. 'metadata.title'")
            continue
        target_problem = None
        if not PROPERTY_NAME.match(target) or is_reserved(target):
            target_problem = f"'{target}' cannot be a document field: use 1-64 letters, digits or '_', starting with a letter, and not a system field"
        elif target in outputs:
            target_problem = f"'{target}' is an output of the extractor; pass the field through under another target_path"
        elif target in targets:
            target_problem = f"'{target}' is the target of another field_passthrough entry"
        targets.add(target)
        if target_problem:
            problems.add(f"{at}.target_path", target_problem)
        if not schema_known:
            continue
        found = field_at(input_schema, path) if properties_of(input_schema) else None
        if found is None:
            problems.add(f"{at}.source_path", f"The source field '{path}' does not exist in the source schema.")
        elif found[1]:
            problems.add(f"{at}.source_path", f"'{path}' is inside a list; pass the list field through")
        elif found[0].get("type") in BLOB_ONLY_TYPES:
            problems.add(f"{at}.source_path", f"'{path}' is a {found[0].get('type')} file; documents carry extractor outputs of files, not the files")
        else:
            if rule.get("default") is not None:
                check_value(problems, f"{at}.default", rule["default"], SchemaField.from_json(found[0]))
            if not target_problem:
                added[target] = found[0]
    return added


def _output_schema(problems: Violations, requested: list[dict[str, Any]], definitions: list[ExtractorDefinition | None], input_schema: dict[str, Any] | None, schema_known: bool) -> dict[str, Any]:
    passed: dict[str, Any] = {}
    for index, (item, definition) in enumerate(zip(requested, definitions, strict=True)):
        if definition is None:
            continue
        passed.update({name: properties_of(input_schema)[name] for name in passed_fields(item, properties_of(input_schema))})
        passed.update(_check_passthrough(problems, f"feature_extractors[{index}]", item, _outputs_of(item, definition), input_schema, schema_known))
    properties = dict(passed)
    written_by: dict[str, int] = {}
    for index, (item, definition) in enumerate(zip(requested, definitions, strict=True)):
        if definition is None:
            continue
        renames = item.get("output_mapping") or {}
        for output, spec in definition.outputs.items():
            target = renames.get(output) or output
            where = f"feature_extractors[{index}].output_mapping" + (f".{output}" if output in renames else "")
            if target in written_by:
                problems.add(where, f"output '{target}' of {definition.id} is also written by feature_extractors[{written_by[target]}]; rename one with output_mapping")
                continue
            source_field = passed.get(target)
            if source_field is not None and source_field.get("type") != spec.get("type"):
                problems.add(where, f"output '{target}' of {definition.id} ({spec.get('type')}) would replace source field '{target}' ({source_field.get('type')}); rename it with output_mapping")
                continue
            written_by[target] = index
            properties[target] = spec
    return {"properties": properties}


def _vector_indexes(problems: Violations, definitions: list[ExtractorDefinition | None]) -> list[dict[str, Any]]:
    indexes: list[dict[str, Any]] = []
    owner: dict[str, int] = {}
    for index, definition in enumerate(definitions):
        if definition is None:
            continue
        for vector in definition.vector_indexes:
            if vector["name"] in owner:
                problems.add(
                    f"feature_extractors[{index}]",
                    f"{definition.id} writes vector '{vector['name']}', which feature_extractors[{owner[vector['name']]}] also writes; a document carries each named vector once",
                )
                continue
            owner[vector["name"]] = index
            indexes.append(vector)
    return indexes


def _payload_indexes(requested: list[dict[str, Any]], definitions: list[ExtractorDefinition | None]) -> list[dict[str, Any]]:
    indexes: dict[str, str] = {p["field_name"]: p["type"] for p in SYSTEM_PAYLOAD_INDEXES}
    for item, definition in zip(requested, definitions, strict=True):
        if definition is None:
            continue
        renames = item.get("output_mapping") or {}
        for payload in definition.payload_indexes:
            indexes.setdefault(renames.get(payload["field_name"]) or payload["field_name"], payload["type"])
    return [{"field_name": name, "type": kind} for name, kind in indexes.items()]


def _normalized_extractor(item: dict[str, Any], definition: ExtractorDefinition) -> dict[str, Any]:
    return {
        "feature_extractor_name": definition.name,
        "version": definition.version,
        "parameters": {**definition.default_parameters, **(item.get("parameters") or {})},
        "input_mapping": item.get("input_mapping") or {},
        "output_mapping": item.get("output_mapping") or {},
        "document_output_type": item.get("document_output_type") or definition.data.get("document_output_type") or "single",
        "document_input_handling": item.get("document_input_handling") or definition.data.get("document_input_handling") or "individual",
        "document_output_handling": item.get("document_output_handling") or definition.data.get("document_output_handling") or "create_new",
        "field_passthrough": [
            {**rule, "target_path": passthrough_target(rule), "required": bool(rule.get("required"))} for rule in item.get("field_passthrough") or []
        ],
        "include_all_source_fields": includes_all_fields(item),
    }


def source_fields(source_type: str, input_schema: dict[str, Any] | None) -> filters.Fields:
    """What the source filters may name: object fields for a bucket (matched in MongoDB), document
    fields for a collection (matched in Qdrant)."""
    return ObjectFields(input_schema) if source_type == "bucket" else DocumentFields(input_schema)


def plan(
    draft: Draft,
    request: dict[str, Any],
    source: dict[str, Any] | None,
    *,
    collection_id: str,
    namespace_id: str,
    now: str,
    more_sources: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The collection to store (public fields; the caller adds the internal ones), or
    InvalidArgument listing every problem of the request (step 1's included). `more_sources` are
    the buckets after the first of `source.bucket_ids`."""
    problems = draft.problems
    source_type = draft.source_type or "bucket"
    if draft.source_ident is not None and source is None:
        path = "source.bucket_id" if source_type == "bucket" else "source.collection_id"
        problems.add(path, missing_source_message(draft))
    if source is not None:
        for index, other in enumerate(more_sources, 1):
            difference = schema_difference(source.get("bucket_schema"), other.get("bucket_schema"))
            if difference:
                problems.add(f"source.bucket_ids[{index}]", f"bucket '{other['bucket_name']}' cannot feed the collection with bucket '{source['bucket_name']}': {difference}")
    input_schema = _choose_input_schema(problems, request, source_type, source)
    raw_source = request.get("source") or {}
    if raw_source.get("filters"):
        fields = source_fields(source_type, input_schema)
        filters.parse(raw_source["filters"], fields, "source.filters", problems)
    requested = request.get("feature_extractors") or []
    schema_known = source is not None or bool(properties_of(request.get("input_schema")))
    for index, (item, definition) in enumerate(zip(requested, draft.definitions, strict=True)):
        if definition is not None:
            _check_mappings(problems, f"feature_extractors[{index}]", item, definition, input_schema, schema_known)
    output_schema = _output_schema(problems, requested, draft.definitions, input_schema, schema_known)
    vector_indexes = _vector_indexes(problems, draft.definitions)
    extractors = [_normalized_extractor(item, d) for item, d in zip(requested, draft.definitions, strict=True) if d is not None]
    produces_many = any(e["document_output_type"] == "multiple" for e in extractors)
    handling = dict(request.get("document_handling") or {})
    if handling.get("output_type") == "single" and produces_many:
        problems.add("document_handling.output_type", "is single, but an extractor emits multiple documents per input (document_output_type multiple)")
    handling.setdefault("output_type", "multiple" if produces_many else "single")
    cache_config = check_cache_config(Violations(), request.get("cache_config"))  # checked in step 1
    problems.raise_if_any()
    assert source is not None  # a missing or unusable source is a problem raised just above

    stored_source = {"type": source_type, **{k: v for k, v in raw_source.items() if k not in ("type", "bucket_id", "bucket_ids", "collection_id")}}
    if source_type == "bucket":
        stored_source["bucket_id"] = source["_id"]
        if more_sources:
            stored_source["bucket_ids"] = [source["_id"], *(other["_id"] for other in more_sources)]
    else:
        stored_source["collection_id"] = source["_id"]
    tier = {
        "source_type": source_type,
        "collection_id": collection_id,
        ("bucket_config" if source_type == "bucket" else "collection_config"): stored_source,
        "feature_extractors": extractors,
        "output_schema": output_schema,
    }
    if source_type == "bucket":
        tier["bucket_id"] = source["_id"]
        lineage = [tier]
    else:
        lineage = [*(source.get("source_lineage") or []), tier]
    return {
        "collection_id": collection_id,
        "collection_name": request["collection_name"],
        "description": request.get("description", ""),
        "namespace_id": namespace_id,
        "source": stored_source,
        "input_schema": input_schema or {"properties": {}},
        "output_schema": output_schema,
        "feature_extractors": extractors,
        "source_lineage": lineage,
        "vector_indexes": vector_indexes,
        "payload_indexes": _payload_indexes(requested, draft.definitions),
        "enabled": request.get("enabled", True),
        "metadata": request.get("metadata") or {},
        "status": "PENDING",
        "taxonomy_applications": request.get("taxonomy_applications") or [],
        "cache_config": cache_config,
        "document_handling": handling,
        "created_at": now,
        "updated_at": now,
    }


def clone_request(collection: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """The create request of a copy of a stored collection, with the clone request's fields replacing
    the copied ones (empty lists copy; a new source brings its own input schema)."""
    created = {
        "collection_name": request.get("collection_name", ""),
        "description": request.get("description", collection.get("description", "")),
        "source": request.get("source") or collection["source"],
        "feature_extractors": request.get("feature_extractors") or collection["feature_extractors"],
        "taxonomy_applications": request.get("taxonomy_applications") or collection.get("taxonomy_applications") or [],
        "enabled": request.get("enabled", collection.get("enabled", True)),
        "metadata": request.get("metadata", collection.get("metadata") or {}),
        "document_handling": collection.get("document_handling") or {},
        "cache_config": collection.get("cache_config") or {},
    }
    if not request.get("source") and collection.get("input_schema"):
        created["input_schema"] = collection["input_schema"]
    return created


def derived_collections(collection_id: str, collections: list[dict[str, Any]]) -> list[str]:
    """The collections whose documents all derive from `collection_id`'s: those that read it, those
    that read them, and so on (in breadth-first order, each once)."""
    readers: dict[str, list[str]] = {}
    for item in collections:
        source = item.get("source") or {}
        if source.get("type") == "collection" and source.get("collection_id"):
            readers.setdefault(source["collection_id"], []).append(item["_id"])
    found: list[str] = []
    queue = [collection_id]
    while queue:
        for reader in readers.get(queue.pop(0), []):
            if reader not in found and reader != collection_id:
                found.append(reader)
                queue.append(reader)
    return found


def required_vectors(collection_plan: dict[str, Any]) -> list[VectorSpec]:
    return [VectorSpec.from_index(v) for v in collection_plan["vector_indexes"]]


def missing_vectors(required: list[VectorSpec], actual: dict[str, VectorSpec]) -> tuple[list[str], list[str]]:
    """The required vectors the store lacks, and those it has with another definition."""
    missing = [spec.name for spec in required if spec.name not in actual]
    changed = [spec.name for spec in required if spec.name in actual and not same_definition(actual[spec.name], spec)]
    return missing, changed


def extractor_ids(collection: dict[str, Any]) -> list[str]:
    return enabled_ids(collection.get("feature_extractors", []))


# ------------------------------------------------------------------------------------------------
# Updates


def update_changes(request: dict[str, Any], collection: dict[str, Any]) -> dict[str, Any]:
    """The fields an update changes (its mask, or else the fields it sets), checked. Anything
    outside UPDATABLE_FIELDS is rejected by name."""
    problems = Violations()
    paths = fields_to_update(problems, request, UPDATABLE_FIELDS)
    changes: dict[str, Any] = {}
    for path in paths:
        if path == "collection_name":
            check_name(problems, "collection_name", request.get("collection_name"))
            changes["collection_name"] = request.get("collection_name")
        elif path == "description":
            changes["description"] = request.get("description", "")
        elif path == "enabled":
            changes["enabled"] = bool(request.get("enabled", False))
        elif path == "metadata":
            changes["metadata"] = request.get("metadata") or {}
        elif path == "taxonomy_applications":
            _check_taxonomies(problems, request.get("taxonomy_applications") or [])
            changes["taxonomy_applications"] = request.get("taxonomy_applications") or []
    problems.raise_if_any()
    return changes


def check_enable(collection: dict[str, Any], changes: dict[str, Any]) -> None:
    """A FAILED collection (e.g. its source was deleted) cannot be re-enabled."""
    if changes.get("enabled") and collection.get("status") == "FAILED":
        raise FailedPrecondition(
            f"Collection '{collection['collection_name']}' has FAILED ({collection.get('status_message') or 'no reason recorded'}); "
            "it cannot be enabled again. Create a new collection instead.",
            reason="COLLECTION_FAILED",
        )
