"""The service as a process: persistence across restarts, graceful stop, no orphans after a crash,
and grpcurl (reflection only) against it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import grpc
import pymongo
import pytest
from vecplane.v1 import namespace_pb2

from tests.support.api import Api
from tests.support.servers import ADMIN_KEY, ServerProcess

GRPCURL = str(Path(sys.executable).with_name("grpcurl"))
TEXT = namespace_pb2.NamespaceFeatureExtractor(feature_extractor_name="text_extractor", version="v1")


def embedded_mongo_pids(data_dir: Path) -> list[int]:
    """PIDs of nx-27017 processes serving this data dir."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if any(b"nx-27017" in part for part in cmdline) and str(data_dir).encode() in b" ".join(cmdline):
                found.append(int(entry.name))
    return found


def wait_until(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.fixture
def process(tmp_path):
    running = ServerProcess(tmp_path / "data")
    yield running
    running.kill()


@pytest.mark.slow  # a server process or a build; over 5 s
def test_data_survives_a_restart_on_the_same_data_dir(process):
    process.start()
    with grpc.insecure_channel(process.target) as channel:
        api = Api(channel, ADMIN_KEY)
        created = api.call(api.namespaces.CreateNamespace, namespace_pb2.CreateNamespaceRequest(namespace_name="durable", feature_extractors=[TEXT])).namespace
    assert process.stop() == 0
    process.start()
    with grpc.insecure_channel(process.target) as channel:
        api = Api(channel, ADMIN_KEY)
        found = api.call(api.namespaces.GetNamespace, namespace_pb2.GetNamespaceRequest(namespace_id="durable")).namespace
    assert found == created


@pytest.mark.slow  # a server process or a build; over 5 s
def test_sigterm_lets_in_flight_calls_finish_then_exits_cleanly(tmp_path):
    process = ServerProcess(tmp_path / "data", env={"VECPLANE_FAULTS": "namespaces.create.after_store=sleep:1.5"}).start()
    try:
        outcome = {}
        with grpc.insecure_channel(process.target) as channel:
            api = Api(channel, ADMIN_KEY)

            def slow_create():
                request = namespace_pb2.CreateNamespaceRequest(namespace_name="in-flight", feature_extractors=[TEXT])
                outcome["namespace"] = api.call(api.namespaces.CreateNamespace, request).namespace

            caller = threading.Thread(target=slow_create)
            caller.start()
            time.sleep(0.5)  # the call is now sleeping at the fault point, between its two writes
            process.process.send_signal(signal.SIGTERM)
            caller.join(10)
        assert outcome["namespace"].namespace_name == "in-flight"
        assert process.wait_exit() == 0
        log = process.log_path.read_text()
        assert "stopping: finishing in-flight calls" in log and "vecplane stopped" in log
        assert embedded_mongo_pids(process.data_dir) == []
    finally:
        process.kill()


@pytest.mark.slow  # a server process or a build; over 5 s
def test_a_killed_server_leaves_no_embedded_mongodb_behind(process):
    process.start()
    assert len(embedded_mongo_pids(process.data_dir)) == 1
    os.kill(process.process.pid, signal.SIGKILL)
    process.wait_exit()
    assert wait_until(lambda: embedded_mongo_pids(process.data_dir) == [])
    # And the data dir is usable again straight away.
    process.start()


@pytest.mark.slow  # a server process or a build; over 5 s
def test_startup_log_names_the_backends_in_use(process):
    process.start()
    lines = [json.loads(line) for line in process.log_path.read_text().splitlines() if line.startswith("{")]
    serving = next(line for line in lines if line["msg"] == "vecplane serving")
    assert serving["mongodb"].startswith("embedded nx-27017 on /") and serving["mongodb"].endswith(f"(data in {process.data_dir / 'mongo'})")
    assert serving["qdrant"] == f"Qdrant Edge at {process.data_dir / 'edge'}"
    assert "fashionsiglip_v1" in serving["feature_extractors"]


def grpcurl(target: str, *args: str, key: str | None = None) -> subprocess.CompletedProcess:
    auth = ["-H", f"authorization: Bearer {key}"] if key else []
    return subprocess.run([GRPCURL, "-plaintext", *auth, *args], capture_output=True, text=True, timeout=30)


def test_grpcurl_lists_describes_and_calls_through_reflection(server):
    listed = grpcurl(server.target, server.target, "list")
    assert listed.returncode == 0, listed.stderr
    assert set(listed.stdout.split()) == {
        "vecplane.v1.AdminService",
        "vecplane.v1.NamespaceService",
        "vecplane.v1.BucketService",
        "vecplane.v1.CollectionService",
        "vecplane.v1.DocumentService",
        "vecplane.v1.RetrieverService",
        "vecplane.v1.FeatureExtractorService",
        "vecplane.v1.TaskService",
        "vecplane.v1.BatchService",
        "google.longrunning.Operations",
        "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection",
        "grpc.reflection.v1.ServerReflection",
    }
    described = grpcurl(server.target, server.target, "describe", "vecplane.v1.NamespaceService")
    assert "rpc Reconfigure ( .vecplane.v1.ReconfigureRequest ) returns ( .vecplane.v1.ReconfigureResponse )" in described.stdout
    body = json.dumps({"namespace_name": "from-grpcurl", "feature_extractors": [{"feature_extractor_name": "text_extractor", "version": "v1"}]})
    created = grpcurl(server.target, "-d", body, server.target, "vecplane.v1.NamespaceService/CreateNamespace", key=ADMIN_KEY)
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["namespace"]["namespaceName"] == "from-grpcurl"
    unauthenticated = grpcurl(server.target, "-d", body, server.target, "vecplane.v1.NamespaceService/CreateNamespace")
    assert unauthenticated.returncode != 0 and "Unauthenticated" in unauthenticated.stderr
    invalid = grpcurl(server.target, "-d", json.dumps({"namespace_name": "x!"}), server.target, "vecplane.v1.NamespaceService/CreateNamespace", key=ADMIN_KEY)
    assert "InvalidArgument" in invalid.stderr and "google.rpc.BadRequest" in invalid.stderr and '"field":"namespace_name"' in invalid.stderr


@pytest.mark.slow  # a server process or a build; over 5 s
def test_mongodb_uri_selects_an_external_server(tmp_path):
    """With MONGODB_URI the service uses that server (here a separately started nx-27017) and starts
    no embedded one."""
    from server.storage.embedded_mongo import EmbeddedMongo

    external = EmbeddedMongo(tmp_path / "external")
    external.start()
    process = ServerProcess(tmp_path / "data", env={"MONGODB_URI": external.uri, "MONGODB_DATABASE": "elsewhere"})
    try:
        process.start()
        assert embedded_mongo_pids(process.data_dir) == []
        with grpc.insecure_channel(process.target) as channel:
            api = Api(channel, ADMIN_KEY)
            api.call(api.namespaces.CreateNamespace, namespace_pb2.CreateNamespaceRequest(namespace_name="remote", feature_extractors=[TEXT]))
        with pymongo.MongoClient(external.uri) as client:
            assert client["elsewhere"]["namespaces"].count_documents({"namespace_name": "remote"}) == 1
        assert f'"mongodb": "server {external.uri}"' in process.log_path.read_text()
    finally:
        process.kill()
        external.stop()
