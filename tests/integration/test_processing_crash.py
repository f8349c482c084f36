"""SIGKILL of the server at each fault point of a processing task, then a restart: the task completes
with exactly the expected documents (count and IDs), none duplicated or lost, and its counters
count each source once."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.usecases.batches import QUEUE_FAULT
from tests.support.processing import (
    document_ids,
    expected_ids,
    namespace_rest,
    setup_bucket,
    text_collection,
    wait_task,
)
from tests.support.rest import Rest
from tests.support.servers import ADMIN_KEY, ServerProcess

OBJECTS = 30
ENV = {"VECPLANE_PROCESSING_CHUNK": "8", "VECPLANE_PROCESSING_LEASE": "2"}


@pytest.mark.slow
@pytest.mark.parametrize("point", ["processing.after_claim", "processing.after_write", "processing.after_checkpoint", "processing.before_finish"])
def test_sigkill_during_a_task_then_restart_completes_it_exactly(tmp_path: Path, point: str) -> None:
    process = ServerProcess(tmp_path, env={**ENV, "VECPLANE_FAULTS": f"{point}=kill"}).start()
    try:
        rest = namespace_rest(f"http://127.0.0.1:{process.http_port}", ADMIN_KEY)
        bucket_id, object_ids = setup_bucket(rest, [f"crash text {i}" for i in range(OBJECTS)])
        first = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
        second = text_collection(rest, {"type": "collection", "collection_id": first})
        task_id = rest.post(f"/v1/collections/{first}/trigger", json={}).json()["task_id"]
        assert process.wait_exit() == -signal.SIGKILL
    finally:
        process.kill()
    process = ServerProcess(tmp_path, env=ENV).start()
    try:
        rest = Rest(f"http://127.0.0.1:{process.http_port}", ADMIN_KEY, rest.client.headers["x-namespace"])
        task = _wait(rest, task_id)
        assert task["status"] == "COMPLETED", task
        tiers = task["additional_data"]["tiers"]
        assert [(t["processed"], t["failed"], t["documents_written"]) for t in tiers] == [(OBJECTS, 0, OBJECTS), (OBJECTS, 0, OBJECTS)]
        parents = expected_ids(first, bucket_id, object_ids)
        assert document_ids(rest, first) == parents
        assert len(document_ids(rest, second)) == OBJECTS
        count = rest.get(f"/v1/collections/{second}/documents/count").json()["count"]
        assert int(count) == OBJECTS
    finally:
        process.stop()


def _wait(rest: Rest, task_id: str) -> dict[str, Any]:
    """The task once terminal, through the restarting server."""
    deadline = time.monotonic() + 90
    while True:
        try:
            return wait_task(rest, task_id, timeout=90)
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@pytest.mark.slow
@pytest.mark.crash
def test_sigkill_between_a_batch_submit_and_its_task_then_restart_runs_it(tmp_path: Path) -> None:
    """The batch names its task, then the server dies before storing it: the next start stores it,
    and the batch runs to exactly its documents; meanwhile it never shows a state without a task."""
    process = ServerProcess(tmp_path, env={**ENV, "VECPLANE_FAULTS": f"{QUEUE_FAULT}=kill"}).start()
    try:
        rest = namespace_rest(f"http://127.0.0.1:{process.http_port}", ADMIN_KEY)
        bucket_id, object_ids = setup_bucket(rest, [f"batch text {i}" for i in range(12)])
        collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
        batch_id = rest.post(f"/v1/buckets/{bucket_id}/batches", json={"object_ids": object_ids[:10]}).json()["batch_id"]
        with pytest.raises(httpx.HTTPError):
            rest.post(f"/v1/buckets/{bucket_id}/batches/{batch_id}/submit", json={})
        assert process.wait_exit() == -signal.SIGKILL
    finally:
        process.kill()
    process = ServerProcess(tmp_path, env=ENV).start()
    try:
        rest = Rest(f"http://127.0.0.1:{process.http_port}", ADMIN_KEY, rest.client.headers["x-namespace"])
        batch = rest.get(f"/v1/batches/{batch_id}").json()
        assert batch["task_id"] and batch["status"] in ("PENDING", "IN_PROGRESS", "COMPLETED"), batch
        task = _wait(rest, batch["task_id"])
        assert task["status"] == "COMPLETED" and task["additional_data"]["batch_id"] == batch_id, task
        assert task["additional_data"]["object_ids"] == object_ids[:10]
        assert rest.get(f"/v1/batches/{batch_id}").json()["status"] == "COMPLETED"
        assert document_ids(rest, collection_id) == expected_ids(collection_id, bucket_id, object_ids[:10])
        again = rest.post(f"/v1/buckets/{bucket_id}/batches/{batch_id}/submit", json={})
        assert again.status_code == 400, again.text  # submitted once: FAILED_PRECONDITION
        trail = [e["event"] for e in rest.get(f"/v1/buckets/{bucket_id}/batches/{batch_id}/logs").json()["logs"]]
        assert trail == ["created", "recovered", "task_started", "tier_finished", "task_finished"]  # the submit died before recording itself
    finally:
        process.stop()


@pytest.mark.slow
@pytest.mark.crash
def test_sigkill_during_a_batch_then_restart_records_the_take_over(tmp_path: Path) -> None:
    """A batch's task interrupted by a crash after a checkpoint resumes at the next start: its audit
    trail and its diagnosis say it was taken over, and its tier's accounting still balances."""
    process = ServerProcess(tmp_path, env={**ENV, "VECPLANE_FAULTS": "processing.after_checkpoint=kill"}).start()
    try:
        rest = namespace_rest(f"http://127.0.0.1:{process.http_port}", ADMIN_KEY)
        bucket_id, object_ids = setup_bucket(rest, [f"batch text {i}" for i in range(OBJECTS)])
        text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
        batch_id = rest.post(f"/v1/buckets/{bucket_id}/batches", json={"object_ids": object_ids, "auto_submit": True}).json()["batch_id"]
        assert process.wait_exit() == -signal.SIGKILL
    finally:
        process.kill()
    process = ServerProcess(tmp_path, env=ENV).start()
    try:
        rest = Rest(f"http://127.0.0.1:{process.http_port}", ADMIN_KEY, rest.client.headers["x-namespace"])
        path = f"/v1/buckets/{bucket_id}/batches/{batch_id}"
        assert _wait(rest, rest.get(path).json()["task_id"])["status"] == "COMPLETED"
        trail = [e["event"] for e in rest.get(f"{path}/logs").json()["logs"]]
        assert trail == ["created", "submitted", "task_started", "task_resumed", "tier_finished", "task_finished"], trail
        diagnosis = rest.get(f"{path}/diagnose").json()
        assert [e["event"] for e in diagnosis["infrastructure_events"]] == ["task_resumed"] and "taken over 1 time" in diagnosis["recommendations"][-1]
        (tier,) = rest.get(f"{path}/audit").json()["tiers"]
        assert (int(tier["submitted"]), int(tier["processed"]), int(tier["lost"]), tier["balanced"]) == (OBJECTS, OBJECTS, 0, True)
    finally:
        process.stop()
