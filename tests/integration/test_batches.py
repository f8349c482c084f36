"""Batches over REST and gRPC on the embedded defaults with the packaged MiniLM model: create, add,
submit, progress, failures and retry of only what failed, cancel, delete, and the bad-input
answers."""

from __future__ import annotations

import grpc
import pytest
from vecplane.v1 import batch_pb2, batch_pb2_grpc, task_pb2

from tests.support import resources as r
from tests.support.api import Api
from tests.support.processing import (
    document_ids,
    expected_ids,
    setup_bucket,
    text_collection,
    wait_task,
)
from tests.support.rest import Rest, envelope


def test_batch_lifecycle_draft_add_submit_complete(rest: Rest) -> None:
    bucket_id, object_ids = setup_bucket(rest, ["first text", "second text", "third text"])
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    created = rest.post(f"/v1/buckets/{bucket_id}/batches", json={"object_ids": object_ids[:2], "batch_name": "nightly"})
    assert created.status_code == 200, created.text
    batch = created.json()
    assert batch["status"] == "DRAFT" and batch["batch_id"].startswith("btch_") and batch["collection_ids"] == [collection_id]
    added = rest.post(f"/v1/buckets/{bucket_id}/batches/{batch['batch_id']}/objects", json={"object_ids": [object_ids[2], object_ids[0]]}).json()
    assert added["object_ids"] == object_ids
    submitted = rest.post(f"/v1/buckets/{bucket_id}/batches/{batch['batch_id']}/submit", json={})
    assert submitted.status_code == 200, submitted.text
    task = wait_task(rest, submitted.json()["task_id"])
    assert task["status"] == "COMPLETED" and task["task_type"] == "api_buckets_batches_submit"
    done = rest.get(f"/v1/batches/{batch['batch_id']}").json()
    assert done["status"] == "COMPLETED"
    assert {k: int(v) for k, v in done["progress"].items()} == {"processed": 3, "errors": 0, "documents_written": 3, "total": 3}
    assert done["tier_tasks"][0]["collection_ids"] == [collection_id]
    assert document_ids(rest, collection_id) == expected_ids(collection_id, bucket_id, object_ids)
    twice = envelope(rest.post(f"/v1/buckets/{bucket_id}/batches/{batch['batch_id']}/submit", json={}), 400, "BadRequestError")
    assert "already submitted" in twice["message"]
    late = envelope(rest.post(f"/v1/buckets/{bucket_id}/batches/{batch['batch_id']}/objects", json={"object_ids": object_ids[:1]}), 400, "BadRequestError")
    assert "DRAFT" in late["message"]
    listed = rest.post(f"/v1/buckets/{bucket_id}/batches/list", json={}).json()
    assert [b["batch_id"] for b in listed["results"]] == [batch["batch_id"]] and int(listed["total_count"]) == 1
    assert rest.delete(f"/v1/buckets/{bucket_id}/batches/{batch['batch_id']}").json()["success"] is True
    envelope(rest.get(f"/v1/buckets/{bucket_id}/batches/{batch['batch_id']}"), 404, "NotFoundError")


def test_bad_input_changes_nothing(rest: Rest) -> None:
    bucket_id, object_ids = setup_bucket(rest, ["text"])
    text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    other_bucket, other_ids = setup_bucket(rest, ["elsewhere"])
    empty = envelope(rest.post(f"/v1/buckets/{bucket_id}/batches", json={"object_ids": []}), 400, "BadRequestError")
    assert "object_ids" in str(empty)
    missing = envelope(rest.post(f"/v1/buckets/{bucket_id}/batches", json={"object_ids": [object_ids[0], "obj_missing01", other_ids[0]]}), 404, "NotFoundError")
    assert "obj_missing01" in missing["message"] and other_ids[0] in missing["message"] and object_ids[0] not in missing["message"]
    assert rest.post(f"/v1/buckets/{bucket_id}/batches/list", json={}).json()["results"] == []
    envelope(rest.get(f"/v1/buckets/{other_bucket}/batches/btch_000000000000"), 404, "NotFoundError")


def test_failure_is_recorded_and_retry_runs_only_what_failed(rest: Rest) -> None:
    bucket_id, object_ids = setup_bucket(rest, ["fine", None, "also fine"])
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    batch = rest.post(f"/v1/buckets/{bucket_id}/batches", json={"object_ids": object_ids, "auto_submit": True}).json()
    assert batch["status"] in ("PENDING", "IN_PROGRESS", "COMPLETED_WITH_ERRORS")
    first = wait_task(rest, batch["task_id"])
    assert first["status"] == "COMPLETED_WITH_ERRORS"
    failed = rest.get(f"/v1/buckets/{bucket_id}/batches/{batch['batch_id']}/failed-documents").json()
    assert int(failed["total_count"]) == 1
    (failure,) = failed["results"]
    assert failure["object_id"] == object_ids[1] and failure["collection_id"] == collection_id and "content" in failure["error"]
    # The object is unchanged, so the retry runs it (and only it) and it fails again.
    retried = rest.post(f"/v1/buckets/{bucket_id}/batches/{batch['batch_id']}/retry", json={}).json()
    assert retried["additional_data"]["object_ids"] == [object_ids[1]] and retried["task_id"] != batch["task_id"]
    second = wait_task(rest, retried["task_id"])
    assert second["status"] == "COMPLETED_WITH_ERRORS" and second["additional_data"]["tiers"][0]["processed"] == 1
    after = rest.get(f"/v1/batches/{batch['batch_id']}").json()
    assert after["task_id"] == retried["task_id"] and after["retry_count"] == 1
    assert document_ids(rest, collection_id) == expected_ids(collection_id, bucket_id, [object_ids[0], object_ids[2]])


def test_retry_after_fixing_the_object_completes(rest: Rest) -> None:
    bucket = rest.post("/v1/buckets", json={"bucket_name": r.unique("bkt"), "bucket_schema": {"properties": {"content": {"type": "text"}}}}).json()
    bucket_id = bucket["bucket_id"]
    good = rest.post(f"/v1/buckets/{bucket_id}/objects", json={"blobs": [{"property": "content", "type": "text", "data": "good"}]}).json()["object_id"]
    broken = rest.post(f"/v1/buckets/{bucket_id}/objects", json={"blobs": [], "idempotency_key": "fix-me"}).json()["object_id"]
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    batch = rest.post(f"/v1/buckets/{bucket_id}/batches", json={"object_ids": [good, broken], "auto_submit": True}).json()
    assert wait_task(rest, batch["task_id"])["status"] == "COMPLETED_WITH_ERRORS"
    assert rest.delete(f"/v1/buckets/{bucket_id}/objects/{broken}").status_code == 200
    fixed = rest.post(f"/v1/buckets/{bucket_id}/objects", json={"blobs": [{"property": "content", "type": "text", "data": "fixed"}], "idempotency_key": "fix-me"}).json()
    assert fixed["object_id"] == broken
    retried = rest.post(f"/v1/buckets/{bucket_id}/batches/{batch['batch_id']}/retry", json={}).json()
    assert wait_task(rest, retried["task_id"])["status"] == "COMPLETED"
    assert rest.get(f"/v1/batches/{batch['batch_id']}").json()["status"] == "COMPLETED"
    assert document_ids(rest, collection_id) == expected_ids(collection_id, bucket_id, [good, broken])
    nothing = envelope(rest.post(f"/v1/buckets/{bucket_id}/batches/{batch['batch_id']}/retry", json={}), 400, "BadRequestError")
    assert "nothing to retry" in nothing["message"]


def test_grpc_batch_draft_cancel(rest: Rest, api: Api) -> None:
    bucket_id, object_ids = setup_bucket(rest, ["x"])
    text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    metadata = (("authorization", f"Bearer {api.key}"), ("x-namespace", rest.client.headers["x-namespace"]))
    stub = batch_pb2_grpc.BatchServiceStub(api.channel)
    batch = stub.CreateBatch(batch_pb2.CreateBatchRequest(bucket_id=bucket_id, object_ids=object_ids), metadata=metadata).batch
    canceled = stub.CancelBatch(batch_pb2.CancelBatchRequest(bucket_id=bucket_id, batch_id=batch.batch_id), metadata=metadata).task
    assert canceled.status == task_pb2.PROCESSING_STATUS_CANCELED
    got = stub.GetBatch(batch_pb2.GetBatchRequest(batch_id=batch.batch_id), metadata=metadata).batch
    assert got.status == task_pb2.PROCESSING_STATUS_CANCELED and not got.task_id
    with pytest.raises(grpc.RpcError) as error:
        stub.SubmitBatch(batch_pb2.SubmitBatchRequest(bucket_id=bucket_id, batch_id=batch.batch_id), metadata=metadata)
    assert error.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    with pytest.raises(grpc.RpcError) as error:
        stub.CreateBatch(batch_pb2.CreateBatchRequest(bucket_id=bucket_id), metadata=metadata)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
