"""Control-plane latency as a namespace grows: GetCollection by ID and by name, ListCollections'
first page (without and with `include_total`) and its second page by cursor, p50 of sequential
calls with 100, 1,000 and 10,000 collections in one namespace, against a real `python -m server
serve` on the embedded defaults. Ratios are to the smallest size, measured in the same run.

    .venv/bin/python bench/scale_bench.py [--sizes 100,1000,10000] [--samples 300]

The collections are created through CreateCollection (8 in flight), so growing to 10,000 takes a
minute or two. Run by hand; the machine is shared, so absolute numbers vary.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "clients" / "python")]

import grpc  # noqa: E402
from vecplane.v1 import bucket_pb2, collection_pb2, collection_pb2_grpc, namespace_pb2  # noqa: E402

from server.protojson import dict_to_message  # noqa: E402
from tests.support.api import Api  # noqa: E402
from tests.support.servers import ADMIN_KEY, ServerProcess  # noqa: E402

BODY = {
    "source": {"type": "bucket", "bucket_id": "products"},
    "feature_extractors": [{"feature_extractor_name": "text_extractor", "version": "v1", "input_mapping": {"text": "metadata.title"}}],
}


def setup(api: Api) -> str:
    created = api.call(api.namespaces.CreateNamespace, dict_to_message(
        {"namespace_name": "scale", "feature_extractors": [{"feature_extractor_name": "text_extractor", "version": "v1"}]},
        namespace_pb2.CreateNamespaceRequest))
    scoped = api.in_namespace(created.namespace.namespace_id)
    schema = {"properties": {"metadata": {"type": "object", "properties": {"title": {"type": "string"}}}}}
    scoped.call(scoped.buckets.CreateBucket, dict_to_message({"bucket_name": "products", "bucket_schema": schema}, bucket_pb2.CreateBucketRequest))
    return created.namespace.namespace_id


async def grow(target: str, namespace_id: str, start: int, stop: int, concurrency: int = 8) -> None:
    """Creates collections `c-<start>` .. `c-<stop - 1>`."""
    metadata = (("authorization", f"Bearer {ADMIN_KEY}"), ("x-namespace", namespace_id))
    template = dict_to_message({**BODY, "collection_name": "x"}, collection_pb2.CreateCollectionRequest)
    numbers = iter(range(start, stop))
    async with grpc.aio.insecure_channel(target) as channel:
        stub = collection_pb2_grpc.CollectionServiceStub(channel)

        async def worker() -> None:
            for number in numbers:
                request = collection_pb2.CreateCollectionRequest()
                request.CopyFrom(template)
                request.collection_name = f"c-{number:06d}"
                await stub.CreateCollection(request, metadata=metadata, timeout=60)

        await asyncio.gather(*(worker() for _ in range(concurrency)))


def p50(call: Callable[[], object], samples: int) -> float:
    for _ in range(min(20, samples)):  # warm-up
        call()
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def measure(api: Api, samples: int) -> dict[str, float]:
    probe = api.call(api.collections.GetCollection, collection_pb2.GetCollectionRequest(collection_id="c-000000")).collection
    first = collection_pb2.ListCollectionsRequest(limit=10)
    cursor = api.call(api.collections.ListCollections, first).pagination.next_cursor
    calls: dict[str, Callable[[], object]] = {
        "GetCollection by ID": lambda: api.call(api.collections.GetCollection, collection_pb2.GetCollectionRequest(collection_id=probe.collection_id)),
        "GetCollection by name": lambda: api.call(api.collections.GetCollection, collection_pb2.GetCollectionRequest(collection_id=probe.collection_name)),
        "ListCollections first page": lambda: api.call(api.collections.ListCollections, first),
        "ListCollections first page + total": lambda: api.call(api.collections.ListCollections, collection_pb2.ListCollectionsRequest(limit=10, include_total=True)),
        "ListCollections page 2 by cursor": lambda: api.call(api.collections.ListCollections, collection_pb2.ListCollectionsRequest(limit=10, cursor=cursor)),
    }
    return {name: p50(call, samples) for name, call in calls.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,10000", help="collections in the namespace, ascending")
    parser.add_argument("--samples", type=int, default=300, help="sequential calls per measurement")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    workdir = Path(tempfile.mkdtemp(prefix="vecplane-scale-"))
    server = ServerProcess(workdir / "data", env={"VECPLANE_LOG_LEVEL": "WARNING"})
    results: dict[int, dict[str, float]] = {}
    try:
        server.start()
        with grpc.insecure_channel(server.target) as channel:
            api = Api(channel, ADMIN_KEY)
            namespace_id = setup(api)
            scoped = api.in_namespace(namespace_id)
            have = 0
            for size in sizes:
                started = time.perf_counter()
                asyncio.run(grow(server.target, namespace_id, have, size))
                print(f"grew to {size} collections in {time.perf_counter() - started:.1f} s", flush=True)
                have = size
                results[size] = measure(scoped, args.samples)
    finally:
        if server.process is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    base = sizes[0]
    print(f"\np50 of {args.samples} sequential calls (ms); ratio to {base} collections")
    print(f"{'':38s}" + "".join(f"{size:>10d}" for size in sizes) + f"{'ratio':>9s}")
    for name in results[base]:
        row = "".join(f"{results[size][name]:10.2f}" for size in sizes)
        print(f"{name:38s}{row}{results[sizes[-1]][name] / results[base][name]:8.2f}x")


if __name__ == "__main__":
    main()
