"""The namespace-level Documents API (`/v1/documents/...`) over gRPC and REST: documents of every
collection of the namespace by ID alone; another namespace's or organization's are not found."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import grpc
import pytest
from google.protobuf import json_format
from vecplane.v1 import document_pb2 as pb

from server.protojson import dict_to_message
from tests.conftest import new_org_api
from tests.integration.test_documents_api import _made, _write
from tests.support import resources as r
from tests.support.api import Api, expect_error
from tests.support.rest import Rest, envelope
from tests.support.servers import InProcessServer


@dataclass
class Namespace:
    api: Api
    rest: Rest
    namespace_id: str
    collections: list[str]
    ids: dict[str, list[str]]  # collection ID -> its document IDs


def _namespace(api: Api, base_url: str, server: InProcessServer, sizes: tuple[int, ...]) -> Namespace:
    ns = r.namespace(api, extractors=[r.TEXT])
    ns_api = api.in_namespace(ns.namespace_id)
    bucket = r.bucket(ns_api)
    (spec,) = server.run(server.app.backends.vectors.vector_schema(ns.namespace_id)).values()
    ids: dict[str, list[str]] = {}
    for size in sizes:
        collection = r.collection(ns_api, r.text_collection_body({"type": "bucket", "bucket_id": bucket.bucket_id}))
        made = [_made(ns.namespace_id, collection.collection_id, bucket.bucket_id, f"obj_{i:010d}", {"text": f"Item {i}", "metadata": {"title": f"Item {i}", "price": i}}, spec.name, spec.dimensions) for i in range(size)]
        _write(server, ns.namespace_id, collection.collection_id, made)
        ids[collection.collection_id] = [m.documents[0].document_id for m in made]
    return Namespace(ns_api, Rest(base_url, api.key, ns.namespace_id), ns.namespace_id, list(ids), ids)


@pytest.fixture
def two(api: Api, base_url: str, server: InProcessServer) -> tuple[Namespace, Namespace]:
    return _namespace(api, base_url, server, (5, 7)), _namespace(api, base_url, server, (3,))


def _ids(message: Any) -> list[str]:
    return [json_format.MessageToDict(doc)["document_id"] for doc in message]


def test_grpc_get_update_and_batch_get_across_collections(two: tuple[Namespace, Namespace]) -> None:
    ns, other = two
    first, second = ns.collections
    doc_id = ns.ids[second][2]
    got = ns.api.call(ns.api.documents.GetNamespaceDocument, pb.GetNamespaceDocumentRequest(document_id=doc_id, return_vectors=True))
    found = json_format.MessageToDict(got.document)
    assert (found["document_id"], found["collection_id"], found["metadata"]["price"]) == (doc_id, second, 2) and found["_vectors"]

    changed = ns.api.call(ns.api.documents.UpdateNamespaceDocument, dict_to_message({"document_id": doc_id, "update_data": {"metadata.price": 99}}, pb.UpdateNamespaceDocumentRequest))
    assert json_format.MessageToDict(changed.document)["metadata"]["price"] == 99
    again = ns.api.call(ns.api.documents.GetDocument, pb.GetDocumentRequest(collection_id=second, document_id=doc_id))
    assert json_format.MessageToDict(again.document)["metadata"]["price"] == 99

    stranger_id = other.ids[other.collections[0]][0]
    for call, request in (
        (ns.api.documents.GetNamespaceDocument, pb.GetNamespaceDocumentRequest(document_id=stranger_id)),
        (ns.api.documents.UpdateNamespaceDocument, dict_to_message({"document_id": stranger_id, "update_data": {"x": 1}}, pb.UpdateNamespaceDocumentRequest)),
    ):
        error = expect_error(ns.api.call, call, request)
        assert (error.code, error.reason) == (grpc.StatusCode.NOT_FOUND, "DOCUMENT_NOT_FOUND")

    asked = [ns.ids[second][0], ns.ids[first][1], stranger_id, "doc_nothing", ns.ids[first][1]]
    batch = ns.api.call(ns.api.documents.BatchGetDocuments, pb.BatchGetDocumentsRequest(document_ids=asked))
    assert _ids(batch.documents) == [ns.ids[second][0], ns.ids[first][1]] and list(batch.not_found) == [stranger_id, "doc_nothing"]
    error = expect_error(ns.api.call, ns.api.documents.BatchGetDocuments, pb.BatchGetDocumentsRequest(document_ids=["doc_x"] * 1001))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT and "document_ids" in error.violations
    error = expect_error(ns.api.call, ns.api.documents.BatchGetDocuments, pb.BatchGetDocumentsRequest())
    assert "document_ids" in error.violations


def test_grpc_list_across_collections_pages_filters_and_batches(two: tuple[Namespace, Namespace]) -> None:
    ns, _ = two
    first, second = ns.collections
    every = sorted(ns.ids[first] + ns.ids[second])
    seen: list[str] = []
    cursor = ""
    while True:
        page = ns.api.call(ns.api.documents.ListNamespaceDocuments, pb.ListNamespaceDocumentsRequest(limit=5, cursor=cursor, include_total=True))
        assert page.total_count == 12
        seen += _ids(page.results)
        cursor = page.pagination.next_cursor
        if not cursor:
            break
    assert seen == every  # both collections, document-ID order, nothing of the other namespace

    only = ns.api.call(ns.api.documents.ListNamespaceDocuments, dict_to_message({"collection_ids": [second, "no-such-collection"], "limit": 100, "filters": {"AND": [{"field": "metadata.price", "operator": "gte", "value": 4}]}, "sort": {"field": "metadata.price", "direction": "desc"}}, pb.ListNamespaceDocumentsRequest))
    assert _ids(only.results) == [ns.ids[second][i] for i in (6, 5, 4)] and list(only.unknown_collection_ids) == ["no-such-collection"]
    error = expect_error(ns.api.call, ns.api.documents.ListNamespaceDocuments, pb.ListNamespaceDocumentsRequest(collection_ids=["nope"]))
    assert error.code == grpc.StatusCode.NOT_FOUND

    batch = ns.api.call(ns.api.documents.BatchListNamespaceDocuments, dict_to_message({"queries": [
        {"key": "first", "request": {"collection_ids": [first], "limit": 2}},
        {"key": "broken", "request": {"filters": {"AND": [{"field": "metadata.price", "operator": "regex", "value": 5}]}}},
        {"key": "all", "request": {"include_total": True, "limit": 1}},
    ]}, pb.BatchListNamespaceDocumentsRequest))
    assert [res.key for res in batch.results] == ["first", "broken", "all"]
    assert _ids(batch.results[0].response.results) == sorted(ns.ids[first])[:2]
    assert batch.results[1].error and not batch.results[1].HasField("response")
    assert batch.results[2].response.total_count == 12
    error = expect_error(ns.api.call, ns.api.documents.BatchListNamespaceDocuments, dict_to_message({"queries": [{"key": "k", "request": {}}] * 11}, pb.BatchListNamespaceDocumentsRequest))
    assert "queries" in error.violations


def test_rest_paths_and_tenancy(two: tuple[Namespace, Namespace], root: Api, base_url: str) -> None:
    ns, other = two
    first, second = ns.collections
    doc_id = ns.ids[first][0]
    got = ns.rest.get(f"/v1/documents/{doc_id}")
    assert got.status_code == 200 and got.json()["collection_id"] == first
    patched = ns.rest.patch(f"/v1/documents/{doc_id}", json={"reviewed": True})
    assert patched.status_code == 200 and patched.json()["reviewed"] is True
    put = ns.rest.request("PUT", f"/v1/documents/{doc_id}", json={"reviewed": None})
    assert put.status_code == 200 and "reviewed" not in put.json()
    listed = ns.rest.post("/v1/documents/list?limit=3&include_total=true", json={"collection_ids": [second]}).json()
    assert len(listed["results"]) == 3 and listed["total_count"] == 7 and listed["unknown_collection_ids"] == []
    batch = ns.rest.post("/v1/documents/batch-get", json={"document_ids": [doc_id, "doc_missing"]}).json()
    assert [d["document_id"] for d in batch["documents"]] == [doc_id] and batch["not_found"] == ["doc_missing"]
    lists = ns.rest.post("/v1/documents/list/batch", json={"queries": [{"key": "a", "request": {"limit": 1}}]}).json()
    assert lists["results"][0]["key"] == "a" and len(lists["results"][0]["response"]["results"]) == 1
    envelope(ns.rest.get(f"/v1/documents/{other.ids[other.collections[0]][0]}"), 404, "NotFoundError")
    envelope(ns.rest.post("/v1/documents/batch-get", json={"document_ids": []}), 400, "BadRequestError")

    stranger_org = new_org_api(root)
    stranger = Rest(base_url, stranger_org.key, ns.namespace_id)
    envelope(stranger.get(f"/v1/documents/{doc_id}"), 404, "NotFoundError")
    envelope(stranger.post("/v1/documents/list", json={}), 404, "NotFoundError")
    envelope(stranger.post("/v1/documents/batch-get", json={"document_ids": [doc_id]}), 404, "NotFoundError")
