"""A crash in the middle of creating a namespace's vector store leaves nothing that outlives the next
start (issue 9 item 14): the start-up sweep drops every store, collection and directory whose
namespace does not exist."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

import grpc
import pytest
from vecplane.v1 import namespace_pb2 as pb

from tests.support import resources as r
from tests.support.api import Api, expect_error
from tests.support.servers import ADMIN_KEY, REPO, InProcessServer, ServerProcess
from tests.support.servers import test_settings as settings_in


def store_directories(data) -> list[str]:
    root = data / "qdrant" / "collection"
    return sorted(d.name for d in root.iterdir()) if root.is_dir() else []


@pytest.mark.slow
@pytest.mark.crash
def test_a_server_killed_between_the_store_and_the_namespace_leaves_nothing_after_restart(tmp_path):
    data = tmp_path / "data"
    process = ServerProcess(data, env={"VECPLANE_FAULTS": "namespaces.create.after_store=kill"}).start()
    try:
        with grpc.insecure_channel(process.target) as channel:
            error = expect_error(r.namespace, Api(channel, ADMIN_KEY), name="crashed")
        assert error.code == grpc.StatusCode.UNAVAILABLE
        assert process.wait_exit() == -signal.SIGKILL
    finally:
        process.kill()
    (left,) = store_directories(data)  # the store was made, the namespace never was
    process = ServerProcess(data).start()
    try:
        assert store_directories(data) == []
        with grpc.insecure_channel(process.target) as channel:
            api = Api(channel, ADMIN_KEY)
            assert not api.call(api.namespaces.ListNamespaces, pb.ListNamespacesRequest()).results
            again = r.namespace(api, name="crashed")
        assert store_directories(data) == [f"{again.namespace_id}__v1"] != [left]
        assert process.stop() == 0
    finally:
        process.kill()


# Qdrant local mode makes a collection's directory and SQLite file before it records the collection
# in meta.json. A crash in that window cannot be reached through a vecplane fault point (it is inside
# qdrant-client), so a child process opens the store with qdrant-client and is SIGKILLed at that
# moment: its `_save` (which writes meta.json) kills the process instead.
CRASH_INSIDE_CREATE = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from qdrant_client import AsyncQdrantClient, models
    from qdrant_client.local.async_qdrant_local import AsyncQdrantLocal

    async def main():
        client = AsyncQdrantClient(path=sys.argv[1])
        AsyncQdrantLocal._save = lambda self, aliases=None: os.kill(os.getpid(), signal.SIGKILL)
        await client.create_collection("ns_GoneGoneGo__v1", vectors_config={"v": models.VectorParams(size=4, distance=models.Distance.COSINE)})

    asyncio.run(main())
    """
)


@pytest.mark.slow
def test_a_store_directory_left_by_a_crash_inside_the_store_is_swept_at_start(tmp_path):
    data = tmp_path / "data"
    crashed = subprocess.run([sys.executable, "-c", CRASH_INSIDE_CREATE, str(data / "qdrant")], cwd=REPO, capture_output=True, timeout=60)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    assert store_directories(data) == ["ns_GoneGoneGo__v1"]  # on disk, unknown to meta.json
    server = InProcessServer(settings_in(data)).start()
    try:
        assert store_directories(data) == []
        assert server.run(server.app.backends.vectors.store_aliases()) == set()
    finally:
        server.stop()
