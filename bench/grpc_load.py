"""Load GetCollection and CreateCollection on a real `python -m server serve` process with h2load
(gRPC unary over h2c), and, in the same run, the floors they are compared with: a bare grpc.aio echo
server (the ceiling of a Python gRPC server here), a minimal servicer that answers GetCollection with
one `find_one` by `_id`, and CreateCollection's own MongoDB commands sent straight to the server.

Run by hand (not part of the test suite; the machine is shared, so numbers vary):

    .venv/bin/python bench/grpc_load.py [--requests 3000] [--clients 8] [--streams 4]

What is measured:
- GetCollection: h2load, the same framed request every time (x-namespace = the namespace ID).
- CreateCollection with h2load: h2load sends one fixed body, so after the first call every request
  takes the duplicate-name path: full validation and planning, namespace and source reads, the
  vector-store check and payload indexes, then the insert refused by the unique index.
- CreateCollection with unique names (the success path): a grpc.aio client in this process, 8 in
  flight, because h2load cannot vary the body. Its numbers include Python client overhead.
- Echo: a grpc.aio server (no interceptor, no storage) answering the GetCollection request bytes with
  themselves, loaded with the same h2load settings: the ceiling for a Python gRPC server here.
- Minimal GetCollection: a grpc.aio servicer (its own process, no interceptor) that parses the
  request, does one `find_one({"_id": ...})` on the same MongoDB and answers the collection ID.
- CreateCollection's MongoDB work: the commands one CreateCollection sends, recorded from an
  in-process server on the same MongoDB, replayed with fresh IDs and names (8 in flight, pymongo
  async in this process).

Both servers use one nx-27017 started here (vecplane through MONGODB_URI), so every floor runs on the
same MongoDB server.

p50/p99 come from h2load's per-request log. h2load only sees HTTP status 200; the gRPC status is in
the trailers, so one call of each kind is checked with a real client before loading.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import os
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "clients" / "python")]

import grpc  # noqa: E402
from google.protobuf.message import Message  # noqa: E402
from pymongo import AsyncMongoClient  # noqa: E402
from vecplane.v1 import bucket_pb2, collection_pb2, collection_pb2_grpc, namespace_pb2  # noqa: E402

from server.protojson import dict_to_message  # noqa: E402
from server.storage.embedded_mongo import EmbeddedMongo  # noqa: E402
from tests.support.api import Api  # noqa: E402
from tests.support.servers import ADMIN_KEY, InProcessServer, ServerProcess, test_settings  # noqa: E402

H2LOAD = shutil.which("h2load") or "/usr/bin/h2load"
ECHO_METHOD = "/bench.Echo/Echo"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def grpc_frame(message: Message) -> bytes:
    """A gRPC length-prefixed message: flag 0 (not compressed), 4-byte big-endian length, bytes."""
    payload = message.SerializeToString()
    return struct.pack(">BI", 0, len(payload)) + payload


# ------------------------------------------------------------------------------------------------
# The echo ceiling (runs in its own process: `grpc_load.py --echo <port>`)


async def run_echo(port: int) -> None:
    server = grpc.aio.server()

    async def echo(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        return request

    handler = grpc.method_handlers_generic_handler("bench.Echo", {"Echo": grpc.unary_unary_rpc_method_handler(echo)})
    server.add_generic_rpc_handlers((handler,))
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await server.stop(1)


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listening on {port}")


# ------------------------------------------------------------------------------------------------
# h2load


def h2load(port: int, method: str, body: bytes, headers: dict[str, str], requests: int, clients: int, streams: int, workdir: Path) -> dict[str, Any]:
    data = workdir / f"{method.strip('/').replace('/', '_')}.bin"
    data.write_bytes(body)
    log = workdir / "h2load.log"
    log.unlink(missing_ok=True)
    command = [H2LOAD, "-n", str(requests), "-c", str(clients), "-m", str(streams), "-d", str(data), "--log-file", str(log),
               "-H", "content-type: application/grpc", "-H", "te: trailers"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{method}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    for line in log.read_text().splitlines():
        _start, status, micros = line.split("\t")
        statuses[status] = statuses.get(status, 0) + 1
        latencies.append(int(micros) / 1000)
    rps = next(float(line.split(",")[1].split()[0]) for line in output.splitlines() if line.startswith("finished in"))
    return {"rps": rps, **percentiles(latencies), "http": statuses, "done": len(latencies)}


def percentiles(latencies_ms: list[float]) -> dict[str, float]:
    ordered = sorted(latencies_ms)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50": pick(0.50), "p99": pick(0.99), "mean": statistics.fmean(ordered)}


# ------------------------------------------------------------------------------------------------
# The vecplane side


# ------------------------------------------------------------------------------------------------
# The minimal GetCollection servicer (runs in its own process: `grpc_load.py --minimal <port> ...`)


async def run_minimal(port: int, uri: str, database: str) -> None:
    mongo: AsyncMongoClient = AsyncMongoClient(uri)
    collections = mongo[database]["collections"]
    server = grpc.aio.server()

    async def get(request: collection_pb2.GetCollectionRequest, context: grpc.aio.ServicerContext) -> collection_pb2.GetCollectionResponse:
        found = await collections.find_one({"_id": request.collection_id})
        return collection_pb2.GetCollectionResponse(collection=collection_pb2.Collection(collection_id=found["_id"] if found else ""))

    method = grpc.unary_unary_rpc_method_handler(
        get, request_deserializer=collection_pb2.GetCollectionRequest.FromString, response_serializer=collection_pb2.GetCollectionResponse.SerializeToString
    )
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("vecplane.v1.CollectionService", {"GetCollection": method}),))
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()


# ------------------------------------------------------------------------------------------------
# CreateCollection's own MongoDB work

_SESSION_FIELDS = {"lsid", "txnNumber", "$db", "$clusterTime", "$readPreference"}
_NOT_THE_CALL = {"hello", "isMaster", "ismaster", "ping", "endSessions", "saslStart", "saslContinue"}


def record_create(uri: str, database: str, data_dir: Path) -> list[dict[str, Any]]:
    """The MongoDB commands of one successful CreateCollection, from an in-process server on `uri`."""
    server = InProcessServer(test_settings(data_dir, mongodb_uri=uri, mongodb_database=database)).start()
    try:
        namespace_id, _collection_id, template = setup(server.target)
        counter = server.app.backends.counter
        counter.recording = []
        with grpc.insecure_channel(server.target) as channel:
            api = Api(channel, ADMIN_KEY).in_namespace(namespace_id)
            template.collection_name = "recorded"
            api.call(api.collections.CreateCollection, template)
        recorded, counter.recording = counter.recording, None
    finally:
        server.stop()
    return [{k: v for k, v in command.items() if k not in _SESSION_FIELDS} for name, command in recorded if name == database and next(iter(command)) not in _NOT_THE_CALL]


async def replay_create(uri: str, database: str, commands: list[dict[str, Any]], requests: int, concurrency: int) -> dict[str, Any]:
    """Sends `commands` once per request (new collection IDs and names in inserts), `concurrency` in flight."""
    mongo: AsyncMongoClient = AsyncMongoClient(uri)
    db = mongo[database]
    latencies: list[float] = []
    counter = iter(range(requests))

    async def worker() -> None:
        for index in counter:
            started = time.perf_counter()
            for command in commands:
                command = copy.deepcopy(command)
                for doc in command.get("documents", []) if "insert" in command else []:
                    doc["_id"], doc["collection_name"] = f"col_r{index:09d}", f"replayed-{index:06d}"
                await db.command(command)
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    await mongo.close()
    return {"rps": requests / elapsed, **percentiles(latencies), "done": len(latencies)}


def setup(target: str) -> tuple[str, str, collection_pb2.CreateCollectionRequest]:
    """A namespace, a bucket with a schema and one collection; returns the namespace ID, that
    collection's ID and a CreateCollection request for more collections."""
    with grpc.insecure_channel(target) as channel:
        api = Api(channel, ADMIN_KEY)
        ns = api.call(api.namespaces.CreateNamespace, dict_to_message(
            {"namespace_name": "bench", "feature_extractors": [{"feature_extractor_name": "text_extractor", "version": "v1"}]},
            namespace_pb2.CreateNamespaceRequest)).namespace
        scoped = api.in_namespace(ns.namespace_id)
        schema = {"properties": {"image": {"type": "image"}, "metadata": {"type": "object", "properties": {"title": {"type": "string"}, "price": {"type": "number"}}}}}
        scoped.call(scoped.buckets.CreateBucket, dict_to_message({"bucket_name": "products", "bucket_schema": schema}, bucket_pb2.CreateBucketRequest))
        body = {
            "collection_name": "bench-get",
            "source": {"type": "bucket", "bucket_id": "products", "filters": {"AND": [{"field": "metadata.price", "operator": "gte", "value": 10}]}},
            "feature_extractors": [{"feature_extractor_name": "text_extractor", "version": "v1", "input_mapping": {"text": "metadata.title"}}],
        }
        created = scoped.call(scoped.collections.CreateCollection, dict_to_message(body, collection_pb2.CreateCollectionRequest)).collection
        got = scoped.call(scoped.collections.GetCollection, collection_pb2.GetCollectionRequest(collection_id=created.collection_id)).collection
        assert got == created
        body["collection_name"] = "bench-create"
        return ns.namespace_id, created.collection_id, dict_to_message(body, collection_pb2.CreateCollectionRequest)


async def create_unique(target: str, namespace_id: str, template: collection_pb2.CreateCollectionRequest, requests: int, concurrency: int) -> dict[str, Any]:
    metadata = (("authorization", f"Bearer {ADMIN_KEY}"), ("x-namespace", namespace_id))
    latencies: list[float] = []
    counter = iter(range(requests))
    async with grpc.aio.insecure_channel(target) as channel:
        stub = collection_pb2_grpc.CollectionServiceStub(channel)

        async def worker() -> None:
            for index in counter:
                request = collection_pb2.CreateCollectionRequest()
                request.CopyFrom(template)
                request.collection_name = f"unique-{index:06d}"
                started = time.perf_counter()
                await stub.CreateCollection(request, metadata=metadata)
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {"rps": requests / elapsed, **percentiles(latencies), "done": len(latencies)}


def show(name: str, result: dict[str, Any], baseline: tuple[str, float] | None) -> None:
    ratio = f"  {result['rps'] / baseline[1]:5.2f}x {baseline[0]}" if baseline else ""
    print(f"{name:64s} {result['rps']:8.0f} req/s  p50 {result['p50']:7.2f} ms  p99 {result['p99']:7.2f} ms{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--echo", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--minimal", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--mongo-uri", help=argparse.SUPPRESS)
    parser.add_argument("--requests", type=int, default=3000, help="requests per h2load run")
    parser.add_argument("--create-requests", type=int, default=300, help="CreateCollection calls with unique names")
    parser.add_argument("--clients", type=int, default=8, help="h2load connections")
    parser.add_argument("--streams", type=int, default=4, help="concurrent streams per connection")
    args = parser.parse_args()
    if args.echo:
        asyncio.run(run_echo(args.echo))
        return
    if args.minimal:
        asyncio.run(run_minimal(args.minimal, args.mongo_uri, "bench"))
        return

    workdir = Path(tempfile.mkdtemp(prefix="vecplane-bench-"))
    mongo = EmbeddedMongo(workdir / "mongo")
    mongo.start()
    server = ServerProcess(workdir / "data", env={"VECPLANE_LOG_LEVEL": "WARNING", "MONGODB_URI": mongo.uri, "MONGODB_DATABASE": "bench"})
    echo_port, minimal_port = free_port(), free_port()
    echo = subprocess.Popen([sys.executable, __file__, "--echo", str(echo_port)])
    minimal = subprocess.Popen([sys.executable, __file__, "--minimal", str(minimal_port), "--mongo-uri", mongo.uri])
    try:
        server.start()
        wait_port(echo_port)
        wait_port(minimal_port)
        namespace_id, collection_id, create_template = setup(server.target)
        create_commands = record_create(mongo.uri, "bench_record", workdir / "record")
        headers = {"authorization": f"Bearer {ADMIN_KEY}", "x-namespace": namespace_id}
        get_body = grpc_frame(collection_pb2.GetCollectionRequest(collection_id=collection_id))
        create_body = grpc_frame(create_template)
        load: dict[str, Any] = {"requests": args.requests, "clients": args.clients, "streams": args.streams, "workdir": workdir}
        print(f"h2load {args.requests} requests, {args.clients} connections x {args.streams} streams; server log level WARNING; {os.cpu_count()} CPUs (shared)")
        get_method = "/vecplane.v1.CollectionService/GetCollection"
        warm = {**load, "requests": min(500, args.requests)}
        for port, warm_headers in ((echo_port, {}), (minimal_port, {}), (server.grpc_port, headers)):
            h2load(port, ECHO_METHOD if port == echo_port else get_method, get_body, warm_headers, **warm)
        ceiling = h2load(echo_port, ECHO_METHOD, get_body, {}, **load)
        floor = h2load(minimal_port, get_method, get_body, {}, **load)
        print(f"CreateCollection sends {len(create_commands)} MongoDB commands: {', '.join(next(iter(c)) for c in create_commands)}")
        if not create_commands:
            raise SystemExit("no MongoDB command was recorded (a server without CommandCounter.recording)")
        direct = asyncio.run(replay_create(mongo.uri, "bench_record", create_commands, args.create_requests, 8))
        results: list[tuple[str, dict[str, Any], tuple[str, float] | None]] = [
            ("echo (bare grpc.aio, same request bytes)", ceiling, None),
            ("minimal GetCollection servicer (one find_one by _id)", floor, ("of echo", ceiling["rps"])),
            ("GetCollection (h2load)", h2load(server.grpc_port, get_method, get_body, headers, **load), ("of the minimal servicer", floor["rps"])),
            ("CreateCollection, duplicate-name path (h2load)", h2load(server.grpc_port, "/vecplane.v1.CollectionService/CreateCollection", create_body, headers, **load), None),
            ("CreateCollection's MongoDB commands sent straight (8 in flight)", direct, None),
            ("CreateCollection, unique names (grpc.aio client, 8 in flight)",
             asyncio.run(create_unique(server.target, namespace_id, create_template, args.create_requests, 8)), ("of its MongoDB work", direct["rps"])),
        ]
        for name, result, baseline in results:
            show(name, result, baseline)
            if "http" in result and set(result["http"]) != {"200"}:
                print(f"  warning: HTTP statuses {result['http']}")
    finally:
        for child in (echo, minimal):
            child.send_signal(signal.SIGTERM)
            child.wait(10)
        if server.process is not None:
            server.stop()
        mongo.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
