"""The execute cache that collections' `cache_config` governs, in this process's memory.

- A key is a retriever (a saved one by ID and version, an ad hoc one by its definition) within one
  organization and namespace; its entries are the results of distinct queries (inputs, filters), at
  most `max_entries_per_key`, the least recently used dropped first. Another organization never
  reads an entry: the organization is part of every key.
- An entry holds the whole ranked result (pages are cut from it), when it was computed, and the
  write generations of the collections it depends on: the retriever's collections (every document
  write) and those their `invalidation_events` name (writes of the named action). A document
  write bumps a generation (server.storage.documents tells the cache), so an entry computed before
  it no longer matches and is recomputed by the next call.
- An event naming a collection by name depends on the name, resolved when a write happens: the
  cache learns which collection holds a name when one is created or renamed (and when an execution
  finds it), so a collection created after the entry still invalidates it.
- An event's `recompute_strategy` `background` (the default) or `immediate` also queues the entries
  it invalidates for recomputation: one at a time, at most MAX_PENDING_RECOMPUTES waiting (the rest
  are recomputed by their next call, as `lazy` ones are). The writer only appends to the queue.
- `ttl_seconds` bounds an entry's age; a result whose best score is below `score_threshold` is not
  stored; a result for a query already cached is stored per `invalidation_strategy`
  (replace_if_better keeps the higher best score, replace_always, keep_existing).
- Memory is bounded by bytes (VECPLANE_RETRIEVAL_CACHE_BYTES): entries are sized when stored (their
  documents, and room for the encoded form a hit serves) and the least recently used go first."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import pickle
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cachetools import LRUCache

from server import metrics

log = logging.getLogger(__name__)

WRITE_ACTIONS = ("create", "update", "delete")
RECOMPUTED = ("background", "immediate")  # recompute strategies that recompute without waiting for a call
MAX_PENDING_RECOMPUTES = 64
_ANY = "*"  # a namespace-wide write whose collections are not known (deletes by document ID)
_NAME = "name:"  # a dependency on whichever collection holds a name when it is written

GenerationKey = tuple[str, str, str]  # namespace ID, collection ID (or _NAME + name, or _ANY), action
EntryKey = tuple[tuple[str, ...], str]  # the retriever key, the query


def by_name(name: str) -> str:
    """The dependency on the collection that holds `name` when it is written."""
    return _NAME + name


def generation_keys(namespace_id: str, dependencies: Iterable[tuple[str, str]]) -> frozenset[GenerationKey]:
    return frozenset((namespace_id, collection, action) for collection, action in dependencies)


@dataclass(frozen=True)
class Event:
    """An invalidation event of a cache_config: writes of `action` to `collection` (ID or name)."""

    collection: str
    action: str
    recompute_strategy: str = "background"


@dataclass(frozen=True)
class Policy:
    """The cache settings of one execution, combined over its collections."""

    enabled: bool
    ttl_seconds: int
    max_entries_per_key: int
    score_threshold: float | None
    strategy: str
    # writes that invalidate, besides those to the searched collections
    events: tuple[Event, ...] = ()


def policy(collections: Sequence[Mapping[str, Any]], retriever_id: str | None) -> Policy:
    """All collections must enable caching; the shortest TTL, the fewest entries and the highest
    threshold win; a `retriever_configs` entry for this retriever overrides its collection's; an
    event with a `retriever_id` applies to that retriever only."""
    enabled, ttls, entries, thresholds, events = True, [], [], [], []
    strategy = "replace_if_better"
    for collection in collections:
        config = dict(collection.get("cache_config") or {})
        override = (config.get("retriever_configs") or {}).get(retriever_id or "") or {}
        config.update({k: v for k, v in override.items() if v is not None})
        enabled = enabled and bool(config.get("enabled", True))
        ttls.append(int(config.get("ttl_seconds") or 604_800))
        entries.append(int(config.get("max_entries_per_key") or 5))
        if config.get("score_threshold") is not None:
            thresholds.append(float(config["score_threshold"]))
        strategy = config.get("invalidation_strategy") or strategy
        events += [
            Event(e["collection"], e.get("action") or "update", e.get("recompute_strategy") or "background")
            for e in config.get("invalidation_events") or []
            if e.get("collection") and e.get("retriever_id") in (None, "", retriever_id)
        ]
    return Policy(enabled and bool(collections), min(ttls, default=0), min(entries, default=1), max(thresholds, default=None), strategy, tuple(events))


@dataclass
class Entry:
    documents: list[dict[str, Any]]
    statistics: dict[str, Any]
    warnings: list[str]
    best_score: float
    computed_at: float
    cached_at: str
    generations: dict[GenerationKey, int]
    size: int = 0
    # writes to these recompute the entry in the background, with this
    recompute_on: frozenset[GenerationKey] = frozenset()
    recompute: Callable[[], Awaitable[object]] | None = field(default=None, repr=False)
    # documents by position, in the form the transport sends them, made once each when first served
    encoded: dict[int, Any] = field(default_factory=dict, repr=False)

    def encoded_page(self, start: int, size: int, encode: Callable[[dict[str, Any]], Any]) -> list[Any]:
        """The documents [start, start + size) as `encode` makes them (each encoded once per entry:
        a cache hit only pages)."""
        page = []
        for index in range(start, min(start + size, len(self.documents))):
            found = self.encoded.get(index)
            if found is None:
                found = self.encoded[index] = encode(self.documents[index])
            page.append(found)
        return page


class _Entries(LRUCache[EntryKey, Entry]):
    """The entries; tells the cache of the ones evicted for space, so their watches go too."""

    def __init__(self, max_bytes: int, evicted: Callable[[EntryKey, Entry], None]):
        super().__init__(maxsize=max(max_bytes, 1), getsizeof=lambda e: e.size)
        self._evicted = evicted

    def popitem(self) -> tuple[EntryKey, Entry]:
        key, entry = super().popitem()
        self._evicted(key, entry)
        return key, entry


@dataclass
class RetrievalCache:
    max_bytes: int
    max_pending_recomputes: int = MAX_PENDING_RECOMPUTES

    def __post_init__(self) -> None:
        self._entries = _Entries(self.max_bytes, self._unwatch)
        self._per_key: LRUCache[tuple[str, ...], OrderedDict[str, None]] = LRUCache(maxsize=65_536)
        self._generations: dict[GenerationKey, int] = {}
        self._names: LRUCache[tuple[str, str], str] = LRUCache(maxsize=65_536)  # (namespace, collection ID) -> its name
        self._watches: dict[GenerationKey, set[EntryKey]] = {}
        self._pending: OrderedDict[EntryKey, None] = OrderedDict()
        self._worker: asyncio.Task[None] | None = None

    # --- writes (told by the document store) and names (told by the collections)

    def named(self, namespace_id: str, collection_id: str, name: str) -> None:
        """The collection holds this name (created, renamed, or found by an execution)."""
        self._names[(namespace_id, collection_id)] = name

    def written(self, namespace_id: str, collection_ids: Iterable[str] | None, actions: Sequence[str]) -> None:
        """Documents of these collections (None: unknown ones of the namespace) were written."""
        targets = list(collection_ids) if collection_ids is not None else [_ANY]
        bumped: list[GenerationKey] = []
        for collection_id in targets:
            name = self._names.get((namespace_id, collection_id))
            for action in actions:
                bumped.append((namespace_id, collection_id, action))
                if name is not None:
                    bumped.append((namespace_id, by_name(name), action))
        for key in bumped:
            self._generations[key] = self._generations.get(key, 0) + 1
        self._schedule([entry for key in bumped for entry in self._watches.get(key, ())])

    def generations(self, namespace_id: str, dependencies: Iterable[tuple[str, str]]) -> dict[GenerationKey, int]:
        """The current generation of each (collection ID or by_name(name), action) dependency, and of
        the namespace's writes to unknown collections."""
        keys = generation_keys(namespace_id, dependencies) | {(namespace_id, _ANY, a) for a in WRITE_ACTIONS}
        return {k: self._generations.get(k, 0) for k in keys}

    # --- reads and stores

    def _fresh(self, entry: Entry) -> bool:
        return all(self._generations.get(k, 0) == v for k, v in entry.generations.items())

    def get(self, key: tuple[str, ...], query: str, ttl_seconds: int) -> Entry | None:
        entry = self._entries.get((key, query))
        if entry is not None and time.monotonic() - entry.computed_at > ttl_seconds:
            self._drop(key, query)
            entry = None
        if entry is not None and not self._fresh(entry):
            self._drop(key, query)
            metrics.RETRIEVAL_CACHE.labels("invalidated").inc()
            entry = None
        if entry is None:
            metrics.RETRIEVAL_CACHE.labels("miss").inc()
            return None
        metrics.RETRIEVAL_CACHE.labels("hit").inc()
        queries = self._per_key.get(key)
        if queries is not None and query in queries:
            queries.move_to_end(query)
        return entry

    def peek(self, key: tuple[str, ...], query: str, ttl_seconds: int) -> Entry | None:
        """The entry `get` would answer with now, if any (counts nothing, drops nothing)."""
        entry = self._entries.get((key, query))
        if entry is None or time.monotonic() - entry.computed_at > ttl_seconds:
            return None
        return entry if self._fresh(entry) else None

    def put(self, key: tuple[str, ...], query: str, entry: Entry, policy_: Policy) -> bool:
        """Stores per the policy; returns whether the entry was stored."""
        if policy_.score_threshold is not None and entry.best_score < policy_.score_threshold:
            return False
        old = self._entries.get((key, query))
        kept = old is not None and old.generations == entry.generations
        if kept and old is not None and (policy_.strategy == "keep_existing" or (policy_.strategy == "replace_if_better" and entry.best_score <= old.best_score)):
            return False
        # the documents' size, twice: their encoded forms (see Entry.encoded) are about as large.
        # Pickled, which measures JSON data within a few percent of its JSON text, 3x faster.
        entry.size = 2 * len(pickle.dumps([entry.documents, entry.statistics], protocol=5)) + 512
        if entry.size > self.max_bytes:
            return False
        if old is not None:
            self._unwatch((key, query), old)
        self._entries[(key, query)] = entry
        for generation in entry.recompute_on:
            self._watches.setdefault(generation, set()).add((key, query))
        queries = self._per_key.get(key)
        if queries is None:
            queries = self._per_key[key] = OrderedDict()
        queries[query] = None
        queries.move_to_end(query)
        while len(queries) > policy_.max_entries_per_key:
            oldest, _ = queries.popitem(last=False)
            self._drop(key, oldest)
        metrics.RETRIEVAL_CACHE.labels("stored").inc()
        return True

    def _drop(self, key: tuple[str, ...], query: str) -> None:
        entry = self._entries.pop((key, query), None)
        if entry is not None:
            self._unwatch((key, query), entry)
        queries = self._per_key.get(key)
        if queries is not None:
            queries.pop(query, None)
            if not queries:
                del self._per_key[key]

    def _unwatch(self, entry_key: EntryKey, entry: Entry) -> None:
        for generation in entry.recompute_on:
            watching = self._watches.get(generation)
            if watching is not None:
                watching.discard(entry_key)
                if not watching:
                    del self._watches[generation]

    # --- background recomputation

    def _schedule(self, stale: Iterable[EntryKey]) -> None:
        """Queues entries for recomputation (the writer never waits for one)."""
        for entry_key in stale:
            if entry_key in self._pending:
                continue
            if len(self._pending) >= self.max_pending_recomputes:
                metrics.RETRIEVAL_CACHE.labels("recompute_skipped").inc()  # its next call recomputes it
                continue
            self._pending[entry_key] = None
        if self._pending and (self._worker is None or self._worker.done()):
            try:
                self._worker = asyncio.get_running_loop().create_task(self._recompute_pending(), name="retrieval-cache-recompute")
            except RuntimeError:  # no loop (a write outside the server): the next calls recompute
                self._pending.clear()

    async def _recompute_pending(self) -> None:
        while self._pending:
            entry_key, _ = self._pending.popitem(last=False)
            entry = self._entries.get(entry_key)
            if entry is None or entry.recompute is None or self._fresh(entry):
                continue  # gone, or already recomputed by a call
            try:
                await entry.recompute()
                metrics.RETRIEVAL_CACHE.labels("recomputed").inc()
            except Exception:  # a failed recompute leaves the entry stale: its next call recomputes it
                log.warning("background recompute of a cached retrieval failed", exc_info=True)
                metrics.RETRIEVAL_CACHE.labels("recompute_failed").inc()

    async def close(self) -> None:
        """Stops the background recomputation (at server stop)."""
        self._pending.clear()
        if self._worker is not None and not self._worker.done():
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        self._worker = None
