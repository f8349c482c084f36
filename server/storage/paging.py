"""Fetches one page of a MongoDB query by offset or keyset position (see server.domain.paging)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from server.domain.paging import PageParams, value_at


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    has_more: bool
    total: int | None


async def fetch_page(
    collection: AsyncCollection, query: dict[str, Any], params: PageParams, count: Callable[[], Awaitable[int]] | None = None
) -> Page:
    """One round trip for the page (rarely more after a cursor, see `_after`), one more for the
    total when asked: `count()` when given (a maintained counter), else a count of the matches."""
    if params.after is None:
        direction = -1 if params.descending else 1
        found = collection.find(query).sort([(params.sort_field, direction), ("_id", direction)]).skip(params.offset)
        items = await found.limit(params.limit + 1).to_list()
    else:
        items = await _after(collection, query, params)
    total = None
    if params.include_total:
        total = await count() if count is not None else await collection.count_documents(query)
    return Page(items=items[: params.limit], has_more=len(items) > params.limit, total=total)


async def _after(collection: AsyncCollection, query: dict[str, Any], params: PageParams) -> list[dict[str, Any]]:
    """Up to `limit + 1` items after the cursor's position, in (sort field, `_id`) order.

    The position is (value, id). Rather than an `$or` of "value beyond" and "same value, id beyond"
    (a full scan on nx-27017: server.storage.portable, 6.), this seeks to the value with one indexed
    range and drops the items at or before the position, which share its value: normally none or a
    few (time stamps in milliseconds, unique names). Many ties (a common `key_prefix`) fetch more."""
    position, field = params.after, params.sort_field
    assert position is not None
    bound = {field: {"$lte" if params.descending else "$gte": position.value}}
    seek = {"$and": [query, bound]} if "$and" in query or field in query else {**query, **bound}
    direction = -1 if params.descending else 1

    def passed(doc: dict[str, Any]) -> bool:
        if value_at(doc, field) != position.value:
            return False
        return doc["_id"] >= position.id if params.descending else doc["_id"] <= position.id

    wanted, batch = params.limit + 1, params.limit + 1 + 8
    while True:
        rows = await collection.find(seek).sort([(field, direction), ("_id", direction)]).limit(batch).to_list()
        kept = [doc for doc in rows if not passed(doc)]
        if len(kept) >= wanted or len(rows) < batch:
            return kept[:wanted]
        batch *= 4
