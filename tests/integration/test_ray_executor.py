"""The Ray executor (VECPLANE_RAY_ADDRESS) on a local Ray started once for the module
(`ray.init(num_cpus=2)`, token authentication, loopback): the same documents as the in-process
executor for the same input; an actor killed mid-call (ray.kill, or SIGKILL of its worker process)
and the driver SIGKILLed mid-task both end with exactly the expected documents.

Who writes (VECPLANE_RAY_WRITES): the choice from the settings; an actor writing directly, run in
this process over qdrant-client's local mode (the stand-in for a Qdrant server, as in the vector-store
contract), leaves the documents the driver would and the driver's listeners hear of them; with
QDRANT_URL set, the same end to end on Ray against that server (skipped here: no Qdrant server)."""

from __future__ import annotations

import asyncio
import dataclasses
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

from server import config
from server.domain import documents as d
from server.domain.namespaces import SYSTEM_PAYLOAD_INDEXES
from server.domain.vectors import VectorSpec
from server.storage.documents import DocumentStore
from server.storage.qdrant_server import QdrantServerStore
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


def _same_documents_in_process_and_on_ray(local: config.Settings, on_ray_settings: config.Settings) -> None:
    """Processes TEXTS with the in-process executor (`local`), then the same objects with the Ray
    executor (`on_ray_settings`, same MongoDB and store): the same documents, fields and vectors."""
    from server.processing.executors import InProcessExecutor
    from server.processing.ray_executor import RayExecutor

    in_process = InProcessServer(local).start()
    try:
        assert isinstance(in_process.app.executor, InProcessExecutor)
        rest = namespace_rest(f"http://127.0.0.1:{in_process.app.http_port}", ADMIN_KEY)
        bucket_id, object_ids = setup_bucket(rest, TEXTS)
        here = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
        task = wait_task(rest, rest.post(f"/v1/collections/{here}/trigger", json={}).json()["task_id"])
        assert task["status"] == "COMPLETED_WITH_ERRORS", task
        expected = _documents(rest, here)
    finally:
        in_process.stop()
    on_ray = InProcessServer(on_ray_settings).start()
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
def test_ray_executor_makes_the_same_documents_as_in_process(tmp_path: Path, ray_cluster: dict[str, str]) -> None:
    _same_documents_in_process_and_on_ray(
        test_settings(tmp_path), test_settings(tmp_path, ray_address=ray_cluster["VECPLANE_RAY_ADDRESS"], **RAY_SETTINGS)
    )


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


@pytest.mark.slow  # 4-6 s in a loaded fast-subset run
def test_the_default_server_does_not_import_ray() -> None:
    code = "import sys, server.app, server.cli; sys.exit('ray' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO, timeout=60).returncode == 0


@pytest.mark.parametrize(
    ("environ", "writer"),
    [
        ({}, "driver"),  # the embedded Qdrant Edge: one writer
        ({"QDRANT_URL": "http://qdrant:6333"}, "actors"),
        ({"QDRANT_URL": "http://qdrant:6333", "VECPLANE_RAY_WRITES": "driver"}, "driver"),
        ({"QDRANT_URL": "http://qdrant:6333", "VECPLANE_RAY_WRITES": "actors"}, "actors"),
        ({"VECPLANE_RAY_WRITES": "actors"}, "VECPLANE_RAY_WRITES=actors needs QDRANT_URL"),
        ({"VECPLANE_RAY_WRITES": "workers"}, "VECPLANE_RAY_WRITES must be auto, driver or actors"),
    ],
)
def test_who_writes_follows_the_vector_store(environ: dict[str, str], writer: str) -> None:
    from server.processing.ray_executor import worker_setup

    if writer not in ("driver", "actors"):
        with pytest.raises(SystemExit, match=writer):
            config.load(environ={"VECPLANE_RAY_ADDRESS": "local", **environ})
        return
    settings = config.load(environ={"VECPLANE_RAY_ADDRESS": "local", "QDRANT_API_KEY": "k", **environ})
    assert settings.ray_writer() == writer
    setup = worker_setup(settings, {})
    if writer == "actors":
        assert setup.writes_to is not None and (setup.writes_to.url, setup.writes_to.api_key) == (environ["QDRANT_URL"], "k")
    else:
        assert setup.writes_to is None
    assert "'k'" not in repr(setup)


COLLECTION = {
    "_id": "col_directwrite",
    "namespace_id": "ns_directwrite",
    "source": {"type": "bucket", "bucket_id": "bkt_directwrite"},
    "input_schema": {"properties": {"content": {"type": "text"}, "title": {"type": "string"}}},
    "feature_extractors": [{"feature_extractor_name": "minilm_text_extractor", "version": "v1", "input_mapping": {"text": "content"}}],
}


def _sources() -> list[Any]:
    from server.processing.pipeline import SourceItem

    items = []
    for n, text in enumerate(TEXTS):
        object_id = f"obj_{n:024x}"
        record = {"_id": object_id, "metadata": {"title": f"t{n}"}, "blobs": [], "_blobs": {}}
        if text is not None:
            record |= {"blobs": [{"property": "content", "type": "text", "data": text}], "_blobs": {"content": text}}
        items.append(SourceItem(object_id, d.Lineage.of_object("bkt_directwrite", object_id), record, True))
    return items


async def _run_chunk(tmp: Path, settings: Any) -> tuple[dict[str, Any], list[tuple[Any, ...]], Any]:
    """One chunk of TEXTS through Pipeline.process with an ExtractionActor run in this process as its
    executor; the actor's Qdrant server is a local-mode store, the same one the driver's document
    store reads. Returns the documents by ID, what the driver's listeners heard, and the result."""
    from pymongo import AsyncMongoClient

    from server.processing.pipeline import Pipeline, plan_collection
    from server.processing.ray_executor import ExtractionActor, QdrantAddress, worker_setup
    from server.storage.objects import ObjectRepository
    from server.usecases.documents import DocumentWriter

    store = QdrantServerStore.local(tmp)
    await store.create_store("ns_directwrite", [VectorSpec("all_minilm_l6_v2", 384)], [(p["field_name"], p["type"]) for p in SYSTEM_PAYLOAD_INDEXES])

    class ActorOnLocalStore(ExtractionActor):
        def open_store(self, address: QdrantAddress) -> QdrantServerStore:
            assert address.url == settings.qdrant_url
            return store  # the connection is all that differs from a Qdrant server

    actor = ActorOnLocalStore(worker_setup(settings, {}))

    class HereExecutor:  # what RayExecutor does, minus Ray's transport (covered by the tests above)
        async def extract(self, run: Any, items: Any) -> Any:
            yield await actor.extract(run.collection, items)

        async def close(self) -> None:
            return None

    documents = DocumentStore(store)
    heard: list[tuple[Any, ...]] = []
    documents.on_write(lambda *told: heard.append(told))
    never_connected = AsyncMongoClient("mongodb://127.0.0.1:9", connect=False)  # process() reads no source: it is given them
    pipeline = Pipeline(ObjectRepository(never_connected["unused"]), documents, DocumentWriter(documents), HereExecutor(), blobs=None)  # text sources: no URL to fetch
    run = plan_collection(COLLECTION, await actor._built())
    result = await pipeline.process(run, _sources())
    made, _ = await documents.scroll("ns_directwrite", "col_directwrite", limit=100, vectors=True)
    await store.close()
    await never_connected.close()
    return {doc.document_id: doc for doc in made}, heard, result


def _untimed(lineage: d.Lineage) -> d.Lineage:
    return dataclasses.replace(lineage, chain=tuple(dataclasses.replace(link, timestamp="") for link in lineage.chain))


@pytest.mark.slow
def test_an_actor_writing_directly_leaves_what_the_driver_would_write(tmp_path: Path) -> None:
    base = test_settings(tmp_path, ray_address="local", qdrant_url="http://qdrant-stand-in:6333")
    by_driver, heard_driver, result_driver = asyncio.run(_run_chunk(tmp_path / "driver", dataclasses.replace(base, ray_writes="driver")))
    by_actor, heard_actor, result_actor = asyncio.run(_run_chunk(tmp_path / "actor", base))
    assert base.ray_writer() == "actors"
    objects = [f"obj_{n:024x}" for n in range(len(TEXTS) - 1)]
    assert sorted(by_actor) == sorted(by_driver) == expected_ids("col_directwrite", "bkt_directwrite", objects)
    assert result_actor.written == result_driver.written == len(TEXTS) - 1
    assert [s.source_id for s, _ in result_actor.failures] == [s.source_id for s, _ in result_driver.failures] == [f"obj_{len(TEXTS) - 1:024x}"]
    for document_id, doc in by_actor.items():
        twin = by_driver[document_id]
        assert (doc.fields, _untimed(doc.lineage)) == (twin.fields, _untimed(twin.lineage))
        assert math.dist(doc.vectors["all_minilm_l6_v2"], twin.vectors["all_minilm_l6_v2"]) < 1e-5
    # The driver's listeners (the retrieval cache) hear of the actor's writes as of its own.
    assert heard_actor == heard_driver == [("ns_directwrite", {"col_directwrite"}, ("create", "update"))]


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("QDRANT_URL"), reason="QDRANT_URL is not set: no Qdrant server for the actors to write into")
def test_on_a_qdrant_server_actors_write_the_same_documents_as_in_process(tmp_path: Path, ray_cluster: dict[str, str]) -> None:
    url, key = os.environ["QDRANT_URL"], os.environ.get("QDRANT_API_KEY")
    settings = test_settings(tmp_path / "here", qdrant_url=url, qdrant_api_key=key, ray_address=ray_cluster["VECPLANE_RAY_ADDRESS"], **RAY_SETTINGS)
    assert settings.ray_writer() == "actors"
    _same_documents_in_process_and_on_ray(test_settings(tmp_path / "here", qdrant_url=url, qdrant_api_key=key), settings)
