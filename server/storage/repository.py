"""The shape every MongoDB repository shares. Documents keep the public (Mixpeek-shaped) fields at
the top level and internal ones under `_`-prefixed keys: `_id` (the resource ID), `_org` (the owning
organization) and, for namespaced resources, `_ns`. Every query carries the caller's scope
(`{"_org": ...}` or `{"_org": ..., "_ns": ...}`), so one organization never reads another's data."""

from __future__ import annotations

from typing import Any

import pymongo
import pymongo.errors
from pymongo.asynchronous.database import AsyncDatabase

from server.domain.filters import Node
from server.domain.ids import looks_like_id
from server.domain.paging import PageParams
from server.storage.counters import CountedSource, Counters
from server.storage.errors import DuplicateKey
from server.storage.mongo_filters import to_mongo
from server.storage.paging import Page, fetch_page
from server.storage.portable import hint_equality_fields, update_then_read, with_sort_keys


class Repository:
    """One MongoDB collection of resources that are named uniquely within a scope."""

    collection_name: str
    scope_key: str  # the innermost scope: "_org" for namespaces, "_ns" for namespaced resources
    name_field: str  # e.g. "namespace_name"
    id_prefix: str  # what new_id() puts before the random part, e.g. "col"
    count_key: str = ""  # the field naming the scope whose total is counted; scope_key if empty

    def __init__(self, db: AsyncDatabase):
        self.collection = db[self.collection_name]
        self.counters = Counters(db)
        self.count_key = self.count_key or self.scope_key

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [(self.scope_key, pymongo.ASCENDING), (self.name_field, pymongo.ASCENDING)],
            unique=True,
            name=f"{self.collection_name}_unique_name",
        )
        for field in ("_created_ms", "_updated_ms"):
            await self.collection.create_index([(self.scope_key, pymongo.ASCENDING), (field, pymongo.ASCENDING)], name=f"{self.collection_name}_by{field}")
        await hint_equality_fields(self.collection, (self.scope_key,))

    def counted(self) -> CountedSource:
        """What Counters.recount needs to count this repository's scopes."""
        return self.collection, self.collection_name, self.count_key, ("_org", "_ns") if self.scope_key == "_ns" else ("_org",)

    def _owner(self, scope: dict[str, str]) -> dict[str, str]:
        return {key: scope[key] for key in ("_org", "_ns") if key in scope}

    async def insert(self, doc: dict[str, Any]) -> None:
        try:
            await self.collection.insert_one(with_sort_keys(doc))
        except pymongo.errors.DuplicateKeyError as exc:
            raise DuplicateKey(str(exc)) from exc
        await self.counters.add(self.collection_name, doc[self.count_key], 1, self._owner(doc))

    async def find(self, scope: dict[str, str], ident: str) -> dict[str, Any] | None:
        """By ID when `ident` is shaped like one of this resource's IDs, else (or when no such ID
        exists: a name may look like an ID) by name. Each is one indexed equality; an `$or` of both
        scans on nx-27017 (server.storage.portable, 6.)."""
        if looks_like_id(self.id_prefix, ident):
            found = await self.collection.find_one({**scope, "_id": ident})
            if found is not None:
                return found
        return await self.collection.find_one({**scope, self.name_field: ident})

    async def exists(self, scope: dict[str, str], resource_id: str) -> bool:
        return await self.collection.find_one({**scope, "_id": resource_id}, {"_id": 1}) is not None

    async def page(self, scope: dict[str, str], node: Node | None, params: PageParams) -> Page:
        """One page of the resources in `scope` that match the filter `node`; the total of a whole
        scope is its counter."""
        if node is not None:
            return await fetch_page(self.collection, scope, to_mongo(node), params)
        return await fetch_page(self.collection, scope, to_mongo(None), params, lambda: self.counters.total(self.collection_name, scope[self.count_key]))

    async def update(self, scope: dict[str, str], resource_id: str, changes: dict[str, Any]) -> dict[str, Any] | None:
        """Sets the fields and returns the document after the change, or None if it is gone."""
        return await update_then_read(self.collection, {**scope, "_id": resource_id}, {"$set": with_sort_keys(dict(changes))})

    async def delete(self, scope: dict[str, str], resource_id: str) -> bool:
        result = await self.collection.delete_one({**scope, "_id": resource_id})
        await self.counters.add(self.collection_name, scope[self.count_key], -result.deleted_count, self._owner(scope))
        return result.deleted_count == 1

    async def delete_outside(self, namespace_ids: list[str]) -> int:
        """Deletes what lives in none of these namespaces (their counters are left: unreachable)."""
        return (await self.collection.delete_many({"_ns": {"$nin": namespace_ids}})).deleted_count

    async def delete_scope(self, scope: dict[str, str]) -> int:
        """Deletes everything in a namespace being deleted, and its counters; returns how many."""
        deleted = (await self.collection.delete_many(scope)).deleted_count
        await self.counters.drop_namespace(scope["_ns"])
        return deleted
