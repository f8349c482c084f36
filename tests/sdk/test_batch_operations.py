"""Batch operations through Mixpeek's SDK (answers parsed into its models): bulk submit, submit-all,
patch, resubmit, the audit (typed API and the high-level client's `batches.audit`), logs, diagnose,
the cost estimate, deleting a batch's documents, and the organization's queue. The namespace,
bucket, objects and collection are made over vecplane's REST; the SDK drives the batches."""

from __future__ import annotations

from typing import Any

import mixpeek
import pytest
from mixpeek.exceptions import ApiException

from tests.sdk.conftest import TypedSdk
from tests.sdk.test_processing import poll_task
from tests.support.processing import document_ids, namespace_rest, setup_bucket, text_collection
from tests.support.rest import Rest


@pytest.fixture
def rest(base_url: str, sdk_org: Any) -> Rest:
    return namespace_rest(base_url, sdk_org.key)


@pytest.mark.slow
def test_bulk_submit_submit_all_patch_and_resubmit(typed: TypedSdk, rest: Rest) -> None:
    bucket_id, object_ids = setup_bucket(rest, ["one", "two", "three"])
    text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    sdk = typed.in_namespace(rest.client.headers["x-namespace"])
    batches, tasks = sdk.api(mixpeek.BucketBatchesApi), sdk.api(mixpeek.TasksApi)

    bulk = batches.bulk_submit_batches_buckets(bucket_id, mixpeek.BulkSubmitBatchesRequest(chunk_size=2))
    assert isinstance(bulk, mixpeek.BulkSubmitBatchesResponse)
    assert (bulk.total_objects, bulk.total_batches, bulk.submitted, bulk.failed, bulk.chunk_size) == (3, 2, 2, 0, 2)
    assert [b.object_count for b in bulk.batches] == [2, 1] and all(b.status == "PENDING" for b in bulk.batches)
    with pytest.raises(ApiException) as refused:
        batches.bulk_submit_batches_buckets(bucket_id, mixpeek.BulkSubmitBatchesRequest(chunk_size=1, max_objects=100_001))
    assert refused.value.status == 400 and "max_objects" in str(refused.value.body)

    drafts = [batches.create_batch_buckets_batches(bucket_id, mixpeek.CreateBatchRequest(object_ids=[o])).batch_id for o in object_ids[:2]]
    patched = batches.patch_batch_buckets_batches(bucket_id, drafts[0], mixpeek.PatchBatchRequest(metadata=mixpeek.BatchMetadata(campaign_id="spring", tags=["x"])))
    assert isinstance(patched, mixpeek.BatchModel) and patched.metadata is not None
    assert patched.metadata.campaign_id == "spring" and patched.metadata.tags == ["x"]
    submitted = batches.submit_all_drafts_buckets_batches(bucket_id)
    assert submitted["submitted"] == 2 and [r["batch_id"] for r in submitted["results"]] == drafts
    for result in submitted["results"]:
        assert poll_task(tasks, result["task_id"]).status.value == "COMPLETED"

    again = batches.resubmit_batch_buckets_batches(bucket_id, drafts[0])
    assert again["task_id"] not in {r["task_id"] for r in submitted["results"]}
    assert poll_task(tasks, again["task_id"]).status.value == "COMPLETED"
    parked = batches.resubmit_batch_buckets_batches(bucket_id, drafts[0], auto_submit=False)
    assert parked["status"] == "DRAFT"
    assert batches.get_batch_buckets_batches(bucket_id, drafts[0]).status.value == "DRAFT"


@pytest.mark.slow
def test_audit_logs_diagnose_estimate_delete_documents_and_queue(typed: TypedSdk, rest: Rest, mp: mixpeek.Mixpeek) -> None:
    bucket_id, object_ids = setup_bucket(rest, ["kept", None])
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    namespace = rest.client.headers["x-namespace"]
    sdk = typed.in_namespace(namespace)
    batches, tasks = sdk.api(mixpeek.BucketBatchesApi), sdk.api(mixpeek.TasksApi)
    batch = batches.create_batch_buckets_batches(bucket_id, mixpeek.CreateBatchRequest(object_ids=object_ids))

    estimate = batches.estimate_batch_cost_buckets_batches(bucket_id, batch.batch_id)
    assert isinstance(estimate, mixpeek.BatchCostEstimate)
    assert (estimate.object_count, estimate.estimated_credits, estimate.already_extracted_count) == (2, 0, 0)
    assert estimate.collection_ids == [collection_id]

    task = batches.submit_batch_buckets_batches(bucket_id, batch.batch_id)
    assert poll_task(tasks, task.task_id).status.value == "COMPLETED_WITH_ERRORS"

    audit = batches.get_batch_audit_buckets_batches(bucket_id, batch.batch_id)
    assert audit["all_balanced"] is True and audit["has_lost_objects"] is False
    (tier,) = [mixpeek.TierAuditInfo.from_dict(t) for t in audit["tiers"]]
    assert (tier.submitted, tier.processed, tier.failed, tier.lost, tier.balanced) == (2, 1, 1, 0, True)
    high_level = mixpeek.Mixpeek(mp.api_key, base_url=mp.base_url, namespace=namespace)
    assert high_level.batches.audit(bucket_id, batch.batch_id) == audit
    logs = batches.get_batch_logs_buckets_batches(bucket_id, batch.batch_id)
    assert [e["event"] for e in logs["logs"]] == ["created", "submitted", "task_started", "tier_finished", "task_finished"]
    assert [e["event"] for e in batches.get_batch_logs_buckets_batches(bucket_id, batch.batch_id, tier_num=1)["logs"]] == ["tier_finished"]
    diagnosis = batches.diagnose_batch_buckets_batches(bucket_id, batch.batch_id)
    assert diagnosis["status"] == "COMPLETED_WITH_ERRORS" and diagnosis["failed_documents"][0]["object_id"] == object_ids[1]

    deleted = batches.delete_batch_documents_buckets_batches(bucket_id, batch.batch_id)
    assert int(deleted["deleted_count"]) == 1 and document_ids(rest, collection_id) == []

    queue = sdk.api(mixpeek.BatchesApi).get_queue_status_batches()
    assert (int(queue["active_count"]), int(queue["waiting_count"]), queue["active"], queue["waiting"]) == (0, 0, [], [])
