"""The execute cache that collections' `cache_config` governs, in this process's memory.

- A key is a retriever (a saved one by ID and version, an ad hoc one by its definition) within one
  organization and namespace; its entries are the results of distinct queries (inputs, filters), at
  most `max_entries_per_key`, the least recently used dropped first. Another organization never
  reads an entry: the organization is part of every key.
- An entry holds the whole ranked result (pages are cut from it), when it was computed, and the
  write generations of the collections it depends on: the retriever's collections (every document
  write) and those their `invalidation_events` name (writes of the named action). A document
  write bumps a generation (server.storage.documents tells the cache), so an entry computed before
  it no longer matches and is recomputed by the next call (`recompute_strategy` background is
  accepted but, like every strategy, means "on the next call").
- `ttl_seconds` bounds an entry's age; a result whose best score is below `score_threshold` is not
  stored; a result for a query already cached is stored per `invalidation_strategy`
  (replace_if_better keeps the higher best score, replace_always, keep_existing).
- Memory is bounded by bytes (VECPLANE_RETRIEVAL_CACHE_BYTES): entries are sized when stored and
  the least recently used go first."""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache

from server import metrics

WRITE_ACTIONS = ("create", "update", "delete")
_ANY = "*"  # a namespace-wide write whose collections are not known (deletes by document ID)


@dataclass(frozen=True)
class Policy:
    """The cache settings of one execution, combined over its collections."""

    enabled: bool
    ttl_seconds: int
    max_entries_per_key: int
    score_threshold: float | None
    strategy: str
    # (collection ID or name, action) pairs whose writes invalidate, besides the searched collections
    events: tuple[tuple[str, str], ...] = ()


def policy(collections: Sequence[Mapping[str, Any]], retriever_id: str | None) -> Policy:
    """All collections must enable caching; the shortest TTL, the fewest entries and the highest
    threshold win; a `retriever_configs` entry for this retriever overrides its collection's."""
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
        events += [(e["collection"], e.get("action", "update")) for e in config.get("invalidation_events") or [] if e.get("collection")]
    return Policy(enabled and bool(collections), min(ttls, default=0), min(entries, default=1), max(thresholds, default=None), strategy, tuple(events))


@dataclass
class Entry:
    documents: list[dict[str, Any]]
    statistics: dict[str, Any]
    warnings: list[str]
    best_score: float
    computed_at: float
    cached_at: str
    generations: dict[tuple[str, str, str], int]
    size: int = 0


@dataclass
class RetrievalCache:
    max_bytes: int

    def __post_init__(self) -> None:
        self._entries: LRUCache[tuple[tuple[str, ...], str], Entry] = LRUCache(maxsize=max(self.max_bytes, 1), getsizeof=lambda e: e.size)
        self._per_key: LRUCache[tuple[str, ...], OrderedDict[str, None]] = LRUCache(maxsize=65_536)
        self._generations: dict[tuple[str, str, str], int] = {}

    # --- writes (told by the document store)

    def written(self, namespace_id: str, collection_ids: Iterable[str] | None, actions: Sequence[str]) -> None:
        """Documents of these collections (None: unknown ones of the namespace) were written."""
        targets = list(collection_ids) if collection_ids is not None else [_ANY]
        for collection_id in targets:
            for action in actions:
                key = (namespace_id, collection_id, action)
                self._generations[key] = self._generations.get(key, 0) + 1

    def generations(self, namespace_id: str, dependencies: Iterable[tuple[str, str]]) -> dict[tuple[str, str, str], int]:
        """The current generation of each (collection, action) dependency, and of the namespace's
        writes to unknown collections."""
        keys = {(namespace_id, c, a) for c, a in dependencies} | {(namespace_id, _ANY, a) for a in WRITE_ACTIONS}
        return {k: self._generations.get(k, 0) for k in keys}

    # --- reads and stores

    def get(self, key: tuple[str, ...], query: str, ttl_seconds: int) -> Entry | None:
        entry = self._entries.get((key, query))
        if entry is not None and time.monotonic() - entry.computed_at > ttl_seconds:
            self._drop(key, query)
            entry = None
        if entry is not None and any(self._generations.get(k, 0) != v for k, v in entry.generations.items()):
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

    def peek(self, key: tuple[str, ...], query: str, ttl_seconds: int) -> bool:
        """Whether `get` would hit now (counts nothing, drops nothing)."""
        entry = self._entries.get((key, query))
        if entry is None or time.monotonic() - entry.computed_at > ttl_seconds:
            return False
        return all(self._generations.get(k, 0) == v for k, v in entry.generations.items())

    def put(self, key: tuple[str, ...], query: str, entry: Entry, policy_: Policy) -> bool:
        """Stores per the policy; returns whether the entry was stored."""
        if policy_.score_threshold is not None and entry.best_score < policy_.score_threshold:
            return False
        old = self._entries.get((key, query))
        kept = old is not None and old.generations == entry.generations
        if kept and old is not None and (policy_.strategy == "keep_existing" or (policy_.strategy == "replace_if_better" and entry.best_score <= old.best_score)):
            return False
        entry.size = len(json.dumps([entry.documents, entry.statistics], default=str)) + 512
        if entry.size > self.max_bytes:
            return False
        self._entries[(key, query)] = entry
        queries = self._per_key.get(key)
        if queries is None:
            queries = self._per_key[key] = OrderedDict()
        queries[query] = None
        queries.move_to_end(query)
        while len(queries) > policy_.max_entries_per_key:
            oldest, _ = queries.popitem(last=False)
            self._entries.pop((key, oldest), None)
        metrics.RETRIEVAL_CACHE.labels("stored").inc()
        return True

    def _drop(self, key: tuple[str, ...], query: str) -> None:
        self._entries.pop((key, query), None)
        queries = self._per_key.get(key)
        if queries is not None:
            queries.pop(query, None)
            if not queries:
                del self._per_key[key]
