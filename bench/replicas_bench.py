"""Replicas benchmark, run by hand (not part of the test suite):

    .venv/bin/python bench/replicas_bench.py [--objects 1000] [--tasks 6]

One nx-27017 MongoDB shared by every server process (`MONGODB_URI`), as in
tests/integration/test_replicas.py: a setup server (running no tasks) makes one bucket of
`--objects` short texts and 2 x `--tasks` MiniLM collections over it; then `--tasks` collections
are triggered at once (one task each) with 1 replica, and the other `--tasks` with 2 replicas (the
triggers spread over the replicas in turn). Each replica has an embedded vector store of its own,
a copy of the provisioned one (Qdrant Edge is single-process; a deployment shares a Qdrant server).
Every replica runs the default settings (VECPLANE_PROCESSING_WORKERS=2 tasks at once, the model's
threads = the machine's cores). Reported: the time from the first trigger to the last task's end,
total objects/s, and how many tasks each replica ran (from the tasks' lease owners)."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pymongo

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "clients" / "python")]

from processing_bench import texts  # noqa: E402  (bench/ is on the path of a script run from it)
from ray_bench import load  # noqa: E402

from server.storage.embedded_mongo import EmbeddedMongo  # noqa: E402
from tests.support.processing import namespace_rest, setup_bucket, text_collection, wait_task  # noqa: E402
from tests.support.rest import Rest  # noqa: E402
from tests.support.servers import ADMIN_KEY, ServerProcess  # noqa: E402


def run(root: Path, uri: str, namespace_id: str, edge: Path, collections: list[str], replicas: int) -> tuple[float, Counter[str]]:
    """Seconds from the first trigger to the last task's end, and the tasks each replica ran."""
    servers = []
    for n in range(replicas):
        data = root / f"r{replicas}-{n}"
        shutil.copytree(edge, data / "edge")
        servers.append(ServerProcess(data, env={"MONGODB_URI": uri}))
    try:
        for server in servers:
            server.start(timeout=180)
        rests = [Rest(f"http://127.0.0.1:{s.http_port}", ADMIN_KEY, namespace_id) for s in servers]
        started = time.perf_counter()
        task_ids = [rests[n % replicas].post(f"/v1/collections/{c}/trigger", json={}).json()["task_id"] for n, c in enumerate(collections)]
        for task_id in task_ids:
            task = wait_task(rests[0], task_id, timeout=3600)
            assert task["status"] == "COMPLETED", task
        elapsed = time.perf_counter() - started
        pids = {str(s.process.pid): f"replica {n}" for n, s in enumerate(servers) if s.process is not None}
        client: pymongo.MongoClient[dict[str, Any]]
        with pymongo.MongoClient(uri) as client:
            stored: list[dict[str, Any]] = list(client["vecplane"]["tasks"].find({"_id": {"$in": task_ids}}))
        owners = Counter(pids[task["lease_owner"].split(":")[1]] for task in stored)
        return elapsed, owners
    finally:
        for server in servers:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--objects", type=int, default=1000, help="objects per task")
    parser.add_argument("--tasks", type=int, default=6, help="tasks per run")
    args = parser.parse_args()
    print(f"load average at start: {load()}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        mongo = EmbeddedMongo(root / "shared")
        mongo.start()
        try:
            setup = ServerProcess(root / "setup", env={"MONGODB_URI": mongo.uri, "VECPLANE_PROCESSING_WORKERS": "0"}).start(timeout=180)
            try:
                rest = namespace_rest(f"http://127.0.0.1:{setup.http_port}", ADMIN_KEY)
                bucket_id, _ = setup_bucket(rest, list(texts(args.objects)))
                collections = [text_collection(rest, {"type": "bucket", "bucket_id": bucket_id}) for _ in range(2 * args.tasks)]
                namespace_id = str(rest.client.headers["x-namespace"])
            finally:
                setup.stop()
            total = args.objects * args.tasks
            rates = {}
            for replicas, mine in ((1, collections[: args.tasks]), (2, collections[args.tasks :])):
                seconds, owners = run(root, mongo.uri, namespace_id, root / "setup" / "edge", mine, replicas)
                rates[replicas] = total / seconds
                print(f"{replicas} replica(s): {args.tasks} tasks x {args.objects} objects in {seconds:.1f} s, {rates[replicas]:.0f} objects/s; tasks run: {dict(owners)} (load {load()})", flush=True)
        finally:
            mongo.stop()
    print(f"2 replicas / 1 replica: {rates[2] / rates[1]:.2f}x")
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main()
