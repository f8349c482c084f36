"""Validating a document against its collection's output schema, and a stored document's
diagnostics, over gRPC and REST."""

from __future__ import annotations

from typing import Any

import grpc
from google.protobuf import json_format
from vecplane.v1 import document_pb2 as pb

from server.domain import documents as d
from server.protojson import dict_to_message
from server.usecases.documents import Made
from tests.conftest import new_org_api
from tests.integration.test_documents_api import Setup, _made, _write, setup  # noqa: F401 (fixture)
from tests.support import resources as r
from tests.support.api import Api, expect_error
from tests.support.rest import Rest, envelope
from tests.support.servers import InProcessServer


def _validate(s: Setup, document: dict[str, Any]) -> dict[str, Any]:
    answer = s.api.call(s.api.documents.ValidateDocumentSchema, dict_to_message({"collection_id": s.collection_id, "document": document}, pb.ValidateDocumentSchemaRequest))
    return json_format.MessageToDict(answer, preserving_proto_field_name=True, always_print_fields_with_no_presence=True)


def _diagnose(s: Setup, document_id: str) -> dict[str, Any]:
    answer = s.api.call(s.api.documents.GetDocumentDiagnostics, pb.GetDocumentDiagnosticsRequest(collection_id=s.collection_id, document_id=document_id))
    return json_format.MessageToDict(answer, preserving_proto_field_name=True, always_print_fields_with_no_presence=True)


def test_validate_names_every_problem_and_writes_nothing(setup: Setup) -> None:
    s = setup
    ok = _validate(s, {"image": "https://img.example/boots.png", "metadata": {"title": "Boots", "price": 12.5, "tags": ["a"]}})
    assert ok == {"collection_id": s.collection_id, "valid": True, "errors": [], "warnings": []}, ok
    bad = _validate(s, {"metadata": {"title": 5, "price": "cheap", "tags": ["a", 3], "colour": "red"}, "collection_id": "col_x", "_secret": 1, "extra": True})
    assert bad["valid"] is False
    errors = {e["field"]: e["message"] for e in bad["errors"]}
    assert {"image", "metadata.title", "metadata.price", "metadata.tags[1]", "collection_id", "_secret"} <= set(errors), errors
    assert errors["image"] == "is required"
    assert "must be a string" in errors["metadata.title"] and "reserved" in errors["collection_id"]
    assert {w["field"] for w in bad["warnings"]} == {"metadata.colour", "extra"}
    listed = s.api.call(s.api.documents.CountDocuments, pb.CountDocumentsRequest(collection_id=s.collection_id))
    assert listed.count == 30  # nothing written


def test_diagnostics_of_a_document(setup: Setup, server: InProcessServer) -> None:
    s = setup
    doc = s.docs[4]
    found = _diagnose(s, doc.document_id)
    assert (found["document_id"], found["collection_id"], found["source_object_id"]) == (doc.document_id, s.collection_id, "obj_0000000004")
    assert found["visibility_reason"]["searchable"] is True and found["missing_vectors"] == []
    assert found["vectors"] == {s.vector: len(doc.vectors[s.vector])}
    assert found["lineage"]["path"] == f"{s.bucket_id}/{s.collection_id}"
    assert [e["source"] for e in found["diagnostic_history"]["entries"]] == ["_internal.created_at", "lineage.chain"]
    assert found["diagnostic_history"]["entries"][1]["detail"]["feature_extractor_id"] == "text_extractor_v1"
    assert found["source_object"] == {"object_id": "obj_0000000004", "bucket_id": s.bucket_id, "exists": False}  # written directly: no such object
    assert "per task" in found["recent_failures"]["reason"]

    # a document without its vector is not searchable, and says which it lacks
    base = d.Lineage.of_object(s.bucket_id, "obj_novector")
    bare = d.make_documents(namespace_id=s.namespace_id, collection_id=s.collection_id, feature_extractor_id="text_extractor_v1", base=base, outputs=[d.Output(0, {"text": "bare"})], now="2026-12-01T00:00:00Z")
    _write(server, s.namespace_id, s.collection_id, [Made(base.source, bare)])
    lacking = _diagnose(s, bare[0].document_id)
    assert lacking["visibility_reason"]["searchable"] is False and lacking["missing_vectors"] == [s.vector]
    assert s.vector in lacking["visibility_reason"]["reason"]

    error = expect_error(_diagnose, s, "doc_" + "0" * 32)
    assert (error.code, error.reason) == (grpc.StatusCode.NOT_FOUND, "DOCUMENT_NOT_FOUND")


def test_rest_paths_and_tenancy(setup: Setup, root: Api, base_url: str) -> None:
    s = setup
    base = f"/v1/collections/{s.collection_id}/documents"
    valid = s.rest.post(f"{base}/schema/validate", json={"image": "https://img.example/x.png", "metadata": {"title": "x", "price": "no"}})
    assert valid.status_code == 200, valid.text
    assert valid.json()["valid"] is False and valid.json()["errors"][0]["field"] == "metadata.price"
    diag = s.rest.get(f"{base}/{s.docs[0].document_id}/diagnostics")
    assert diag.status_code == 200 and diag.json()["visibility_reason"]["searchable"] is True
    envelope(s.rest.get(f"{base}/doc_{'1' * 32}/diagnostics"), 404, "NotFoundError")

    other = new_org_api(root)
    r.namespace(other, extractors=[r.TEXT], name=r.unique("other"))
    stranger = Rest(base_url, other.key, s.namespace_id)
    envelope(stranger.get(f"{base}/{s.docs[0].document_id}/diagnostics"), 404, "NotFoundError")
    envelope(stranger.post(f"{base}/schema/validate", json={"metadata": {"title": "x"}}), 404, "NotFoundError")
