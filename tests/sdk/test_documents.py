"""Documents made by processing, read, changed and deleted through Mixpeek's SDK: the typed API (every
answer parsed into the SDK's models) and the high-level client."""

from __future__ import annotations

from typing import Any

import mixpeek
import pytest

from tests.sdk.conftest import TypedSdk
from tests.support.processing import namespace_rest, setup_bucket, text_collection, wait_task
from tests.support.rest import Rest


@pytest.fixture
def processed(base_url: str, sdk_org: Any) -> tuple[Rest, str]:
    rest = namespace_rest(base_url, sdk_org.key)
    bucket_id, _ = setup_bucket(rest, ["cats sleep all day", "dogs bark at night", "cars need fuel"])
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    task = wait_task(rest, rest.post(f"/v1/collections/{collection_id}/trigger", json={}).json()["task_id"])
    assert task["status"] == "COMPLETED", task
    return rest, collection_id


@pytest.mark.slow
def test_documents_through_the_typed_api(typed: TypedSdk, processed: tuple[Rest, str]) -> None:
    rest, collection_id = processed
    documents = typed.in_namespace(rest.client.headers["x-namespace"]).api(mixpeek.CollectionDocumentsApi)
    first = documents.list_documents(collection_id, list_documents_request=mixpeek.ListDocumentsRequest(limit=2))
    assert isinstance(first, mixpeek.ListDocumentsResponse) and len(first.results) == 2
    rest_page = documents.list_documents(collection_id, list_documents_request=mixpeek.ListDocumentsRequest(cursor=first.pagination.next_cursor, limit=2))
    ids = [d.document_id for d in first.results + rest_page.results]
    assert len(set(ids)) == 3
    assert [d.document_id for d in documents.list_documents_0(collection_id, limit=10).results] == ids
    assert documents.count_documents(collection_id).count == 3

    doc = documents.get_document(collection_id, ids[0])
    assert isinstance(doc, mixpeek.DocumentResponse) and doc.collection_id == collection_id
    patched = documents.patch_document(collection_id, ids[0], {"title": "patched"})
    assert patched.to_dict()["title"] == "patched"
    assert documents.update_document(collection_id, ids[0], {"title": "put"}).to_dict()["title"] == "put"
    deleted = documents.delete_document(collection_id, ids[0])
    assert isinstance(deleted, mixpeek.GenericDeleteResponse) and deleted.success
    assert documents.count_documents(collection_id).count == 2


@pytest.mark.slow
def test_documents_through_the_high_level_client(base_url: str, sdk_org: Any, processed: tuple[Rest, str]) -> None:
    rest, collection_id = processed
    mp = mixpeek.Mixpeek(sdk_org.key, base_url=f"{base_url}/v1", namespace=rest.client.headers["x-namespace"])
    page = mp.documents.list(collection_id, page_size=2)
    assert len(page["results"]) == 2 and page["pagination"]["page_size"] == 2
    document_id = page["results"][0]["document_id"]
    assert mp.documents.get(collection_id, document_id)["document_id"] == document_id
    assert mp.documents.update(collection_id, document_id, update_data={"title": "changed"})["title"] == "changed"
    assert mp.documents.delete(collection_id, document_id)["success"] is True
    assert len(mp.documents.list(collection_id)["results"]) == 2


@pytest.mark.slow
def test_aggregate_and_distinct_through_the_typed_api(typed: TypedSdk, processed: tuple[Rest, str]) -> None:
    rest, collection_id = processed
    documents = typed.in_namespace(rest.client.headers["x-namespace"]).api(mixpeek.CollectionDocumentsApi)
    listed = documents.list_documents(collection_id, list_documents_request=mixpeek.ListDocumentsRequest(limit=10)).results
    objects = sorted(d.to_dict()["root_object_id"] for d in listed)

    grouped = documents.aggregate_documents(collection_id, mixpeek.DocumentAggregationRequest(
        group_by=[mixpeek.GroupByField(field="root_object_id", alias="object")],
        aggregations=[mixpeek.AggregationOperation(function=mixpeek.AggregationFunction.COUNT, alias="n")],
        sort_by="object", sort_direction="asc",
    ))
    assert isinstance(grouped, mixpeek.DocumentAggregationResponse) and grouped.total_groups == 3
    assert [(row.group["object"], row.metrics["n"]) for row in grouped.results] == [(o, 1) for o in objects]
    total = documents.aggregate_documents(collection_id, mixpeek.DocumentAggregationRequest(
        aggregations=[mixpeek.AggregationOperation(function=mixpeek.AggregationFunction.COUNT, alias="total")],
        filters={"AND": [{"field": "root_object_id", "operator": "in", "value": objects[:2]}]},
    ))
    assert [(row.group, row.metrics) for row in total.results] == [({}, {"total": 2})]

    distinct = documents.distinct_document_values(collection_id, mixpeek.DistinctValuesRequest(field="root_bucket_id", limit=5))
    assert isinstance(distinct, mixpeek.DistinctValuesResponse) and distinct.total_distinct == 1
    assert (distinct.values[0].count, distinct.values[0].value) == (3, listed[0].to_dict()["root_bucket_id"])
    with pytest.raises(mixpeek.ApiException) as refused:
        documents.aggregate_documents(collection_id, mixpeek.DocumentAggregationRequest(
            group_by=[mixpeek.GroupByField(field="root_object_id")],
            aggregations=[mixpeek.AggregationOperation(function=mixpeek.AggregationFunction.PUSH, field="root_object_id", alias="all")],
        ))
    assert refused.value.status == 400 and "aggregations[0].function" in str(refused.value.body)


@pytest.mark.slow
def test_validate_and_diagnostics_through_the_typed_api(typed: TypedSdk, processed: tuple[Rest, str]) -> None:
    rest, collection_id = processed
    documents = typed.in_namespace(rest.client.headers["x-namespace"]).api(mixpeek.CollectionDocumentsApi)
    doc = documents.list_documents(collection_id, list_documents_request=mixpeek.ListDocumentsRequest(limit=1)).results[0].to_dict()

    checked = documents.validate_document_schema(collection_id, {"document_id": "doc_x", "note": "fine"})
    assert checked["valid"] is False and [e["field"] for e in checked["errors"]] == ["document_id"]

    found = documents.get_document_diagnostics(collection_id, doc["document_id"])
    assert isinstance(found, mixpeek.DocumentDiagnosticsResponse)
    assert (found.document_id, found.collection_id, found.source_object_id) == (doc["document_id"], collection_id, doc["root_object_id"])
    assert found.visibility_reason.searchable is True and found.recent_failures.reason
    assert [e.source for e in found.diagnostic_history.entries] == ["_internal.created_at", "lineage.chain"]
    raw = rest.get(f"/v1/collections/{collection_id}/documents/{doc['document_id']}/diagnostics").json()
    assert raw["source_object"] == {"object_id": doc["root_object_id"], "bucket_id": doc["root_bucket_id"], "exists": True}


@pytest.mark.slow
def test_namespace_documents_through_the_typed_api(typed: TypedSdk, processed: tuple[Rest, str]) -> None:
    rest, collection_id = processed
    in_namespace = typed.in_namespace(rest.client.headers["x-namespace"])
    documents = in_namespace.api(mixpeek.DocumentsApi)
    # body pagination wins over the query's, as Mixpeek's (the SDK's body always carries limit, default 10)
    request = mixpeek.NamespaceListDocumentsRequest(collection_ids=[collection_id], limit=2)
    listed = documents.list_documents_ns(limit=5, include_total=True, namespace_list_documents_request=request)
    assert isinstance(listed, mixpeek.ListDocumentsResponse) and len(listed.results) == 2 and listed.pagination.next_cursor
    assert listed.pagination.total == 3  # include_total from the query
    ids = [d.document_id for d in listed.results]

    doc = documents.get_document_ns(ids[0])
    assert isinstance(doc, mixpeek.DocumentResponse) and (doc.document_id, doc.collection_id) == (ids[0], collection_id)
    assert documents.patch_document_ns(ids[0], {"title": "patched"}).to_dict()["title"] == "patched"
    assert documents.update_document_ns(ids[0], {"title": "put"}).to_dict()["title"] == "put"

    got = documents.batch_get(mixpeek.BatchGetDocumentsRequest(document_ids=[*ids, "doc_" + "0" * 32]))
    assert isinstance(got, mixpeek.BatchGetDocumentsResponse)
    assert [d.document_id for d in got.documents] == ids and got.not_found == ["doc_" + "0" * 32]

    batch = documents.list_documents_batch(mixpeek.BatchListDocumentsRequest(queries=[
        mixpeek.BatchListQuery(key="two", request=mixpeek.NamespaceListDocumentsRequest(limit=2)),
        mixpeek.BatchListQuery(key="gone", request=mixpeek.NamespaceListDocumentsRequest(collection_ids=["no-such-collection"])),
    ]))
    assert isinstance(batch, mixpeek.BatchListDocumentsResponse) and [res.key for res in batch.results] == ["two", "gone"]
    assert [d.document_id for d in batch.results[0].response.results] == ids
    assert batch.results[1].response is None and "no-such-collection" in batch.results[1].error
