"""A document checked against its collection (Mixpeek's `/documents/schema/validate`: a dry run)
and what vecplane knows about a stored document (`/documents/{id}/diagnostics`). No I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from server.domain.documents import Document, check_field_names, user_fields
from server.domain.errors import Violations
from server.domain.schema import Schema, check_fields
from server.domain.vectors import VectorSpec

FAILURES_REASON = (
    "vecplane records processing failures per task (GET /v1/tasks/{task_id}: each tier's failed sources) "
    "and per batch, not per object; a document exists only for a source that was processed"
)


def _issues(problems: Violations) -> list[dict[str, str]]:
    return [{"field": v.field.lstrip("."), "message": v.description} for v in problems.items]


def _undeclared(schema: Schema, value: Mapping[str, Any], prefix: str = "") -> list[str]:
    """The paths of `value` the schema does not declare (nested objects of declared objects too)."""
    found = []
    for name, given in value.items():
        path = f"{prefix}{name}"
        spec = schema.field_at(path)
        if spec is None:
            found.append(path)
        elif spec[0].type == "object" and spec[0].properties and isinstance(given, Mapping):
            found += _undeclared(schema, given, f"{path}.")
    return found


def validate(document: Mapping[str, Any], output_schema: Any) -> dict[str, Any]:
    """The errors (reserved names, values that do not fit their declaration, missing required
    fields) and warnings (fields the schema does not declare, when it declares any) of a document's
    fields against the collection's output schema."""
    errors = Violations()
    check_field_names(errors, "", document)
    schema = Schema.from_json(output_schema)
    check_fields(errors, "", document, schema.properties)
    warnings = Violations()
    if schema.properties:
        for path in _undeclared(schema, user_fields(document)):
            warnings.add(path, f"is not declared in the collection's output schema (fields: {', '.join(sorted(schema.properties))}); filters and sorts cannot name it")
    return {"valid": not errors, "errors": _issues(errors), "warnings": _issues(warnings)}


def _dimensions(value: Any) -> int:
    """A stored vector's dimensions: its length, of its first row for a multivector, 0 if sparse."""
    if isinstance(value, list) and value:
        return len(value[0]) if isinstance(value[0], list) else len(value)
    return 0


def diagnose(doc: Document, required: Sequence[VectorSpec], source_exists: bool | None) -> dict[str, Any]:
    """What vecplane knows about a stored document (`doc` read with its vectors): its vectors
    against the collection's vector indexes, its lineage and history, whether its source object
    still exists (`source_exists`, None when the document has no object at its root)."""
    missing = [spec.name for spec in required if spec.name not in doc.vectors]
    if missing:
        reason = f"not searchable by the vector indexes it lacks: {', '.join(missing)} (process its source again to write them)"
    elif required:
        reason = f"searchable: it holds every vector of the collection ({', '.join(spec.name for spec in required)})"
    else:
        reason = "the collection has no vector indexes: found by filters only"
    lineage = doc.lineage
    entries: list[dict[str, Any]] = [{"source": "_internal.created_at", "timestamp": doc.created_at, "detail": {"created_at": doc.created_at}}]
    entries += [{"source": "lineage.chain", "timestamp": link.timestamp, "detail": link.to_json()} for link in lineage.chain]
    if doc.updated_at and doc.updated_at != doc.created_at:
        entries.append({"source": "_internal.updated_at", "timestamp": doc.updated_at, "detail": {"updated_at": doc.updated_at}})
    out: dict[str, Any] = {
        "document_id": doc.document_id,
        "collection_id": doc.collection_id,
        "visibility_reason": {"searchable": not missing, "reason": reason},
        "recent_failures": {"reason": FAILURES_REASON},
        "diagnostic_history": {"entries": sorted(entries, key=lambda e: e["timestamp"])},
        "vectors": {name: _dimensions(value) for name, value in doc.vectors.items()},
        "missing_vectors": missing,
        "lineage": lineage.to_json(),
    }
    if lineage.source_object_id is not None:
        out["source_object_id"] = out["visibility_reason"]["source_object_id"] = lineage.source_object_id
    if source_exists is not None:
        out["source_object"] = {"object_id": lineage.root_object_id, "bucket_id": lineage.root_bucket_id, "exists": source_exists}
    return out
