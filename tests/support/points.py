"""Points for tests that need a populated namespace.

Nothing in the API ingests documents yet, so points are written straight into the namespace's vector
store through the server's own store (server.storage.vectors), with the payload ingestion will write
(`namespace_id`, `collection_id`, `document_id`, ...). Vectors are random unit vectors (float32), so what Qdrant
returns for a cosine vector equals what was written (up to float rounding)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from server.storage.vectors import Point, PointId, Record, VectorStore

if TYPE_CHECKING:
    from tests.support.servers import InProcessServer

E5 = "multilingual_e5_large_instruct_v1"  # text_extractor v1, 1024-d
FASHION = "fashionsiglip_v1_embedding"  # the fashionsiglip test plugin, 768-d
FACE = "face_identity_v1_embedding"  # face_identity v1, 512-d
DIMENSIONS = {E5: 1024, FASHION: 768, FACE: 512}


def make_points(
    namespace_id: str, count: int, vectors: dict[str, int], collection_ids: list[str], *, seed: int = 0
) -> list[Point]:
    """`count` points with unit vectors of the given sizes, spread round-robin over the collections."""
    rng = np.random.default_rng(seed)
    values = {}
    for name, size in vectors.items():
        raw = rng.standard_normal((count, size), dtype=np.float32)
        values[name] = raw / np.linalg.norm(raw, axis=1, keepdims=True)
    return [
        Point(
            id=i + 1,
            vectors={name: values[name][i].tolist() for name in vectors},
            payload={
                "namespace_id": namespace_id,
                "collection_id": collection_ids[i % len(collection_ids)],
                "document_id": f"doc_{i:06d}",
                "source_object_id": f"obj_{i:06d}",
                "metadata": {"title": f"item {i}", "rank": i},
            },
        )
        for i in range(count)
    ]


async def upsert(store: VectorStore, collection: str, points: list[Point], batch: int = 256) -> None:
    for start in range(0, len(points), batch):
        await store.upsert(collection, points[start : start + batch])


async def read_all(store: VectorStore, collection: str) -> dict[PointId, Record]:
    """Every point of a collection (or alias), with payload and vectors, by ID."""
    found: dict[PointId, Record] = {}
    offset: PointId | None = None
    while True:
        records, offset = await store.scroll(collection, offset=offset, limit=512, with_vectors=True)
        found.update({r.id: r for r in records})
        if offset is None:
            return found


def seed(server: InProcessServer, namespace_id: str, points: list[Point]) -> None:
    """Writes points into a running in-process server's namespace store."""
    server.run(upsert(server.app.backends.vectors, namespace_id, points), timeout=300)


def stored_points(server: InProcessServer, namespace_id: str) -> dict[PointId, Record]:
    return server.run(read_all(server.app.backends.vectors, namespace_id), timeout=300)


def assert_points_kept(found: dict[PointId, Record], expected: list[Point], kept: Sequence[str], gone: Sequence[str] = ()) -> None:
    """Every expected point is there with its payload and the values of the `kept` vectors, and
    without values for the `gone` ones; no other point is there."""
    assert set(found) == {p.id for p in expected}, f"{len(found)} points found, {len(expected)} expected"
    for point in expected:
        record = found[point.id]
        assert record.payload == point.payload, f"payload of point {point.id} changed"
        vectors = record.vectors
        for name in kept:
            assert name in vectors, f"point {point.id} lost vector {name}"
            got, want = vectors[name], point.vectors[name]
            assert isinstance(got, list) and isinstance(want, list), f"vector {name} is not dense"
            assert np.allclose(got, want, atol=1e-6), f"vector {name} of point {point.id} changed"
        for name in gone:
            assert name not in vectors, f"point {point.id} still has a value for {name}"
