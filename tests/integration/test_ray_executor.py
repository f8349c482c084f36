"""The Ray executor (VECPLANE_RAY_ADDRESS) on a local Ray started once for the module
(`ray.init(num_cpus=2)`, token authentication, loopback): the same documents as the in-process
executor for the same input; an actor killed mid-call (ray.kill, or SIGKILL of its worker process)
and the driver SIGKILLed mid-task both end with exactly the expected documents."""

from __future__ import annotations

import json
import math
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
from tests.support.servers import ADMIN_KEY, REPO, InProcessServer, ServerProcess, test_settings

ray = pytest.importorskip("ray")

TEXTS = [f"ray executor text {i}: {'vectors ' * (i % 5)}and payloads" for i in range(14)] + [None]  # the last one fails: no content
RAY_SETTINGS = {"processing_chunk": 8, "ray_batch": 3, "ray_actors": 2}


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[dict[str, str]]:
    """A local Ray of 2 CPUs for the module, with a token of its own; yields the environment a
    server process needs to join it."""
    token = secrets.token_hex(32)
    saved = os.environ.get("RAY_AUTH_TOKEN")
    # As VECPLANE_RAY_ADDRESS=local does: Ray turns token authentication on for a new local
    # cluster, and takes the token from the environment rather than ~/.ray.
    os.environ["RAY_AUTH_TOKEN"] = token
    context = ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _node_ip_address="127.0.0.1", configure_logging=False)
    try:
        yield {"VECPLANE_RAY_ADDRESS": context.address_info["gcs_address"], "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": token}
    finally:
        ray.shutdown()
        if saved is None:
            os.environ.pop("RAY_AUTH_TOKEN", None)
        else:
            os.environ["RAY_AUTH_TOKEN"] = saved


def _documents(rest: Rest, collection_id: str) -> dict[str, dict[str, Any]]:
    """The collection's documents with vectors, by the object they were made from."""
    page = rest.post(f"/v1/collections/{collection_id}/documents/list", json={"limit": 100, "return_vectors": True}).json()
    assert not page["pagination"].get("next_cursor")
    return {doc["root_object_id"]: doc for doc in page["results"]}


def _comparable(doc: dict[str, Any], collection_id: str) -> dict[str, Any]:
    """The document's payload with its own and its collection's IDs (compared apart) replaced, and
    without timestamps or vectors."""
    text = json.dumps(doc).replace(collection_id, "<collection>").replace(doc["document_id"], "<document>")
    payload: dict[str, Any] = json.loads(text)
    internal = payload.get("_internal") or {}
    for where in (payload, internal, *((internal.get("lineage") or {}).get("chain") or [])):
        for key in ("created_at", "updated_at", "timestamp", "_vectors"):
            where.pop(key, None)
    return payload


def _vector(doc: dict[str, Any]) -> list[float]:
    vectors = doc.get("_vectors") or {}
    assert len(vectors) == 1, doc.keys()
    return list(next(iter(vectors.values())))


@pytest.mark.slow
def test_ray_executor_makes_the_same_documents_as_in_process(tmp_path: Path, ray_cluster: dict[str, str]) -> None:
    from server.processing.executors import InProcessExecutor
    from server.processing.ray_executor import RayExecutor

    local = InProcessServer(test_settings(tmp_path)).start()
    try:
        assert isinstance(local.app.executor, InProcessExecutor)
        rest = namespace_rest(f"http://127.0.0.1:{local.app.http_port}", ADMIN_KEY)
        bucket_id, object_ids = setup_bucket(rest, TEXTS)
        here = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
        task = wait_task(rest, rest.post(f"/v1/collections/{here}/trigger", json={}).json()["task_id"])
        assert task["status"] == "COMPLETED_WITH_ERRORS", task
        expected = _documents(rest, here)
    finally:
        local.stop()
    on_ray = InProcessServer(test_settings(tmp_path, ray_address=ray_cluster["VECPLANE_RAY_ADDRESS"], **RAY_SETTINGS)).start()
    try:
        assert isinstance(on_ray.app.executor, RayExecutor)
        rest = Rest(f"http://127.0.0.1:{on_ray.app.http_port}", ADMIN_KEY, rest.client.headers["x-namespace"])
        there = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
        task = wait_task(rest, rest.post(f"/v1/collections/{there}/trigger", json={}).json()["task_id"])
        assert task["status"] == "COMPLETED_WITH_ERRORS", task
        (tier,) = task["additional_data"]["tiers"]
        assert (tier["processed"], tier["failed"], tier["documents_written"]) == (len(TEXTS), 1, len(TEXTS) - 1)
        assert document_ids(rest, there) == expected_ids(there, bucket_id, object_ids[:-1])
        made = _documents(rest, there)
    finally:
        on_ray.stop()
    assert made.keys() == expected.keys() == set(object_ids[:-1])
    for object_id, doc in made.items():
        assert _comparable(doc, there) == _comparable(expected[object_id], here)
        a, b = _vector(doc), _vector(expected[object_id])
        assert len(a) == len(b) == 384
        assert math.dist(a, b) < 1e-3, object_id


@pytest.mark.slow
@pytest.mark.parametrize("how", ["ray.kill", "SIGKILL of the worker process"])
def test_an_actor_killed_mid_call_is_replaced_and_the_task_completes_exactly(tmp_path: Path, ray_cluster: dict[str, str], how: str) -> None:
    from server.processing.ray_executor import RayExecutor

    # Each call waits 2 s in the actor before extracting: the kill lands while calls are running.
    settings = test_settings(tmp_path, ray_address=ray_cluster["VECPLANE_RAY_ADDRESS"], faults="ray.extract=sleep:2", **RAY_SETTINGS)
    server = InProcessServer(settings).start()
    try:
        executor = server.app.executor
        assert isinstance(executor, RayExecutor)
        rest = namespace_rest(f"http://127.0.0.1:{server.app.http_port}", ADMIN_KEY)
        texts = TEXTS[:-1]
        bucket_id, object_ids = setup_bucket(rest, texts)
        collection = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
        task_id = rest.post(f"/v1/collections/{collection}/trigger", json={}).json()["task_id"]
        deadline = time.monotonic() + 30
        while executor.in_flight == 0:
            assert time.monotonic() < deadline, "no actor call started"
            time.sleep(0.02)
        for actor in executor.actors():
            if how == "ray.kill":
                ray.kill(actor)
            else:
                os.kill(ray.get(actor.ready.remote(), timeout=30), signal.SIGKILL)
        task = wait_task(rest, task_id, timeout=120)
        assert task["status"] == "COMPLETED", task
        assert executor.replaced >= 1
        (tier,) = task["additional_data"]["tiers"]
        assert (tier["processed"], tier["failed"], tier["documents_written"]) == (len(texts), 0, len(texts))
        assert document_ids(rest, collection) == expected_ids(collection, bucket_id, object_ids)
        assert int(rest.get(f"/v1/collections/{collection}/documents/count").json()["count"]) == len(texts)
    finally:
        server.stop()


@pytest.mark.slow
@pytest.mark.crash
def test_the_driver_sigkilled_mid_task_then_restarted_completes_it_exactly(tmp_path: Path, ray_cluster: dict[str, str]) -> None:
    env = {**ray_cluster, "VECPLANE_PROCESSING_CHUNK": "8", "VECPLANE_PROCESSING_LEASE": "2", "VECPLANE_RAY_BATCH": "3"}
    texts = TEXTS[:-1] * 2
    process = ServerProcess(tmp_path, env={**env, "VECPLANE_FAULTS": "processing.after_write=kill"}).start()
    try:
        rest = namespace_rest(f"http://127.0.0.1:{process.http_port}", ADMIN_KEY)
        bucket_id, object_ids = setup_bucket(rest, texts)
        collection = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
        task_id = rest.post(f"/v1/collections/{collection}/trigger", json={}).json()["task_id"]
        assert process.wait_exit() == -signal.SIGKILL
    finally:
        process.kill()
    process = ServerProcess(tmp_path, env=env).start()
    try:
        rest = Rest(f"http://127.0.0.1:{process.http_port}", ADMIN_KEY, rest.client.headers["x-namespace"])
        task = wait_task(rest, task_id, timeout=120)
        assert task["status"] == "COMPLETED", task
        (tier,) = task["additional_data"]["tiers"]
        assert (tier["processed"], tier["failed"]) == (len(texts), 0)
        assert document_ids(rest, collection) == expected_ids(collection, bucket_id, object_ids)
        assert int(rest.get(f"/v1/collections/{collection}/documents/count").json()["count"]) == len(texts)
    finally:
        process.stop()
    # The actors of both drivers are gone with them: the cluster's CPUs are free again.
    deadline = time.monotonic() + 30
    while ray.available_resources().get("CPU", 0) < 2:
        assert time.monotonic() < deadline, ray.available_resources()
        time.sleep(0.2)


def test_the_default_server_does_not_import_ray() -> None:
    code = "import sys, server.app, server.cli; sys.exit('ray' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO, timeout=60).returncode == 0
