"""What the Qdrant Edge adapter adds on top of Edge: its layout survives a reopen, one process owns
it, calls run off the event loop, writes survive SIGKILL through Edge's WAL (a real server process
killed mid-reconfigure and restarted), and a data dir of the old local-mode store is refused with
what to do, or migrated by `vecplane migrate-vectors`."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import grpc
import numpy as np
import pytest
from vecplane.v1 import namespace_pb2 as pb

from server.config import StartupError
from server.domain.vectors import VectorSpec
from server.storage.edge import EdgeStore, LocalModeDataFound, refuse_local_mode_data
from server.storage.qdrant_server import QdrantServerStore
from server.storage.vectors import Point
from tests.integration.test_namespaces import FASHION as FASHION_EXTRACTOR
from tests.integration.test_namespaces import TEXT as TEXT_EXTRACTOR
from tests.integration.test_namespaces import create
from tests.integration.test_reconfigure import FACE_EXTRACTOR, enable, operations, reconfigure
from tests.integration.test_reconfigure_processes import Running
from tests.support.api import Api, expect_error
from tests.support.points import E5, FACE, FASHION, assert_points_kept, make_points, seed, stored_points
from tests.support.servers import ADMIN_KEY, REPO, ServerProcess

TEXT = VectorSpec("text", 4)


def test_aliases_collections_and_points_survive_a_reopen(tmp_path):
    async def write():
        store = EdgeStore.open(tmp_path / "edge")
        await store.create_store("ns_a", [TEXT], [("collection_id", "keyword")])
        await store.upsert("ns_a", [Point(1, {"text": [1.0, 0, 0, 0]}, {"collection_id": "c"})])
        await store.ensure_collection("ns_a__v2", [TEXT], [])
        await store.switch_alias("ns_a", "ns_a__v2")
        await store.close()

    async def read():
        store = EdgeStore.open(tmp_path / "edge")
        try:
            return (
                await store.physical_collection("ns_a"),
                await store.physical_collections("ns_a"),
                await store.count("ns_a__v1"),
                await store.payload_indexes("ns_a__v1"),
            )
        finally:
            await store.close()

    asyncio.run(write())
    assert asyncio.run(read()) == ("ns_a__v2", ["ns_a__v1", "ns_a__v2"], 1, {"collection_id": "keyword"})


def test_one_process_owns_the_store(tmp_path):
    store = EdgeStore.open(tmp_path / "edge")
    try:
        with pytest.raises(StartupError, match="in use by another process"):
            EdgeStore.open(tmp_path / "edge")
        other = subprocess.run(
            [sys.executable, "-c", "import sys; from pathlib import Path; from server.storage.edge import EdgeStore; EdgeStore.open(Path(sys.argv[1]))", str(tmp_path / "edge")],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert other.returncode != 0 and "in use by another process" in other.stderr
    finally:
        asyncio.run(store.close())
    asyncio.run(EdgeStore.open(tmp_path / "edge").close())  # free again once closed


def test_half_made_collections_of_a_crash_are_cleared_at_open(tmp_path):
    collections = tmp_path / "edge" / "collections"
    (collections / "tmp-0123").mkdir(parents=True)
    (collections / "trash-4567").mkdir()
    (collections / "trash-4567" / "segments").mkdir()

    async def names():
        store = EdgeStore.open(tmp_path / "edge")
        try:
            return await store.collection_names()
        finally:
            await store.close()

    assert asyncio.run(names()) == []
    assert sorted(p.name for p in collections.iterdir()) == []


def test_edge_calls_leave_the_event_loop_free_between_batches(tmp_path):
    """A large upsert runs on Edge's threads in batches: a coroutine keeps running meanwhile."""

    async def run():
        store = EdgeStore.open(tmp_path / "edge")
        await store.create_collection("big__v1", [TEXT])
        ticks = 0
        done = asyncio.Event()

        async def ticker():
            nonlocal ticks
            while not done.is_set():
                ticks += 1
                await asyncio.sleep(0)

        task = asyncio.create_task(ticker())
        await store.upsert("big__v1", [Point(i, {"text": [1.0, float(i), 0, 0]}, {"n": i}) for i in range(1, 5001)])
        done.set()
        await task
        count = await store.count("big__v1")
        await store.close()
        return ticks, count

    ticks, count = asyncio.run(run())
    assert count == 5000
    assert ticks >= 10  # 10 batches of 512: the loop ran between (and during) them


# --- the old local-mode data dir


def local_mode_data(data: Path) -> None:
    async def write():
        store = QdrantServerStore.local(data / "qdrant")
        await store.create_store("ns_old", [TEXT], [])
        await store.upsert("ns_old", [Point(1, {"text": [1.0, 0, 0, 0]}, {"collection_id": "c"})])
        await store.close()

    asyncio.run(write())


def test_a_local_mode_store_is_detected(tmp_path):
    (tmp_path / "qdrant").mkdir()
    refuse_local_mode_data(tmp_path)  # an empty folder is no store
    local_mode_data(tmp_path)
    with pytest.raises(LocalModeDataFound) as refused:
        refuse_local_mode_data(tmp_path)
    message = str(refused.value)
    assert f"{tmp_path / 'qdrant'} holds vectors written by qdrant-client's local mode" in message
    assert f"vecplane migrate-vectors --data-dir {tmp_path}" in message
    assert "QDRANT_URL" in message


def vecplane(*args: str, data: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "VECPLANE_DATA_DIR": str(data), "VECPLANE_GRPC_PORT": "0", "VECPLANE_HTTP_PORT": "0", "VECPLANE_HOST": "127.0.0.1"}
    env.pop("QDRANT_URL", None)
    return subprocess.run([sys.executable, "-m", "server", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_a_server_on_a_local_mode_data_dir_refuses_to_start_and_says_what_to_do(tmp_path):
    local_mode_data(tmp_path)
    started = vecplane("serve", data=tmp_path)
    assert started.returncode == 1
    assert started.stderr.startswith(f"vecplane: {tmp_path / 'qdrant'} holds vectors written by qdrant-client's local mode")
    assert f"vecplane migrate-vectors --data-dir {tmp_path}" in started.stderr
    assert "Traceback" not in started.stderr
    assert not (tmp_path / "edge").exists() and not (tmp_path / "mongo").exists()  # nothing was started or written


@pytest.mark.slow
def test_migrate_vectors_copies_a_local_mode_store_into_edge(tmp_path):
    async def write():
        store = QdrantServerStore.local(tmp_path / "qdrant")
        await store.create_store("ns_old", [TEXT, VectorSpec("sparse", 0, "dot", kind="sparse")], [])
        await store.upsert("ns_old", [Point(i, {"text": [1.0, float(i), 0, 0]}, {"collection_id": "c", "n": i}) for i in range(1, 301)])
        await store.ensure_collection("ns_old__v2", [TEXT], [])  # a blue/green copy the alias does not point at yet
        await store.close()

    asyncio.run(write())
    migrated = vecplane("migrate-vectors", "--data-dir", str(tmp_path), data=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    assert "copied 2 collections, 300 points and 1 aliases into Qdrant Edge" in migrated.stdout
    assert not (tmp_path / "qdrant").exists()
    refuse_local_mode_data(tmp_path)  # the server starts now

    async def read():
        store = EdgeStore.open(tmp_path / "edge")
        try:
            return (
                await store.physical_collection("ns_old"),
                await store.collection_names(),
                await store.vector_schema("ns_old"),
                await store.count_where("ns_old", "collection_id", "c"),
                await store.retrieve("ns_old", [7], with_vectors=True),
                await store.payload_indexes("ns_old"),
            )
        finally:
            await store.close()

    alias, names, schema, count, (seventh,), indexes = asyncio.run(read())
    assert (alias, names) == ("ns_old__v1", ["ns_old__v1", "ns_old__v2"])
    assert schema == {"text": TEXT, "sparse": VectorSpec("sparse", 0, "dot", kind="sparse")}
    assert count == 300
    assert seventh.payload == {"collection_id": "c", "n": 7}
    assert seventh.vectors["text"] == pytest.approx((np.array([1.0, 7.0, 0, 0]) / np.sqrt(50)).tolist(), abs=1e-6)
    assert indexes["collection_id"] == "keyword"
    again = vecplane("migrate-vectors", "--data-dir", str(tmp_path), data=tmp_path)
    assert again.returncode == 1 and "nothing to migrate" in again.stderr


# --- WAL recovery after SIGKILL


@pytest.mark.crash
@pytest.mark.slow
def test_points_written_before_a_sigkill_are_recovered_from_the_wal(tmp_path):
    """A blue/green copy writes the first batch (256 points) into the new collection, then the
    process is SIGKILLed (no flush, no close). Edge replays its WAL at the next open: the batch is
    there, whole; the restarted server completes the copy and loses nothing."""
    data = tmp_path / "data"
    with Running(data) as (server, api):
        ns = create(api, "walled", (TEXT_EXTRACTOR, FACE_EXTRACTOR)).namespace_id
        points = make_points(ns, 300, {E5: 1024, FACE: 512}, ["col_wal"])
        seed(server, ns, points)
        enable(api, ns, TEXT_EXTRACTOR, FASHION_EXTRACTOR)

    env = {"VECPLANE_RECONFIGURE_STRATEGY": "blue_green", "VECPLANE_FAULTS": "reconfigure.after_batch=kill", "VECPLANE_RECONFIGURE_LEASE": "0.5"}
    process = ServerProcess(data, env=env).start()
    try:
        with grpc.insecure_channel(process.target) as channel:
            error = expect_error(reconfigure, Api(channel, ADMIN_KEY), ns, confirm=True, prune=True)
        assert error.code == grpc.StatusCode.UNAVAILABLE, error
        assert process.wait_exit() == -signal.SIGKILL
    finally:
        process.kill()

    async def first_batch():
        store = EdgeStore.open(data / "edge")
        try:
            found, _ = await store.scroll(f"{ns}__v2", limit=1000, with_vectors=True)
            return {r.id: r for r in found}
        finally:
            await store.close()

    recovered = asyncio.run(first_batch())
    assert_points_kept(recovered, points[:256], kept=[E5], gone=[FACE])
    time.sleep(0.6)  # let the dead process's 0.5 s lease run out (a wait, not a measurement)

    with Running(data, reconfigure_strategy="blue_green") as (server, api):
        (op,) = operations(server, ns)
        assert op["state"] == "done" and op["progress"]["copied"] == 300
        assert_points_kept(stored_points(server, ns), points, kept=[E5], gone=[FACE, FASHION])
        assert reconfigure(api, ns, confirm=True, prune=True).status == pb.RECONFIGURE_STATUS_NO_CHANGES_NEEDED
