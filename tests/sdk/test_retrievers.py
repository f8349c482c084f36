"""Retrievers through Mixpeek's SDK: create, read, list, change, execute (fresh and from the cache, with
the explain plan), explain, ad hoc executions, the public stage catalogue and delete, through the
typed API (every answer parsed into the SDK's models) and the high-level client. The documents are
real texts embedded by the packaged MiniLM model, written as processing writes them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mixpeek
import pytest
from mixpeek._client.client import MixpeekAPIError
from mixpeek.exceptions import ApiException

from tests.conftest import new_org_api
from tests.integration.test_retrievers import ARTICLES, MINILM, SCHEMA, URI, write
from tests.sdk.conftest import TypedSdk
from tests.support import resources as r
from tests.support.api import Api
from tests.support.rest import Rest
from tests.support.servers import InProcessServer

QUERY_SCHEMA = {"query": {"type": "text", "required": True}}


@dataclass
class Corpus:
    key: str
    namespace_id: str
    collection_id: str


@pytest.fixture(scope="module")
def corpus(root: Api, server: InProcessServer) -> Corpus:
    api = new_org_api(root, admin=True)
    ns = r.namespace(api, extractors=[MINILM])
    scoped = api.in_namespace(ns.namespace_id)
    bucket = r.bucket(scoped, SCHEMA)
    body = {"collection_name": r.unique("col"), "source": {"type": "bucket", "bucket_id": bucket.bucket_id}, "feature_extractors": [{**MINILM, "input_mapping": {"text": "text"}}]}
    collection_id = r.collection(scoped, body).collection_id
    write(server, ns.namespace_id, collection_id, bucket.bucket_id, ARTICLES[:6])
    return Corpus(api.key, ns.namespace_id, collection_id)


def search_stage(top_k: int = 3) -> dict[str, Any]:
    return {"stage_name": "search", "config": {"stage_id": "feature_search", "parameters": {"searches": [{"feature_uri": URI, "query": {"input_mode": "text", "value": "{{INPUT.query}}"}}], "final_top_k": top_k}}}


def sort_stage() -> dict[str, Any]:
    return {"stage_name": "by_year", "config": {"stage_id": "sort_attribute", "parameters": {"field": "metadata.year", "direction": "desc"}}}


@pytest.fixture
def sdk(base_url: str, corpus: Corpus) -> TypedSdk:
    return TypedSdk(base_url, corpus.key, corpus.namespace_id)


def test_retriever_flow_through_the_typed_api(sdk: TypedSdk, corpus: Corpus) -> None:
    retrievers = sdk.api(mixpeek.RetrieversApi)
    request = mixpeek.CreateRetrieverRequest(
        retriever_name=r.unique("ret"),
        collection_identifiers=[corpus.collection_id],
        stages=[mixpeek.StageConfigInput.from_dict(search_stage()), mixpeek.StageConfigInput.from_dict(sort_stage())],
        input_schema={"query": mixpeek.RetrieverInputSchemaFieldInput.from_dict(QUERY_SCHEMA["query"])},
        tags=["sdk"],
    )
    assert request.to_dict()["requires_subscription"] is False  # what the SDK always sends
    created = retrievers.create_retriever(request)
    assert isinstance(created, mixpeek.RetrieverConfig) and created.collection_ids == [corpus.collection_id]
    retriever_id = created.retriever_id

    # A fresh run with the explain plan, then the same query from the cache.
    first = retrievers.execute_retriever(retriever_id, mixpeek.ExecuteRetrieverRequest(inputs={"query": "volcanic eruption"}, explain=True))
    assert isinstance(first, mixpeek.ExecuteRetrieverResponse) and first.status == "completed" and not first.cache_hit
    assert len(first.documents) == 3 and first.cached_at is None
    years = [d["metadata"]["year"] for d in first.documents]
    assert years == sorted(years, reverse=True)
    search = first.stage_statistics.stages["search"]
    assert (search.input_count, search.output_count, search.efficiency) == (0, 3, 0)
    by_year = first.stage_statistics.stages["by_year"]
    assert (by_year.input_count, by_year.output_count, by_year.efficiency) == (3, 3, 1)
    plan = first.explain_plan
    assert [(s["stage_name"], s["stage_id"], s["stage_type"], s["output_count"]) for s in plan["stages"]] == [("search", "feature_search", "filter", 3), ("by_year", "sort_attribute", "sort", 3)]
    again = retrievers.execute_retriever(retriever_id, mixpeek.ExecuteRetrieverRequest(inputs={"query": "volcanic eruption"}))
    assert again.cache_hit and isinstance(again.cached_at, float) and again.cached_at > 1.7e9
    assert [d["document_id"] for d in again.documents] == [d["document_id"] for d in first.documents] and again.explain_plan is None
    flagged = Rest(sdk.base_url, sdk.key, corpus.namespace_id).post(f"/v1/retrievers/{retriever_id}/execute?explain=true", json={"inputs": {"query": "volcanic eruption"}})
    assert flagged.json()["explain_plan"]["cache_hit"] is True  # the flag in the query string, as Mixpeek also takes it

    # Read consistency: strong (or a write token) computes the answer again; eventual may take the
    # cache, unless the cached answer is older than max_staleness_ms.
    query = {"query": "volcanic eruption"}
    assert again.consistency_mode == "eventual" and first.consistency_mode == "strong"
    strong = retrievers.execute_retriever(retriever_id, mixpeek.ExecuteRetrieverRequest(inputs=query, consistency=mixpeek.ReadConsistencyOption(mode="strong")))
    assert (strong.cache_hit, strong.consistency_mode) == (False, "strong")
    assert not retrievers.execute_retriever(retriever_id, mixpeek.ExecuteRetrieverRequest(inputs=query, write_token="wt_anything")).cache_hit
    eventual = retrievers.execute_retriever(retriever_id, mixpeek.ExecuteRetrieverRequest(inputs=query, consistency=mixpeek.ReadConsistencyOption(mode="eventual", max_staleness_ms=60_000)))
    assert (eventual.cache_hit, eventual.consistency_mode) == (True, "eventual")
    fresh = retrievers.execute_retriever(retriever_id, mixpeek.ExecuteRetrieverRequest(inputs=query, consistency=mixpeek.ReadConsistencyOption(mode="eventual", max_staleness_ms=1)))
    assert not fresh.cache_hit
    with pytest.raises(ApiException) as bad_mode:
        retrievers.execute_retriever(retriever_id, mixpeek.ExecuteRetrieverRequest(inputs=query, consistency=mixpeek.ReadConsistencyOption.model_construct(mode="bounded")))  # past the SDK's own check
    assert bad_mode.value.status == 400 and "consistency.mode" in bad_mode.value.body

    # Explain reads the cached run's flow; with other inputs it estimates from the document count.
    explained = retrievers.explain_retriever_execution_id_execute(retriever_id, mixpeek.ExplainRetrieverRequest(inputs={"query": "volcanic eruption"}))
    assert isinstance(explained, mixpeek.ExplainRetrieverResponse) and explained.total_estimated_stages == 2
    assert [(p.stage_index, p.estimated_input, p.estimated_output, p.cache_likely) for p in explained.execution_plan] == [(0, 0, 3, True), (1, 3, 3, True)]
    assert explained.estimated_cost["total_credits"] == 0
    estimated = retrievers.explain_retriever_execution_id_execute(retriever_id, mixpeek.ExplainRetrieverRequest(inputs={"query": "tennis"}))
    assert [(p.estimated_input, p.estimated_output, p.estimated_efficiency, p.cache_likely) for p in estimated.execution_plan] == [(6, 3, 0.5, False), (3, 3, 1, False)]

    # Streaming is refused naming the field, and changes nothing.
    with pytest.raises(ApiException) as streamed:
        retrievers.execute_retriever(retriever_id, mixpeek.ExecuteRetrieverRequest(inputs={"query": "x"}, stream=True))
    assert streamed.value.status == 400 and "stream" in streamed.value.body

    assert retrievers.get_retriever(retriever_id).retriever_name == created.retriever_name
    listed = retrievers.list_retrievers()
    assert isinstance(listed, mixpeek.ListRetrieversResponse) and [x.retriever_id for x in listed.results] == [retriever_id]
    searched = retrievers.list_retrievers(page_size=5, list_retrievers_request=mixpeek.ListRetrieversRequest(search=created.retriever_name, sort=mixpeek.SortOption(field="created_at", direction="desc")))
    assert [x.retriever_id for x in searched.results] == [retriever_id]
    assert retrievers.list_retrievers(list_retrievers_request=mixpeek.ListRetrieversRequest(search="no such retriever")).results == []
    assert [[x.retriever_id for x in retrievers.list_retrievers(page_size=1, page=p).results] for p in (1, 2)] == [[retriever_id], []]

    # Pages through the SDK's pagination models.
    offset = mixpeek.Pagination1(mixpeek.OffsetPaginationParams(page_size=2, page_number=2))
    second = retrievers.execute_retriever(retriever_id, mixpeek.ExecuteRetrieverRequest(inputs={"query": "volcanic eruption"}, pagination=offset))
    assert [d["document_id"] for d in second.documents] == [first.documents[2]["document_id"]] and second.pagination["page_number"] == 2
    cursor = mixpeek.Pagination1(mixpeek.CursorPaginationParams(limit=2))
    head = retrievers.execute_retriever(retriever_id, mixpeek.ExecuteRetrieverRequest(inputs={"query": "volcanic eruption"}, pagination=cursor))
    rest = mixpeek.Pagination1(mixpeek.CursorPaginationParams(limit=2, cursor=head.pagination["cursor"]))
    tail = retrievers.execute_retriever(retriever_id, mixpeek.ExecuteRetrieverRequest(inputs={"query": "volcanic eruption"}, pagination=rest))
    assert [d["document_id"] for d in head.documents + tail.documents] == [d["document_id"] for d in first.documents]
    patched = retrievers.patch_retriever(retriever_id, mixpeek.PatchRetrieverRequest(description="changed"))
    assert patched.retriever.description == "changed"

    # A clone copies the definition; the fields given replace the source's.
    clone = retrievers.clone_retriever(retriever_id, mixpeek.CloneRetrieverRequest(retriever_name=r.unique("ret"), stages=[mixpeek.StageConfigInput.from_dict(search_stage(1))]))
    assert isinstance(clone, mixpeek.CloneRetrieverResponse) and clone.source_retriever_id == retriever_id
    copy = clone.retriever
    assert copy.retriever_id != retriever_id and (copy.description, copy.tags, copy.collection_ids, copy.version) == ("changed", ["sdk"], [corpus.collection_id], 1)
    assert [s_.stage_name for s_ in copy.stages] == ["search"] and "query" in copy.input_schema
    assert len(retrievers.execute_retriever(copy.retriever_id, mixpeek.ExecuteRetrieverRequest(inputs={"query": "volcanic eruption"})).documents) == 1
    with pytest.raises(ApiException) as taken:
        retrievers.clone_retriever(retriever_id, mixpeek.CloneRetrieverRequest(retriever_name=copy.retriever_name))
    assert taken.value.status == 409
    retrievers.delete_retriever(copy.retriever_id)
    deleted = retrievers.delete_retriever(retriever_id)
    assert deleted["success"] is True


def test_create_refuses_a_subscription(sdk: TypedSdk, corpus: Corpus) -> None:
    retrievers = sdk.api(mixpeek.RetrieversApi)
    name = r.unique("ret")
    request = mixpeek.CreateRetrieverRequest(retriever_name=name, collection_identifiers=[corpus.collection_id], stages=[mixpeek.StageConfigInput.from_dict(search_stage())], requires_subscription=True)
    with pytest.raises(ApiException) as refused:
        retrievers.create_retriever(request)
    assert refused.value.status == 400 and "requires_subscription" in refused.value.body
    assert name not in [x.retriever_name for x in retrievers.list_retrievers().results]


def test_adhoc_execution(sdk: TypedSdk, corpus: Corpus) -> None:
    adhoc = sdk.api(mixpeek.AdhocRetrieversApi)
    request = mixpeek.AdhocExecuteRequest(
        collection_identifiers=[corpus.collection_id],
        stages=[mixpeek.StageConfigInput.from_dict(search_stage(2))],
        input_schema={"query": mixpeek.RetrieverInputSchemaFieldInput.from_dict(QUERY_SCHEMA["query"])},
        inputs={"query": "football match"},
    )
    answer = adhoc.execute_adhoc_retriever(request, return_presigned_urls=True)
    assert len(answer["documents"]) == 2 and answer["stage_statistics"]["stages"]["search"]["output_count"] == 2
    with pytest.raises(ApiException) as streamed:
        adhoc.execute_adhoc_retriever(mixpeek.AdhocExecuteRequest.from_dict({**request.to_dict(), "stream": True}))
    assert streamed.value.status == 400 and "stream" in streamed.value.body


def test_retrievers_through_the_high_level_client(base_url: str, corpus: Corpus) -> None:
    mp = mixpeek.Mixpeek(corpus.key, base_url=f"{base_url}/v1", namespace=corpus.namespace_id)
    created = mp.retrievers.create(retriever_name=r.unique("ret"), stages=[search_stage(2)], collection_identifiers=[corpus.collection_id], input_schema=QUERY_SCHEMA)
    retriever_id = created["retriever_id"]
    assert mp.retrievers.get(retriever_id)["retriever_id"] == retriever_id
    executed = mp.retrievers.execute(retriever_id, inputs={"query": "tennis reflexes"}, return_vectors=True)
    best = executed["documents"][0]
    assert len(executed["documents"]) == 2 and best["text"] == "Tennis players need fast reflexes and stamina."
    ran = mp.retrievers.run(retriever_id, inputs={"query": "tennis reflexes"})
    assert ran["cache_hit"] is True and [d["document_id"] for d in ran["documents"]] == [d["document_id"] for d in executed["documents"]]
    clone = mp.retrievers.clone(retriever_id, retriever_name=r.unique("ret"), description="a copy")
    assert clone["source_retriever_id"] == retriever_id and clone["retriever"]["description"] == "a copy"
    assert mp.retrievers.delete(clone["retriever"]["retriever_id"])["success"] is True
    assert mp.retrievers.delete(retriever_id)["success"] is True

    # search() with queries: an ephemeral retriever (created, executed and deleted by the client); the
    # collections come in the create body (keyword arguments), as vecplane's retrievers need them.
    text = {"feature_uri": URI, "query": {"input_mode": "text", "value": "tennis reflexes"}}
    found = mp.search(namespace_id=corpus.namespace_id, queries=[text], limit=2, collection_identifiers=[corpus.collection_id])
    assert [d["document_id"] for d in found["documents"]] == [d["document_id"] for d in executed["documents"]]
    vector = {"vector_name": URI, "vector": best["_vectors"]["all_minilm_l6_v2"]}  # the vector-store docs' spelling
    found = mp.search(namespace_id=corpus.namespace_id, queries=[vector], limit=1, collection_identifiers=[corpus.collection_id])
    assert [d["document_id"] for d in found["documents"]] == [best["document_id"]]
    assert not [x for x in mp.retrievers.list()["results"] if x["retriever_name"].startswith("sdk-byov-search-")]  # each deleted
    with pytest.raises(MixpeekAPIError) as without:  # a vecplane retriever searches named collections
        mp.search(namespace_id=corpus.namespace_id, queries=[text])
    assert without.value.status == 400 and "collection_identifiers" in str(without.value.detail)
    # search("text") sends stages of a shape no current API defines (README: Mixpeek SDK compatibility).
    with pytest.raises(MixpeekAPIError) as legacy:
        mp.search("tennis", collection=corpus.collection_id)
    assert legacy.value.status == 422 and {"type", "feature_extractor", "query"} <= {e["location"][-1] for e in legacy.value.detail["error"]["details"]["validation_errors"]}


def test_the_stage_catalogue_is_public(base_url: str) -> None:
    anonymous = mixpeek.ApiClient(mixpeek.Configuration(host=base_url))  # the SDK sends no key there
    stages = mixpeek.RetrieverStagesApi(anonymous).list_stages_retrievers()
    assert all(isinstance(s, mixpeek.RetrieverStageDefinition) for s in stages)
    assert {"feature_search", "attribute_filter", "sort_attribute", "mmr", "sample", "group_by"} <= {s.stage_id for s in stages}
    with pytest.raises(ApiException) as refused:  # a key that is sent is checked
        mixpeek.RetrieverStagesApi(anonymous).list_stages_retrievers(_headers={"Authorization": "Bearer sk_not_a_key"})
    assert refused.value.status == 401


def test_batch_execution_answers_each_query_as_execute_does(sdk: TypedSdk, corpus: Corpus, base_url: str, root: Api) -> None:
    retrievers = sdk.api(mixpeek.RetrieversApi)
    created = retrievers.create_retriever(
        mixpeek.CreateRetrieverRequest(
            retriever_name=r.unique("ret"),
            collection_identifiers=[corpus.collection_id],
            stages=[mixpeek.StageConfigInput.from_dict(search_stage(5))],
            input_schema={"query": mixpeek.RetrieverInputSchemaFieldInput.from_dict(QUERY_SCHEMA["query"])},
        )
    )
    retriever_id = created.retriever_id
    sport = {"AND": [{"field": "metadata.category", "operator": "eq", "value": "sport"}]}
    queries = [
        mixpeek.BatchQueryItem(inputs={"query": "volcanic eruption"}),
        mixpeek.BatchQueryItem(inputs={"query": "x", "qurey": "volcanic eruption"}),  # an unknown input: this query alone fails
        mixpeek.BatchQueryItem(inputs={"query": "volcanic eruption"}, filters=sport),
    ]
    batch = retrievers.execute_batch_retrievers(retriever_id, mixpeek.ExecuteBatchRequest(queries=queries, settings={"limit": 2}, concurrency=2))
    assert (batch["retriever_id"], batch["total_queries"], batch["succeeded"], batch["failed"]) == (retriever_id, 3, 2, 1)
    first, missing, filtered = batch["results"]
    assert [x["query_index"] for x in batch["results"]] == [0, 1, 2] and [x["status"] for x in batch["results"]] == ["completed", "failed", "completed"]
    single = retrievers.execute_retriever(retriever_id, mixpeek.ExecuteRetrieverRequest(inputs={"query": "volcanic eruption"}, limit=2, skip_cache=True))
    assert [d["document_id"] for d in first["execution"]["documents"]] == [d["document_id"] for d in single.documents]
    assert mixpeek.ExecuteRetrieverResponse.from_dict(first["execution"]).pagination["returned"] == 2  # each answer parses as execute's
    assert missing["error"]["code"] == "INVALID_ARGUMENT" and [v["field"] for v in missing["error"]["field_violations"]] == ["queries[1].inputs.qurey"]
    assert {d["metadata"]["category"] for d in filtered["execution"]["documents"]} == {"sport"}

    # The high-level client wraps bare inputs; the same answers.
    mp = mixpeek.Mixpeek(corpus.key, base_url=f"{base_url}/v1", namespace=corpus.namespace_id)
    wrapped = mp.retrievers.execute_batch(retriever_id, queries=[{"query": "volcanic eruption"}], settings={"limit": 2})
    assert [d["document_id"] for d in wrapped["results"][0]["execution"]["documents"]] == [d["document_id"] for d in single.documents]

    # A bad batch fails whole, naming the field: 17 queries, an unknown setting, streaming.
    too_many = mixpeek.ExecuteBatchRequest.model_construct(queries=[mixpeek.BatchQueryItem(inputs={"query": "x"})] * 17)  # past the SDK's own check
    for request, field in ((too_many, "queries"), (mixpeek.ExecuteBatchRequest(queries=queries[:1], settings={"max_chunks": 3}), "settings.max_chunks"), (mixpeek.ExecuteBatchRequest(queries=queries[:1], stream=True), "stream")):
        with pytest.raises(ApiException) as refused:
            retrievers.execute_batch_retrievers(retriever_id, request)
        assert refused.value.status == 400 and field in refused.value.body
    with pytest.raises(ApiException) as elsewhere:  # another organization's retriever is not found
        TypedSdk(base_url, new_org_api(root, admin=True).key, corpus.namespace_id).api(mixpeek.RetrieversApi).execute_batch_retrievers(retriever_id, mixpeek.ExecuteBatchRequest(queries=queries[:1]))
    assert elsewhere.value.status == 404


def test_executions_are_recorded_and_read_back(sdk: TypedSdk, corpus: Corpus, base_url: str, root: Api) -> None:
    """Every execution leaves a record (statistics, timing, counts, cache hit; no documents) that the
    SDK's execution calls read back, newest first; a failed one too. Another organization's are not
    found."""
    retrievers = sdk.api(mixpeek.RetrieversApi)
    created = retrievers.create_retriever(
        mixpeek.CreateRetrieverRequest(
            retriever_name=r.unique("ret"),
            collection_identifiers=[corpus.collection_id],
            stages=[mixpeek.StageConfigInput.from_dict(search_stage(3)), mixpeek.StageConfigInput.from_dict(sort_stage())],
            input_schema={"query": mixpeek.RetrieverInputSchemaFieldInput.from_dict(QUERY_SCHEMA["query"])},
        )
    )
    retriever_id = created.retriever_id
    first = retrievers.execute_retriever(retriever_id, mixpeek.ExecuteRetrieverRequest(inputs={"query": "volcanic eruption"}, limit=2))
    hit = retrievers.execute_retriever(retriever_id, mixpeek.ExecuteRetrieverRequest(inputs={"query": "volcanic eruption"}, limit=2))
    assert hit.cache_hit and hit.execution_id != first.execution_id
    with pytest.raises(ApiException):
        retrievers.execute_retriever(retriever_id, mixpeek.ExecuteRetrieverRequest(inputs={"query": "x", "qurey": "y"}))

    detail = retrievers.get_execution_retrievers(retriever_id, first.execution_id)
    assert isinstance(detail, mixpeek.ExecutionDetail) and (detail.execution_id, detail.status, detail.retriever_id) == (first.execution_id, "completed", retriever_id)
    assert detail.documents == [] and detail.documents_retained is False and detail.total_returned == 2
    assert detail.stage_statistics.stages["search"].output_count == 3 and detail.stage_statistics.stages["by_year"].input_count == 3
    assert detail.total_stages == detail.stages_completed == 2 and detail.completed_at >= detail.created_at
    assert retrievers.get_execution_retrievers(retriever_id, hit.execution_id).cached_at == hit.cached_at

    listed = retrievers.list_executions_retrievers(retriever_id)
    assert isinstance(listed, mixpeek.ListExecutionsResponse) and listed.pagination.total == 3 and not listed.pagination.has_next
    failed, second, oldest = listed.results
    assert (oldest.execution_id, second.execution_id) == (first.execution_id, hit.execution_id) and failed.status == "failed"
    assert (oldest.total_processed, oldest.total_returned, oldest.cache_hit_rate, second.cache_hit_rate) == (3, 2, 0, 1)
    assert oldest.query_summary == "volcanic eruption" and oldest.inputs_hash == second.inputs_hash != failed.inputs_hash
    only_failed = retrievers.list_executions_retrievers(retriever_id, list_executions_request=mixpeek.ListExecutionsRequest(status="failed"))
    assert [x.execution_id for x in only_failed.results] == [failed.execution_id]
    paged = retrievers.list_executions_retrievers(retriever_id, limit=2)
    assert len(paged.results) == 2 and paged.pagination.has_next and paged.pagination.limit == 2
    rest = Rest(sdk.base_url, sdk.key, corpus.namespace_id)
    slow_first = rest.post(f"/v1/retrievers/{retriever_id}/executions/list", json={"sort": {"field": "duration_ms", "direction": "desc"}, "filters": {"AND": [{"field": "cache_hit", "operator": "eq", "value": False}]}}).json()
    assert {x["execution_id"] for x in slow_first["results"]} == {first.execution_id, failed.execution_id}
    for refused_body, refused_path in (({"sorts": [{"field": "created_at"}]}, ""), ({"filters": {"AND": [{"field": "documents", "operator": "eq", "value": 1}]}}, "")):
        assert rest.post(f"/v1/retrievers/{retriever_id}/executions/list{refused_path}", json=refused_body).status_code in (400, 422)
    assert "qurey" in rest.get(f"/v1/retrievers/{retriever_id}/executions/{failed.execution_id}").json()["error"]

    status = retrievers.get_execution_status_retrievers(retriever_id, first.execution_id)
    assert status["status"] == "completed" and status["stages_completed"] == 2
    profile = retrievers.get_execution_profile_retrievers(retriever_id, first.execution_id)
    plan = profile["query_profile"]
    assert [(s["stage_name"], s["stage_id"], s["input_count"], s["output_count"]) for s in plan["stages"]] == [("search", "feature_search", 0, 3), ("by_year", "sort_attribute", 3, 3)]
    assert plan["cache_hit"] is False

    # Bad list requests name the field; unknown executions, and another organization's, are not found.
    with pytest.raises(ApiException) as bad:
        retrievers.list_executions_retrievers(retriever_id, list_executions_request=mixpeek.ListExecutionsRequest(status="running"))
    assert bad.value.status == 400 and "query.status" in bad.value.body
    for call in (retrievers.get_execution_retrievers, retrievers.get_execution_status_retrievers, retrievers.get_execution_profile_retrievers):
        with pytest.raises(ApiException) as missing:
            call(retriever_id, "exec_nosuchexecution00")
        assert missing.value.status == 404
    stranger = TypedSdk(base_url, new_org_api(root, admin=True).key, corpus.namespace_id).api(mixpeek.RetrieversApi)
    with pytest.raises(ApiException) as elsewhere:
        stranger.get_execution_retrievers(retriever_id, first.execution_id)
    assert elsewhere.value.status == 404


def test_adhoc_executions_are_recorded_apart(sdk: TypedSdk, corpus: Corpus) -> None:
    adhoc = sdk.api(mixpeek.AdhocRetrieversApi)
    request = mixpeek.AdhocExecuteRequest(
        collection_identifiers=[corpus.collection_id],
        stages=[mixpeek.StageConfigInput.from_dict(search_stage(2))],
        input_schema={"query": mixpeek.RetrieverInputSchemaFieldInput.from_dict(QUERY_SCHEMA["query"])},
        inputs={"query": "football match"},
    )
    answer = adhoc.execute_adhoc_retriever(request)
    detail = adhoc.get_adhoc_execution_retrievers(answer["execution_id"])
    assert isinstance(detail, mixpeek.AdhocExecutionDetail) and (detail.execution_id, detail.execution_mode, detail.status) == (answer["execution_id"], "adhoc", "completed")
    assert detail.collection_ids == [corpus.collection_id] and detail.total_returned == 2 and '"football match"' in detail.inputs
    listed = adhoc.list_adhoc_executions_retrievers()
    assert isinstance(listed, mixpeek.ListAdhocExecutionsResponse) and answer["execution_id"] in [x.execution_id for x in listed.results]
    assert listed.total == len(listed.results)
    counted = adhoc.list_adhoc_executions_retrievers(list_adhoc_executions_request=mixpeek.ListAdhocExecutionsRequest(count_only=True))
    assert counted.results == [] and counted.total == listed.total
    later = adhoc.list_adhoc_executions_retrievers(list_adhoc_executions_request=mixpeek.ListAdhocExecutionsRequest(start_time="2999-01-01T00:00:00Z"))
    assert later.results == [] and later.total == 0
    # A saved retriever's execution is not an ad hoc one.
    with pytest.raises(ApiException) as other_kind:
        adhoc.get_adhoc_execution_retrievers("exec_nosuchexecution00")
    assert other_kind.value.status == 404


def test_typeahead_suggests_field_values_collections_and_own_recent_searches(sdk: TypedSdk, corpus: Corpus, base_url: str, root: Api) -> None:
    retrievers = sdk.api(mixpeek.RetrieversApi)
    created = retrievers.create_retriever(
        mixpeek.CreateRetrieverRequest(
            retriever_name=r.unique("ret"),
            collection_identifiers=[corpus.collection_id],
            stages=[mixpeek.StageConfigInput.from_dict(search_stage(2))],
            input_schema={"query": mixpeek.RetrieverInputSchemaFieldInput.from_dict(QUERY_SCHEMA["query"])},
        )
    )
    for text in ("Geology of volcanoes", "geology of volcanoes", "tennis"):
        retrievers.execute_retriever(created.retriever_id, mixpeek.ExecuteRetrieverRequest(inputs={"query": text}))
    found = retrievers.typeahead_retrievers(q="GEO", fields="metadata.category,text", limit=5)
    assert isinstance(found, mixpeek.TypeaheadResponse) and found.query == "GEO"
    assert [(v.var_field, v.value, v.count) for v in found.values] == [("metadata.category", "geology", 3)]
    assert found.recent_searches == ["geology of volcanoes"]  # the newest spelling, once
    assert found.suggestions == ["geology of volcanoes", "geology"] and found.collections == [] and found.warnings == []

    collection_name = sdk.api(mixpeek.CollectionsApi).get_collection(corpus.collection_id).collection_name
    by_name = retrievers.typeahead_retrievers(q=collection_name[:5].upper())
    assert [(c.collection_id, c.collection_name) for c in by_name.collections] == [(corpus.collection_id, collection_name)]
    assert by_name.values == [] and collection_name in by_name.suggestions  # no fields: no value suggestions

    # Bad requests name the field; another organization's namespace is not found.
    rest = Rest(base_url, corpus.key, corpus.namespace_id)
    for query, field in (("q=", "q"), ("q=" + "a" * 201, "q"), ("q=a&fields=" + ",".join(f"f{i}" for i in range(6)), "fields"), ("q=a&fields=a..b", "fields"), ("q=a&limit=51", "limit")):
        response = rest.get(f"/v1/retrievers/typeahead?{query}")
        assert response.status_code == 400 and field in response.text, (query, response.text)
    stranger = TypedSdk(base_url, new_org_api(root, admin=True).key, corpus.namespace_id).api(mixpeek.RetrieversApi)
    with pytest.raises(ApiException) as elsewhere:
        stranger.typeahead_retrievers(q="geo")
    assert elsewhere.value.status == 404
