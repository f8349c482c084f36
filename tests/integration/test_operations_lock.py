"""The operations repository's lock and lease, against the embedded nx-27017 the server runs on:
one running operation per namespace (unique index on a never-missing `_lock`), ended operations
never clash, take-over only of expired leases and by exactly one claimant, writes only by the owner."""

from __future__ import annotations

import time

import pytest

from server.domain.ids import new_id
from server.storage.errors import DuplicateKey
from server.storage.operations import OperationRepository


@pytest.fixture
def ops(server):
    return OperationRepository(server.app.backends.db)


def operation(namespace_id: str, owner: str = "me", lease: float = 60.0) -> dict:
    op_id = new_id("op")
    return {"_id": op_id, "_org": "org_test", "_ns": namespace_id, "owner": owner, "lease_expires_at": time.time() + lease, "attempts": 0}


def test_one_running_operation_per_namespace(server, ops):
    ns, other_ns = new_id("ns"), new_id("ns")
    first = operation(ns)
    server.run(ops.start(first))
    with pytest.raises(DuplicateKey):
        server.run(ops.start(operation(ns)))
    server.run(ops.start(operation(other_ns)))  # another namespace is not blocked
    assert server.run(ops.running_in(ns))["_id"] == first["_id"]

    assert server.run(ops.finish(first["_id"], "me", "done", {}))
    assert server.run(ops.running_in(ns)) is None
    second = operation(ns)
    server.run(ops.start(second))  # free again
    assert server.run(ops.finish(second["_id"], "me", "done", {}))
    # Ended operations of one namespace never clash with each other.
    assert [op["state"] for op in server.run(ops.of_namespace(ns))] == ["done", "done"]


def test_only_the_owner_writes_and_only_an_expired_lease_is_taken_over_once(server, ops):
    ns = new_id("ns")
    live = operation(ns, owner="a")
    server.run(ops.start(live))
    assert not server.run(ops.advance(live["_id"], "b", {"step": "x"}))
    assert server.run(ops.advance(live["_id"], "a", {"step": "x"}))
    seen = server.run(ops.get(live["_id"]))
    assert server.run(ops.take_over(seen, "b", time.time(), time.time() + 60)) is None  # lease still live

    assert server.run(ops.advance(live["_id"], "a", {"lease_expires_at": 0}))
    expired = server.run(ops.get(live["_id"]))
    won = server.run(ops.take_over(expired, "b", time.time(), time.time() + 60))
    lost = server.run(ops.take_over(expired, "c", time.time(), time.time() + 60))  # same stale view
    assert won["owner"] == "b" and won["attempts"] == 1 and lost is None
    assert not server.run(ops.advance(live["_id"], "a", {"step": "stale"}))  # the old owner is out
    assert not server.run(ops.finish(live["_id"], "a", "done", {}))
    assert server.run(ops.finish(live["_id"], "b", "done", {}))
