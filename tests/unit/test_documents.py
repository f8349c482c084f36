"""The document model: deterministic IDs, the stored payload, lineage and output handling, and the
vectors an imported document may carry."""

import uuid

import pytest

from server.domain import documents as d
from server.domain.errors import Violations
from server.domain.vectors import imported_vectors

NOW = "2026-12-01T06:00:00Z"
LATER = "2026-12-01T07:00:00Z"


def _made(chunks: dict[int, dict[str, object]], *, collection: str = "col_b", now: str = NOW) -> list[d.Document]:
    return d.make_documents(
        namespace_id="ns_1",
        collection_id=collection,
        feature_extractor_id="text_extractor_v1",
        base=d.Lineage.of_object("bkt_1", "obj_1"),
        outputs=[d.Output(i, fields, {"text_extractor_v1_embedding": [0.1, 0.2]}) for i, fields in chunks.items()],
        now=now,
    )


def test_ids_are_deterministic_uuid5_and_distinct_per_collection_source_and_chunk() -> None:
    source = d.Source.object("bkt_1", "obj_1")
    first = d.document_id("col_a", source, 0)
    assert first == d.document_id("col_a", source, 0)
    others = {
        d.document_id("col_b", source, 0),
        d.document_id("col_a", source, 1),
        d.document_id("col_a", d.Source.object("bkt_1", "obj_2"), 0),
        d.document_id("col_a", d.Source.document("col_z", "obj_1"), 0),  # a document with an object's ID
    }
    assert first not in others and len(others) == 4
    point = d.point_id_of(first)
    assert point is not None and uuid.UUID(point).version == 5
    assert d.document_id_of_point(point) == first
    assert d.point_id_of("doc_not-a-uuid") is None and d.point_id_of("obj_" + uuid.uuid4().hex) is None
    with pytest.raises(ValueError):
        d.point_uuid("col_a", source, -1)


def test_payload_is_the_document_response_and_reads_back() -> None:
    (doc,) = _made({0: {"text": "hello", "document_id": "spoofed", "_internal": "spoofed"}})
    payload = doc.payload()
    assert payload["document_id"] == doc.document_id and payload["collection_id"] == "col_b"
    assert payload["text"] == "hello"
    lineage = payload["_internal"]["lineage"]
    assert lineage == {
        "root_object_id": "obj_1",
        "root_bucket_id": "bkt_1",
        "source_type": "bucket",
        "source_object_id": "obj_1",
        "path": "bkt_1/col_b",
        "chain": [{"collection_id": "col_b", "feature_extractor_id": "text_extractor_v1", "document_id": doc.document_id, "timestamp": NOW}],
    }
    assert (payload["root_object_id"], payload["root_bucket_id"], payload["source_object_id"]) == ("obj_1", "bkt_1", "obj_1")
    assert "source_document_id" not in payload
    back = d.Document.from_payload(payload, doc.vectors)
    assert back == doc


def test_tier_two_lineage_names_the_parent_document_and_keeps_the_root() -> None:
    (parent,) = _made({0: {"text": "hello"}})
    (child,) = d.make_documents(
        namespace_id="ns_1",
        collection_id="col_c",
        feature_extractor_id="summary_v1",
        base=d.Lineage.of_object("bkt_x", "obj_x").of_child(parent),
        outputs=[d.Output(0, {"summary": "hi"})],
        now=LATER,
    )
    assert child.document_id == d.document_id("col_c", d.Source.document("col_b", parent.document_id), 0)
    payload = child.payload()
    lineage = payload["_internal"]["lineage"]
    assert (lineage["root_object_id"], lineage["root_bucket_id"], lineage["source_type"]) == ("obj_1", "bkt_1", "collection")
    assert (lineage["source_document_id"], lineage["source_collection_id"]) == (parent.document_id, "col_b")
    assert lineage["path"] == "bkt_1/col_b/col_c"
    assert [link["collection_id"] for link in lineage["chain"]] == ["col_b", "col_c"]
    assert payload["source_document_id"] == parent.document_id and "source_object_id" not in payload
    assert d.Document.from_payload(payload) == child


def test_create_new_overwrites_by_id_keeps_created_at_and_other_chunks() -> None:
    old = {doc.document_id: doc for doc in _made({0: {"text": "a"}, 1: {"text": "b"}})}
    new = _made({0: {"text": "a2"}}, now=LATER)
    plan = d.plan_write(d.OutputHandling.CREATE_NEW, new, old, old.keys())
    assert [(p.document_id, p.fields, p.created_at, p.updated_at) for p in plan.upserts] == [(new[0].document_id, {"text": "a2"}, NOW, LATER)]
    assert plan.deletes == []


def test_replace_removes_the_sources_documents_this_run_did_not_make() -> None:
    old_docs = _made({0: {"text": "a"}, 1: {"text": "b"}, 2: {"text": "c"}})
    new = _made({0: {"text": "a2"}}, now=LATER)
    plan = d.plan_write(d.OutputHandling.REPLACE, new, {new[0].document_id: old_docs[0]}, [x.document_id for x in old_docs])
    assert [p.document_id for p in plan.upserts] == [new[0].document_id]
    assert plan.deletes == sorted(x.document_id for x in old_docs[1:])


def test_enrich_merges_fields_and_vectors_into_the_existing_document() -> None:
    (old,) = _made({0: {"text": "a", "tags": ["x"]}})
    old = d.Document(old.document_id, old.collection_id, old.namespace_id, old.lineage, old.fields, {"clip": [1.0], "text_extractor_v1_embedding": [0.0, 0.0]}, NOW, NOW)
    (new,) = _made({0: {"summary": "s", "text": "a2"}}, now=LATER)
    (merged,) = d.plan_write(d.OutputHandling.ENRICH, [new], {old.document_id: old}).upserts
    assert merged.fields == {"text": "a2", "tags": ["x"], "summary": "s"}
    assert merged.vectors == {"clip": [1.0], "text_extractor_v1_embedding": [0.1, 0.2]}
    assert (merged.created_at, merged.updated_at) == (NOW, LATER)
    (fresh,) = d.plan_write(d.OutputHandling.ENRICH, [new], {}).upserts
    assert fresh == new


def test_update_sets_nested_fields_removes_nulls_and_leaves_the_original_alone() -> None:
    (doc,) = _made({0: {"text": "a", "meta": {"a": 1, "b": 2}}})
    changed = d.updated(doc, {"meta.a": 5, "meta.b": None, "new": True, "text": None, "gone.x": None}, LATER)
    assert changed.fields == {"meta": {"a": 5}, "new": True}
    assert doc.fields == {"text": "a", "meta": {"a": 1, "b": 2}}
    assert (changed.document_id, changed.lineage, changed.updated_at) == (doc.document_id, doc.lineage, LATER)


def test_reserved_field_names_are_refused_by_name() -> None:
    problems = Violations()
    d.check_field_names(problems, "update_data", ["text", "collection_id", "_internal.lineage", "root_object_id.x", "ok.nested"])
    assert [v.field for v in problems.items] == ["update_data.collection_id", "update_data._internal.lineage", "update_data.root_object_id.x"]


def test_imported_vectors_take_dense_vectors_of_the_collections_indexes_once() -> None:
    indexes = [
        {"name": "dense_a", "feature_extractor_id": "text_extractor_v1", "type": "single", "index": {"dimensions": 2, "type": "dense"}},
        {"name": "sparse_b", "feature_extractor_id": "text_extractor_v1", "type": "single", "index": {"type": "sparse"}},
        {"name": "multi_c", "feature_extractor_id": "text_extractor_v1", "type": "multi", "index": {"dimensions": 2, "type": "dense"}},
    ]
    problems = Violations()
    assert imported_vectors(problems, {"mixpeek://text_extractor@v1/dense_a": [1, 0.5]}, indexes) == {"dense_a": [1.0, 0.5]} and not problems
    imported_vectors(problems, {"dense_a": [1, 0], "mixpeek://text_extractor@v1/dense_a": [0, 1], "sparse_b": [1.0]}, indexes)
    assert [v.field for v in problems.items] == ["vectors.mixpeek://text_extractor@v1/dense_a", "vectors.sparse_b"]
    assert "second time" in problems.items[0].description and "only dense vectors" in problems.items[1].description
    problems = Violations()
    imported_vectors(problems, {"multi_c": [1.0, 0.0], "dense_a": [True, 1.0]}, indexes)
    assert [v.field for v in problems.items] == ["vectors.multi_c", "vectors.dense_a"]
