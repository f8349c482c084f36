"""Retrieval benchmark, run by hand (not part of the test suite):

    .venv/bin/python bench/retrieval_bench.py [--sizes 10000,100000] [--queries 200]

One vecplane server in this process (embedded MongoDB and Qdrant Edge in a temporary directory).
For each corpus size, documents with random unit 384-d vectors are written through the document
writer, and the same query vectors are timed, call by call and alternating (so load from other
processes hits all alike):
- baseline: the bare engine query (VectorStore.search of that vector, scoped to the collection, top
  10) on the server's event loop, timed there;
- execute, in process: RetrieverUseCases.execute (a vector query), cache miss (skip_cache) and
  cache hit (the same query again), timed on the loop;
- execute over gRPC, cache miss (skip_cache) and cache hit (the same query again), timed by the
  client, with the round trip of a call that does no work (the health check, same channel and
  server) as the transport's share;
and p50/p99 are reported with the difference and ratio to the baseline of the same run, and the
hit's and the miss's p50 beyond the round trip (what the cache can save: no cache removes the
transport). Text queries add the query's embedding, timed apart (the packaged MiniLM model through
the extractor interface). Last, recall@1 and recall@10 over paraphrase pairs (documents are one
side, the text queries the other) through a retriever's text search.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "clients" / "python")]

import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402
from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402
from vecplane.v1 import bucket_pb2, retriever_pb2, retriever_pb2_grpc  # noqa: E402

from server.config import Settings  # noqa: E402
from server.domain import documents as d  # noqa: E402
from server.domain.accounts import Principal, Role  # noqa: E402
from server.domain.extraction import RawInput  # noqa: E402
from server.protojson import dict_to_message  # noqa: E402
from server.storage.vectors import Where  # noqa: E402
from server.usecases.documents import DocumentWriter, Made  # noqa: E402
from tests.support.api import Api  # noqa: E402
from tests.support.resources import collection, namespace  # noqa: E402
from tests.support.servers import InProcessServer  # noqa: E402

KEY = "sk_bench_admin_key_0123456789abcdefghijklmnopq"
VECTOR = "all_minilm_l6_v2"
URI = f"mixpeek://minilm_text_extractor@v1/{VECTOR}"
MINILM = {"feature_extractor_name": "minilm_text_extractor", "version": "v1"}
SCHEMA = {"properties": {"text": {"type": "text"}}}

# (document, paraphrase used as the query)
PAIRS = [
    ("The cat is sleeping on the warm windowsill.", "A kitty naps on the sunny window ledge."),
    ("Interest rates were raised by the central bank.", "The central bank increased borrowing costs."),
    ("He fixed the leaking pipe under the kitchen sink.", "The plumbing leak below the sink got repaired."),
    ("The museum opens a new exhibition of modern art.", "A contemporary art show is launching at the gallery."),
    ("Heavy rain caused flooding in the river valley.", "Downpours flooded the valley along the river."),
    ("She learned to play the violin as a child.", "As a kid she took up the violin."),
    ("The train to the airport leaves every ten minutes.", "Airport trains depart at ten minute intervals."),
    ("Eating vegetables every day improves your health.", "A daily diet of greens is good for you."),
    ("The company announced record profits this quarter.", "The firm reported its highest quarterly earnings ever."),
    ("Our flight was delayed because of fog.", "Fog held up our plane's departure."),
    ("The children built a sandcastle at the beach.", "Kids made a castle out of sand by the sea."),
    ("Please turn off the lights when you leave.", "Switch the lamps off on your way out."),
    ("The software update fixes several security bugs.", "This patch closes a number of security holes."),
    ("The marathon route passes through the old town.", "The long-distance race runs across the historic centre."),
    ("Bees are essential for pollinating crops.", "Crops depend on bees to be pollinated."),
    ("The hotel room had a view of the mountains.", "From our room we could see the peaks."),
    ("He forgot his umbrella and got soaked.", "Without his umbrella he was drenched by the rain."),
    ("The library extended its opening hours.", "The library is now open for longer."),
    ("Electric cars are becoming cheaper to buy.", "The price of EVs keeps falling."),
    ("The chef seasoned the soup with fresh herbs.", "The cook flavoured the broth with garden herbs."),
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(values: list[float]) -> str:
    return f"p50 {statistics.median(values):7.3f} ms  p99 {percentile(values, 0.99):7.3f} ms"


async def timed(work: Awaitable[Any]) -> float:
    """Milliseconds the awaitable takes, measured on the server's loop."""
    started = time.perf_counter()
    await work
    return (time.perf_counter() - started) * 1000


def unit_vectors(count: int, rng: np.random.Generator) -> np.ndarray:
    vectors = rng.standard_normal((count, 384)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def write(server: InProcessServer, namespace_id: str, collection_id: str, rows: list[tuple[dict[str, Any], list[float]]], start: int) -> None:
    writer = DocumentWriter(server.app.document_store)
    for offset in range(0, len(rows), 1000):
        made = []
        for i, (fields, vector) in enumerate(rows[offset : offset + 1000], start=start + offset):
            base = d.Lineage.of_object("bkt_bench00000", f"obj_{i:010d}")
            docs = d.make_documents(
                namespace_id=namespace_id, collection_id=collection_id, feature_extractor_id="minilm_text_extractor_v1", base=base,
                outputs=[d.Output(0, fields, {VECTOR: vector})], now="2026-12-01T00:00:00Z",
            )
            made.append(Made(base.source, docs))
        server.run(writer.write(namespace_id, collection_id, d.OutputHandling.CREATE_NEW, made), timeout=600)


def retriever(api: Api, collection_id: str, query: dict[str, Any], inputs: dict[str, Any]) -> str:
    body = {
        "retriever_name": f"bench-{time.monotonic_ns()}",
        "collection_identifiers": [collection_id],
        "stages": [{"stage_name": "search", "config": {"stage_id": "feature_search", "parameters": {"searches": [{"feature_uri": URI, "query": query, "top_k": 10}], "final_top_k": 10}}}],
        "input_schema": inputs,
    }
    return api.call(api.retrievers.CreateRetriever, dict_to_message(body, retriever_pb2.CreateRetrieverRequest)).retriever.retriever_id


def bench_size(server: InProcessServer, api: Api, size: int, queries: int, rng: np.random.Generator) -> None:
    ns = namespace(api, extractors=[MINILM])
    ns_api = api.in_namespace(ns.namespace_id)
    bucket = ns_api.call(ns_api.buckets.CreateBucket, dict_to_message({"bucket_name": f"b{size}", "bucket_schema": SCHEMA}, bucket_pb2.CreateBucketRequest)).bucket
    col = collection(ns_api, {"collection_name": f"c{size}", "source": {"type": "bucket", "bucket_id": bucket.bucket_id}, "feature_extractors": [{**MINILM, "input_mapping": {"text": "text"}}]})
    started = time.perf_counter()
    vectors = unit_vectors(size, rng)
    write(server, ns.namespace_id, col.collection_id, [({"text": f"doc {i}"}, vectors[i].tolist()) for i in range(size)], 0)
    print(f"\n{size:,} documents written in {time.perf_counter() - started:.1f} s")
    ret_id = retriever(ns_api, col.collection_id, {"input_mode": "vector", "value": "{{INPUT.vector}}"}, {"vector": {"type": "array", "required": True}})
    stub = retriever_pb2_grpc.RetrieverServiceStub(api.channel)
    metadata = ns_api.metadata()
    usecases = server.app.usecases.retrievers
    stored = server.run(server.app.backends.db["namespaces"].find_one({"_id": ns.namespace_id}))
    assert stored is not None
    principal = Principal(organization_id=stored["_org"], key_id="bench", role=Role.MEMBER)
    store = server.app.backends.vectors
    where = Where(equals={"collection_id": col.collection_id})
    health = health_pb2_grpc.HealthStub(api.channel)
    bare, in_process, in_process_hit, miss, hit, floor = [], [], [], [], [], []
    probe = unit_vectors(queries, rng)
    for i in range(queries):
        vector = probe[i].tolist()
        t = time.perf_counter()
        health.Check(health_pb2.HealthCheckRequest())
        floor.append((time.perf_counter() - t) * 1000)
        bare.append(server.run(timed(store.search(ns.namespace_id, VECTOR, vector, where=where, limit=10))))
        request = {"retriever_id": ret_id, "inputs": {"vector": vector}, "skip_cache": True, "limit": 10}
        in_process.append(server.run(timed(usecases.execute(principal, ns.namespace_id, request))))
        cached = {**request, "skip_cache": False}
        server.run(usecases.execute(principal, ns.namespace_id, cached))  # stores it
        in_process_hit.append(server.run(timed(usecases.execute(principal, ns.namespace_id, cached))))
        message = dict_to_message(request, retriever_pb2.ExecuteRetrieverRequest)
        t = time.perf_counter()
        stub.ExecuteRetriever(message, metadata=metadata)
        miss.append((time.perf_counter() - t) * 1000)
        message.skip_cache = False
        stub.ExecuteRetriever(message, metadata=metadata)  # stores it
        t = time.perf_counter()
        answer = stub.ExecuteRetriever(message, metadata=metadata)
        hit.append((time.perf_counter() - t) * 1000)
        assert answer.execution.cache_hit
    b50 = statistics.median(bare)
    print(f"  bare engine query (baseline)   {ms(bare)}")
    print(f"  execute in process, cache miss {ms(in_process)}   p50 +{statistics.median(in_process) - b50:.3f} ms, {statistics.median(in_process) / b50:.2f}x baseline")
    print(f"  execute in process, cache hit  {ms(in_process_hit)}   p50 {statistics.median(in_process_hit) / statistics.median(in_process):.2f}x a miss")
    print(f"  gRPC round trip (health check) {ms(floor)}")
    print(f"  execute over gRPC, cache miss  {ms(miss)}   p50 +{statistics.median(miss) - b50:.3f} ms, {statistics.median(miss) / b50:.2f}x baseline"
          f" (+{statistics.median(miss) - b50 - statistics.median(floor):.3f} ms beyond the round trip)")
    print(f"  execute over gRPC, cache hit   {ms(hit)}   p50 {statistics.median(hit) / statistics.median(miss):.2f}x a miss")
    beyond_hit, beyond_miss = statistics.median(hit) - statistics.median(floor), statistics.median(miss) - statistics.median(floor)
    print(f"  beyond the gRPC round trip: hit +{beyond_hit:.3f} ms, miss +{beyond_miss:.3f} ms ({beyond_hit / beyond_miss:.2f}x)")
    top = json_format.MessageToDict(answer.execution.documents[0])
    print(f"  (answer checked: 10 documents, best score {top['score']:.3f})")


def recall(server: InProcessServer, api: Api) -> None:
    ns = namespace(api, extractors=[MINILM])
    ns_api = api.in_namespace(ns.namespace_id)
    bucket = ns_api.call(ns_api.buckets.CreateBucket, dict_to_message({"bucket_name": "pairs", "bucket_schema": SCHEMA}, bucket_pb2.CreateBucketRequest)).bucket
    col = collection(ns_api, {"collection_name": "pairs", "source": {"type": "bucket", "bucket_id": bucket.bucket_id}, "feature_extractors": [{**MINILM, "input_mapping": {"text": "text"}}]})
    extraction = server.app.usecases.extraction
    made = server.run(extraction.run("minilm_text_extractor_v1", [RawInput(text=doc) for doc, _ in PAIRS], {}, "single"))
    write(server, ns.namespace_id, col.collection_id, [({"text": doc}, [float(x) for x in m.document.vectors[VECTOR]]) for (doc, _), m in zip(PAIRS, made, strict=True)], 0)
    ret_id = retriever(ns_api, col.collection_id, {"input_mode": "text", "value": "{{INPUT.query}}"}, {"query": {"type": "text", "required": True}})
    at1 = at10 = 0
    embed = []
    for doc, paraphrase in PAIRS:
        embed.append(server.run(timed(extraction.run("minilm_text_extractor_v1", [RawInput(text=paraphrase)], {}, "single"))))
        answer = ns_api.call(ns_api.retrievers.ExecuteRetriever, dict_to_message({"retriever_id": ret_id, "inputs": {"query": paraphrase}, "skip_cache": True}, retriever_pb2.ExecuteRetrieverRequest)).execution
        texts = [json_format.MessageToDict(x)["text"] for x in answer.documents]
        at1 += texts[:1] == [doc]
        at10 += doc in texts[:10]
    print(f"\nquery embedding (MiniLM through the extractor interface): {ms(embed)}")
    print(f"paraphrase pairs: {len(PAIRS)}; recall@1 {at1 / len(PAIRS):.2f}, recall@10 {at10 / len(PAIRS):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory(prefix="vecplane-retrieval-bench-") as tmp:
        settings = Settings(grpc_port=0, http_port=0, data_dir=Path(tmp), api_key=KEY, log_level="WARNING", processing_workers=0)
        server = InProcessServer(settings).start()
        try:
            with grpc.insecure_channel(server.target) as channel:
                api = Api(channel, KEY)
                for size in (int(s) for s in args.sizes.split(",")):
                    bench_size(server, api, size, args.queries, rng)
                recall(server, api)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
