"""CreateDocument over gRPC and REST: a document made of fields and precomputed vectors (an import of
exported documents), and the bad input it refuses by name, writing nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import grpc
import pytest
from google.protobuf import json_format
from vecplane.v1 import document_pb2 as pb

from server.protojson import dict_to_message
from tests.conftest import new_org_api
from tests.support import resources as r
from tests.support.api import Api, expect_error
from tests.support.rest import Rest, envelope
from tests.support.servers import InProcessServer


@dataclass
class Setup:
    api: Api
    rest: Rest
    namespace_id: str
    collection_id: str
    vector: str
    dims: int
    uri: str


@pytest.fixture
def setup(api: Api, base_url: str, server: InProcessServer) -> Setup:
    ns = r.namespace(api, extractors=[r.TEXT])
    ns_api = api.in_namespace(ns.namespace_id)
    bucket = r.bucket(ns_api)
    collection = r.collection(ns_api, r.text_collection_body({"type": "bucket", "bucket_id": bucket.bucket_id}))
    (spec,) = server.run(server.app.backends.vectors.vector_schema(ns.namespace_id)).values()
    rest = Rest(base_url, api.key, ns.namespace_id)
    (feature,) = rest.get(f"/v1/collections/{collection.collection_id}/features").json()["features"]
    return Setup(ns_api, rest, ns.namespace_id, collection.collection_id, spec.name, spec.dimensions, feature["feature_uri"])


def _create(s: Setup, document: dict[str, Any], collection_id: str | None = None) -> dict[str, Any]:
    request = dict_to_message({"collection_id": collection_id or s.collection_id, "document": document}, pb.CreateDocumentRequest)
    return json_format.MessageToDict(s.api.call(s.api.documents.CreateDocument, request).document)


def _count(s: Setup) -> int:
    return int(s.rest.get(f"/v1/collections/{s.collection_id}/documents/count").json()["count"])


def test_grpc_create_then_get(setup: Setup) -> None:
    s = setup
    vector = [0.0] * s.dims
    vector[3] = 1.0
    made = _create(s, {"metadata": {"title": "Imported", "metadata.tags": ["a"]}, "vectors": {s.vector: vector}, "root_object_id": "obj_exported01", "root_bucket_id": "bkt_exported01"})
    assert made["document_id"].startswith("doc_") and len(made["document_id"]) == 36
    assert (made["collection_id"], made["namespace_id"], made["title"], made["metadata"]) == (s.collection_id, s.namespace_id, "Imported", {"tags": ["a"]})
    lineage = made["_internal"]["lineage"]
    assert (lineage["root_object_id"], lineage["root_bucket_id"], lineage["source_object_id"], lineage["path"]) == ("obj_exported01", "bkt_exported01", "obj_exported01", f"bkt_exported01/{s.collection_id}")
    got = s.api.call(s.api.documents.GetDocument, pb.GetDocumentRequest(collection_id=s.collection_id, document_id=made["document_id"], return_vectors=True)).document
    got_json = json_format.MessageToDict(got)
    assert got_json.pop("_vectors")[s.vector] == pytest.approx(vector)
    assert got_json == made

    by_uri = _create(s, {"collection_id": s.collection_id, "vectors": {s.uri: vector}})
    got = json_format.MessageToDict(s.api.call(s.api.documents.GetDocument, pb.GetDocumentRequest(collection_id=s.collection_id, document_id=by_uri["document_id"], return_vectors=True)).document)
    assert list(got["_vectors"]) == [s.vector] and by_uri["_internal"]["lineage"]["path"] == s.collection_id
    assert _count(s) == 2


def test_bad_input_is_refused_by_name_and_writes_nothing(setup: Setup, base_url: str, root: Api) -> None:
    s = setup
    good = [0.5] * s.dims
    cases = [
        ({"vectors": {s.vector: [0.5] * (s.dims - 1)}}, f"vectors.{s.vector}"),
        ({"vectors": {s.vector: ["x"] * s.dims}}, f"vectors.{s.vector}"),
        ({"vectors": {"no_such_vector": good}}, "vectors.no_such_vector"),
        ({"vectors": {"mixpeek://other_extractor@v1/" + s.vector: good}}, f"vectors.mixpeek://other_extractor@v1/{s.vector}"),
        ({"metadata": {"document_id": "doc_x"}, "vectors": {s.vector: good}}, "metadata.document_id"),
        ({"metadata": {"_internal.lineage": 1}}, "metadata._internal.lineage"),
        ({"collection_id": "col_someother1"}, "collection_id"),
        ({"root_object_id": "o" * 201}, "root_object_id"),
        ({"vectors": {s.vector: good, s.uri: good}}, "vectors"),  # more keys than the collection has indexes
    ]
    for document, field in cases:
        error = expect_error(_create, s, document)
        assert error.code == grpc.StatusCode.INVALID_ARGUMENT and field in error.violations, (document, error.violations)
    rest = s.rest.post(f"/v1/collections/{s.collection_id}/documents", json={"vectors": {"unknown": good}})
    assert "vectors.unknown" in str(envelope(rest, 400, "BadRequestError"))
    for key in ("features", "lineage_chain", "content_hash", "document_schema_version", "source_document_id"):
        refused = s.rest.post(f"/v1/collections/{s.collection_id}/documents", json={key: "x"})
        assert refused.status_code == 422 and key in refused.text, refused.text
    other = new_org_api(root)
    envelope(Rest(base_url, other.key, s.namespace_id).post(f"/v1/collections/{s.collection_id}/documents", json={"metadata": {"a": 1}}), 404, "NotFoundError")
    assert _count(s) == 0
