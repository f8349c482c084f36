"""`vecplane migrate-vectors`: copies the vector store qdrant-client's local mode wrote under
`<data dir>/qdrant` (the embedded store before Qdrant Edge) into Edge under `<data dir>/edge`, then
moves the old folder aside so the server starts on Edge.

Every physical collection is copied with its named vectors and payloads, then the aliases are
recreated; the system payload indexes are declared on each collection (local mode kept none). The
copy upserts by point ID, so a migration interrupted anywhere can simply be run again; the old
folder is moved only once everything is copied."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from server.config import StartupError
from server.domain.namespaces import SYSTEM_PAYLOAD_INDEXES
from server.storage.edge import LOCAL_MODE_MARKER, EdgeStore
from server.storage.qdrant_server import QdrantServerStore
from server.storage.vectors import Point, PointId, VectorStore

BATCH = 256


@dataclass(frozen=True)
class Migrated:
    collections: int
    points: int
    aliases: int
    moved_to: Path


async def copy_store(source: VectorStore, target: VectorStore) -> tuple[int, int, int]:
    """Copies every collection, point and alias of `source` into `target`; (collections, points, aliases)."""
    indexes = [(p["field_name"], p["type"]) for p in SYSTEM_PAYLOAD_INDEXES]
    names = await source.collection_names()
    points = 0
    for name in names:
        specs = await source.vector_schema(name)
        await target.ensure_collection(name, list(specs.values()), indexes)
        offset: PointId | None = None
        while True:
            records, offset = await source.raw_scroll(name, None, offset, BATCH, True, True)
            if records:
                await target.upsert(name, [Point(r.id, r.vectors, r.payload) for r in records])
                points += len(records)
            if offset is None:
                break
    aliases = await source.aliases()
    for alias, name in aliases.items():
        await target.switch_alias(alias, name)
    return len(names), points, len(aliases)


async def migrate_local_mode(data_dir: Path) -> Migrated:
    legacy = data_dir / "qdrant"
    if not (legacy / LOCAL_MODE_MARKER).exists():
        raise StartupError(f"{legacy} holds no qdrant-client local-mode store; nothing to migrate")
    source = QdrantServerStore.local(legacy)
    target = EdgeStore.open(data_dir / "edge")
    try:
        collections, points, aliases = await copy_store(source, target)
    finally:
        await source.close()
        await target.close()
    moved_to = legacy.with_name(f"qdrant.migrated-{time.strftime('%Y%m%dT%H%M%S')}")
    legacy.rename(moved_to)
    return Migrated(collections, points, aliases, moved_to)
