"""The Documents API over gRPC and REST on the embedded defaults. Documents are written into the
running server's vector store by the writer processing uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import grpc
import pytest
from google.protobuf import json_format
from vecplane.v1 import document_pb2 as pb

from server.domain import documents as d
from server.protojson import dict_to_message
from server.storage.documents import DocumentStore
from server.usecases.documents import DocumentWriter, Made
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
    bucket_id: str
    collection_id: str
    vector: str
    docs: list[d.Document]


def _write(server: InProcessServer, namespace_id: str, collection_id: str, made: list[Made]) -> None:
    writer = DocumentWriter(DocumentStore(server.app.backends.vectors))
    server.run(writer.write(namespace_id, collection_id, d.OutputHandling.CREATE_NEW, made))


def _made(namespace_id: str, collection_id: str, bucket_id: str, object_id: str, fields: dict[str, Any], vector: str, dims: int) -> Made:
    base = d.Lineage.of_object(bucket_id, object_id)
    docs = d.make_documents(
        namespace_id=namespace_id, collection_id=collection_id, feature_extractor_id="text_extractor_v1", base=base,
        outputs=[d.Output(0, fields, {vector: [1.0] + [0.0] * (dims - 1)})], now="2026-12-01T00:00:00Z",
    )
    return Made(base.source, docs)


@pytest.fixture
def setup(api: Api, base_url: str, server: InProcessServer) -> Setup:
    ns = r.namespace(api, extractors=[r.TEXT])
    ns_api = api.in_namespace(ns.namespace_id)
    bucket = r.bucket(ns_api)
    collection = r.collection(ns_api, r.text_collection_body({"type": "bucket", "bucket_id": bucket.bucket_id}))
    (spec,) = server.run(server.app.backends.vectors.vector_schema(ns.namespace_id)).values()
    made = [
        _made(ns.namespace_id, collection.collection_id, bucket.bucket_id, f"obj_{i:010d}", {"text": f"Item {i}", "metadata": {"title": f"Item {i}", "price": i, "tags": ["even" if i % 2 == 0 else "odd"]}}, spec.name, spec.dimensions)
        for i in range(30)
    ]
    _write(server, ns.namespace_id, collection.collection_id, made)
    return Setup(ns_api, Rest(base_url, api.key, ns.namespace_id), ns.namespace_id, bucket.bucket_id, collection.collection_id, spec.name, [m.documents[0] for m in made])


def _list(s: Setup, **fields: Any) -> Any:
    return s.api.call(s.api.documents.ListDocuments, dict_to_message({"collection_id": s.collection_id, **fields}, pb.ListDocumentsRequest))


def _json(struct: Any) -> dict[str, Any]:
    return json_format.MessageToDict(struct)


def test_grpc_list_pages_by_cursor_and_offset_filters_sorts_and_counts(setup: Setup) -> None:
    s = setup
    seen: list[str] = []
    cursor = ""
    while True:
        page = _list(s, limit=7, cursor=cursor, include_total=True)
        assert page.total_count == 30 and len(page.results) <= 7
        seen += [_json(doc)["document_id"] for doc in page.results]
        cursor = page.pagination.next_cursor
        if not cursor:
            break
    assert sorted(seen) == sorted(doc.document_id for doc in s.docs) and len(seen) == 30
    by_offset = _list(s, limit=7, offset=7)
    assert [_json(doc)["document_id"] for doc in by_offset.results] == seen[7:14]

    where = {"AND": [{"field": "metadata.price", "operator": "gte", "value": 20}]}
    filtered = _list(s, limit=100, filters=where, sort={"field": "metadata.price", "direction": "desc"})
    assert [_json(doc)["metadata"]["price"] for doc in filtered.results] == list(range(29, 19, -1))
    sorted_page = _list(s, limit=4, offset=2, sort={"field": "metadata.price", "direction": "asc"})
    assert [_json(doc)["metadata"]["price"] for doc in sorted_page.results] == [2, 3, 4, 5]
    after = _list(s, limit=4, cursor=sorted_page.pagination.next_cursor, sort={"field": "metadata.price", "direction": "asc"})
    assert [_json(doc)["metadata"]["price"] for doc in after.results] == [6, 7, 8, 9]

    counted = s.api.call(s.api.documents.CountDocuments, dict_to_message({"collection_id": s.collection_id, "filters": {"AND": [{"field": "metadata.tags", "operator": "eq", "value": "even"}]}}, pb.CountDocumentsRequest))
    assert (counted.collection_id, counted.count) == (s.collection_id, 15)

    first = _json(_list(s, limit=1, return_vectors=True).results[0])
    assert first["_vectors"][s.vector][0] == pytest.approx(1.0)
    assert "_vectors" not in _json(_list(s, limit=1).results[0])

    error = expect_error(_list, s, sort={"field": "no_such_field"})
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT and "sort.field" in error.violations
    error = expect_error(_list, s, filters={"AND": [{"field": "metadata.price", "operator": "regex", "value": 5}]})
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT and any(k.startswith("filters.AND[0]") for k in error.violations)


def test_grpc_get_update_delete(setup: Setup) -> None:
    s = setup
    doc = s.docs[3]
    got = _json(s.api.call(s.api.documents.GetDocument, pb.GetDocumentRequest(collection_id=s.collection_id, document_id=doc.document_id)).document)
    assert (got["document_id"], got["collection_id"], got["text"], got["metadata"]["price"]) == (doc.document_id, s.collection_id, "Item 3", 3)
    lineage = got["_internal"]["lineage"]
    assert (lineage["root_object_id"], lineage["root_bucket_id"], lineage["source_object_id"]) == ("obj_0000000003", s.bucket_id, "obj_0000000003")
    assert lineage["path"] == f"{s.bucket_id}/{s.collection_id}"

    changes = dict_to_message({"collection_id": s.collection_id, "document_id": doc.document_id, "update_data": {"text": "Renamed", "metadata.note": "x", "metadata.tags": None}}, pb.UpdateDocumentRequest)
    updated = _json(s.api.call(s.api.documents.UpdateDocument, changes).document)
    assert (updated["text"], updated["metadata"]) == ("Renamed", {"title": "Item 3", "price": 3, "note": "x"})
    again = s.api.call(s.api.documents.GetDocument, pb.GetDocumentRequest(collection_id=s.collection_id, document_id=doc.document_id, return_vectors=True)).document
    assert _json(again)["text"] == "Renamed" and s.vector in _json(again)["_vectors"]  # vectors kept

    bad = dict_to_message({"collection_id": s.collection_id, "document_id": doc.document_id, "update_data": {"collection_id": "col_x", "_internal.lineage": 1}}, pb.UpdateDocumentRequest)
    error = expect_error(s.api.call, s.api.documents.UpdateDocument, bad)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT and set(error.violations) == {"update_data.collection_id", "update_data._internal.lineage"}

    s.api.call(s.api.documents.DeleteDocument, pb.DeleteDocumentRequest(collection_id=s.collection_id, document_id=doc.document_id))
    error = expect_error(s.api.call, s.api.documents.GetDocument, pb.GetDocumentRequest(collection_id=s.collection_id, document_id=doc.document_id))
    assert (error.code, error.reason) == (grpc.StatusCode.NOT_FOUND, "DOCUMENT_NOT_FOUND")
    error = expect_error(s.api.call, s.api.documents.DeleteDocument, pb.DeleteDocumentRequest(collection_id=s.collection_id, document_id=doc.document_id))
    assert error.code == grpc.StatusCode.NOT_FOUND
    assert _list(s, include_total=True).total_count == 29


def test_rest_paths_and_shapes(setup: Setup) -> None:
    s = setup
    base = f"/v1/collections/{s.collection_id}/documents"
    listed = s.rest.post(f"{base}/list", json={"filters": {"AND": [{"field": "metadata.price", "operator": "lt", "value": 5}]}, "sort": {"field": "metadata.price", "direction": "asc"}, "limit": 3, "return_vectors": True})
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert [doc["metadata"]["price"] for doc in body["results"]] == [0, 1, 2]
    assert body["results"][0]["text"] == "Item 0" and s.vector in body["results"][0]["_vectors"]
    assert body["pagination"]["next_cursor"]
    by_query = s.rest.post(f"{base}/list?limit=2&return_vectors=true", json={}).json()  # flags in the query string
    assert len(by_query["results"]) == 2 and "_vectors" in by_query["results"][0]
    got = s.rest.get(f"{base}", params={"limit": 4, "include_total": "true"}).json()
    assert len(got["results"]) == 4 and got["total_count"] == 30

    doc_id = s.docs[0].document_id
    one = s.rest.get(f"{base}/{doc_id}", params={"return_vectors": "true"})
    assert one.status_code == 200 and one.json()["document_id"] == doc_id and one.json()["metadata"]["price"] == 0
    counted = s.rest.get(f"{base}/count").json()
    assert counted == {"collection_id": s.collection_id, "count": 30}
    patched = s.rest.patch(f"{base}/{doc_id}", json={"text": "Patched", "rating": 5})
    assert patched.status_code == 200 and (patched.json()["text"], patched.json()["rating"], patched.json()["metadata"]["price"]) == ("Patched", 5, 0)
    put = s.rest.request("PUT", f"{base}/{doc_id}", json={"rating": None})
    assert put.status_code == 200 and "rating" not in put.json() and put.json()["text"] == "Patched"
    envelope(s.rest.patch(f"{base}/{doc_id}", json={"document_id": "doc_x"}), 400, "BadRequestError")
    deleted = s.rest.delete(f"{base}/{doc_id}")
    assert deleted.status_code == 200 and deleted.json()["success"] is True
    envelope(s.rest.get(f"{base}/{doc_id}"), 404, "NotFoundError")
    envelope(s.rest.get(f"{base}/doc_not-a-real-one"), 404, "NotFoundError")


def test_another_organization_sees_nothing(setup: Setup, root: Api, base_url: str) -> None:
    s = setup
    other = new_org_api(root)
    r.namespace(other, extractors=[r.TEXT], name=r.unique("other"))
    stranger = other.in_namespace(s.namespace_id)
    for call, request in (
        (stranger.documents.GetDocument, pb.GetDocumentRequest(collection_id=s.collection_id, document_id=s.docs[0].document_id)),
        (stranger.documents.ListDocuments, pb.ListDocumentsRequest(collection_id=s.collection_id)),
        (stranger.documents.CountDocuments, pb.CountDocumentsRequest(collection_id=s.collection_id)),
        (stranger.documents.DeleteDocument, pb.DeleteDocumentRequest(collection_id=s.collection_id, document_id=s.docs[0].document_id)),
    ):
        assert expect_error(stranger.call, call, request).code == grpc.StatusCode.NOT_FOUND
    envelope(Rest(base_url, other.key, s.namespace_id).get(f"/v1/collections/{s.collection_id}/documents/count"), 404, "NotFoundError")
    assert _list(s, include_total=True).total_count == 30  # nothing changed


def test_pages_stop_before_the_byte_limit(setup: Setup, server: InProcessServer) -> None:
    s = setup
    big = [
        _made(s.namespace_id, s.collection_id, s.bucket_id, f"obj_big{i:07d}", {"text": "x" * 1_500_000, "metadata": {"title": "big", "price": 100 + i}}, s.vector, len(s.docs[0].vectors[s.vector]))
        for i in range(4)
    ]
    _write(server, s.namespace_id, s.collection_id, big)
    where = {"AND": [{"field": "metadata.price", "operator": "gte", "value": 100}]}
    first = _list(s, limit=10, filters=where)
    assert len(first.results) == 2 and first.pagination.next_cursor  # 1.5 MB each: a third would pass 4 MB
    rest = _list(s, limit=10, filters=where, cursor=first.pagination.next_cursor)
    assert len(rest.results) == 2 and not rest.pagination.next_cursor
    ids = [_json(doc)["document_id"] for doc in (*first.results, *rest.results)]
    assert sorted(ids) == sorted(m.documents[0].document_id for m in big)
