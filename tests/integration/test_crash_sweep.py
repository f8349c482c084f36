"""A crash in the middle of creating a namespace's vector store leaves nothing that outlives the next
start (issue 9 item 14): the start-up sweep drops every store, collection and directory whose
namespace does not exist, on Qdrant Edge (the embedded store) and on qdrant-client's local mode."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import textwrap

import grpc
import pytest
from vecplane.v1 import namespace_pb2 as pb

from server.storage.qdrant_server import QdrantServerStore
from tests.support import resources as r
from tests.support.api import Api, expect_error
from tests.support.servers import ADMIN_KEY, REPO, InProcessServer, ServerProcess
from tests.support.servers import test_settings as settings_in


def store_directories(data) -> list[str]:
    root = data / "edge" / "collections"
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


# Qdrant Edge's shard of a new collection is built in a `tmp-*` directory and renamed into place. A
# crash inside that window cannot be reached through a vecplane fault point (it is inside the store),
# so a child process creates a collection and is SIGKILLed instead of renaming.
CRASH_INSIDE_EDGE_CREATE = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from pathlib import Path
    from server.domain.vectors import VectorSpec
    from server.storage.edge import EdgeStore

    async def main():
        store = EdgeStore.open(Path(sys.argv[1]))
        os.rename = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
        await store.create_collection("ns_GoneGoneGo__v1", [VectorSpec("v", 4)])

    asyncio.run(main())
    """
)


@pytest.mark.slow
def test_a_store_directory_left_by_a_crash_inside_the_store_is_swept_at_start(tmp_path):
    data = tmp_path / "data"
    crashed = subprocess.run([sys.executable, "-c", CRASH_INSIDE_EDGE_CREATE, str(data / "edge")], cwd=REPO, capture_output=True, timeout=60)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    (half_made,) = store_directories(data)
    assert half_made.startswith("tmp-") and (data / "edge" / "collections" / half_made / "edge_config.json").exists()
    server = InProcessServer(settings_in(data)).start()
    try:
        assert store_directories(data) == []
        assert server.run(server.app.backends.vectors.store_aliases()) == set()
    finally:
        server.stop()


# Qdrant local mode (the stand-in for the server code path) makes a collection's directory and
# SQLite file before it records the collection in meta.json; a child is SIGKILLed in that window
# (its `_save`, which writes meta.json, kills the process instead).
CRASH_INSIDE_LOCAL_CREATE = textwrap.dedent(
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
def test_a_local_mode_directory_left_by_a_crash_is_listed_and_dropped_with_its_store(tmp_path):
    path = tmp_path / "qdrant"
    crashed = subprocess.run([sys.executable, "-c", CRASH_INSIDE_LOCAL_CREATE, str(path)], cwd=REPO, capture_output=True, timeout=60)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    assert sorted(d.name for d in (path / "collection").iterdir()) == ["ns_GoneGoneGo__v1"]  # unknown to meta.json

    async def sweep():
        store = QdrantServerStore.local(path)
        try:
            found = await store.store_aliases()
            await store.drop_store("ns_GoneGoneGo")
            return found, await store.store_aliases()
        finally:
            await store.close()

    assert asyncio.run(sweep()) == ({"ns_GoneGoneGo"}, set())
    assert list((path / "collection").iterdir()) == []
