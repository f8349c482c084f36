"""Long-running operations (reconfigures), in the MongoDB collection `operations`.

One running operation per namespace, race-free: while an operation runs its `_lock` field holds the
namespace ID, and a unique index on `_lock` refuses a second one. When it ends, `_lock` becomes
`ended:<operation id>`, a value no other document has (never missing or null: see
server.storage.portable, 2.).

Ownership: the process running an operation is its `owner` until `lease_expires_at` (epoch seconds,
a number: server.storage.portable, 1.), and renews the lease while it works.
Every write of a running operation is conditioned on the owner, so a process that lost its lease
cannot overwrite the progress of the one that took over. Taking over compares-and-sets on
`attempts`, so of two processes racing for an expired operation exactly one wins."""

from __future__ import annotations

from typing import Any

import pymongo
import pymongo.errors
from pymongo.asynchronous.database import AsyncDatabase

from server.domain import clock
from server.domain.paging import Position
from server.storage.errors import DuplicateKey
from server.storage.portable import ended_lock, hint_equality_fields, with_sort_keys

RUNNING, DONE, FAILED, CANCELLED = "running", "done", "failed", "cancelled"
_TIES = 8  # operations read beyond a limit for those that share a cursor position's time


class OperationRepository:
    collection_name = "operations"

    def __init__(self, db: AsyncDatabase):
        self.collection = db[self.collection_name]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("_lock", pymongo.ASCENDING)], unique=True, name="operations_one_running_per_namespace")
        await self.collection.create_index([("state", pymongo.ASCENDING), ("lease_expires_at", pymongo.ASCENDING)], name="operations_by_state")
        await self.collection.create_index([("_ns", pymongo.ASCENDING), ("_created_ms", pymongo.ASCENDING)], name="operations_by_namespace")
        await self.collection.create_index([("_org", pymongo.ASCENDING), ("_created_ms", pymongo.ASCENDING)], name="operations_by_organization")
        await hint_equality_fields(self.collection, ("_ns", "state"))

    async def start(self, doc: dict[str, Any]) -> None:
        """Inserts a running operation holding its namespace's lock; DuplicateKey if one runs."""
        doc = {**doc, "_lock": doc["_ns"], "state": RUNNING}
        try:
            await self.collection.insert_one(with_sort_keys(doc))
        except pymongo.errors.DuplicateKeyError as exc:
            raise DuplicateKey(str(exc)) from exc

    async def get(self, operation_id: str) -> dict[str, Any] | None:
        return await self.collection.find_one({"_id": operation_id})

    async def newest(self, organization_id: str, states: list[str] | None, limit: int, after: Position | None = None) -> list[dict[str, Any]]:
        """The organization's operations, newest first (ties by ID), at least `limit` of them when
        there are (a few more when some share the position's time); `states`: only those; `after`:
        only those after that position of a list in this order (a task list's cursor)."""
        query: dict[str, Any] = {"_org": organization_id}
        if states is not None:
            query["state"] = {"$in": states}
        if after is not None:
            query["_created_ms"] = {"$lte": after.value}
        found = await self.collection.find(query).sort([("_created_ms", pymongo.DESCENDING), ("_id", pymongo.DESCENDING)]).limit(limit + _TIES).to_list()
        return [op for op in found if after is None or op["_created_ms"] != after.value or op["_id"] < after.id]

    async def running_in(self, namespace_id: str) -> dict[str, Any] | None:
        """The namespace's running operation, if any."""
        return await self.collection.find_one({"_lock": namespace_id})

    async def all_running(self) -> list[dict[str, Any]]:
        return await self.collection.find({"state": RUNNING}).to_list()

    async def of_namespace(self, namespace_id: str) -> list[dict[str, Any]]:
        return await self.collection.find({"_ns": namespace_id}).sort("_created_ms", pymongo.ASCENDING).to_list()

    async def take_over(self, op: dict[str, Any], owner: str, now: float, lease_until: float) -> dict[str, Any] | None:
        """Claims a running operation whose lease expired; the claimed document, or None if another
        process renewed or claimed it first."""
        query = {"_id": op["_id"], "state": RUNNING, "attempts": op.get("attempts", 0), "lease_expires_at": {"$lt": now}}
        changes = {"owner": owner, "lease_expires_at": lease_until, "updated_at": clock.now()}
        result = await self.collection.update_one(query, {"$set": with_sort_keys(changes), "$inc": {"attempts": 1}})
        if result.matched_count != 1:
            return None
        return await self.get(op["_id"])

    async def advance(self, operation_id: str, owner: str, changes: dict[str, Any]) -> bool:
        """Records progress (and renews the lease when `changes` has one); False if not the owner."""
        changes = {**changes, "updated_at": clock.now()}
        result = await self.collection.update_one(
            {"_id": operation_id, "owner": owner, "state": RUNNING}, {"$set": with_sort_keys(changes)}
        )
        return result.matched_count == 1

    async def finish(self, operation_id: str, owner: str | None, state: str, changes: dict[str, Any]) -> bool:
        """Ends the operation (done, failed, cancelled) and frees its namespace's lock."""
        query: dict[str, Any] = {"_id": operation_id, "state": RUNNING}
        if owner is not None:
            query["owner"] = owner
        now = clock.now()
        changes = {**changes, "state": state, "_lock": ended_lock(operation_id), "finished_at": now, "updated_at": now}
        result = await self.collection.update_one(query, {"$set": with_sort_keys(changes)})
        return result.matched_count == 1
