"""Processing tasks in the MongoDB collection `tasks`, and their per-source failures in
`task_failures`.

Leases and fencing: a worker claims a runnable task whose lease has expired (or that nobody holds)
by a compare-and-set that bumps `fence` and sets `lease_owner` and `lease_until` (epoch seconds, a
number: server.storage.portable, 1.). Every later write of that worker (heartbeat, checkpoint,
finish) is conditioned on its fence, so a worker that lost its lease (it stalled, and another
process took the task over) changes nothing more.

One running trigger per collection scope: while a whole-collection trigger runs, its `_lock` holds
`trigger:<collection id>` and a unique index refuses a second one; when it ends, `_lock` becomes
`ended:<task id>` (server.storage.portable, 2.)."""

from __future__ import annotations

from typing import Any

import pymongo
import pymongo.errors
from pymongo.asynchronous.database import AsyncDatabase

from server.domain.paging import PageParams
from server.domain.tasks import RUNNABLE, Task, TaskStatus, TaskType, TierProgress
from server.storage.errors import DuplicateKey
from server.storage.mongo_filters import to_mongo
from server.storage.paging import Page, fetch_page
from server.storage.portable import ended_lock, hint_equality_fields, with_sort_keys


def _to_doc(task: Task) -> dict[str, Any]:
    return {
        "_id": task.task_id,
        "_org": task.organization_id,
        "_ns": task.namespace_id,
        "task_id": task.task_id,
        "task_type": str(task.task_type),
        "status": str(task.status),
        "tiers": [t.to_json() for t in task.tiers],
        "object_ids": task.object_ids,
        "current_tier": task.current_tier,
        "batch_id": task.batch_id,
        "error": task.error,
        "created_at": task.created_at,
        "updated_at": task.updated_at,
        "fence": task.fence,
        "cancel_requested": "yes" if task.cancel_requested else "",
        "lease_until": 0.0,
        "lease_owner": "",
    }


def to_task(doc: dict[str, Any]) -> Task:
    return Task(
        task_id=doc["_id"],
        task_type=TaskType(doc["task_type"]),
        organization_id=doc["_org"],
        namespace_id=doc["_ns"],
        tiers=[TierProgress.from_json(t) for t in doc["tiers"]],
        object_ids=list(doc.get("object_ids") or []),
        status=TaskStatus(doc["status"]),
        current_tier=int(doc.get("current_tier", 0)),
        batch_id=str(doc.get("batch_id") or ""),
        error=str(doc.get("error") or ""),
        created_at=str(doc.get("created_at") or ""),
        updated_at=str(doc.get("updated_at") or ""),
        fence=int(doc.get("fence", 0)),
        cancel_requested=bool(doc.get("cancel_requested")),
    )


class LeaseLost(Exception):
    """The task was taken over (or finished) by another holder: stop without writing more."""


class TaskRepository:
    collection_name = "tasks"

    def __init__(self, db: AsyncDatabase):
        self.collection = db[self.collection_name]
        self.failures = db["task_failures"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("_lock", pymongo.ASCENDING)], unique=True, name="tasks_one_trigger_per_collection")
        await self.collection.create_index([("status", pymongo.ASCENDING), ("lease_until", pymongo.ASCENDING)], name="tasks_by_status")
        await self.collection.create_index([("_org", pymongo.ASCENDING), ("_ns", pymongo.ASCENDING), ("_created_ms", pymongo.ASCENDING)], name="tasks_by_namespace")
        await self.failures.create_index([("task_id", pymongo.ASCENDING), ("tier_num", pymongo.ASCENDING)], name="task_failures_by_task")
        await self.failures.create_index([("collection_id", pymongo.ASCENDING), ("root_object_id", pymongo.ASCENDING)], name="task_failures_by_root")
        await hint_equality_fields(self.collection, ("_ns", "status"))

    async def queue(self) -> tuple[int, int, int | None]:
        """How many tasks are PENDING and IN_PROGRESS, and when (ms) the oldest PENDING one was made."""
        pending = await self.collection.count_documents({"status": str(TaskStatus.PENDING)})
        running = await self.collection.count_documents({"status": str(TaskStatus.IN_PROGRESS)})
        oldest = await self.collection.find_one({"status": str(TaskStatus.PENDING)}, {"_created_ms": 1}, sort=[("_created_ms", pymongo.ASCENDING)])
        return pending, running, int(oldest["_created_ms"]) if oldest else None

    async def insert(self, task: Task, lock: str = "") -> None:
        """Stores a new task; with `lock`, DuplicateKey if a running task holds the same lock."""
        doc = with_sort_keys({**_to_doc(task), "_lock": lock or ended_lock(task.task_id)})
        try:
            await self.collection.insert_one(doc)
        except pymongo.errors.DuplicateKeyError as exc:
            raise DuplicateKey(str(exc)) from exc

    async def holding(self, lock: str) -> Task | None:
        doc = await self.collection.find_one({"_lock": lock})
        return to_task(doc) if doc else None

    async def get(self, scope: dict[str, str], task_id: str) -> Task | None:
        doc = await self.collection.find_one({**scope, "_id": task_id})
        return to_task(doc) if doc else None

    async def batch_task_ids(self, scope: dict[str, str], status: str) -> list[str]:
        """The IDs of the scope's batch tasks (submits and retries) in this status."""
        cursor = self.collection.find({**scope, "status": status, "task_type": str(TaskType.BATCH)}, {"_id": 1})
        return [doc["_id"] for doc in await cursor.to_list()]

    async def page(self, scope: dict[str, str], status: str | None, task_type: str | None, params: PageParams) -> Page:
        """A page of the tasks (stored documents: `to_task` reads one) by offset or cursor
        (server.storage.paging), in the order of `params`; no total."""
        query: dict[str, Any] = dict(scope)
        if status:
            query["status"] = status
        if task_type:
            query["task_type"] = task_type
        return await fetch_page(self.collection, query, to_mongo(None), params, counted=False)

    async def claim(self, owner: str, now: float, lease_seconds: float) -> Task | None:
        """Takes the oldest runnable task nobody holds (or whose holder's lease expired)."""
        for status in RUNNABLE[::-1]:  # interrupted tasks first, so a restart finishes them before new ones
            candidates = await self.collection.find({"status": str(status), "lease_until": {"$lt": now}}).sort("_created_ms", pymongo.ASCENDING).limit(8).to_list()
            for doc in candidates:
                taken = await self.collection.update_one(
                    {"_id": doc["_id"], "fence": doc["fence"], "status": str(status)},
                    {"$set": {"status": str(TaskStatus.IN_PROGRESS), "lease_owner": owner, "lease_until": now + lease_seconds}, "$inc": {"fence": 1}},
                )
                if taken.modified_count:
                    claimed = await self.collection.find_one({"_id": doc["_id"]})
                    assert claimed is not None
                    return to_task(claimed)
        return None

    async def heartbeat(self, task_id: str, fence: int, until: float) -> Task:
        """Extends the lease; returns the task as stored (to see a cancel request) or LeaseLost."""
        done = await self.collection.update_one({"_id": task_id, "fence": fence, "status": str(TaskStatus.IN_PROGRESS)}, {"$set": {"lease_until": until}})
        if not done.matched_count:
            raise LeaseLost(task_id)
        doc = await self.collection.find_one({"_id": task_id})
        assert doc is not None
        return to_task(doc)

    async def checkpoint(self, task: Task, now: str) -> Task:
        """Writes the tiers' progress and the current tier (one write); returns the task as stored
        (its `cancel_requested` is fresh) or LeaseLost."""
        done = await self.collection.update_one(
            {"_id": task.task_id, "fence": task.fence, "status": str(TaskStatus.IN_PROGRESS)},
            {"$set": {"tiers": [t.to_json() for t in task.tiers], "current_tier": task.current_tier, "updated_at": now}},
        )
        if not done.matched_count:
            raise LeaseLost(task.task_id)
        doc = await self.collection.find_one({"_id": task.task_id})
        assert doc is not None
        return to_task(doc)

    async def finish(self, task: Task, status: TaskStatus, error: str, now: str) -> None:
        """Ends a claimed task and releases its trigger lock."""
        done = await self.collection.update_one(
            {"_id": task.task_id, "fence": task.fence},
            {
                "$set": {
                    "status": str(status),
                    "error": error,
                    "tiers": [t.to_json() for t in task.tiers],
                    "current_tier": task.current_tier,
                    "updated_at": now,
                    "lease_until": 0.0,
                    "_lock": ended_lock(task.task_id),
                }
            },
        )
        if not done.matched_count:
            raise LeaseLost(task.task_id)

    async def request_cancel(self, scope: dict[str, str], task_id: str, now: str) -> Task | None:
        """A PENDING task is CANCELED at once; a running one is asked to stop at its next chunk."""
        await self.collection.update_one(
            {**scope, "_id": task_id, "status": str(TaskStatus.PENDING)},
            {"$set": {"status": str(TaskStatus.CANCELED), "updated_at": now, "_lock": ended_lock(task_id)}},
        )
        await self.collection.update_one({**scope, "_id": task_id, "status": str(TaskStatus.IN_PROGRESS)}, {"$set": {"cancel_requested": "yes"}})
        return await self.get(scope, task_id)

    async def record_failures(self, task_id: str, tier_num: int, failures: list[tuple[str, str, str, str]]) -> None:
        """Per-source failures (source ID, its root object ID, collection ID, reason); rewriting one
        is harmless."""
        for source_id, root_object_id, collection_id, reason in failures:
            await self.failures.replace_one(
                {"_id": f"{task_id}/{tier_num}/{collection_id}/{source_id}"},
                {"task_id": task_id, "tier_num": tier_num, "collection_id": collection_id, "source_id": source_id, "root_object_id": root_object_id, "error": reason},
                upsert=True,
            )

    async def failed_roots(self, task_id: str) -> list[str]:
        """The root objects of the task's failed sources (what a retry runs again)."""
        return sorted({doc["root_object_id"] async for doc in self.failures.find({"task_id": task_id}, {"root_object_id": 1})})

    async def count_failures(self, task_id: str, tier_num: int = 0) -> int:
        """The task's failures, or one tier's."""
        return await self.failures.count_documents({"task_id": task_id, **({"tier_num": tier_num} if tier_num else {})})

    async def of_organization(self, organization_id: str, status: TaskStatus, limit: int) -> tuple[int, list[Task]]:
        """How many of the organization's tasks are in `status`, and the oldest `limit` of them."""
        query = {"_org": organization_id, "status": str(status)}
        found = await self.collection.find(query).sort("_created_ms", pymongo.ASCENDING).limit(limit).to_list()
        return await self.collection.count_documents(query), [to_task(doc) for doc in found]

    async def failures_of_roots(self, collection_id: str, root_object_ids: list[str]) -> dict[str, str]:
        """The recorded failure of each of these root objects in the collection (one of them, when
        several tasks failed it)."""
        if not root_object_ids:
            return {}
        query = {"collection_id": collection_id, "root_object_id": {"$in": root_object_ids}}
        return {doc["root_object_id"]: doc["error"] async for doc in self.failures.find(query, {"root_object_id": 1, "error": 1})}

    async def failures_of(self, task_id: str, limit: int, offset: int = 0) -> list[dict[str, Any]]:
        cursor = self.failures.find({"task_id": task_id}).sort("_id", pymongo.ASCENDING).skip(offset).limit(limit)
        return await cursor.to_list()
