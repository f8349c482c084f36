"""The contract of server.storage.repositories.Operations: one running operation per namespace
(unique index on a never-missing `_lock`: portable.py, 2.), ended operations never clash, take-over
only of expired leases (compared below the second: portable.py, 1.) and by exactly one claimant,
writes only by the owner."""

from __future__ import annotations

import time

import pytest

from server.domain.ids import new_id
from server.storage.errors import DuplicateKey
from server.storage.operations import OperationRepository
from tests.contract.conftest import Stores


@pytest.fixture
def ops(stores: Stores) -> OperationRepository:
    return stores.operations


def operation(namespace_id: str, owner: str = "me", lease: float = 60.0) -> dict:
    op_id = new_id("op")
    return {"_id": op_id, "_org": "org_test", "_ns": namespace_id, "owner": owner, "lease_expires_at": time.time() + lease, "attempts": 0}


def test_one_running_operation_per_namespace(stores, ops):
    ns, other_ns = new_id("ns"), new_id("ns")
    first = operation(ns)
    stores.run(ops.start(first))
    with pytest.raises(DuplicateKey):
        stores.run(ops.start(operation(ns)))
    stores.run(ops.start(operation(other_ns)))  # another namespace is not blocked
    assert stores.run(ops.running_in(ns))["_id"] == first["_id"]

    assert stores.run(ops.finish(first["_id"], "me", "done", {}))
    assert stores.run(ops.running_in(ns)) is None
    second = operation(ns)
    stores.run(ops.start(second))  # free again
    assert stores.run(ops.finish(second["_id"], "me", "done", {}))
    # Ended operations of one namespace never clash with each other.
    assert [op["state"] for op in stores.run(ops.of_namespace(ns))] == ["done", "done"]


def test_only_the_owner_writes_and_only_an_expired_lease_is_taken_over_once(stores, ops):
    ns = new_id("ns")
    live = operation(ns, owner="a")
    stores.run(ops.start(live))
    assert not stores.run(ops.advance(live["_id"], "b", {"step": "x"}))
    assert stores.run(ops.advance(live["_id"], "a", {"step": "x"}))
    seen = stores.run(ops.get(live["_id"]))
    assert stores.run(ops.take_over(seen, "b", time.time(), time.time() + 60)) is None  # lease still live

    assert stores.run(ops.advance(live["_id"], "a", {"lease_expires_at": 0}))
    expired = stores.run(ops.get(live["_id"]))
    won = stores.run(ops.take_over(expired, "b", time.time(), time.time() + 60))
    lost = stores.run(ops.take_over(expired, "c", time.time(), time.time() + 60))  # same stale view
    assert won["owner"] == "b" and won["attempts"] == 1 and lost is None
    assert not stores.run(ops.advance(live["_id"], "a", {"step": "stale"}))  # the old owner is out
    assert not stores.run(ops.finish(live["_id"], "a", "done", {}))
    assert stores.run(ops.finish(live["_id"], "b", "done", {}))


def test_leases_compare_below_the_second(stores, ops):
    """A lease that ends 300 ms from now is live now and expired 500 ms from now."""
    now = time.time()
    live = operation(new_id("ns"), owner="a")
    stores.run(ops.start({**live, "lease_expires_at": now + 0.3}))
    seen = stores.run(ops.get(live["_id"]))
    assert stores.run(ops.take_over(seen, "b", now, now + 60)) is None
    assert stores.run(ops.take_over(seen, "b", now + 0.5, now + 60))["owner"] == "b"
