"""Processing through Mixpeek's SDK: batches (create, add objects, submit, failed documents, retry,
cancel, delete), tasks polled to their end, and the collection trigger, through the typed API (every
answer parsed into the SDK's models) and the high-level client. The namespace, bucket, objects and
collection are made over vecplane's REST in the seed shapes; the SDK drives the processing."""

from __future__ import annotations

import time
from typing import Any

import mixpeek
import pytest
from mixpeek.exceptions import ApiException

from tests.sdk.conftest import TypedSdk
from tests.support.processing import namespace_rest, setup_bucket, text_collection
from tests.support.rest import Rest

TERMINAL = {"COMPLETED", "COMPLETED_WITH_ERRORS", "FAILED", "CANCELED"}


def poll_task(tasks: mixpeek.TasksApi, task_id: str, timeout: float = 60) -> mixpeek.TaskResponse:
    deadline = time.monotonic() + timeout
    while True:
        task = tasks.get_task(task_id)
        if task.status.value in TERMINAL or time.monotonic() > deadline:
            return task
        time.sleep(0.1)


def poll_mp_task(mp: mixpeek.Mixpeek, task_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        task = mp.tasks.get(task_id)
        if task["status"] in TERMINAL or time.monotonic() > deadline:
            return task
        time.sleep(0.1)


@pytest.fixture
def rest(base_url: str, sdk_org: Any) -> Rest:
    return namespace_rest(base_url, sdk_org.key)


@pytest.mark.slow
def test_batch_flow_through_the_typed_api(typed: TypedSdk, rest: Rest) -> None:
    bucket_id, object_ids = setup_bucket(rest, ["a note about cats", None, "a note about dogs"])
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    sdk = typed.in_namespace(rest.client.headers["x-namespace"])
    batches, tasks = sdk.api(mixpeek.BucketBatchesApi), sdk.api(mixpeek.TasksApi)

    draft = batches.create_batch_buckets_batches_with_http_info(bucket_id, mixpeek.CreateBatchRequest(object_ids=object_ids[:2], batch_name="nightly"))
    assert draft.status_code == 200 and isinstance(draft.data, mixpeek.BatchModel)
    batch = draft.data
    assert batch.status.value == "DRAFT" and batch.total_tiers == 1 and batch.collection_ids == [collection_id]
    batch = batches.add_objects_to_batch_buckets_batches(bucket_id, batch.batch_id, mixpeek.AddObjectsToBatchRequest(object_ids=object_ids[2:]))
    assert batch.object_ids == object_ids
    assert batches.get_batch_buckets_batches(bucket_id, batch.batch_id).batch_name == "nightly"
    listed = batches.list_batches_buckets(bucket_id)
    assert [b.batch_id for b in listed.results] == [batch.batch_id] and listed.total_count == 1

    submitted = batches.submit_batch_buckets_batches(bucket_id, batch.batch_id)
    assert isinstance(submitted, mixpeek.TaskResponse) and submitted.task_type.value == "api_buckets_batches_submit"
    task = poll_task(tasks, submitted.task_id)
    assert task.status.value == "COMPLETED_WITH_ERRORS", task  # the object without text fails
    done = batches.get_batch_buckets_batches(bucket_id, batch.batch_id)
    assert done.status.value == "COMPLETED_WITH_ERRORS" and done.failed_object_count == 1
    (tier,) = done.tier_tasks
    assert (tier.tier_num, tier.source_type, tier.collection_ids) == (1, "bucket", [collection_id])
    failed = batches.get_failed_documents_buckets_batches_batch(bucket_id, batch.batch_id)
    assert [f["object_id"] for f in failed["results"]] == [object_ids[1]] and failed["total_count"] == 1
    # The organization-level path reads the same batch.
    assert sdk.api(mixpeek.BatchesApi).get_batch_by_id_batches(batch.batch_id).status.value == "COMPLETED_WITH_ERRORS"

    # Retry takes Mixpeek's options: the defaults run the failed object again.
    with pytest.raises(ApiException) as refused:
        batches.retry_batch_buckets_batches(bucket_id, batch.batch_id, mixpeek.RetryBatchRequest(tier_nums=[1]))
    assert refused.value.status == 400 and "tier_nums" in refused.value.body
    retried = batches.retry_batch_buckets_batches(bucket_id, batch.batch_id, mixpeek.RetryBatchRequest())
    assert retried["additional_data"]["object_ids"] == [object_ids[1]]
    assert poll_task(tasks, retried["task_id"]).status.value == "COMPLETED_WITH_ERRORS"
    with pytest.raises(ApiException) as capped:
        batches.retry_batch_buckets_batches(bucket_id, batch.batch_id, mixpeek.RetryBatchRequest(max_retry_count=1))
    assert capped.value.status == 400 and "max_retry_count" in capped.value.body

    page = tasks.list_tasks_with_http_info()
    assert isinstance(page.data, mixpeek.ListTasksResponse)
    assert {t.task_id for t in page.data.results} >= {submitted.task_id, retried["task_id"]}
    assert page.data.pagination.page == 1 and page.data.pagination.page_size == 100

    triggered = sdk.api(mixpeek.CollectionsApi).trigger_collection_with_http_info(collection_id, mixpeek.TriggerCollectionRequest(object_ids=object_ids[:1]))
    assert triggered.status_code == 202 and isinstance(triggered.data, mixpeek.TriggerCollectionResponse)
    assert triggered.data.collection_id == collection_id and triggered.data.total_tiers == 1 and triggered.data.object_count == 1
    assert poll_task(tasks, triggered.data.task_id).status.value == "COMPLETED"

    # A draft canceled (organization-level path), then deleted; killing a finished task changes nothing
    # (the answer is the task, which parses as the SDK's GenericDeleteResponse).
    other = batches.create_batch_buckets_batches(bucket_id, mixpeek.CreateBatchRequest(object_ids=object_ids[:1]))
    assert sdk.api(mixpeek.BatchesApi).cancel_batch_by_id_batches(other.batch_id).status.value == "CANCELED"
    deleted = batches.delete_batch_buckets_batches(bucket_id, other.batch_id)
    assert isinstance(deleted, mixpeek.GenericDeleteResponse) and deleted.success
    killed = tasks.kill_task_with_http_info(triggered.data.task_id)
    assert killed.status_code == 200 and isinstance(killed.data, mixpeek.GenericDeleteResponse)
    assert poll_task(tasks, triggered.data.task_id).status.value == "COMPLETED"


@pytest.mark.slow
def test_trigger_tasks_and_batches_through_the_high_level_client(mp: mixpeek.Mixpeek, rest: Rest) -> None:
    bucket_id, object_ids = setup_bucket(rest, ["first text", "second text"])
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    namespace = rest.client.headers["x-namespace"]

    triggered = mp.collections.trigger(collection_id, namespace=namespace)
    assert triggered.collection_id == collection_id and triggered.total_tiers == 1
    assert poll_mp_task(mp, triggered.task_id)["status"] == "COMPLETED"
    listed = mp.tasks.list()
    assert triggered.task_id in [t["task_id"] for t in listed["results"]] and listed["pagination"]["page"] == 1

    batch_id = rest.post(f"/v1/buckets/{bucket_id}/batches", json={"object_ids": object_ids, "auto_submit": True}).json()["batch_id"]
    mp_ns = mixpeek.Mixpeek(mp.api_key, base_url=mp.base_url, namespace=namespace)
    batch = mp_ns.batches.get(bucket_id, batch_id)
    assert poll_mp_task(mp, batch["task_id"])["status"] == "COMPLETED"
    assert mp_ns.batches.get(bucket_id, batch_id)["status"] == "COMPLETED"
    assert mp_ns.batches.failed_documents(bucket_id, batch_id, limit=10) == {"results": [], "total_count": 0}
    stopped = mp.tasks.delete(batch["task_id"])
    assert stopped["task_id"] == batch["task_id"] and stopped["status"] == "COMPLETED"
