"""The embedded MongoDB as a supervised, private child, and health that tells the truth about the
backends (issue 9 items 3 and 8), against real server processes."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import threading
import time
from pathlib import Path

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from vecplane.v1 import namespace_pb2

from server.storage.embedded_mongo import EmbeddedMongo
from tests.support.api import Api, expect_error
from tests.support.servers import ADMIN_KEY, ServerProcess

pytestmark = pytest.mark.slow  # every test starts server processes

TEXT = namespace_pb2.NamespaceFeatureExtractor(feature_extractor_name="text_extractor", version="v1")
LIST = namespace_pb2.ListNamespacesRequest()
SERVING, NOT_SERVING = health_pb2.HealthCheckResponse.SERVING, health_pb2.HealthCheckResponse.NOT_SERVING


def child_pid(process: ServerProcess) -> int:
    """The PID of the server's embedded MongoDB child."""
    assert process.process is not None
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"nx_27017_child" in (entry / "cmdline").read_bytes():
                status = (entry / "status").read_text()
                if f"\nPPid:\t{process.process.pid}\n" in status:
                    found.append(int(entry.name))
        except OSError:
            continue  # exited meanwhile
    assert len(found) == 1, found
    return found[0]


def state_of(pid: int) -> str | None:
    """The process's state letter (Z for a zombie), or None when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return None


def wait_for(predicate, timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def health(channel: grpc.Channel) -> int:
    return health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5).status


def timed_failure(api: Api):
    started = time.monotonic()
    error = expect_error(api.call, api.namespaces.ListNamespaces, LIST, timeout=30)
    return error, time.monotonic() - started


NOBODY = 65534


def probe_as(uid: int | None, socket_path: str, file: Path) -> str:
    """In a forked child running as `uid` (None: as this user): may it connect to the socket, and
    read the file? Only system calls run in the child, so forking this threaded process is safe."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            results = []
            if uid is not None:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
            try:
                socket.socket(socket.AF_UNIX).connect(socket_path)
                results.append("connected")
            except PermissionError:
                results.append("socket denied")
            try:
                with open(file, "rb") as handle:
                    handle.read(16)
                results.append("read")
            except PermissionError:
                results.append("file denied")
            os.write(write_end, ",".join(results).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as answer:
        return answer.read().decode()


@pytest.fixture
def process(tmp_path):
    running = ServerProcess(tmp_path / "data")
    yield running
    running.kill()


def test_a_killed_embedded_mongodb_is_reaped_restarted_and_the_service_recovers(process):
    """SIGKILL of the nx-27017 child used to leave a zombie, UNAVAILABLE for every call and health
    SERVING. Here the child is reaped and restarted; while it cannot come back (the test holds its
    data dir's lock), health is NOT_SERVING and calls fail at once naming the backend, over gRPC
    and REST; when it can, everything works again without restarting vecplane."""
    process.start()
    with grpc.insecure_channel(process.target) as channel:
        api = Api(channel, ADMIN_KEY)
        api.call(api.namespaces.CreateNamespace, namespace_pb2.CreateNamespaceRequest(namespace_name="kept", feature_extractors=[TEXT]))
        first = child_pid(process)

        # The test waits for the data dir's lock, so the kernel hands it over the moment the child dies.
        lock = open(process.data_dir / "mongo" / "nx-27017.lock", "w")  # noqa: SIM115 - closed below
        locked = threading.Event()
        waiter = threading.Thread(target=lambda: (fcntl.flock(lock, fcntl.LOCK_EX), locked.set()))
        waiter.start()
        os.kill(first, signal.SIGKILL)
        try:
            assert locked.wait(10)
            wait_for(lambda: state_of(first) is None, what="the killed child to be reaped")  # no zombie left
            wait_for(lambda: health(channel) == NOT_SERVING, what="NOT_SERVING")
            error, took = timed_failure(api)
            assert error.code == grpc.StatusCode.UNAVAILABLE and took < 1.0, (error, took)
            assert "MongoDB (embedded nx-27017) is unavailable" in error.message
            assert error.reason == "BACKEND_UNAVAILABLE" and error.metadata == {"backend": "MongoDB (embedded nx-27017)"}
            rest = httpx.get(f"http://127.0.0.1:{process.http_port}/v1/namespaces/kept", headers={"authorization": f"Bearer {ADMIN_KEY}"})
            assert rest.status_code == 503 and "MongoDB (embedded nx-27017)" in rest.text
        finally:
            lock.close()  # releases the lock: the next restart attempt succeeds
            waiter.join(5)

        wait_for(lambda: health(channel) == SERVING, timeout=30, what="SERVING again")
        assert api.call(api.namespaces.GetNamespace, namespace_pb2.GetNamespaceRequest(namespace_id="kept")).namespace.namespace_name == "kept"
        assert child_pid(process) != first

    def messages() -> list[str]:
        return [json.loads(line)["msg"] for line in process.log_path.read_text().splitlines() if line.startswith("{")]

    wait_for(lambda: "embedded MongoDB (nx-27017) restarted" in messages(), what="the restart to be logged")
    assert {"embedded MongoDB (nx-27017) exited; restarting it", "backend unreachable", "backend reachable again"} <= set(messages())


def test_an_unreachable_remote_mongodb_is_not_serving_and_fails_fast_until_it_answers(tmp_path):
    """The same for a MongoDB server (MONGODB_URI; here a separate nx-27017 that the test freezes
    with SIGSTOP, so connections hang rather than fail)."""
    external = EmbeddedMongo(tmp_path / "external")
    external.start()
    process = ServerProcess(tmp_path / "data", env={"MONGODB_URI": external.uri})
    try:
        process.start()
        frozen = external.pid
        assert frozen is not None
        with grpc.insecure_channel(process.target) as channel:
            api = Api(channel, ADMIN_KEY)
            api.call(api.namespaces.ListNamespaces, LIST)
            os.kill(frozen, signal.SIGSTOP)
            try:
                wait_for(lambda: health(channel) == NOT_SERVING, what="NOT_SERVING")
                error, took = timed_failure(api)
                assert error.code == grpc.StatusCode.UNAVAILABLE and took < 1.0, (error, took)
                assert error.message.startswith("MongoDB is unavailable")
            finally:
                os.kill(frozen, signal.SIGCONT)
            wait_for(lambda: health(channel) == SERVING, timeout=30, what="SERVING again")
            api.call(api.namespaces.ListNamespaces, LIST)
    finally:
        process.kill()
        external.stop()


def test_only_vecplane_reaches_the_embedded_mongodb_and_its_files(process):
    """Item 8: nx-27017 listened on a loopback TCP port without authentication, so any local user
    could read every organization and insert an admin key; its files were world-readable. Now it
    listens only on a unix socket in a 0700 directory, and its files are 0600 in a 0700 directory:
    another user can neither connect nor read, and the child has no TCP socket at all."""
    if os.geteuid() != 0:
        pytest.skip("needs root to run a client as another user (nobody)")
    process.start()
    serving = next(json.loads(line) for line in process.log_path.read_text().splitlines() if '"vecplane serving"' in line)
    socket_path = serving["mongodb"].split(" on ", 1)[1].split(" (data in ", 1)[0]
    mongo_dir = process.data_dir / "mongo"
    files = [p for p in mongo_dir.iterdir() if p.is_file()]
    assert any(p.suffix == ".db" for p in files)
    assert oct(mongo_dir.stat().st_mode & 0o777) == "0o700" and oct(process.data_dir.stat().st_mode & 0o777) == "0o700"
    assert {oct(p.stat().st_mode & 0o777) for p in files} == {"0o600"}
    assert oct(Path(socket_path).parent.stat().st_mode & 0o777) == "0o700"

    # The child's sockets are unix sockets only: no inode of it is in the TCP tables.
    pid = child_pid(process)
    inodes = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
    tcp = "".join(Path(t).read_text() for t in ("/proc/net/tcp", "/proc/net/tcp6"))
    assert not [i for i in inodes if i.startswith("socket:[") and f" {i[8:-1]} " in tcp]

    database_file = next(p for p in files if p.suffix == ".db")
    assert probe_as(NOBODY, socket_path, database_file) == "socket denied,file denied"
    assert probe_as(None, socket_path, database_file) == "connected,read"  # the same probe as vecplane's user works
    with socket.socket(socket.AF_UNIX) as own:  # and vecplane keeps working
        own.connect(socket_path)
    with grpc.insecure_channel(process.target) as channel:
        api = Api(channel, ADMIN_KEY)
        api.call(api.namespaces.ListNamespaces, LIST)
