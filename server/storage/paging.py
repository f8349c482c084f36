"""Fetches one page of a MongoDB query by offset or keyset position (see server.domain.paging)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from server.domain.paging import PageParams


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    has_more: bool
    total: int | None


async def fetch_page(collection: AsyncCollection, query: dict[str, Any], params: PageParams) -> Page:
    """One round trip for the page, one more for the total when asked."""
    page_query = query
    if params.after is not None:
        beyond = "$lt" if params.descending else "$gt"
        field, position = params.sort_field, params.after
        after = {"$or": [{field: {beyond: position.value}}, {field: position.value, "_id": {beyond: position.id}}]}
        page_query = {"$and": [query, after]} if query else after
    direction = -1 if params.descending else 1
    found = (
        collection.find(page_query)
        .sort([(params.sort_field, direction), ("_id", direction)])
        .skip(params.offset)
        .limit(params.limit + 1)
    )
    items = await found.to_list()
    total = await collection.count_documents(query) if params.include_total else None
    return Page(items=items[: params.limit], has_more=len(items) > params.limit, total=total)
