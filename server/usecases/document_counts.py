"""Collections' document counts (`document_count`), read from the vector store, where the documents
are, so a count is never out of step with processing, deletes or a reconfigure for long.

A count is kept in process for TTL_SECONDS, and dropped at once when this process writes documents
of the collection (the document store's write events), so GetCollection and ListCollections do not
count on every call (a count reads the collection's points: a few ms per 10,000 documents on Qdrant
Edge). A count that started before a write and ends after it is not kept. Writes by another
process show within TTL_SECONDS."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from cachetools import TTLCache

from server.storage.documents import DocumentStore

log = logging.getLogger("vecplane.collections")

TTL_SECONDS = 5.0
_Key = tuple[str, str]  # (namespace ID, collection ID)


class DocumentCounts:
    def __init__(self, documents: DocumentStore, *, ttl_seconds: float = TTL_SECONDS, maxsize: int = 100_000):
        self._documents = documents
        self._counts: TTLCache[_Key, int] = TTLCache(maxsize=maxsize, ttl=ttl_seconds)
        self._writes = 0  # bumped by every write event: a count read across one is not kept
        documents.on_write(self._written)

    def _written(self, namespace_id: str, collection_ids: set[str] | None, _actions: tuple[str, ...]) -> None:
        self._writes += 1
        if collection_ids is None:
            for key in [k for k in self._counts if k[0] == namespace_id]:
                self._counts.pop(key, None)
            return
        for collection_id in collection_ids:
            self._counts.pop((namespace_id, collection_id), None)

    async def of(self, namespace_id: str, collection_ids: Iterable[str]) -> dict[str, int]:
        """The document count of each collection of the namespace; a collection whose count
        cannot be read now (the vector store is unavailable) is left out."""
        out: dict[str, int] = {}
        for collection_id in collection_ids:
            key = (namespace_id, collection_id)
            found = self._counts.get(key)
            if found is None:
                writes = self._writes
                try:
                    found = await self._documents.count(namespace_id, collection_id)
                except Exception:
                    log.warning("could not count a collection's documents", extra={"collection_id": collection_id}, exc_info=True)
                    continue
                if writes == self._writes:
                    self._counts[key] = found
            out[collection_id] = found
        return out
