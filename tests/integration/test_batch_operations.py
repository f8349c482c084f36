"""Batch operations beyond one submit, over REST and gRPC on the embedded defaults with the packaged
MiniLM model: patch (what may change in which state), submit-all, bulk submit (chunks and caps),
resubmit (a new task, a DRAFT again, or from a later tier), the audit trail and the per-tier
audit, logs, diagnose, the cost estimate, deleting a batch's documents, and the organization's
queue."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from vecplane.v1 import batch_pb2, batch_pb2_grpc, task_pb2

from tests.conftest import new_org_api
from tests.support.api import Api
from tests.support.processing import (
    document_ids,
    expected_ids,
    namespace_rest,
    setup_bucket,
    text_collection,
    wait_task,
)
from tests.support.rest import Rest, envelope


def batches_of(bucket_id: str) -> str:
    return f"/v1/buckets/{bucket_id}/batches"


def draft(rest: Rest, bucket_id: str, object_ids: list[str], **body: Any) -> str:
    made = rest.post(batches_of(bucket_id), json={"object_ids": object_ids, **body})
    assert made.status_code == 200, made.text
    return str(made.json()["batch_id"])


def finished(rest: Rest, bucket_id: str, batch_id: str) -> dict[str, Any]:
    batch = rest.get(f"{batches_of(bucket_id)}/{batch_id}").json()
    wait_task(rest, batch["task_id"])
    return dict(rest.get(f"{batches_of(bucket_id)}/{batch_id}").json())


def events(rest: Rest, bucket_id: str, batch_id: str) -> list[str]:
    logs = rest.get(f"{batches_of(bucket_id)}/{batch_id}/logs").json()
    assert logs["total_count"] == len(logs["logs"])
    return [e["event"] for e in logs["logs"]]


def test_patch_and_submit_all(rest: Rest) -> None:
    bucket_id, object_ids = setup_bucket(rest, ["one", "two", "three"])
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    first, second = draft(rest, bucket_id, object_ids[:2]), draft(rest, bucket_id, object_ids[2:])
    path = f"{batches_of(bucket_id)}/{first}"

    patched = rest.patch(path, json={"metadata": {"campaign_id": "spring", "tags": ["a"]}, "batch_name": "renamed"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["metadata"] == {"campaign_id": "spring", "tags": ["a"]} and patched.json()["batch_name"] == "renamed"
    assert "metadata" in envelope(rest.patch(path, json={}), 400, "BadRequestError")["message"]
    assert "batch_name" in str(envelope(rest.patch(path, json={"batch_name": "x" * 257}), 400, "BadRequestError"))
    envelope(rest.patch(path, json={"collection_ids": ["col_missing001"]}), 404, "NotFoundError")
    assert rest.patch(path, json={"collection_ids": [collection_id]}).json()["collection_ids"] == [collection_id]
    refused = rest.patch(path, json={"status": "COMPLETED"})
    assert refused.status_code == 422 and "status" in refused.text
    assert rest.get(path).json()["batch_name"] == "renamed"  # the refused patches changed nothing

    submitted = rest.post(f"{batches_of(bucket_id)}/submit-all", json={})
    assert submitted.status_code == 200, submitted.text
    body = submitted.json()
    assert body["submitted"] == 2 and body["failed"] == 0 and int(body["remaining"]) == 0
    assert [x["batch_id"] for x in body["results"]] == [first, second]  # oldest first
    assert all(x["task_id"] and x["status"] == "PENDING" and not x["error"] for x in body["results"])
    assert [int(x["object_count"]) for x in body["results"]] == [2, 1]
    assert rest.post(f"{batches_of(bucket_id)}/submit-all", json={}).json()["submitted"] == 0

    assert finished(rest, bucket_id, first)["status"] == "COMPLETED"
    late = envelope(rest.patch(path, json={"collection_ids": [collection_id]}), 400, "BadRequestError")
    assert "collection_ids" in late["message"]
    assert rest.patch(path, json={"metadata": {"notes": "checked"}}).json()["metadata"] == {"notes": "checked"}  # any state
    assert rest.patch(path, json={"metadata": {}}).json()["metadata"] == {}  # an empty one clears it
    assert events(rest, bucket_id, first)[:6] == ["created", "patched", "patched", "submitted", "task_started", "tier_finished"]
    assert "patched" in events(rest, bucket_id, first)[-1:]


@pytest.mark.slow
def test_the_audit_trail_keeps_the_newest_200_events(rest: Rest) -> None:
    bucket_id, object_ids = setup_bucket(rest, ["one"])
    text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    batch_id = draft(rest, bucket_id, object_ids)
    for n in range(205):
        assert rest.patch(f"{batches_of(bucket_id)}/{batch_id}", json={"metadata": {"n": n}}).status_code == 200
    logs = rest.get(f"{batches_of(bucket_id)}/{batch_id}/logs").json()
    assert logs["total_count"] == 200 and {e["event"] for e in logs["logs"]} == {"patched"}  # "created" and the first patches went
    assert [e["at"] for e in logs["logs"]] == sorted(e["at"] for e in logs["logs"])


def test_bulk_submit_chunks_the_bucket_and_caps_what_it_takes(rest: Rest) -> None:
    bucket_id, object_ids = setup_bucket(rest, [f"text {n}" for n in range(5)])
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    bulk = f"{batches_of(bucket_id)}/bulk-submit"
    for body, field in (({"chunk_size": 50_001}, "chunk_size"), ({"max_objects": 100_001}, "max_objects"), ({"chunk_size": -1}, "chunk_size")):
        assert field in str(envelope(rest.post(bulk, json=body), 400, "BadRequestError"))
    nothing = {"AND": [{"field": "metadata.title", "operator": "eq", "value": "none such"}]}
    assert "filters" in str(envelope(rest.post(bulk, json={"filters": nothing}), 400, "BadRequestError"))
    envelope(rest.post(bulk, json={"collection_ids": ["col_missing001"]}), 404, "NotFoundError")
    assert rest.post(f"{batches_of(bucket_id)}/list", json={}).json()["total_count"] == 0  # refused calls made nothing

    made = rest.post(bulk, json={"chunk_size": 2, "max_objects": 4})
    assert made.status_code == 200, made.text
    out = made.json()
    assert (int(out["total_objects"]), out["total_batches"], out["submitted"], out["failed"], out["chunk_size"]) == (4, 2, 2, 0, 2)
    assert out["batch_group_id"].startswith("bgrp_")
    batches = [rest.get(f"{batches_of(bucket_id)}/{b['batch_id']}").json() for b in out["batches"]]
    assert [b["object_ids"] for b in batches] == [sorted(object_ids)[:2], sorted(object_ids)[2:4]]  # object ID order
    assert {b["batch_group_id"] for b in batches} == {out["batch_group_id"]}
    for b in batches:
        assert finished(rest, bucket_id, b["batch_id"])["status"] == "COMPLETED"
    assert document_ids(rest, collection_id) == expected_ids(collection_id, bucket_id, sorted(object_ids)[:4])

    whole = rest.post(bulk, json={"filters": {"AND": [{"field": "metadata.title", "operator": "eq", "value": "t4"}]}}).json()
    assert whole["total_batches"] == 1 and int(whole["total_objects"]) == 1 and whole["chunk_size"] == 1000


def test_resubmit_runs_a_finished_batch_again_or_makes_it_a_draft(rest: Rest, channel: grpc.Channel, api: Api) -> None:
    bucket_id, object_ids = setup_bucket(rest, ["alpha", "beta"])
    first = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    second = text_collection(rest, {"type": "collection", "collection_id": first}, input_path="content")
    batch_id = draft(rest, bucket_id, object_ids)
    path = f"{batches_of(bucket_id)}/{batch_id}"
    assert "submit it" in envelope(rest.post(f"{path}/resubmit", json={}), 400, "BadRequestError")["message"]
    rest.post(f"{path}/submit", json={})
    done = finished(rest, bucket_id, batch_id)
    assert done["status"] == "COMPLETED" and done["total_tiers"] == 2

    again = rest.post(f"{path}/resubmit", json={})
    assert again.status_code == 200, again.text
    assert again.json()["task_id"] != done["task_id"] and again.json()["status"] in ("PENDING", "IN_PROGRESS", "COMPLETED")
    rerun = finished(rest, bucket_id, batch_id)
    assert rerun["status"] == "COMPLETED" and int(rerun["progress"]["processed"]) == 4 and rerun["retry_count"] == 0

    # From the second tier (counted from 0, as Mixpeek's): the first is kept from the last task.
    later = rest.post(f"{path}/resubmit?from_tier=1", json={}).json()
    kept = wait_task(rest, later["task_id"])
    tiers = kept["additional_data"]["tiers"]
    assert kept["status"] == "COMPLETED" and [t["status"] for t in tiers] == ["COMPLETED", "COMPLETED"]
    assert int(tiers[0]["processed"]) == 2 and int(tiers[1]["processed"]) == 2 and tiers[1]["collection_ids"] == [second]
    tier_runs = {n: [e["task_id"] for e in rest.get(f"{path}/logs?tier_num={n}").json()["logs"]] for n in (1, 2)}
    assert later["task_id"] not in tier_runs[1] and later["task_id"] in tier_runs[2]  # tier 1 did not run again
    assert "from_tier" in str(envelope(rest.post(f"{path}/resubmit?from_tier=2", json={}), 400, "BadRequestError"))
    assert "from_tier" in str(envelope(rest.post(f"{path}/resubmit?from_tier=1&auto_submit=false", json={}), 400, "BadRequestError"))

    parked = rest.post(f"{path}/resubmit", json={"auto_submit": False}).json()
    assert parked["status"] == "DRAFT" and parked["task_id"] == ""
    assert rest.patch(path, json={"collection_ids": [first]}).status_code == 200  # a DRAFT again: it can change
    grpc_api = api.in_namespace(rest.client.headers["x-namespace"])
    resubmitted = grpc_api.call(batch_pb2_grpc.BatchServiceStub(channel).SubmitBatch, batch_pb2.SubmitBatchRequest(bucket_id=bucket_id, batch_id=batch_id))
    assert wait_task(rest, resubmitted.task.task_id)["status"] == "COMPLETED"
    trail = events(rest, bucket_id, batch_id)
    assert trail.count("resubmitted") == 2 and "reset_to_draft" in trail and trail.count("submitted") == 2

    canceled = draft(rest, bucket_id, object_ids[:1])
    rest.post(f"{batches_of(bucket_id)}/{canceled}/cancel", json={})
    assert rest.post(f"{batches_of(bucket_id)}/{canceled}/resubmit", json={"auto_submit": False}).json()["status"] == "DRAFT"


def test_audit_diagnose_estimate_and_deleting_the_documents(rest: Rest, base_url: str, root: Api, api: Api, channel: grpc.Channel) -> None:
    bucket_id, object_ids = setup_bucket(rest, ["kept", None, "also kept"])  # the second has no content: it fails
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    batch_id = draft(rest, bucket_id, object_ids)
    path = f"{batches_of(bucket_id)}/{batch_id}"

    estimate = rest.post(f"{path}/estimate-cost", json={}).json()
    assert (int(estimate["object_count"]), int(estimate["already_extracted_count"]), int(estimate["estimated_credits"])) == (3, 0, 0)
    assert estimate["collection_ids"] == [collection_id] and estimate["extractors"] == ["minilm_text_extractor_v1"]
    assert estimate["dedup_strategy"] == "replace" and "no credits" in estimate["warnings"][0]
    assert "never submitted" in envelope(rest.delete(f"{path}/documents"), 400, "BadRequestError")["message"]
    assert rest.get(f"{path}/audit").json()["tiers"] == []

    rest.post(f"{path}/submit", json={})
    assert finished(rest, bucket_id, batch_id)["status"] == "COMPLETED_WITH_ERRORS"
    audit = rest.get(f"{path}/audit").json()
    (tier,) = audit["tiers"]
    assert (tier["tier_num"], int(tier["submitted"]), int(tier["processed"]), int(tier["failed"]), int(tier["lost"]), tier["balanced"]) == (1, 3, 2, 1, 0, True)
    assert audit["all_balanced"] is True and audit["has_lost_objects"] is False
    assert [e["event"] for e in audit["events"]] == ["created", "submitted", "task_started", "tier_finished", "task_finished"]
    assert audit["events"][-1]["status"] == "COMPLETED_WITH_ERRORS"
    over_grpc = api.in_namespace(rest.client.headers["x-namespace"]).call(
        batch_pb2_grpc.BatchServiceStub(channel).GetBatchAudit, batch_pb2.GetBatchAuditRequest(bucket_id=bucket_id, batch_id=batch_id)
    )
    assert over_grpc.status == task_pb2.PROCESSING_STATUS_COMPLETED_WITH_ERRORS and over_grpc.all_balanced
    assert [(t.submitted, t.processed, t.failed) for t in over_grpc.tiers] == [(3, 2, 1)] and len(over_grpc.events) == 5
    assert [e["event"] for e in rest.get(f"{path}/logs?tier_num=1").json()["logs"]] == ["tier_finished"]
    assert "tier_num" in str(envelope(rest.get(f"{path}/logs?tier_num=0"), 400, "BadRequestError"))

    diagnosis = rest.get(f"{path}/diagnose").json()
    assert diagnosis["status"] == "COMPLETED_WITH_ERRORS" and int(diagnosis["failed_document_count"]) == 1
    assert diagnosis["failed_documents"][0]["object_id"] == object_ids[1]
    assert sum(int(n) for n in diagnosis["error_summary"].values()) == 1
    timing = diagnosis["timing"]
    assert timing["submitted_at"] <= timing["started_at"] <= timing["finished_at"] and int(timing["duration_ms"]) >= 0
    assert "retry" in diagnosis["recommendations"][0] and diagnosis["infrastructure_events"] == []

    assert int(rest.post(f"{path}/estimate-cost", json={}).json()["already_extracted_count"]) == 2
    other = namespace_rest(base_url, new_org_api(root).key)  # another organization's: NOT_FOUND, nothing deleted
    envelope(other.delete(f"{path}/documents"), 404, "NotFoundError")
    envelope(other.get(f"{path}/audit"), 404, "NotFoundError")
    deleted = rest.delete(f"{path}/documents")
    assert deleted.status_code == 200, deleted.text
    assert int(deleted.json()["deleted_count"]) == 2 and {k: int(v) for k, v in deleted.json()["by_collection"].items()} == {collection_id: 2}
    assert document_ids(rest, collection_id) == []
    assert int(rest.delete(f"{path}/documents").json()["deleted_count"]) == 0
    assert events(rest, bucket_id, batch_id)[-1] == "documents_deleted"


@pytest.mark.slow  # its tasks hold the workers 3 s
def test_the_queue_lists_the_organizations_waiting_and_running_tasks(rest: Rest, server: Any, base_url: str, root: Api) -> None:
    bucket_id, object_ids = setup_bucket(rest, ["q1", "q2", "q3"])
    text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    for object_id in object_ids:
        draft(rest, bucket_id, [object_id])
    server.app.faults.arm("processing.after_claim", "sleep:3")  # a claimed task holds its worker
    try:
        body = rest.post(f"{batches_of(bucket_id)}/submit-all", json={}).json()
        queue = rest.get("/v1/batches/queue").json()
        elsewhere = namespace_rest(base_url, new_org_api(root).key).get("/v1/batches/queue").json()
    finally:
        server.app.faults.disarm("processing.after_claim")
    mine = {x["task_id"] for x in body["results"]}
    listed = queue["active"] + queue["waiting"]
    assert {t["task_id"] for t in listed} == mine and int(queue["active_count"]) + int(queue["waiting_count"]) == 3
    assert all(t["status"] == "IN_PROGRESS" for t in queue["active"]) and all(t["status"] == "PENDING" for t in queue["waiting"])
    assert int(queue["waiting_count"]) >= 1  # two workers, three tasks
    assert (int(elsewhere["active_count"]), int(elsewhere["waiting_count"])) == (0, 0)  # another organization's queue
    assert {t["batch_id"] for t in listed} == {x["batch_id"] for x in body["results"]}
    for task_id in mine:
        wait_task(rest, task_id)
    after = rest.get("/v1/batches/queue").json()
    assert (int(after["active_count"]), int(after["waiting_count"]), after["active"], after["waiting"]) == (0, 0, [], [])
