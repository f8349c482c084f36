"""The seeds' JSON bodies sent verbatim to the REST gateway, answered in the seeds' shapes."""

from __future__ import annotations

from tests.integration.test_gateway import rest  # noqa: F401 - fixture
from tests.support import resources
from tests.support.points import E5, make_points, seed
from tests.support.rest import envelope
from tests.support.seeds import (
    SEED_004_BAD_FIELDS,
    seed_002_request,
    seed_002_response,
    seed_004_request,
    seed_004_response,
)


def namespace(rest, *extractors) -> str:
    body = {"namespace_name": resources.unique("seeds"), "feature_extractors": [resources.TEXT, *extractors]}
    response = rest.post("/v1/namespaces", json=body)
    assert response.status_code == 200, response.text
    return response.json()["namespace_id"]


def test_seed_004_with_its_placeholders_is_400_naming_every_bad_field(rest):
    scoped = rest.in_namespace(namespace(rest))
    error = envelope(scoped.post("/v1/collections/create", json=seed_004_request()), 400, "BadRequestError")
    assert {v["field"] for v in error["details"]["field_violations"]} == SEED_004_BAD_FIELDS
    assert "collection_name" in error["message"]


def test_a_valid_request_of_seed_004_shape_is_200_with_seed_004_response_shape(rest):
    scoped = rest.in_namespace(namespace(rest))
    properties = {name: {"type": kind} for name, kind in (("name", "string"), ("age", "integer"), ("status", "string"), ("role", "string"), ("department", "string"), ("location", "string"))}
    bucket = scoped.post("/v1/buckets/create", json={"bucket_name": "people", "bucket_schema": {"properties": properties}})
    assert bucket.status_code == 200, bucket.text
    body = seed_004_request()
    body["collection_name"] = "people-by-name"
    body["source"].update({"bucket_id": "people", "prefix_key": "/people"})
    del body["source"]["collection_id"]
    body["feature_extractors"][0].update({"feature_extractor_name": "text_extractor", "version": "v1", "input_mapping": {"text": "name"}})
    body["taxonomy_applications"] = [{"taxonomy_id": "tax_departments", "output_collection": "people-by-name"}]
    body["cache_config"]["invalidation_events"] = [{"collection": "people-by-name", "action": "update", "recompute_strategy": "background", "retriever_id": "ret_people01"}]

    response = scoped.post("/v1/collections/create", json=body)

    assert response.status_code == 200, response.text
    created, expected = response.json(), seed_004_response()
    assert set(expected) <= set(created)
    for key in ("source_lineage", "feature_extractors", "taxonomy_applications"):
        assert set(expected[key][0]) <= set(created[key][0]), key
    assert set(expected["source_lineage"][0]["bucket_config"]) <= set(created["source_lineage"][0]["bucket_config"])
    assert set(expected["cache_config"]) <= set(created["cache_config"])
    assert created["collection_id"].startswith("col_") and created["status"] == "PENDING" and created["enabled"] is True
    assert created["source"]["filters"] == seed_004_request()["source"]["filters"]  # AND/OR/NOT, as sent
    assert created["feature_extractors"][0]["document_output_type"] == "single"
    assert created["cache_config"]["invalidation_strategy"] == "replace_if_better" and created["cache_config"]["score_threshold"] == 123
    fetched = scoped.get(f"/v1/collections/{created['collection_id']}")
    assert fetched.json() == created
    assert scoped.get("/v1/collections/people-by-name").json()["collection_id"] == created["collection_id"]


def test_seed_002_confirm_true_returns_seed_002_fields(rest, server):
    ns = namespace(rest)
    seed(server, ns, make_points(ns, 40, {E5: 1024}, ["col_seeded"]))
    enabled = rest.patch(f"/v1/namespaces/{ns}", json={"feature_extractors": [resources.TEXT, resources.FASHION]})
    assert enabled.status_code == 200, enabled.text

    response = rest.post(f"/v1/namespaces/{ns}/plugins/reconfigure", json=seed_002_request())

    assert response.status_code == 200, response.text
    answer, expected = response.json(), seed_002_response()
    assert set(expected) <= set(answer)
    assert {key: type(answer[key]) for key in expected} == {key: type(value) for key, value in expected.items()}
    assert answer["namespace_id"] == ns and answer["status"] == "reconfigured"
    assert answer["vectors_added"] == expected["vectors_added"] == ["fashionsiglip_v1_embedding"]
    assert answer["vectors_total"] == expected["vectors_total"]
    assert answer["previous_points_count"] == 40 and answer["points_preserved"] == 40 and answer["points_deleted"] == 0
    assert answer["mode"] == "in_place" and answer["strategy"] == "live"
    again = rest.post(f"/v1/namespaces/{ns}/plugins/reconfigure", json=seed_002_request())
    assert again.json()["status"] == "no_changes_needed"


def test_reconfigure_without_confirm_is_400_naming_confirm(rest):
    ns = namespace(rest)
    for body in ({}, {"confirm": False}):
        error = envelope(rest.post(f"/v1/namespaces/{ns}/plugins/reconfigure", json=body), 400, "BadRequestError")
        assert [v["field"] for v in error["details"]["field_violations"]] == ["confirm"]
        assert "confirm=true not set" in error["message"]
    dry = rest.post(f"/v1/namespaces/{ns}/plugins/reconfigure", json={"dry_run": True})
    assert dry.status_code == 200 and dry.json()["dry_run"] is True
