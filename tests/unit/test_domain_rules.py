"""Pure domain rules: names, vectors, namespaces, paging, schema values."""

import pytest

from server.domain import namespaces as rules
from server.domain.collections import missing_vectors
from server.domain.errors import InvalidArgument, Violations
from server.domain.extractors import check_extractor_list
from server.domain.names import check_name
from server.domain.paging import Cursors, Position, page_params
from server.domain.reconfigure import diff_vectors
from server.domain.schema import SchemaField, check_value
from server.domain.vectors import VectorConflict, VectorSpec, merge_vectors, same_definition
from server.extractors.plugins import load_catalogue

CATALOGUE = load_catalogue(None)
SORTABLE = {"created_at": "_created_ms", "namespace_name": "namespace_name"}


@pytest.mark.parametrize(
    ("name", "ok"),
    [("abc", True), ("a_b-c9", True), ("9lives", True), ("x" * 100, True), ("ab", False), ("x" * 101, False), ("_x1", False), ("a b", False), ("", False), (None, False)],
)
def test_names(name, ok):
    problems = Violations()
    check_name(problems, "name", name)
    assert (not problems) is ok


def test_merge_vectors_keeps_one_of_identical_declarations_and_names_both_on_conflict():
    e5 = VectorSpec("e5", 1024)
    assert merge_vectors([("a_v1", e5), ("b_v1", VectorSpec("e5", 1024))]) == {"e5": e5}
    with pytest.raises(VectorConflict) as caught:
        merge_vectors([("a_v1", e5), ("b_v1", VectorSpec("e5", 768))])
    assert "'a_v1' and 'b_v1'" in str(caught.value) and "1024-d cosine vs 768-d cosine" in str(caught.value)


def test_builtin_extractors_share_the_e5_vector_without_conflict():
    definitions = [CATALOGUE.get("text_extractor", "v1"), CATALOGUE.get("multimodal_extractor", "v1")]
    assert set(rules.desired_vectors(definitions)) == {"multilingual_e5_large_instruct_v1", "vertex_multimodal_embedding"}


def test_new_namespace_collects_every_problem():
    request = {
        "namespace_name": "x",
        "feature_extractors": [
            {"feature_extractor_name": "text_extractor", "version": "v1", "params": {"chunk_size": "big"}},
            {"feature_extractor_name": "text_extractor", "version": "v1"},
            {"feature_extractor_name": "ghost", "version": "v1"},
            {"version": "v1"},
        ],
        "payload_indexes": [{"field_name": "a.b", "type": "keyword"}, {"field_name": "a.b", "type": "keyword"}, {"field_name": "c"}],
    }
    with pytest.raises(InvalidArgument) as caught:
        rules.check_new_namespace(request, CATALOGUE)
    assert {v.field for v in caught.value.violations} == {
        "namespace_name",
        "feature_extractors[0].params.chunk_size",
        "feature_extractors[1]",
        "feature_extractors[2].feature_extractor_name",
        "feature_extractors[3].feature_extractor_name",
        "payload_indexes[1].field_name",
        "payload_indexes[2].type",
    }


NAMESPACE = {"_id": "ns_a", "namespace_name": "shop", "feature_extractors": [{"feature_extractor_name": "text_extractor", "version": "v1"}, {"feature_extractor_name": "image_extractor", "version": "v1"}]}


def test_update_changes_from_mask_or_from_the_fields_set():
    masked = rules.update_changes({"update_mask": "description, namespace_name", "namespace_name": "shop2"}, NAMESPACE, CATALOGUE)
    assert masked.changes == {"description": "", "namespace_name": "shop2"} and not masked.disabled
    assert rules.update_changes({"description": "d"}, NAMESPACE, CATALOGUE).changes == {"description": "d"}
    with pytest.raises(InvalidArgument) as caught:
        rules.update_changes({"update_mask": "namespace_id,description"}, NAMESPACE, CATALOGUE)
    assert [v.field for v in caught.value.violations] == ["update_mask.paths[0]"]
    with pytest.raises(InvalidArgument):
        rules.update_changes({}, NAMESPACE, CATALOGUE)


def test_update_changes_names_the_extractors_it_disables_and_checks_the_new_list():
    update = rules.update_changes({"feature_extractors": [{"feature_extractor_name": "text_extractor", "version": "v1"}]}, NAMESPACE, CATALOGUE)
    assert update.disabled == ["image_extractor_v1"] and [d.id for d in update.definitions] == ["text_extractor_v1"]
    with pytest.raises(InvalidArgument) as caught:
        rules.update_changes({"update_mask": "feature_extractors", "feature_extractors": []}, NAMESPACE, CATALOGUE)
    assert [v.field for v in caught.value.violations] == ["feature_extractors"]


def test_one_extractor_list_validator_for_namespaces_and_collections():
    """The same entries get the same violations whether a namespace enables them or a collection
    applies them; only the parameters' key and the enabled check differ."""
    entries = [
        {"feature_extractor_name": "text_extractor", "version": "v1"},
        {"feature_extractor_name": "text_extractor", "version": "v1"},
        {"feature_extractor_name": "text_extractor", "version": "one"},
    ]
    for params_key, enabled in (("params", None), ("parameters", {"text_extractor_v1"})):
        problems = Violations()
        found = check_extractor_list(problems, CATALOGUE, entries, params_key=params_key, enabled=enabled)
        assert [d.id if d else None for d in found] == ["text_extractor_v1", None, None]
        assert [v.field for v in problems.items] == ["feature_extractors[1]", "feature_extractors[2].version", "feature_extractors[2].feature_extractor_name"]
    problems = Violations()
    check_extractor_list(problems, CATALOGUE, entries[:1], params_key="parameters", enabled={"image_extractor_v1"}, namespace_name="shop")
    assert "not enabled in namespace 'shop'" in problems.items[0].description


def test_one_vector_equality_sparse_vectors_compare_by_kind_only():
    """A store reports a sparse vector without size or distance; a catalogue may carry defaults for
    it. Reconfigure's diff, CreateCollection's check and the merge of declarations agree."""
    declared = VectorSpec("splade", 30522, "cosine", kind="sparse")
    stored = VectorSpec("splade", 0, "dot", kind="sparse")
    assert same_definition(declared, stored)
    assert missing_vectors([declared], {"splade": stored}) == ([], [])
    assert diff_vectors({"splade": declared}, {"splade": stored}).unchanged == (stored,)
    assert merge_vectors([("a_v1", declared), ("b_v1", stored)]) == {"splade": declared}
    assert not same_definition(declared, VectorSpec("splade", 30522, "cosine"))
    assert missing_vectors([VectorSpec("e5", 1024)], {"e5": VectorSpec("e5", 1024, "dot")}) == ([], ["e5"])


def test_payload_indexes_merge_system_extractor_and_namespace_ones_once_each():
    definitions = [CATALOGUE.get("multimodal_extractor", "v1")]
    merged = dict(rules.all_payload_indexes({"payload_indexes": [{"field_name": "start_time", "type": "integer"}, {"field_name": "brand", "type": "keyword"}]}, definitions))
    assert merged["collection_id"] == "keyword" and merged["brand"] == "keyword"
    assert merged["start_time"] == "float"  # the extractor's requirement wins over a namespace redefinition


CURSORS = Cursors(b"0123456789abcdef")


def test_page_params_defaults_bounds_and_cursors():
    params = page_params({}, SORTABLE, CURSORS)
    assert (params.limit, params.offset, params.sort_field, params.descending) == (10, 0, "_created_ms", False)
    cursor = CURSORS.encode(params, Position(1700000000000, "ns_a"))
    resumed = page_params({"cursor": cursor, "offset": 50}, SORTABLE, CURSORS)
    assert resumed.after == Position(1700000000000, "ns_a") and resumed.offset == 0
    skipping = page_params({"cursor": CURSORS.encode(params, Position(1, "ns_b", 7)), "offset": 50}, SORTABLE, CURSORS)
    assert skipping.after == Position(1, "ns_b", 7) and skipping.offset == 7  # what is left of an offset
    other_sort = {"cursor": cursor, "query": {"sort": {"field": "namespace_name"}}}
    other_server = {"cursor": Cursors(b"another-secret-16").encode(params, Position(1, "ns_a"))}
    for request in (other_sort, other_server, {"cursor": cursor[:-1]}, {"cursor": cursor.split(".")[0]}):
        with pytest.raises(InvalidArgument) as caught:
            page_params(request, SORTABLE, CURSORS)
        assert [v.field for v in caught.value.violations] == ["cursor"]
    with pytest.raises(InvalidArgument) as caught:
        page_params({"limit": 0, "offset": 10001, "query": {"sort": {"field": "secret"}}}, SORTABLE, CURSORS)
    assert {v.field for v in caught.value.violations} == {"offset", "query.sort.field"}


@pytest.mark.parametrize(
    ("value", "field", "problem"),
    [
        ("x", {"type": "integer"}, "must be an integer"),
        (2.5, {"type": "integer"}, "must be an integer"),
        (True, {"type": "number"}, "must be a number"),
        ("2026-13-01", {"type": "date"}, "ISO 8601 date"),
        ("c", {"type": "string", "enum": ["a", "b"]}, "one of 'a', 'b'"),
        ([1, "2"], {"type": "array", "items": {"type": "integer"}}, "must be an integer"),
        ({}, {"type": "object", "properties": {"t": {"type": "string", "required": True}}}, "is required"),
    ],
)
def test_values_that_do_not_fit(value, field, problem):
    problems = Violations()
    check_value(problems, "v", value, SchemaField.from_json(field))
    assert problems and problem in problems.items[0].description


@pytest.mark.parametrize(
    ("value", "field"),
    [(3, {"type": "integer"}), (3.0, {"type": "integer"}), ("2026-11-23", {"type": "date"}), ("2026-11-23T10:00:00Z", {"type": "datetime"}), ({"t": "x"}, {"type": "object", "properties": {"t": {"type": "string"}}})],
)
def test_values_that_fit(value, field):
    problems = Violations()
    check_value(problems, "v", value, SchemaField.from_json(field))
    assert not problems
