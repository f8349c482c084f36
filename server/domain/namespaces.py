"""Namespace rules: names, enabled extractors (must be in the catalogue, parameters must fit, their
vectors must not conflict), payload indexes, and which fields an update may change."""

from __future__ import annotations

import re
from typing import Any

from server.domain.errors import FieldViolation, InvalidArgument, Violations
from server.domain.extractors import Catalogue, ExtractorDefinition
from server.domain.filters import StaticFields, simple_field
from server.domain.names import check_name
from server.domain.schema import check_object
from server.domain.updates import fields_to_update
from server.domain.vectors import VectorConflict, VectorSpec, merge_vectors

# Indexed in every namespace's vector store: what documents are filtered by most.
SYSTEM_PAYLOAD_INDEXES = [
    {"field_name": name, "type": "keyword"}
    for name in ("namespace_id", "collection_id", "document_id", "source_object_id", "source_document_id")
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
    if not enabled:
        problems.add("feature_extractors", "at least one feature extractor is required")
        return []
    found: list[ExtractorDefinition] = []
    seen: set[str] = set()
    for index, item in enumerate(enabled):
        where = f"feature_extractors[{index}]"
        name, version = item.get("feature_extractor_name"), item.get("version")
        if not name:
            problems.add(f"{where}.feature_extractor_name", "is required")
        if not version:
            problems.add(f"{where}.version", "is required")
        if not name or not version:
            continue
        definition = catalogue.get(name, version)
        if definition is None:
            known = ", ".join(d.id for d in catalogue.all())
            problems.add(
                f"{where}.feature_extractor_name",
                f"feature extractor '{name}' version '{version}' is not in the catalogue (known: {known})",
            )
            continue
        if definition.id in seen:
            problems.add(where, f"feature extractor '{definition.id}' is listed twice")
            continue
        seen.add(definition.id)
        check_parameters(problems, f"{where}.params", item.get("params") or {}, definition)
        found.append(definition)
    return found


def check_parameters(problems: Violations, path: str, params: dict[str, Any], definition: ExtractorDefinition) -> None:
    check_object(problems, path, params, definition.parameters, allow_unknown=False)


def desired_vectors(definitions: list[ExtractorDefinition]) -> dict[str, VectorSpec]:
    """The union of the extractors' vectors; InvalidArgument naming both extractors on a conflict."""
    try:
        return merge_vectors([(d.id, spec) for d in definitions for spec in d.vectors])
    except VectorConflict as conflict:
        raise InvalidArgument([FieldViolation("feature_extractors", str(conflict))], reason="VECTOR_CONFLICT")


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


def check_new_namespace(request: dict[str, Any], catalogue: Catalogue) -> list[ExtractorDefinition]:
    problems = Violations()
    check_name(problems, "namespace_name", request.get("namespace_name"))
    definitions = check_extractors(problems, catalogue, request.get("feature_extractors") or [])
    check_payload_indexes(problems, request.get("payload_indexes") or [])
    problems.raise_if_any()
    desired_vectors(definitions)
    return definitions


def update_fields(request: dict[str, Any]) -> list[str]:
    """The fields an update changes (see server.domain.updates); rejects anything else."""
    problems = Violations()
    paths = fields_to_update(problems, request, UPDATABLE_FIELDS)
    problems.raise_if_any()
    return paths
