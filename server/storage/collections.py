"""Collections, scoped by namespace; names unique per namespace (the base unique index), and indexed
by source so the collections that read a bucket or a collection are found in one query."""

from __future__ import annotations

from typing import Any

import pymongo

from server.storage.repository import Repository, with_sort_keys


class CollectionRepository(Repository):
    collection_name = "collections"
    scope_key = "_ns"
    name_field = "collection_name"

    async def ensure_indexes(self) -> None:
        await super().ensure_indexes()
        for field in ("source.bucket_id", "source.collection_id", "_extractors"):
            await self.collection.create_index([("_ns", pymongo.ASCENDING), (field, pymongo.ASCENDING)], name=f"collections_by_{field}")

    async def all_in(self, scope: dict[str, str]) -> list[dict[str, Any]]:
        """Every collection of a namespace (for lineage walks and reconfigure planning)."""
        return await self.collection.find(scope).to_list()

    async def reading(self, scope: dict[str, str], source_type: str, source_id: str) -> list[dict[str, Any]]:
        """The collections whose source is this bucket or collection."""
        query = {**scope, f"source.{source_type}_id": source_id, "source.type": source_type}
        return await self.collection.find(query, {"_id": 1, "collection_name": 1}).to_list()

    async def using_extractors(self, scope: dict[str, str], extractor_ids: list[str]) -> list[dict[str, Any]]:
        """The collections that apply any of these extractors (`name_version`)."""
        query = {**scope, "_extractors": {"$in": extractor_ids}}
        return await self.collection.find(query, {"_id": 1, "collection_name": 1, "_extractors": 1}).to_list()

    async def mark_failed(self, scope: dict[str, str], ids: list[str], message: str, now: str) -> int:
        """Disables collections and marks them FAILED, saying why."""
        if not ids:
            return 0
        changes = {"enabled": False, "status": "FAILED", "status_message": message, "updated_at": now}
        result = await self.collection.update_many({**scope, "_id": {"$in": ids}}, {"$set": with_sort_keys(changes)})
        return result.modified_count
