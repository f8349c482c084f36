"""Bucket objects, scoped by namespace and bucket (`_bucket`). Objects have IDs, not names."""

from __future__ import annotations

from typing import Any

import pymongo

from server.domain.paging import PageParams
from server.storage.paging import Page, fetch_page
from server.storage.repository import Repository, with_sort_keys


class ObjectRepository(Repository):
    collection_name = "objects"
    scope_key = "_ns"
    name_field = "object_id"  # unused: objects are found by ID only

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("_ns", pymongo.ASCENDING), ("_bucket", pymongo.ASCENDING), ("_created_ms", pymongo.ASCENDING)],
            name="objects_by_bucket_created",
        )
        await self.collection.create_index(
            [("_ns", pymongo.ASCENDING), ("_bucket", pymongo.ASCENDING), ("key_prefix", pymongo.ASCENDING)],
            name="objects_by_bucket_prefix",
        )

    async def insert(self, doc: dict[str, Any]) -> None:
        await self.collection.insert_one(with_sort_keys(doc))

    async def get(self, scope: dict[str, str], object_id: str) -> dict[str, Any] | None:
        return await self.collection.find_one({**scope, "_id": object_id})

    async def page(self, scope: dict[str, str], query: dict[str, Any], params: PageParams) -> Page:
        scoped = {"$and": [scope, query]} if query else dict(scope)
        return await fetch_page(self.collection, scoped, params)

    async def delete_bucket(self, scope: dict[str, str], bucket_id: str) -> int:
        return (await self.collection.delete_many({**scope, "_bucket": bucket_id})).deleted_count
