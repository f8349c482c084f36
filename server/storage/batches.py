"""Batches in the MongoDB collection `batches`. A batch stores its own state only while it is a DRAFT
(or was canceled as one); once submitted, its `task_id` names the task whose state it shows, so the
two never disagree. Changes of state are conditional updates on the state read, so two submits of
one batch cannot both win.

Submitting (or retrying) names the new task in the batch first, with `_queuing` (its ID) and
`_queuing_objects` (its object IDs), then stores the task, then clears `_queuing`. A crash between
the two leaves `_queuing` set, and the next start stores the task from it (`queuing()`), so no batch
waits for a task that was never stored. `_queuing` is "" otherwise (never missing: 2. of
server.storage.portable)."""

from __future__ import annotations

from typing import Any

import pymongo
from pymongo.asynchronous.database import AsyncDatabase

from server.domain.paging import PageParams
from server.storage.mongo_filters import to_mongo
from server.storage.paging import Page, fetch_page
from server.storage.portable import hint_equality_fields, with_sort_keys

DRAFT, SUBMITTED, CANCELED = "DRAFT", "SUBMITTED", "CANCELED"


def matching(scope: dict[str, str], *, bucket_id: str = "", collection_id: str = "", state: str = "", task_ids: list[str] | None = None) -> dict[str, Any]:
    """The query of a batch list: the scope (`_org`, and `_ns` unless the list spans the
    organization), a bucket, a first-tier collection, and a status: `state` DRAFT for drafts;
    otherwise the batches whose current task is one of `task_ids` (the tasks in that status), and
    for CANCELED also the drafts canceled before they were submitted."""
    where: dict[str, Any] = dict(scope)
    if bucket_id:
        where["bucket_id"] = bucket_id
    if collection_id:
        where["collection_ids"] = collection_id
    if state == DRAFT:
        where["state"] = DRAFT
    elif state:
        by_task = {"task_id": {"$in": task_ids or []}}
        if state == CANCELED:
            where["$or"] = [{"state": CANCELED}, by_task]
        else:
            where.update(by_task)
    return where


class BatchRepository:
    collection_name = "batches"

    def __init__(self, db: AsyncDatabase):
        self.collection = db[self.collection_name]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("_ns", pymongo.ASCENDING), ("bucket_id", pymongo.ASCENDING), ("_created_ms", pymongo.ASCENDING)], name="batches_by_bucket")
        await self.collection.create_index([("_queuing", pymongo.ASCENDING)], name="batches_queuing")
        await hint_equality_fields(self.collection, ("_ns", "bucket_id"))

    async def insert(self, doc: dict[str, Any]) -> None:
        await self.collection.insert_one(with_sort_keys({**doc, "_queuing": ""}))

    async def get(self, scope: dict[str, str], batch_id: str) -> dict[str, Any] | None:
        return await self.collection.find_one({**scope, "_id": batch_id})

    async def page(self, where: dict[str, Any], params: PageParams) -> Page:
        """A page of the batches matching a `matching` query, by offset or cursor (server.storage.paging)."""
        return await fetch_page(self.collection, where, to_mongo(None), params)

    async def count(self, where: dict[str, Any]) -> int:
        return await self.collection.count_documents(where)

    async def add_objects(self, scope: dict[str, str], batch_id: str, object_ids: list[str], now: str) -> bool:
        """Adds to a DRAFT; False if the batch is not one."""
        done = await self.collection.update_one(
            {**scope, "_id": batch_id, "state": DRAFT}, {"$addToSet": {"object_ids": {"$each": object_ids}}, "$set": {"updated_at": now}}
        )
        return bool(done.matched_count)

    async def submit(self, scope: dict[str, str], batch_id: str, task_id: str, object_ids: list[str], now: str) -> bool:
        """DRAFT -> SUBMITTED with its task, to be stored next (`queued`); False if it was not a
        DRAFT (submitted twice)."""
        done = await self.collection.update_one(
            {**scope, "_id": batch_id, "state": DRAFT},
            {"$set": {"state": SUBMITTED, "task_id": task_id, "_queuing": task_id, "_queuing_objects": object_ids, "updated_at": now}},
        )
        return bool(done.matched_count)

    async def retry(self, scope: dict[str, str], batch_id: str, old_task_id: str, task_id: str, object_ids: list[str], now: str) -> bool:
        """Points the batch at its retry's task, to be stored next (`queued`); False if another
        retry did first."""
        done = await self.collection.update_one(
            {**scope, "_id": batch_id, "task_id": old_task_id},
            {"$set": {"task_id": task_id, "_queuing": task_id, "_queuing_objects": object_ids, "updated_at": now}, "$inc": {"retry_count": 1}},
        )
        return bool(done.matched_count)

    async def queued(self, scope: dict[str, str], batch_id: str, task_id: str) -> None:
        """The batch's task `task_id` is stored."""
        await self.collection.update_one({**scope, "_id": batch_id, "_queuing": task_id}, {"$set": {"_queuing": "", "_queuing_objects": []}})

    async def queuing(self, limit: int = 100) -> list[dict[str, Any]]:
        """Batches (of every organization) whose task was named but perhaps never stored."""
        return await self.collection.find({"_queuing": {"$gt": ""}}).limit(limit).to_list()

    async def oldest(self, where: dict[str, Any], limit: int) -> list[dict[str, Any]]:
        """The first `limit` batches matching a `matching` query, oldest first."""
        return await self.collection.find(where).sort("_created_ms", pymongo.ASCENDING).limit(limit).to_list()

    async def patch(self, scope: dict[str, str], batch_id: str, changes: dict[str, Any], now: str, *, draft_only: bool) -> bool:
        """Sets `changes`; with `draft_only`, only while the batch is a DRAFT (False otherwise)."""
        where = {**scope, "_id": batch_id, **({"state": DRAFT} if draft_only else {})}
        done = await self.collection.update_one(where, {"$set": {**changes, "updated_at": now}})
        return bool(done.matched_count)

    async def resubmit(self, scope: dict[str, str], batch: dict[str, Any], task_id: str, object_ids: list[str], now: str) -> bool:
        """Points a finished batch (as read: its state and task) at a new task, to be stored next
        (`queued`), or, with `task_id` "", makes it a DRAFT again; False if it changed meanwhile."""
        where = {**scope, "_id": batch["_id"], "state": batch["state"], "task_id": batch.get("task_id") or ""}
        changes = {"state": SUBMITTED, "task_id": task_id, "_queuing": task_id, "_queuing_objects": object_ids} if task_id else {"state": DRAFT, "task_id": ""}
        done = await self.collection.update_one(where, {"$set": {**changes, "updated_at": now}})
        return bool(done.matched_count)

    async def cancel_draft(self, scope: dict[str, str], batch_id: str, now: str) -> bool:
        done = await self.collection.update_one({**scope, "_id": batch_id, "state": DRAFT}, {"$set": {"state": CANCELED, "updated_at": now}})
        return bool(done.matched_count)

    async def delete(self, scope: dict[str, str], batch_id: str) -> None:
        await self.collection.delete_one({**scope, "_id": batch_id})
