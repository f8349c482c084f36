"""Several vecplane server processes (replicas) on one MongoDB share the processing tasks: each task
runs exactly once, a replica killed mid-task has its task taken over once its lease expires, and a
replica that stalled past its lease and wakes writes no checkpoint (the fence refuses it).

The MongoDB is one nx-27017 server that every replica reaches through `MONGODB_URI` (started here
by the same supervisor vecplane uses for its embedded one). The vector store cannot be shared on
this machine: Qdrant Edge and qdrant-client's local mode are single-process, and no Qdrant server
binary can be installed. So each replica writes documents into an embedded store of its own, a copy
of one provisioned before the replicas start (the namespace's store, still empty). That makes the
stores an audit of who wrote what: a task run twice would leave its documents in two stores, a
lost source in none. A deployment points every replica at one Qdrant server (`QDRANT_URL`)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymongo
import pytest

from server.storage.embedded_mongo import EmbeddedMongo
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

LEASE = "2"  # seconds: a short lease, so take-overs happen within the test
CHUNK = 4


@dataclass
class Provisioned:
    """A namespace with a bucket of objects and a MiniLM collection over it, in the shared MongoDB,
    and the embedded vector store holding the namespace's (empty) store, to copy into replicas."""

    namespace_id: str
    bucket_id: str
    object_ids: list[str]
    collection_id: str
    edge_dir: Path


@pytest.fixture
def mongo_uri(tmp_path: Path) -> Iterator[str]:
    mongo = EmbeddedMongo(tmp_path / "shared")
    mongo.start()
    try:
        yield mongo.uri
    finally:
        mongo.stop()


def provision(tmp_path: Path, mongo_uri: str, objects: int) -> Provisioned:
    """Creates the resources through a server that runs no tasks, then stops it."""
    setup = ServerProcess(tmp_path / "setup", env={"MONGODB_URI": mongo_uri, "VECPLANE_PROCESSING_WORKERS": "0"}).start()
    try:
        rest = namespace_rest(f"http://127.0.0.1:{setup.http_port}", ADMIN_KEY)
        bucket_id, object_ids = setup_bucket(rest, [f"replica text {i}" for i in range(objects)])
        collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
        namespace_id = str(rest.client.headers["x-namespace"])
    finally:
        assert setup.stop() == 0
    return Provisioned(namespace_id, bucket_id, object_ids, collection_id, tmp_path / "setup" / "edge")


def replica(tmp_path: Path, name: str, mongo_uri: str, provisioned: Provisioned, **env: str) -> ServerProcess:
    data_dir = tmp_path / name
    if not (data_dir / "edge").exists():
        shutil.copytree(provisioned.edge_dir, data_dir / "edge")
    settings = {"MONGODB_URI": mongo_uri, "VECPLANE_PROCESSING_LEASE": LEASE, "VECPLANE_PROCESSING_CHUNK": str(CHUNK), **env}
    return ServerProcess(data_dir, env=dict(settings))


def rest_of(server: ServerProcess, provisioned: Provisioned) -> Rest:
    return Rest(f"http://127.0.0.1:{server.http_port}", ADMIN_KEY, provisioned.namespace_id)


def stored_task(mongo_uri: str, task_id: str) -> dict[str, Any]:
    """The task as MongoDB holds it, with its lease owner and fence."""
    with pymongo.MongoClient(mongo_uri) as client:
        found = client["vecplane"]["tasks"].find_one({"_id": task_id})
    assert found is not None
    return found


def owner_pid(task: dict[str, Any]) -> int:
    """The process that holds (or last held) the task: `lease_owner` is host:pid:token."""
    host, pid, _ = task["lease_owner"].split(":")
    assert host == socket.gethostname()
    return int(pid)


def wait_for(condition: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.1)
    return value


@pytest.mark.slow
def test_three_replicas_run_each_task_exactly_once(tmp_path: Path, mongo_uri: str) -> None:
    provisioned = provision(tmp_path, mongo_uri, objects=24)
    # Every claim waits a second before working, so one replica cannot drain the queue alone
    # before the others' next poll: the tasks spread over the replicas.
    servers = [replica(tmp_path, f"r{n}", mongo_uri, provisioned, VECPLANE_PROCESSING_WORKERS="1", VECPLANE_FAULTS="processing.after_claim=sleep:1") for n in range(3)]
    try:
        for server in servers:
            server.start()
        rests = [rest_of(server, provisioned) for server in servers]
        pairs = [provisioned.object_ids[i : i + 2] for i in range(0, len(provisioned.object_ids), 2)]
        task_objects: dict[str, list[str]] = {}
        for n, objects in enumerate(pairs):  # submitted through every replica in turn
            answer = rests[n % 3].post(f"/v1/collections/{provisioned.collection_id}/trigger", json={"object_ids": objects})
            assert answer.status_code == 202, answer.text
            task_objects[answer.json()["task_id"]] = objects
        for task_id in task_objects:
            assert wait_task(rests[0], task_id, timeout=120)["status"] == "COMPLETED"

        by_pid = {server.process.pid: n for n, server in enumerate(servers) if server.process is not None}
        owner_of: dict[str, int] = {}
        for task_id in task_objects:
            stored = stored_task(mongo_uri, task_id)
            assert stored["fence"] == 1, f"task {task_id} was claimed {stored['fence']} times"
            owner_of[task_id] = by_pid[owner_pid(stored)]
        assert len(set(owner_of.values())) >= 2, f"one replica ran every task: {Counter(owner_of.values())}"

        # Each replica's store holds exactly the documents of the tasks it ran: no task ran on two
        # replicas, and no source was left out.
        for n, rest in enumerate(rests):
            ran = [o for task_id, objects in task_objects.items() if owner_of[task_id] == n for o in objects]
            assert document_ids(rest, provisioned.collection_id) == expected_ids(provisioned.collection_id, provisioned.bucket_id, ran)
    finally:
        for server in servers:
            server.kill()


@pytest.mark.slow
def test_a_replica_killed_mid_task_is_taken_over_after_its_lease(tmp_path: Path, mongo_uri: str) -> None:
    provisioned = provision(tmp_path, mongo_uri, objects=6 * CHUNK)
    in_order = sorted(provisioned.object_ids)  # sources are read in ID order, a chunk at a time
    first = replica(tmp_path, "a", mongo_uri, provisioned, VECPLANE_FAULTS="processing.after_checkpoint=sleep:120")
    second = replica(tmp_path, "b", mongo_uri, provisioned)
    try:
        first.start()
        rest_a = rest_of(first, provisioned)
        task_id = rest_a.post(f"/v1/collections/{provisioned.collection_id}/trigger", json={}).json()["task_id"]
        held = wait_for(lambda: (t := stored_task(mongo_uri, task_id))["tiers"][0]["processed"] == CHUNK and t, 60, "the first checkpoint")
        assert first.process is not None and owner_pid(held) == first.process.pid

        second.start()
        # A stalls after its first checkpoint but is alive: it keeps renewing its lease, and B,
        # polling for work, does not take the task over during several leases.
        deadline = time.monotonic() + 3 * float(LEASE)
        while time.monotonic() < deadline:
            assert stored_task(mongo_uri, task_id)["fence"] == 1
            time.sleep(0.2)

        first.kill()  # SIGKILL mid-task
        rest_b = rest_of(second, provisioned)
        task = wait_task(rest_b, task_id, timeout=120)
        assert task["status"] == "COMPLETED", task
        tier = task["additional_data"]["tiers"][0]
        assert (tier["processed"], tier["failed"], tier["documents_written"]) == (6 * CHUNK, 0, 6 * CHUNK)  # each source counted once
        stored = stored_task(mongo_uri, task_id)
        assert second.process is not None and (stored["fence"], owner_pid(stored)) == (2, second.process.pid)
        # B resumed at A's checkpoint: it wrote exactly the sources after it.
        assert document_ids(rest_b, provisioned.collection_id) == expected_ids(provisioned.collection_id, provisioned.bucket_id, in_order[CHUNK:])
        second.kill()
        first.extra_env = {**first.extra_env, "VECPLANE_FAULTS": "", "VECPLANE_PROCESSING_WORKERS": "0"}
        first.start()  # its store, as the killed process left it
        # A wrote every source before its checkpoint and, at most, part of the next chunk, which it
        # had started before stalling (chunks overlap); B rewrote that part under the same IDs.
        written_by_a = set(document_ids(rest_of(first, provisioned), provisioned.collection_id))
        assert set(expected_ids(provisioned.collection_id, provisioned.bucket_id, in_order[:CHUNK])) <= written_by_a
        assert written_by_a <= set(expected_ids(provisioned.collection_id, provisioned.bucket_id, in_order[: 2 * CHUNK]))
    finally:
        first.kill()
        second.kill()


@pytest.mark.slow
def test_a_stalled_replica_that_wakes_after_losing_its_lease_writes_no_checkpoint(tmp_path: Path, mongo_uri: str) -> None:
    provisioned = provision(tmp_path, mongo_uri, objects=6 * CHUNK)
    # A pauses after writing each chunk's documents, before checkpointing them.
    first = replica(tmp_path, "a", mongo_uri, provisioned, VECPLANE_FAULTS="processing.after_write=sleep:3")
    second = replica(tmp_path, "b", mongo_uri, provisioned)
    try:
        first.start()
        second.start()
        rest_a, rest_b = rest_of(first, provisioned), rest_of(second, provisioned)
        task_id = rest_a.post(f"/v1/collections/{provisioned.collection_id}/trigger", json={}).json()["task_id"]
        assert first.process is not None and second.process is not None
        wait_for(lambda: len(document_ids(rest_a, provisioned.collection_id)) >= CHUNK, 60, "A's first chunk")
        stored = stored_task(mongo_uri, task_id)
        if owner_pid(stored) != first.process.pid:
            pytest.fail("B claimed the task before A, which was woken by the trigger it served")
        os.kill(first.process.pid, signal.SIGSTOP)  # A stalls between its write and its checkpoint
        try:
            task = wait_task(rest_b, task_id, timeout=120)  # B takes over once A's lease expired
            assert task["status"] == "COMPLETED", task
            finished = stored_task(mongo_uri, task_id)
        finally:
            os.kill(first.process.pid, signal.SIGCONT)
        assert (finished["fence"], owner_pid(finished)) == (2, second.process.pid)
        # A wakes: its heartbeat finds the lease gone and stops its work; its checkpoint is refused.
        log = first.log_path
        wait_for(lambda: "stopped a task: another process took it over" in log.read_text() or "lost the lease of a task" in log.read_text(), 30, "A noticing it lost the lease")
        after = stored_task(mongo_uri, task_id)
        assert {k: after[k] for k in ("status", "fence", "lease_owner", "tiers", "updated_at")} == {k: finished[k] for k in ("status", "fence", "lease_owner", "tiers", "updated_at")}
        tier = after["tiers"][0]
        assert (tier["processed"], tier["documents_written"]) == (6 * CHUNK, 6 * CHUNK)
        assert document_ids(rest_b, provisioned.collection_id) == expected_ids(provisioned.collection_id, provisioned.bucket_id, provisioned.object_ids)
        # Nor does A reset the collection's status that B's run set (B owns it now).
        assert rest_b.get(f"/v1/collections/{provisioned.collection_id}").json()["status"] == "DONE"
    finally:
        first.kill()
        second.kill()
