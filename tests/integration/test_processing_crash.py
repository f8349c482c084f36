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
