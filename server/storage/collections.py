"""Collections, scoped by namespace; names unique per namespace (the base unique index), and indexed
by source so the collections that read a bucket or a collection are found in one query."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from typing import Any

import pymongo
import pymongo.errors

from server.storage.errors import Conflict
from server.storage.portable import replace_if_unchanged, with_sort_keys
from server.storage.repository import Repository


class CollectionRepository(Repository):
    collection_name = "collections"
    scope_key = "_ns"
    name_field = "collection_name"
    id_prefix = "col"

    async def ensure_indexes(self) -> None:
        await super().ensure_indexes()
        for field in ("source.bucket_id", "source.bucket_ids", "source.collection_id", "_extractors"):
            await self.collection.create_index([("_ns", pymongo.ASCENDING), (field, pymongo.ASCENDING)], name=f"collections_by_{field}")

    async def all_in(self, scope: dict[str, str]) -> list[dict[str, Any]]:
        """Every collection of a namespace (for lineage walks and reconfigure planning)."""
        return await self.collection.find(scope).to_list()

    async def reading(self, scope: dict[str, str], source_type: str, source_id: str) -> list[dict[str, Any]]:
        """The collections whose source is this bucket or collection (a bucket also as one of several
        in `source.bucket_ids`, whose first is `source.bucket_id`)."""
        fields = ["source.bucket_id", "source.bucket_ids"] if source_type == "bucket" else ["source.collection_id"]
        found: dict[str, dict[str, Any]] = {}
        for field in fields:  # one indexed query each (nx-27017 evaluates `$or` in Python)
            # `$in`: through an index on an array field, nx-27017 matches no element by equality
            query = {**scope, field: {"$in": [source_id]}, "source.type": source_type}
            found |= {doc["_id"]: doc async for doc in self.collection.find(query, {"_id": 1, "collection_name": 1})}
        return list(found.values())

    async def using_extractors(self, scope: dict[str, str], extractor_ids: list[str]) -> list[dict[str, Any]]:
        """The collections that apply any of these extractors (`name_version`)."""
        query = {**scope, "_extractors": {"$in": extractor_ids}}
        return await self.collection.find(query, {"_id": 1, "collection_name": 1, "_extractors": 1}).to_list()

    async def modify(self, scope: dict[str, str], doc: dict[str, Any], change: Callable[[dict[str, Any]], dict[str, Any]], attempts: int = 8) -> dict[str, Any] | None:
        """Applies `change` (current document -> fields to set) and writes the whole document back
        if nobody changed it since it was read (compare-and-swap on `_rev`); on a conflict, re-reads
        and tries again after a short random pause. Returns the document as written, or None if it
        is gone; raises Conflict if it changed under every attempt. Whole-document writes keep
        `enabled` a boolean (server.storage.portable, 4.)."""
        for attempt in range(attempts):
            if attempt:
                await asyncio.sleep(random.uniform(0, 0.002 * 2**attempt))  # spread the retries of racing writers
            updated = with_sort_keys({**doc, **change(doc), "_rev": doc.get("_rev", 0) + 1})
            if await replace_if_unchanged(self.collection, {**scope, "_id": doc["_id"], "_rev": doc.get("_rev", 0)}, updated):
                return updated
            current = await self.collection.find_one({**scope, "_id": doc["_id"]})
            if current is None:
                return None
            doc = current
        raise Conflict(f"collection {doc['_id']} kept changing under {attempts} attempts to update it")

    async def mark_failed(self, scope: dict[str, str], ids: list[str], message: str, now: str) -> list[str]:
        """Disables collections and marks them FAILED, saying why; returns those that still existed."""
        changes = {"enabled": False, "status": "FAILED", "status_message": message, "updated_at": now}
        found = await self.collection.find({**scope, "_id": {"$in": ids}}).to_list() if ids else []
        return [doc["_id"] for doc in found if await self.modify(scope, doc, lambda _doc: changes) is not None]
