"""The vector-store contract (server.storage.vectors.VectorStore): the same tests on every adapter:
Qdrant Edge, qdrant-client's local mode (the stand-in for the server code path), and a real Qdrant
server when QDRANT_URL is set (skipped with the reason otherwise)."""

from __future__ import annotations

import asyncio
import itertools
import os
import uuid
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pytest

from server.domain import filters
from server.domain.collections import DocumentFields
from server.domain.errors import Violations
from server.domain.vectors import VectorSpec
from server.storage.edge import EdgeStore
from server.storage.qdrant_server import QdrantServerStore
from server.storage.vectors import CollectionNotFound, Point, SparseVector, VectorStore, Where, equals
from tests.support.filter_table import CASES, DOCS

T = TypeVar("T")


class Harness:
    """A store opened on its own event loop; `run` drives one coroutine on it. `alias` names are
    unique per test, so tests sharing a real server never see each other's stores."""

    def __init__(self, kind: str, store: VectorStore, loop: asyncio.AbstractEventLoop):
        self.kind = kind
        self.store = store
        self.loop = loop
        self.prefix = f"ct{uuid.uuid4().hex[:8]}"

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)

    def alias(self, name: str = "ns") -> str:
        return f"{self.prefix}_{name}"

    @property
    def keeps_payload_indexes(self) -> bool:
        return self.kind != "local"


def _open(kind: str, path: Path) -> VectorStore:
    if kind == "edge":
        return EdgeStore.open(path / "edge")
    if kind == "local":
        return QdrantServerStore.local(path / "qdrant")
    url = os.environ.get("QDRANT_URL")
    if not url:
        pytest.skip("QDRANT_URL is not set: no Qdrant server to run the contract against")
    return QdrantServerStore.connect(url, os.environ.get("QDRANT_API_KEY"))


ADAPTERS = ["edge", "local", "server"]


def _harness(kind: str, path: Path):
    loop = asyncio.new_event_loop()
    store = _open(kind, path)
    harness = Harness(kind, store, loop)
    try:
        yield harness
    finally:
        try:
            for name in harness.run(store.collection_names()):
                if name.startswith(harness.prefix):
                    harness.run(store.drop_collection(name))
            harness.run(store.close())
        finally:
            loop.close()


@pytest.fixture(params=ADAPTERS)
def vs(request, tmp_path) -> Harness:
    yield from _harness(request.param, tmp_path)


@pytest.fixture(scope="module", params=ADAPTERS)
def module_vs(request, tmp_path_factory) -> Harness:
    """One store per adapter for a whole module (for read-only tables of cases)."""
    yield from _harness(request.param, tmp_path_factory.mktemp(request.param))


TEXT = VectorSpec("text", 8)
IMAGE = VectorSpec("image", 6, "dot")
TOKENS = VectorSpec("tokens", 4, "euclid", multi=True)
SPARSE = VectorSpec("bm25", 0, "dot", kind="sparse")
SPECS = [TEXT, IMAGE, TOKENS, SPARSE]
INDEXES = [("collection_id", "keyword"), ("document_id", "keyword"), ("rank", "integer")]


def unit(rng, size):
    vector = rng.standard_normal(size).astype(np.float32)
    return (vector / np.linalg.norm(vector)).tolist()


def points(count, seed=0, collections=("col_a", "col_b")):
    rng = np.random.default_rng(seed)
    return [
        Point(
            id=i + 1,
            vectors={
                "text": unit(rng, 8),
                "image": unit(rng, 6),
                "tokens": [unit(rng, 4), unit(rng, 4)],
                "bm25": SparseVector([i % 7, 10 + i % 3], [1.0, 0.5]),
            },
            payload={"collection_id": collections[i % len(collections)], "document_id": f"doc_{i}", "rank": i, "title": f"Item {i}"},
        )
        for i in range(count)
    ]


def store_with(vs, count=50, specs=SPECS):
    alias = vs.alias()
    vs.run(vs.store.create_store(alias, specs, INDEXES))
    names = {s.name for s in specs}
    written = [Point(p.id, {k: v for k, v in p.vectors.items() if k in names}, p.payload) for p in points(count)]
    vs.run(vs.store.upsert(alias, written))
    return alias, written


def test_a_store_is_a_versioned_collection_behind_its_alias(vs):
    store, alias = vs.store, vs.alias()
    assert vs.run(store.physical_collection(alias)) is None
    name = vs.run(store.create_store(alias, SPECS, INDEXES))
    assert name == f"{alias}__v1"
    assert vs.run(store.physical_collection(alias)) == name
    assert vs.run(store.physical_collections(alias)) == [name]
    assert alias in vs.run(store.store_aliases())
    assert vs.run(store.next_physical_name(alias)) == f"{alias}__v2"
    assert vs.run(store.vector_schema(alias)) == {s.name: s for s in SPECS}
    assert vs.run(store.collection_exists(alias)) and vs.run(store.collection_exists(name))
    vs.run(store.drop_store(alias))
    assert vs.run(store.physical_collection(alias)) is None
    assert vs.run(store.physical_collections(alias)) == []
    assert alias not in vs.run(store.store_aliases())
    vs.run(store.drop_store(alias))  # dropping again is a no-op


def test_creating_a_collection_that_exists_fails_and_changes_nothing(vs):
    alias, _ = store_with(vs, 5)
    before = vs.run(vs.store.collection_names())
    with pytest.raises(Exception):  # noqa: B017  (each engine has its own error for it)
        vs.run(vs.store.create_collection(f"{alias}__v1", [TEXT]))
    assert vs.run(vs.store.collection_names()) == before
    assert vs.run(vs.store.count(alias)) == 5 and vs.run(vs.store.vector_schema(alias)) == {s.name: s for s in SPECS}


def test_a_store_without_vectors_holds_payload_only_points(vs):
    alias = vs.alias()
    vs.run(vs.store.create_store(alias, [], INDEXES))
    assert vs.run(vs.store.vector_schema(alias)) == {}
    vs.run(vs.store.upsert(alias, [Point(1, payload={"collection_id": "c"}), Point(2, payload={"collection_id": "d"})]))
    assert vs.run(vs.store.count(alias)) == 2
    assert vs.run(vs.store.count_where(alias, "collection_id", "c")) == 1


def test_upserted_points_read_back_with_every_kind_of_vector(vs):
    alias, written = store_with(vs, 20)
    found = {r.id: r for r in vs.run(vs.store.retrieve(alias, [1, 2, 3, 999], with_vectors=True))}
    assert set(found) == {1, 2, 3}
    for point in written[:3]:
        record = found[point.id]
        assert record.payload == point.payload
        assert np.allclose(record.vectors["text"], point.vectors["text"], atol=1e-6)  # cosine: stored normalised, ours are unit
        assert np.allclose(record.vectors["image"], point.vectors["image"], atol=1e-6)
        assert np.allclose(record.vectors["tokens"], point.vectors["tokens"], atol=1e-6)
        assert record.vectors["bm25"] == point.vectors["bm25"]
    only = vs.run(vs.store.retrieve(alias, [1], with_payload=False, with_vectors=["image"]))
    assert only[0].payload == {} and set(only[0].vectors) == {"image"}
    # Upsert replaces by ID.
    vs.run(vs.store.upsert(alias, [Point(1, {"text": written[1].vectors["text"]}, {"collection_id": "col_z"})]))
    (again,) = vs.run(vs.store.retrieve(alias, [1], with_vectors=True))
    assert again.payload == {"collection_id": "col_z"} and set(again.vectors) == {"text"}
    assert vs.run(vs.store.count(alias)) == 20


def test_scroll_pages_through_every_matching_point_once_in_id_order(vs):
    alias, _ = store_with(vs, 45)
    seen, offset, pages = [], None, 0
    while True:
        page, offset = vs.run(vs.store.scroll(alias, equals("collection_id", "col_a"), offset=offset, limit=7))
        seen += [r.id for r in page]
        pages += 1
        if offset is None:
            break
    assert seen == list(range(1, 46, 2))  # col_a: every other point, by ID
    assert pages == 4
    assert vs.run(vs.store.count(alias, equals("collection_id", "col_a"))) == 23


def test_scroll_with_a_filter_the_engine_only_narrows_fills_its_pages(vs):
    """`contains` is decided by the reference evaluator after Qdrant narrows to the collection."""
    alias, _ = store_with(vs, 30)
    node = parse({"field": "title", "operator": "contains", "value": "1"})
    expected = [i + 1 for i in range(30) if "1" in f"Item {i}" and i % 2 == 0]
    page, offset = vs.run(vs.store.scroll(alias, Where(equals={"collection_id": "col_a"}, filter=node), limit=3))
    assert [r.id for r in page] == expected[:3] and offset is not None
    rest = vs.run(vs.store.find(alias, Where(equals={"collection_id": "col_a"}, filter=node)))
    assert [r.id for r in rest] == expected
    assert vs.run(vs.store.count(alias, Where(equals={"collection_id": "col_a"}, filter=node))) == len(expected)


def parse(raw, fields=None):
    problems = Violations()
    node = filters.parse(raw, fields or TITLE_FIELDS, "filters", problems)
    assert not problems, problems.items
    return node


TITLE_FIELDS = DocumentFields({"properties": {"title": {"type": "string"}, "rank": {"type": "integer"}}})


def nearest(written, name, query, keep=lambda p: True):
    """Brute-force cosine ranking over what was written."""
    scores = [(float(np.dot(p.vectors[name], query)), p.id) for p in written if keep(p)]
    return [pid for _, pid in sorted(scores, key=lambda s: (-s[0], s[1]))]


def test_search_by_a_named_vector_with_filter_limit_and_threshold(vs):
    alias, written = store_with(vs, 60)
    query = unit(np.random.default_rng(7), 8)
    hits = vs.run(vs.store.search(alias, "text", query, limit=5))
    assert [h.id for h in hits] == nearest(written, "text", query)[:5]
    assert all(a.score >= b.score for a, b in itertools.pairwise(hits))
    scoped = vs.run(vs.store.search(alias, "text", query, where=equals("collection_id", "col_b"), limit=5))
    assert [h.id for h in scoped] == nearest(written, "text", query, lambda p: p.payload["collection_id"] == "col_b")[:5]
    threshold = hits[2].score - 1e-4
    above = vs.run(vs.store.search(alias, "text", query, limit=50, score_threshold=threshold))
    assert [h.id for h in above] == [h.id for h in hits[:3]]
    ranked = parse({"field": "rank", "operator": "gte", "value": 40})
    late = vs.run(vs.store.search(alias, "text", query, where=Where(filter=ranked), limit=3, with_payload=False))
    assert [h.id for h in late] == nearest(written, "text", query, lambda p: p.payload["rank"] >= 40)[:3]
    assert all(h.payload == {} for h in late)


def test_search_with_a_filter_the_engine_only_narrows_still_returns_limit_points(vs):
    alias, written = store_with(vs, 200)
    query = unit(np.random.default_rng(3), 8)
    node = parse({"field": "title", "operator": "ends_with", "value": "7"})
    hits = vs.run(vs.store.search(alias, "text", query, where=Where(filter=node), limit=6))
    assert [h.id for h in hits] == nearest(written, "text", query, lambda p: p.payload["title"].endswith("7"))[:6]


def test_search_by_sparse_and_multi_vectors(vs):
    alias, written = store_with(vs, 21)
    sparse_hits = vs.run(vs.store.search(alias, "bm25", SparseVector([3], [1.0]), limit=10))
    assert {h.id for h in sparse_hits} == {p.id for p in written if 3 in p.vectors["bm25"].indices}
    multi_hits = vs.run(vs.store.search(alias, "tokens", written[4].vectors["tokens"], limit=1))
    assert multi_hits[0].id == written[4].id


def test_named_vectors_are_added_and_dropped_on_live_data(vs):
    alias, written = store_with(vs, 30, specs=[TEXT, IMAGE])
    extra = VectorSpec("extra", 3)
    vs.run(vs.store.create_vector(alias, extra))
    vs.run(vs.store.create_vector(alias, extra))  # the same definition again: a no-op
    assert vs.run(vs.store.vector_schema(alias)) == {"text": TEXT, "image": IMAGE, "extra": extra}
    vs.run(vs.store.upsert(alias, [Point(1, {**written[0].vectors, "extra": [1.0, 0.0, 0.0]}, written[0].payload)]))
    vs.run(vs.store.delete_vector(alias, "image"))
    vs.run(vs.store.delete_vector(alias, "image"))  # absent: a no-op
    assert vs.run(vs.store.vector_schema(alias)) == {"text": TEXT, "extra": extra}
    records = {r.id: r for r in vs.run(vs.store.find(alias))}
    assert len(records) == 30
    kept = {r.id: r for r in vs.run(vs.store.retrieve(alias, [p.id for p in written], with_vectors=True))}
    for point in written:
        assert kept[point.id].payload == point.payload
        assert np.allclose(kept[point.id].vectors["text"], point.vectors["text"], atol=1e-6)
        assert "image" not in kept[point.id].vectors
    assert np.allclose(kept[1].vectors["extra"], [1.0, 0.0, 0.0])


def test_blue_green_copy_and_alias_switch(vs):
    store = vs.store
    alias, written = store_with(vs, 70, specs=[TEXT, IMAGE])
    source = vs.run(store.physical_collection(alias))
    target = vs.run(store.next_physical_name(alias))
    vs.run(store.ensure_collection(target, [TEXT], INDEXES))
    vs.run(store.ensure_collection(target, [TEXT], INDEXES))  # idempotent
    offset, copied = None, 0
    while True:
        count, offset = vs.run(store.copy_batch(source, target, offset, 32, ["text"]))
        copied += count
        if offset is None:
            break
    assert copied == 70
    assert vs.run(store.physical_collection(alias)) == source  # readers still see the old one
    vs.run(store.switch_alias(alias, target))
    assert vs.run(store.physical_collection(alias)) == target
    assert vs.run(store.vector_schema(alias)) == {"text": TEXT}
    vs.run(store.drop_collection(source))
    vs.run(store.drop_collection(source))  # absent: a no-op
    assert vs.run(store.physical_collections(alias)) == [target]
    found = {r.id: r for r in vs.run(store.retrieve(alias, [p.id for p in written], with_vectors=True))}
    assert len(found) == 70 and all(set(r.vectors) == {"text"} for r in found.values())


def test_dropping_the_collection_behind_an_alias_drops_the_alias(vs):
    alias, _ = store_with(vs, 3)
    vs.run(vs.store.drop_collection(f"{alias}__v1"))
    assert vs.run(vs.store.physical_collection(alias)) is None


def test_delete_and_count_by_payload(vs):
    alias, _ = store_with(vs, 40)
    assert vs.run(vs.store.count_where(alias, "collection_id", "col_b")) == 20
    assert vs.run(vs.store.delete_where(alias, "collection_id", "col_b")) == 20
    assert vs.run(vs.store.delete_where(alias, "collection_id", "col_b")) == 0
    assert vs.run(vs.store.count(alias)) == 20


def test_payload_indexes_are_kept_and_ensured_once(vs):
    if not vs.keeps_payload_indexes:
        pytest.skip("qdrant-client's local mode keeps no payload indexes")
    alias, _ = store_with(vs, 5)
    vs.run(vs.store.ensure_payload_indexes(alias, [*INDEXES, ("published", "datetime")]))
    assert vs.run(vs.store.payload_indexes(alias)) == {"collection_id": "keyword", "document_id": "keyword", "rank": "integer", "published": "datetime"}


def test_a_missing_collection_is_an_error_and_ping_answers(vs):
    vs.run(vs.store.ping())
    assert not vs.run(vs.store.collection_exists(vs.alias("missing")))
    with pytest.raises((CollectionNotFound, ValueError, Exception)):
        vs.run(vs.store.count(vs.alias("missing")))


def test_live_vector_changes_are_reported(vs):
    assert vs.run(vs.store.live_vector_changes()) is True  # Edge, local mode (client 1.20) and any server >= 1.18


@pytest.fixture(scope="module")
def table(module_vs):
    vs = module_vs
    name = f"{vs.prefix}_table__v1"
    vs.run(vs.store.create_collection(name, []))
    written = [Point(i, payload={**d, "collection_id": "col_t"}) for i, d in DOCS.items()]
    written.append(Point(99, payload={**DOCS[1], "collection_id": "col_other"}))
    vs.run(vs.store.upsert(name, written))
    return vs, name


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_filter_table(table, case):
    """Every case of the shared filter table selects exactly the reference's documents (one lowering,
    and on Edge one conversion of it)."""
    vs, table = table
    node = parse(case.filter, case.fields)
    found = vs.run(vs.store.find_documents(table, "col_t", node))
    assert {r.id for r in found} == case.expected
    lowered = vs.store.lower(Where(equals={"collection_id": "col_t"}, filter=node))
    narrowed, _ = vs.run(vs.store.raw_scroll(table, lowered.selector, None, 100, False, False))
    assert {r.id for r in narrowed} >= case.expected  # the engine's part never loses a match
