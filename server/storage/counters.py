"""Totals of whole scopes (the collections of a namespace, the objects of a bucket, ...) kept as
counters in the MongoDB collection `counters`, so `include_total` costs one lookup by `_id` however
large the scope is.

Why counters: a count walks every matching index key on MongoDB and every matching row on
nx-27017 (about 270 ms at 10,000 collections); MongoDB's estimated counts cover a whole collection,
never one scope. Each insert and delete is followed by one `$inc` of its scope's counter (created
by the first insert). Without transactions, a crash between a write and its `$inc` leaves the total
off by that one write; a list with filters or a search is still counted exactly, over the matches.

A database written before counters existed has none: the first start of this version counts every
scope once (`recount`) before serving, and marks the database as counted."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import pymongo
import pymongo.errors
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from server.storage.portable import hint_equality_fields

_COUNTED_MARK = "_counters_initialized"
# What `recount` counts: a MongoDB collection, its resource name, the field naming the counted
# scope, and the owner fields kept with each counter.
CountedSource = tuple[AsyncCollection, str, str, tuple[str, ...]]


def counter_id(resource: str, scope_id: str) -> str:
    return f"{resource}:{scope_id}"


class Counters:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["counters"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("_ns", pymongo.ASCENDING)], name="counters_by_namespace")
        await hint_equality_fields(self.collection, ("_ns",))

    async def add(self, resource: str, scope_id: str, delta: int, owner: Mapping[str, str]) -> None:
        """Moves a scope's total by `delta`. `owner` (`_org`, and `_ns` inside a namespace) is stored
        with a new counter, so deleting a namespace deletes its counters."""
        if delta:
            await self.collection.update_one(
                {"_id": counter_id(resource, scope_id)}, {"$inc": {"n": delta}, "$setOnInsert": dict(owner)}, upsert=True
            )

    async def total(self, resource: str, scope_id: str) -> int:
        found = await self.collection.find_one({"_id": counter_id(resource, scope_id)})
        return int(found["n"]) if found else 0

    async def totals(self, resource: str, scope_ids: list[str]) -> dict[str, int]:
        """The totals of several scopes in one query (0 for a scope without a counter)."""
        found = dict.fromkeys(scope_ids, 0)
        async for doc in self.collection.find({"_id": {"$in": [counter_id(resource, s) for s in scope_ids]}}):
            found[doc["_id"].split(":", 1)[1]] = int(doc["n"])
        return found

    async def namespace_totals(self, namespace_ids: list[str]) -> dict[str, Counter[str]]:
        """Per namespace, the sum of its counters by resource (`buckets`, `collections`, `objects`,
        ...): one indexed query (`_ns`) over the namespaces' counters, one per bucket at most."""
        found: dict[str, Counter[str]] = {namespace_id: Counter() for namespace_id in namespace_ids}
        async for doc in self.collection.find({"_ns": {"$in": namespace_ids}}, {"n": 1, "_ns": 1}):
            found[doc["_ns"]][doc["_id"].split(":", 1)[0]] += int(doc["n"])
        return found

    async def drop(self, resource: str, scope_id: str) -> None:
        await self.collection.delete_one({"_id": counter_id(resource, scope_id)})

    async def drop_namespace(self, namespace_id: str) -> None:
        await self.collection.delete_many({"_ns": namespace_id})

    async def recount(self, sources: list[CountedSource]) -> bool:
        """Counts every scope once, unless this database was counted before. True if it found
        something to count (a database from before counters; a new one has nothing)."""
        if await self.collection.find_one({"_id": _COUNTED_MARK}) is not None:
            return False
        found = False
        for collection, resource, scope_field, owner_fields in sources:
            totals: Counter[str] = Counter()
            owners: dict[str, dict[str, str]] = {}
            projection = dict.fromkeys((scope_field, *owner_fields), 1)
            async for doc in collection.find({}, projection):
                scope_id = doc.get(scope_field)
                if isinstance(scope_id, str):
                    totals[scope_id] += 1
                    owners[scope_id] = {f: doc[f] for f in owner_fields if isinstance(doc.get(f), str)}
            for scope_id, n in totals.items():
                key = counter_id(resource, scope_id)  # in the replacement too: portable.py, 7.
                await self.collection.replace_one({"_id": key}, {"_id": key, **owners[scope_id], "n": n}, upsert=True)
            found = found or bool(totals)
        with contextlib.suppress(pymongo.errors.DuplicateKeyError):  # another instance counted too
            await self.collection.insert_one({"_id": _COUNTED_MARK})
        return found

    async def resum(self, source: CountedSource, resource: str, amount: Callable[[dict[str, Any]], int], projection: dict[str, int]) -> bool:
        """Sums `amount` over the documents of `source` per scope, into counters named `resource`,
        once per database (its own mark, so a counter added after `recount` ran is filled too).
        True if it found something to sum."""
        mark = f"{_COUNTED_MARK}:{resource}"
        if await self.collection.find_one({"_id": mark}) is not None:
            return False
        collection, _name, scope_field, owner_fields = source
        totals: Counter[str] = Counter()
        owners: dict[str, dict[str, str]] = {}
        async for doc in collection.find({}, {**projection, **dict.fromkeys((scope_field, *owner_fields), 1)}):
            scope_id = doc.get(scope_field)
            if isinstance(scope_id, str):
                totals[scope_id] += amount(doc)
                owners[scope_id] = {f: doc[f] for f in owner_fields if isinstance(doc.get(f), str)}
        for scope_id, n in totals.items():
            key = counter_id(resource, scope_id)
            await self.collection.replace_one({"_id": key}, {"_id": key, **owners[scope_id], "n": n}, upsert=True)
        with contextlib.suppress(pymongo.errors.DuplicateKeyError):
            await self.collection.insert_one({"_id": mark})
        return bool(totals)
