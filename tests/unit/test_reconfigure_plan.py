"""server.domain.reconfigure: request checks, the vector diff, strategy choice, reprocessing by
lineage, the plan and the message (pure logic, no I/O)."""

from __future__ import annotations

import pytest

from server.domain import reconfigure as rules
from server.domain.errors import InvalidArgument
from server.domain.extractors import Catalogue, ExtractorDefinition
from server.domain.namespaces import desired_vectors
from server.domain.vectors import VectorSpec
from server.storage.qdrant_server import live_from_version

E5 = VectorSpec("e5", 1024)
FASHION = VectorSpec("fashion", 768)
FACE = VectorSpec("face", 512)


def definition(name: str, *vectors: VectorSpec) -> ExtractorDefinition:
    return ExtractorDefinition(
        {
            "feature_extractor_name": name,
            "version": "v1",
            "required_vector_indexes": [
                {"name": v.name, "type": "multi" if v.multi else "single", "index": {"dimensions": v.dimensions, "type": v.kind, "distance": v.distance}}
                for v in vectors
            ],
        }
    )


CATALOGUE = Catalogue([definition("text", E5), definition("fashion", FASHION), definition("face", FACE)])


def collection(ident: str, extractor: str | None = None, reads: str | None = None) -> dict:
    source = {"type": "collection", "collection_id": reads} if reads else {"type": "bucket", "bucket_id": "bkt_1"}
    extractors = [{"feature_extractor_name": extractor, "version": "v1"}] if extractor else []
    return {"collection_id": ident, "source": source, "feature_extractors": extractors}


def options(**fields) -> rules.Options:
    return rules.check_request({"namespace_id": "ns_1", "confirm": True, **fields})


def test_confirm_is_required_unless_dry_run():
    with pytest.raises(InvalidArgument) as raised:
        rules.check_request({"namespace_id": "ns_1"})
    assert [v.field for v in raised.value.violations] == ["confirm"]
    assert "confirm=true not set" in raised.value.violations[0].description
    assert rules.check_request({"namespace_id": "ns_1", "dry_run": True}).dry_run


def test_every_request_problem_is_reported_at_once():
    with pytest.raises(InvalidArgument) as raised:
        rules.check_request({"mode": None})
    assert {v.field for v in raised.value.violations} == {"namespace_id", "confirm", "mode"}


def test_defaults_are_in_place_without_prune():
    checked = options()
    assert (checked.mode, checked.prune, checked.dry_run) == ("in_place", False, False)


def test_diff_sorts_every_vector():
    desired = {"e5": E5, "fashion": FASHION, "face": FACE}
    actual = {"e5": E5, "face": VectorSpec("face", 256), "old": VectorSpec("old", 8), "a_old": VectorSpec("a_old", 4)}
    diff = rules.diff_vectors(desired, actual)
    assert diff.added == (FASHION,)
    assert diff.changed == ((VectorSpec("face", 256), FACE),)
    assert [v.name for v in diff.undeclared] == ["a_old", "old"]
    assert diff.unchanged == (E5,)


@pytest.mark.parametrize(
    "stored",
    [VectorSpec("v", 1024, "dot"), VectorSpec("v", 1024, multi=True), VectorSpec("v", 0, "dot", "sparse"), VectorSpec("v", 512)],
)
def test_distance_type_or_size_differences_are_changes(stored):
    assert rules.diff_vectors({"v": VectorSpec("v", 1024)}, {"v": stored}).changed


def test_sparse_vectors_compare_by_kind_only():
    declared = VectorSpec("s", 0, "cosine", "sparse")  # the catalogue's defaults
    stored = VectorSpec("s", 0, "dot", "sparse")  # what the store reports
    assert rules.diff_vectors({"s": declared}, {"s": stored}).unchanged == (stored,)


@pytest.mark.parametrize(
    ("live", "forced", "mode", "expected"),
    [
        (True, "auto", "in_place", "live"),
        (False, "auto", "in_place", "blue_green"),
        (True, "blue_green", "in_place", "blue_green"),
        (True, "auto", "recreate", "recreate"),
        (False, "blue_green", "recreate", "recreate"),
    ],
)
def test_strategy(live, forced, mode, expected):
    assert rules.choose_strategy(mode, live, forced) == expected


@pytest.mark.parametrize(
    ("version", "live"),
    [("1.18.0", True), ("1.20.0", True), ("v1.19.1-dev", True), ("2.0.0", True), ("1.17.9", False), ("0.99", False), ("unknown", False)],
)
def test_a_qdrant_server_changes_named_vectors_live_from_1_18(version, live):
    assert live_from_version(version) is live


def test_reprocess_follows_lineage_downstream_in_collection_order():
    collections = [
        collection("col_text", "text"),
        collection("col_fashion", "fashion"),
        collection("col_child", "text", reads="col_fashion"),
        collection("col_grandchild", None, reads="col_child"),
        collection("col_other", None, reads="col_text"),
    ]
    assert rules.collections_to_reprocess(collections, CATALOGUE, {"fashion"}) == ["col_fashion", "col_child", "col_grandchild"]
    assert rules.collections_to_reprocess(collections, CATALOGUE, {"e5"}) == ["col_text", "col_child", "col_grandchild", "col_other"]
    assert rules.collections_to_reprocess(collections, CATALOGUE, {"face"}) == []


def test_reprocess_survives_a_lineage_cycle_and_unknown_extractors():
    collections = [
        collection("col_a", "fashion", reads="col_b"),
        collection("col_b", None, reads="col_a"),
        {"collection_id": "col_c", "source": {"type": "bucket"}, "feature_extractors": [{"feature_extractor_name": "gone", "version": "v9"}]},
    ]
    assert rules.collections_to_reprocess(collections, CATALOGUE, {"fashion"}) == ["col_a", "col_b"]


def test_recreate_adds_every_collection_that_had_points_and_what_reads_from_them():
    collections = [collection("col_text", "text"), collection("col_face", "face"), collection("col_reader", None, reads="col_face")]
    plan = rules.make_plan(
        "ns_1", options(mode="recreate"), {"e5": E5, "face": FACE, "fashion": FASHION}, {"e5": E5, "face": FACE},
        "recreate", collections, CATALOGUE, had_points={"col_face", "col_deleted_meanwhile"},
    )
    assert plan.collections_to_reprocess == ("col_face", "col_reader")


def test_plan_keeps_undeclared_vectors_unless_pruned():
    desired, actual = {"e5": E5, "fashion": FASHION}, {"e5": E5, "face": FACE}
    kept = rules.make_plan("ns_1", options(), desired, actual, "live", [], CATALOGUE)
    assert [s.name for s in kept.target] == ["e5", "fashion", "face"]
    assert (kept.added, kept.removed, kept.undeclared) == (("fashion",), (), ("face",))
    assert kept.kept_vectors == ("e5", "face")
    pruned = rules.make_plan("ns_1", options(prune=True), desired, actual, "live", [], CATALOGUE)
    assert [s.name for s in pruned.target] == ["e5", "fashion"]
    assert (pruned.removed, pruned.undeclared) == (("face",), ())


def test_prune_keeps_an_undeclared_vector_that_a_collection_still_writes():
    desired, actual = {"e5": E5}, {"e5": E5, "face": FACE}
    plan = rules.make_plan("ns_1", options(prune=True), desired, actual, "live", [collection("col_face", "face")], CATALOGUE)
    assert (plan.removed, plan.undeclared) == ((), ("face",)) and not plan.changes_needed
    assert "keeps 1 undeclared vector; collections still write them" in rules.response(plan, rules.Outcome(3, 3, 0))["message"]


def test_only_undeclared_vectors_without_prune_need_no_change():
    plan = rules.make_plan("ns_1", options(mode="recreate"), {"e5": E5}, {"e5": E5, "face": FACE}, "recreate", [collection("c", "text")], CATALOGUE, {"c"})
    assert not plan.changes_needed and plan.strategy == "" and plan.collections_to_reprocess == ()
    result = rules.response(plan, rules.Outcome(7, 7, 0))
    assert result["status"] == "no_changes_needed" and "strategy" not in result
    assert result["message"] == (
        "No changes needed: the vector store of namespace ns_1 already has the 1 vector its enabled extractors declare "
        "(and keeps 1 undeclared vector; set prune to delete them). Nothing was written; 7 points untouched."
    )


def test_plan_round_trips_through_its_stored_form():
    plan = rules.make_plan(
        "ns_1", options(prune=True), {"e5": E5, "fashion": FASHION}, {"e5": VectorSpec("e5", 8), "face": FACE},
        "blue_green", [collection("col_f", "fashion")], CATALOGUE,
    )
    assert rules.Plan.from_doc(plan.to_doc()) == plan
    assert plan.kept_vectors == ()  # e5 changed, fashion added: no value survives a copy


def test_message_and_response_in_numbers():
    collections = [collection("col_f", "fashion"), collection("col_r", None, reads="col_f")]
    plan = rules.make_plan("ns_1", options(), {"e5": E5, "fashion": FASHION}, {"e5": E5}, "live", collections, CATALOGUE)
    result = rules.response(plan, rules.Outcome(1500, 1500, 0, operation_id="op_1"))
    assert result == {
        "namespace_id": "ns_1",
        "status": "reconfigured",
        "previous_points_count": 1500,
        "vectors_added": ["fashion"],
        "vectors_total": ["e5", "fashion"],
        "collections_to_reprocess": ["col_f", "col_r"],
        "message": (
            "The vector store of namespace ns_1 was reconfigured in place (named vectors changed on the live collection): "
            "1 vector added, 0 changed, 0 removed, 0 undeclared kept; 2 vectors in total. 1500 of 1500 points preserved "
            "with their payloads and unchanged vectors, 0 deleted. Re-trigger batches on the 2 listed collections to "
            "populate the added or changed vectors."
        ),
        "vectors_changed": [],
        "vectors_removed": [],
        "vectors_undeclared": [],
        "points_preserved": 1500,
        "points_deleted": 0,
        "mode": "in_place",
        "dry_run": False,
        "strategy": "live",
        "operation_id": "op_1",
    }


def test_recreate_dry_run_message_predicts_the_deletion():
    plan = rules.make_plan("ns_1", options(mode="recreate", dry_run=True), {"e5": E5, "fashion": FASHION}, {"e5": E5}, "recreate", [], CATALOGUE)
    preserved, deleted = rules.predicted_outcome(plan, 1500)
    assert (preserved, deleted) == (0, 1500)
    text = rules.message(plan, rules.Outcome(1500, preserved, deleted, dry_run=True, completed_first=("op_9",)))
    assert text == (
        "Dry run: the vector store of namespace ns_1 would be reconfigured by recreating it empty (Mixpeek's behaviour): "
        "1 vector added, 0 changed, 0 removed, 0 undeclared kept; 2 vectors in total. 0 of 1500 points would be "
        "preserved with their payloads, 1500 would be deleted. No collection needs reprocessing. "
        "First completed the interrupted reconfigure op_9."
    )


def test_two_extractors_declaring_one_vector_differently_is_invalid_naming_both():
    clash = definition("clash", VectorSpec("e5", 512))
    with pytest.raises(InvalidArgument) as raised:
        desired_vectors([CATALOGUE.get("text", "v1"), clash])
    (violation,) = raised.value.violations
    assert violation.field == "feature_extractors"
    assert "'text_v1'" in violation.description and "'clash_v1'" in violation.description
    assert raised.value.reason == "VECTOR_CONFLICT"
