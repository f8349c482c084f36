"""Bucket objects, scoped by namespace and bucket (`_bucket`). Objects have IDs, not names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pymongo

from server.domain.buckets import object_bytes
from server.domain.filters import Node
from server.storage.mongo_filters import to_mongo
from server.storage.portable import hint_equality_fields
from server.storage.repository import Repository


class ObjectRepository(Repository):
    collection_name = "objects"
    scope_key = "_ns"
    name_field = "object_id"  # unused: objects are found by ID only
    id_prefix = "obj"
    count_key = "_bucket"  # totals per bucket
    bytes_counter = "object_bytes"  # the inline blob bytes per bucket, kept like the object count

    async def ensure_indexes(self) -> None:
        for field in ("_created_ms", "_updated_ms"):
            await self.collection.create_index(
                [("_ns", pymongo.ASCENDING), ("_bucket", pymongo.ASCENDING), (field, pymongo.ASCENDING)], name=f"objects_by_bucket{field}"
            )
        await self.collection.create_index(
            [("_ns", pymongo.ASCENDING), ("_bucket", pymongo.ASCENDING), ("key_prefix", pymongo.ASCENDING)],
            name="objects_by_bucket_prefix",
        )
        await self.collection.create_index(
            [("_ns", pymongo.ASCENDING), ("_bucket", pymongo.ASCENDING), ("_content", pymongo.ASCENDING)],
            name="objects_by_bucket_content",
        )
        await self.collection.create_index(
            [("_ns", pymongo.ASCENDING), ("_bucket", pymongo.ASCENDING), ("object_id", pymongo.ASCENDING)],
            name="objects_by_bucket_object_id",
        )
        await hint_equality_fields(self.collection, ("_ns", "_bucket"))

    async def insert(self, doc: dict[str, Any]) -> None:
        await super().insert(doc)
        await self.counters.add(self.bytes_counter, doc["_bucket"], object_bytes(doc), self._owner(doc))

    async def delete(self, scope: dict[str, str], resource_id: str) -> bool:
        """Deletes one object of the bucket in `scope` (`_bucket`), moving both bucket counters."""
        deleted = await self.collection.find_one_and_delete({**scope, "_id": resource_id})
        if deleted is None:
            return False
        await self.counters.add(self.collection_name, scope[self.count_key], -1, self._owner(scope))
        await self.counters.add(self.bytes_counter, scope[self.count_key], -object_bytes(deleted), self._owner(scope))
        return True

    async def bucket_totals(self, bucket_ids: list[str]) -> dict[str, tuple[int, int]]:
        """(object count, inline blob bytes) of each bucket, from the counters: two queries however
        many buckets and objects there are."""
        counts = await self.counters.totals(self.collection_name, bucket_ids)
        sizes = await self.counters.totals(self.bytes_counter, bucket_ids)
        return {bucket_id: (counts[bucket_id], sizes[bucket_id]) for bucket_id in bucket_ids}

    async def sum_bytes(self) -> bool:
        """Fills the byte counters of a database written before they existed (once)."""
        return await self.counters.resum(self.counted(), self.bytes_counter, object_bytes, {"blobs": 1})

    async def get(self, scope: dict[str, str], object_id: str) -> dict[str, Any] | None:
        return await self.collection.find_one({**scope, "_id": object_id})

    async def find_by_content(self, scope: dict[str, str], content: str) -> dict[str, Any] | None:
        return await self.collection.find_one({**scope, "_content": content})

    async def delete_bucket(self, scope: dict[str, str], bucket_id: str) -> int:
        deleted = (await self.collection.delete_many({**scope, "_bucket": bucket_id})).deleted_count
        await self.counters.drop(self.collection_name, bucket_id)
        await self.counters.drop(self.bytes_counter, bucket_id)
        return deleted

    async def in_order(
        self, scope: dict[str, str], bucket_ids: Sequence[str], *, prefix: str, object_ids: list[str], where: Node | None, after: str, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        """The objects of the buckets matching `where` among the next `limit` in ID order after
        `after` (processing reads them a chunk at a time): those under `prefix` (a `key_prefix`
        starting with it), and of `object_ids` when given; and the last ID looked at (None: no
        more). The range and order are on `object_id` (the same value as `_id`), which an index
        serves on both stores; on nx-27017 a range on `_id` is evaluated in Python over every
        object (server.storage.portable, 8.)."""
        compiled = to_mongo(where)
        query: dict[str, Any] = {**scope, "_bucket": _one_of(bucket_ids), "object_id": {"$gt": after}}
        if object_ids:
            query["_id"] = {"$in": object_ids}
        if prefix:
            query["key_prefix"] = {"$gte": prefix, "$lt": prefix + "\U0010ffff"}
        if compiled.query:  # one level where it can be (nx-27017 evaluates any `$and` in Python)
            query = {**query, **compiled.query} if query.keys().isdisjoint(compiled.query) else {"$and": [query, compiled.query]}
        docs = await self.collection.find(query).sort("object_id", pymongo.ASCENDING).limit(limit).to_list()
        if not docs:
            return [], None
        return [doc for doc in docs if compiled.exact or compiled.matches(doc)], docs[-1]["_id"]

    async def existing_ids(self, scope: dict[str, str], object_ids: list[str], bucket_ids: Sequence[str] = ()) -> set[str]:
        """Which of these object IDs exist in the scope (and in one of the buckets, when given)."""
        query: dict[str, Any] = {**scope, "_id": {"$in": object_ids}}
        if bucket_ids:
            query["_bucket"] = _one_of(bucket_ids)
        return {doc["_id"] async for doc in self.collection.find(query, {"_id": 1})}


def _one_of(bucket_ids: Sequence[str]) -> Any:
    """A match of `_bucket`: the plain equality for one bucket (most collections read one)."""
    return bucket_ids[0] if len(bucket_ids) == 1 else {"$in": list(bucket_ids)}
