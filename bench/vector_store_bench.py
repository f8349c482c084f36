"""Vector store benchmark, run by hand (not part of the test suite):

    .venv/bin/python bench/vector_store_bench.py [--points 20000] [--searches 100]

Qdrant Edge (the embedded default) against qdrant-client's local mode (the embedded store before
it), through the same VectorStore interface, in the same run. Each adapter runs in a child process
of its own, so its peak RSS is its own:

- upsert: `--points` points with two named vectors (768-d and 512-d, cosine) and a payload, in
  batches of 256;
- search: `--searches` nearest-neighbour searches on the 768-d vector, limit 10, filtered on
  `collection_id` (a quarter of the points) and a rank range (a domain filter);
- reopen: close the store, open it again and count its points (local mode reads everything back);
- peak RSS of the child (the points are made batch by batch, so it is mostly the store's).

Local mode is the baseline of the ratios (how many times faster Edge is).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "clients" / "python")]

import numpy as np  # noqa: E402

from server.domain import filters  # noqa: E402
from server.domain.collections import DocumentFields  # noqa: E402
from server.domain.errors import Violations  # noqa: E402
from server.domain.vectors import VectorSpec  # noqa: E402
from server.storage.edge import EdgeStore  # noqa: E402
from server.storage.qdrant_server import QdrantServerStore  # noqa: E402
from server.storage.vectors import Point, VectorStore, Where  # noqa: E402

SPECS = [VectorSpec("text", 768), VectorSpec("image", 512)]
INDEXES = [("collection_id", "keyword"), ("document_id", "keyword"), ("rank", "integer")]
BATCH = 256


def open_store(kind: str, path: Path) -> VectorStore:
    return EdgeStore.open(path / "edge") if kind == "edge" else QdrantServerStore.local(path / "qdrant")


def batches(count: int) -> Iterator[list[Point]]:
    """The points in upsert batches, made as they are sent (only the numpy arrays stay in memory)."""
    rng = np.random.default_rng(0)
    text = rng.standard_normal((count, 768), dtype=np.float32)
    image = rng.standard_normal((count, 512), dtype=np.float32)
    for start in range(0, count, BATCH):
        yield [
            Point(
                i + 1,
                {"text": text[i].tolist(), "image": image[i].tolist()},
                {"collection_id": f"col_{i % 4}", "document_id": f"doc_{i:06d}", "rank": i, "title": f"item {i}"},
            )
            for i in range(start, min(start + BATCH, count))
        ]


def rank_filter(minimum: int) -> filters.Node:
    problems = Violations()
    node = filters.parse({"field": "rank", "operator": "gte", "value": minimum}, DocumentFields({"properties": {"rank": {"type": "integer"}}}), "f", problems)
    assert node is not None and not problems
    return node


async def measure(kind: str, path: Path, count: int, searches: int) -> dict[str, float]:
    store = open_store(kind, path)
    await store.create_store("ns_bench", SPECS, INDEXES)
    upsert_s = 0.0
    for batch in batches(count):
        started = time.perf_counter()
        await store.upsert("ns_bench", batch)
        upsert_s += time.perf_counter() - started

    queries = np.random.default_rng(1).standard_normal((searches, 768), dtype=np.float32)
    where = Where(equals={"collection_id": "col_1"}, filter=rank_filter(count // 10))
    started = time.perf_counter()
    for query in queries:
        hits = await store.search("ns_bench", "text", query.tolist(), where=where, limit=10)
        assert len(hits) == 10 and all(h.payload["collection_id"] == "col_1" for h in hits)
    search_s = time.perf_counter() - started
    await store.close()

    started = time.perf_counter()
    store = open_store(kind, path)
    assert await store.count("ns_bench") == count
    reopen_s = time.perf_counter() - started
    await store.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"upsert_s": upsert_s, "search_s": search_s, "reopen_s": reopen_s, "peak_rss_mb": peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=20_000)
    parser.add_argument("--searches", type=int, default=100)
    parser.add_argument("--child", choices=["edge", "local"])
    args = parser.parse_args()
    if args.child:
        with tempfile.TemporaryDirectory(prefix=f"vecplane-bench-{args.child}-") as tmp:
            print(json.dumps(asyncio.run(measure(args.child, Path(tmp), args.points, args.searches))))
        return

    results = {}
    for kind in ("edge", "local"):
        run = subprocess.run(
            [sys.executable, __file__, "--child", kind, "--points", str(args.points), "--searches", str(args.searches)],
            capture_output=True, text=True, check=True,
        )
        results[kind] = json.loads(run.stdout.strip().splitlines()[-1])
        print(kind, results[kind], flush=True)
    edge, local = results["edge"], results["local"]
    print(f"\n{args.points} points (768 + 512, payload), {args.searches} filtered searches; local mode is the baseline")
    print(f"{'':10} {'Qdrant Edge':>12} {'local mode':>12} {'Edge faster':>12}")
    for key, label in (("upsert_s", "upsert s"), ("search_s", "search s"), ("reopen_s", "reopen s"), ("peak_rss_mb", "peak MB")):
        print(f"{label:10} {edge[key]:12.3f} {local[key]:12.3f} {local[key] / edge[key]:11.1f}x")


if __name__ == "__main__":
    main()
