"""Namespace rules: names, enabled extractors (must be in the catalogue, parameters must fit, their
vectors must not conflict), payload indexes, and which fields an update may change."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from server.domain.documents import SYSTEM_FIELDS
from server.domain.errors import FieldViolation, InvalidArgument, Violations
from server.domain.extractors import (
    Catalogue,
    ExtractorDefinition,
    check_extractor_list,
    enabled_ids,
    extractor_id,
)
from server.domain.filters import StaticFields, simple_field
from server.domain.names import check_name
from server.domain.updates import fields_to_update
from server.domain.vectors import VectorConflict, VectorSpec, merge_vectors

# Indexed in every namespace's vector store: what documents are filtered by most.
SYSTEM_PAYLOAD_INDEXES = [
    {"field_name": name, "type": "keyword"}
    for name in SYSTEM_FIELDS
]
# What ListNamespaces filters may name.
NAMESPACE_FIELDS = StaticFields(
    "a namespace",
    {
        "namespace_id": simple_field("namespace_id", "string", mongo="_id"),
        "namespace_name": simple_field("namespace_name", "string"),
        "description": simple_field("description", "string"),
        "feature_extractors.feature_extractor_name": simple_field("feature_extractors.feature_extractor_name", "string", through="feature_extractors"),
        "feature_extractors.version": simple_field("feature_extractors.version", "string", through="feature_extractors"),
        "payload_indexes.field_name": simple_field("payload_indexes.field_name", "string", through="payload_indexes"),
        "created_at": simple_field("created_at", "datetime", time="_created_ms"),
        "updated_at": simple_field("updated_at", "datetime", time="_updated_ms"),
    },
)
UPDATABLE_FIELDS = ("namespace_name", "description", "feature_extractors", "payload_indexes")
_FIELD_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def check_extractors(problems: Violations, catalogue: Catalogue, enabled: list[dict[str, Any]]) -> list[ExtractorDefinition]:
    """Checks the enabled-extractor list; returns the definitions of the valid entries."""
    return [d for d in check_extractor_list(problems, catalogue, enabled, params_key="params") if d is not None]


def desired_vectors(definitions: list[ExtractorDefinition]) -> dict[str, VectorSpec]:
    """The union of the extractors' vectors; InvalidArgument naming both extractors on a conflict."""
    try:
        return merge_vectors([(d.id, spec) for d in definitions for spec in d.vectors])
    except VectorConflict as conflict:
        raise InvalidArgument([FieldViolation("feature_extractors", str(conflict))], reason="VECTOR_CONFLICT") from None


def vector_indexes(definitions: list[ExtractorDefinition]) -> list[dict[str, Any]]:
    """The vector index definitions the extractors declare, each vector once."""
    out: dict[str, dict[str, Any]] = {}
    for definition in definitions:
        for index in definition.vector_indexes:
            out.setdefault(index["name"], index)
    return list(out.values())


def check_payload_indexes(problems: Violations, indexes: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for index, item in enumerate(indexes):
        where = f"payload_indexes[{index}]"
        field = item.get("field_name", "")
        if not _FIELD_PATH.match(field):
            problems.add(f"{where}.field_name", "must be a field path such as 'metadata.category'")
        elif field in seen:
            problems.add(f"{where}.field_name", f"'{field}' is indexed twice")
        seen.add(field)
        if not item.get("type"):
            problems.add(f"{where}.type", "is required")


def all_payload_indexes(namespace: dict[str, Any], definitions: list[ExtractorDefinition]) -> list[tuple[str, str]]:
    """System, extractor-required and namespace payload indexes, as (field, type), each field once."""
    indexes: dict[str, str] = {}
    for item in [*SYSTEM_PAYLOAD_INDEXES, *(p for d in definitions for p in d.payload_indexes), *namespace.get("payload_indexes", [])]:
        indexes.setdefault(item["field_name"], item["type"])
    return list(indexes.items())


def stored_extractors(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Enabled-extractor references as stored: without the output-only `feature_extractor_id` a
    client may echo back (it is derived from name and version when presented)."""
    return [{k: v for k, v in item.items() if k != "feature_extractor_id"} for item in items]


def presented_extractors(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored enabled-extractor references with their `feature_extractor_id` (Mixpeek's answers carry it)."""
    return [{**item, "feature_extractor_id": extractor_id(item["feature_extractor_name"], item["version"])} for item in items]


def check_new_namespace(request: dict[str, Any], catalogue: Catalogue) -> list[ExtractorDefinition]:
    problems = Violations()
    check_name(problems, "namespace_name", request.get("namespace_name"))
    if request.get("mode") == "standalone":
        problems.add("mode", "standalone (bring-your-own vectors) namespaces are not supported: vecplane's vectors come from the namespace's feature extractors; use 'managed'")
    definitions = check_extractors(problems, catalogue, request.get("feature_extractors") or [])
    check_payload_indexes(problems, request.get("payload_indexes") or [])
    problems.raise_if_any()
    desired_vectors(definitions)
    return definitions


def enabled_definitions(catalogue: Catalogue, enabled: list[dict[str, Any]]) -> tuple[list[ExtractorDefinition], list[str]]:
    """The catalogue entries of a namespace's enabled extractors, and the ids of those not in it."""
    found, missing = [], []
    for item in enabled:
        definition = catalogue.get(item["feature_extractor_name"], item["version"])
        if definition is None:
            missing.append(extractor_id(item["feature_extractor_name"], item["version"]))
        else:
            found.append(definition)
    return found, missing


@dataclass(frozen=True)
class NamespaceUpdate:
    """A checked UpdateNamespace: the fields to set, the extractors enabled afterwards, and the ids
    of those it disables (which no collection may still use)."""

    changes: dict[str, Any]
    definitions: list[ExtractorDefinition]
    disabled: list[str]


def appended_extractors(enabled: list[dict[str, Any]], added: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The enabled extractors followed by the added ones not enabled yet (Mixpeek's PATCH appends:
    an extractor already enabled keeps its params)."""
    have = set(enabled_ids(enabled))
    return [*enabled, *(item for item in added if extractor_id(item["feature_extractor_name"], item["version"]) not in have)]


def update_changes(request: dict[str, Any], namespace: dict[str, Any], catalogue: Catalogue, *, append_extractors: bool = False) -> NamespaceUpdate:
    """The fields an update changes (its mask, or else the fields it sets), checked with every
    problem at once; anything outside UPDATABLE_FIELDS is rejected by name. With
    `append_extractors` (PatchNamespace) the request's extractors are enabled besides the current
    ones instead of replacing them."""
    problems = Violations()
    paths = fields_to_update(problems, request, UPDATABLE_FIELDS)
    changes: dict[str, Any] = {}
    definitions, _missing = enabled_definitions(catalogue, namespace.get("feature_extractors", []))
    disabled: list[str] = []
    for path in paths:
        if path == "namespace_name":
            check_name(problems, "namespace_name", request.get("namespace_name"))
            changes["namespace_name"] = request.get("namespace_name")
        elif path == "description":
            changes["description"] = request.get("description", "")
        elif path == "feature_extractors" and append_extractors:
            added = stored_extractors(request.get("feature_extractors") or [])
            if added and len(check_extractors(problems, catalogue, added)) == len(added):  # else refused below
                changes["feature_extractors"] = appended_extractors(namespace.get("feature_extractors", []), added)
                definitions = enabled_definitions(catalogue, changes["feature_extractors"])[0]
        elif path == "feature_extractors":
            changes["feature_extractors"] = stored_extractors(request.get("feature_extractors") or [])
            definitions = check_extractors(problems, catalogue, changes["feature_extractors"])
            after = set(enabled_ids([e for e in changes["feature_extractors"] if e.get("feature_extractor_name") and e.get("version")]))
            disabled = sorted(set(enabled_ids(namespace.get("feature_extractors", []))) - after)
        elif path == "payload_indexes":
            changes["payload_indexes"] = request.get("payload_indexes") or []
            check_payload_indexes(problems, changes["payload_indexes"])
    problems.raise_if_any()
    desired_vectors(definitions)
    return NamespaceUpdate(changes, definitions, disabled)
