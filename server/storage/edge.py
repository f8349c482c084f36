"""The vector store on Qdrant Edge (`qdrant-edge-py`): the Qdrant engine in-process, the embedded
default when `QDRANT_URL` is unset.

Edge is one shard per directory with no collections, aliases or async API; this adapter adds what
vecplane needs on top:
- Layout under the root (`<data dir>/edge`): `collections/<name>/` holds one Edge shard per physical
  collection; `aliases.json` maps alias -> collection and is replaced atomically (write, fsync,
  rename), so an alias switch is all-or-nothing. A collection is built in `tmp-*` and renamed into
  place, and dropped by renaming it to `trash-*` first, so a crash never leaves half a collection
  under its name; leftovers are removed at the next open.
- One process owns the root (an exclusive `flock` on `LOCK`), as Edge requires of each shard.
- Edge calls hold the GIL and block, so they run on a small dedicated thread pool, never on the event
  loop, serialised per shard. Updates are written to Edge's WAL before they return, so they survive
  SIGKILL. Edge maps its files into memory, so writing to a full disk would kill the process with
  SIGBUS: writes are refused with ENOSPC (STORAGE_FULL) unless RESERVE_BYTES plus what the write
  takes are free. `optimize()` (HNSW build) is never called: it blocks every Python thread for minutes on
  large shards; searches use Edge's plain index, which is exact.
- Filters are lowered once to qdrant-client's `models.Filter` (server.storage.vectors.lower) and
  converted here to Edge's classes (`EdgeFilter`)."""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
import fcntl
import functools
import json
import os
import re
import shutil
import threading
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import qdrant_edge as edge
from qdrant_client import models

from server.config import StartupError
from server.domain.vectors import VectorSpec
from server.storage.vectors import (
    CollectionNotFound,
    Point,
    PointId,
    Record,
    ScoredPoint,
    SparseVector,
    Vector,
    VectorStore,
    point_id,
)

T = TypeVar("T")

_DISTANCES = {
    "cosine": edge.Distance.Cosine,
    "dot": edge.Distance.Dot,
    "euclid": edge.Distance.Euclid,
    "manhattan": edge.Distance.Manhattan,
}
# edge_config.json spells distances as the enum names.
_DISTANCE_NAMES = {"Cosine": "cosine", "Dot": "dot", "Euclid": "euclid", "Manhattan": "manhattan"}
_PAYLOAD_TYPES = {
    "keyword": edge.PayloadSchemaType.Keyword,
    "integer": edge.PayloadSchemaType.Integer,
    "float": edge.PayloadSchemaType.Float,
    "bool": edge.PayloadSchemaType.Bool,
    "geo": edge.PayloadSchemaType.Geo,
    "datetime": edge.PayloadSchemaType.Datetime,
    "text": edge.PayloadSchemaType.Text,
    "uuid": edge.PayloadSchemaType.Uuid,
}
_WORKING = ("tmp-", "trash-")  # collections being built or dropped
_PAYLOAD_TYPE_NAMES = {v: k for k, v in _PAYLOAD_TYPES.items()}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$")
_PLACEHOLDER = "_vecplane_placeholder"  # Edge creates no shard without a vector; it is dropped at once
_UPSERT_BATCH = 512  # points per Edge call, so the event loop gets the GIL back between batches
# Points upserted into a shard between two flushes. Edge keeps the changes since its last flush in
# memory (the WAL has them on disk), about 1 KB per point with vecplane's payloads, and replays them
# from the WAL when the shard is loaded: without flushes both grow with every point ever written
# (measured by bench/processing_bench.py: the store alone 366 MB at 50,000 documents unflushed,
# 327 MB flushed every 2,048).
_FLUSH_EVERY = 2048
# Disk room (see EdgeStore._room): left untouched by every write; taken by a new shard (its WAL and
# segment files); taken by each payload index (Edge preallocates about 2 MiB per index and segment).
RESERVE_BYTES = 8 << 20
SHARD_BYTES = 4 << 20
INDEX_BYTES = 3 << 20
LOCAL_MODE_MARKER = "meta.json"  # what qdrant-client's local mode writes at the top of its directory


class LocalModeDataFound(StartupError):
    """The data dir holds a store written by qdrant-client's local mode (the embedded store before Edge)."""


def refuse_local_mode_data(data_dir: Path) -> None:
    """Stops the start when `<data dir>/qdrant` holds local-mode data, saying what to do with it."""
    legacy = data_dir / "qdrant"
    if (legacy / LOCAL_MODE_MARKER).exists():
        raise LocalModeDataFound(
            f"{legacy} holds vectors written by qdrant-client's local mode, the embedded vector store of "
            f"earlier vecplane versions; the embedded store is now Qdrant Edge ({data_dir / 'edge'}). "
            f"Copy them into Edge with `vecplane migrate-vectors --data-dir {data_dir}` and start again, "
            f"or start with QDRANT_URL set to a Qdrant server, or move {legacy} away to start without them."
        )


def _edge_vector(vector: Vector) -> Any:
    return edge.SparseVector(vector.indices, vector.values) if isinstance(vector, SparseVector) else vector


def _from_edge(vectors: Any) -> dict[str, Vector]:
    if not isinstance(vectors, dict):
        return {}
    return {
        name: SparseVector(list(value.indices), list(value.values)) if isinstance(value, edge.SparseVector) else value
        for name, value in vectors.items()
    }


def _with_vectors(with_vectors: bool | Sequence[str]) -> bool | list[str]:
    return with_vectors if isinstance(with_vectors, bool) else list(with_vectors)


# --- filters: qdrant-client models -> Edge classes (the one converter)


def _moment(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.isoformat()
    return str(value)


def _has_bool(match: Any) -> bool:
    if isinstance(match, models.MatchValue):
        return isinstance(match.value, bool)
    if isinstance(match, models.MatchAny | models.MatchExcept):
        values = match.any if isinstance(match, models.MatchAny) else match.except_
        return any(isinstance(v, bool) for v in values)
    return False


def _match(match: Any) -> Any:
    if isinstance(match, models.MatchValue):
        return edge.MatchValue(match.value)
    if isinstance(match, models.MatchAny):
        return edge.MatchAny(match.any)
    if isinstance(match, models.MatchExcept):
        return edge.MatchExcept(match.except_)
    if isinstance(match, models.MatchText):
        return edge.MatchText(match.text)
    if isinstance(match, models.MatchTextAny):
        return edge.MatchTextAny(match.text_any)
    if isinstance(match, models.MatchPhrase):
        return edge.MatchPhrase(match.phrase)
    raise TypeError(f"no Qdrant Edge match for {type(match).__name__}")


def _range(value: Any) -> Any:
    if isinstance(value, models.DatetimeRange):
        return edge.RangeDateTime(gte=_moment(value.gte), gt=_moment(value.gt), lte=_moment(value.lte), lt=_moment(value.lt))
    return edge.RangeFloat(gte=value.gte, gt=value.gt, lte=value.lte, lt=value.lt)


class EdgeFilter:
    """A qdrant-client filter as Edge's classes, node for node. Edge 0.9's bindings read a boolean
    match value as an integer (MatchValue(True) matches 1, never true), so a boolean match becomes
    "any point" where it narrows and "no point" under a negation: the result is then a superset
    (`exact` is false) and the caller refines with the reference evaluator."""

    def __init__(self, selector: models.Filter):
        self.exact = True
        self.filter = self._filter(selector, True)

    def _filter(self, selector: models.Filter, positive: bool) -> edge.Filter:
        min_should = selector.min_should
        return edge.Filter(
            must=self._conditions(selector.must, positive),
            should=self._conditions(selector.should, positive),
            must_not=self._conditions(selector.must_not, not positive),
            min_should=(
                edge.MinShould(conditions=[self._condition(c, positive) for c in min_should.conditions], min_count=min_should.min_count)
                if min_should is not None
                else None
            ),
        )

    def _conditions(self, value: Any, positive: bool) -> list[Any] | None:
        if value is None:
            return None
        return [self._condition(c, positive) for c in (value if isinstance(value, list) else [value])]

    def _condition(self, condition: Any, positive: bool) -> Any:
        if isinstance(condition, models.Filter):
            return self._filter(condition, positive)
        if isinstance(condition, models.FieldCondition):
            if _has_bool(condition.match):
                self.exact = False
                return edge.Filter() if positive else edge.HasIdCondition(set())
            values_count = condition.values_count
            return edge.FieldCondition(
                key=condition.key,
                match=_match(condition.match) if condition.match is not None else None,
                range=_range(condition.range) if condition.range is not None else None,
                values_count=(
                    edge.ValuesCount(lt=values_count.lt, gt=values_count.gt, lte=values_count.lte, gte=values_count.gte)
                    if values_count is not None
                    else None
                ),
                is_empty=condition.is_empty,
                is_null=condition.is_null,
            )
        if isinstance(condition, models.IsEmptyCondition):
            return edge.IsEmptyCondition(condition.is_empty.key)
        if isinstance(condition, models.IsNullCondition):
            return edge.IsNullCondition(condition.is_null.key)
        if isinstance(condition, models.HasIdCondition):
            return edge.HasIdCondition(set(condition.has_id))
        if isinstance(condition, models.HasVectorCondition):
            return edge.HasVectorCondition(condition.has_vector)
        if isinstance(condition, models.NestedCondition):
            return edge.NestedCondition(condition.nested.key, self._filter(condition.nested.filter, positive))
        raise TypeError(f"no Qdrant Edge condition for {type(condition).__name__}")


def _edge_filter(selector: models.Filter | None) -> edge.Filter | None:
    return None if selector is None else EdgeFilter(selector).filter


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _Shard:
    """An open Edge shard and the lock that serialises calls to it."""

    def __init__(self, shard: edge.EdgeShard, path: Path):
        self.shard = shard
        self.path = path
        self.lock = threading.Lock()
        self.unflushed = 0  # points upserted since the last flush (under `lock`)


class EdgeStore(VectorStore):
    def __init__(self, root: Path, lock_fd: int, workers: int):
        self.root = root
        self.location = str(root)
        self.description = f"Qdrant Edge at {root}"
        self.backend_name = "Qdrant Edge (embedded)"
        self._lock_fd = lock_fd
        self._collections_dir = root / "collections"
        self._manifest = root / "aliases.json"
        self._aliases: dict[str, str] = {}
        self._shards: dict[str, _Shard] = {}
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="qdrant-edge")
        self._layout = asyncio.Lock()  # collection and alias changes, one at a time
        self._closed = False

    @classmethod
    def open(cls, root: Path, *, workers: int = 2) -> EdgeStore:
        """Takes the root (one process at a time), clears what a crash left half-made, reads the aliases."""
        root.mkdir(parents=True, exist_ok=True)
        lock_fd = os.open(root / "LOCK", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(lock_fd)
            raise StartupError(f"the Qdrant Edge store at {root} is in use by another process") from None
        store = cls(root, lock_fd, workers)
        store._collections_dir.mkdir(exist_ok=True)
        for leftover in store._collections_dir.iterdir():
            if leftover.name.startswith(_WORKING):
                shutil.rmtree(leftover, ignore_errors=True)
        if store._manifest.exists():
            store._aliases = dict(json.loads(store._manifest.read_text())["aliases"])
        return store

    # --- running Edge calls off the event loop

    async def _run(self, func: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, functools.partial(func, *args))

    async def _on(self, collection: str, func: Callable[[edge.EdgeShard], T], *, writes: int | None = None, points: int = 0) -> T:
        """Runs `func(shard)` on the pool, alone on its shard; `writes` (about how many bytes it adds)
        marks a write, refused when the disk lacks room for it (see `_room`); `points` upserted
        count towards the shard's next flush (_FLUSH_EVERY)."""
        handle = await self._open(collection)

        def call() -> T:
            if writes is not None:
                self._room(writes)
            with handle.lock:
                result = func(handle.shard)
                handle.unflushed += points
                if handle.unflushed >= _FLUSH_EVERY:
                    handle.shard.flush()
                    handle.unflushed = 0
                return result

        return await self._run(call)

    def _resolve(self, collection: str) -> str:
        return self._aliases.get(collection, collection)

    def _path(self, name: str) -> Path:
        if not _NAME.match(name) or name.startswith(_WORKING):
            raise ValueError(f"invalid collection name {name!r}")
        return self._collections_dir / name

    async def _open(self, collection: str) -> _Shard:
        name = self._resolve(collection)
        handle = self._shards.get(name)
        if handle is not None:
            return handle
        path = self._path(name)
        if not path.is_dir():
            raise CollectionNotFound(f"Collection {collection} not found")
        async with self._layout:
            handle = self._shards.get(name)
            if handle is None:
                handle = _Shard(await self._run(self._load, path), path)
                self._shards[name] = handle
        return handle

    def _room(self, writes: int = 0) -> None:
        """Edge maps its files (WAL, segments) into memory, so a write that finds the disk full kills
        the process with SIGBUS instead of failing. Every write (and every shard load, which writes
        to the WAL) is refused with ENOSPC unless RESERVE_BYTES plus what it takes are free."""
        stats = os.statvfs(self.root)
        free, needed = stats.f_bavail * stats.f_frsize, RESERVE_BYTES + writes
        if free < needed:
            raise OSError(
                errno.ENOSPC, f"No space left on device: {free >> 20} MiB free under {self.root}, Qdrant Edge needs {needed >> 20} MiB to write"
            )

    def _load(self, path: Path) -> edge.EdgeShard:
        self._room()
        return edge.EdgeShard.load(str(path))

    # --- primitives

    async def close(self) -> None:
        def close_all() -> None:
            for handle in self._shards.values():
                with handle.lock:
                    handle.shard.flush()
                    handle.shard.close()

        self._closed = True
        try:
            await self._run(close_all)
        finally:
            self._shards.clear()
            self._executor.shutdown(wait=True)
            os.close(self._lock_fd)

    async def ping(self) -> None:
        # The root is there and the store is open. Not through Edge's pool: a long Edge call (a
        # large copy batch) must not make the health check fail.
        if self._closed:
            raise RuntimeError("the Qdrant Edge store is closed")
        await asyncio.to_thread(os.stat, self.root)

    async def live_vector_changes(self) -> bool:
        return True

    def decides(self, selector: models.Filter) -> bool:
        return EdgeFilter(selector).exact

    async def collection_names(self) -> list[str]:
        return sorted(
            p.name for p in self._collections_dir.iterdir() if p.is_dir() and _NAME.match(p.name) and not p.name.startswith(_WORKING)
        )

    async def aliases(self) -> dict[str, str]:
        return dict(self._aliases)

    async def _write_aliases(self, aliases: dict[str, str]) -> None:
        data = json.dumps({"aliases": aliases}, sort_keys=True).encode()
        await self._run(_write_atomically, self._manifest, data)
        self._aliases = aliases

    async def switch_alias(self, alias: str, collection: str) -> None:
        async with self._layout:
            if not self._path(collection).is_dir():
                raise CollectionNotFound(f"Collection {collection} not found")
            await self._write_aliases({**self._aliases, alias: collection})

    async def delete_alias(self, alias: str) -> None:
        async with self._layout:
            if alias in self._aliases:
                await self._write_aliases({k: v for k, v in self._aliases.items() if k != alias})

    async def collection_exists(self, name: str) -> bool:
        return self._path(self._resolve(name)).is_dir()

    async def create_collection(self, name: str, specs: Sequence[VectorSpec]) -> None:
        path = self._path(name)
        dense = {s.name: edge.EdgeVectorParams(size=s.dimensions, distance=_DISTANCES[s.distance], multivector_config=_multi(s)) for s in specs if s.kind == "dense"}
        sparse = {s.name: edge.EdgeSparseVectorParams() for s in specs if s.kind == "sparse"}
        if not dense and not sparse:
            sparse = {_PLACEHOLDER: edge.EdgeSparseVectorParams()}

        def build() -> None:
            self._room(SHARD_BYTES)
            staging = self._collections_dir / f"tmp-{uuid.uuid4().hex}"
            try:
                shard = edge.EdgeShard.create(str(staging), edge.EdgeConfig(vectors=dense, sparse_vectors=sparse))
                if _PLACEHOLDER in sparse:
                    shard.update(edge.UpdateOperation.delete_vector_name(_PLACEHOLDER))
                shard.flush()
                shard.close()
                os.rename(staging, path)  # fails if the name exists: creating twice is an error, as on a server
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
            _fsync_dir(self._collections_dir)

        async with self._layout:
            await self._run(build)

    async def drop_collection(self, name: str) -> None:
        async with self._layout:
            path = self._path(name)
            handle = self._shards.pop(name, None)

            def drop() -> None:
                if handle is not None:
                    with handle.lock:
                        handle.shard.close()
                if path.is_dir():
                    trash = self._collections_dir / f"trash-{uuid.uuid4().hex}"
                    os.rename(path, trash)
                    _fsync_dir(self._collections_dir)
                    shutil.rmtree(trash, ignore_errors=True)

            await self._run(drop)
            # As on a server, aliases of a dropped collection go with it.
            remaining = {k: v for k, v in self._aliases.items() if v != name}
            if remaining != self._aliases:
                await self._write_aliases(remaining)

    async def vector_schema(self, collection: str) -> dict[str, VectorSpec]:
        handle = await self._open(collection)

        def read() -> dict[str, Any]:
            with handle.lock:
                return dict(json.loads((handle.path / "edge_config.json").read_text()))

        config = await self._run(read)
        specs: dict[str, VectorSpec] = {}
        for name, params in (config.get("vectors") or {}).items():
            specs[name] = VectorSpec(
                name=name, dimensions=params["size"], distance=_DISTANCE_NAMES[params["distance"]], multi=bool(params.get("multivector_config"))
            )
        for name in config.get("sparse_vectors") or {}:
            specs[name] = VectorSpec(name=name, dimensions=0, distance="dot", kind="sparse")
        return specs

    async def create_vector(self, collection: str, spec: VectorSpec) -> None:
        if spec.name in await self.vector_schema(collection):
            return
        if spec.kind == "sparse":
            operation = edge.UpdateOperation.create_sparse_vector(spec.name)
        else:
            operation = edge.UpdateOperation.create_dense_vector(spec.name, spec.dimensions, _DISTANCES[spec.distance], multivector_config=_multi(spec))
        await self._on(collection, lambda shard: shard.update(operation), writes=0)

    async def delete_vector(self, collection: str, name: str) -> None:
        if name in await self.vector_schema(collection):
            await self._on(collection, lambda shard: shard.update(edge.UpdateOperation.delete_vector_name(name)), writes=0)

    async def ensure_payload_indexes(self, collection: str, indexes: Sequence[tuple[str, str]]) -> None:
        def ensure(shard: edge.EdgeShard) -> None:
            existing = shard.info().payload_schema
            missing = [(field_name, kind) for field_name, kind in indexes if field_name not in existing]
            if missing:
                self._room(INDEX_BYTES * len(missing))
            for field_name, kind in missing:
                shard.update(edge.UpdateOperation.create_field_index(field_name, _PAYLOAD_TYPES[kind]))

        await self._on(collection, ensure)

    async def payload_indexes(self, collection: str) -> dict[str, str]:
        schema = await self._on(collection, lambda shard: shard.info().payload_schema)
        return {name: _PAYLOAD_TYPE_NAMES[info.data_type] for name, info in schema.items()}

    async def upsert(self, collection: str, points: Sequence[Point]) -> None:
        for start in range(0, len(points), _UPSERT_BATCH):
            batch = [
                edge.Point(p.id, {k: _edge_vector(v) for k, v in p.vectors.items()}, dict(p.payload))
                for p in points[start : start + _UPSERT_BATCH]
            ]
            size = 3 * sum(_size(p) for p in points[start : start + _UPSERT_BATCH])  # WAL, segment, slack
            await self._on(collection, functools.partial(_apply, edge.UpdateOperation.upsert_points(batch)), writes=size, points=len(batch))

    async def retrieve(
        self, collection: str, ids: Sequence[PointId], *, with_payload: bool = True, with_vectors: bool | Sequence[str] = False
    ) -> list[Record]:
        records = await self._on(collection, lambda shard: shard.retrieve(list(ids), with_payload, _with_vectors(with_vectors)))
        return [Record(point_id(r.id), r.payload or {}, _from_edge(r.vector)) for r in records]

    async def raw_count(self, collection: str, selector: models.Filter | None) -> int:
        request = edge.CountRequest(exact=True, filter=_edge_filter(selector))
        return await self._on(collection, lambda shard: shard.count(request))

    async def raw_delete(self, collection: str, selector: models.Filter) -> None:
        operation = edge.UpdateOperation.delete_points_by_filter(EdgeFilter(selector).filter)
        await self._on(collection, lambda shard: shard.update(operation), writes=0)

    async def raw_scroll(
        self,
        collection: str,
        selector: models.Filter | None,
        offset: PointId | None,
        limit: int,
        with_payload: bool,
        with_vectors: bool | Sequence[str],
    ) -> tuple[list[Record], PointId | None]:
        request = edge.ScrollRequest(
            offset=offset, limit=limit, filter=_edge_filter(selector), with_payload=with_payload, with_vector=_with_vectors(with_vectors)
        )
        records, next_offset = await self._on(collection, lambda shard: shard.scroll(request))
        found = [Record(point_id(r.id), r.payload or {}, _from_edge(r.vector)) for r in records]
        return found, None if next_offset is None else point_id(next_offset)

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
        request = edge.QueryRequest(
            limit=limit,
            offset=offset,
            query=edge.Query.Nearest(_edge_vector(vector), using=vector_name),
            filter=_edge_filter(selector),
            score_threshold=score_threshold,
            with_payload=with_payload,
            with_vector=_with_vectors(with_vectors),
        )
        scored = await self._on(collection, lambda shard: shard.query(request))
        return [ScoredPoint(point_id(p.id), p.score, p.payload or {}, _from_edge(p.vector)) for p in scored]


def _size(point: Point) -> int:
    """About how many bytes a point adds: 4 per float, 8 per sparse entry, 1 KiB of payload."""
    total = 1024
    for vector in point.vectors.values():
        if isinstance(vector, SparseVector):
            total += 8 * len(vector.indices)
        elif vector and isinstance(vector[0], list):
            total += 4 * sum(len(row) for row in vector)
        else:
            total += 4 * len(vector)
    return total


def _apply(operation: edge.UpdateOperation, shard: edge.EdgeShard) -> None:
    shard.update(operation)


def _multi(spec: VectorSpec) -> edge.MultiVectorConfig | None:
    return edge.MultiVectorConfig(edge.MultiVectorComparator.MaxSim) if spec.multi else None
