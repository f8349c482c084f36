"""The vector store on a Qdrant server, through qdrant-client (`QDRANT_URL`). Given a directory instead
of a URL it runs the same code on qdrant-client's local mode, a pure-Python stand-in used by the
tests for this code path (it ignores payload indexes and scans)."""

from __future__ import annotations

import asyncio
import re
import shutil
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qdrant_client import AsyncQdrantClient, models

from server.domain.vectors import VectorSpec
from server.storage.vectors import Point as StorePoint
from server.storage.vectors import PointId, Record, ScoredPoint, SparseVector, Vector, VectorStore, point_id

DISTANCES = {
    "cosine": models.Distance.COSINE,
    "dot": models.Distance.DOT,
    "euclid": models.Distance.EUCLID,
    "manhattan": models.Distance.MANHATTAN,
}
_DISTANCE_NAMES = {v: k for k, v in DISTANCES.items()}
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


def live_from_version(version: str) -> bool:
    """Qdrant >= 1.18 adds and drops named vectors on a live collection (`1.18.0`, `v1.19.1-dev`;
    qdrant-client's local mode reports the client's version, 1.20, and has them too)."""
    match = re.match(r"^v?(\d+)\.(\d+)", version.strip())
    return match is not None and (int(match[1]), int(match[2])) >= (1, 18)


def _dense_params(spec: VectorSpec) -> models.VectorParams:
    return models.VectorParams(
        size=spec.dimensions,
        distance=DISTANCES[spec.distance],
        multivector_config=models.MultiVectorConfig(comparator=models.MultiVectorComparator.MAX_SIM) if spec.multi else None,
    )


def _vector_name_config(spec: VectorSpec) -> models.DenseVectorNameConfig | models.SparseVectorNameConfig:
    if spec.kind == "sparse":
        return models.SparseVectorNameConfig(sparse=models.SparseVectorConfig())
    params = _dense_params(spec)
    return models.DenseVectorNameConfig(
        dense=models.DenseVectorConfig(size=params.size, distance=params.distance, multivector_config=params.multivector_config)
    )


def _to_client(vector: Vector) -> Any:
    return models.SparseVector(indices=vector.indices, values=vector.values) if isinstance(vector, SparseVector) else vector


def _from_client(vectors: Any) -> dict[str, Vector]:
    if not isinstance(vectors, dict):
        return {}
    return {
        name: SparseVector(list(value.indices), list(value.values)) if isinstance(value, models.SparseVector) else value
        for name, value in vectors.items()
    }


def _with_vectors(with_vectors: bool | Sequence[str]) -> bool | list[str]:
    return with_vectors if isinstance(with_vectors, bool) else list(with_vectors)


class QdrantServerStore(VectorStore):
    def __init__(self, client: AsyncQdrantClient, location: str, description: str, *, local: bool = False):
        self.client = client
        self.location = location
        self.description = description
        self.local_mode = local
        self.backend_name = "Qdrant (local mode)" if local else "Qdrant"

    @classmethod
    def connect(cls, url: str, api_key: str | None) -> QdrantServerStore:
        return cls(AsyncQdrantClient(url=url, api_key=api_key), url, f"server {url}")

    @classmethod
    def local(cls, path: Path) -> QdrantServerStore:
        """qdrant-client's local mode under `path` (tests and benchmarks)."""
        path.mkdir(parents=True, exist_ok=True)
        # Local mode has no payload indexes and says so on every call; the module docstring says it once.
        warnings.filterwarnings("ignore", message="Payload indexes have no effect in the local Qdrant")
        return cls(AsyncQdrantClient(path=str(path)), str(path), f"qdrant-client local mode at {path}", local=True)

    async def close(self) -> None:
        await self.client.close()

    async def ping(self) -> None:
        await self.client.get_collections()

    async def live_vector_changes(self) -> bool:
        return live_from_version((await self.client.info()).version)

    async def collection_names(self) -> list[str]:
        """Every collection, and in local mode every collection directory a crash left unlisted."""
        listed = [c.name for c in (await self.client.get_collections()).collections]
        return listed + [d.name for d in await self._unlisted_directories(set(listed))]

    async def _unlisted_directories(self, listed: set[str]) -> list[Path]:
        """Local mode: collection directories that its metadata file does not list. Local mode makes
        a collection's directory (and SQLite file) first and records it in `meta.json` after, so a
        crash in between leaves a directory that no call ever lists or deletes."""
        if not self.local_mode:
            return []
        root = Path(self.location) / "collection"
        found = await asyncio.to_thread(lambda: [d for d in root.iterdir() if d.is_dir()] if root.is_dir() else [])
        return [d for d in found if d.name not in listed]

    async def aliases(self) -> dict[str, str]:
        return {item.alias_name: item.collection_name for item in (await self.client.get_aliases()).aliases}

    async def switch_alias(self, alias: str, collection: str) -> None:
        operations: list[models.DeleteAliasOperation | models.CreateAliasOperation] = []
        if alias in await self.aliases():
            operations.append(models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=alias)))
        operations.append(models.CreateAliasOperation(create_alias=models.CreateAlias(collection_name=collection, alias_name=alias)))
        await self.client.update_collection_aliases(change_aliases_operations=operations)

    async def delete_alias(self, alias: str) -> None:
        if alias in await self.aliases():
            await self.client.update_collection_aliases(
                change_aliases_operations=[models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=alias))]
            )

    async def collection_exists(self, name: str) -> bool:
        return await self.client.collection_exists(name)

    async def create_collection(self, name: str, specs: Sequence[VectorSpec]) -> None:
        dense = {s.name: _dense_params(s) for s in specs if s.kind == "dense"}
        sparse = {s.name: models.SparseVectorParams() for s in specs if s.kind == "sparse"}
        await self.client.create_collection(name, vectors_config=dense, sparse_vectors_config=sparse or None)

    async def drop_collection(self, name: str) -> None:
        if await self.client.collection_exists(name):
            await self.client.delete_collection(name)
        elif self.local_mode and (unlisted := Path(self.location) / "collection" / name).is_dir():
            await asyncio.to_thread(shutil.rmtree, unlisted, ignore_errors=True)

    async def vector_schema(self, collection: str) -> dict[str, VectorSpec]:
        params = (await self.client.get_collection(collection)).config.params
        specs: dict[str, VectorSpec] = {}
        vectors = params.vectors if isinstance(params.vectors, dict) else {}
        for name, vector in vectors.items():
            specs[name] = VectorSpec(
                name=name, dimensions=vector.size, distance=_DISTANCE_NAMES[vector.distance], multi=vector.multivector_config is not None
            )
        for name in params.sparse_vectors or {}:
            specs[name] = VectorSpec(name=name, dimensions=0, distance="dot", kind="sparse")
        return specs

    async def create_vector(self, collection: str, spec: VectorSpec) -> None:
        await self.client.create_vector_name(collection, spec.name, _vector_name_config(spec), wait=True)

    async def delete_vector(self, collection: str, name: str) -> None:
        await self.client.delete_vector_name(collection, name, wait=True)

    async def ensure_payload_indexes(self, collection: str, indexes: Sequence[tuple[str, str]]) -> None:
        # Creating an existing index is a no-op in Qdrant.
        for field_name, kind in indexes:
            await self.client.create_payload_index(collection, field_name, _PAYLOAD_TYPES[kind], wait=True)

    async def payload_indexes(self, collection: str) -> dict[str, str]:
        schema = (await self.client.get_collection(collection)).payload_schema
        return {name: str(info.data_type.value) for name, info in schema.items() if info.data_type is not None}

    async def upsert(self, collection: str, points: Sequence[StorePoint]) -> None:
        structs = [
            models.PointStruct(id=p.id, vector={k: _to_client(v) for k, v in p.vectors.items()}, payload=dict(p.payload)) for p in points
        ]
        await self.client.upsert(collection, points=structs, wait=True)

    async def retrieve(
        self, collection: str, ids: Sequence[PointId], *, with_payload: bool = True, with_vectors: bool | Sequence[str] = False
    ) -> list[Record]:
        records = await self.client.retrieve(collection, list(ids), with_payload=with_payload, with_vectors=_with_vectors(with_vectors))
        return [Record(point_id(r.id), r.payload or {}, _from_client(r.vector)) for r in records]

    async def raw_count(self, collection: str, selector: models.Filter | None) -> int:
        return (await self.client.count(collection, count_filter=selector, exact=True)).count

    async def raw_delete(self, collection: str, selector: models.Filter) -> None:
        await self.client.delete(collection, points_selector=models.FilterSelector(filter=selector), wait=True)

    async def raw_scroll(
        self,
        collection: str,
        selector: models.Filter | None,
        offset: PointId | None,
        limit: int,
        with_payload: bool,
        with_vectors: bool | Sequence[str],
    ) -> tuple[list[Record], PointId | None]:
        records, next_offset = await self.client.scroll(
            collection, scroll_filter=selector, limit=limit, offset=offset, with_payload=with_payload, with_vectors=_with_vectors(with_vectors)
        )
        return [Record(point_id(r.id), r.payload or {}, _from_client(r.vector)) for r in records], None if next_offset is None else point_id(next_offset)

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
    ) -> list[ScoredPoint]:
        response = await self.client.query_points(
            collection,
            query=_to_client(vector),
            using=vector_name,
            query_filter=selector,
            limit=limit,
            offset=offset,
            score_threshold=score_threshold,
            with_payload=with_payload,
            with_vectors=_with_vectors(with_vectors),
        )
        return [ScoredPoint(point_id(p.id), p.score, p.payload or {}, _from_client(p.vector)) for p in response.points]
