"""Collections through Mixpeek's SDK in its current shapes (one `feature_extractor`, `source.bucket_ids`,
`source_filters`): create, get, list, update, delete through the typed API (every answer parsed into
the SDK's `CollectionResponse`) and the high-level client, then processing of such a collection."""

from __future__ import annotations

import json
import time
from typing import Any

import mixpeek
import pytest
from mixpeek.exceptions import ApiException

from tests.conftest import new_org_api
from tests.sdk.conftest import TypedSdk
from tests.sdk.test_processing import poll_task
from tests.support.openapi import validator
from tests.support.processing import MINILM, document_ids, namespace_rest, setup_bucket, text_collection
from tests.support.rest import Rest

FeatureExtractorConfig = mixpeek.SharedCollectionFeaturesExtractorsModelsFeatureExtractorConfigInput


@pytest.fixture
def rest(base_url: str, sdk_org: Any) -> Rest:
    return namespace_rest(base_url, sdk_org.key)


def current_request(name: str, bucket_id: str, **source: Any) -> mixpeek.CreateCollectionRequest:
    return mixpeek.CreateCollectionRequest(
        collection_name=name,
        source=mixpeek.SourceConfigInput(**{"type": "bucket", "bucket_ids": [bucket_id], **source}),
        feature_extractor=FeatureExtractorConfig(**MINILM, input_mappings=mixpeek.InputMappings({"text": "content"})),
    )


def test_typed_collection_flow_in_the_current_shapes(typed: TypedSdk, rest: Rest) -> None:
    bucket_id, object_ids = setup_bucket(rest, ["a note about cats", "a note about dogs", "a note about birds"])
    sdk = typed.in_namespace(rest.client.headers["x-namespace"])
    collections = sdk.api(mixpeek.CollectionsApi)

    # The SDK types a condition's value as a dynamic reference only: a literal goes through from_dict.
    only_two = mixpeek.SourceFiltersInput.from_dict({"filters": {"AND": [{"field": "title", "operator": "in", "value": ["t0", "t2"]}]}})
    created = collections.create_collection(current_request("sdk-notes", bucket_id, source_filters=only_two))
    assert isinstance(created, mixpeek.CollectionResponse)
    extractor = created.feature_extractor
    assert (extractor.feature_extractor_id, extractor.input_mappings.actual_instance) == ("minilm_text_extractor_v1", {"text": "content"})
    assert created.source.bucket_ids == [bucket_id] and created.source.source_filters.filters is not None
    (tier,) = created.source_lineage
    assert tier.source_config.bucket_ids == [bucket_id] and tier.feature_extractor.feature_extractor_id == "minilm_text_extractor_v1"
    # The SDK sends include_all_source_fields=false and no field_passthrough: only extractor outputs.
    assert created.feature_extractor.include_all_source_fields is False and not created.feature_extractor.field_passthrough
    assert "text" in created.output_schema.properties and not {"content", "title"} & set(created.output_schema.properties)

    assert collections.get_collection("sdk-notes").collection_id == created.collection_id
    listed = collections.list_collections(page_size=5, list_collections_request=mixpeek.ListCollectionsRequest(include_system=True))
    assert [c.collection_name for c in listed.results] == ["sdk-notes"] and listed.total_count == 1
    assert [c.collection_id for c in collections.list_collections_get().results] == [created.collection_id]

    updated = collections.update_collection("sdk-notes", {"description": "notes", "metadata": {"team": "a"}})
    assert (updated.description, updated.metadata) == ("notes", {"team": "a"})
    for fixed in ({"feature_extractor": {**MINILM}}, {"source": {"type": "bucket", "bucket_ids": [bucket_id]}}):
        with pytest.raises(ApiException) as refused:
            collections.update_collection("sdk-notes", fixed)
        assert refused.value.status == 422 and f"{next(iter(fixed))}: cannot be changed" in refused.value.body
    assert collections.get_collection(created.collection_id).to_dict() == {**updated.to_dict(), "document_count": 0}

    # Processing a collection created in the current shape: its source filter holds.
    triggered = collections.trigger_collection(created.collection_id, mixpeek.TriggerCollectionRequest())
    assert poll_task(sdk.api(mixpeek.TasksApi), triggered.task_id).status.value == "COMPLETED"
    assert len(document_ids(rest, created.collection_id)) == 2
    assert sdk.api(mixpeek.CollectionDocumentsApi).count_documents(created.collection_id).count == 2

    cloned = collections.clone_collection("sdk-notes", mixpeek.CloneCollectionRequest(collection_name="sdk-notes-copy", description="copy"))
    assert isinstance(cloned, mixpeek.CloneCollectionResponse) and cloned.source_collection_id == created.collection_id
    assert cloned.collection.source.source_filters == created.source.source_filters and cloned.collection.document_count == 0
    collections.delete_collection("sdk-notes")
    collections.delete_collection("sdk-notes-copy")
    assert collections.list_collections().results == []
    assert len(object_ids) == 3


def test_current_shapes_vecplane_cannot_serve_are_refused_by_name(typed: TypedSdk, rest: Rest) -> None:
    bucket_id, _ = setup_bucket(rest, ["text"])
    other_id, _ = setup_bucket(rest, ["text"])
    collections = typed.in_namespace(rest.client.headers["x-namespace"]).api(mixpeek.CollectionsApi)
    request = current_request("two-buckets", bucket_id)
    request.source.bucket_ids = [bucket_id, other_id]
    request.source.field_map = {other_id: [mixpeek.FieldPassthrough(source_path="title")]}
    with pytest.raises(ApiException) as refused:
        collections.create_collection(request)
    assert refused.value.status == 422, refused.value.body
    issues = {tuple(i["location"]): i["message"] for i in json.loads(refused.value.body)["error"]["details"]["validation_errors"]}
    assert list(issues) == [("body", "source", "field_map")] and "not supported" in issues[("body", "source", "field_map")]
    # A mistake found after translation names the key the client sent.
    wrong = current_request("wrong-input", bucket_id)
    wrong.feature_extractor.input_mappings = mixpeek.InputMappings({"text": "no_such_field"})
    with pytest.raises(ApiException) as missing:
        collections.create_collection(wrong)
    assert missing.value.status == 400 and "feature_extractor.input_mappings.text" in missing.value.body, missing.value.body
    assert "feature_extractors[0]" not in missing.value.body
    wrong = current_request("wrong-target", bucket_id)
    wrong.feature_extractor.field_passthrough = [mixpeek.FieldPassthrough(source_path="title", target_path="text")]
    with pytest.raises(ApiException) as colliding:
        collections.create_collection(wrong)
    assert colliding.value.status == 400 and "feature_extractor.field_passthrough[0].target_path: 'text' is an output" in colliding.value.body, colliding.value.body
    assert collections.list_collections().results == []


def test_high_level_client_collections(base_url: str, sdk_org: Any, rest: Rest) -> None:
    bucket_id, _ = setup_bucket(rest, ["hello"])
    mp = mixpeek.Mixpeek(sdk_org.key, namespace=rest.client.headers["x-namespace"], base_url=f"{base_url}/v1")
    created = mp.collections.create(
        name="hl-notes", source={"type": "bucket", "bucket_ids": [bucket_id]}, feature_extractor={**MINILM, "input_mappings": {"text": ["content"]}}
    )
    mixpeek.CollectionResponse.from_dict(created)
    assert created["feature_extractor"]["input_mappings"] == {"text": "content"} and created["source"]["bucket_ids"] == [bucket_id]
    assert mp.collections.get("hl-notes")["collection_id"] == created["collection_id"]
    assert [c["collection_name"] for c in mp.collections.list()["results"]] == ["hl-notes"]
    updated = mp.collections.update("hl-notes", description="greetings")
    assert mixpeek.CollectionResponse.from_dict(updated).description == "greetings"
    cloned = mp.collections.clone("hl-notes", collection_name="hl-copy", feature_extractor={**MINILM, "input_mappings": {"text": "content"}})
    assert mixpeek.CloneCollectionResponse.from_dict(cloned).collection.collection_name == "hl-copy"
    mp.collections.delete(created["collection_id"])
    mp.collections.delete("hl-copy")
    assert mp.collections.list()["results"] == []


def test_both_shapes_fit_the_openapi_document_and_parse_in_the_sdk(base_url: str, rest: Rest) -> None:
    bucket_id, _ = setup_bucket(rest, ["hello"])
    doc = Rest(base_url).get("/openapi.json").json()
    create_op = doc["paths"]["/v1/collections"]["post"]
    request_schema = create_op["requestBody"]["content"]["application/json"]["schema"]
    answer_schema = create_op["responses"]["200"]["content"]["application/json"]["schema"]
    current = {"collection_name": "current", "source": {"type": "bucket", "bucket_ids": [bucket_id], "source_filters": {"filters": {"AND": [{"field": "title", "operator": "eq", "value": "t0"}]}}},
               "feature_extractor": {**MINILM, "input_mappings": [{"input_key": "text", "source_type": "payload", "path": "content"}], "include_all_source_fields": False}}
    seed_shaped = {"collection_name": "seed-shaped", "source": {"type": "bucket", "bucket_id": bucket_id}, "feature_extractors": [{**MINILM, "input_mapping": {"text": "content"}}]}
    for path, body in (("/v1/collections", current), ("/v1/collections/create", seed_shaped), ("/v1/collections/create", {**current, "collection_name": "current-2"})):
        validator(doc, request_schema).validate(body)
        created = rest.post(path, json=body)
        assert created.status_code == 200, created.text
        validator(doc, answer_schema).validate(created.json())
        parsed = mixpeek.CollectionResponse.from_dict(created.json())
        assert parsed.feature_extractor.input_mappings.actual_instance == {"text": "content"} and parsed.source.bucket_ids == [bucket_id]
        assert created.json()["feature_extractors"][0]["input_mapping"] == {"text": "content"} and created.json()["source"]["bucket_id"] == bucket_id
    # A second tier reads the first through collection_ids; its lineage has both tiers in both shapes.
    # "current" passes no source field through (include_all_source_fields false): tier two reads its output.
    tier2 = rest.post("/v1/collections", json={"collection_name": "tier-two", "source": {"type": "collection", "collection_ids": ["current"]}, "feature_extractor": {**MINILM, "input_mappings": {"text": "text"}}})
    assert tier2.status_code == 200, tier2.text
    assert tier2.json()["feature_extractor"]["include_all_source_fields"] is False  # Mixpeek's default when the key is absent
    lineage = mixpeek.CollectionResponse.from_dict(tier2.json()).source_lineage
    assert [(t.source_config.type.value, t.source_config.bucket_ids) for t in lineage] == [("bucket", [bucket_id]), ("collection", None)]
    assert tier2.json()["source"]["collection_id"] == lineage[1].source_config.collection_id == tier2.json()["source_lineage"][0]["collection_id"]
    # A wrong type inside a translated key is named where the client put it.
    typed_wrong = rest.post("/v1/collections", json={**current, "collection_name": "typed-wrong", "source": {"type": "bucket", "bucket_ids": [7]}})
    assert typed_wrong.status_code == 422 and typed_wrong.json()["error"]["details"]["validation_errors"][0]["location"] == ["body", "source", "bucket_ids", 0]
    assert "body.source.bucket_ids.0" in typed_wrong.json()["error"]["message"]
    # Both at once is ambiguous: refused, naming the key.
    both = rest.post("/v1/collections", json={**seed_shaped, "collection_name": "both", "feature_extractor": current["feature_extractor"]})
    assert both.status_code == 422 and both.json()["error"]["details"]["validation_errors"][0]["location"] == ["body", "feature_extractor"]


def test_describe_collection_features_lists_what_retrievers_search(typed: TypedSdk, rest: Rest, base_url: str, root: Any) -> None:
    bucket_id, _ = setup_bucket(rest, ["a note about cats"])
    sdk = typed.in_namespace(rest.client.headers["x-namespace"])
    collections = sdk.api(mixpeek.CollectionsApi)
    created = collections.create_collection(current_request("sdk-features", bucket_id))

    described = collections.describe_collection_features("sdk-features")
    assert isinstance(described, mixpeek.DescribeCollectionFeaturesResponse)
    (feature,) = described.features
    uri = "mixpeek://minilm_text_extractor@v1/all_minilm_l6_v2"
    assert (feature.feature_uri, feature.feature_address, feature.feature_extractor_name, feature.version, feature.primary) == (uri, uri, "minilm_text_extractor", "v1", True)
    index = feature.vector_index
    assert (index.name, index.dimensions, index.type.value, index.distance) == ("all_minilm_l6_v2", 384, "dense", "cosine")
    # the URI is the one a retriever's feature_search takes for this collection
    stages = [{"stage_name": "s", "config": {"stage_id": "feature_search", "parameters": {"searches": [{"feature_uri": feature.feature_uri, "query": {"input_mode": "text", "value": "cats"}}]}}}]
    answer = rest.post("/v1/retrievers/execute", json={"collection_identifiers": [created.collection_id], "stages": stages})
    assert answer.status_code == 200, answer.text

    with pytest.raises(ApiException) as missing:
        collections.describe_collection_features("no-such-collection")
    assert missing.value.status == 404
    # another organization's collection is not found either
    other = Rest(base_url, new_org_api(root).key, namespace=rest.client.headers["x-namespace"])
    assert other.get(f"/v1/collections/{created.collection_id}/features").status_code == 404


def test_a_collection_reads_several_buckets_with_compatible_schemas(typed: TypedSdk, rest: Rest) -> None:
    first, first_objects = setup_bucket(rest, ["a note about cats", "a note about dogs"])
    second, second_objects = setup_bucket(rest, ["a note about birds"])
    sdk = typed.in_namespace(rest.client.headers["x-namespace"])
    collections = sdk.api(mixpeek.CollectionsApi)
    created = collections.create_collection(current_request("sdk-two-buckets", first, bucket_ids=[first, second]))
    assert created.source.bucket_ids == [first, second] and created.source_lineage[0].source_config.bucket_ids == [first, second]

    triggered = collections.trigger_collection(created.collection_id, mixpeek.TriggerCollectionRequest())
    assert poll_task(sdk.api(mixpeek.TasksApi), triggered.task_id).status.value == "COMPLETED"
    listed = rest.get(f"/v1/collections/{created.collection_id}/documents", params={"limit": 10}).json()["results"]
    assert sorted((d["root_bucket_id"], d["root_object_id"]) for d in listed) == sorted([*((first, o) for o in first_objects), *((second, o) for o in second_objects)])
    cloned = collections.clone_collection(created.collection_id, mixpeek.CloneCollectionRequest(collection_name="sdk-two-buckets-copy"))
    assert cloned.collection.source.bucket_ids == [first, second]
    collections.delete_collection("sdk-two-buckets-copy")
    # a trigger of named objects takes them from any of the buckets
    again = collections.trigger_collection(created.collection_id, mixpeek.TriggerCollectionRequest(object_ids=[second_objects[0]]))
    assert poll_task(sdk.api(mixpeek.TasksApi), again.task_id).status.value == "COMPLETED"
    # a new object of the second bucket, with auto_process, becomes a document of the collection
    added = rest.post(f"/v1/buckets/{second}/objects?auto_process=true", json={"blobs": [{"property": "content", "type": "text", "data": "a note about fish"}], "metadata": {"title": "t9"}})
    assert added.status_code == 200, added.text
    deadline = time.monotonic() + 30
    while len(document_ids(rest, created.collection_id)) < 4 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(document_ids(rest, created.collection_id)) == 4
    # a batch of the second bucket runs the collection too (it is one of the collections reading it)
    batch = rest.post(f"/v1/buckets/{second}/batches", json={"object_ids": second_objects, "auto_submit": True}).json()
    assert batch.get("collection_ids") == [created.collection_id], batch
    poll_task(sdk.api(mixpeek.TasksApi), batch["task_id"])
    # each bucket is a source the collection reads: deleting one is refused unless forced
    deleted = rest.request("DELETE", f"/v1/buckets/{second}")
    assert deleted.status_code == 400 and "BUCKET_IN_USE" in deleted.text and "sdk-two-buckets" in deleted.text, deleted.text

    other = rest.post("/v1/buckets", json={"bucket_name": "other-schema", "bucket_schema": {"properties": {"content": {"type": "text"}}}}).json()["bucket_id"]
    with pytest.raises(ApiException) as incompatible:
        collections.create_collection(current_request("sdk-mixed", first, bucket_ids=[first, other]))
    assert incompatible.value.status == 400 and "source.bucket_ids[1]: bucket 'other-schema' cannot feed the collection" in incompatible.value.body
    assert "lacks field 'title'" in incompatible.value.body
    for bad in ([first, first], [first, "no-such-bucket"]):
        with pytest.raises(ApiException) as refused:
            collections.create_collection(current_request("sdk-bad", first, bucket_ids=bad))
        assert refused.value.status in (400, 404), refused.value.body
    assert [c.collection_name for c in collections.list_collections().results] == ["sdk-two-buckets"]


def test_a_trigger_selects_buckets_and_objects_by_filter(typed: TypedSdk, rest: Rest) -> None:
    first, first_objects = setup_bucket(rest, ["a note about cats", "a note about dogs", "a note about owls"])
    second, second_objects = setup_bucket(rest, ["a note about birds"])
    sdk = typed.in_namespace(rest.client.headers["x-namespace"])
    collections, tasks = sdk.api(mixpeek.CollectionsApi), sdk.api(mixpeek.TasksApi)
    created = collections.create_collection(current_request("sdk-selective", first, bucket_ids=[first, second]))

    def roots() -> list[str]:
        return sorted(d["root_object_id"] for d in rest.get(f"/v1/collections/{created.collection_id}/documents", params={"limit": 10}).json()["results"])

    second_name = rest.get(f"/v1/buckets/{second}").json()["bucket_name"]
    only_second = collections.trigger_collection(created.collection_id, mixpeek.TriggerCollectionRequest(include_buckets=[second_name], dedup_strategy="replace"))
    assert only_second.object_count == 1
    assert poll_task(tasks, only_second.task_id).status.value == "COMPLETED"
    assert roots() == second_objects
    # setup_bucket titles its objects t0, t1, ...: the filter picks t1 and t2 of the first bucket
    by_title = mixpeek.LogicalOperatorInput.from_dict({"AND": [{"field": "title", "operator": "in", "value": ["t1", "t2"]}]})
    filtered = collections.trigger_collection(created.collection_id, mixpeek.TriggerCollectionRequest(include_buckets=[first], source_filters=by_title))
    assert poll_task(tasks, filtered.task_id).status.value == "COMPLETED"
    assert roots() == sorted([*second_objects, first_objects[1], first_objects[2]])

    refusals = {
        "include_buckets[0]": mixpeek.TriggerCollectionRequest(include_buckets=["no-such-bucket"]),
        "include_collections": mixpeek.TriggerCollectionRequest(include_collections=[created.collection_id]),
        "dedup_strategy": mixpeek.TriggerCollectionRequest(dedup_strategy="skip"),
        "source_filters": mixpeek.TriggerCollectionRequest(source_filters=mixpeek.LogicalOperatorInput.from_dict({"AND": [{"field": "title", "operator": "eq", "value": "none"}]})),
    }
    for field, request in refusals.items():
        with pytest.raises(ApiException) as refused:
            collections.trigger_collection(created.collection_id, request)
        assert refused.value.status == 400 and f"{field}:" in refused.value.body, (field, refused.value.body)
    assert len(tasks.list_tasks().results) == 2  # the refusals queued nothing


def test_reconciliation_counts_source_objects_against_documents(typed: TypedSdk, rest: Rest, base_url: str, root: Any) -> None:
    bucket_id, (cats, empty, unprocessed) = setup_bucket(rest, ["a note about cats", None, "a note about owls"])
    sdk = typed.in_namespace(rest.client.headers["x-namespace"])
    collections = sdk.api(mixpeek.CollectionsApi)
    first = collections.create_collection(current_request("sdk-reconciled", bucket_id))
    second = text_collection(rest, {"type": "collection", "collection_id": first.collection_id}, input_path="text")
    triggered = collections.trigger_collection(first.collection_id, mixpeek.TriggerCollectionRequest(object_ids=[cats, empty]))
    poll_task(sdk.api(mixpeek.TasksApi), triggered.task_id)

    report = collections.reconcile_collection_reconciliation(first.collection_id)
    assert isinstance(report, mixpeek.CollectionReconciliationResponse)
    assert (report.source_object_count, report.produced_object_count, report.document_count, report.delta) == (3, 1, 1, 2)
    found = {d.object_id: d for d in report.discrepancies}
    assert set(found) == {empty, unprocessed} and not report.discrepancies_truncated and report.limit == 100
    assert (found[empty].reason.value, found[empty].status, found[empty].bucket_id) == ("failed", "failed", bucket_id) and found[empty].error
    assert (found[unprocessed].reason.value, found[unprocessed].error) == ("no_document", "") and found[unprocessed].age_seconds >= 0
    one = collections.reconcile_collection_reconciliation("sdk-reconciled", limit=1)
    assert len(one.discrepancies) == 1 and one.discrepancies_truncated and one.delta == 2
    # a collection that reads a collection covers the root objects of its documents
    downstream = collections.reconcile_collection_reconciliation(second)
    assert (downstream.source_object_count, downstream.produced_object_count, downstream.delta) == (1, 1, 0)

    bad = rest.get(f"/v1/collections/{first.collection_id}/reconciliation", params={"limit": 1001})  # the SDK checks its own bounds
    assert bad.status_code == 400 and "limit: must be 1-1000" in bad.text, bad.text
    other = Rest(base_url, new_org_api(root).key, namespace=rest.client.headers["x-namespace"])
    assert other.get(f"/v1/collections/{first.collection_id}/reconciliation").status_code == 404
