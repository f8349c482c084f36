"""CollectionService through a real channel, on the embedded backends: every CreateCollection rule of
seeds 003 and 004, the rest of the service, and what deleting sources does to collections."""

from __future__ import annotations

import concurrent.futures
import copy

import grpc
import pytest
from google.protobuf import field_mask_pb2
from vecplane.v1 import bucket_pb2, collection_pb2, namespace_pb2

from server.protojson import dict_to_message, message_to_dict
from server.storage.vectors import Point
from tests.conftest import new_org_api
from tests.support import resources as r
from tests.support.api import expect_error
from tests.support.seeds import (
    SEED_004_BAD_FIELDS,
    seed_003_missing_field,
    seed_004_request,
    seed_004_response,
)


@pytest.fixture
def space(api):
    """A namespace with the text, image and multimodal extractors, a product bucket with two objects,
    and a client scoped to it by the namespace ID."""
    ns = r.namespace(api, (r.TEXT, r.IMAGE, r.MULTIMODAL))
    scoped = api.in_namespace(ns.namespace_id)
    bucket = r.bucket(scoped, name="products")
    return scoped, ns, bucket


def create(api, body):
    return r.collection(api, body)


def create_error(api, body):
    return expect_error(api.call, api.collections.CreateCollection, r.collection_request(body))


def get(api, ident):
    return api.call(api.collections.GetCollection, collection_pb2.GetCollectionRequest(collection_id=ident)).collection


def bucket_source(**extra):
    return {"type": "bucket", "bucket_id": "products", **extra}


# What CreateCollection computes --------------------------------------------------------------------


def test_create_from_a_bucket_computes_schemas_indexes_lineage_and_defaults(space):
    api, ns, bucket = space
    body = {
        "collection_name": "product-search",
        "description": "products by title and image",
        "source": bucket_source(prefix_key="/products"),
        "feature_extractors": [
            {**r.TEXT, "input_mapping": {"text": "metadata.title"}, "output_mapping": {"text": "title_text"}, "parameters": {"split_by": "sentences"}},
            {**r.IMAGE, "input_mapping": {"image": "image"}},
        ],
        "metadata": {"owner": "search-team"},
    }
    created = create(api, body)
    assert created.collection_id.startswith("col_") and len(created.collection_id) == 14
    assert created.namespace_id == ns.namespace_id and created.status == collection_pb2.TASK_STATUS_PENDING and created.enabled
    doc = r.as_json(created)
    assert doc["source"] == {"type": "bucket", "bucket_id": bucket.bucket_id, "prefix_key": "/products"}  # the name became the ID
    assert doc["input_schema"] == r.PRODUCT_SCHEMA
    output = doc["output_schema"]["properties"]
    assert set(output) == {"image", "metadata", "title_text", "thumbnail_url", "caption"}
    assert output["title_text"]["type"] == "text"
    assert {(v["name"], v["index"]["dimensions"], v["index"]["distance"], v["feature_extractor_id"]) for v in doc["vector_indexes"]} == {
        ("multilingual_e5_large_instruct_v1", 1024, "cosine", "text_extractor_v1"),
        ("google_siglip_base_v1", 768, "cosine", "image_extractor_v1"),
    }
    assert {p["field_name"] for p in doc["payload_indexes"]} >= {"collection_id", "namespace_id", "document_id", "source_object_id"}
    text = doc["feature_extractors"][0]
    assert text["parameters"] == {"split_by": "sentences", "chunk_size": 1000, "chunk_overlap": 0}  # defaults filled in
    assert (text["document_output_type"], text["document_input_handling"], text["document_output_handling"]) == ("single", "individual", "create_new")
    assert doc["document_handling"] == {"output_type": "single"}
    assert doc["cache_config"] == {
        "enabled": True, "ttl_seconds": 604800, "invalidation_strategy": "replace_if_better", "max_entries_per_key": 5,
    }
    (tier,) = doc["source_lineage"]
    assert tier["source_type"] == "bucket" and tier["bucket_id"] == bucket.bucket_id and tier["collection_id"] == created.collection_id
    assert tier["bucket_config"] == doc["source"] and tier["output_schema"] == doc["output_schema"]
    assert tier["feature_extractors"] == doc["feature_extractors"]
    assert created.created_at == created.updated_at and created.created_at.seconds > 0
    assert get(api, "product-search") == created == get(api, created.collection_id)


def test_extractor_payload_indexes_follow_output_mapping(space):
    api, _, _ = space
    r.bucket(api, schema={"properties": {"clip": {"type": "video"}}}, name="videos")
    body = {
        "collection_name": "scenes",
        "source": {"type": "bucket", "bucket_id": "videos"},
        "feature_extractors": [{**r.MULTIMODAL, "input_mapping": {"video": "clip"}, "output_mapping": {"start_time": "segment_start"}}],
    }
    created = create(api, body)
    indexes = {p.field_name: p.type for p in created.payload_indexes}
    assert "segment_start" in indexes and "start_time" not in indexes
    assert created.document_handling.output_type == 2  # multiple: the extractor emits several documents


def test_payload_indexes_are_ensured_once_per_namespace_store(api, server, monkeypatch):
    """The namespace's store gets its payload indexes when it is created; CreateCollection ensures
    only those the store may lack (an extractor field renamed by output_mapping), once. The indexes
    are the store's real ones (Qdrant Edge keeps them); the calls that ensure them are recorded."""
    store = server.app.backends.vectors
    calls = []
    original = store.ensure_payload_indexes

    async def recording(collection, indexes):
        calls.extend((collection, field) for field, _kind in indexes)
        return await original(collection, indexes)

    monkeypatch.setattr(store, "ensure_payload_indexes", recording)
    ns = r.namespace(api, (r.TEXT, r.MULTIMODAL))
    at_creation = server.run(store.payload_indexes(ns.namespace_id))
    assert at_creation["collection_id"] == "keyword"
    scoped = api.in_namespace(ns.namespace_id)
    r.bucket(scoped, name="products")
    r.bucket(scoped, schema={"properties": {"clip": {"type": "video"}}}, name="videos")
    calls.clear()
    for name in ("texts-1", "texts-2"):
        created = create(scoped, r.text_collection_body(bucket_source(), name=name))
        assert {p.field_name for p in created.payload_indexes} <= set(at_creation)
    assert calls == []

    def scenes(name: str) -> dict:
        mapping = {"input_mapping": {"video": "clip"}, "output_mapping": {"start_time": "segment_start"}}
        return {"collection_name": name, "source": {"type": "bucket", "bucket_id": "videos"}, "feature_extractors": [{**r.MULTIMODAL, **mapping}]}

    create(scoped, scenes("scenes-1"))
    assert calls == [(ns.namespace_id, "segment_start")]
    create(scoped, scenes("scenes-2"))
    assert calls == [(ns.namespace_id, "segment_start")]
    assert "segment_start" in server.run(store.payload_indexes(ns.namespace_id))


def test_lineage_of_a_three_tier_chain(space):
    api, _, bucket = space
    first = create(api, r.text_collection_body(bucket_source(), name="tier-one"))
    second = create(api, {"collection_name": "tier-two", "source": {"type": "collection", "collection_id": "tier-one"},
                          "feature_extractors": [{**r.IMAGE, "input_mapping": {"image": "image"}}]})
    third = create(api, {"collection_name": "tier-three", "source": {"type": "collection", "collection_id": second.collection_id},
                         "feature_extractors": [{**r.TEXT, "input_mapping": {"text": "caption"}, "output_mapping": {"text": "caption_text"}}]})
    lineage = r.as_json(third)["source_lineage"]
    assert [t["collection_id"] for t in lineage] == [first.collection_id, second.collection_id, third.collection_id]
    assert [t["source_type"] for t in lineage] == ["bucket", "collection", "collection"]
    assert lineage[0]["bucket_id"] == bucket.bucket_id and "collection_config" not in lineage[0]
    assert lineage[1]["collection_config"]["collection_id"] == first.collection_id and "bucket_config" not in lineage[1]
    assert lineage[2]["collection_config"]["collection_id"] == second.collection_id
    assert [t["feature_extractors"][0]["feature_extractor_name"] for t in lineage] == ["text_extractor", "image_extractor", "text_extractor"]
    # Each tier's input is the previous tier's output.
    assert r.as_json(second)["input_schema"] == r.as_json(first)["output_schema"]
    assert r.as_json(third)["input_schema"] == r.as_json(second)["output_schema"]
    assert "caption_text" in r.as_json(third)["output_schema"]["properties"]


# Source rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "field", "text"),
    [
        ({"type": "bucket", "collection_id": "col_x"}, "source.collection_id", "only allowed when source.type is collection"),
        ({"type": "bucket"}, "source.bucket_id", "is required when source.type is bucket"),
        ({"type": "collection", "bucket_id": "products"}, "source.bucket_id", "only allowed when source.type is bucket"),
        ({"type": "collection"}, "source.collection_id", "is required"),
        ({"type": "collection", "collection_id": "x", "prefix_key": "/a"}, "source.prefix_key", "only allowed when source.type is bucket"),
        ({"bucket_id": "products"}, "source.type", "bucket or collection"),
        ({"type": "bucket", "bucket_id": "not a name!"}, "source.bucket_id", "must be a bucket ID (bkt_...) or name"),
        ({"type": "bucket", "bucket_id": "products", "prefix_key": "no spaces"}, "source.prefix_key", "path-like prefix"),
    ],
)
def test_malformed_sources_are_invalid(space, source, field, text):
    api, _, _ = space
    error = create_error(api, r.text_collection_body(source))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert text in error.violations[field]


def test_a_missing_source_is_not_found(space, api):
    scoped, _, _ = space
    error = create_error(scoped, r.text_collection_body({"type": "bucket", "bucket_id": "nope"}))
    assert error.code == grpc.StatusCode.NOT_FOUND and error.reason == "BUCKET_NOT_FOUND"
    error = create_error(scoped, r.text_collection_body({"type": "collection", "collection_id": "col_nope123456"}))
    assert error.code == grpc.StatusCode.NOT_FOUND and error.reason == "COLLECTION_NOT_FOUND"
    # A bucket of another namespace is not a source here.
    other = api.in_namespace(r.namespace(api).namespace_id)
    elsewhere = r.bucket(other, name="elsewhere")
    error = create_error(scoped, r.text_collection_body({"type": "bucket", "bucket_id": elsewhere.bucket_id}))
    assert error.code == grpc.StatusCode.NOT_FOUND
    # With other problems too, the missing source is one violation among them.
    error = create_error(scoped, r.text_collection_body({"type": "bucket", "bucket_id": "nope"}, name="x"))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(error.violations) == {"collection_name", "source.bucket_id"}


def test_source_filters_are_validated_against_the_input_schema(space):
    api, _, _ = space
    filters = {
        "AND": [
            {"field": "metadata.price", "operator": "gte", "value": 10},
            {"field": "metadata.title", "operator": "in", "value": "not a list"},
            {"field": "metadata.colour", "operator": "eq", "value": "red"},
        ],
        "OR": [{"field": "metadata.title", "operator": "regex", "value": "([a-z"}, {"field": "metadata.price", "operator": 99, "value": 1}],
    }
    body = r.text_collection_body(bucket_source(filters=filters))
    request = r.collection_request({**body, "source": bucket_source()})
    request.source.filters.CopyFrom(_filter_message(filters))
    error = expect_error(api.call, api.collections.CreateCollection, request)
    assert set(error.violations) == {
        "source.filters.AND[1].value",
        "source.filters.AND[2].field",
        "source.filters.OR[0].value",
        "source.filters.OR[1].operator",
    }
    assert "'metadata.colour' is not a field" in error.violations["source.filters.AND[2].field"]
    assert "unknown operator" in error.violations["source.filters.OR[1].operator"]
    ok = create(api, r.text_collection_body(bucket_source(filters={"AND": filters["AND"][:1]})))
    assert r.as_json(ok)["source"]["filters"] == {"AND": [{"field": "metadata.price", "operator": "gte", "value": 10}]}


def _filter_message(filters):
    """A LogicalOperator message, with an operator number outside the enum where the dict says so."""
    from vecplane.v1 import filter_pb2

    unknown = []

    def strip(node):
        node = copy.deepcopy(node)
        for key in ("AND", "OR", "NOT"):
            node[key] = [strip(n) for n in node.get(key, [])] or node.pop(key, None) or []
            if not node[key]:
                node.pop(key)
        if isinstance(node.get("operator"), int):
            unknown.append(node.pop("operator"))
        return node

    message = dict_to_message(strip(filters), filter_pb2.LogicalOperator)
    message.any_of[1].operator = unknown[0]
    return message


# Input schema and mappings (seed 003) -------------------------------------------------------------


def test_without_any_schema_input_mappings_fail_with_the_seed_message(space):
    api, _, _ = space
    r.bucket(api, schema=None, name="no-schema")
    error = create_error(api, r.text_collection_body({"type": "bucket", "bucket_id": "no-schema"}))
    assert error.violations == {"feature_extractors[0].input_mapping.text": seed_003_missing_field("metadata.title")}
    assert seed_003_missing_field("metadata.title") == "The source field 'metadata.title' does not exist in the source schema."
    # Without mappings the collection is fine: the extractor reads fields by their input names.
    created = create(api, {"collection_name": "plain", "source": {"type": "bucket", "bucket_id": "no-schema"}, "feature_extractors": [r.TEXT]})
    assert r.as_json(created)["input_schema"] == {} or not created.input_schema.properties


def test_the_request_input_schema_is_used_when_given(space):
    api, _, _ = space
    r.bucket(api, schema=None, name="schemaless")
    schema = {"properties": {"body": {"type": "text"}, "meta": {"type": "object", "properties": {"lang": {"type": "string"}}}}}
    created = create(api, {"collection_name": "declared", "source": {"type": "bucket", "bucket_id": "schemaless"}, "input_schema": schema,
                           "feature_extractors": [{**r.TEXT, "input_mapping": {"text": "body"}}]})
    assert r.as_json(created)["input_schema"] == schema
    assert set(r.as_json(created)["output_schema"]["properties"]) == {"body", "meta", "text"}


def test_a_request_input_schema_must_agree_with_the_source_schema(space):
    api, _, _ = space
    schema = {"properties": {"image": {"type": "video"}, "extra": {"type": "string"}, "bad": {"type": "array", "properties": {"x": {"type": "string"}}}}}
    error = create_error(api, {**r.text_collection_body(bucket_source()), "input_schema": schema})
    assert set(error.violations) == {
        "input_schema.properties.image.type",
        "input_schema.properties.extra",
        "input_schema.properties.bad",
        "input_schema.properties.bad.properties",
        "feature_extractors[0].input_mapping.text",
    }
    assert error.violations["input_schema.properties.extra"] == "The source field 'extra' does not exist in the source schema."


def test_mapping_rules(space):
    api, _, _ = space
    body = {
        "collection_name": "mapping-rules",
        "source": bucket_source(),
        "feature_extractors": [
            {**r.TEXT, "input_mapping": {"text": "metadata.nope", "texte": "metadata.title"}, "output_mapping": {"vector": "v", "text": "not a name"}},
            {**r.IMAGE, "input_mapping": {"image": "metadata.price"}, "parameters": {"generate_caption": "yes", "extra": 1}},
            {**r.MULTIMODAL},
        ],
    }
    error = create_error(api, body)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert error.violations == {
        "feature_extractors[0].input_mapping.text": "The source field 'metadata.nope' does not exist in the source schema.",
        "feature_extractors[0].input_mapping.texte": "'texte' is not an input of text_extractor_v1 (inputs: text)",
        "feature_extractors[0].output_mapping.vector": "'vector' is not an output of text_extractor_v1 (outputs: text)",
        "feature_extractors[0].output_mapping.text": "must be a field name: 1-64 letters, digits or '_', starting with a letter",
        "feature_extractors[1].parameters.generate_caption": "must be true or false, got a string",
        "feature_extractors[1].parameters.extra": "is not a known field (known: generate_caption)",
        "feature_extractors[1].input_mapping.image": "source field 'metadata.price' is number, but input 'image' of image_extractor_v1 takes image",
        "feature_extractors[2].input_mapping": "input 'video' of multimodal_extractor_v1 is required: map it to a source field, e.g. {\"video\": \"<field path>\"}",
        "feature_extractors[2]": error.violations["feature_extractors[2]"],
    }
    assert "also writes" in error.violations["feature_extractors[2]"]  # the E5 vector, already written by [0]


def test_dot_paths_into_nested_objects_and_implicit_inputs(space):
    api, _, _ = space
    created = create(api, {"collection_name": "nested", "source": bucket_source(),
                           "feature_extractors": [{**r.TEXT, "input_mapping": {"text": "metadata.brand.name"}}, r.IMAGE]})
    assert created.feature_extractors[1].input_mapping == {}  # image reads the source field 'image'


def test_output_names_must_not_collide(space):
    api, _, _ = space
    body = {"collection_name": "collide", "source": bucket_source(), "feature_extractors": [
        {**r.TEXT, "input_mapping": {"text": "metadata.title"}, "output_mapping": {"text": "caption"}},
        {**r.IMAGE, "input_mapping": {"image": "image"}},
    ]}
    error = create_error(api, body)
    assert "output 'caption' of image_extractor_v1 is also written by feature_extractors[0]" in error.violations["feature_extractors[1].output_mapping"]
    body["feature_extractors"][0]["output_mapping"] = {"text": "image"}
    error = create_error(api, body)
    assert "would replace source field 'image' (image)" in error.violations["feature_extractors[0].output_mapping.text"]


def test_extractors_must_be_in_the_catalogue_enabled_and_listed_once(space):
    api, ns, _ = space
    body = {"collection_name": "extractors", "source": bucket_source(), "feature_extractors": [
        {"feature_extractor_name": "made_up", "version": "v1"},
        {**r.FASHION, "input_mapping": {"image": "image"}},
        {**r.IMAGE, "input_mapping": {"image": "image"}},
        {**r.IMAGE, "input_mapping": {"image": "image"}},
        {"feature_extractor_name": "text_extractor", "version": "latest"},
    ]}
    error = create_error(api, body)
    assert "'made_up' version 'v1' is not in the catalogue" in error.violations["feature_extractors[0].feature_extractor_name"]
    assert f"is not enabled in namespace '{ns.namespace_name}'" in error.violations["feature_extractors[1].feature_extractor_name"]
    assert "already listed as feature_extractors[2]" in error.violations["feature_extractors[3]"]
    assert "versions look like v1" in error.violations["feature_extractors[4].version"]
    assert "at least one" in create_error(api, {**body, "feature_extractors": []}).violations["feature_extractors"]


def test_document_handling_must_fit_the_extractors(space):
    api, _, _ = space
    r.bucket(api, schema={"properties": {"clip": {"type": "video"}}}, name="clips")
    body = {"collection_name": "segments", "source": {"type": "bucket", "bucket_id": "clips"},
            "feature_extractors": [{**r.MULTIMODAL, "input_mapping": {"video": "clip"}}], "document_handling": {"output_type": "single"}}
    assert "document_handling.output_type" in create_error(api, body).violations
    body["feature_extractors"][0]["document_output_type"] = "single"
    assert create(api, body).document_handling.output_type == 1


def test_taxonomies_and_cache_settings_are_checked_and_defaulted(space):
    api, _, _ = space
    bad = r.text_collection_body(bucket_source(), taxonomy_applications=[{"taxonomy_id": "taxonomy-1"}, {"taxonomy_id": "tax_ok", "output_collection": "x!"}],
                                 cache_config={"ttl_seconds": 0, "max_entries_per_key": 101, "score_threshold": -1,
                                               "invalidation_events": [{"collection": "", "action": "upsert", "retriever_id": "r1"}],
                                               "retriever_configs": {"bad": {"ttl_seconds": 40000000}}})
    error = create_error(api, bad)
    assert set(error.violations) == {
        "taxonomy_applications[0].taxonomy_id", "taxonomy_applications[1].output_collection",
        "cache_config.ttl_seconds", "cache_config.max_entries_per_key", "cache_config.score_threshold",
        "cache_config.invalidation_events[0].collection", "cache_config.invalidation_events[0].action",
        "cache_config.invalidation_events[0].retriever_id", "cache_config.retriever_configs.bad",
        "cache_config.retriever_configs.bad.ttl_seconds",
    }
    good = create(api, r.text_collection_body(bucket_source(), taxonomy_applications=[{"taxonomy_id": "tax_colours"}],
                                               cache_config={"ttl_seconds": 60, "score_threshold": 0.5, "invalidation_strategy": "keep_existing",
                                                             "invalidation_events": [{"collection": "products-v2", "action": "delete"}],
                                                             "retriever_configs": {"ret_abc": {"enabled": False}}}))
    cache = r.as_json(good)["cache_config"]
    assert cache == {
        "enabled": True, "ttl_seconds": 60, "invalidation_strategy": "keep_existing", "max_entries_per_key": 5, "score_threshold": 0.5,
        "invalidation_events": [{"collection": "products-v2", "action": "delete", "recompute_strategy": "background"}],
        "retriever_configs": {"ret_abc": {"enabled": False, "ttl_seconds": 60, "score_threshold": 0.5}},
    }


# The vector store ---------------------------------------------------------------------------------


def test_an_enabled_extractor_without_its_vectors_needs_reconfigure(api):
    ns = r.namespace(api, (r.TEXT,))
    scoped = api.in_namespace(ns.namespace_id)
    r.bucket(scoped, name="products")
    update = dict_to_message({"namespace_id": ns.namespace_id, "feature_extractors": [r.TEXT, r.FASHION]}, namespace_pb2.UpdateNamespaceRequest)
    api.call(api.namespaces.UpdateNamespace, update)
    error = create_error(scoped, {"collection_name": "fashion", "source": bucket_source(), "feature_extractors": [{**r.FASHION, "input_mapping": {"image": "image"}}]})
    assert error.code == grpc.StatusCode.FAILED_PRECONDITION and error.reason == "RECONFIGURE_REQUIRED"
    assert "'fashionsiglip_v1_embedding' (fashionsiglip_v1)" in error.message and "Call Reconfigure" in error.message
    assert not scoped.call(scoped.collections.ListCollections, collection_pb2.ListCollectionsRequest()).results
    # Collections of extractors whose vectors are there still work meanwhile.
    assert create(scoped, r.text_collection_body(bucket_source())).collection_id


# Names, concurrency, round trips ------------------------------------------------------------------


def test_names_are_unique_per_namespace_even_under_concurrent_creates(space, api):
    scoped, _, _ = space
    create(scoped, r.text_collection_body(bucket_source(), name="unique"))
    error = create_error(scoped, r.text_collection_body(bucket_source(), name="unique"))
    assert error.code == grpc.StatusCode.ALREADY_EXISTS and error.reason == "COLLECTION_ALREADY_EXISTS"

    def attempt(_):
        try:
            return create(scoped, r.text_collection_body(bucket_source(), name="raced")).collection_id
        except grpc.RpcError as failure:
            return failure.code()

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(attempt, range(8)))
    winners = [o for o in outcomes if isinstance(o, str)]
    assert len(winners) == 1 and outcomes.count(grpc.StatusCode.ALREADY_EXISTS) == 7
    assert get(scoped, "raced").collection_id == winners[0]
    other = api.in_namespace(r.namespace(api).namespace_id)
    r.bucket(other, name="products")
    assert create(other, r.text_collection_body(bucket_source(), name="unique")).collection_id


def mongo_commands(server, call):
    server.settle()
    before = server.app.backends.counter.total()
    result = call()
    return server.app.backends.counter.total() - before, result


def test_round_trips_get_is_one_and_create_at_most_five(space, server):
    api, ns, _ = space
    created = create(api, r.text_collection_body(bucket_source(), name="counted"))
    count, _ = mongo_commands(server, lambda: create(api, r.text_collection_body(bucket_source(), name="counted-2")))
    assert count <= 6  # namespace, source, insert, its counter, namespace revision bump, source re-check
    for ident in (created.collection_id, "counted"):
        count, found = mongo_commands(server, lambda ident=ident: get(api, ident))
        assert count == 1 and found == created
    # Cold: no cached header resolution; an ID-shaped header is used as the scope directly.
    server.app.usecases.namespaces._ids.clear()
    count, found = mongo_commands(server, lambda: get(api, created.collection_id))
    assert count == 1 and found == created
    # By name the namespace is looked up once, then cached.
    by_name = api.in_namespace(ns.namespace_name)
    server.app.usecases.namespaces._ids.clear()
    count, _ = mongo_commands(server, lambda: get(by_name, "counted"))
    assert count == 2
    count, _ = mongo_commands(server, lambda: get(by_name, "counted"))
    assert count == 1


def test_a_namespace_named_like_an_id_is_still_found_by_name(api):
    odd = r.namespace(api, name="ns_ABCDEFGHIJ")
    scoped = api.in_namespace("ns_ABCDEFGHIJ")
    r.bucket(scoped, name="products")
    created = create(scoped, r.text_collection_body(bucket_source(), name="odd"))
    assert created.namespace_id == odd.namespace_id
    assert get(scoped, "odd") == created


def test_organizations_cannot_see_each_others_collections(space, root):
    api, ns, _ = space
    created = create(api, r.text_collection_body(bucket_source(), name="secret"))
    stranger = new_org_api(root)
    r.namespace(stranger, name=ns.namespace_name)
    for header in (ns.namespace_id, ns.namespace_name):
        other = stranger.in_namespace(header)
        for ident in (created.collection_id, "secret"):
            assert expect_error(other.call, other.collections.GetCollection, collection_pb2.GetCollectionRequest(collection_id=ident)).code == grpc.StatusCode.NOT_FOUND
            assert expect_error(other.call, other.collections.DeleteCollection, collection_pb2.DeleteCollectionRequest(collection_id=ident, force=True)).code == grpc.StatusCode.NOT_FOUND
            update = collection_pb2.UpdateCollectionRequest(collection_id=ident, description="mine now")
            assert expect_error(other.call, other.collections.UpdateCollection, update).code == grpc.StatusCode.NOT_FOUND
        if header == ns.namespace_name:  # the stranger's own namespace of that name: empty
            assert not other.call(other.collections.ListCollections, collection_pb2.ListCollectionsRequest()).results
        else:  # our namespace's ID: not theirs to list
            listing = expect_error(other.call, other.collections.ListCollections, collection_pb2.ListCollectionsRequest())
            assert listing.code == grpc.StatusCode.NOT_FOUND and listing.reason == "NAMESPACE_NOT_FOUND"
    intruder = stranger.in_namespace(ns.namespace_id)
    error = create_error(intruder, r.text_collection_body(bucket_source(), name="planted"))
    assert error.code == grpc.StatusCode.NOT_FOUND and error.reason == "NAMESPACE_NOT_FOUND"
    assert get(api, "secret").description == ""


# Seed 004 -----------------------------------------------------------------------------------------


def test_seed_004_request_with_placeholders_lists_every_bad_field(space):
    api, _, _ = space
    error = create_error(api, seed_004_request())
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(error.violations) == SEED_004_BAD_FIELDS
    assert "only allowed when source.type is collection" in error.violations["source.collection_id"]
    assert "'<string>' is not a taxonomy ID" in error.violations["taxonomy_applications[0].taxonomy_id"]


def test_a_valid_request_of_seed_004_shape_returns_seed_004_response_shape(api):
    ns = r.namespace(api, (r.TEXT,))
    scoped = api.in_namespace(ns.namespace_id)
    schema = {"properties": {name: {"type": kind} for name, kind in
                             (("name", "string"), ("age", "integer"), ("status", "string"), ("role", "string"), ("department", "string"), ("location", "string"))}}
    bucket = r.bucket(scoped, schema=schema, name="people")
    body = seed_004_request()
    body["collection_name"] = "people-by-name"
    body["description"] = "People, searchable by name"
    body["source"].update({"bucket_id": bucket.bucket_id, "prefix_key": "/people"})
    del body["source"]["collection_id"]
    body["feature_extractors"][0].update({"feature_extractor_name": "text_extractor", "version": "v1", "input_mapping": {"text": "name"}})
    body["taxonomy_applications"] = [{"taxonomy_id": "tax_departments", "output_collection": "people-by-name"}]
    body["cache_config"]["invalidation_events"] = [{"collection": "people-by-name", "action": "update", "recompute_strategy": "background", "retriever_id": "ret_people01"}]
    created = create(scoped, body)
    response = message_to_dict(created, include_defaults=True)
    expected = seed_004_response()
    assert set(expected) <= set(response)
    assert set(expected["source_lineage"][0]) <= set(response["source_lineage"][0])
    assert set(expected["feature_extractors"][0]) <= set(response["feature_extractors"][0])
    assert set(expected["cache_config"]) <= set(response["cache_config"])
    assert set(expected["cache_config"]["invalidation_events"][0]) <= set(response["cache_config"]["invalidation_events"][0])
    assert response["status"] == "PENDING" and response["enabled"] is True
    assert r.as_json(created)["source"]["filters"] == seed_004_request()["source"]["filters"]
    assert response["cache_config"]["score_threshold"] == 123 and response["cache_config"]["ttl_seconds"] == 604800


# List, update --------------------------------------------------------------------------------------


def list_collections(api, **fields):
    return api.call(api.collections.ListCollections, dict_to_message(fields, collection_pb2.ListCollectionsRequest))


def test_list_paginates_filters_sorts_and_searches(space):
    api, _, _ = space
    names = [f"list-{i:02d}" for i in range(7)]
    for index, name in enumerate(names):
        create(api, r.text_collection_body(bucket_source(), name=name, description="shoes" if index % 2 else "bags", metadata={"rank": index}))
    first = list_collections(api, limit=3, include_total=True)
    assert [c.collection_name for c in first.results] == names[:3]
    assert first.total_count == 7 and first.pagination.total == 7 and first.pagination.total_pages == 3 and first.pagination.page == 1
    assert first.pagination.next_page == "?limit=3&offset=3"
    last = list_collections(api, limit=3, offset=6)
    assert [c.collection_name for c in last.results] == names[6:] and last.pagination.page == 3
    assert not last.pagination.HasField("next_page") and last.pagination.previous_page == "?limit=3&offset=3"
    seen, cursor = [], ""
    while True:
        page = list_collections(api, limit=3, cursor=cursor)
        seen += [c.collection_name for c in page.results]
        if not page.pagination.HasField("next_cursor"):
            break
        cursor = page.pagination.next_cursor
    assert seen == names
    found = list_collections(api, query={"filters": {"AND": [{"field": "metadata.rank", "operator": "gte", "value": 2}, {"field": "enabled", "value": True}],
                                                     "NOT": [{"field": "description", "value": "BAGS"}]},
                                         "sort": {"field": "collection_name", "direction": "desc"}})
    assert [c.collection_name for c in found.results] == ["list-05", "list-03"]
    searched = list_collections(api, query={"search": "SHOES", "sort": {"field": "collection_name"}}, limit=2)
    assert [c.collection_name for c in searched.results] == ["list-01", "list-03"]
    by_extractor = list_collections(api, query={"filters": {"field": "feature_extractors.feature_extractor_name", "value": "text_extractor"}}, include_total=True)
    assert by_extractor.total_count == 7
    error = expect_error(api.call, api.collections.ListCollections, dict_to_message({"query": {"filters": {"field": "vector_indexes", "value": 1}, "sort": {"field": "status"}}}, collection_pb2.ListCollectionsRequest))
    assert set(error.violations) == {"query.filters.field", "query.sort.field"}


def test_update_with_mask_and_without(space):
    api, _, _ = space
    created = create(api, r.text_collection_body(bucket_source(), name="before", description="old", metadata={"a": 1}))
    request = collection_pb2.UpdateCollectionRequest(collection_id="before", collection_name="after", description="ignored",
                                                     update_mask=field_mask_pb2.FieldMask(paths=["collection_name"]))
    updated = api.call(api.collections.UpdateCollection, request).collection
    assert updated.collection_name == "after" and updated.description == "old" and updated.collection_id == created.collection_id
    request = dict_to_message({"collection_id": created.collection_id, "enabled": False, "metadata": {"b": 2},
                               "taxonomy_applications": [{"taxonomy_id": "tax_x1"}]}, collection_pb2.UpdateCollectionRequest)
    updated = api.call(api.collections.UpdateCollection, request).collection
    assert not updated.enabled and r.as_json(updated.metadata) == {"b": 2} and updated.taxonomy_applications[0].taxonomy_id == "tax_x1"
    assert updated.description == "old" and updated.updated_at.ToDatetime() >= created.updated_at.ToDatetime()
    assert get(api, "after") == updated


def test_update_rejects_other_fields_bad_values_and_name_clashes(space):
    api, _, _ = space
    create(api, r.text_collection_body(bucket_source(), name="one"))
    create(api, r.text_collection_body(bucket_source(), name="two"))
    mask = field_mask_pb2.FieldMask(paths=["description", "source", "feature_extractors"])
    error = expect_error(api.call, api.collections.UpdateCollection, collection_pb2.UpdateCollectionRequest(collection_id="one", update_mask=mask))
    assert set(error.violations) == {"update_mask.paths[1]", "update_mask.paths[2]"}
    assert "'source' cannot be changed" in error.violations["update_mask.paths[1]"]
    error = expect_error(api.call, api.collections.UpdateCollection, collection_pb2.UpdateCollectionRequest(collection_id="one"))
    assert "nothing to change" in error.violations["update_mask"]
    bad = dict_to_message({"collection_id": "one", "collection_name": "x", "taxonomy_applications": [{"taxonomy_id": "nope"}]}, collection_pb2.UpdateCollectionRequest)
    assert set(expect_error(api.call, api.collections.UpdateCollection, bad).violations) == {"collection_name", "taxonomy_applications[0].taxonomy_id"}
    clash = collection_pb2.UpdateCollectionRequest(collection_id="one", collection_name="two")
    assert expect_error(api.call, api.collections.UpdateCollection, clash).code == grpc.StatusCode.ALREADY_EXISTS


# Deletion: refusal, force, cascade ----------------------------------------------------------------


def add_points(server, namespace_id, collection_id, count, start=0):
    points = [
        Point(id=start + i, payload={"collection_id": collection_id, "namespace_id": namespace_id, "document_id": f"doc_{start + i}"})
        for i in range(count)
    ]
    server.run(server.app.backends.vectors.upsert(namespace_id, points))


def count_points(server, namespace_id, collection_id):
    return server.run(server.app.backends.vectors.count_where(namespace_id, "collection_id", collection_id))


def test_clone_copies_the_definition_under_a_new_name_with_overrides(space):
    api, _, _ = space
    body = r.text_collection_body(bucket_source(filters={"AND": [{"field": "metadata.title", "operator": "eq", "value": "x"}]}), name="originals", metadata={"team": "a"})
    original = create(api, body)
    clone = api.collections.CloneCollection
    cloned = api.call(clone, collection_pb2.CloneCollectionRequest(collection_id="originals", collection_name="copies", description="copy"))
    assert cloned.source_collection_id == original.collection_id
    copy_ = cloned.collection
    assert copy_.collection_id != original.collection_id and copy_.collection_name == "copies" and copy_.description == "copy"
    same = ("source", "input_schema", "output_schema", "feature_extractors", "vector_indexes", "metadata", "cache_config", "document_handling")
    assert {k: r.as_json(copy_)[k] for k in same} == {k: r.as_json(original)[k] for k in same}
    assert r.as_json(get(api, "copies")) == r.as_json(copy_)
    # Overrides replace the copied fields; the name rule and its uniqueness hold.
    other = api.call(clone, collection_pb2.CloneCollectionRequest(collection_id=original.collection_id, collection_name="other", enabled=False, metadata={"team": "b"}))
    assert (other.collection.enabled, r.as_json(other.collection)["metadata"]) == (False, {"team": "b"})
    assert expect_error(api.call, clone, collection_pb2.CloneCollectionRequest(collection_id="originals", collection_name="copies")).code == grpc.StatusCode.ALREADY_EXISTS
    assert expect_error(api.call, clone, collection_pb2.CloneCollectionRequest(collection_id="nowhere", collection_name="x-copy")).code == grpc.StatusCode.NOT_FOUND


def test_delete_collection_deletes_its_points_only(space, server):
    api, ns, _ = space
    doomed = create(api, r.text_collection_body(bucket_source(), name="doomed"))
    kept = create(api, r.text_collection_body(bucket_source(), name="kept"))
    add_points(server, ns.namespace_id, doomed.collection_id, 5)
    add_points(server, ns.namespace_id, kept.collection_id, 3, start=100)
    deleted = api.call(api.collections.DeleteCollection, collection_pb2.DeleteCollectionRequest(collection_id="doomed"))
    assert deleted.collection_id == doomed.collection_id and deleted.documents_deleted == 5 and not deleted.collections_disabled
    assert count_points(server, ns.namespace_id, doomed.collection_id) == 0
    assert count_points(server, ns.namespace_id, kept.collection_id) == 3
    assert expect_error(api.call, api.collections.GetCollection, collection_pb2.GetCollectionRequest(collection_id="doomed")).code == grpc.StatusCode.NOT_FOUND
    assert create(api, r.text_collection_body(bucket_source(), name="doomed")).collection_id != doomed.collection_id


def test_delete_collection_refuses_while_read_unless_forced(space, server):
    api, ns, _ = space
    upstream = create(api, r.text_collection_body(bucket_source(), name="upstream"))
    reader = create(api, {"collection_name": "reader", "source": {"type": "collection", "collection_id": "upstream"}, "feature_extractors": [r.TEXT]})
    add_points(server, ns.namespace_id, upstream.collection_id, 2)
    error = expect_error(api.call, api.collections.DeleteCollection, collection_pb2.DeleteCollectionRequest(collection_id="upstream"))
    assert error.code == grpc.StatusCode.FAILED_PRECONDITION and error.reason == "COLLECTION_IN_USE"
    assert f"'reader' ({reader.collection_id})" in error.message
    unchanged = collection_pb2.Collection()
    unchanged.CopyFrom(upstream)
    unchanged.document_count = 2  # the points added above
    assert count_points(server, ns.namespace_id, upstream.collection_id) == 2 and get(api, "upstream") == unchanged
    deleted = api.call(api.collections.DeleteCollection, collection_pb2.DeleteCollectionRequest(collection_id="upstream", force=True))
    assert list(deleted.collections_disabled) == [reader.collection_id] and deleted.documents_deleted == 2
    broken = get(api, "reader")
    assert broken.status == collection_pb2.TASK_STATUS_FAILED and not broken.enabled
    assert broken.status_message == f"Source collection 'upstream' ({upstream.collection_id}) was deleted."
    error = expect_error(api.call, api.collections.UpdateCollection, collection_pb2.UpdateCollectionRequest(collection_id="reader", enabled=True))
    assert error.code == grpc.StatusCode.FAILED_PRECONDITION and error.reason == "COLLECTION_FAILED"
    error = create_error(api, {"collection_name": "reads-failed", "source": {"type": "collection", "collection_id": "reader"}, "feature_extractors": [r.TEXT]})
    assert error.code == grpc.StatusCode.FAILED_PRECONDITION and error.reason == "SOURCE_FAILED"


def test_delete_bucket_refuses_while_read_unless_forced(space):
    api, _, bucket = space
    r.product(api, bucket.bucket_id, "p1")
    reader = create(api, r.text_collection_body(bucket_source(), name="bucket-reader"))
    error = expect_error(api.call, api.buckets.DeleteBucket, bucket_pb2.DeleteBucketRequest(bucket_id="products"))
    assert error.code == grpc.StatusCode.FAILED_PRECONDITION and error.reason == "BUCKET_IN_USE"
    assert f"'bucket-reader' ({reader.collection_id})" in error.message
    kept = api.call(api.buckets.GetBucket, bucket_pb2.GetBucketRequest(bucket_id="products")).bucket
    assert (kept.bucket_id, kept.object_count) == (bucket.bucket_id, 1)
    deleted = api.call(api.buckets.DeleteBucket, bucket_pb2.DeleteBucketRequest(bucket_id="products", force=True))
    assert list(deleted.collections_disabled) == [reader.collection_id] and deleted.objects_deleted == 1
    assert reader.collection_id in deleted.message
    broken = get(api, "bucket-reader")
    assert broken.status == collection_pb2.TASK_STATUS_FAILED and not broken.enabled
    assert broken.status_message == f"Source bucket 'products' ({bucket.bucket_id}) was deleted."
    failed = list_collections(api, query={"filters": {"field": "status", "value": "failed"}})
    assert [c.collection_name for c in failed.results] == ["bucket-reader"]


def test_update_namespace_refuses_to_disable_extractors_in_use(space):
    api, ns, _ = space
    user = create(api, {"collection_name": "image-user", "source": bucket_source(), "feature_extractors": [{**r.IMAGE, "input_mapping": {"image": "image"}}]})
    request = dict_to_message({"namespace_id": ns.namespace_id, "feature_extractors": [r.TEXT]}, namespace_pb2.UpdateNamespaceRequest)
    error = expect_error(api.call, api.namespaces.UpdateNamespace, request)
    assert error.code == grpc.StatusCode.FAILED_PRECONDITION and error.reason == "EXTRACTOR_IN_USE"
    assert f"'image-user' ({user.collection_id}) uses image_extractor_v1" in error.message and "multimodal" not in error.message
    namespace = api.call(api.namespaces.GetNamespace, namespace_pb2.GetNamespaceRequest(namespace_id=ns.namespace_id)).namespace
    assert len(namespace.feature_extractors) == 3
    # Disabling an unused one is fine.
    request = dict_to_message({"namespace_id": ns.namespace_id, "feature_extractors": [r.TEXT, r.IMAGE]}, namespace_pb2.UpdateNamespaceRequest)
    assert len(api.call(api.namespaces.UpdateNamespace, request).namespace.feature_extractors) == 2


def test_deleting_a_namespace_deletes_its_collections(api, server):
    ns = r.namespace(api)
    scoped = api.in_namespace(ns.namespace_id)
    r.bucket(scoped, name="products")
    create(scoped, r.text_collection_body(bucket_source()))
    deleted = api.call(api.namespaces.DeleteNamespace, namespace_pb2.DeleteNamespaceRequest(namespace_id=ns.namespace_id))
    assert "1 collections" in deleted.message
    assert server.run(server.app.backends.db["collections"].count_documents({"_ns": ns.namespace_id})) == 0
