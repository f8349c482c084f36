"""Processing benchmark, run by hand (not part of the test suite):

    .venv/bin/python bench/processing_bench.py [--objects 10000] [--rss-objects 50000]

A real server process (`python -m server serve`, embedded defaults, default processing settings)
gets `--objects` short text objects in one bucket and a MiniLM collection; the clock runs from the
trigger to the task's end (and to the first document written; the task is polled every 0.05 s
until then, every 0.5 s after, so the polls cost the server little). Baselines in the same run, on
the same texts: the bare model (`MiniLMEmbedder.embed_sync` in batches of its max_batch), run
before and after the server and averaged, as the shared machine's load drifts; and the bare
vector-store upsert of the same number of 384-d vectors into a fresh Qdrant Edge store (batches of
256). Reported: objects/s of each and the ratio of processing to the slower baseline (target >=
0.8). With `--rss-objects`, a second server runs that many objects and the peak RSS (VmHWM) of the
two server processes is compared (target <= 1.2x).

Where memory grows: the server's RSS is sampled during the run and split into anonymous memory
(RssAnon: Python objects, the model, the pipeline's chunk, Edge's in-memory structures) and
file-backed pages (RssFile: shared libraries and the files Qdrant Edge maps, whose pages the kernel
may drop). The vector store is also measured alone, in a process of its own writing the same number
of documents (real payloads from `make_documents`, 384-d vectors, the system payload indexes,
batches of 256 as processing writes them) through `DocumentStore`: its peak RSS at both sizes is
the store's own share, and the server's peak minus it is what the rest of the server holds.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import threading
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


def memory_mb(pid: int) -> dict[str, float]:
    """VmHWM (peak RSS), VmRSS, RssAnon and RssFile of a process, in MB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
            out[key] = int(value.split()[0]) / 1024
    return out


def peak_rss_mb(pid: int) -> float:
    return memory_mb(pid)["VmHWM"]


class Sampler:
    """Samples a process's memory every 0.2 s and keeps the peak of each figure."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peaks: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                for key, value in memory_mb(self.pid).items():
                    self.peaks[key] = max(value, self.peaks.get(key, 0.0))
            except OSError:
                return
            self._stop.wait(0.2)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


STORE_ALONE = """
import asyncio, json, sys
from pathlib import Path
import numpy as np
from server.domain import documents as d
from server.domain.namespaces import SYSTEM_PAYLOAD_INDEXES
from server.domain.vectors import VectorSpec
from server.storage.documents import DocumentStore
from server.storage.edge import EdgeStore

async def main(count, root):
    store = EdgeStore.open(Path(root))
    await store.create_store("ns_bench", [VectorSpec("all_minilm_l6_v2", 384)], [(p["field_name"], p["type"]) for p in SYSTEM_PAYLOAD_INDEXES])
    documents = DocumentStore(store)
    rng = np.random.default_rng(0)
    for start in range(0, count, 256):
        made = []
        for i in range(start, min(start + 256, count)):
            text = f"Item {i}: a short product note, colour {('red', 'navy', 'teal')[i % 3]}, size {i % 7}."
            base = d.Lineage.of_object("bkt_bench", f"obj_{i:010d}")
            output = d.Output(0, {"content": text, "title": f"t{i}", "text": text}, {"all_minilm_l6_v2": rng.random(384, dtype=np.float32).tolist()})
            made += d.make_documents(namespace_id="ns_bench", collection_id="col_bench", feature_extractor_id="minilm_text_extractor_v1", base=base, outputs=[output], now="2026-01-01T00:00:00Z")
        await documents.upsert("ns_bench", made)
    await store.close()

asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
status = {}
for line in open("/proc/self/status"):
    key, _, value = line.partition(":")
    if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
        status[key] = int(value.split()[0]) / 1024
print(json.dumps(status))
"""


def store_alone(count: int, root: Path) -> dict[str, float]:
    """Peak memory of a process that only writes `count` documents into a fresh Edge store."""
    import json

    done = subprocess.run([sys.executable, "-c", STORE_ALONE, str(count), str(root)], cwd=REPO, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


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
        with Sampler(pid) as sampled:
            started = time.perf_counter()
            task_id = rest.post(f"/v1/collections/{collection_id}/trigger", json={}).json()["task_id"]
            first = None
            while True:
                task = rest.get(f"/v1/tasks/{task_id}").json()
                if first is None and task["additional_data"]["tiers"][0]["documents_written"] > 0:
                    first = time.perf_counter() - started
                if task["status"] not in ("PENDING", "IN_PROGRESS"):
                    break
                time.sleep(0.05 if first is None else 0.5)
            elapsed = time.perf_counter() - started
        assert task["status"] == "COMPLETED", task
        return {
            "seconds": elapsed,
            "first_document_s": first or elapsed,
            "peak_rss_mb": peak_rss_mb(pid),
            "rss_before_trigger_mb": rss_before,
            "peak_anon_mb": sampled.peaks.get("RssAnon", float("nan")),
            "peak_file_mb": sampled.peaks.get("RssFile", float("nan")),
        }
    finally:
        process.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--rss-objects", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        model_before, vectors = bare_model(texts(args.objects))
        served = run_server(args.objects, root / "server")
        model_after, _ = bare_model(texts(args.objects))
        upsert_s = asyncio.run(bare_upsert(vectors, root / "edge"))
        rate = args.objects / served["seconds"]
        model_rate = (args.objects / model_before + args.objects / model_after) / 2
        upsert_rate = args.objects / upsert_s
        print(f"objects: {args.objects}")
        print(f"processing (trigger -> last document): {served['seconds']:.1f} s, {rate:.0f} objects/s")
        print(f"bare model: {model_rate:.0f} texts/s (before {args.objects / model_before:.0f}, after {args.objects / model_after:.0f}); bare Edge upsert: {upsert_rate:.0f} points/s")
        print(f"ratio to the slower baseline: {rate / min(model_rate, upsert_rate):.2f}")
        print(f"submit -> first document: {served['first_document_s']:.2f} s")
        print(f"server peak RSS: {served['peak_rss_mb']:.0f} MB (before trigger {served['rss_before_trigger_mb']:.0f} MB)")
        if args.rss_objects:
            big = run_server(args.rss_objects, root / "big")
            print(f"objects: {args.rss_objects}: {big['seconds']:.1f} s, {args.rss_objects / big['seconds']:.0f} objects/s, peak RSS {big['peak_rss_mb']:.0f} MB")
            alone = {n: store_alone(n, root / f"alone-{n}") for n in (args.objects, args.rss_objects)}
            print(f"{'':>28} {args.objects:>10} {args.rss_objects:>10}  ratio")
            rows = [
                ("server peak RSS", served["peak_rss_mb"], big["peak_rss_mb"]),
                ("server peak RssAnon", served["peak_anon_mb"], big["peak_anon_mb"]),
                ("server peak RssFile", served["peak_file_mb"], big["peak_file_mb"]),
                ("store alone peak RSS", alone[args.objects]["VmHWM"], alone[args.rss_objects]["VmHWM"]),
                ("store alone RssAnon (end)", alone[args.objects]["RssAnon"], alone[args.rss_objects]["RssAnon"]),
                ("store alone RssFile (end)", alone[args.objects]["RssFile"], alone[args.rss_objects]["RssFile"]),
                (
                    "server minus store alone",
                    served["peak_rss_mb"] - alone[args.objects]["VmHWM"],
                    big["peak_rss_mb"] - alone[args.rss_objects]["VmHWM"],
                ),
            ]
            for name, small, large in rows:
                print(f"{name:>28} {small:>8.0f}MB {large:>8.0f}MB  {large / small:.2f}")


if __name__ == "__main__":
    main()
