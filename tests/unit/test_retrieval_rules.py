"""The retrieval rules without I/O: fusion, stage parameter checks, the stages after the search, and
the execute cache's policy, invalidation and bounds."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from server import metrics
from server.domain import retrieval as rules
from server.domain.collections import DocumentFields
from server.domain.errors import InvalidArgument, Violations
from server.domain.fusion import Ranked, fuse
from server.domain.retrieval import Hit
from server.usecases.retrieval_cache import (
    Entry,
    Event,
    Policy,
    RetrievalCache,
    by_name,
    generation_keys,
    policy,
)


def test_rrf_uses_ranks_and_weights() -> None:
    a = Ranked({"x": 0.9, "y": 0.8, "z": 0.1}, 1.0)
    b = Ranked({"z": 50.0, "x": 40.0}, 0.5)
    fused = dict(fuse("rrf", [a, b]))
    assert fused["x"] == pytest.approx(1 / 61 + 0.5 / 62)
    assert fused["y"] == pytest.approx(1 / 62)
    assert fused["z"] == pytest.approx(1 / 63 + 0.5 / 61)
    assert [k for k, _ in fuse("rrf", [a, b])] == ["x", "z", "y"]


def test_dbsf_weighted_and_max() -> None:
    a = Ranked({"x": 1.0, "y": 0.5, "z": 0.0})
    b = Ranked({"y": 0.9, "w": 0.1}, 0.5)
    assert dict(fuse("weighted", [a, b])) == pytest.approx({"x": 1.0, "y": 0.95, "z": 0.0, "w": 0.05})
    assert dict(fuse("max", [a, b])) == pytest.approx({"x": 1.0, "y": 0.5, "z": 0.0, "w": 0.05})
    # dbsf: each search's scores mapped from [mean - 3 sd, mean + 3 sd] to [0, 1], then weighted
    sd_a, sd_b = (1 / 6) ** 0.5, 0.4
    expected = {
        "x": (1.0 - (0.5 - 3 * sd_a)) / (6 * sd_a),
        "y": (0.5 - (0.5 - 3 * sd_a)) / (6 * sd_a) + 0.5 * (0.9 - (0.5 - 3 * sd_b)) / (6 * sd_b),
        "z": (0.0 - (0.5 - 3 * sd_a)) / (6 * sd_a),
        "w": 0.5 * (0.1 - (0.5 - 3 * sd_b)) / (6 * sd_b),
    }
    assert dict(fuse("dbsf", [a, b])) == pytest.approx(expected)
    assert [k for k, _ in fuse("dbsf", [a, b])] == ["y", "x", "z", "w"]
    # one search keeps its own scores, whatever the method
    assert fuse("rrf", [a]) == [("x", 1.0), ("y", 0.5), ("z", 0.0)]
    # ties are broken by key, so the order is deterministic
    assert fuse("weighted", [Ranked({"b": 1.0, "a": 1.0})] * 2) == [("a", 2.0), ("b", 2.0)]
    with pytest.raises(ValueError):
        fuse("average", [a, b])


def test_stage_parameters_are_checked_against_their_schema() -> None:
    problems = Violations()
    stages = rules.check_stages(
        problems,
        [
            {"stage_name": "s", "config": {"stage_id": "feature_search", "parameters": {"searches": [{"feature_uri": "nope", "query": {}, "top_k": 9000}], "typo": 1}}},
            {"stage_name": "s", "config": {"stage_id": "sample", "parameters": {"count": 0}}},
            {"stage_name": "g", "config": {"stage_id": "group_by", "parameters": {"output_mode": "pile"}}},
            {"stage_name": "q", "config": {"stage_id": "llm_magic"}},
        ],
        DocumentFields(None),
    )
    assert [stage.stage_id for stage in stages] == ["feature_search", "sample", "group_by"]  # the unknown one is left out
    fields = {v.field for v in problems.items}
    assert fields == {
        "stages[0].config.parameters.searches[0].top_k",
        "stages[0].config.parameters.typo",
        "stages[0].config.parameters.searches[0].feature_uri",
        "stages[1].stage_name",
        "stages[1].config.parameters.count",
        "stages[2].config.parameters.output_mode",
        "stages[3].config.stage_id",
    }
    good = Violations()
    (stage,) = rules.check_stages(good, [{"stage_name": "m", "config": {"stage_id": "mmr"}}], DocumentFields(None))
    assert not good and stage.parameters == {"lambda": 0.7, "top_k": 25, "score_field": "score", "mmr_score_field": "scores.mmr"}


def test_inputs_and_templates() -> None:
    schema = {"q": {"type": "text", "required": True}, "n": {"type": "integer", "default": 3}, "lang": {"type": "string", "enum": ["en", "fr"]}}
    assert rules.check_inputs(schema, {"q": "hi"}) == {"q": "hi", "n": 3}
    with pytest.raises(InvalidArgument) as error:
        rules.check_inputs(schema, {"n": True, "lang": "de", "extra": 1})
    assert {v.field for v in error.value.violations} == {"inputs.q", "inputs.n", "inputs.lang", "inputs.extra"}
    problems = Violations()
    resolved = rules.resolve_templates({"v": "{{INPUT.vec}}", "t": "about {{ INPUT.q }}!", "x": "{{INPUT.missing}}"}, {"vec": [1, 2], "q": "cats"}, problems, "p")
    assert resolved == {"v": [1, 2], "t": "about cats!", "x": None}
    assert [v.field for v in problems.items] == ["p.x"]


def _hits() -> list[Hit]:
    rows = [("a", 0.9, "red", 3, [1.0, 0.0]), ("b", 0.8, "red", 1, [0.99, 0.1]), ("c", 0.7, "blue", None, [0.0, 1.0]), ("d", 0.6, "blue", 2, [0.1, 0.99])]
    return [Hit(i, {"document_id": i, "color": c, "n": n}, s, {}, {"v": v}) for i, s, c, n, v in rows]


def test_sorts_group_sample_and_mmr() -> None:
    hits = _hits()
    assert [h.document_id for h in rules.sort_by(hits, "n", True, "bottom")] == ["a", "d", "b", "c"]
    assert [h.document_id for h in rules.sort_by(hits, "n", False, "top")] == ["c", "b", "d", "a"]
    assert [h.document_id for h in rules.sort_by(hits, "n", False, "preserve")] == ["b", "d", "c", "a"]
    assert [h.document_id for h in rules.group_by(hits, "color", 1, "first")] == ["a", "c"]
    grouped = rules.group_by(hits, "color", 5, "all")
    assert [(g.payload["group_key"], [m.document_id for m in g.group or ()]) for g in grouped] == [("red", ["a", "b"]), ("blue", ["c", "d"])]
    assert rules.sample(hits, 2, 1) == rules.sample(hits, 2, 1) and len(rules.sample(hits, 2, 1)) == 2
    # relevance only keeps the order; a low lambda prefers the dissimilar document after the first
    assert [h.document_id for h in rules.mmr(hits, "v", 1.0, 4, "score", "scores.mmr")] == ["a", "b", "c", "d"]
    diverse = rules.mmr(hits, "v", 0.3, 2, "score", "scores.mmr")
    assert [h.document_id for h in diverse] == ["a", "c"] and "mmr" in diverse[1].scores


def _entry(best: float, generations: dict[tuple[str, str, str], int]) -> Entry:
    return Entry([{"document_id": "x", "score": best}], {"stages": {}}, [], best, time.monotonic(), "now", generations)


def test_cache_policy_combines_collections() -> None:
    events = [{"collection": "other", "action": "delete"}, {"collection": "mine", "action": "create", "recompute_strategy": "lazy", "retriever_id": "ret_x"}]
    one = {"cache_config": {"enabled": True, "ttl_seconds": 60, "max_entries_per_key": 5, "score_threshold": 0.2, "invalidation_events": events}}
    two = {"cache_config": {"enabled": True, "ttl_seconds": 30, "max_entries_per_key": 9, "retriever_configs": {"ret_x": {"enabled": False}}}}
    combined = policy([one, two], "ret_y")
    assert (combined.enabled, combined.ttl_seconds, combined.max_entries_per_key, combined.score_threshold, combined.events) == (True, 30, 5, 0.2, (Event("other", "delete", "background"),))
    assert policy([one, two], "ret_x").enabled is False
    assert policy([one, two], "ret_x").events == (Event("other", "delete", "background"), Event("mine", "create", "lazy"))  # an event for one retriever


def test_cache_invalidation_bounds_and_strategies() -> None:
    cache = RetrievalCache(max_bytes=100_000)
    rule = Policy(True, 60, 2, 0.5, "replace_if_better")
    key = ("org", "ns", "ret", "1")
    generations = cache.generations("ns", [("col_a", "create"), ("col_b", "delete")])
    assert cache.put(key, "q1", _entry(0.9, generations), rule)
    assert not cache.put(key, "q9", _entry(0.4, generations), rule)  # under the score threshold
    assert cache.get(key, "q1", 60) is not None
    assert not cache.put(key, "q1", _entry(0.8, generations), rule)  # not better
    assert cache.put(key, "q1", _entry(0.95, generations), rule)
    assert cache.get(("other-org", "ns", "ret", "1"), "q1", 60) is None
    cache.written("ns", {"col_b"}, ("create", "update"))  # an action the entry does not depend on
    assert cache.get(key, "q1", 60) is not None
    invalidated = metrics.REGISTRY.get_sample_value("vecplane_retrieval_cache_total", {"event": "invalidated"}) or 0
    cache.written("ns", {"col_a"}, ("create", "update"))
    assert cache.get(key, "q1", 60) is None
    assert metrics.REGISTRY.get_sample_value("vecplane_retrieval_cache_total", {"event": "invalidated"}) == invalidated + 1
    fresh = cache.generations("ns", [("col_a", "create")])
    for query in ("q1", "q2", "q3"):
        cache.put(key, query, _entry(0.9, fresh), rule)
    assert cache.get(key, "q1", 60) is None and cache.get(key, "q3", 60) is not None  # two entries per key
    assert cache.get(key, "q3", 0) is None  # expired
    assert cache.get(key, "q2", 60) is not None
    cache.written("ns", None, ("delete",))  # a delete whose collections are unknown
    assert cache.get(key, "q2", 60) is None
    small = RetrievalCache(max_bytes=2_000)
    for n in range(50):
        small.put(("org", "ns", f"ret{n}", "1"), "q", _entry(0.9, {}), Policy(True, 60, 5, None, "replace_always"))
    assert 0 < len(small._entries) < 10


def test_events_by_name_follow_the_collection_that_holds_the_name_when_written() -> None:
    cache = RetrievalCache(max_bytes=100_000)
    rule = Policy(True, 60, 5, None, "replace_always")
    generations = cache.generations("ns", [(by_name("later"), "create")])
    cache.put(("org", "ns", "ret", "1"), "q", _entry(0.9, generations), rule)
    cache.written("ns", {"col_new"}, ("create",))  # not yet known to hold the name
    assert cache.get(("org", "ns", "ret", "1"), "q", 60) is not None
    cache.named("other_ns", "col_new", "later")  # the same name in another namespace
    cache.written("ns", {"col_new"}, ("create",))
    assert cache.get(("org", "ns", "ret", "1"), "q", 60) is not None
    cache.named("ns", "col_new", "later")
    cache.written("ns", {"col_new"}, ("create",))
    assert cache.get(("org", "ns", "ret", "1"), "q", 60) is None


def test_background_recompute_runs_one_at_a_time_and_is_bounded() -> None:
    running, done, most = [0], [], [0]

    async def scenario() -> list[str]:
        cache = RetrievalCache(max_bytes=100_000, max_pending_recomputes=3)
        rule = Policy(True, 60, 10, None, "replace_always")
        watched = [(by_name("b"), "create")]

        def recompute(query: str) -> Any:
            async def run() -> None:
                running[0] += 1
                most[0] = max(most[0], running[0])
                await asyncio.sleep(0)  # lets another recompute start, were they concurrent
                cache.put(("org", "ns", "ret", "1"), query, _entry(0.9, cache.generations("ns", watched)), rule)
                done.append(query)
                running[0] -= 1

            return run

        for n in range(5):
            entry = _entry(0.9, cache.generations("ns", watched))
            entry.recompute_on, entry.recompute = generation_keys("ns", watched), recompute(f"q{n}")
            cache.put(("org", "ns", "ret", "1"), f"q{n}", entry, rule)
        cache.named("ns", "col_b", "b")
        cache.written("ns", {"col_b"}, ("create",))
        assert done == []  # the writer only queued them
        worker = cache._worker
        assert worker is not None
        await worker
        fresh = [q for q in (f"q{n}" for n in range(5)) if cache.peek(("org", "ns", "ret", "1"), q, 60)]
        await cache.close()
        return fresh

    fresh = asyncio.run(scenario())
    assert len(done) == 3 and most[0] == 1  # at most 3 queued, recomputed one at a time
    assert sorted(fresh) == sorted(done)  # the other two wait for their next call


def test_templates_are_saved_for_any_type_and_checked_where_an_execution_resolves_them() -> None:
    uri = "mixpeek://minilm_text_extractor@v1/all_minilm_l6_v2"
    raw = {"searches": [{"feature_uri": uri, "query": {"input_mode": "vector", "value": "{{INPUT.v}}"}, "top_k": "{{INPUT.k}}"}], "final_top_k": "{{ INPUT.k }}", "fusion": "rrf"}
    saving = Violations()
    saved = rules.check_parameters(saving, "p", rules.STAGES["feature_search"], raw, deferring_templates=True)
    assert not saving and saved["searches"][0]["weight"] == 1.0  # defaults filled around the templates
    vector = [0.5] * 384
    fine = Violations()
    resolved = rules.check_resolved(fine, "p", rules.STAGES["feature_search"], saved, {"v": vector, "k": 7})
    assert not fine and resolved["searches"][0]["query"]["value"] == vector and resolved["final_top_k"] == 7 == resolved["searches"][0]["top_k"]
    assert saved["final_top_k"] == "{{ INPUT.k }}"  # the saved definition is untouched
    out_of_range = Violations()
    rules.check_resolved(out_of_range, "p", rules.STAGES["feature_search"], saved, {"v": vector, "k": 0})
    assert {v.field for v in out_of_range.items} == {"p.final_top_k", "p.searches[0].top_k"}
    missing = Violations()
    rules.check_resolved(missing, "p", rules.STAGES["feature_search"], saved, {"k": 3})
    assert [v.field for v in missing.items] == ["p.searches[0].query.value"]
    refused = Violations()
    rules.check_parameters(refused, "p", rules.STAGES["feature_search"], {"searches": "{{INPUT.s}}"}, deferring_templates=True)
    assert [v.field for v in refused.items] == ["p.searches"]  # a template cannot stand for objects
