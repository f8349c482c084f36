"""Document writer benchmark, run by hand (not part of the test suite):

    .venv/bin/python bench/document_writer_bench.py [--documents 20000]

What the document model and DocumentWriter add on top of the vector store, on Qdrant Edge (the
embedded default), in the same run and process:

- baseline: the bare `VectorStore.upsert` of the same vectors and payloads in batches of 256;
- create_new: `DocumentWriter.write` (one read of the batch's IDs, then the upsert) of fresh
  documents, then again over them (a rerun: every document exists, its created_at is kept);
- replace: a rerun with `replace` (adds the read of the sources' documents);
- list: reading every document back through `DocumentStore.scroll` pages of 1000.

Ratios are documents/s of each against the baseline (1.0 = no overhead).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "clients" / "python")]

import numpy as np  # noqa: E402

from server.domain import documents as d  # noqa: E402
from server.domain.vectors import VectorSpec  # noqa: E402
from server.storage.documents import SYSTEM_INDEXES, DocumentStore  # noqa: E402
from server.storage.edge import EdgeStore  # noqa: E402
from server.storage.vectors import Point  # noqa: E402
from server.usecases.documents import DocumentWriter, Made  # noqa: E402

DIMS = 384
BATCH = 256


def made(count: int, collection: str, vectors: np.ndarray, now: str) -> list[list[Made]]:
    """The documents of `count` objects (one chunk each), in writer batches of BATCH."""
    out: list[list[Made]] = []
    for start in range(0, count, BATCH):
        group = []
        for i in range(start, min(start + BATCH, count)):
            base = d.Lineage.of_object("bkt_bench", f"obj_{i:010d}")
            docs = d.make_documents(
                namespace_id="ns_bench", collection_id=collection, feature_extractor_id="text_extractor_v1", base=base,
                outputs=[d.Output(0, {"text": f"document {i}", "n": i}, {"text": vectors[i].tolist()})], now=now,
            )
            group.append(Made(base.source, docs))
        out.append(group)
    return out


async def run(count: int) -> None:
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((count, DIMS), dtype=np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        store = EdgeStore.open(Path(tmp) / "edge")
        await store.create_store("bare", [VectorSpec("text", DIMS)], list(SYSTEM_INDEXES))
        await store.create_store("ns_bench", [VectorSpec("text", DIMS)], list(SYSTEM_INDEXES))
        documents = DocumentStore(store)
        writer = DocumentWriter(documents)
        batches = made(count, "col_bench", vectors, "2026-01-01T00:00:00Z")
        points = [[Point(doc.point_id, doc.vectors, doc.payload()) for item in group for doc in item.documents] for group in batches]

        results: dict[str, float] = {}
        started = time.perf_counter()
        for chunk in points:
            await store.upsert("bare", chunk)
        results["bare upsert"] = time.perf_counter() - started

        for name, handling, now in (
            ("writer create_new (fresh)", d.OutputHandling.CREATE_NEW, "2026-01-01T00:00:00Z"),
            ("writer create_new (rerun)", d.OutputHandling.CREATE_NEW, "2026-01-02T00:00:00Z"),
            ("writer replace (rerun)", d.OutputHandling.REPLACE, "2026-01-03T00:00:00Z"),
        ):
            groups = batches if now.startswith("2026-01-01") else made(count, "col_bench", vectors, now)
            started = time.perf_counter()
            for group in groups:
                await writer.write("ns_bench", "col_bench", handling, group)
            results[name] = time.perf_counter() - started

        started = time.perf_counter()
        after: str | None = None
        seen = 0
        while True:
            page, after = await documents.scroll("ns_bench", "col_bench", after=after, limit=1000)
            seen += len(page)
            if after is None:
                break
        results["list (scroll pages of 1000)"] = time.perf_counter() - started
        assert seen == count == await documents.count("ns_bench", "col_bench"), (seen, count)
        await store.close()

    base = count / results["bare upsert"]
    print(f"{count} documents, {DIMS}-d, batches of {BATCH}, Qdrant Edge")
    for name, seconds in results.items():
        rate = count / seconds
        print(f"  {name:30s} {seconds:7.2f} s  {rate:9.0f} docs/s  {rate / base:5.2f}x bare upsert")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=20000)
    asyncio.run(run(parser.parse_args().documents))


if __name__ == "__main__":
    main()
