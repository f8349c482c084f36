"""Processing benchmark, run by hand (not part of the test suite):

    .venv/bin/python bench/processing_bench.py [--objects 10000] [--rss-objects 50000]

A real server process (`python -m server serve`, embedded defaults, default processing settings)
gets `--objects` short text objects in one bucket and a MiniLM collection; the clock runs from the
trigger to the task's end (and to the first document written). Baselines in the same run, on the
same texts: the bare model (`MiniLMEmbedder.embed_sync` in batches of its max_batch) and the bare
vector-store upsert of the same number of 384-d vectors into a fresh Qdrant Edge store (batches of
256). Reported: objects/s of each and the ratio of processing to the slower baseline (target >=
0.8). With `--rss-objects`, a second server runs that many objects and the peak RSS (VmHWM) of the
two server processes is compared (target <= 1.2x).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "clients" / "python")]

from server.domain.vectors import VectorSpec  # noqa: E402
from server.extractors.minilm import MiniLMEmbedder  # noqa: E402
from server.storage.edge import EdgeStore  # noqa: E402
from server.storage.vectors import Point  # noqa: E402
from tests.support.processing import namespace_rest, setup_bucket, text_collection  # noqa: E402
from tests.support.servers import ADMIN_KEY, ServerProcess  # noqa: E402


def texts(count: int) -> list[str]:
    return [f"Item {i}: a short product note, colour {('red', 'navy', 'teal')[i % 3]}, size {i % 7}." for i in range(count)]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bare_model(items: list[str]) -> tuple[float, np.ndarray]:
    model = MiniLMEmbedder()
    model.session()
    started = time.perf_counter()
    rows = [model.embed_sync(items[i : i + model.max_batch]) for i in range(0, len(items), model.max_batch)]
    return time.perf_counter() - started, np.concatenate(rows)


async def bare_upsert(vectors: np.ndarray, path: Path) -> float:
    store = EdgeStore.open(path)
    await store.create_store("ns_bench", [VectorSpec("all_minilm_l6_v2", 384)], [("collection_id", "keyword")])
    started = time.perf_counter()
    for start in range(0, len(vectors), 256):
        await store.upsert("ns_bench", [Point(i + 1, {"all_minilm_l6_v2": vectors[i].tolist()}, {"collection_id": "col_bench"}) for i in range(start, min(start + 256, len(vectors)))])
    elapsed = time.perf_counter() - started
    await store.close()
    return elapsed


def run_server(count: int, data: Path) -> dict[str, float]:
    process = ServerProcess(data).start(timeout=120)
    try:
        assert process.process is not None
        pid = process.process.pid
        rest = namespace_rest(f"http://127.0.0.1:{process.http_port}", ADMIN_KEY)
        bucket_id, _ = setup_bucket(rest, list(texts(count)))
        collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
        rss_before = peak_rss_mb(pid)
        started = time.perf_counter()
        task_id = rest.post(f"/v1/collections/{collection_id}/trigger", json={}).json()["task_id"]
        first = None
        while True:
            task = rest.get(f"/v1/tasks/{task_id}").json()
            if first is None and task["additional_data"]["tiers"][0]["documents_written"] > 0:
                first = time.perf_counter() - started
            if task["status"] not in ("PENDING", "IN_PROGRESS"):
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        assert task["status"] == "COMPLETED", task
        return {"seconds": elapsed, "first_document_s": first or elapsed, "peak_rss_mb": peak_rss_mb(pid), "rss_before_trigger_mb": rss_before}
    finally:
        process.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--rss-objects", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        served = run_server(args.objects, root / "server")
        model_s, vectors = bare_model(texts(args.objects))
        upsert_s = asyncio.run(bare_upsert(vectors, root / "edge"))
        rate = args.objects / served["seconds"]
        model_rate, upsert_rate = args.objects / model_s, args.objects / upsert_s
        print(f"objects: {args.objects}")
        print(f"processing (trigger -> last document): {served['seconds']:.1f} s, {rate:.0f} objects/s")
        print(f"bare model: {model_rate:.0f} texts/s; bare Edge upsert: {upsert_rate:.0f} points/s")
        print(f"ratio to the slower baseline: {rate / min(model_rate, upsert_rate):.2f}")
        print(f"submit -> first document: {served['first_document_s']:.2f} s")
        print(f"server peak RSS: {served['peak_rss_mb']:.0f} MB (before trigger {served['rss_before_trigger_mb']:.0f} MB)")
        if args.rss_objects:
            big = run_server(args.rss_objects, root / "big")
            print(f"objects: {args.rss_objects}: {big['seconds']:.1f} s, {args.rss_objects / big['seconds']:.0f} objects/s, peak RSS {big['peak_rss_mb']:.0f} MB")
            print(f"peak RSS ratio {args.rss_objects} / {args.objects}: {big['peak_rss_mb'] / served['peak_rss_mb']:.2f}")


if __name__ == "__main__":
    main()
