"""The organization's batch list (`POST /v1/batches/list`) through Mixpeek's SDK (`BatchesApi.list_all_batches`,
answers parsed into the SDK's models): every namespace's batches, or one namespace's (header or
`namespace_id`), filtered by status, bucket and first-tier collection; the same call over gRPC; and
the task list filtered by type."""

from __future__ import annotations

from typing import Any

import mixpeek
import pytest
from mixpeek.exceptions import ApiException
from vecplane.v1 import batch_pb2, batch_pb2_grpc, task_pb2

from tests.sdk.conftest import TypedSdk
from tests.support.api import Api
from tests.support.processing import namespace_rest, setup_bucket, text_collection, wait_task
from tests.support.rest import Rest


def ids(listed: mixpeek.ListBatchesResponse) -> set[str]:
    return {b.batch_id for b in listed.results}


@pytest.mark.slow
def test_organization_batch_list_and_its_filters(typed: TypedSdk, base_url: str, sdk_org: Api) -> None:
    spaces: list[tuple[Rest, str, str, list[str]]] = []
    for _ in range(2):
        rest = namespace_rest(base_url, sdk_org.key)
        bucket_id, object_ids = setup_bucket(rest, ["a note about cats", "a note about dogs"])
        spaces.append((rest, bucket_id, text_collection(rest, {"type": "bucket", "bucket_id": bucket_id}), object_ids))
    (a, a_bucket, a_collection, a_objects), (b, b_bucket, _, b_objects) = spaces

    def batch(rest: Rest, bucket_id: str, object_ids: list[str], **body: Any) -> str:
        made = rest.post(f"/v1/buckets/{bucket_id}/batches", json={"object_ids": object_ids, **body})
        assert made.status_code == 200, made.text
        return str(made.json()["batch_id"])

    draft = batch(a, a_bucket, a_objects[:1])
    canceled = batch(a, a_bucket, a_objects[1:])
    assert a.post(f"/v1/batches/{canceled}/cancel").json()["status"] == "CANCELED"
    done = batch(a, a_bucket, a_objects, auto_submit=True)
    assert wait_task(a, a.get(f"/v1/batches/{done}").json()["task_id"])["status"] == "COMPLETED"
    other = batch(b, b_bucket, b_objects)

    batches = typed.api(mixpeek.BatchesApi)  # no namespace: the whole organization
    listed = batches.list_all_batches()
    assert isinstance(listed, mixpeek.ListBatchesResponse) and listed.total_count == 4
    assert [x.batch_id for x in listed.results] == [other, done, canceled, draft]  # newest first
    by_status = {s: ids(batches.list_all_batches(mixpeek.ListBatchesRequest(status=s))) for s in ("DRAFT", "CANCELED", "COMPLETED", "FAILED")}
    assert by_status == {"DRAFT": {draft, other}, "CANCELED": {canceled}, "COMPLETED": {done}, "FAILED": set()}
    assert ids(batches.list_all_batches(mixpeek.ListBatchesRequest(bucket_id=b_bucket))) == {other}
    assert ids(batches.list_all_batches(mixpeek.ListBatchesRequest(collection_id=a_collection, status="DRAFT"))) == {draft}
    page = batches.list_all_batches(mixpeek.ListBatchesRequest(offset=1, limit=2))
    assert [x.batch_id for x in page.results] == [done, canceled] and page.total_count == 4

    # One namespace: by the header (this SDK API sends none of its own), or by namespace_id in the body.
    a_ns, b_ns = a.client.headers["x-namespace"], b.client.headers["x-namespace"]
    assert ids(batches.list_all_batches(_headers={"X-Namespace": b_ns})) == {other}
    a_name = a.get(f"/v1/namespaces/{a_ns}").json()["namespace_name"]
    assert ids(batches.list_all_batches(mixpeek.ListBatchesRequest(namespace_id=a_name))) == {draft, canceled, done}
    with pytest.raises(ApiException) as conflicting:
        batches.list_all_batches(mixpeek.ListBatchesRequest(namespace_id=a_ns), _headers={"X-Namespace": b_ns})
    assert conflicting.value.status == 400 and "namespace_id" in conflicting.value.body
    with pytest.raises(ApiException) as unknown:
        batches.list_all_batches(mixpeek.ListBatchesRequest(namespace_id=a_ns, collection_id="col_nothere000000"))
    assert unknown.value.status == 404

    # The bucket's own list takes the same filters.
    bucket_list = typed.in_namespace(a_ns).api(mixpeek.BucketBatchesApi).list_batches_buckets(a_bucket, mixpeek.ListBatchesRequest(status="CANCELED"))
    assert ids(bucket_list) == {canceled} and bucket_list.total_count == 1

    # The task list by type (the typed API and the high-level client).
    tasks = typed.api(mixpeek.TasksApi)
    done_task = a.get(f"/v1/batches/{done}").json()["task_id"]
    assert [t.task_id for t in tasks.list_tasks(list_tasks_request=mixpeek.ListTasksRequest(task_type="api_buckets_batches_submit")).results] == [done_task]
    assert tasks.list_tasks(list_tasks_request=mixpeek.ListTasksRequest(task_type="api_collections_trigger")).results == []
    paged = [tasks.list_tasks(page_size=1, page=p) for p in (1, 2)]
    assert [[t.task_id for t in x.results] for x in paged] == [[done_task], []] and paged[1].pagination.page == 2
    mp = mixpeek.Mixpeek(sdk_org.key, base_url=f"{base_url}/v1")
    assert [t["task_id"] for t in mp.tasks.list(task_type="api_buckets_batches_submit", status="COMPLETED")["results"]] == [done_task]
    assert mp.tasks.list(task_type="api_namespaces_reconfigure")["results"] == []

    # gRPC: ListBatches without a bucket is the organization's list.
    stub = batch_pb2_grpc.BatchServiceStub(sdk_org.channel)
    answer = stub.ListBatches(batch_pb2.ListBatchesRequest(status=task_pb2.PROCESSING_STATUS_DRAFT), metadata=(("authorization", f"Bearer {sdk_org.key}"),))
    assert {x.batch_id for x in answer.results} == {draft, other} and answer.total_count == 2


@pytest.mark.slow
def test_a_batch_from_a_filter(typed: TypedSdk, base_url: str, sdk_org: Api) -> None:
    rest = namespace_rest(base_url, sdk_org.key)
    bucket_id, object_ids = setup_bucket(rest, ["zero", "one", "two", "three"])
    text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    batches = typed.in_namespace(rest.client.headers["x-namespace"]).api(mixpeek.BucketBatchesApi)
    some = mixpeek.LogicalOperatorInput.from_dict({"field": "metadata.title", "operator": "in", "value": ["t1", "t2", "t3"]})
    batch = batches.create_batch_buckets_batches(bucket_id, mixpeek.CreateBatchRequest(filters=some, limit=2))
    assert batch.status.value == "DRAFT" and batch.object_ids == sorted(object_ids[1:])[:2]  # in object ID order
    assert batches.create_batch_buckets_batches(bucket_id, mixpeek.CreateBatchRequest(filters=some)).object_ids == sorted(object_ids[1:])

    def refused(request: mixpeek.CreateBatchRequest) -> str:
        with pytest.raises(ApiException) as error:
            batches.create_batch_buckets_batches(bucket_id, request)
        assert error.value.status == 400
        return str(error.value.body)

    none = mixpeek.LogicalOperatorInput.from_dict({"field": "metadata.title", "value": "t9"})
    assert "matches no object" in refused(mixpeek.CreateBatchRequest(filters=none))
    assert "not both" in refused(mixpeek.CreateBatchRequest(filters=some, object_ids=object_ids[:1]))
    assert "filters.field" in refused(mixpeek.CreateBatchRequest(filters=mixpeek.LogicalOperatorInput.from_dict({"field": "metadata.nothere", "value": 1})))
    assert "only applies with filters" in refused(mixpeek.CreateBatchRequest(object_ids=object_ids[:1], limit=1))
    assert batches.list_batches_buckets(bucket_id).total_count == 2  # the refused ones made nothing

    # auto_submit in the query string (as the SDK sends it), and its deprecated alias.
    for flag in ({"auto_submit": True}, {"trigger_processing": True, "skip_validation": True}):
        submitted = batches.create_batch_buckets_batches(bucket_id, mixpeek.CreateBatchRequest(object_ids=object_ids[:1]), **flag)
        assert submitted.status.value != "DRAFT" and submitted.task_id, flag
        assert wait_task(rest, submitted.task_id)["status"] == "COMPLETED"
