"""Documents through the writer and the document store, on every vector-store adapter (Qdrant
Edge, qdrant-client's local mode, and a Qdrant server when QDRANT_URL is set)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from server.domain import documents as d
from server.domain import filters
from server.domain.collections import DocumentFields
from server.domain.errors import Violations
from server.domain.namespaces import SYSTEM_PAYLOAD_INDEXES
from server.domain.vectors import VectorSpec
from server.storage.documents import DocumentStore
from server.storage.edge import EdgeStore
from server.storage.qdrant_server import QdrantServerStore
from server.storage.vectors import VectorStore
from server.usecases.documents import DocumentWriter, Made

T = TypeVar("T")
VECTOR = "text_extractor_v1_embedding"
OTHER_VECTOR = "summary_v1_embedding"


class Harness:
    def __init__(self, kind: str, vectors: VectorStore, loop: asyncio.AbstractEventLoop):
        self.kind = kind
        self.vectors = vectors
        self.loop = loop
        self.store = DocumentStore(vectors, batch=3)  # small batches: several calls per write
        self.writer = DocumentWriter(self.store)
        self.ns = f"dt{uuid.uuid4().hex[:8]}"

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)


def _open(kind: str, path: Path) -> VectorStore:
    if kind == "edge":
        return EdgeStore.open(path / "edge")
    if kind == "local":
        return QdrantServerStore.local(path / "qdrant")
    url = os.environ.get("QDRANT_URL")
    if not url:
        pytest.skip("QDRANT_URL is not set: no Qdrant server to run the contract against")
    return QdrantServerStore.connect(url, os.environ.get("QDRANT_API_KEY"))


@pytest.fixture(params=["edge", "local", "server"])
def h(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    loop = asyncio.new_event_loop()
    vectors = _open(request.param, tmp_path)
    harness = Harness(request.param, vectors, loop)
    specs = [VectorSpec(name=VECTOR, dimensions=2, distance="cosine"), VectorSpec(name=OTHER_VECTOR, dimensions=2, distance="cosine")]
    indexes = [(i["field_name"], i["type"]) for i in SYSTEM_PAYLOAD_INDEXES]
    try:
        harness.run(vectors.create_store(harness.ns, specs, indexes))
        yield harness
    finally:
        try:
            harness.run(vectors.drop_store(harness.ns))
            harness.run(vectors.close())
        finally:
            loop.close()


def _docs(h: Harness, collection: str, object_id: str, chunks: dict[int, dict[str, Any]], *, bucket: str = "bkt_1", now: str = "2026-01-01T00:00:00Z") -> Made:
    base = d.Lineage.of_object(bucket, object_id)
    outputs = [d.Output(i, fields, {VECTOR: [1.0, float(i)]}) for i, fields in chunks.items()]
    made = d.make_documents(namespace_id=h.ns, collection_id=collection, feature_extractor_id="text_extractor_v1", base=base, outputs=outputs, now=now)
    return Made(base.source, made)


def _children(h: Harness, collection: str, parents: list[d.Document], handling: d.OutputHandling = d.OutputHandling.CREATE_NEW) -> list[Made]:
    made = []
    for parent in parents:
        base = d.Lineage.of_object("bkt_?", "obj_?").of_child(parent)
        docs = d.make_documents(
            namespace_id=h.ns, collection_id=collection, feature_extractor_id="summary_v1", base=base,
            outputs=[d.Output(0, {"summary": f"of {parent.fields['text']}"}, {OTHER_VECTOR: [0.5, 0.5]})], now="2026-01-02T00:00:00Z",
        )
        made.append(Made(base.source, docs))
    return made


def _where(raw: dict[str, Any]) -> filters.Node | None:
    problems = Violations()
    node = filters.parse(raw, DocumentFields(None), "filters", problems)
    problems.raise_if_any()
    return node


def test_a_rerun_overwrites_and_reads_are_scoped_to_the_collection(h: Harness) -> None:
    first = [_docs(h, "col_a", f"obj_{i}", {0: {"text": f"t{i}", "n": i}, 1: {"text": f"t{i}b", "n": i}}) for i in range(4)]
    h.run(h.writer.write(h.ns, "col_a", d.OutputHandling.CREATE_NEW, first))
    assert h.run(h.store.count(h.ns, "col_a")) == 8
    again = [_docs(h, "col_a", f"obj_{i}", {0: {"text": f"new{i}", "n": i}}, now="2026-02-01T00:00:00Z") for i in range(4)]
    written = h.run(h.writer.write(h.ns, "col_a", d.OutputHandling.CREATE_NEW, again))
    assert (written.upserted, written.deleted) == (4, 0)
    assert h.run(h.store.count(h.ns, "col_a")) == 8  # overwritten, not duplicated; chunk 1 kept (create_new)
    doc_id = again[2].documents[0].document_id
    got = h.run(h.store.get(h.ns, "col_a", [doc_id, "doc_" + "0" * 32, "not-an-id"], vectors=True))
    assert list(got) == [doc_id]
    doc = got[doc_id]
    assert doc.fields == {"text": "new2", "n": 2}
    assert (doc.created_at, doc.updated_at) == ("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z")
    assert doc.vectors[VECTOR] == pytest.approx([1.0, 0.0])
    assert doc.lineage == again[2].documents[0].lineage
    assert h.run(h.store.get(h.ns, "col_other", [doc_id])) == {}


def test_replace_drops_the_chunks_a_rerun_did_not_make_and_enrich_merges(h: Harness) -> None:
    h.run(h.writer.write(h.ns, "col_r", d.OutputHandling.REPLACE, [_docs(h, "col_r", "obj_1", {i: {"text": str(i)} for i in range(5)})]))
    h.run(h.writer.write(h.ns, "col_r", d.OutputHandling.REPLACE, [_docs(h, "col_r", "obj_2", {0: {"text": "x"}})]))
    written = h.run(h.writer.write(h.ns, "col_r", d.OutputHandling.REPLACE, [_docs(h, "col_r", "obj_1", {0: {"text": "only"}, 1: {"text": "two"}})]))
    assert (written.upserted, written.deleted) == (2, 3)
    docs, _ = h.run(h.store.scroll(h.ns, "col_r", limit=100))
    assert sorted(doc.fields["text"] for doc in docs) == ["only", "two", "x"]

    h.run(h.writer.write(h.ns, "col_e", d.OutputHandling.CREATE_NEW, [_docs(h, "col_e", "obj_1", {0: {"text": "a", "keep": 1}})]))
    made = _docs(h, "col_e", "obj_1", {0: {"label": "cat"}})
    enriched = Made(made.source, [d.Document(x.document_id, x.collection_id, x.namespace_id, x.lineage, x.fields, {OTHER_VECTOR: [0.0, 1.0]}, x.created_at, x.updated_at) for x in made.documents])
    h.run(h.writer.write(h.ns, "col_e", d.OutputHandling.ENRICH, [enriched]))
    (doc,) = h.run(h.store.get(h.ns, "col_e", [made.documents[0].document_id], vectors=True)).values()
    assert doc.fields == {"text": "a", "keep": 1, "label": "cat"}
    assert set(doc.vectors) == {VECTOR, OTHER_VECTOR}


def test_scroll_pages_with_the_filter_language_and_count(h: Harness) -> None:
    made = [_docs(h, "col_s", f"obj_{i:02d}", {0: {"text": f"Item {i}", "n": i, "tags": ["even" if i % 2 == 0 else "odd"]}}) for i in range(25)]
    h.run(h.writer.write(h.ns, "col_s", d.OutputHandling.CREATE_NEW, made))
    h.run(h.writer.write(h.ns, "col_t", d.OutputHandling.CREATE_NEW, [_docs(h, "col_t", "obj_00", {0: {"text": "Item 0", "n": 0}})]))
    where = _where({"AND": [{"field": "n", "operator": "gte", "value": 5}, {"field": "text", "operator": "starts_with", "value": "item 1"}]})
    seen: list[str] = []
    after: str | None = None
    while True:
        page, after = h.run(h.store.scroll(h.ns, "col_s", where, after=after, limit=4))
        assert len(page) <= 4
        seen += [doc.document_id for doc in page]
        if after is None:
            break
    expected = {x.documents[0].document_id for x in made if 10 <= x.documents[0].fields["n"] <= 19}
    assert len(seen) == len(set(seen)) and set(seen) == expected
    assert seen == sorted(seen, key=lambda i: uuid.UUID(i[4:]))  # point-ID order, so pages never overlap
    assert h.run(h.store.count(h.ns, "col_s", where)) == 10
    assert h.run(h.store.count(h.ns, "col_s", _where({"field": "tags", "operator": "eq", "value": "even"}))) == 13
    assert h.run(h.store.count(h.ns, "col_s")) == 25 and h.run(h.store.count(h.ns, "col_t")) == 1


def test_deletes_by_id_and_down_the_lineage(h: Harness) -> None:
    tier1 = [_docs(h, "col_1", f"obj_{i}", {0: {"text": f"t{i}"}, 1: {"text": f"u{i}"}}, bucket="bkt_a" if i < 3 else "bkt_b") for i in range(5)]
    h.run(h.writer.write(h.ns, "col_1", d.OutputHandling.CREATE_NEW, tier1))
    parents = [doc for item in tier1 for doc in item.documents]
    h.run(h.writer.write(h.ns, "col_2", d.OutputHandling.CREATE_NEW, _children(h, "col_2", parents)))
    assert (h.run(h.store.count(h.ns, "col_1")), h.run(h.store.count(h.ns, "col_2"))) == (10, 10)
    (child,) = h.run(h.store.get(h.ns, "col_2", [d.document_id("col_2", d.Source.document("col_1", parents[0].document_id), 0)])).values()
    assert (child.lineage.root_object_id, child.lineage.source_document_id, child.lineage.path) == ("obj_0", parents[0].document_id, "bkt_a/col_1/col_2")

    h.run(h.store.delete(h.ns, [parents[0].document_id, "doc_" + "f" * 32]))
    assert h.run(h.store.count(h.ns, "col_1")) == 9
    assert h.run(h.store.delete_where(h.ns, "root_object_id", "obj_1")) == 4  # 2 in col_1, 2 in col_2
    assert h.run(h.store.delete_where(h.ns, "root_bucket_id", "bkt_b")) == 8
    assert (h.run(h.store.count(h.ns, "col_1")), h.run(h.store.count(h.ns, "col_2"))) == (3, 4)
    assert h.run(h.store.delete_where(h.ns, "collection_id", "col_2")) == 4
    assert h.run(h.store.count(h.ns, "col_2")) == 0
    of_source = h.run(h.store.ids_of_sources(h.ns, "col_1", [d.Source.object("bkt_a", "obj_2")]))
    assert sorted(of_source) == sorted(doc.document_id for doc in tier1[2].documents)


def test_children_are_found_in_every_collection_up_to_the_limit(h: Harness) -> None:
    tier1 = [_docs(h, "col_1", "obj_0", {0: {"text": "t0"}, 1: {"text": "t1"}})]
    h.run(h.writer.write(h.ns, "col_1", d.OutputHandling.CREATE_NEW, tier1))
    parent, other = tier1[0].documents
    made = {collection: _children(h, collection, [parent]) for collection in ("col_2", "col_3")}
    for collection, children in made.items():
        h.run(h.writer.write(h.ns, collection, d.OutputHandling.CREATE_NEW, children))
    h.run(h.writer.write(h.ns, "col_2", d.OutputHandling.CREATE_NEW, _children(h, "col_2", [other])))
    expected = sorted(doc.document_id for children in made.values() for item in children for doc in item.documents)
    assert [doc.document_id for doc in h.run(h.store.children(h.ns, parent.document_id, 10))] == expected
    assert [doc.document_id for doc in h.run(h.store.children(h.ns, parent.document_id, 1))] == expected[:1]
    assert h.run(h.store.children(h.ns, expected[0], 10)) == []


def test_reads_without_a_collection_see_every_collection_of_the_store(h: Harness) -> None:
    made = {c: _docs(h, c, f"obj_{c}", {0: {"n": 1}, 1: {"n": 2}}) for c in ("col_x", "col_y")}
    for collection, item in made.items():
        h.run(h.writer.write(h.ns, collection, d.OutputHandling.CREATE_NEW, [item]))
    every = sorted(doc.document_id for item in made.values() for doc in item.documents)
    assert sorted(h.run(h.store.get(h.ns, None, every))) == every
    assert set(h.run(h.store.get(h.ns, "col_x", every))) == {doc.document_id for doc in made["col_x"].documents}
    docs, after = h.run(h.store.scroll(h.ns, None, limit=3))
    rest, end = h.run(h.store.scroll(h.ns, None, after=after, limit=3))
    assert [doc.document_id for doc in docs + rest] == every and end is None
    problems = Violations()
    where = filters.parse({"AND": [{"field": "n", "operator": "eq", "value": 2}]}, DocumentFields(None), "filters", problems)
    assert not problems and h.run(h.store.count(h.ns, None, where)) == 2 and h.run(h.store.count(h.ns, None)) == 4
