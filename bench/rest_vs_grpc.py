"""The same read over REST (through the gateway) and over gRPC (direct), in one run against a real
`python -m server serve` process: throughput, p50/p99 latency, and the REST/gRPC ratios.

    .venv/bin/python bench/rest_vs_grpc.py                       # GetNamespace
    .venv/bin/python bench/rest_vs_grpc.py --rpc GetCollection
    options: --requests 3000 --concurrency 16 --rounds 2

Both clients are asyncio clients in this one process (grpc.aio; aiohttp for HTTP/1.1 keep-alive
connections, one per concurrent worker), so client cost is alike on both sides. The REST path
costs HTTP parsing and JSON transcoding on top of the same handler, which the gateway calls in
process through the same interceptor (no loopback channel). Run by hand; the numbers depend on the
machine (and on whatever else runs on it). Goal (issue 10): REST throughput at least 0.75x gRPC's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "clients" / "python")]

import aiohttp  # noqa: E402
import grpc  # noqa: E402
import httpx  # noqa: E402
from google.protobuf import descriptor_pool  # noqa: E402
from vecplane.v1 import bucket_pb2, collection_pb2, namespace_pb2  # noqa: E402,F401 - registers the services

from server.gateway import routes  # noqa: E402
from server.protojson import dict_to_message  # noqa: E402
from tests.support.servers import ADMIN_KEY, ServerProcess  # noqa: E402

TEXT = {"feature_extractor_name": "text_extractor", "version": "v1"}


def setup_namespace(rest: httpx.Client) -> tuple[dict, str | None]:
    """A namespace to read; the request is by name, as a client would do."""
    response = rest.post("/v1/namespaces", json={"namespace_name": "bench-ns", "feature_extractors": [TEXT]})
    response.raise_for_status()
    return {"namespace_id": "bench-ns"}, None


def setup_collection(rest: httpx.Client) -> tuple[dict, str | None]:
    """A bucket and a collection on it, in a namespace (untested until the collection RPCs land)."""
    setup_namespace(rest)
    headers = {"x-namespace": "bench-ns"}
    bucket = rest.post("/v1/buckets", headers=headers, json={"bucket_name": "bench-bkt", "bucket_schema": {"properties": {"text": {"type": "text"}}}})
    bucket.raise_for_status()
    collection = rest.post(
        "/v1/collections",
        headers=headers,
        json={
            "collection_name": "bench-col",
            "source": {"type": "bucket", "bucket_id": bucket.json()["bucket_id"]},
            "feature_extractors": [{**TEXT, "input_mapping": {"text": "text"}}],
        },
    )
    collection.raise_for_status()
    return {"collection_id": "bench-col"}, "bench-ns"


# --rpc name -> (fully qualified method, setup returning the request as Mixpeek JSON and the x-namespace)
PRESETS: dict[str, tuple[str, Callable[[httpx.Client], tuple[dict, str | None]]]] = {
    "GetNamespace": ("vecplane.v1.NamespaceService.GetNamespace", setup_namespace),
    "GetCollection": ("vecplane.v1.CollectionService.GetCollection", setup_collection),
}


def route_for(method_name: str) -> routes.Route:
    method = descriptor_pool.Default().FindMethodByName(method_name)
    return next(r for r in routes.build([method.containing_service]) if r.method.full_name == method_name and r.binding == 0)


def rest_path(route: routes.Route, request: dict) -> str:
    path = route.template.openapi_path()
    for name, ref in route.path_fields.items():
        path = path.replace("{" + name + "}", str(request[ref.json_path]))
    return path


async def measure(call: Callable[[int], Awaitable[None]], requests: int, concurrency: int) -> tuple[float, list[float]]:
    """Runs `requests` calls with `concurrency` workers; returns (seconds, per-call latencies)."""
    latencies: list[float] = []
    remaining = iter(range(requests))

    async def worker(index: int) -> None:
        for _ in remaining:
            started = time.perf_counter()
            await call(index)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    return time.perf_counter() - started, latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def server_cpu_seconds(pid: int) -> float:
    """CPU time used so far by the server process and its children (the embedded MongoDB): unlike
    throughput, the CPU a call costs hardly depends on what else runs on the machine."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields[1] is the parent id; fields[11], fields[12] user and system ticks
        if entry.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


async def run(args: argparse.Namespace, process: ServerProcess, request: dict[str, Any], namespace: str | None) -> None:
    route = route_for(PRESETS[args.rpc][0])
    metadata = [("authorization", f"Bearer {ADMIN_KEY}")] + ([("x-namespace", namespace)] if namespace else [])
    headers = dict(metadata)
    message = dict_to_message(request, route.request_class)
    url = f"http://127.0.0.1:{process.http_port}{rest_path(route, request)}"

    async with grpc.aio.insecure_channel(process.target) as channel:
        grpc_call = channel.unary_unary(route.grpc_method, request_serializer=route.request_class.SerializeToString, response_deserializer=route.response_class.FromString)
        sessions = [aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) for _ in range(args.concurrency)]
        try:

            async def over_grpc(_: int) -> None:
                await grpc_call(message, metadata=metadata, timeout=30)

            async def over_rest(index: int) -> None:
                async with sessions[index].request(route.http_method, url, headers=headers) as response:
                    await response.read()
                    if response.status != 200:
                        raise RuntimeError(f"REST answered {response.status}: {await response.text()}")

            # Same answer both ways, then warm both paths up.
            grpc_answer = await grpc_call(message, metadata=metadata, timeout=30)
            async with sessions[0].request(route.http_method, url, headers=headers) as response:
                rest_answer = await response.json()
            print(f"{route.grpc_method}  vs  {route.http_method} {url}")
            print(f"gRPC answer {len(grpc_answer.SerializeToString())} bytes, REST answer {len(str(rest_answer))} chars")
            for call in (over_grpc, over_rest):
                await measure(call, args.warmup, args.concurrency)

            assert process.process is not None
            pid = process.process.pid
            results: dict[str, list] = {"gRPC": [0.0, [], 0.0], "REST": [0.0, [], 0.0]}
            for _ in range(args.rounds):  # alternate, so drift hits both alike
                for name, call in (("gRPC", over_grpc), ("REST", over_rest)):
                    cpu_before = server_cpu_seconds(pid)
                    seconds, latencies = await measure(call, args.requests, args.concurrency)
                    results[name][0] += seconds
                    results[name][1] += latencies
                    results[name][2] += server_cpu_seconds(pid) - cpu_before
        finally:
            for session in sessions:
                await session.close()

    rows = {}
    print(f"\n{args.requests} requests x {args.rounds} rounds per transport, concurrency {args.concurrency}")
    print(f"{'transport':<10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'mean ms':>10}{'server CPU ms/call':>20}")
    for name, (seconds, latencies, cpu) in results.items():
        count = len(latencies)
        rows[name] = (count / seconds, percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000, statistics.fmean(latencies) * 1000, cpu / count * 1000)
        print(f"{name:<10}{rows[name][0]:>10.0f}{rows[name][1]:>10.2f}{rows[name][2]:>10.2f}{rows[name][3]:>10.2f}{rows[name][4]:>20.3f}")
    grpc_row, rest_row = rows["gRPC"], rows["REST"]
    print(
        f"\nREST/gRPC: throughput x{rest_row[0] / grpc_row[0]:.2f}, p50 x{rest_row[1] / grpc_row[1]:.2f}, p99 x{rest_row[2] / grpc_row[2]:.2f}"
        f"; calls per server CPU second x{grpc_row[4] / rest_row[4]:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rpc", choices=sorted(PRESETS), default="GetNamespace")
    parser.add_argument("--requests", type=int, default=3000, help="per transport and round")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vecplane-bench-") as data:
        process = ServerProcess(Path(data), env={"VECPLANE_LOG_LEVEL": "WARNING"}).start()
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{process.http_port}", headers={"authorization": f"Bearer {ADMIN_KEY}"}, timeout=60) as rest:
                request, namespace = PRESETS[args.rpc][1](rest)
            asyncio.run(run(args, process, request, namespace))
        finally:
            process.stop()


if __name__ == "__main__":
    main()
