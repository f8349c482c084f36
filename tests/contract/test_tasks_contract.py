"""The task repository's leases and fence (server.storage.tasks) on a real MongoDB-wire server, as
several replicas use them: a claim is won by exactly one claimant, a live lease is never taken, an
expired one is taken over by exactly one, and a holder that lost its lease changes nothing more
(heartbeat, checkpoint, finish are refused). Claimants use clients of their own (their own
connections), as separate processes would; times are passed explicitly, so no test waits."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import pytest
from pymongo import AsyncMongoClient

from server.domain.ids import new_id
from server.domain.tasks import Task, TaskStatus, TaskType, TierProgress
from server.storage.mongo import CommandCounter, connect
from server.storage.tasks import LeaseLost, TaskRepository
from tests.contract.conftest import Stores

LEASE = 10.0


@pytest.fixture
def tasks(stores: Stores) -> TaskRepository:
    repository = TaskRepository(stores.db)
    stores.run(repository.ensure_indexes())
    return repository


def new_task() -> Task:
    return Task(new_id("tsk"), TaskType.TRIGGER, "org_test", "ns_test", [TierProgress(1, ["col_a"])], created_at="2026-01-01T00:00:00Z", updated_at="2026-01-01T00:00:00Z")


def replicas(stores: Stores, mongo_uri: str, n: int) -> list[tuple[AsyncMongoClient, TaskRepository]]:
    """`n` repositories on the test's database, each through a client (connections) of its own."""
    made = []
    for _ in range(n):
        client = connect(mongo_uri, CommandCounter())
        made.append((client, TaskRepository(client[stores.db.name])))
    return made


def test_each_task_is_claimed_by_exactly_one_of_several_claimants(stores: Stores, tasks: TaskRepository, mongo_uri: str) -> None:
    inserted = [new_task() for _ in range(24)]
    for task in inserted:
        stores.run(tasks.insert(task))
    claimants = replicas(stores, mongo_uri, 3)
    now = time.time()

    async def drain(owner: str, repository: TaskRepository) -> list[str]:
        won = []
        while (task := await repository.claim(owner, now, LEASE)) is not None:
            assert task.fence == 1 and task.status == TaskStatus.IN_PROGRESS
            won.append(task.task_id)
        return won

    async def race() -> list[list[str]]:
        try:
            return await asyncio.gather(*(drain(f"replica-{n}", repository) for n, (_, repository) in enumerate(claimants)))
        finally:
            for client, _ in claimants:
                await client.close()

    won = stores.run(race())
    claims = Counter(task_id for per_owner in won for task_id in per_owner)
    assert sorted(claims) == sorted(t.task_id for t in inserted)
    assert set(claims.values()) == {1}, "a task was claimed twice"
    for n, per_owner in enumerate(won):
        for task_id in per_owner:
            stored = stores.run(tasks.collection.find_one({"_id": task_id}))
            assert (stored["lease_owner"], stored["fence"]) == (f"replica-{n}", 1)


def test_a_live_lease_is_kept_and_an_expired_one_is_taken_over_once(stores: Stores, tasks: TaskRepository, mongo_uri: str) -> None:
    task = new_task()
    stores.run(tasks.insert(task))
    now = time.time()
    held = stores.run(tasks.claim("a", now, LEASE))
    assert held is not None and held.fence == 1
    assert stores.run(tasks.claim("b", now + LEASE - 0.5, LEASE)) is None  # still A's

    claimants = replicas(stores, mongo_uri, 4)

    async def take_over() -> list[Task | None]:
        try:
            return await asyncio.gather(*(repository.claim(f"b{n}", now + LEASE + 1, LEASE) for n, (_, repository) in enumerate(claimants)))
        finally:
            for client, _ in claimants:
                await client.close()

    winners = [t for t in stores.run(take_over()) if t is not None]
    assert len(winners) == 1 and winners[0].fence == 2
    stored = stores.run(tasks.collection.find_one({"_id": task.task_id}))
    assert stored["lease_owner"] in {"b0", "b1", "b2", "b3"} and stored["fence"] == 2


def test_a_holder_that_lost_its_lease_writes_nothing_more(stores: Stores, tasks: TaskRepository) -> None:
    stores.run(tasks.insert(new_task()))
    now = time.time()
    stale = stores.run(tasks.claim("a", now, LEASE))
    assert stale is not None
    stale.tiers[0].processed, stale.tiers[0].after = 8, "obj_first_chunk"
    stores.run(tasks.checkpoint(stale, "2026-01-01T00:00:01Z"))  # while A holds it: accepted

    fresh = stores.run(tasks.claim("b", now + LEASE + 1, LEASE))  # A stalled past its lease
    assert fresh is not None and fresh.fence == stale.fence + 1
    assert (fresh.tiers[0].processed, fresh.tiers[0].after) == (8, "obj_first_chunk")  # resumes at A's checkpoint
    before = stores.run(tasks.collection.find_one({"_id": fresh.task_id}))

    stale.tiers[0].processed, stale.tiers[0].after = 16, "obj_second_chunk"
    with pytest.raises(LeaseLost):
        stores.run(tasks.heartbeat(stale.task_id, stale.fence, now + 2 * LEASE))
    with pytest.raises(LeaseLost):
        stores.run(tasks.checkpoint(stale, "2026-01-01T00:00:02Z"))
    with pytest.raises(LeaseLost):
        stores.run(tasks.finish(stale, TaskStatus.COMPLETED, "", "2026-01-01T00:00:03Z"))
    assert stores.run(tasks.collection.find_one({"_id": fresh.task_id})) == before  # nothing of A's landed

    fresh.tiers[0].processed, fresh.tiers[0].after = 16, "obj_second_chunk"
    assert stores.run(tasks.heartbeat(fresh.task_id, fresh.fence, now + 2 * LEASE)).fence == fresh.fence
    assert stores.run(tasks.checkpoint(fresh, "2026-01-01T00:00:04Z")).tiers[0].after == "obj_second_chunk"
    stores.run(tasks.finish(fresh, TaskStatus.COMPLETED, "", "2026-01-01T00:00:05Z"))
    with pytest.raises(LeaseLost):  # A waking after the end changes nothing either
        stores.run(tasks.finish(stale, TaskStatus.FAILED, "late", "2026-01-01T00:00:06Z"))
    done = stores.run(tasks.get({"_org": "org_test"}, fresh.task_id))
    assert done is not None and (done.status, done.error) == (TaskStatus.COMPLETED, "")
    assert stores.run(tasks.claim("c", now + 10 * LEASE, LEASE)) is None  # an ended task is never claimed again
