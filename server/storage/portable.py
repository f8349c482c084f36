"""MongoDB usage that behaves the same on the embedded nx-27017 (0.8.1, SQLite underneath) and on a
real MongoDB server: every place where the two differ, and the one way vecplane's adapters work
around it. The contract suite (tests/contract) checks each of these behaviours through the
repositories, against nx-27017 always and against a real server when `MONGODB_URI` is set.

1. Times compare to the second. nx-27017 compares BSON dates and date-like strings to the second
   only, so list order and cursors would skip items created within one second. Time stamps are
   stored as RFC 3339 strings for reading and shadowed by integer milliseconds for ordering
   (`with_sort_keys`); leases are epoch seconds as numbers (see server.storage.operations); dates in
   object metadata get millisecond shadows too (server.domain.buckets.time_shadows).
2. Unique indexes skip missing and null values on nx-27017 (and `sparse` / `partialFilterExpression`
   are silently ignored), while MongoDB indexes one `null` key for every document without the field.
   A unique field is therefore never missing or null; a value that must not clash when "empty" is
   made distinct (`ended_lock`).
3. `findAndModify` reports a unique-index violation as "no document" on nx-27017, which would hide a
   name clash: updates are `update_one` then `find_one` (`update_then_read`).
4. A boolean written with `$set` is stored as 0 or 1 on nx-27017, which breaks equality filters on
   it: documents with booleans that change are written whole (`replace_if_unchanged`).
5. nx-27017 compiles an equality on a field to an index lookup only when some index's name ends
   with that field, and it names every index after its fields (the given name is ignored). A
   compound index (`_ns`, `collection_name`) registers `collection_name` only, so `_ns = ?` was
   compiled to a form no index serves and every lookup scanned the table. On nx-27017 each scope
   field gets a hint index whose name ends with it (`hint_equality_fields`). The hint leads with a
   field no document has, so SQLite never picks it over the real compound indexes (a single-field
   index would win over (`_ns`, `_created_ms`) and make list pages sort the whole namespace). A real
   server needs no hint: the compound indexes' prefixes serve these equalities.
6. `$or` is evaluated row by row in Python on nx-27017 (a full scan, about 280 ms at 10,000
   documents), and so is `count`. Lookups by ID or name are two indexed equalities, never an `$or`
   of both (server.storage.repository); keyset cursors are a range on the sort key with the ties
   fetched separately (server.storage.paging); totals of a whole scope are maintained counters
   (server.storage.counters) instead of counts.
7. An upsert by `replace_one` does not take `_id` from the filter on nx-27017 (it inserts a new
   ObjectId): a replacement that may insert carries its `_id` itself.
8. A range on `_id` (`$gt`, `$lt`, ...) is evaluated row by row in Python on nx-27017, over every
   document of the collection (about 2 s at 50,000 objects), while a range on another field is SQL
   that an index serves (about 10 ms). Processing reads a bucket's objects in ID order by a range on
   `object_id`, a copy of `_id`, with an index on (`_ns`, `_bucket`, `object_id`).
9. `$push` of an object onto an array stores the object as a JSON string on nx-27017 (seen with
   `{"$push": {"payload_indexes": {...}}}`). Arrays of objects are written whole with `$set`;
   `$addToSet` is used for strings only (a batch's object IDs).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pymongo
import pymongo.errors
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from server.domain import clock
from server.storage.errors import DuplicateKey

_ABSENT = "_nx_hint"  # a field no document has (the hint indexes lead with it)
TIME_SORT_KEYS = {"created_at": "_created_ms", "updated_at": "_updated_ms"}


def with_sort_keys(doc: dict[str, Any]) -> dict[str, Any]:
    """Adds the integer-millisecond shadow of each time stamp the document carries (1.)."""
    for field, key in TIME_SORT_KEYS.items():
        if isinstance(doc.get(field), str):
            doc[key] = clock.to_millis(doc[field])
    return doc


def ended_lock(operation_id: str) -> str:
    """The value an ended operation's unique `_lock` takes: present and distinct (2.)."""
    return f"ended:{operation_id}"


async def update_then_read(collection: AsyncCollection, query: Mapping[str, Any], update: Mapping[str, Any]) -> dict[str, Any] | None:
    """Applies `update` to the document `query` matches and returns it as written, or None if no
    document matched; DuplicateKey if a unique index refuses the change (3.)."""
    try:
        result = await collection.update_one(query, update)
    except pymongo.errors.DuplicateKeyError as exc:
        raise DuplicateKey(str(exc)) from exc
    if result.matched_count == 0:
        return None
    return await collection.find_one(query)


async def replace_if_unchanged(collection: AsyncCollection, query: Mapping[str, Any], doc: dict[str, Any]) -> bool:
    """Writes the whole document where `query` (which pins its revision) still matches; False if it
    does not (changed or gone); DuplicateKey if a unique index refuses it (4.)."""
    try:
        result = await collection.replace_one(query, doc)
    except pymongo.errors.DuplicateKeyError as exc:
        raise DuplicateKey(str(exc)) from exc
    return result.matched_count == 1


async def is_nx27017(db: AsyncDatabase) -> bool:
    """Whether the server is nx-27017 (its buildInfo names its process; mongod's does not)."""
    return (await db.client.admin.command("buildInfo")).get("process") == "nx_27017"


async def hint_equality_fields(collection: AsyncCollection, fields: tuple[str, ...]) -> None:
    """On nx-27017, a hint index per field that queries compare for equality but that no index
    name ends with, so its query compiler lets the real indexes serve them (5.). Nothing on a real
    server."""
    if not await is_nx27017(collection.database):
        return
    for field in fields:
        await collection.create_index([(_ABSENT, pymongo.ASCENDING), (field, pymongo.ASCENDING)], name=f"{collection.name}_hint_{field.strip('_')}")
