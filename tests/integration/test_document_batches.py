"""Batch and bulk document changes, and lineage reads, over gRPC and REST on the embedded defaults.
The documents are written into the running server's vector store by the writer processing uses."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from vecplane.v1 import collection_pb2
from vecplane.v1 import document_pb2 as pb

from server.domain import documents as d
from server.domain.document_batches import MAX_MATCHED, MAX_NAMED
from server.protojson import dict_to_message, message_to_dict
from server.usecases.documents import Made
from tests.conftest import new_org_api
from tests.integration.test_documents_api import Setup, _json, _made, _write, setup  # noqa: F401 - fixture
from tests.support import resources as r
from tests.support.api import Api, expect_error
from tests.support.rest import Rest, envelope
from tests.support.servers import InProcessServer

MISSING = "doc_" + "0" * 32
ODD = {"AND": [{"field": "metadata.tags", "operator": "eq", "value": "odd"}]}


def _call(s: Setup, method: str, **fields: Any) -> dict[str, Any]:
    request_type = getattr(pb, f"{method}Request")
    answer = s.api.call(getattr(s.api.documents, method), dict_to_message({"collection_id": s.collection_id, **fields}, request_type))
    return message_to_dict(answer, include_defaults=True)


def _count(s: Setup, where: dict[str, Any] | None = None) -> int:
    return int(_call(s, "CountDocuments", **({"filters": where} if where else {}))["count"])


def _all(s: Setup) -> list[dict[str, Any]]:
    return [_json(doc) for doc in s.api.call(s.api.documents.ListDocuments, pb.ListDocumentsRequest(collection_id=s.collection_id, limit=1000)).results]


def _get(s: Setup, document_id: str, collection_id: str | None = None) -> dict[str, Any]:
    request = pb.GetDocumentRequest(collection_id=collection_id or s.collection_id, document_id=document_id, return_vectors=True)
    return _json(s.api.call(s.api.documents.GetDocument, request).document)


def _violations(s: Setup, method: str, **fields: Any) -> set[str]:
    error = expect_error(_call, s, method, **fields)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT, error
    return set(error.violations)


def test_batch_delete_by_ids_reports_each_and_by_filters_counts(setup: Setup) -> None:
    s = setup
    first, second = s.docs[0].document_id, s.docs[1].document_id
    deleted = _call(s, "BatchDeleteDocuments", document_ids=[first, MISSING, second], reason="cleanup")
    assert (deleted["deleted_count"], deleted["failed_count"]) == (2, 1)
    assert [(o["document_id"], o["success"]) for o in deleted["results"]] == [(first, True), (MISSING, False), (second, True)]
    assert MISSING in deleted["results"][1]["error"] and s.collection_id in deleted["results"][1]["error"]
    assert expect_error(_get, s, first).code == grpc.StatusCode.NOT_FOUND
    # The collection's document count follows at once (the counts listen to the store's writes).
    collection = s.api.call(s.api.collections.GetCollection, collection_pb2.GetCollectionRequest(collection_id=s.collection_id)).collection
    assert collection.document_count == 28

    by_filter = _call(s, "BatchDeleteDocuments", filters={"AND": [{"field": "metadata.price", "operator": "gte", "value": 25}]})
    assert (by_filter["deleted_count"], by_filter["results"], by_filter["limits"]) == (5, [], {"max_rows_inline": MAX_MATCHED, "matched": 5})
    assert _count(s) == 23


def test_batch_delete_refuses_bad_requests_and_changes_nothing(setup: Setup) -> None:
    s = setup
    ids = [s.docs[0].document_id, s.docs[1].document_id]
    assert _violations(s, "BatchDeleteDocuments") == {"document_ids"}
    assert _violations(s, "BatchDeleteDocuments", document_ids=ids, filters=ODD) == {"filters"}
    assert _violations(s, "BatchDeleteDocuments", document_ids=[ids[0], "", ids[0]]) == {"document_ids[1]", "document_ids[2]"}
    assert _violations(s, "BatchDeleteDocuments", document_ids=[f"doc_{i:032x}" for i in range(MAX_NAMED + 1)]) == {"document_ids"}
    assert _violations(s, "BatchDeleteDocuments", document_ids=ids, reason="x" * 501) == {"reason"}
    assert _violations(s, "BatchDeleteDocuments", filters={"case_sensitive": True}) == {"filters"}  # no condition: not "all"
    assert _violations(s, "BatchDeleteDocuments", filters={"AND": [{"field": "metadata.price", "operator": "regex", "value": 1}]}) == {"filters.AND[0].value"}
    assert _count(s) == 30


def test_batch_update_by_ids_and_by_filters(setup: Setup) -> None:
    s = setup
    two, three = s.docs[2].document_id, s.docs[3].document_id
    before = _get(s, two)
    answer = _call(s, "BatchUpdateDocuments", updates=[
        {"document_id": two, "update_data": {"metadata.note": "checked", "metadata.tags": None}},
        {"document_id": MISSING, "update_data": {"text": "never"}},
        {"document_id": three, "update_data": {"text": "Renamed"}},
    ])
    assert (answer["updated_count"], answer["failed_count"]) == (2, 1)
    assert [(o["document_id"], o["success"]) for o in answer["results"]] == [(two, True), (MISSING, False), (three, True)]
    after = _get(s, two)
    assert after["metadata"] == {"title": "Item 2", "price": 2, "note": "checked"}
    assert after["_vectors"] == before["_vectors"] and after["_internal"]["lineage"] == before["_internal"]["lineage"]
    assert after["_internal"]["created_at"] == before["_internal"]["created_at"] != after["_internal"]["updated_at"]
    assert _get(s, three)["text"] == "Renamed"

    by_filter = _call(s, "BatchUpdateDocuments", filters=ODD, update_data={"metadata.parity": "odd"})
    assert (by_filter["updated_count"], by_filter["failed_count"], by_filter["results"]) == (15, 0, [])
    assert sorted(doc["metadata"]["price"] for doc in _all(s) if doc["metadata"].get("parity") == "odd") == list(range(1, 30, 2))
    assert "parity" not in _get(s, two)["metadata"]


def test_batch_update_refuses_bad_requests_and_changes_nothing(setup: Setup) -> None:
    s = setup
    two, three = s.docs[2].document_id, s.docs[3].document_id
    before = _get(s, two)
    good = {"document_id": two, "update_data": {"text": "changed"}}
    assert _violations(s, "BatchUpdateDocuments") == {"updates"}
    assert _violations(s, "BatchUpdateDocuments", updates=[good], filters=ODD) == {"updates"}
    assert _violations(s, "BatchUpdateDocuments", filters=ODD) == {"update_data"}
    assert _violations(s, "BatchUpdateDocuments", filters=ODD, update_data={"_internal": 1}) == {"update_data._internal"}
    assert _violations(s, "BatchUpdateDocuments", updates=[
        good,
        {"document_id": three, "update_data": {"collection_id": "col_x", "ok": 1}},
        {"document_id": three, "update_data": {}},
        {"update_data": {"text": "x"}},
    ]) == {"updates[1].update_data.collection_id", "updates[2].document_id", "updates[2].update_data", "updates[3].document_id"}
    too_many = [{"document_id": f"doc_{i:032x}", "update_data": {"a": 1}} for i in range(MAX_NAMED + 1)]
    assert _violations(s, "BatchUpdateDocuments", updates=too_many) == {"updates"}
    assert _get(s, two) == before


def test_bulk_update_by_filters_or_all(setup: Setup) -> None:
    s = setup
    cheap = {"AND": [{"field": "metadata.price", "operator": "lt", "value": 10}]}
    answer = _call(s, "BulkUpdateDocuments", filters=cheap, update_data={"metadata.cheap": True})
    assert (answer["status"], answer["updated_count"]) == ("COMPLETED", 10)
    assert sorted(doc["metadata"]["price"] for doc in _all(s) if doc["metadata"].get("cheap")) == list(range(10))
    assert _call(s, "BulkUpdateDocuments", update_data={"metadata.reviewed": True})["updated_count"] == 30
    assert all(doc["metadata"]["reviewed"] is True for doc in _all(s))
    assert _get(s, s.docs[0].document_id)["_vectors"]  # vectors kept
    assert _violations(s, "BulkUpdateDocuments", filters=cheap) == {"update_data"}
    assert _violations(s, "BulkUpdateDocuments", update_data={"document_id": "doc_x"}) == {"update_data.document_id"}


@pytest.mark.slow
def test_a_filter_matching_more_than_the_cap_is_refused(setup: Setup, server: InProcessServer) -> None:
    s = setup
    dims = len(s.docs[0].vectors[s.vector])
    more = [_made(s.namespace_id, s.collection_id, s.bucket_id, f"obj_many{i:06d}", {"text": "many", "metadata": {"price": 1000}}, s.vector, dims) for i in range(MAX_MATCHED - 29)]
    _write(server, s.namespace_id, s.collection_id, more)
    assert _count(s) == MAX_MATCHED + 1
    for method, fields in (
        ("BulkUpdateDocuments", {"update_data": {"metadata.reviewed": True}}),
        ("BatchUpdateDocuments", {"filters": {"AND": [{"field": "metadata.price", "operator": "gte", "value": 0}]}, "update_data": {"metadata.reviewed": True}}),
        ("BatchDeleteDocuments", {"filters": {"AND": [{"field": "metadata.price", "operator": "gte", "value": 0}]}}),
    ):
        error = expect_error(_call, s, method, **fields)
        assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "QUERY_TOO_COSTLY")
        assert str(MAX_MATCHED + 1) in error.violations["filters"] and str(MAX_MATCHED) in error.violations["filters"]
    assert _count(s) == MAX_MATCHED + 1 and not any("reviewed" in doc["metadata"] for doc in _all(s))
    _call(s, "BatchDeleteDocuments", document_ids=[s.docs[0].document_id])
    assert _call(s, "BulkUpdateDocuments", update_data={"metadata.reviewed": True})["updated_count"] == MAX_MATCHED  # the cap itself is allowed
    deleted = _call(s, "BatchDeleteDocuments", filters={"AND": [{"field": "metadata.price", "operator": "eq", "value": 1000}]})
    assert deleted["deleted_count"] == MAX_MATCHED - 29 and _count(s) == 29


def _children(server: InProcessServer, s: Setup, collection_id: str, parents: list[d.Document], chunks: int) -> list[d.Document]:
    made = []
    for parent in parents:
        base = d.Lineage.of_object("", "").of_child(parent)
        docs = d.make_documents(
            namespace_id=s.namespace_id, collection_id=collection_id, feature_extractor_id="text_extractor_v1", base=base,
            outputs=[d.Output(i, {"text": f"chunk {i} of {parent.document_id}"}, {}) for i in range(chunks)], now="2026-12-01T00:00:01Z",
        )
        made.append(Made(base.source, docs))
    _write(server, s.namespace_id, collection_id, made)
    return [doc for m in made for doc in m.documents]


def test_ancestors_and_descendants_follow_the_lineage(setup: Setup, server: InProcessServer, root: Api, base_url: str) -> None:
    s = setup
    second = r.collection(s.api, r.text_collection_body({"type": "collection", "collection_id": s.collection_id})).collection_id
    third = r.collection(s.api, r.text_collection_body({"type": "collection", "collection_id": second})).collection_id
    root_doc = s.docs[0]
    children = _children(server, s, second, [root_doc], 2)
    (grandchild,) = _children(server, s, third, [children[0]], 1)

    def ids(method: str, collection_id: str, document_id: str) -> list[str]:
        request = getattr(pb, f"{method}Request")(collection_id=collection_id, document_id=document_id)
        return [_json(doc)["document_id"] for doc in s.api.call(getattr(s.api.documents, method), request).documents]

    assert ids("GetDocumentAncestors", third, grandchild.document_id) == [root_doc.document_id, children[0].document_id]
    assert ids("GetDocumentAncestors", s.collection_id, root_doc.document_id) == []
    assert ids("GetDocumentDescendants", s.collection_id, root_doc.document_id) == sorted(c.document_id for c in children)
    assert ids("GetDocumentDescendants", second, children[0].document_id) == [grandchild.document_id]
    assert ids("GetDocumentDescendants", third, grandchild.document_id) == []

    rest = s.rest.get(f"/v1/collections/{third}/documents/{grandchild.document_id}/ancestors")
    assert rest.status_code == 200 and [doc["document_id"] for doc in rest.json()] == [root_doc.document_id, children[0].document_id]
    assert rest.json()[0]["metadata"]["title"] == "Item 0" and "_vectors" not in rest.json()[0]
    rest = s.rest.get(f"/v1/collections/{s.collection_id}/documents/{root_doc.document_id}/descendants")
    assert rest.status_code == 200 and {doc["collection_id"] for doc in rest.json()} == {second}

    s.api.call(s.api.documents.DeleteDocument, pb.DeleteDocumentRequest(collection_id=second, document_id=children[0].document_id))
    assert ids("GetDocumentAncestors", third, grandchild.document_id) == [root_doc.document_id]  # a deleted ancestor is left out

    request = pb.GetDocumentAncestorsRequest(collection_id=s.collection_id, document_id=MISSING)
    assert expect_error(s.api.call, s.api.documents.GetDocumentAncestors, request).code == grpc.StatusCode.NOT_FOUND
    envelope(s.rest.get(f"/v1/collections/{s.collection_id}/documents/{MISSING}/descendants"), 404, "NotFoundError")
    stranger = Rest(base_url, new_org_api(root).key, s.namespace_id)
    envelope(stranger.get(f"/v1/collections/{third}/documents/{grandchild.document_id}/ancestors"), 404, "NotFoundError")


def test_rest_paths_and_shapes(setup: Setup, root: Api, base_url: str) -> None:
    s = setup
    base = f"/v1/collections/{s.collection_id}/documents"
    first, second = s.docs[0].document_id, s.docs[1].document_id
    updated = s.rest.post(f"{base}/batch", json={"updates": [{"document_id": first, "update_data": {"metadata.note": "a"}}, {"document_id": MISSING, "update_data": {"a": 1}}]})
    assert updated.status_code == 200, updated.text
    assert updated.json() == {
        "updated_count": 1,
        "failed_count": 1,
        "results": [{"document_id": first, "success": True, "error": None}, {"document_id": MISSING, "success": False, "error": updated.json()["results"][1]["error"]}],
        "message": "1 documents updated, 1 not found.",
    }
    bulk = s.rest.patch(f"{base}/bulk", json={"filters": ODD, "update_data": {"metadata.parity": "odd"}})
    assert bulk.status_code == 200 and bulk.json() == {"status": "COMPLETED", "updated_count": 15, "message": "15 documents updated."}
    envelope(s.rest.patch(f"{base}/bulk", json={"filters": ODD}), 400, "BadRequestError")
    envelope(s.rest.post(f"{base}/batch", json={"updates": [{"document_id": first, "update_data": {"_internal.x": 1}}]}), 400, "BadRequestError")

    stranger = Rest(base_url, new_org_api(root).key, s.namespace_id)
    envelope(stranger.request("DELETE", f"{base}/batch", json={"document_ids": [first]}), 404, "NotFoundError")
    envelope(stranger.patch(f"{base}/bulk", json={"update_data": {"a": 1}}), 404, "NotFoundError")
    deleted = s.rest.request("DELETE", f"{base}/batch", json={"document_ids": [first, second]})
    assert deleted.status_code == 200 and (deleted.json()["deleted_count"], deleted.json()["failed_count"]) == (2, 0)
    assert s.rest.get(f"{base}/count").json()["count"] == 28
