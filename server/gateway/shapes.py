"""Mixpeek's current collection JSON beside the seed's: the one place the REST gateway translates
between them (issue 14).

The protos speak the seed's (mid-2025) shapes, which gRPC keeps: a list `feature_extractors` with
`input_mapping`, `source.bucket_id`, `source.filters`, lineage entries with `bucket_config` /
`collection_config`. Today's SDK (`mixpeek` on PyPI) sends and expects the current ones: one
`feature_extractor` with `input_mappings`, `source.bucket_ids[]`, `source.source_filters.filters`,
lineage entries `{source_config, feature_extractor, output_schema}`.

- `accept`: a request body in either shape (or a mix) becomes the seed's before it is decoded;
  what the current shape can say and vecplane cannot do (several source buckets, schedules, ...) is refused by name. Fields the seed shape does not have keep the client's
  name in errors found later (`restate`).
- `present`: answers keep every seed key and gain the current ones, so they parse as the seed's
  and as the SDK's models (which ignore keys they do not know).
- `document`: the OpenAPI schemas of those messages list the current keys too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import descriptor

from server.domain.collections import MAX_SOURCE_BUCKETS
from server.domain.extractors import extractor_id
from server.gateway.errors import HttpError, validation_error
from server.protojson import DecodeIssue, field_json_name

_FD = descriptor.FieldDescriptor
_PKG = "vecplane.v1."
Location = tuple[str | int, ...]

# Keys of the current create body (and of clone overrides) with no counterpart here, and why.
_UNSUPPORTED_CREATE = {
    "features": "feature keys are not supported: name the extractor in feature_extractor",
    "schedule": "scheduled re-processing is not supported: trigger the collection (POST /v1/collections/{id}/trigger)",
    "cluster_applications": "clusters are not supported",
    "alert_applications": "alerts are not supported",
    "retriever_enrichments": "retriever enrichments are not supported",
    "retriever_transform": "transform collections are not supported: a collection applies a feature extractor",
    "embedding_task": "is not supported: the extractor's model embeds documents as it is configured",
}
_UNSUPPORTED_SOURCE = {
    "source_namespace_id": "sources in other namespaces are not supported: create the collection in the source's namespace",
    "field_map": "per-source field maps are not supported: the buckets of a collection have compatible schemas (narrow its fields with feature_extractor.field_passthrough)",
}
# Update keys of the current API naming what is set when a collection is created.
_FIXED_ON_UPDATE = ("feature_extractor", "features", "retriever_transform")
CANNOT_CHANGE = "cannot be changed (it is set when the collection is created)"


@dataclass
class Accepted:
    """A request body in the seed's shape, the problems found translating it, and the renames that
    point errors found later at the keys the client sent: (seed path, client path)."""

    body: Any
    issues: list[DecodeIssue] = field(default_factory=list)
    renames: list[tuple[str, str]] = field(default_factory=list)


class _Translation:
    def __init__(self) -> None:
        self.issues: list[DecodeIssue] = []
        self.renames: list[tuple[str, str]] = []

    def refuse(self, where: Location, message: str) -> None:
        self.issues.append(DecodeIssue(("body", *where), message, "value_error"))

    def rename(self, seed: str, client: str) -> None:
        if seed != client:
            self.renames.append((seed, client))


def _path(where: Location) -> str:
    out = ""
    for part in where:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


# ------------------------------------------------------------------------------------------------
# Requests: current -> seed


def _input_mappings(t: _Translation, value: Any, where: Location) -> dict[str, Any] | None:
    """`input_mappings` (input -> source path, or a list of one path; or InputMapping objects) as the
    seed's `input_mapping` (input -> source path). None when it cannot be read."""
    mapping: dict[str, Any] = {}
    if isinstance(value, dict):
        for name, path in value.items():
            if isinstance(path, list):
                if len(path) != 1:
                    t.refuse((*where, name), "map each extractor input to one source field")
                    continue
                path = path[0]
            mapping[name] = path  # its type is checked as the seed's
        return mapping
    if isinstance(value, list):
        for index, item in enumerate(value):
            at = (*where, index)
            if not isinstance(item, dict) or not isinstance(item.get("input_key"), str):
                t.refuse(at, "must be an object with input_key and path")
                continue
            kind = item.get("source_type") or "payload"
            if kind not in ("payload", "blob") or item.get("override") is not None:
                t.refuse((*at, "source_type"), f"{kind!r} inputs are not supported: map the input to a source field (source_type payload or blob, with path)")
            elif not item.get("path"):
                t.refuse((*at, "path"), "is required: the source field the input reads")
            else:
                mapping[item["input_key"]] = item["path"]
        return mapping
    t.refuse(where, "must be an object (extractor input -> source field) or a list of input mappings")
    return None


def _extractor(t: _Translation, item: Any, where: Location, seed_where: str) -> Any:
    """One current FeatureExtractorConfig (or a seed FeatureExtractor) as the seed's."""
    t.rename(seed_where, _path(where))
    if not isinstance(item, dict):
        return item  # the decoder names the wrong type
    out = {k: v for k, v in item.items() if k not in ("input_mappings", "feature_extractor_id", "params")}
    if "input_mappings" in item and item["input_mappings"] is not None:
        if item.get("input_mapping"):
            t.refuse((*where, "input_mappings"), "send input_mappings or input_mapping, not both")
        mapping = _input_mappings(t, item["input_mappings"], (*where, "input_mappings"))
        if mapping is not None:
            out["input_mapping"] = mapping
            t.rename(f"{seed_where}.input_mapping", _path((*where, "input_mappings")))
    if item.get("params"):
        t.refuse((*where, "params"), "index parameters are set where the namespace enables the extractor (feature_extractors[].params); use parameters here")
    parameters = item.get("parameters")
    if isinstance(parameters, dict) and "extractor_type" in parameters:
        # Mixpeek's typed parameters carry their model's name; the extractor is named already.
        out["parameters"] = {k: v for k, v in parameters.items() if k != "extractor_type"}
    return out


def _source(t: _Translation, source: Any, where: Location) -> Any:
    """A current SourceConfig (or a seed one) as the seed's."""
    if not isinstance(source, dict):
        return source
    out = {k: v for k, v in source.items() if k not in ("bucket_ids", "collection_ids", "inherited_bucket_ids", "source_filters", *_UNSUPPORTED_SOURCE)}
    for key, reason in _UNSUPPORTED_SOURCE.items():
        if source.get(key):
            t.refuse((*where, key), reason)
    for plural, singular in (("bucket_ids", "bucket_id"), ("collection_ids", "collection_id")):
        ids = source.get(plural)
        if ids is None:
            continue
        at = (*where, plural)
        if not isinstance(ids, list) or not ids:
            t.refuse(at, "must be a list of IDs or names" if plural == "bucket_ids" else "must be a list of one ID or name")
        elif len(ids) > 1 and plural == "bucket_ids":
            out[plural] = ids  # several buckets: the collection's own rule (server.domain.collections)
        elif len(ids) > 1:
            t.refuse(at, f"a collection reads one collection here; got {len(ids)}")
        elif source.get(singular) and source[singular] != ids[0]:
            t.refuse(at, f"names another source than {singular}; send one of them")
        else:
            out[singular] = ids[0]
            t.rename(_path((*where, singular)), _path((*at, 0)))
    filters = source.get("source_filters")
    if filters is not None:
        at = (*where, "source_filters")
        if not isinstance(filters, dict) or set(filters) - {"filters"}:
            t.refuse(at, "must be an object {filters: {...}}")
        elif source.get("filters"):
            t.refuse(at, "send source_filters or filters, not both")
        elif filters.get("filters") is not None:
            out["filters"] = filters["filters"]
            t.rename(_path((*where, "filters")), _path((*at, "filters")))
    return out


def _taxonomies(t: _Translation, items: Any, where: Location) -> Any:
    """Current taxonomy applications ({taxonomy_id, execution_mode, target_collection_id, ...}) as
    the seed's ({taxonomy_id, output_collection})."""
    if not isinstance(items, list):
        return items
    out = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            out.append(item)
            continue
        at = (*where, index)
        kept = {k: v for k, v in item.items() if k not in ("execution_mode", "target_collection_id", "execution_phase", "priority", "scroll_filters", "hierarchical_enrichment_style")}
        if item.get("execution_mode") not in (None, "materialize"):
            t.refuse((*at, "execution_mode"), "must be materialize")
        if item.get("target_collection_id") is not None:
            if item.get("output_collection"):
                t.refuse((*at, "target_collection_id"), "send target_collection_id or output_collection, not both")
            kept["output_collection"] = item["target_collection_id"]
            t.rename(_path((*at, "output_collection")), _path((*at, "target_collection_id")))
        for key, default in (("execution_phase", 1), ("priority", 0)):
            if item.get(key) not in (None, default):
                t.refuse((*at, key), f"is not supported (taxonomies run in the order given); leave it {default}")
        for key in ("scroll_filters", "hierarchical_enrichment_style"):
            if item.get(key) is not None:
                t.refuse((*at, key), "is not supported")
        out.append(kept)
    return out


def _create(t: _Translation, body: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in body.items() if k not in ("feature_extractor", *_UNSUPPORTED_CREATE)}
    for key, reason in _UNSUPPORTED_CREATE.items():
        if body.get(key) is not None:
            t.refuse((key,), reason)
    if "source" in body:
        out["source"] = _source(t, body["source"], ("source",))
    if body.get("feature_extractor") is not None:
        if body.get("feature_extractors"):
            t.refuse(("feature_extractor",), "send feature_extractor (one) or feature_extractors (a list), not both")
        else:
            extractor = _extractor(t, body["feature_extractor"], ("feature_extractor",), "feature_extractors[0]")
            if isinstance(extractor, dict):  # Mixpeek's default; the seed's list (no such key) passes every field
                extractor.setdefault("include_all_source_fields", False)
            out["feature_extractors"] = [extractor]
    elif isinstance(body.get("feature_extractors"), list):
        out["feature_extractors"] = [_extractor(t, item, ("feature_extractors", i), f"feature_extractors[{i}]") for i, item in enumerate(body["feature_extractors"])]
    if "taxonomy_applications" in body:
        out["taxonomy_applications"] = _taxonomies(t, body["taxonomy_applications"], ("taxonomy_applications",))
    return out


def _update(t: _Translation, body: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in body.items() if k not in _FIXED_ON_UPDATE}
    for key in _FIXED_ON_UPDATE:
        if key in body:
            t.refuse((key,), CANNOT_CHANGE)
    if "taxonomy_applications" in body:
        out["taxonomy_applications"] = _taxonomies(t, body["taxonomy_applications"], ("taxonomy_applications",))
    return out


def _list(t: _Translation, body: dict[str, Any]) -> dict[str, Any]:
    """The current list body: `include_system` is accepted (vecplane has no system collections, so
    either value lists the same), `sorts` with one entry is `sort`."""
    out = {k: v for k, v in body.items() if k not in ("include_system", "sorts")}
    if body.get("include_system") not in (None, True, False):
        t.refuse(("include_system",), "must be true or false")
    sorts = body.get("sorts")
    if sorts:
        if not isinstance(sorts, list) or len(sorts) > 1:
            t.refuse(("sorts",), "sorts on one field only here: send one entry (or sort)")
        else:
            out["sort"] = sorts[0]
            t.rename("query.sort", "sorts[0]")
    return out


_REQUESTS: dict[str, Callable[[_Translation, dict[str, Any]], dict[str, Any]]] = {
    _PKG + "CreateCollectionRequest": _create,
    _PKG + "CloneCollectionRequest": _create,
    _PKG + "UpdateCollectionRequest": _update,
    _PKG + "ListCollectionsRequest": _list,
}


def accept(request_type: descriptor.Descriptor, body: Any) -> Accepted:
    """The body in the seed's shape, for the request message it decodes into."""
    translate = _REQUESTS.get(request_type.full_name)
    if translate is None or not isinstance(body, dict):
        return Accepted(body)
    t = _Translation()
    translated = translate(t, body)
    return Accepted(translated, t.issues, t.renames)


def restate(text: str, renames: list[tuple[str, str]]) -> str:
    """A field path (or a message naming field paths) with the seed's paths the client did not send
    replaced by the ones it did."""
    for seed, client in sorted(renames, key=lambda r: -len(r[0])):
        text = re.sub(rf"(?:(?<=body\.)|(?<![\w.\]])){re.escape(seed)}(?=[.\[:]|$|\s)", client, text)
    return text


def _restate_location(location: list[Any], renames: list[tuple[str, str]]) -> list[Any]:
    """A 422 location (["body", "source", "bucket_id"]) with the client's keys."""
    if len(location) < 2 or location[0] != "body":
        return location
    dotted = _path(tuple(location[1:]))
    restated = restate(dotted, renames)
    if restated == dotted:
        return location
    parts: list[Any] = ["body"]
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", restated):
        parts.append(int(index) if index else name)
    return parts


def restate_error(error: HttpError, renames: list[tuple[str, str]]) -> HttpError:
    """An error about a translated request, naming the keys the client sent (in place)."""
    if not renames:
        return error
    details = error.details or {}
    if details.get("validation_errors"):  # the gateway's 422: its message is made from the locations
        return validation_error(
            [DecodeIssue(tuple(_restate_location(i["location"], renames)), i["message"], i["type"]) for i in details["validation_errors"]]
        )
    error.message = restate(error.message, renames)
    for item in details.get("field_violations") or []:
        item["field"] = restate(item["field"], renames)
    return error


# ------------------------------------------------------------------------------------------------
# Answers: seed + current


def _present_extractor(data: dict[str, Any]) -> None:
    if data.get("feature_extractor_name") and data.get("version"):
        data["feature_extractor_id"] = extractor_id(data["feature_extractor_name"], data["version"])
    data["input_mappings"] = dict(data.get("input_mapping") or {})
    data.setdefault("field_passthrough", [])
    data.setdefault("include_all_source_fields", not data["field_passthrough"])  # stored before the rule existed


def _present_source(data: dict[str, Any]) -> None:
    data["bucket_ids"] = data.get("bucket_ids") or ([data["bucket_id"]] if data.get("bucket_id") else None)
    data["source_filters"] = {"filters": data["filters"]} if data.get("filters") else None


def _present_lineage_entry(data: dict[str, Any]) -> None:
    data["source_config"] = data.get("bucket_config") or data.get("collection_config")
    data["feature_extractor"] = next(iter(data.get("feature_extractors") or []), None)


def _present_taxonomy(data: dict[str, Any]) -> None:
    data["execution_mode"] = "materialize"
    data["target_collection_id"] = data.get("output_collection") or None


def _present_collection(data: dict[str, Any]) -> None:
    # Mixpeek's collections apply one extractor; a seed collection with several answers with the
    # first here, all of them in feature_extractors.
    data["feature_extractor"] = next(iter(data.get("feature_extractors") or []), None)


_ANSWERS: dict[str, Callable[[dict[str, Any]], None]] = {
    _PKG + "FeatureExtractor": _present_extractor,
    _PKG + "SourceConfig": _present_source,
    _PKG + "SourceLineageEntry": _present_lineage_entry,
    _PKG + "TaxonomyApplication": _present_taxonomy,
    _PKG + "Collection": _present_collection,
}
_REACHES: dict[str, bool] = {}
_CHILDREN: dict[str, list[tuple[str, descriptor.Descriptor]]] = {}


def _reaches(message_type: descriptor.Descriptor) -> bool:
    """Whether answers of this type can hold a message `present` adds keys to."""
    name = message_type.full_name
    if name not in _REACHES:
        seen: set[str] = set()
        stack = [message_type]
        found = False
        while stack and not found:
            current = stack.pop()
            if current.full_name in seen:
                continue
            seen.add(current.full_name)
            found = current.full_name in _ANSWERS
            stack.extend(f.message_type for f in current.fields if f.type == _FD.TYPE_MESSAGE)
        _REACHES[name] = found
    return _REACHES[name]


def _children(message_type: descriptor.Descriptor) -> list[tuple[str, descriptor.Descriptor]]:
    """The (JSON key, type) of the message fields that can hold such a message."""
    name = message_type.full_name
    if name not in _CHILDREN:
        _CHILDREN[name] = [
            (field_json_name(f), f.message_type)
            for f in message_type.fields
            if f.type == _FD.TYPE_MESSAGE and not f.message_type.GetOptions().map_entry and _reaches(f.message_type)
        ]
    return _CHILDREN[name]


def present(data: Any, message_type: descriptor.Descriptor) -> Any:
    """The answer JSON of a message with the current keys added (in place), inner messages first so
    that a copied one carries its own."""
    if not isinstance(data, dict) or not _reaches(message_type):
        return data
    for key, child in _children(message_type):
        value = data.get(key)
        for item in value if isinstance(value, list) else [value]:
            present(item, child)
    hook = _ANSWERS.get(message_type.full_name)
    if hook is not None:
        hook(data)
    return data


# ------------------------------------------------------------------------------------------------
# The OpenAPI document


Ref = Callable[[str], dict[str, Any]]  # message name (in vecplane.v1) -> its schema reference


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _documented_extractor(ref: Ref) -> dict[str, Any]:
    path = {"type": "string"}
    return {
        "feature_extractor_id": {"type": "string", "readOnly": True, "description": "`name_version`: the catalogue entry's id (Mixpeek's current shape)."},
        "input_mappings": {
            "description": "Mixpeek's current name for input_mapping: extractor input -> source field path (or a list of one), or a list of {input_key, source_type payload|blob, path}.",
            "anyOf": [
                {"type": "object", "additionalProperties": {"anyOf": [path, {"type": "array", "items": path, "minItems": 1, "maxItems": 1}]}},
                {"type": "array", "items": {"type": "object", "required": ["input_key"], "properties": {"input_key": path, "source_type": {"enum": ["payload", "blob", None]}, "path": path}}},
            ],
        },
    }


def _documented_source(ref: Ref) -> dict[str, Any]:
    ids = {"type": ["array", "null"], "items": {"type": "string"}, "minItems": 1, "maxItems": 1}
    return {
        "bucket_ids": {
            **ids,
            "maxItems": MAX_SOURCE_BUCKETS,
            "description": "Mixpeek's current form of bucket_id: the source buckets, whose schemas must be compatible (the same fields, types and required flags).",
        },
        "collection_ids": {**ids, "description": "Mixpeek's current form of collection_id (requests): a list of one collection."},
        "source_filters": _nullable({"type": "object", "properties": {"filters": ref("LogicalOperator")}, "additionalProperties": False, "description": "Mixpeek's current form of filters."}),
    }


def _documented_lineage(ref: Ref) -> dict[str, Any]:
    return {
        "source_config": _nullable(ref("SourceConfig")),
        "feature_extractor": _nullable(ref("FeatureExtractor")),
    }


def _documented_taxonomy(ref: Ref) -> dict[str, Any]:
    return {
        "execution_mode": {"enum": ["materialize", None], "description": "Always materialize."},
        "target_collection_id": {"type": ["string", "null"], "description": "Mixpeek's current name for output_collection."},
    }


def _documented_collection(ref: Ref) -> dict[str, Any]:
    return {"feature_extractor": {**_nullable(ref("FeatureExtractor")), "readOnly": True, "description": "The first of feature_extractors (Mixpeek's current shape: one extractor)."}}


def _documented_create(ref: Ref) -> dict[str, Any]:
    return {"feature_extractor": {**ref("FeatureExtractor"), "description": "Mixpeek's current form: one extractor, instead of feature_extractors."}}


_DOCUMENTED: dict[str, Callable[[Ref], dict[str, Any]]] = {
    _PKG + "FeatureExtractor": _documented_extractor,
    _PKG + "SourceConfig": _documented_source,
    _PKG + "SourceLineageEntry": _documented_lineage,
    _PKG + "TaxonomyApplication": _documented_taxonomy,
    _PKG + "Collection": _documented_collection,
    _PKG + "CreateCollectionRequest": _documented_create,
    _PKG + "CloneCollectionRequest": _documented_create,
}
# Request bodies that take the current shape's one extractor instead of the seed's list.
_EITHER_EXTRACTOR = {_PKG + "CreateCollectionRequest"}


def document(message_type: descriptor.Descriptor, properties: dict[str, Any], required: list[str], ref: Ref) -> None:
    """Adds the current keys of a message to its OpenAPI schema's properties (in place); a create
    body then needs feature_extractors or feature_extractor."""
    extra = _DOCUMENTED.get(message_type.full_name)
    if extra is None:
        return
    properties.update(extra(ref))
    if message_type.full_name in _EITHER_EXTRACTOR and "feature_extractors" in required:
        required.remove("feature_extractors")
