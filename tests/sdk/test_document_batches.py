"""Batch and bulk document changes and lineage reads through Mixpeek's SDK, on documents two tiers of
processing made: the typed API (every answer parsed into the SDK's models) and the high-level client."""

from __future__ import annotations

from typing import Any

import mixpeek
import pytest

from tests.sdk.conftest import TypedSdk
from tests.support.processing import document_ids, namespace_rest, setup_bucket, text_collection, wait_task
from tests.support.rest import Rest


@pytest.fixture
def two_tiers(base_url: str, sdk_org: Any) -> tuple[Rest, str, str]:
    rest = namespace_rest(base_url, sdk_org.key)
    bucket_id, _ = setup_bucket(rest, ["cats sleep all day", "dogs bark at night", "cars need fuel"])
    first = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    second = text_collection(rest, {"type": "collection", "collection_id": first})
    task = wait_task(rest, rest.post(f"/v1/collections/{first}/trigger", json={}).json()["task_id"])
    assert task["status"] == "COMPLETED", task
    return rest, first, second


def _where(field: str, value: str) -> mixpeek.LogicalOperatorInput:
    return mixpeek.LogicalOperatorInput.from_dict({"AND": [{"field": field, "operator": "eq", "value": value}]})


@pytest.mark.slow
def test_batches_and_lineage_through_the_typed_api(typed: TypedSdk, two_tiers: tuple[Rest, str, str]) -> None:
    rest, first, second = two_tiers
    documents = typed.in_namespace(rest.client.headers["x-namespace"]).api(mixpeek.CollectionDocumentsApi)
    parents, children = document_ids(rest, first), document_ids(rest, second)
    child = documents.get_document(second, children[0]).to_dict()
    parent_id = child["source_document_id"]

    ancestors = documents.get_document_ancestors(second, children[0])
    assert [type(a) for a in ancestors] == [mixpeek.DocumentResponse] and ancestors[0].document_id == parent_id
    descendants = documents.get_document_descendants(first, parent_id)
    assert [d.document_id for d in descendants] == [children[0]] and descendants[0].collection_id == second

    missing = "doc_" + "0" * 32
    updated = documents.batch_update(first, mixpeek.BatchUpdateDocumentsRequest(updates=[
        mixpeek.BatchDocumentUpdate(document_id=parents[0], update_data={"status": "reviewed"}),
        mixpeek.BatchDocumentUpdate(document_id=missing, update_data={"status": "reviewed"}),
    ]))
    assert isinstance(updated, mixpeek.BatchUpdateDocumentsResponse) and (updated.updated_count, updated.failed_count) == (1, 1)
    assert [(r.document_id, r.success) for r in updated.results or []] == [(parents[0], True), (missing, False)]
    assert documents.get_document(first, parents[0]).to_dict()["status"] == "reviewed"

    by_filter = documents.batch_update(first, mixpeek.BatchUpdateDocumentsRequest(filters=_where("document_id", parents[1]), update_data={"status": "kept"}))
    assert (by_filter.updated_count, by_filter.results) == (1, [])
    bulk = documents.bulk_update(first, mixpeek.BulkUpdateDocumentsRequest(update_data={"batch": "spring"}))
    assert isinstance(bulk, mixpeek.BulkUpdateDocumentsResponse) and (bulk.status, bulk.updated_count, bulk.task_id) == ("COMPLETED", 3, None)
    assert {d.to_dict()["batch"] for d in documents.list_documents_0(first, limit=10).results} == {"spring"}

    deleted = documents.batch_delete(second, mixpeek.BatchDeleteDocumentsRequest(document_ids=[children[0], missing], reason="sdk test"))
    assert isinstance(deleted, mixpeek.BatchDeleteDocumentsResponse) and (deleted.deleted_count, deleted.failed_count) == (1, 1)
    by_filter_deleted = documents.batch_delete(second, mixpeek.BatchDeleteDocumentsRequest(filters=_where("document_id", children[1])))
    assert (by_filter_deleted.deleted_count, by_filter_deleted.limits) == (1, {"max_rows_inline": 10_000, "matched": 1})
    assert documents.count_documents(second).count == 1
    with pytest.raises(mixpeek.exceptions.BadRequestException) as refused:
        documents.batch_delete(second, mixpeek.BatchDeleteDocumentsRequest(document_ids=[children[2]], filters=_where("document_id", children[2])))
    assert "filters" in str(refused.value.body)
    assert documents.count_documents(second).count == 1


@pytest.mark.slow
def test_batch_update_through_the_high_level_client(base_url: str, sdk_org: Any, two_tiers: tuple[Rest, str, str]) -> None:
    rest, first, _ = two_tiers
    mp = mixpeek.Mixpeek(sdk_org.key, base_url=f"{base_url}/v1", namespace=rest.client.headers["x-namespace"])
    ids = document_ids(rest, first)
    answer = mp.documents.batch_update(first, updates=[{"document_id": i, "update_data": {"status": f"s{n}"}} for n, i in enumerate(ids)])
    assert (answer["updated_count"], answer["failed_count"]) == (3, 0)
    assert [mp.documents.get(first, i)["status"] for i in ids] == ["s0", "s1", "s2"]
