"""Documents kept as points of a namespace's vector store (any server.storage.vectors.VectorStore):
the point ID is the document's UUID (server.domain.documents), the payload its DocumentResponse.
Every read is scoped to one vecplane collection, so a document ID of another collection is simply
not found."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Sequence

from qdrant_client import models

from server import metrics
from server.domain.documents import (
    SYSTEM_FIELDS,
    Document,
    Source,
    SourceType,
    document_id_of_point,
    point_id_of,
)
from server.domain.filters import Condition, Group, Node, simple_field
from server.storage.vectors import Point, PointId, Record, VectorStore, Where

#: points written per vector-store call
UPSERT_BATCH = 256
#: root object IDs per filter when reading the documents of many objects
ROOTS_PER_QUERY = 1000
SYSTEM_INDEXES = tuple((name, "keyword") for name in SYSTEM_FIELDS)


def _keyword_in(name: str, values: Sequence[str]) -> Condition:
    return Condition(simple_field(name, "string"), "in", list(values), True)


# Told of every write: (namespace ID, the collections written or None when unknown, the actions:
# create/update for upserts, delete for deletes). The retrieval cache listens (invalidation).
WriteListener = Callable[[str, set[str] | None, tuple[str, ...]], None]


def _scoped(collection_id: str | None, where: Node | None) -> Where:
    """The documents of one collection (None: of any) that match `where`."""
    return Where(equals={"collection_id": collection_id} if collection_id is not None else {}, filter=where)


def _document(record: Record) -> Document:
    return Document.from_payload(record.payload, record.vectors)


# Documents per read when a call scans many (sorted lists, aggregations, changes by filter,
# reconciliation). Each read holds the process (Qdrant Edge keeps the GIL), so small reads let other
# calls in between: an aggregation over 50,000 documents read 1,000 at a time raised another
# organization's GetNamespace p50 from 4 to 114 ms and took 3.5 s; read 128 at a time, 14 ms and 2.1 s.
SCAN_PAGE = 128


class DocumentStore:
    """Reads and writes the documents of the namespaces' vector stores; `store` is the namespace
    ID (the alias of its vector store)."""

    def __init__(self, vectors: VectorStore, *, batch: int = UPSERT_BATCH):
        self._vectors = vectors
        self._batch = batch
        self._indexed: set[str] = set()
        self._listeners: list[WriteListener] = []

    def on_write(self, listener: WriteListener) -> None:
        self._listeners.append(listener)

    def _written(self, store: str, collection_ids: set[str] | None, actions: tuple[str, ...]) -> None:
        for listener in self._listeners:
            listener(store, collection_ids, actions)

    async def upsert(self, store: str, documents: Sequence[Document]) -> None:
        """Writes the documents (a document with the same ID is replaced whole), in batches. The
        first write to a store in this process makes sure it has the system payload indexes
        (stores made before a system field existed lack its index)."""
        if documents and store not in self._indexed:
            await self._vectors.ensure_payload_indexes(store, SYSTEM_INDEXES)
            self._indexed.add(store)
        for start in range(0, len(documents), self._batch):
            chunk = documents[start : start + self._batch]
            with metrics.timed(metrics.VECTOR_STORE_SECONDS, "upsert", span="vector_store upsert"):
                await self._vectors.upsert(store, [Point(doc.point_id, doc.vectors, doc.payload()) for doc in chunk])
            metrics.DOCUMENTS_WRITTEN.inc(len(chunk))
        if documents:
            self._written(store, {doc.collection_id for doc in documents}, ("create", "update"))

    def written_elsewhere(self, store: str, collection_id: str, upserted: int, deleted: int) -> None:
        """Documents of the collection were written into the same vector store by another process
        (a Ray actor): counted and told to the listeners as this store's own writes are."""
        metrics.DOCUMENTS_WRITTEN.inc(upserted)
        if upserted:
            self._written(store, {collection_id}, ("create", "update"))
        if deleted:
            self._written(store, {collection_id}, ("delete",))

    async def get(self, store: str, collection_id: str | None, document_ids: Iterable[str], *, vectors: bool | Sequence[str] = False) -> dict[str, Document]:
        """The documents of the collection (None: of any collection of the store) with these IDs
        that exist, by ID."""
        points: list[PointId] = [p for p in (point_id_of(i) for i in dict.fromkeys(document_ids)) if p is not None]
        found: dict[str, Document] = {}
        for start in range(0, len(points), self._batch):
            with metrics.timed(metrics.VECTOR_STORE_SECONDS, "retrieve", span="vector_store retrieve"):
                records = await self._vectors.retrieve(store, points[start : start + self._batch], with_vectors=vectors)
            for record in records:
                if collection_id is None or record.payload.get("collection_id") == collection_id:
                    doc = _document(record)
                    found[doc.document_id] = doc
        return found

    async def scroll(
        self,
        store: str,
        collection_id: str | None,
        where: Node | None = None,
        *,
        after: str | None = None,
        limit: int = 100,
        vectors: bool | Sequence[str] = False,
    ) -> tuple[list[Document], str | None]:
        """Up to `limit` documents of the collection (None: of any) matching `where`, in document-ID order from
        document `after` on (inclusive), and the ID the next page starts at (None: no more)."""
        offset = point_id_of(after) if after else None
        with metrics.timed(metrics.VECTOR_STORE_SECONDS, "scroll", span="vector_store scroll"):
            records, next_offset = await self._vectors.scroll(
                store, _scoped(collection_id, where), offset=offset, limit=limit, with_vectors=vectors
            )
        return [_document(r) for r in records], document_id_of_point(str(next_offset)) if next_offset is not None else None

    async def children(self, store: str, document_id: str, limit: int) -> list[Document]:
        """Up to `limit` documents made directly from document `document_id` (of any collection of
        the store), in document-ID order."""
        with metrics.timed(metrics.VECTOR_STORE_SECONDS, "scroll", span="vector_store scroll"):
            records, _ = await self._vectors.scroll(store, Where(equals={"source_document_id": document_id}), limit=limit)
        return [_document(r) for r in records]

    async def count(self, store: str, collection_id: str | None, where: Node | None = None) -> int:
        with metrics.timed(metrics.VECTOR_STORE_SECONDS, "count", span="vector_store count"):
            return await self._vectors.count(store, _scoped(collection_id, where))

    async def ids_of_sources(self, store: str, collection_id: str, sources: Sequence[Source]) -> list[str]:
        """The IDs of the collection's documents made from these sources."""
        objects = [s.id for s in sources if s.type is SourceType.BUCKET]
        parents = [s.id for s in sources if s.type is SourceType.COLLECTION]
        either: list[Node] = []
        if objects:
            either.append(_keyword_in("source_object_id", objects))
        if parents:
            either.append(_keyword_in("source_document_id", parents))
        if not either:
            return []
        where = Where(equals={"collection_id": collection_id}, filter=either[0] if len(either) == 1 else Group(any_of=tuple(either)))
        with metrics.timed(metrics.VECTOR_STORE_SECONDS, "find", span="vector_store find"):
            found = await self._vectors.find(store, where)
        return [str(r.payload["document_id"]) for r in found]

    async def delete(self, store: str, document_ids: Sequence[str]) -> None:
        """Deletes documents by ID (IDs that do not exist are ignored)."""
        points: list[int | str | uuid.UUID] = [p for p in (point_id_of(i) for i in document_ids) if p is not None]
        for start in range(0, len(points), self._batch):
            selector = models.Filter(must=[models.HasIdCondition(has_id=points[start : start + self._batch])])
            with metrics.timed(metrics.VECTOR_STORE_SECONDS, "delete", span="vector_store delete"):
                await self._vectors.raw_delete(store, selector)
        if points:
            self._written(store, None, ("delete",))

    async def of_roots(self, store: str, collection_id: str, root_object_ids: Sequence[str]) -> AsyncIterator[list[Document]]:
        """The collection's documents descended from these objects, a page at a time (any tier:
        every document keeps its root object)."""
        for start in range(0, len(root_object_ids), ROOTS_PER_QUERY):
            where = _keyword_in("root_object_id", root_object_ids[start : start + ROOTS_PER_QUERY])
            after: str | None = None
            while True:
                docs, after = await self.scroll(store, collection_id, where, after=after, limit=self._batch)
                if docs:
                    yield docs
                if after is None:
                    break

    async def delete_of_roots(self, store: str, collection_id: str, root_object_ids: Sequence[str]) -> int:
        """Deletes the collection's documents descended from these objects, a page at a time (the
        scroll goes on from the next page's first ID, which this does not delete); returns how many."""
        deleted = 0
        async for docs in self.of_roots(store, collection_id, root_object_ids):
            await self.delete(store, [doc.document_id for doc in docs])
            deleted += len(docs)
        return deleted

    async def delete_where(self, store: str, key: str, value: str) -> int:
        """Deletes every document whose system field `key` (collection_id, root_object_id,
        root_bucket_id, source_object_id, source_document_id) is `value`; returns how many."""
        assert key in SYSTEM_FIELDS, key
        with metrics.timed(metrics.VECTOR_STORE_SECONDS, "delete_where", span="vector_store delete_where"):
            deleted = await self._vectors.delete_where(store, key, value)
        if deleted:
            self._written(store, {value} if key == "collection_id" else None, ("delete",))
        return deleted

