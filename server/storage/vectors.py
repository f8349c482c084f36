"""The Qdrant vector store. Each namespace owns one Qdrant collection, reached through an alias named
after the namespace ID; the physical collection behind it is versioned (`<alias>__v<n>`) so it can be
replaced atomically. Points carry `namespace_id`, `collection_id`, `document_id` and source IDs as
payload.

The same code serves a Qdrant server (`QDRANT_URL`) and qdrant-client's local mode (a path under the
data dir). Local mode ignores payload indexes (it scans); they are still declared so a server gets
them."""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
import warnings
from pathlib import Path

from qdrant_client import AsyncQdrantClient, models

from server.domain.vectors import VectorSpec
from server.storage.qdrant_filters import DocumentFilter

log = logging.getLogger(__name__)

_DISTANCES = {
    "cosine": models.Distance.COSINE,
    "dot": models.Distance.DOT,
    "euclid": models.Distance.EUCLID,
    "manhattan": models.Distance.MANHATTAN,
}
_DISTANCE_NAMES = {v: k for k, v in _DISTANCES.items()}
_PAYLOAD_TYPES = {
    "keyword": models.PayloadSchemaType.KEYWORD,
    "integer": models.PayloadSchemaType.INTEGER,
    "float": models.PayloadSchemaType.FLOAT,
    "bool": models.PayloadSchemaType.BOOL,
    "geo": models.PayloadSchemaType.GEO,
    "datetime": models.PayloadSchemaType.DATETIME,
    "text": models.PayloadSchemaType.TEXT,
    "uuid": models.PayloadSchemaType.UUID,
}
_VERSIONED = re.compile(r"^(?P<alias>.+)__v(?P<version>\d+)$")


def physical_name(alias: str, version: int) -> str:
    return f"{alias}__v{version}"


def dense_params(spec: VectorSpec) -> models.VectorParams:
    return models.VectorParams(
        size=spec.dimensions,
        distance=_DISTANCES[spec.distance],
        multivector_config=(
            models.MultiVectorConfig(comparator=models.MultiVectorComparator.MAX_SIM) if spec.multi else None
        ),
    )


def vector_name_config(spec: VectorSpec) -> models.DenseVectorNameConfig | models.SparseVectorNameConfig:
    """The config create_vector_name takes for a spec."""
    if spec.kind == "sparse":
        return models.SparseVectorNameConfig(sparse=models.SparseVectorConfig())
    params = dense_params(spec)
    return models.DenseVectorNameConfig(
        dense=models.DenseVectorConfig(size=params.size, distance=params.distance, multivector_config=params.multivector_config)
    )


def split_specs(specs: list[VectorSpec]) -> tuple[dict[str, models.VectorParams], dict[str, models.SparseVectorParams]]:
    dense = {s.name: dense_params(s) for s in specs if s.kind == "dense"}
    sparse = {s.name: models.SparseVectorParams() for s in specs if s.kind == "sparse"}
    return dense, sparse


class VectorStore:
    def __init__(self, client: AsyncQdrantClient, *, local: bool, location: str):
        self.client = client
        self.local = local
        self.location = location

    @classmethod
    def open(cls, url: str | None, api_key: str | None, data_dir: Path) -> VectorStore:
        if url:
            return cls(AsyncQdrantClient(url=url, api_key=api_key), local=False, location=url)
        path = data_dir / "qdrant"
        path.mkdir(parents=True, exist_ok=True)
        # Local mode has no payload indexes and says so on every call; the module docstring says it once.
        warnings.filterwarnings("ignore", message="Payload indexes have no effect in the local Qdrant")
        return cls(AsyncQdrantClient(path=str(path)), local=True, location=str(path))

    async def close(self) -> None:
        await self.client.close()

    @property
    def backend_name(self) -> str:
        return "Qdrant (local mode)" if self.local else "Qdrant"

    async def ping(self) -> None:
        """The health probe: one cheap round trip (the server's version)."""
        await self.client.info()

    async def server_version(self) -> str:
        return (await self.client.info()).version

    async def physical_collection(self, alias: str) -> str | None:
        for item in (await self.client.get_aliases()).aliases:
            if item.alias_name == alias:
                return item.collection_name
        return None

    async def create_store(self, alias: str, specs: list[VectorSpec], payload_indexes: list[tuple[str, str]]) -> str:
        """Creates the namespace's first physical collection, its payload indexes and its alias."""
        name = physical_name(alias, 1)
        await self.create_collection(name, specs)
        await self.ensure_payload_indexes(name, payload_indexes)
        await self.client.update_collection_aliases(
            change_aliases_operations=[
                models.CreateAliasOperation(create_alias=models.CreateAlias(collection_name=name, alias_name=alias))
            ]
        )
        return name

    async def create_collection(self, name: str, specs: list[VectorSpec]) -> None:
        dense, sparse = split_specs(specs)
        await self.client.create_collection(name, vectors_config=dense, sparse_vectors_config=sparse or None)

    async def drop_store(self, alias: str) -> None:
        """Deletes the alias and every physical collection of the namespace (all versions), and in
        local mode any directory of it that the store's metadata does not know (see
        `_unlisted_directories`)."""
        if await self.physical_collection(alias):
            await self.client.update_collection_aliases(
                change_aliases_operations=[models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=alias))]
            )
        for collection in (await self.client.get_collections()).collections:
            match = _VERSIONED.match(collection.name)
            if match and match["alias"] == alias:
                await self.client.delete_collection(collection.name)
        for directory in await self._unlisted_directories():
            match = _VERSIONED.match(directory.name)
            if match and match["alias"] == alias:
                await asyncio.to_thread(shutil.rmtree, directory, ignore_errors=True)

    async def store_aliases(self) -> set[str]:
        """The alias of every namespace store that has a physical collection (or, in local mode, a
        directory left by a crash)."""
        names = set()
        for collection in (await self.client.get_collections()).collections:
            match = _VERSIONED.match(collection.name)
            if match:
                names.add(match["alias"])
        for directory in await self._unlisted_directories():
            match = _VERSIONED.match(directory.name)
            if match:
                names.add(match["alias"])
        return names

    async def _unlisted_directories(self) -> list[Path]:
        """Local mode: collection directories that its metadata file does not list. Local mode makes
        a collection's directory (and SQLite file) first and records it in `meta.json` after, so a
        crash in between leaves a directory that no call ever lists or deletes."""
        if not self.local:
            return []
        root = Path(self.location) / "collection"
        listed = {c.name for c in (await self.client.get_collections()).collections}
        found = await asyncio.to_thread(lambda: [d for d in root.iterdir() if d.is_dir()] if root.is_dir() else [])
        return [d for d in found if d.name not in listed]

    async def vector_schema(self, collection: str) -> dict[str, VectorSpec]:
        """The named vectors a collection (or alias) has now."""
        params = (await self.client.get_collection(collection)).config.params
        specs: dict[str, VectorSpec] = {}
        named = params.vectors if isinstance(params.vectors, dict) else {}  # vecplane always names its vectors
        for name, vector in named.items():
            specs[name] = VectorSpec(
                name=name,
                dimensions=vector.size,
                distance=_DISTANCE_NAMES[vector.distance],
                multi=vector.multivector_config is not None,
            )
        for name in params.sparse_vectors or {}:
            specs[name] = VectorSpec(name=name, dimensions=0, distance="dot", kind="sparse")
        return specs

    async def count(self, collection: str) -> int:
        return (await self.client.count(collection, exact=True)).count

    async def ensure_payload_indexes(self, collection: str, indexes: list[tuple[str, str]]) -> None:
        """Creates payload indexes (field, type); creating an existing one is a no-op in Qdrant."""
        for field, kind in indexes:
            await self.client.create_payload_index(collection, field, _PAYLOAD_TYPES[kind], wait=True)

    async def delete_where(self, collection: str, key: str, value: str) -> int:
        """Deletes the points whose payload `key` equals `value`; returns how many there were."""
        selector = models.Filter(must=[models.FieldCondition(key=key, match=models.MatchValue(value=value))])
        count = (await self.client.count(collection, count_filter=selector, exact=True)).count
        if count:
            await self.client.delete(collection, points_selector=models.FilterSelector(filter=selector), wait=True)
        return count

    # --- reconfigure (server.usecases.reconfigure). Every method is idempotent, so a resumed
    # operation can repeat the step it was interrupted in.

    @staticmethod
    def version_of(name: str) -> int | None:
        match = _VERSIONED.match(name)
        return int(match["version"]) if match else None

    async def next_physical_name(self, alias: str) -> str:
        """`<alias>__v<n+1>`, n the highest version of the namespace's physical collections."""
        versions = [0]
        for collection in (await self.client.get_collections()).collections:
            match = _VERSIONED.match(collection.name)
            if match and match["alias"] == alias:
                versions.append(int(match["version"]))
        return physical_name(alias, max(versions) + 1)

    async def physical_collections(self, alias: str) -> list[str]:
        """Every physical collection of a namespace store (normally one)."""
        return sorted(
            c.name for c in (await self.client.get_collections()).collections if (m := _VERSIONED.match(c.name)) and m["alias"] == alias
        )

    async def collection_exists(self, name: str) -> bool:
        return await self.client.collection_exists(name)

    async def ensure_collection(self, name: str, specs: list[VectorSpec], payload_indexes: list[tuple[str, str]]) -> None:
        """Creates the collection with exactly these vectors unless it exists, then its payload indexes."""
        if not await self.client.collection_exists(name):
            await self.create_collection(name, specs)
        await self.ensure_payload_indexes(name, payload_indexes)

    async def drop_collection(self, name: str) -> None:
        if await self.client.collection_exists(name):
            await self.client.delete_collection(name)

    async def switch_alias(self, alias: str, collection: str) -> None:
        """Points the alias at `collection` in one atomic aliases update (delete + create), so a reader
        always finds it on a whole collection."""
        operations: list = []
        if await self.physical_collection(alias) is not None:
            operations.append(models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=alias)))
        operations.append(models.CreateAliasOperation(create_alias=models.CreateAlias(collection_name=collection, alias_name=alias)))
        await self.client.update_collection_aliases(change_aliases_operations=operations)

    async def create_vector(self, collection: str, spec: VectorSpec) -> None:
        """Adds a named vector to a live collection (Qdrant >= 1.18); existing points keep everything
        and have no value for it. A no-op if it exists with the same definition."""
        await self.client.create_vector_name(collection, spec.name, vector_name_config(spec), wait=True)

    async def delete_vector(self, collection: str, name: str) -> None:
        """Drops a named vector and its values from a live collection; a no-op if it is absent."""
        await self.client.delete_vector_name(collection, name, wait=True)

    async def copy_batch(self, source: str, target: str, offset: models.ExtendedPointId | None, limit: int, vectors: list[str]) -> tuple[int, object]:
        """Copies up to `limit` points from `offset` on (point-ID order) with their payloads and the
        named `vectors` (others are left behind); returns (points copied, next offset or None).
        Upserts by ID, so copying a batch twice is harmless."""
        records, next_offset = await self.client.scroll(
            source, limit=limit, offset=offset, with_payload=True, with_vectors=vectors or False
        )
        if records:
            points = [
                models.PointStruct(
                    id=r.id,
                    payload=r.payload or {},
                    vector={k: v for k, v in (r.vector or {}).items() if k in vectors} if isinstance(r.vector, dict) else {},
                )
                for r in records
            ]
            await self.client.upsert(target, points=points, wait=True)
        return len(records), next_offset

    async def count_where(self, collection: str, key: str, value: str) -> int:
        selector = models.Filter(must=[models.FieldCondition(key=key, match=models.MatchValue(value=value))])
        return (await self.client.count(collection, count_filter=selector, exact=True)).count

    async def find_documents(self, collection: str, collection_id: str, document_filter: DocumentFilter, batch: int = 256) -> list[models.Record]:
        """The points of one vecplane collection that match a filter: Qdrant narrows them with the
        compiled filter, and when that filter is only a superset (see server.storage.qdrant_filters) the
        reference evaluator decides on each payload."""
        scope = models.FieldCondition(key="collection_id", match=models.MatchValue(value=collection_id))
        selector = models.Filter(must=[scope, *([document_filter.filter] if document_filter.filter else [])])
        found: list[models.Record] = []
        offset = None
        while True:
            points, offset = await self.client.scroll(collection, scroll_filter=selector, limit=batch, offset=offset, with_payload=True, with_vectors=False)
            found += [p for p in points if document_filter.exact or document_filter.matches(p.payload or {})]
            if offset is None:
                return found
