"""Retrievers over REST and gRPC against a running server on the embedded defaults, with the packaged
MiniLM text model. Documents are made of real texts by the real extractor (the extraction use case
processing uses) and written by the document writer, as processing writes them."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import grpc
import pytest
from google.protobuf import json_format
from vecplane.v1 import document_pb2
from vecplane.v1 import retriever_pb2 as pb

from server.domain import clock
from server.domain import documents as d
from server.domain.extraction import RawInput
from server.protojson import dict_to_message
from server.usecases.documents import DocumentWriter, Made
from tests.conftest import new_org_api
from tests.support import resources as r
from tests.support.api import Api, expect_error
from tests.support.processing import namespace_rest, setup_bucket, text_collection, wait_task
from tests.support.rest import Rest, envelope
from tests.support.servers import InProcessServer

MINILM = {"feature_extractor_name": "minilm_text_extractor", "version": "v1"}
FINGERPRINT = {"feature_extractor_name": "image_fingerprint", "version": "v1"}
URI = "mixpeek://minilm_text_extractor@v1/all_minilm_l6_v2"
SCHEMA = {
    "properties": {
        "text": {"type": "text"},
        "image": {"type": "image"},
        "metadata": {"type": "object", "properties": {"category": {"type": "string"}, "year": {"type": "integer"}}},
    }
}
ARTICLES = [
    ("The volcano erupted and covered the village in ash.", "geology", 2001),
    ("Earthquakes are caused by moving tectonic plates.", "geology", 2003),
    ("Glaciers carved the valley over thousands of years.", "geology", 2005),
    ("The striker scored twice in the cup final.", "sport", 2010),
    ("The marathon runner broke the course record.", "sport", 2012),
    ("Tennis players need fast reflexes and stamina.", "sport", 2014),
    ("Bake the bread at a high temperature for a crisp crust.", "cooking", 2016),
    ("Simmer the tomato sauce slowly with garlic and basil.", "cooking", 2018),
    ("Fresh pasta needs only flour, eggs and patience.", "cooking", 2020),
    ("The telescope photographed a distant spiral galaxy.", "space", 2007),
    ("Astronauts repaired the solar panels of the station.", "space", 2009),
    ("A comet passes close to the sun every seventy years.", "space", 2011),
]
NOTES = [
    ("Remember to water the tomato plants in the garden.", "garden", 2021),
    ("The rose bushes need pruning before spring.", "garden", 2022),
    ("Buy compost and seeds for the vegetable patch.", "garden", 2023),
]


@dataclass
class Corpus:
    api: Api
    rest: Rest
    namespace_id: str
    bucket_id: str
    articles: str
    articles_name: str
    notes: str
    images: str
    ids: dict[str, str]  # text -> document ID


def _embed(server: InProcessServer, texts: list[str]) -> list[list[float]]:
    made = server.run(server.app.usecases.extraction.run("minilm_text_extractor_v1", [RawInput(text=t) for t in texts], {}, "single"))
    return [[float(x) for x in item.document.vectors["all_minilm_l6_v2"]] for item in made]


def write(server: InProcessServer, namespace_id: str, collection_id: str, bucket_id: str, rows: list[tuple[str, str, int]], start: int = 0) -> dict[str, str]:
    vectors = _embed(server, [text for text, _, _ in rows])
    made, ids = [], {}
    for i, ((text, category, year), vector) in enumerate(zip(rows, vectors, strict=True)):
        base = d.Lineage.of_object(bucket_id, f"obj_{start + i:010d}")
        fields = {"text": text, "metadata": {"category": category, "year": year}}
        docs = d.make_documents(
            namespace_id=namespace_id, collection_id=collection_id, feature_extractor_id="minilm_text_extractor_v1", base=base,
            outputs=[d.Output(0, fields, {"all_minilm_l6_v2": vector})], now=f"{year}-01-01T00:00:00Z",
        )
        made.append(Made(base.source, docs))
        ids[text] = docs[0].document_id
    server.run(DocumentWriter(server.app.document_store).write(namespace_id, collection_id, d.OutputHandling.CREATE_NEW, made))
    return ids


def _collection(api: Api, bucket_id: str, extractor: dict[str, Any], mapping: dict[str, str]) -> tuple[str, str]:
    body = {"collection_name": r.unique("col"), "source": {"type": "bucket", "bucket_id": bucket_id}, "feature_extractors": [{**extractor, "input_mapping": mapping}]}
    made = r.collection(api, body)
    return made.collection_id, made.collection_name


@pytest.fixture(scope="module")
def corpus(root: Api, server: InProcessServer, base_url: str) -> Corpus:
    api = new_org_api(root)
    ns = r.namespace(api, extractors=[MINILM, FINGERPRINT])
    ns_api = api.in_namespace(ns.namespace_id)
    bucket = r.bucket(ns_api, SCHEMA)
    articles, articles_name = _collection(ns_api, bucket.bucket_id, MINILM, {"text": "text"})
    notes, _ = _collection(ns_api, bucket.bucket_id, MINILM, {"text": "text"})
    images, _ = _collection(ns_api, bucket.bucket_id, FINGERPRINT, {"image": "image"})
    ids = write(server, ns.namespace_id, articles, bucket.bucket_id, ARTICLES)
    ids |= write(server, ns.namespace_id, notes, bucket.bucket_id, NOTES, start=100)
    return Corpus(ns_api, Rest(base_url, api.key, ns.namespace_id), ns.namespace_id, bucket.bucket_id, articles, articles_name, notes, images, ids)


def search_stage(*searches: dict[str, Any], name: str = "search", **parameters: Any) -> dict[str, Any]:
    return {"stage_name": name, "config": {"stage_id": "feature_search", "parameters": {"searches": list(searches), **parameters}}}


def text_search(value: str = "{{INPUT.query}}", **fields: Any) -> dict[str, Any]:
    return {"feature_uri": URI, "query": {"input_mode": "text", "value": value}, **fields}


def create(c: Corpus, stages: list[dict[str, Any]], collections: list[str] | None = None, **fields: Any) -> dict[str, Any]:
    body = {
        "retriever_name": r.unique("ret"),
        "collection_identifiers": collections or [c.articles],
        "stages": stages,
        "input_schema": {"query": {"type": "text", "required": True}},
        **fields,
    }
    response = c.rest.post("/v1/retrievers", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def execute(c: Corpus, retriever_id: str, **body: Any) -> dict[str, Any]:
    response = c.rest.post(f"/v1/retrievers/{retriever_id}/execute", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def ids_of(answer: dict[str, Any]) -> list[str]:
    return [doc["document_id"] for doc in answer["documents"]]


def test_exact_text_comes_first_with_scores_statistics_and_a_cache_hit(corpus: Corpus) -> None:
    c = corpus
    retriever = create(c, [search_stage(text_search(), final_top_k=5)])
    assert retriever["retriever_id"].startswith("ret_") and retriever["collection_ids"] == [c.articles]
    assert retriever["stages"][0]["stage_type"] == "filter" and retriever["stages"][0]["config"]["parameters"]["fusion"] == "rrf"
    text = ARTICLES[7][0]
    first = execute(c, retriever["retriever_id"], inputs={"query": text})
    assert ids_of(first)[0] == c.ids[text]
    top = first["documents"][0]
    assert top["score"] == pytest.approx(1.0, abs=1e-3) and top["text"] == text and top["metadata"]["category"] == "cooking"
    assert [doc["score"] for doc in first["documents"]] == sorted((doc["score"] for doc in first["documents"]), reverse=True)
    assert len(first["documents"]) == 5 and first["pagination"]["total"] == 5
    stats = first["stage_statistics"]["stages"]["search"]
    assert (stats["input_count"], stats["output_count"]) == (0, 5) and stats["duration_ms"] > 0
    assert first["cache_hit"] is False and first["execution_id"].startswith("exec_") and first["status"] == "completed"
    again = execute(c, retriever["retriever_id"], inputs={"query": text})
    assert again["cache_hit"] is True and ids_of(again) == ids_of(first)
    assert first["cached_at"] is None and isinstance(again["cached_at"], float) and abs(again["cached_at"] - time.time()) < 60  # Unix seconds, as Mixpeek
    fresh = c.rest.post(f"/v1/retrievers/{retriever['retriever_id']}/execute?skip_cache=true", json={"inputs": {"query": text}}).json()
    assert fresh["cache_hit"] is False and ids_of(fresh) == ids_of(first)


def test_search_with_pre_filters_request_filters_and_attribute_filter(corpus: Corpus) -> None:
    c = corpus
    pre = {"AND": [{"field": "metadata.category", "operator": "eq", "value": "sport"}]}
    stage = search_stage(text_search(), final_top_k=10)
    stage["config"]["pre_filters"] = pre
    retriever = create(c, [stage])
    answer = execute(c, retriever["retriever_id"], inputs={"query": "volcano ash"})
    assert {doc["metadata"]["category"] for doc in answer["documents"]} == {"sport"} and len(answer["documents"]) == 3

    plain = create(c, [search_stage(text_search(), final_top_k=12), {"stage_name": "recent", "config": {"stage_id": "attribute_filter", "parameters": {"field": "metadata.year", "operator": "gte", "value": 2010}}}])
    found = execute(c, plain["retriever_id"], inputs={"query": "volcano ash"}, limit=50)
    assert found["documents"] and all(doc["metadata"]["year"] >= 2010 for doc in found["documents"])
    assert c.ids[ARTICLES[0][0]] not in ids_of(found)
    stats = found["stage_statistics"]["stages"]
    assert stats["search"]["output_count"] == 12 and stats["recent"]["input_count"] == 12 and stats["recent"]["output_count"] == 7
    narrowed = execute(c, plain["retriever_id"], inputs={"query": "volcano ash"}, filters={"AND": [{"field": "metadata.category", "operator": "eq", "value": "space"}]}, limit=50)
    assert ids_of(narrowed) == [c.ids[ARTICLES[11][0]]]  # space, and 2010 or later


@pytest.mark.parametrize("fusion", ["rrf", "dbsf", "weighted", "max"])
def test_fusion_of_a_text_search_and_a_document_search(corpus: Corpus, fusion: str) -> None:
    c = corpus
    galaxy, pasta = ARTICLES[9][0], ARTICLES[8][0]
    by_text = text_search(top_k=3, weight=1.0)
    by_document = {"feature_uri": URI, "query": {"input_mode": "document", "document_ref": {"collection_id": c.articles_name, "document_id": c.ids[pasta]}}, "top_k": 3, "weight": 0.2}
    retriever = create(c, [search_stage(by_text, by_document, fusion=fusion, final_top_k=6)])
    answer = execute(c, retriever["retriever_id"], inputs={"query": galaxy})
    found = ids_of(answer)
    assert {c.ids[galaxy], c.ids[pasta]} <= set(found) and len(set(found)) == len(found) <= 6
    scores = [doc["score"] for doc in answer["documents"]]
    assert scores == sorted(scores, reverse=True)
    # each search alone, as the oracle of the fused order
    alone = []
    for search in (by_text, by_document):
        single = c.rest.post("/v1/retrievers/execute", json={"collection_identifiers": [c.articles], "stages": [search_stage(search, final_top_k=3)], "inputs": {"query": galaxy}}).json()
        alone.append({doc["document_id"]: doc["score"] for doc in single["documents"]})
    assert next(iter(alone[0])) == c.ids[galaxy] and next(iter(alone[1])) == c.ids[pasta]
    weights = (1.0, 0.2)
    if fusion == "rrf":
        expected = {k: sum(w / (60 + list(r).index(k) + 1) for r, w in zip(alone, weights, strict=True) if k in r) for k in set(alone[0]) | set(alone[1])}
    elif fusion == "weighted":
        expected = {k: sum(w * r.get(k, 0.0) for r, w in zip(alone, weights, strict=True)) for k in set(alone[0]) | set(alone[1])}
    elif fusion == "max":
        expected = {k: max(w * r[k] for r, w in zip(alone, weights, strict=True) if k in r) for k in set(alone[0]) | set(alone[1])}
    else:
        assert found[0] == c.ids[galaxy]  # the best of the heavier search, normalised to 1
        return
    assert found == sorted(expected, key=lambda k: (-expected[k], k))
    assert scores == pytest.approx([expected[k] for k in found], rel=1e-4)


def test_raw_vector_query_and_pages_by_cursor_and_offset_without_duplicates(corpus: Corpus, server: InProcessServer) -> None:
    c = corpus
    (vector,) = _embed(server, [ARTICLES[3][0]])
    search = {"feature_uri": URI, "query": {"input_mode": "vector", "value": "{{INPUT.vector}}"}}
    retriever = create(c, [search_stage(search, final_top_k=12)], input_schema={"vector": {"type": "array", "required": True}})
    seen: list[str] = []
    cursor = None
    while True:
        pagination = {"method": "cursor", "limit": 5, **({"cursor": cursor} if cursor else {})}
        page = execute(c, retriever["retriever_id"], inputs={"vector": vector}, pagination=pagination)
        seen += ids_of(page)
        cursor = page["pagination"].get("cursor")
        if not page["pagination"]["has_next"]:
            assert not cursor
            break
    assert len(seen) == 12 and len(set(seen)) == 12 and seen[0] == c.ids[ARTICLES[3][0]]
    offsets = [ids_of(execute(c, retriever["retriever_id"], inputs={"vector": vector}, pagination={"method": "offset", "page_size": 5, "page_number": n})) for n in (1, 2, 3)]
    assert [i for page in offsets for i in page] == seen
    cursor = execute(c, retriever["retriever_id"], inputs={"vector": vector}, pagination={"method": "cursor", "limit": 2})["pagination"]["cursor"]
    other_query = c.rest.post(f"/v1/retrievers/{retriever['retriever_id']}/execute", json={"inputs": {"vector": [0.5] * 384}, "pagination": {"method": "cursor", "cursor": cursor}})
    assert "pagination.cursor" in _violations(other_query)
    # the execution's record keeps the vector abridged: its first numbers and its length
    record = c.rest.get(f"/v1/retrievers/{retriever['retriever_id']}/executions/{page['execution_id']}").json()
    kept = json.loads(record["inputs"])["vector"]
    assert kept[:8] == pytest.approx(vector[:8]) and kept[8:] == ["... 384 items"]


def test_cache_is_invalidated_by_a_document_write_and_is_per_collection_config(corpus: Corpus) -> None:
    c = corpus
    retriever = create(c, [search_stage(text_search(), final_top_k=3)], collections=[c.notes])
    query = {"query": NOTES[1][0]}
    assert execute(c, retriever["retriever_id"], inputs=query)["cache_hit"] is False
    assert execute(c, retriever["retriever_id"], inputs=query)["cache_hit"] is True
    changed = c.api.call(
        c.api.documents.UpdateDocument,
        dict_to_message({"collection_id": c.notes, "document_id": c.ids[NOTES[1][0]], "update_data": {"metadata.year": 1999}}, document_pb2.UpdateDocumentRequest),
    )
    assert json_format.MessageToDict(changed.document)["metadata"]["year"] == 1999
    after = execute(c, retriever["retriever_id"], inputs=query)
    assert after["cache_hit"] is False and after["documents"][0]["metadata"]["year"] == 1999
    assert execute(c, retriever["retriever_id"], inputs=query)["cache_hit"] is True
    assert execute(c, retriever["retriever_id"], inputs={"query": "another question"})["cache_hit"] is False


def test_invalidation_events_name_collections_made_later_and_background_recompute(corpus: Corpus, server: InProcessServer) -> None:
    """Events naming a collection that does not exist yet invalidate once it is written (names are
    resolved at write time); `background` recomputes the entry without a call, `lazy` on the next."""
    c = corpus
    later = r.unique("later")

    def searched(strategy: str, start: int) -> str:
        events = [{"collection": later, "action": "create", "recompute_strategy": strategy}]
        body = {"collection_name": r.unique("col"), "source": {"type": "bucket", "bucket_id": c.bucket_id}, "feature_extractors": [{**MINILM, "input_mapping": {"text": "text"}}], "cache_config": {"invalidation_events": events}}
        collection_id = r.collection(c.api, body).collection_id
        write(server, c.namespace_id, collection_id, c.bucket_id, NOTES, start=start)
        return collection_id

    query = {"query": NOTES[0][0]}
    lazy, background = (create(c, [search_stage(text_search(), final_top_k=2)], collections=[searched(s, n)])["retriever_id"] for s, n in (("lazy", 200), ("background", 300)))
    for retriever_id in (lazy, background):
        assert [execute(c, retriever_id, inputs=query)["cache_hit"] for _ in range(2)] == [False, True]
    made = r.collection(c.api, {"collection_name": later, "source": {"type": "bucket", "bucket_id": c.bucket_id}, "feature_extractors": [{**MINILM, "input_mapping": {"text": "text"}}]})
    assert execute(c, lazy, inputs=query)["cache_hit"] is True  # made, but nothing written to it yet

    def cached(retriever_id: str) -> bool:
        return bool(c.rest.post(f"/v1/retrievers/{retriever_id}/execute/explain", json={"inputs": query}).json()["would_hit_cache"])

    write(server, c.namespace_id, made.collection_id, c.bucket_id, [("A note written to the later collection.", "garden", 2024)], start=400)
    assert not cached(lazy)
    deadline = time.monotonic() + 30
    while not cached(background):  # recomputed in the background: no call needed
        assert time.monotonic() < deadline, "the background recompute never refreshed the entry"
        time.sleep(0.05)
    assert execute(c, background, inputs=query)["cache_hit"] is True
    assert not cached(lazy) and execute(c, lazy, inputs=query)["cache_hit"] is False


def test_one_search_across_two_collections(corpus: Corpus) -> None:
    c = corpus
    retriever = create(c, [search_stage(text_search(), final_top_k=15)], collections=[c.articles_name, c.notes])
    assert retriever["collection_ids"] == [c.articles, c.notes]
    answer = execute(c, retriever["retriever_id"], inputs={"query": NOTES[0][0]}, limit=15)
    assert ids_of(answer)[0] == c.ids[NOTES[0][0]]
    assert {doc["collection_id"] for doc in answer["documents"]} == {c.articles, c.notes} and len(answer["documents"]) == 15


def test_later_stages_sort_mmr_sample_group(corpus: Corpus) -> None:
    c = corpus
    stages = [
        search_stage(text_search(), final_top_k=12),
        {"stage_name": "diverse", "config": {"stage_id": "mmr", "parameters": {"lambda": 0.5, "top_k": 8}}},
        {"stage_name": "one_per_category", "config": {"stage_id": "group_by", "parameters": {"group_by_field": "metadata.category", "output_mode": "first"}}},
        {"stage_name": "newest", "config": {"stage_id": "sort_attribute", "parameters": {"field": "metadata.year", "direction": "desc"}}},
        {"stage_name": "pick", "config": {"stage_id": "sample", "parameters": {"count": 3, "seed": 7}}},
    ]
    retriever = create(c, stages)
    answer = execute(c, retriever["retriever_id"], inputs={"query": "food and recipes"})
    stats = answer["stage_statistics"]["stages"]
    assert [stats[n]["output_count"] for n in ("search", "diverse")] == [12, 8]
    assert 3 <= stats["one_per_category"]["output_count"] <= 4 and stats["pick"]["output_count"] == 3
    years = [doc["metadata"]["year"] for doc in answer["documents"]]
    assert len(years) == 3 and years == sorted(years, reverse=True)
    assert len({doc["metadata"]["category"] for doc in answer["documents"]}) == 3
    assert all("mmr" in doc["scores"] for doc in answer["documents"])
    assert ids_of(execute(c, retriever["retriever_id"], inputs={"query": "food and recipes"}, skip_cache=True)) == ids_of(answer)


def test_crud_over_grpc_and_rest(corpus: Corpus) -> None:
    c = corpus
    made = c.api.call(
        c.api.retrievers.CreateRetriever,
        dict_to_message({"retriever_name": r.unique("ret"), "collection_identifiers": [c.articles_name], "stages": [search_stage(text_search("{{INPUT.q}}"))], "input_schema": {"q": {"type": "text"}}, "tags": ["a"]}, pb.CreateRetrieverRequest),
    ).retriever
    assert made.retriever_id.startswith("ret_") and made.version == 1 and list(made.collection_ids) == [c.articles]
    by_name = c.rest.get(f"/v1/retrievers/{made.retriever_name}").json()
    assert by_name["retriever_id"] == made.retriever_id and by_name["stages"][0]["config"]["parameters"]["final_top_k"] == 25
    listed = c.rest.post("/v1/retrievers/list", json={"search": made.retriever_name}).json()
    assert [item["retriever_id"] for item in listed["results"]] == [made.retriever_id]
    patched = c.rest.patch(f"/v1/retrievers/{made.retriever_id}", json={"description": "recipes", "input_schema": {"lang": {"type": "string", "default": "en"}}}).json()["retriever"]
    assert patched["description"] == "recipes" and patched["version"] == 2 and set(patched["input_schema"]) == {"q", "lang"}
    refused = c.rest.patch(f"/v1/retrievers/{made.retriever_id}", json={"input_schema": {"q": {"type": "integer"}}})
    assert "input_schema.q" in _violations(refused)
    executed = c.api.call(c.api.retrievers.ExecuteRetriever, dict_to_message({"retriever_id": made.retriever_id, "inputs": {"q": ARTICLES[0][0]}, "limit": 2}, pb.ExecuteRetrieverRequest)).execution
    assert json_format.MessageToDict(executed.documents[0])["document_id"] == c.ids[ARTICLES[0][0]] and len(executed.documents) == 2
    assert executed.stage_statistics.stages["search"].output_count == len(ARTICLES)
    restaged = c.rest.patch(f"/v1/retrievers/{made.retriever_id}", json={"stages": [search_stage(text_search("{{INPUT.q}}"), final_top_k=3)]}).json()["retriever"]
    assert restaged["version"] == 3
    after = c.rest.post(f"/v1/retrievers/{made.retriever_id}/execute", json={"inputs": {"q": ARTICLES[0][0]}, "limit": 10}).json()
    assert len(after["documents"]) == 3 and after["cache_hit"] is False  # the new definition runs at once
    deleted = c.rest.delete(f"/v1/retrievers/{made.retriever_id}").json()
    assert deleted["success"] is True
    error = expect_error(c.api.call, c.api.retrievers.GetRetriever, pb.GetRetrieverRequest(retriever_id=made.retriever_id))
    assert error.code == grpc.StatusCode.NOT_FOUND and error.reason == "RETRIEVER_NOT_FOUND"
    duplicate = create(c, [search_stage(text_search())])
    again = c.rest.post("/v1/retrievers", json={"retriever_name": duplicate["retriever_name"], "collection_identifiers": [c.articles], "stages": [search_stage(text_search())]})
    assert again.status_code == 409


def test_a_cache_hit_over_grpc_answers_what_the_miss_did_page_by_page(corpus: Corpus) -> None:
    """A hit sends the documents as the cached answer keeps them encoded: the same as a miss sends,
    on every page; return_vectors on a hit adds the vectors to that answer only."""
    c = corpus
    retriever = create(c, [search_stage(text_search(), final_top_k=9)])

    def page(number: int, **fields: Any) -> pb.Execution:
        request = {"retriever_id": retriever["retriever_id"], "inputs": {"query": ARTICLES[2][0]}, "pagination": {"method": "offset", "page_size": 4, "page_number": number}, **fields}
        return c.api.call(c.api.retrievers.ExecuteRetriever, dict_to_message(request, pb.ExecuteRetrieverRequest)).execution

    def documents(execution: pb.Execution) -> list[dict[str, Any]]:
        return [json_format.MessageToDict(doc) for doc in execution.documents]

    misses = [page(n, skip_cache=True) for n in (1, 2, 3)]
    hits = [page(n) for n in (1, 2, 3)]
    assert not any(m.cache_hit for m in misses) and all(h.cache_hit for h in hits)
    # gRPC has the time of the cached answer both ways: ISO 8601 and Unix seconds.
    assert not misses[0].cached_at and not misses[0].HasField("cached_at_unix")
    assert clock.to_millis(hits[0].cached_at) == round(hits[0].cached_at_unix * 1000)
    assert [documents(h) for h in hits] == [documents(m) for m in misses]
    assert [len(h.documents) for h in hits] == [4, 4, 1] and documents(hits[0])[0]["document_id"] == c.ids[ARTICLES[2][0]]
    with_vectors = page(1, return_vectors=True)
    assert with_vectors.cache_hit and len(documents(with_vectors)[0]["_vectors"]["all_minilm_l6_v2"]) == 384
    assert "_vectors" not in documents(page(1))[0]


def test_adhoc_execution_explain_and_stage_catalogue(corpus: Corpus) -> None:
    c = corpus
    body = {"collection_identifiers": [c.notes], "stages": [search_stage(text_search("compost for vegetables"), final_top_k=2)]}
    answer = c.rest.post("/v1/retrievers/execute", json=body).json()
    assert ids_of(answer)[0] == c.ids[NOTES[2][0]] and answer["retriever_id"] == "" and len(answer["documents"]) == 2
    stages = c.rest.get("/v1/retrievers/stages").json()
    by_id = {stage["stage_id"]: stage for stage in stages}
    assert set(by_id) >= {"feature_search", "attribute_filter", "sort_attribute", "sort_relevance", "mmr", "sample", "group_by"}
    assert by_id["feature_search"]["parameter_schema"]["properties"]["fusion"]["enum"] == ["rrf", "dbsf", "weighted", "max"]
    assert by_id["mmr"]["category"] == "sort" and by_id["sample"]["parameter_schema"]["properties"]["count"]["maximum"] == 1000
    over_grpc = c.api.call(c.api.retrievers.ListRetrieverStages, pb.ListRetrieverStagesRequest())
    assert [s.stage_id for s in over_grpc.stages] == [s["stage_id"] for s in stages]
    retriever = create(c, [search_stage(text_search(), final_top_k=4)])
    explained = c.rest.post(f"/v1/retrievers/{retriever['retriever_id']}/execute/explain", json={"inputs": {"query": "x"}}).json()
    assert explained["execution_plan"][0]["max_output"] == 4 and URI in explained["execution_plan"][0]["description"] and explained["would_hit_cache"] is False
    execute(c, retriever["retriever_id"], inputs={"query": "x"})
    assert c.rest.post(f"/v1/retrievers/{retriever['retriever_id']}/execute/explain", json={"inputs": {"query": "x"}}).json()["would_hit_cache"] is True


def _violations(response: Any) -> str:
    return str(envelope(response, 400, "BadRequestError"))


def test_bad_input_names_the_field_and_creates_nothing(corpus: Corpus) -> None:
    c = corpus
    name = r.unique("ret")

    def attempt(stages: list[dict[str, Any]], **fields: Any) -> Any:
        return c.rest.post("/v1/retrievers", json={"retriever_name": name, "collection_identifiers": [c.articles], "stages": stages, **fields})

    assert "stages[0].config.stage_id" in (v := _violations(attempt([{"stage_name": "x", "config": {"stage_id": "teleport"}}]))) and "teleport" in v
    other = "mixpeek://text_extractor@v1/multilingual_e5_large_instruct_v1"
    assert "stages[0].config.parameters.searches[0].feature_uri" in _violations(attempt([search_stage({"feature_uri": other, "query": {"value": "x"}})]))
    assert "searches[0].top_k" in _violations(attempt([search_stage(text_search(top_k=0))]))
    assert "final_top_k" in _violations(attempt([search_stage(text_search(), final_top_k=5001)]))
    assert "fusion" in _violations(attempt([search_stage(text_search(), fusion="average")]))
    assert "stages[1].config.parameters.lambda" in _violations(attempt([search_stage(text_search()), {"stage_name": "m", "config": {"stage_id": "mmr", "parameters": {"lambda": 2}}}]))
    assert "stages[1].config.parameters.field" in _violations(attempt([search_stage(text_search()), {"stage_name": "f", "config": {"stage_id": "attribute_filter", "parameters": {"field": "metadata.nope", "value": 1}}}]))
    assert "stages[0].config.parameters.colour" in _violations(attempt([search_stage(text_search(), colour="red")]))
    assert "stages[0].config.parameters.searches" in _violations(attempt([search_stage(final_top_k="{{INPUT.k}}") | {"config": {"stage_id": "feature_search", "parameters": {"searches": "{{INPUT.s}}"}}}]))
    assert "searches[0].query" in _violations(attempt([search_stage({"feature_uri": URI, "query": "{{INPUT.q}}"})]))
    assert c.rest.get(f"/v1/retrievers/{name}").status_code == 404

    retriever = create(c, [search_stage({"feature_uri": URI, "query": {"input_mode": "vector", "value": "{{INPUT.query}}"}})], input_schema={"query": {"type": "array", "required": True}})
    wrong_size = c.rest.post(f"/v1/retrievers/{retriever['retriever_id']}/execute", json={"inputs": {"query": [0.1, 0.2]}})
    assert "stages[0].config.parameters.searches[0].query.value" in (v := _violations(wrong_size)) and "384" in v
    missing = c.rest.post(f"/v1/retrievers/{retriever['retriever_id']}/execute", json={"inputs": {}})
    assert "inputs.query" in _violations(missing)
    typed = c.rest.post(f"/v1/retrievers/{retriever['retriever_id']}/execute", json={"inputs": {"query": "words"}})
    assert "inputs.query" in _violations(typed)
    big_page = c.rest.post(f"/v1/retrievers/{retriever['retriever_id']}/execute", json={"inputs": {"query": [0.0] * 384}, "limit": 501})
    assert "limit" in _violations(big_page)

    image_uri = "mixpeek://image_fingerprint@v1/image_fingerprint_v1"
    images = create(c, [search_stage({"feature_uri": image_uri, "query": {"input_mode": "text", "value": "{{INPUT.query}}"}})], collections=[c.images])
    modality = c.rest.post(f"/v1/retrievers/{images['retriever_id']}/execute", json={"inputs": {"query": "a red shoe"}})
    assert "searches[0].query.input_mode" in _violations(modality)


def test_parameters_from_inputs_are_checked_at_execution_naming_the_field(corpus: Corpus) -> None:
    """A template passes create; the value an input gives it is checked on each execution, over
    REST and gRPC alike (INVALID_ARGUMENT naming the parameter), and nothing runs."""
    c = corpus
    stage = search_stage(text_search(top_k="{{INPUT.k}}"), final_top_k="{{INPUT.k}}")
    retriever = create(c, [stage], input_schema={"query": {"type": "text", "required": True}, "k": {"type": "integer", "default": 3}})
    assert len(execute(c, retriever["retriever_id"], inputs={"query": "volcano"})["documents"]) == 3
    over = c.rest.post(f"/v1/retrievers/{retriever['retriever_id']}/execute", json={"inputs": {"query": "volcano", "k": 5001}})
    assert "stages[0].config.parameters.final_top_k" in (v := _violations(over)) and "stages[0].config.parameters.searches[0].top_k" in v
    request = dict_to_message({"retriever_id": retriever["retriever_id"], "inputs": {"query": "volcano", "k": 0}}, pb.ExecuteRetrieverRequest)
    error = expect_error(c.api.call, c.api.retrievers.ExecuteRetriever, request)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT and "stages[0].config.parameters.final_top_k" in error.violations
    wrong_size = dict_to_message({"collection_identifiers": [c.articles], "stages": [search_stage({"feature_uri": URI, "query": {"input_mode": "vector", "value": [0.5] * 10}})]}, pb.ExecuteAdhocRetrieverRequest)
    error = expect_error(c.api.call, c.api.retrievers.ExecuteAdhocRetriever, wrong_size)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT and "stages[0].config.parameters.searches[0].query.value" in error.violations


def test_another_organization_sees_nothing(corpus: Corpus, root: Api, base_url: str) -> None:
    c = corpus
    retriever = create(c, [search_stage(text_search())])
    stranger_api = new_org_api(root)
    ns = r.namespace(stranger_api, extractors=[MINILM])
    stranger = Rest(base_url, stranger_api.key, ns.namespace_id)
    for response in (
        stranger.get(f"/v1/retrievers/{retriever['retriever_id']}"),
        stranger.post(f"/v1/retrievers/{retriever['retriever_id']}/execute", json={"inputs": {"query": "x"}}),
        stranger.delete(f"/v1/retrievers/{retriever['retriever_id']}"),
    ):
        assert response.status_code == 404, response.text
    stolen = stranger.post("/v1/retrievers", json={"retriever_name": "steal", "collection_identifiers": [c.articles], "stages": [search_stage(text_search())]})
    assert "not found" in envelope(stolen, 404, "NotFoundError")["message"]
    foreign_header = Rest(base_url, stranger_api.key, c.namespace_id)
    assert foreign_header.post(f"/v1/retrievers/{retriever['retriever_id']}/execute", json={"inputs": {"query": "x"}}).status_code == 404
    assert stranger.get("/v1/retrievers").json()["results"] == []
    # a document search naming the other organization's document: not found, by collection or by ID
    own_bucket = r.bucket(stranger_api.in_namespace(ns.namespace_id), SCHEMA)
    own, _ = _collection(stranger_api.in_namespace(ns.namespace_id), own_bucket.bucket_id, MINILM, {"text": "text"})
    victim = c.ids[ARTICLES[0][0]]
    for ref in ({"collection_id": c.articles, "document_id": victim}, {"collection_id": own, "document_id": victim}):
        by_document = {"feature_uri": URI, "query": {"input_mode": "document", "document_ref": ref}}
        answer = stranger.post("/v1/retrievers/execute", json={"collection_identifiers": [own], "stages": [search_stage(by_document)]})
        assert envelope(answer, 404, "NotFoundError")["details"]["reason"] in ("COLLECTION_NOT_FOUND", "DOCUMENT_NOT_FOUND")
    assert c.rest.get(f"/v1/retrievers/{retriever['retriever_id']}").status_code == 200


def test_documents_made_by_processing_are_found_and_a_new_run_invalidates_the_cache(root: Api, base_url: str) -> None:
    """The whole path: objects, a collection trigger (real extraction and writer in the task engine),
    then retrieval; another trigger's writes invalidate the cached answer."""
    rest = namespace_rest(base_url, new_org_api(root).key)
    texts = [text for text, _, _ in ARTICLES]
    bucket_id, _ = setup_bucket(rest, texts)
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    assert wait_task(rest, rest.post(f"/v1/collections/{collection_id}/trigger", json={}).json()["task_id"])["status"] == "COMPLETED"
    body = {"retriever_name": r.unique("ret"), "collection_identifiers": [collection_id], "stages": [search_stage(text_search(), final_top_k=3)], "input_schema": {"query": {"type": "text", "required": True}}}
    retriever = rest.post("/v1/retrievers", json=body).json()
    run = f"/v1/retrievers/{retriever['retriever_id']}/execute"
    exact = rest.post(run, json={"inputs": {"query": ARTICLES[5][0]}}).json()
    assert exact["documents"][0]["text"] == ARTICLES[5][0] and exact["documents"][0]["score"] == pytest.approx(1.0, abs=1e-3)
    query = {"inputs": {"query": NOTES[2][0]}}
    first = rest.post(run, json=query).json()
    assert first["cache_hit"] is False and len(first["documents"]) == 3 and all(doc["text"] in texts for doc in first["documents"])
    assert rest.post(run, json=query).json()["cache_hit"] is True
    created = rest.post(f"/v1/buckets/{bucket_id}/objects", json={"blobs": [{"property": "content", "type": "text", "data": NOTES[2][0]}]})
    assert created.status_code == 200, created.text
    triggered = rest.post(f"/v1/collections/{collection_id}/trigger", json={"object_ids": [created.json()["object_id"]]}).json()
    assert wait_task(rest, triggered["task_id"])["status"] == "COMPLETED"
    after = rest.post(run, json=query).json()
    assert after["cache_hit"] is False and after["documents"][0]["text"] == NOTES[2][0]
    assert rest.post(run, json=query).json()["cache_hit"] is True
    deleted = rest.delete(f"/v1/collections/{collection_id}")
    assert deleted.status_code == 200, deleted.text
    gone = rest.post(run, json=query).json()  # a deleted collection's documents are never served from the cache
    assert gone["cache_hit"] is False and gone["documents"] == []


def test_a_batch_over_grpc_answers_each_query_and_fails_only_the_bad_one(corpus: Corpus) -> None:
    """Each query as ExecuteRetriever answers it; a query whose input makes a stage parameter
    invalid answers INVALID_ARGUMENT naming that parameter, and the others are answered."""
    c = corpus
    stage = search_stage(text_search(top_k="{{INPUT.k}}"), final_top_k="{{INPUT.k}}")
    retriever = create(c, [stage], input_schema={"query": {"type": "text", "required": True}, "k": {"type": "integer", "default": 3}})
    queries = [{"inputs": {"query": "volcano"}}, {"inputs": {"query": "volcano", "k": 0}}, {"inputs": {"query": "pasta", "k": 2}}]
    request = dict_to_message({"retriever_id": retriever["retriever_name"], "queries": queries, "concurrency": 3}, pb.ExecuteBatchRetrieverRequest)
    batch = c.api.call(c.api.retrievers.ExecuteBatchRetriever, request)
    assert (batch.retriever_id, batch.total_queries, batch.succeeded, batch.failed) == (retriever["retriever_id"], 3, 2, 1)
    assert [len(x.execution.documents) for x in batch.results] == [3, 0, 2] and [x.status for x in batch.results] == ["completed", "failed", "completed"]
    assert batch.results[2].execution.documents[0]["document_id"] == c.ids[ARTICLES[8][0]]
    error = batch.results[1].error
    assert error.code == "INVALID_ARGUMENT" and "stages[0].config.parameters.final_top_k" in [v.field for v in error.field_violations]
    for bad, field in (({"queries": []}, "queries"), ({"queries": queries[:1], "concurrency": 21}, "concurrency"), ({"queries": queries[:1], "settings": {"limit": 501}}, "settings.limit")):
        failure = expect_error(c.api.call, c.api.retrievers.ExecuteBatchRetriever, dict_to_message({"retriever_id": retriever["retriever_id"], **bad}, pb.ExecuteBatchRetrieverRequest))
        assert failure.code == grpc.StatusCode.INVALID_ARGUMENT and field in failure.violations


@pytest.mark.slow  # waits out a slow record write and a record's time to live
def test_execution_records_stay_off_the_execute_path_and_never_fail_it(corpus: Corpus, server: InProcessServer) -> None:
    """A record is written in the background: a slow write does not delay the answer (a read waits
    for it), a failed write loses the record and not the execution."""
    c = corpus
    retriever_id = create(c, [search_stage(text_search(), final_top_k=3)])["retriever_id"]
    faults = server.app.faults
    faults.arm("executions.write", "sleep:3")
    try:
        started = time.monotonic()
        slow = execute(c, retriever_id, inputs={"query": "volcano"})
        assert time.monotonic() - started < 2.5 and len(slow["documents"]) == 3
    finally:
        faults.disarm("executions.write")
    assert c.rest.get(f"/v1/retrievers/{retriever_id}/executions/{slow['execution_id']}").json()["total_returned"] == 3
    faults.arm("executions.write", "fail")
    try:
        lost = execute(c, retriever_id, inputs={"query": "glacier"})
        assert len(lost["documents"]) == 3
        assert c.rest.get(f"/v1/retrievers/{retriever_id}/executions/{lost['execution_id']}").status_code == 404
    finally:
        faults.disarm("executions.write")
    kept = execute(c, retriever_id, inputs={"query": "comet"})
    over_grpc = c.api.call(c.api.retrievers.GetRetrieverExecution, pb.GetRetrieverExecutionRequest(retriever_id=retriever_id, execution_id=kept["execution_id"])).execution
    assert (over_grpc.status, over_grpc.total_returned, over_grpc.stage_statistics.stages["search"].output_count) == ("completed", 3, 3)


@pytest.mark.slow  # waits out a record's time to live
def test_an_organization_keeps_its_newest_records_for_their_time_to_live(corpus: Corpus, server: InProcessServer) -> None:
    c = corpus
    retriever_id = create(c, [search_stage(text_search(), final_top_k=2)])["retriever_id"]
    log = server.app.usecases.retrievers.executions
    retention, ttl = log.retention, log.ttl_seconds
    log.retention = 3
    try:
        ids = [execute(c, retriever_id, inputs={"query": f"volcano {i}"})["execution_id"] for i in range(5)]
        listed = c.rest.post(f"/v1/retrievers/{retriever_id}/executions/list", json={}).json()
        assert [x["execution_id"] for x in listed["results"]] == ids[:1:-1] and listed["pagination"]["total"] == 3
        log.ttl_seconds = 2
        short = execute(c, retriever_id, inputs={"query": "volcano short"})["execution_id"]
        assert c.rest.get(f"/v1/retrievers/{retriever_id}/executions/{short}").status_code == 200
        time.sleep(2.2)
        assert c.rest.get(f"/v1/retrievers/{retriever_id}/executions/{short}").status_code == 404  # expired, though not yet pruned
    finally:
        log.retention, log.ttl_seconds = retention, ttl


def test_execution_records_and_typeahead_over_grpc(corpus: Corpus) -> None:
    c = corpus
    retriever = create(c, [search_stage(text_search(), final_top_k=4)])
    ran = [execute(c, retriever["retriever_id"], inputs={"query": q})["execution_id"] for q in ("Zephyr winds over comets", "zephyr winds over comets")]
    listed = c.api.call(c.api.retrievers.ListRetrieverExecutions, dict_to_message({"retriever_id": retriever["retriever_name"], "limit": 1}, pb.ListRetrieverExecutionsRequest))
    assert [x.execution_id for x in listed.results] == ran[1:] and listed.total == 2 and listed.pagination.has_next
    following = c.api.call(c.api.retrievers.ListRetrieverExecutions, pb.ListRetrieverExecutionsRequest(retriever_id=retriever["retriever_id"], cursor=listed.pagination.next_cursor))
    assert [x.execution_id for x in following.results] == ran[:1] and not following.pagination.has_next
    profile = c.api.call(c.api.retrievers.GetExecutionProfile, pb.GetExecutionProfileRequest(retriever_id=retriever["retriever_id"], execution_id=ran[0]))
    assert [s["output_count"] for s in profile.query_profile["stages"]] == [4]
    suggested = c.api.call(c.api.retrievers.Typeahead, pb.TypeaheadRequest(q="zEph", fields="metadata.category"))
    assert list(suggested.recent_searches) == ["zephyr winds over comets"] and list(suggested.values) == []
    other_retriever = create(c, [search_stage(text_search())])["retriever_id"]  # another retriever's records are not its own
    error = expect_error(c.api.call, c.api.retrievers.GetRetrieverExecution, pb.GetRetrieverExecutionRequest(retriever_id=other_retriever, execution_id=ran[0]))
    assert error.code == grpc.StatusCode.NOT_FOUND and error.reason == "EXECUTION_NOT_FOUND"
    adhoc = expect_error(c.api.call, c.api.retrievers.GetAdhocExecution, pb.GetAdhocExecutionRequest(execution_id=ran[0]))  # a saved retriever's is not ad hoc
    assert adhoc.code == grpc.StatusCode.NOT_FOUND
