"""Fetches one page of a MongoDB query by offset or keyset position (see server.domain.paging),
bounded in items, in bytes and in the work a request may make a shared backend do.

- Bytes: documents are read raw (RawBSONDocument) in small batches, so their size is known before
  they are decoded, and the page stops before `MAX_PAGE_BYTES` (always holding at least one item).
- Work: `maxTimeMS` bounds every page and count on a real MongoDB (nx-27017 ignores it; nothing
  that could run long is sent to it). A filter that MongoDB cannot decide (a user's regex, see
  server.storage.mongo_filters) is finished here with RE2 on what the query returns: at most
  `SCAN_ROWS` documents and `SCAN_SECONDS` per page; a page that runs out of either stops early
  with a cursor to resume from the last document it looked at.
- Cursors seek: the position is (value, id); rather than an `$or` of "value beyond" and "same
  value, id beyond" (a full scan on nx-27017: server.storage.portable, 6.), the query seeks to the
  value with one indexed range and drops the documents at or before the position, which share its
  value: normally none or a few. Many ties (a common `key_prefix`) read more."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import bson
import pymongo.errors
from bson.raw_bson import RawBSONDocument
from pymongo.asynchronous.collection import AsyncCollection

from server.domain.errors import FieldViolation, InvalidArgument
from server.domain.paging import MAX_PAGE_BYTES, PageParams, Position
from server.storage.mongo_filters import MongoFilter

BATCH = 32
MAX_TIME_MS = 100
SCAN_SECONDS = 0.1
SCAN_ROWS = 10_000
_TIES = 8  # extra rows read after a cursor for the items that share its sort value


@dataclass(frozen=True)
class Page:
    """A page, and where the next one starts (None: this was the last page)."""

    items: list[dict[str, Any]]
    next: Position | None
    total: int | None


def _too_costly(field: str, what: str) -> InvalidArgument:
    return InvalidArgument([FieldViolation(field, f"{what}; narrow the filter or page with the cursor")], reason="QUERY_TOO_COSTLY")


def _value(document: Mapping[str, Any], path: str) -> Any:
    found: Any = document
    for part in path.split("."):
        if not isinstance(found, Mapping):
            return None
        found = found.get(part)
    return found


class _Reader:
    """Reads one page: the documents of a query in sort order, after the cursor's position."""

    def __init__(self, collection: AsyncCollection, compiled: MongoFilter, params: PageParams):
        self.collection = collection
        self.raw = collection.with_options(codec_options=collection.codec_options.with_options(document_class=RawBSONDocument))
        self.compiled = compiled
        self.params = params

    def _passed(self, document: Mapping[str, Any]) -> bool:
        """Whether a document is at or before the cursor's position (sharing its value)."""
        position, params = self.params.after, self.params
        if position is None or _value(document, params.sort_field) != position.value:
            return False
        return bool(document["_id"] >= position.id if params.descending else document["_id"] <= position.id)

    async def read(self, query: dict[str, Any]) -> tuple[list[dict[str, Any]], Position | None]:
        params, exact = self.params, self.compiled.exact
        if params.after is None:
            seek, skip_in_query = query, params.offset if exact else 0
        else:
            bound = {params.sort_field: {"$lte" if params.descending else "$gte": params.after.value}}
            seek = {"$and": [query, bound]} if "$and" in query or params.sort_field in query else {**query, **bound}
            skip_in_query = 0
        rows = params.limit + 1 + (_TIES if params.after else 0) if exact else SCAN_ROWS
        while True:
            items, following, complete = await self._read(seek, skip_in_query, rows)
            if complete or not exact:
                return items, following
            rows *= 4  # ties after the cursor used up the rows: read again with more

    async def _read(self, seek: dict[str, Any], skip_in_query: int, rows: int) -> tuple[list[dict[str, Any]], Position | None, bool]:
        """The page from at most `rows` documents; and whether that settled it (False: the rows ran
        out before the page was known, which only ties after a cursor cause)."""
        params, compiled = self.params, self.compiled
        direction = -1 if params.descending else 1
        found = self.raw.find(seek).sort([(params.sort_field, direction), ("_id", direction)]).skip(skip_in_query).limit(rows)
        found = found.batch_size(min(rows, BATCH)).max_time_ms(MAX_TIME_MS)
        items: list[dict[str, Any]] = []
        size, seen, skip = 0, 0, params.offset if not compiled.exact or params.after else 0
        examined: Position | None = None  # the last document looked at past the last item, if any
        deadline = time.monotonic() + SCAN_SECONDS
        try:
            async for document in found:
                seen += 1
                if self._passed(document):
                    continue
                doc = None
                if not compiled.exact:
                    doc = bson.decode(document.raw, self.collection.codec_options)
                    matched = compiled.matches(doc)
                if compiled.exact or matched:
                    if skip:
                        skip -= 1
                    elif len(items) == params.limit or (items and size + len(document.raw) > MAX_PAGE_BYTES):
                        return items, examined or self._after(items[-1]), True
                    else:
                        items.append(doc or bson.decode(document.raw, self.collection.codec_options))
                        size += len(document.raw)
                        examined = None
                        continue
                examined = Position(_value(document, params.sort_field), document["_id"], skip)
                if time.monotonic() > deadline:
                    return items, examined, True
        except pymongo.errors.ExecutionTimeout:
            raise _too_costly("query", f"the page needs more than {MAX_TIME_MS} ms of MongoDB work") from None
        finally:
            await found.close()
        if seen < rows:
            return items, None, True
        if not compiled.exact:  # scanned its share of rows: go on from the last one at the next page
            return items, examined or (self._after(items[-1]) if items else None), True
        return items, None, False

    def _after(self, item: dict[str, Any]) -> Position:
        return Position(_value(item, self.params.sort_field), item["_id"])


async def fetch_page(
    collection: AsyncCollection,
    scope: dict[str, Any],
    compiled: MongoFilter,
    params: PageParams,
    count: Callable[[], Awaitable[int]] | None = None,
    *,
    counted: bool = True,
) -> Page:
    """One page of `scope` narrowed by `compiled` (one query, rarely more after a cursor), and the
    total: `count()` when given (a maintained counter), else a count of the matches. Every list
    answers a total (Mixpeek's `total_count` is always a number); a count beyond the work budget
    is refused when the request asked for it (`include_total`), else left out (None). Lists that
    answer no total (`counted` False) count nothing."""
    query = {"$and": [scope, compiled.query]} if compiled.query else dict(scope)
    items, following = await _Reader(collection, compiled, params).read(query)
    if not counted:
        return Page(items=items, next=following, total=None)
    try:
        total = await count() if count is not None else await _count(collection, query, compiled)
    except InvalidArgument:
        if params.include_total:
            raise
        total = None
    return Page(items=items, next=following, total=total)


async def _count(collection: AsyncCollection, query: dict[str, Any], compiled: MongoFilter) -> int:
    try:
        if compiled.exact:
            return await collection.count_documents(query, maxTimeMS=MAX_TIME_MS)
        deadline = time.monotonic() + SCAN_SECONDS
        count = 0
        async for doc in collection.find(query).batch_size(BATCH).max_time_ms(MAX_TIME_MS):
            count += compiled.matches(doc)
            if time.monotonic() > deadline:
                raise _too_costly("include_total", f"counting this filter's matches takes longer than {SCAN_SECONDS * 1000:.0f} ms")
        return count
    except pymongo.errors.ExecutionTimeout:
        raise _too_costly("include_total", f"counting needs more than {MAX_TIME_MS} ms of MongoDB work") from None
