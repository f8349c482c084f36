"""Collection planning without I/O: source rules, input schema choice, mapping rules and what is
computed (pure domain; the integration tests cover the same rules through the API)."""

from __future__ import annotations

import pytest

from server.domain import collections as rules
from server.domain.errors import InvalidArgument
from server.extractors.plugins import load_catalogue
from tests.support.servers import PLUGINS

CATALOGUE = load_catalogue(PLUGINS)
NAMESPACE = {"_id": "ns_0123456789", "namespace_name": "shop", "feature_extractors": [
    {"feature_extractor_name": n, "version": "v1"} for n in ("text_extractor", "image_extractor", "multimodal_extractor")]}
BUCKET = {"_id": "bkt_0123456789", "bucket_schema": {"properties": {
    "image": {"type": "image"}, "metadata": {"type": "object", "properties": {"title": {"type": "string"}, "year": {"type": "integer"}}}}}}


def plan(request, source=BUCKET):
    draft = rules.check_request(request, CATALOGUE, NAMESPACE)
    return rules.plan(draft, request, source, collection_id="col_0123456789", namespace_id=NAMESPACE["_id"], now="2026-01-01T00:00:00.000Z")


def violations(request, source=BUCKET):
    with pytest.raises(InvalidArgument) as caught:
        plan(request, source)
    return {v.field: v.description for v in caught.value.violations}


def body(**fields):
    return {"collection_name": "items", "source": {"type": "bucket", "bucket_id": "bkt_0123456789"},
            "feature_extractors": [{"feature_extractor_name": "text_extractor", "version": "v1", "input_mapping": {"text": "metadata.title"}}], **fields}


def test_mapped_fields_must_exist_with_the_exact_seed_message():
    request = body(feature_extractors=[{"feature_extractor_name": "text_extractor", "version": "v1", "input_mapping": {"text": "metadata.subtitle"}}])
    assert violations(request) == {"feature_extractors[0].input_mapping.text": "The source field 'metadata.subtitle' does not exist in the source schema."}


def test_without_any_schema_every_mapping_fails_the_same_way():
    assert violations(body(), {"_id": "bkt_0123456789", "bucket_schema": {"properties": {}}}) == {
        "feature_extractors[0].input_mapping.text": "The source field 'metadata.title' does not exist in the source schema."}


def test_input_schema_choice():
    assert plan(body())["input_schema"] == BUCKET["bucket_schema"]
    upstream = {"_id": "col_upstream01", "output_schema": {"properties": {"caption": {"type": "string"}}}, "source_lineage": [{"collection_id": "col_upstream01"}]}
    from_collection = body(source={"type": "collection", "collection_id": "col_upstream01"},
                           feature_extractors=[{"feature_extractor_name": "text_extractor", "version": "v1", "input_mapping": {"text": "caption"}}])
    planned = plan(from_collection, upstream)
    assert planned["input_schema"] == upstream["output_schema"]
    assert [t["collection_id"] for t in planned["source_lineage"]] == ["col_upstream01", "col_0123456789"]
    given = {"properties": {"metadata": {"type": "object", "properties": {"title": {"type": "string"}}}}}
    assert plan(body(input_schema=given))["input_schema"] == given


def test_type_compatibility_and_required_inputs():
    request = body(feature_extractors=[
        {"feature_extractor_name": "text_extractor", "version": "v1", "input_mapping": {"text": "metadata.year"}},
        {"feature_extractor_name": "image_extractor", "version": "v1"},
        {"feature_extractor_name": "multimodal_extractor", "version": "v1", "input_mapping": {"video": "image"}},
    ])
    found = violations(request)
    assert found["feature_extractors[0].input_mapping.text"] == "source field 'metadata.year' is integer, but input 'text' of text_extractor_v1 takes string or text"
    assert "feature_extractors[1].input_mapping" not in found  # 'image' is read implicitly
    assert "takes video" in found["feature_extractors[2].input_mapping.video"]


def test_output_schema_indexes_and_defaults():
    planned = plan(body(feature_extractors=[
        {"feature_extractor_name": "text_extractor", "version": "v1", "input_mapping": {"text": "metadata.title"}, "output_mapping": {"text": "title_text"}},
        {"feature_extractor_name": "image_extractor", "version": "v1", "input_mapping": {"image": "image"}},
    ]))
    assert set(planned["output_schema"]["properties"]) == {"image", "metadata", "title_text", "thumbnail_url", "caption"}
    assert [v["name"] for v in planned["vector_indexes"]] == ["multilingual_e5_large_instruct_v1", "google_siglip_base_v1"]
    assert planned["payload_indexes"][:2] == [{"field_name": "namespace_id", "type": "keyword"}, {"field_name": "collection_id", "type": "keyword"}]
    assert planned["cache_config"]["ttl_seconds"] == 604800 and planned["document_handling"] == {"output_type": "single"}
    assert planned["status"] == "PENDING" and planned["enabled"] is True


def test_step_one_lists_problems_that_need_no_lookup():
    draft = rules.check_request({"collection_name": "<string>", "source": {"type": "bucket", "bucket_id": "<string>", "collection_id": "<string>"},
                                 "feature_extractors": [{"feature_extractor_name": "fashionsiglip", "version": "v1"}]}, CATALOGUE, NAMESPACE)
    assert draft.source_ident is None
    assert {p.field for p in draft.problems.items} == {"collection_name", "source.bucket_id", "source.collection_id", "feature_extractors[0].feature_extractor_name"}


def test_missing_vectors_and_changed_definitions():
    from server.domain.vectors import VectorSpec

    wanted = [VectorSpec("a", 4), VectorSpec("b", 8)]
    assert rules.missing_vectors(wanted, {"a": VectorSpec("a", 4)}) == (["b"], [])
    assert rules.missing_vectors(wanted, {"a": VectorSpec("a", 5), "b": VectorSpec("b", 8)}) == ([], ["a"])


def test_update_changes_names_every_unchangeable_field():
    with pytest.raises(InvalidArgument) as caught:
        rules.update_changes({"update_mask": "description,source,output_schema"}, {})
    assert [v.field for v in caught.value.violations] == ["update_mask.paths[1]", "update_mask.paths[2]"]
    assert rules.update_changes({"description": "d", "enabled": False}, {}) == {"description": "d", "enabled": False}


def test_several_source_buckets_are_named_once_each_and_at_most_sixteen():
    many = [f"bkt_{i:010d}" for i in range(17)]
    cases = {
        ("bkt_0123456789", "bkt_0123456789"): ("source.bucket_ids", "names bucket 'bkt_0123456789' more than once"),
        tuple(many): ("source.bucket_ids", "has 17 buckets; at most 16"),
        ("bkt_0123456789", "not a name!"): ("source.bucket_ids[1]", "must be a bucket ID (bkt_...) or name"),
    }
    for ids, (field, start) in cases.items():
        found = violations(body(source={"type": "bucket", "bucket_ids": list(ids)}))
        assert found[field].startswith(start), found
    mismatched = violations(body(source={"type": "bucket", "bucket_id": "bkt_9999999999", "bucket_ids": ["bkt_0123456789", "bkt_1111111111"]}))
    assert mismatched["source.bucket_ids"].startswith("starts with another bucket than source.bucket_id")
    on_collection = violations(body(source={"type": "collection", "collection_id": "col_0123456789", "bucket_ids": ["bkt_0123456789"]}))
    assert on_collection["source.bucket_ids"].startswith("is only allowed when source.type is bucket")


def test_several_source_buckets_need_compatible_schemas_and_are_stored_in_order():
    request = body(source={"type": "bucket", "bucket_ids": ["bkt_0123456789", "twin"]})
    draft = rules.check_request(request, CATALOGUE, NAMESPACE)
    assert (draft.source_ident, draft.more_source_idents) == ("bkt_0123456789", ("twin",))
    twin = {**BUCKET, "_id": "bkt_twin000000", "bucket_name": "twin"}
    planned = rules.plan(draft, request, {**BUCKET, "bucket_name": "first"}, collection_id="col_0123456789", namespace_id=NAMESPACE["_id"], now="2026-01-01T00:00:00.000Z", more_sources=[twin])
    assert planned["source"]["bucket_id"] == "bkt_0123456789" and planned["source"]["bucket_ids"] == ["bkt_0123456789", "bkt_twin000000"]
    assert planned["source_lineage"][0]["bucket_config"]["bucket_ids"] == planned["source"]["bucket_ids"]

    other = {"_id": "bkt_other00000", "bucket_name": "other", "bucket_schema": {"properties": {"image": {"type": "text"}, "metadata": BUCKET["bucket_schema"]["properties"]["metadata"]}}}
    with pytest.raises(InvalidArgument) as caught:
        rules.plan(rules.check_request(request, CATALOGUE, NAMESPACE), request, {**BUCKET, "bucket_name": "first"}, collection_id="col_0123456789", namespace_id=NAMESPACE["_id"], now="2026-01-01T00:00:00.000Z", more_sources=[other])
    assert {v.field: v.description for v in caught.value.violations} == {
        "source.bucket_ids[1]": "bucket 'other' cannot feed the collection with bucket 'first': field 'image' is text there, image here"
    }
    assert rules.schema_difference({"properties": {"a": {"type": "string", "required": True}}}, {"properties": {"a": {"type": "string"}}}) == "field 'a' is required in one schema only"
