"""Ray executor benchmark, run by hand (not part of the test suite):

    .venv/bin/python bench/ray_bench.py [--objects 10000] [--calls 200]

In one run, on this machine:

1. Throughput: `--objects` short text objects through a MiniLM collection, from the trigger to the
   task's end, in a real server process (`python -m server serve`, embedded defaults): with the
   in-process executor, on a local Ray (`ray.init(num_cpus=2)`, started here first, which the server
   joins as the test does) with 1 and with 2 extraction actors of 1 CPU each, and in-process again
   (the machine's load drifts; the repeat shows how much). Each server gets a fresh data directory
   and the same texts; the driver writes (embedded Qdrant Edge).
2. Ray's overhead per call: an actor whose method does trivial work on a batch shaped like a real
   one (`--batch` sources in, as many 384-d vectors out), called `--calls` times one after another,
   against the same function called in this process; and one real extraction call of that batch
   on a loaded ExtractionActor, for scale.

The machine's load average is printed beside the numbers (other work on it skews them)."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "clients" / "python")]

import ray  # noqa: E402
from processing_bench import texts  # noqa: E402  (bench/ is on the path of a script run from it)

from tests.support.processing import namespace_rest, setup_bucket, text_collection  # noqa: E402
from tests.support.servers import ADMIN_KEY, ServerProcess  # noqa: E402

VECTOR = [0.001 * i for i in range(384)]


def load() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def trivial(items: list[dict[str, Any]]) -> list[list[float]]:
    """The trivial work: one 384-d vector per source (what an extraction call returns, without the model)."""
    return [VECTOR for _ in items]


class Echo:
    def work(self, items: list[dict[str, Any]]) -> list[list[float]]:
        return trivial(items)


def batch_of(size: int) -> list[dict[str, Any]]:
    """Sources shaped like the ones the executor sends (an object record per source)."""
    return [
        {"_id": f"obj_{i:024x}", "blobs": [{"property": "content", "type": "text", "data": text}], "_blobs": {"content": text}, "metadata": {"title": f"t{i}"}}
        for i, text in enumerate(texts(size))
    ]


def run_server(count: int, data: Path, env: dict[str, str]) -> float:
    """Seconds from the trigger to the task's end for `count` objects."""
    server = ServerProcess(data, env=dict(env)).start(timeout=180)
    try:
        rest = namespace_rest(f"http://127.0.0.1:{server.http_port}", ADMIN_KEY)
        bucket_id, _ = setup_bucket(rest, list(texts(count)))
        collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
        started = time.perf_counter()
        task_id = rest.post(f"/v1/collections/{collection_id}/trigger", json={}).json()["task_id"]
        while (task := rest.get(f"/v1/tasks/{task_id}").json())["status"] in ("PENDING", "IN_PROGRESS"):
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        assert task["status"] == "COMPLETED", task
        assert task["additional_data"]["tiers"][0]["documents_written"] == count, task
        return elapsed
    finally:
        server.stop()


def overhead(calls: int, size: int) -> tuple[float, float, float]:
    """Mean seconds per call: in process, through a Ray actor, and one real extraction on an actor."""
    items = batch_of(size)
    started = time.perf_counter()
    for _ in range(calls):
        trivial(items)
    here = (time.perf_counter() - started) / calls
    actor: Any = ray.remote(Echo).options(num_cpus=1).remote()
    ray.get(actor.work.remote(items))  # started and warm
    started = time.perf_counter()
    for _ in range(calls):
        ray.get(actor.work.remote(items))
    remote = (time.perf_counter() - started) / calls
    ray.kill(actor)
    return here, remote, real_call(size)


def real_call(size: int) -> float:
    """Seconds of one extraction call of `size` sources on a loaded actor (median of 5)."""
    from server.config import Settings
    from server.domain import documents as d
    from server.processing.pipeline import SourceItem
    from server.processing.ray_executor import ExtractionActor, worker_setup

    setup = worker_setup(Settings(), {})
    actor: Any = ray.remote(ExtractionActor).options(num_cpus=1).remote(setup)
    ray.get(actor.ready.remote())
    collection = {
        "_id": "col_bench",
        "namespace_id": "ns_bench",
        "source": {"type": "bucket", "bucket_id": "bkt_bench"},
        "input_schema": {"properties": {"content": {"type": "text"}}},
        "feature_extractors": [{"feature_extractor_name": "minilm_text_extractor", "version": "v1", "input_mapping": {"text": "content"}}],
    }
    items = [SourceItem(r["_id"], d.Lineage.of_object("bkt_bench", r["_id"]), r, True) for r in batch_of(size)]
    times = []
    for _ in range(5):
        started = time.perf_counter()
        extracted: Any = ray.get(actor.extract.remote(collection, items))
        assert not extracted.failures and sum(len(made) for _, made in extracted.made) == size, extracted.failures
        times.append(time.perf_counter() - started)
    ray.kill(actor)
    return sorted(times)[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--batch", type=int, default=64, help="sources per actor call (VECPLANE_RAY_BATCH's default)")
    args = parser.parse_args()
    print(f"load average at start: {load()}")
    rates: dict[str, float] = {}
    token = secrets.token_hex(32)
    os.environ["RAY_AUTH_TOKEN"] = token
    started = time.perf_counter()
    context: Any = ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _node_ip_address="127.0.0.1", configure_logging=False)
    print(f"ray.init(num_cpus=2): {time.perf_counter() - started:.1f} s", flush=True)
    env = {"VECPLANE_RAY_ADDRESS": context.address_info["gcs_address"], "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": token}
    # In-process first and again last: the machine's load drifts, the repeat shows by how much.
    runs = [("in-process", {}), ("ray 1", {**env, "VECPLANE_RAY_ACTORS": "1"}), ("ray 2", {**env, "VECPLANE_RAY_ACTORS": "2"}), ("in-process again", {})]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, settings in runs:
                seconds = run_server(args.objects, Path(tmp) / name.replace(" ", "-"), settings)
                rates[name] = args.objects / seconds
                print(f"{name}: {seconds:.1f} s, {rates[name]:.0f} objects/s (load {load()})", flush=True)
        here, remote, real = overhead(args.calls, args.batch)
        print(
            f"per call of {args.batch} sources: in process {here * 1e3:.3f} ms, Ray actor round trip {remote * 1e3:.2f} ms "
            f"(overhead {(remote - here) * 1e3:.2f} ms); one real MiniLM extraction call on an actor {real * 1e3:.0f} ms "
            f"(overhead {100 * (remote - here) / real:.1f}% of it)"
        )
    finally:
        ray.shutdown()
    in_process = (rates["in-process"] + rates["in-process again"]) / 2
    print(f"Ray 2 actors / 1 actor: {rates['ray 2'] / rates['ray 1']:.2f}x; Ray 2 actors / in-process (mean of its two runs): {rates['ray 2'] / in_process:.2f}x")
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main()
