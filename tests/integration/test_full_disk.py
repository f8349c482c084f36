"""A full disk under the data dir (issue 9 item 11): writes answer UNAVAILABLE with reason
STORAGE_FULL (503 over REST), never INTERNAL; nothing half-made is left, and once space is freed the
same calls succeed.

The data dir lives on a small tmpfs the test mounts (root is needed; skipped with the reason
otherwise), filled to the last byte with a file that is deleted afterwards. 96 MiB: an empty
namespace store of Qdrant Edge takes about 16 MiB, mostly the payload indexes it preallocates."""

from __future__ import annotations

import contextlib
import subprocess

import grpc
import pytest
from vecplane.v1 import collection_pb2
from vecplane.v1 import namespace_pb2 as pb

from tests.support import resources as r
from tests.support.api import Api, RichError, rich_error
from tests.support.rest import Rest, envelope
from tests.support.servers import ADMIN_KEY, InProcessServer
from tests.support.servers import test_settings as settings_in


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(path) -> None:
    with open(path, "wb") as filler, contextlib.suppress(OSError):
        while True:
            filler.write(b"\0" * (1 << 20))
            filler.flush()


def attempt(call):
    try:
        return call()
    except grpc.RpcError as error:
        return rich_error(error)


def test_a_full_disk_gives_storage_full_and_leaves_a_consistent_state(small_disk):
    server = InProcessServer(settings_in(small_disk / "data")).start()
    try:
        with grpc.insecure_channel(server.target) as channel:
            api = Api(channel, ADMIN_KEY)
            rest = Rest(f"http://127.0.0.1:{server.app.http_port}", ADMIN_KEY)
            ns = r.namespace(api, name="before")
            scoped = api.in_namespace(ns.namespace_id)
            r.bucket(scoped, name="products")
            kept = r.collection(scoped, r.text_collection_body({"type": "bucket", "bucket_id": "products"}, name="kept"))

            fill(small_disk / "filler")
            writes = {
                "CreateNamespace": lambda: r.namespace(api, name="during"),
                "CreateBucket": lambda: r.bucket(scoped, name="during-bucket"),
                "CreateObject": lambda: r.product(scoped, "products", "shoe"),
                "CreateCollection": lambda: r.collection(scoped, r.text_collection_body({"type": "bucket", "bucket_id": "products"}, name="during-col")),
                "UpdateCollection": lambda: scoped.call(
                    scoped.collections.UpdateCollection,
                    collection_pb2.UpdateCollectionRequest(collection_id="kept", description="x" * 4096, update_mask={"paths": ["description"]}),
                ),
            }
            outcomes = {name: attempt(call) for name, call in writes.items()}
            for name, outcome in outcomes.items():
                if isinstance(outcome, RichError):
                    assert outcome.code == grpc.StatusCode.UNAVAILABLE and outcome.reason == "STORAGE_FULL", (name, outcome)
                    assert "no space left" in outcome.message
            # A namespace needs a new vector store and a document; neither fits. (128 MB: every new Edge store keeps a 16 MiB reserve free, so after the disk is freed two stores must still fit.)
            assert isinstance(outcomes["CreateNamespace"], RichError) and isinstance(outcomes["CreateBucket"], RichError)
            error = envelope(rest.post("/v1/namespaces", json={"namespace_name": "during-rest", "feature_extractors": [r.TEXT]}), 503, "ServiceUnavailable")
            assert error["details"]["reason"] == "STORAGE_FULL"
            # Reads still work while the disk is full.
            found = scoped.call(scoped.collections.GetCollection, collection_pb2.GetCollectionRequest(collection_id="kept")).collection
            assert found.collection_id == kept.collection_id

            (small_disk / "filler").unlink()
            succeeded = {name for name, outcome in outcomes.items() if not isinstance(outcome, RichError)}
            names = [n.namespace_name for n in api.call(api.namespaces.ListNamespaces, pb.ListNamespacesRequest()).results]
            assert names == ["before"]
            vectors = server.app.backends.vectors
            assert server.run(vectors.store_aliases()) == {ns.namespace_id}  # no store of a namespace that failed
            collections = {c.collection_name for c in scoped.call(scoped.collections.ListCollections, collection_pb2.ListCollectionsRequest()).results}
            assert collections == {"kept"} | ({"during-col"} if "CreateCollection" in succeeded else set())
            # The same calls go through once there is room again.
            for name, call in writes.items():
                if name not in succeeded:
                    call()
            r.namespace(api, name="during-rest")
    finally:
        server.stop()
