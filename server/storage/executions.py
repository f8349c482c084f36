"""Records of retriever executions (server.usecases.executions writes them in the background), one
MongoDB document each: the public (Mixpeek-shaped) fields plus `_org`, `_ns`, `_retriever` (the
retriever's ID; empty for an ad hoc execution), `_key` (the API key that ran it), `_created_ms` (ordering) and `_expires_ms` (when the
record stops being served). Records are never updated.

Retention is kept by `prune`, not by a TTL index: nx-27017 has no TTL monitor, and one mechanism
behaves alike on both servers. Reads leave out expired records, so a record past its time is never
served even before a prune removes it."""

from __future__ import annotations

from typing import Any

import pymongo
from pymongo.asynchronous.database import AsyncDatabase

from server.domain.filters import Node
from server.domain.paging import PageParams
from server.storage.mongo_filters import to_mongo
from server.storage.paging import Page, fetch_page
from server.storage.portable import hint_equality_fields


class ExecutionRepository:
    collection_name = "retriever_executions"

    def __init__(self, db: AsyncDatabase):
        self.collection = db[self.collection_name]

    async def ensure_indexes(self) -> None:
        ascending = pymongo.ASCENDING
        await self.collection.create_index([("_org", ascending), ("_ns", ascending), ("_retriever", ascending), ("_created_ms", ascending)], name="executions_by_retriever")
        await self.collection.create_index([("_org", ascending), ("_ns", ascending), ("_key", ascending), ("_created_ms", ascending)], name="executions_by_key")
        await self.collection.create_index([("_org", ascending), ("_created_ms", ascending)], name="executions_by_org_created")
        await self.collection.create_index([("_org", ascending), ("_expires_ms", ascending)], name="executions_by_org_expiry")
        await hint_equality_fields(self.collection, ("_org", "_ns", "_retriever", "_key"))

    @staticmethod
    def _live(scope: dict[str, str], now_ms: int) -> dict[str, Any]:
        return {**scope, "_expires_ms": {"$gt": now_ms}}

    async def insert_many(self, docs: list[dict[str, Any]]) -> None:
        if docs:
            await self.collection.insert_many(docs, ordered=False)

    async def find(self, scope: dict[str, str], execution_id: str, now_ms: int) -> dict[str, Any] | None:
        """The record in `scope` ({_org, _ns, _retriever}) that has not expired by `now_ms`."""
        return await self.collection.find_one({**self._live(scope, now_ms), "_id": execution_id})

    async def page(self, scope: dict[str, str], node: Node | None, params: PageParams, now_ms: int) -> Page:
        """One page of the records in `scope` that match `node` and have not expired."""
        return await fetch_page(self.collection, self._live(scope, now_ms), to_mongo(node), params)

    async def delete_scope(self, scope: dict[str, str]) -> int:
        """Deletes the records of a namespace being deleted; how many."""
        return (await self.collection.delete_many(scope)).deleted_count

    async def delete_outside(self, namespace_ids: list[str]) -> int:
        """Deletes the records of namespaces that are gone (an interrupted delete's)."""
        return (await self.collection.delete_many({"_ns": {"$nin": namespace_ids}})).deleted_count

    async def prune(self, organization_id: str, keep: int, now_ms: int) -> int:
        """Deletes the organization's expired records and all but its `keep` newest; how many."""
        deleted = (await self.collection.delete_many({"_org": organization_id, "_expires_ms": {"$lte": now_ms}})).deleted_count
        newest = self.collection.find({"_org": organization_id}, {"_created_ms": 1}).sort("_created_ms", pymongo.DESCENDING).skip(keep).limit(1)
        async for boundary in newest:
            deleted += (await self.collection.delete_many({"_org": organization_id, "_created_ms": {"$lte": boundary["_created_ms"]}})).deleted_count
        return deleted
