"""The vector store interface the use cases depend on, its typed records, and what every adapter
shares.

Each namespace owns one store, reached through an alias named after the namespace ID; the physical
collection behind it is versioned (`<alias>__v<n>`) so it can be replaced atomically (blue/green,
recreate). Points carry `namespace_id`, `collection_id`, `document_id` and source IDs as payload.
Every method that takes a `collection` accepts an alias too.

Adapters (see server.app for the choice):
- server.storage.qdrant_server: a Qdrant server through qdrant-client (`QDRANT_URL`); qdrant-client's
  local mode runs the same code in tests.
- server.storage.edge: Qdrant Edge, the engine in-process; the embedded default.

The concrete methods here are written once over a few engine primitives (`raw_*`, which take a
filter already lowered to qdrant-client's `models.Filter`); adapters implement the abstract ones."""

from __future__ import annotations

import abc
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from qdrant_client import models

from server.domain.filters import Node
from server.domain.vectors import VectorSpec
from server.storage.qdrant_filters import DocumentFilter, to_qdrant

PointId = int | str  # an unsigned integer or a UUID string


def point_id(value: int | str | uuid.UUID) -> PointId:
    """An engine's point ID as vecplane spells it (UUIDs as strings)."""
    return str(value) if isinstance(value, uuid.UUID) else value


@dataclass(frozen=True)
class SparseVector:
    indices: list[int]
    values: list[float]


# A dense vector, a multivector (list of dense vectors) or a sparse vector.
Vector = list[float] | list[list[float]] | SparseVector


@dataclass(frozen=True)
class Point:
    """A point to write: its ID, its named vectors (absent names have no value) and its payload."""

    id: PointId
    vectors: Mapping[str, Vector] = field(default_factory=dict)
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Record:
    """A stored point as read back; `vectors` holds only the names asked for."""

    id: PointId
    payload: dict[str, Any]
    vectors: dict[str, Vector]


@dataclass(frozen=True)
class ScoredPoint:
    id: PointId
    score: float
    payload: dict[str, Any]
    vectors: dict[str, Vector]


@dataclass(frozen=True)
class Where:
    """Which points: payload keys equal to values (exact keyword matches, such as `collection_id`),
    and a domain filter (server.domain.filters), both of which must hold."""

    equals: Mapping[str, str | int] = field(default_factory=dict)
    filter: Node | None = None


@dataclass(frozen=True)
class Selection:
    """A `Where` lowered for Qdrant: `selector` picks a superset of the matching points (None: all);
    when `refine` is set, only the points whose payload it matches are kept."""

    selector: models.Filter | None
    refine: DocumentFilter | None = None

    @property
    def exact(self) -> bool:
        return self.refine is None

    def keeps(self, payload: dict[str, Any]) -> bool:
        return self.refine is None or self.refine.matches(payload)


def lower(where: Where | None) -> Selection:
    """The one lowering of a `Where` (the domain filter through server.domain.filters.to_qdrant)."""
    if where is None:
        return Selection(None)
    must: list[Any] = [models.FieldCondition(key=k, match=models.MatchValue(value=v)) for k, v in where.equals.items()]
    compiled = to_qdrant(where.filter)
    if compiled.filter is not None:
        must.append(compiled.filter)
    return Selection(models.Filter(must=must) if must else None, None if compiled.exact else compiled)


def equals(key: str, value: str) -> Where:
    return Where(equals={key: value})


class CollectionNotFound(ValueError):
    """A collection or alias that does not exist."""


_VERSIONED = re.compile(r"^(?P<alias>.+)__v(?P<version>\d+)$")


def physical_name(alias: str, version: int) -> str:
    return f"{alias}__v{version}"


def version_of(name: str) -> int | None:
    match = _VERSIONED.match(name)
    return int(match["version"]) if match else None


def alias_of(name: str) -> str | None:
    match = _VERSIONED.match(name)
    return match["alias"] if match else None


class VectorStore(abc.ABC):
    """What the use cases may ask of a vector store. Every method is idempotent where that makes
    sense (creating what exists or dropping what does not is a no-op), so a resumed operation can
    repeat the step it was interrupted in."""

    #: where the data lives (a URL or a directory), for the start-up log
    location: str
    #: a short human description, e.g. "Qdrant Edge at .data/edge"
    description: str
    #: how people know it in health and error messages, e.g. "Qdrant Edge (embedded)"
    backend_name: str

    # --- engine primitives (each adapter)

    @abc.abstractmethod
    async def close(self) -> None: ...

    @abc.abstractmethod
    async def ping(self) -> None:
        """Raises if the store cannot serve; cheap enough for a health check."""

    @abc.abstractmethod
    async def live_vector_changes(self) -> bool:
        """Whether named vectors can be added to and dropped from a live collection."""

    @abc.abstractmethod
    async def collection_names(self) -> list[str]:
        """Every physical collection."""

    @abc.abstractmethod
    async def aliases(self) -> dict[str, str]:
        """alias -> physical collection."""

    @abc.abstractmethod
    async def switch_alias(self, alias: str, collection: str) -> None:
        """Points the alias at `collection` in one atomic step, so a reader always finds it on a
        whole collection."""

    @abc.abstractmethod
    async def delete_alias(self, alias: str) -> None:
        """A no-op if the alias does not exist."""

    @abc.abstractmethod
    async def collection_exists(self, name: str) -> bool: ...

    @abc.abstractmethod
    async def create_collection(self, name: str, specs: Sequence[VectorSpec]) -> None: ...

    @abc.abstractmethod
    async def drop_collection(self, name: str) -> None:
        """A no-op if the collection does not exist."""

    @abc.abstractmethod
    async def vector_schema(self, collection: str) -> dict[str, VectorSpec]:
        """The named vectors a collection (or alias) has now."""

    @abc.abstractmethod
    async def create_vector(self, collection: str, spec: VectorSpec) -> None:
        """Adds a named vector to a live collection; existing points keep everything and have no
        value for it. A no-op if it exists with the same definition."""

    @abc.abstractmethod
    async def delete_vector(self, collection: str, name: str) -> None:
        """Drops a named vector and its values from a live collection; a no-op if it is absent."""

    @abc.abstractmethod
    async def ensure_payload_indexes(self, collection: str, indexes: Sequence[tuple[str, str]]) -> None:
        """Creates the payload indexes (field, type) the collection lacks."""

    @abc.abstractmethod
    async def payload_indexes(self, collection: str) -> dict[str, str]:
        """field -> type of the payload indexes the collection has (qdrant-client's local mode keeps
        none)."""

    @abc.abstractmethod
    async def upsert(self, collection: str, points: Sequence[Point]) -> None:
        """Writes points (insert or replace by ID); durable when it returns."""

    @abc.abstractmethod
    async def retrieve(
        self, collection: str, ids: Sequence[PointId], *, with_payload: bool = True, with_vectors: bool | Sequence[str] = False
    ) -> list[Record]:
        """The points with these IDs that exist (in no particular order)."""

    @abc.abstractmethod
    async def raw_count(self, collection: str, selector: models.Filter | None) -> int: ...

    @abc.abstractmethod
    async def raw_delete(self, collection: str, selector: models.Filter) -> None: ...

    @abc.abstractmethod
    async def raw_scroll(
        self,
        collection: str,
        selector: models.Filter | None,
        offset: PointId | None,
        limit: int,
        with_payload: bool,
        with_vectors: bool | Sequence[str],
    ) -> tuple[list[Record], PointId | None]:
        """Up to `limit` points in point-ID order from `offset` on, and the next offset (None: done)."""

    @abc.abstractmethod
    async def raw_query(
        self,
        collection: str,
        vector_name: str,
        vector: Vector,
        selector: models.Filter | None,
        limit: int,
        offset: int,
        score_threshold: float | None,
        with_payload: bool,
        with_vectors: bool | Sequence[str],
    ) -> list[ScoredPoint]: ...

    def decides(self, selector: models.Filter) -> bool:
        """Whether the engine selects exactly what a lowered filter says (else a superset)."""
        return True

    # --- built on the primitives (one home for every adapter)

    def lower(self, where: Where | None) -> Selection:
        """`lower(where)` for this engine: refined by the reference evaluator wherever the engine
        selects only a superset."""
        lowered = lower(where)
        narrowed = lowered.exact and lowered.selector is not None and where is not None and where.filter is not None
        if narrowed and where is not None and lowered.selector is not None and not self.decides(lowered.selector):
            return Selection(lowered.selector, to_qdrant(where.filter))
        return lowered

    async def physical_collection(self, alias: str) -> str | None:
        return (await self.aliases()).get(alias)

    async def physical_collections(self, alias: str) -> list[str]:
        """Every physical collection of a namespace store (normally one)."""
        return sorted(name for name in await self.collection_names() if alias_of(name) == alias)

    async def next_physical_name(self, alias: str) -> str:
        """`<alias>__v<n+1>`, n the highest version of the namespace's physical collections."""
        versions = [version_of(name) or 0 for name in await self.physical_collections(alias)]
        return physical_name(alias, max(versions, default=0) + 1)

    async def store_aliases(self) -> set[str]:
        """The alias of every namespace store that has a physical collection."""
        return {alias for name in await self.collection_names() if (alias := alias_of(name))}

    async def create_store(self, alias: str, specs: Sequence[VectorSpec], payload_indexes: Sequence[tuple[str, str]]) -> str:
        """Creates the namespace's first physical collection, its payload indexes and its alias."""
        name = physical_name(alias, 1)
        await self.ensure_collection(name, specs, payload_indexes)
        await self.switch_alias(alias, name)
        return name

    async def drop_store(self, alias: str) -> None:
        """Deletes the alias and every physical collection of the namespace (all versions)."""
        await self.delete_alias(alias)
        for name in await self.physical_collections(alias):
            await self.drop_collection(name)

    async def ensure_collection(self, name: str, specs: Sequence[VectorSpec], payload_indexes: Sequence[tuple[str, str]]) -> None:
        """Creates the collection with exactly these vectors unless it exists, then its payload indexes."""
        if not await self.collection_exists(name):
            await self.create_collection(name, specs)
        await self.ensure_payload_indexes(name, payload_indexes)

    async def count(self, collection: str, where: Where | None = None) -> int:
        lowered = self.lower(where)
        if lowered.exact:
            return await self.raw_count(collection, lowered.selector)
        return len(await self.find(collection, where))

    async def count_where(self, collection: str, key: str, value: str) -> int:
        return await self.count(collection, equals(key, value))

    async def delete_where(self, collection: str, key: str, value: str) -> int:
        """Deletes the points whose payload `key` equals `value`; returns how many there were."""
        lowered = self.lower(equals(key, value))
        assert lowered.selector is not None and lowered.exact
        count = await self.raw_count(collection, lowered.selector)
        if count:
            await self.raw_delete(collection, lowered.selector)
        return count

    async def scroll(
        self,
        collection: str,
        where: Where | None = None,
        *,
        offset: PointId | None = None,
        limit: int = 256,
        with_payload: bool = True,
        with_vectors: bool | Sequence[str] = False,
    ) -> tuple[list[Record], PointId | None]:
        """Up to `limit` matching points in point-ID order from `offset` on, and the offset of the
        next page (None: no more). A filter Qdrant decides only as a superset is refined here, so
        a page is filled from as many engine pages as it takes."""
        lowered = self.lower(where)
        found: list[Record] = []
        while True:
            records, offset = await self.raw_scroll(collection, lowered.selector, offset, limit, with_payload or not lowered.exact, with_vectors)
            found += [r for r in records if lowered.keeps(r.payload)]
            if len(found) > limit:  # the page ends before the first point left over (offsets are inclusive)
                found, offset = found[:limit], found[limit].id
            if offset is None or len(found) == limit:
                if not with_payload:
                    found = [Record(r.id, {}, r.vectors) for r in found]
                return found, offset

    async def find(self, collection: str, where: Where | None = None, *, batch: int = 256) -> list[Record]:
        """Every matching point, with its payload and without vectors."""
        found: list[Record] = []
        offset: PointId | None = None
        while True:
            page, offset = await self.scroll(collection, where, offset=offset, limit=batch)
            found += page
            if offset is None:
                return found

    async def find_documents(self, collection: str, collection_id: str, document_filter: Node | None) -> list[Record]:
        """The points of one vecplane collection that match a domain filter."""
        return await self.find(collection, Where(equals={"collection_id": collection_id}, filter=document_filter))

    async def search(
        self,
        collection: str,
        vector_name: str,
        vector: Vector,
        *,
        where: Where | None = None,
        limit: int = 10,
        score_threshold: float | None = None,
        with_payload: bool = True,
        with_vectors: bool | Sequence[str] = False,
    ) -> list[ScoredPoint]:
        """The `limit` nearest points by the named vector among the matching ones, best first. Where
        Qdrant decides the filter only as a superset, the search reads on until `limit` points pass."""
        lowered = self.lower(where)
        found: list[ScoredPoint] = []
        offset = 0
        page = limit if lowered.exact else max(limit * 4, 64)
        while True:
            scored = await self.raw_query(
                collection, vector_name, vector, lowered.selector, page, offset, score_threshold, with_payload or not lowered.exact, with_vectors
            )
            found += [s for s in scored if lowered.keeps(s.payload)]
            offset += len(scored)
            if lowered.exact or len(scored) < page or len(found) >= limit:
                found = found[:limit]
                if not with_payload:
                    found = [ScoredPoint(s.id, s.score, {}, s.vectors) for s in found]
                return found

    async def copy_batch(
        self, source: str, target: str, offset: PointId | None, limit: int, vectors: Sequence[str]
    ) -> tuple[int, PointId | None]:
        """Copies up to `limit` points from `offset` on (point-ID order) with their payloads and the
        named `vectors` (others are left behind); returns (points copied, next offset or None).
        Upserts by ID, so copying a batch twice is harmless."""
        records, next_offset = await self.raw_scroll(source, None, offset, limit, True, list(vectors) if vectors else False)
        if records:
            await self.upsert(target, [Point(r.id, {k: v for k, v in r.vectors.items() if k in vectors}, r.payload) for r in records])
        return len(records), next_offset
