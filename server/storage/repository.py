"""The shape every MongoDB repository shares. Documents keep the public (Mixpeek-shaped) fields at
the top level and internal ones under `_`-prefixed keys: `_id` (the resource ID), `_org` (the owning
organization) and, for namespaced resources, `_ns`. Every query carries the caller's scope
(`{"_org": ...}` or `{"_org": ..., "_ns": ...}`), so one organization never reads another's data."""

from __future__ import annotations

from typing import Any

import pymongo
import pymongo.errors
from pymongo.asynchronous.database import AsyncDatabase

from server.domain import clock
from server.domain.paging import PageParams
from server.storage.errors import DuplicateKey
from server.storage.paging import Page, fetch_page

# Time stamps are stored as RFC 3339 strings (server.domain.clock) for reading, and also as integer
# milliseconds for ordering: nx-27017 compares date-like strings and BSON dates to the second only,
# which would make list pages and cursors skip items created within the same second.
TIME_SORT_KEYS = {"created_at": "_created_ms", "updated_at": "_updated_ms"}


def with_sort_keys(doc: dict[str, Any]) -> dict[str, Any]:
    for field, key in TIME_SORT_KEYS.items():
        if isinstance(doc.get(field), str):
            doc[key] = clock.to_millis(doc[field])
    return doc


class Repository:
    """One MongoDB collection of resources that are named uniquely within a scope."""

    collection_name: str
    scope_key: str  # the innermost scope: "_org" for namespaces, "_ns" for namespaced resources
    name_field: str  # e.g. "namespace_name"

    def __init__(self, db: AsyncDatabase):
        self.collection = db[self.collection_name]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [(self.scope_key, pymongo.ASCENDING), (self.name_field, pymongo.ASCENDING)],
            unique=True,
            name=f"{self.collection_name}_unique_name",
        )
        await self.collection.create_index(
            [(self.scope_key, pymongo.ASCENDING), ("_created_ms", pymongo.ASCENDING)],
            name=f"{self.collection_name}_by_created",
        )

    async def insert(self, doc: dict[str, Any]) -> None:
        try:
            await self.collection.insert_one(with_sort_keys(doc))
        except pymongo.errors.DuplicateKeyError as exc:
            raise DuplicateKey(str(exc)) from exc

    async def find(self, scope: dict[str, str], ident: str) -> dict[str, Any] | None:
        """By ID or name, in one round trip; an ID match wins over a name match."""
        query = {**scope, "$or": [{"_id": ident}, {self.name_field: ident}]}
        found = await self.collection.find(query).limit(2).to_list()
        for doc in found:
            if doc["_id"] == ident:
                return doc
        return found[0] if found else None

    async def exists(self, scope: dict[str, str], resource_id: str) -> bool:
        return await self.collection.find_one({**scope, "_id": resource_id}, {"_id": 1}) is not None

    async def page(self, scope: dict[str, str], query: dict[str, Any], params: PageParams) -> Page:
        scoped = {"$and": [scope, query]} if query else dict(scope)
        return await fetch_page(self.collection, scoped, params)

    async def update(self, scope: dict[str, str], resource_id: str, changes: dict[str, Any]) -> dict[str, Any] | None:
        """Sets the fields and returns the document after the change, or None if it is gone.

        update_one + find_one rather than find_one_and_update: nx-27017's findAndModify reports a
        unique-index violation as "no document", which would hide a name clash."""
        query = {**scope, "_id": resource_id}
        try:
            result = await self.collection.update_one(query, {"$set": with_sort_keys(dict(changes))})
        except pymongo.errors.DuplicateKeyError as exc:
            raise DuplicateKey(str(exc)) from exc
        if result.matched_count == 0:
            return None
        return await self.collection.find_one(query)

    async def delete(self, scope: dict[str, str], resource_id: str) -> bool:
        result = await self.collection.delete_one({**scope, "_id": resource_id})
        return result.deleted_count == 1

    async def delete_scope(self, scope: dict[str, str]) -> int:
        """Deletes everything in a scope (a namespace being deleted); returns how many."""
        return (await self.collection.delete_many(scope)).deleted_count
