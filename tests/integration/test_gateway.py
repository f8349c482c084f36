"""The REST gateway of the session server, with an HTTP client: Mixpeek's paths and JSON for the
RPCs on this branch (namespaces, the extractor catalogue, admin), its error envelope, and what it
does with path variables, query parameters, bodies and additional bindings."""

from __future__ import annotations

import pytest
from vecplane.v1 import namespace_pb2

from tests.support.api import expect_error
from tests.support.rest import Rest, envelope
from tests.support.servers import ADMIN_KEY

TEXT = {"feature_extractor_name": "text_extractor", "version": "v1"}
NAMESPACE_FIELDS = {
    "namespace_id", "namespace_name", "description", "feature_extractors", "payload_indexes",
    "vector_indexes", "created_at", "updated_at", "mode",
}


@pytest.fixture
def rest(api, base_url) -> Rest:
    """A REST client with the key of a fresh organization (the same one `api` uses over gRPC)."""
    return Rest(base_url, api.key)


@pytest.fixture(scope="session")
def root_rest(base_url) -> Rest:
    return Rest(base_url, ADMIN_KEY)


def create(rest: Rest, name: str, **fields) -> dict:
    response = rest.post("/v1/namespaces", json={"namespace_name": name, "feature_extractors": [TEXT], **fields})
    assert response.status_code == 200, response.text
    return response.json()


# --- namespaces -----------------------------------------------------------------------------


def test_create_takes_mixpeek_json_and_answers_the_namespace_flat(rest, api):
    response = rest.post(
        "/v1/namespaces",
        json={
            "namespace_name": "catalog",
            "description": "products",
            "feature_extractors": [TEXT, {"feature_extractor_name": "fashionsiglip", "version": "v1", "params": {"top_k_tags": 3}}],
            "payload_indexes": [{"field_name": "metadata.brand", "type": "keyword"}],
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == NAMESPACE_FIELDS  # flat (response_body), every field present
    assert body["namespace_id"].startswith("ns_")
    assert body["namespace_name"] == "catalog" and body["description"] == "products"
    assert body["payload_indexes"] == [{"field_name": "metadata.brand", "type": "keyword"}]
    assert body["feature_extractors"][1] == {"feature_extractor_name": "fashionsiglip", "version": "v1", "params": {"top_k_tags": 3}, "feature_extractor_id": "fashionsiglip_v1"}
    assert {v["name"]: (v["index"]["dimensions"], v["index"]["distance"], v["type"]) for v in body["vector_indexes"]} == {
        "multilingual_e5_large_instruct_v1": (1024, "cosine", "single"),
        "fashionsiglip_v1_embedding": (768, "cosine", "single"),
    }
    assert body["created_at"].endswith("Z") and body["created_at"] == body["updated_at"]
    # The same namespace, seen over gRPC.
    over_grpc = api.call(api.namespaces.GetNamespace, namespace_pb2.GetNamespaceRequest(namespace_id="catalog")).namespace
    assert over_grpc.namespace_id == body["namespace_id"]
    assert over_grpc.payload_indexes[0].field_name == "metadata.brand"


def test_additional_binding_creates_the_same_way(rest):
    body = rest.post("/v1/namespaces/create", json={"namespace_name": "second-path", "feature_extractors": [TEXT]}).json()
    assert set(body) == NAMESPACE_FIELDS and body["namespace_name"] == "second-path"
    assert rest.get(f"/v1/namespaces/{body['namespace_id']}").json() == body


def test_path_variable_takes_an_id_or_a_name(rest):
    created = create(rest, "by-either")
    by_id = rest.get(f"/v1/namespaces/{created['namespace_id']}")
    by_name = rest.get("/v1/namespaces/by-either")
    assert by_id.status_code == by_name.status_code == 200
    assert by_id.json() == by_name.json() == created
    assert rest.get("/v1/namespaces/by-either/").json() == created  # a trailing slash is fine


def test_path_variables_are_percent_decoded(rest):
    error = envelope(rest.get("/v1/namespaces/no%20such%2Fname"), 404, "NotFoundError")
    assert error["details"]["id"] == "no such/name"


def test_list_pages_with_query_parameters(rest):
    for name in ("list-a", "list-b", "list-c"):
        create(rest, name)
    first = rest.get("/v1/namespaces", params={"limit": 2, "include_total": "true"})
    assert first.status_code == 200, first.text
    page = first.json()
    assert [n["namespace_name"] for n in page["results"]] == ["list-a", "list-b"]
    assert page["pagination"]["total"] == 3 and page["pagination"]["page_size"] == 2
    assert page["total_count"] == 3
    second = rest.get("/v1/namespaces", params={"limit": 2, "cursor": page["pagination"]["next_cursor"]}).json()
    assert [n["namespace_name"] for n in second["results"]] == ["list-c"]
    assert second["total_count"] == 3  # always a number, as Mixpeek answers
    assert second["pagination"]["total"] is None  # in the pagination only when asked for
    by_offset = rest.get("/v1/namespaces", params={"limit": 1, "offset": 1}).json()
    assert [n["namespace_name"] for n in by_offset["results"]] == ["list-b"]


def test_list_post_takes_the_query_as_body_and_the_page_from_the_query_string(rest):
    for name in ("alpha-one", "alpha-two", "beta-one"):
        create(rest, name)
    response = rest.post(
        "/v1/namespaces/list",
        params={"limit": 5, "include_total": "true"},
        json={"search": "alpha", "sort": {"field": "namespace_name", "direction": "desc"}},
    )
    assert response.status_code == 200, response.text
    assert [n["namespace_name"] for n in response.json()["results"]] == ["alpha-two", "alpha-one"]
    assert response.json()["total_count"] == 2
    # Nested fields as dotted query parameters on the GET binding give the same page.
    same = rest.get("/v1/namespaces", params={"query.search": "alpha", "query.sort.field": "namespace_name", "query.sort.direction": "desc"})
    assert [n["namespace_name"] for n in same.json()["results"]] == ["alpha-two", "alpha-one"]
    # An empty body lists everything.
    assert len(rest.post("/v1/namespaces/list").json()["results"]) == 3


def test_list_body_takes_mixpeek_filters(rest):
    for name in ("keep-one", "keep-two", "drop-one"):
        create(rest, name)
    body = {
        "filters": {
            "AND": [{"field": "namespace_name", "operator": "starts_with", "value": "KEEP"}],
            "NOT": [{"field": "namespace_name", "operator": "in", "value": ["keep-two"]}],
        }
    }
    response = rest.post("/v1/namespaces/list", json=body)
    assert response.status_code == 200, response.text
    assert [n["namespace_name"] for n in response.json()["results"]] == ["keep-one"]
    error = envelope(rest.post("/v1/namespaces/list", json={"filters": {"AND": [{"operator": "equals"}], "NOT": [{"operator": "gt"}, {"operator": "x"}]}}), 422, "ValidationError")
    assert {tuple(e["location"]) for e in error["details"]["validation_errors"]} == {
        ("body", "filters", "AND", 0, "operator"),
        ("body", "filters", "NOT", 1, "operator"),
    }


def test_list_filters_take_mixpeeks_equality_shorthand_over_rest_and_grpc(rest, api):
    for name in ("short-one", "short-two"):
        create(rest, name)
    response = rest.post("/v1/namespaces/list", json={"filters": {"namespace_name": "SHORT-TWO"}})
    assert response.status_code == 200, response.text
    assert [n["namespace_name"] for n in response.json()["results"]] == ["short-two"]
    nested = rest.post("/v1/namespaces/list", json={"filters": {"OR": [{"namespace_name": "short-one"}, {"namespace_name": "nope"}]}})
    assert [n["namespace_name"] for n in nested.json()["results"]] == ["short-one"]
    # Checked as the condition it stands for: a field of the resource, one value.
    error = envelope(rest.post("/v1/namespaces/list", json={"filters": {"colour": "red", "namespace_name": ["a"]}}), 400, "BadRequestError")
    assert {v["field"] for v in error["details"]["field_violations"]} == {"query.filters.colour", "query.filters.namespace_name"}
    # gRPC: the same shorthand is the filter's field_equals.
    request = namespace_pb2.ListNamespacesRequest()
    request.query.filters.field_equals.update({"namespace_name": "short-one"})
    assert [n.namespace_name for n in api.call(api.namespaces.ListNamespaces, request).results] == ["short-one"]


def test_bad_query_parameters_are_422_with_their_names(rest):
    response = rest.get("/v1/namespaces", params=[("limit", "ten"), ("include_total", "maybe"), ("query.sort.direction", "sideways"), ("offset", "1"), ("offset", "2")])
    error = envelope(response, 422, "ValidationError")
    found = {tuple(e["location"]): e["type"] for e in error["details"]["validation_errors"]}
    assert found == {
        ("query", "limit"): "type_error",
        ("query", "include_total"): "type_error",
        ("query", "query.sort.direction"): "value_error",
        ("query", "offset"): "value_error",
    }


def test_out_of_range_page_size_is_rejected_by_the_service(rest):
    error = envelope(rest.get("/v1/namespaces", params={"limit": 5000}), 400, "BadRequestError")
    assert [v["field"] for v in error["details"]["field_violations"]] == ["limit"]


def test_patch_changes_only_the_fields_sent(rest):
    created = create(rest, "patch-me", description="before", payload_indexes=[{"field_name": "metadata.a", "type": "keyword"}])
    response = rest.patch("/v1/namespaces/patch-me", json={"description": "after"})
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["description"] == "after"
    assert updated["payload_indexes"] == created["payload_indexes"]
    assert updated["feature_extractors"] == created["feature_extractors"]
    renamed = rest.patch(f"/v1/namespaces/{created['namespace_id']}", json={"namespace_name": "patched"}).json()
    assert renamed["namespace_name"] == "patched" and renamed["description"] == "after"
    assert rest.get("/v1/namespaces/patched").json()["namespace_id"] == created["namespace_id"]


def test_put_sending_an_empty_list_means_changing_it_to_empty(rest):
    create(rest, "keep-extractors")
    # The mask comes from the body's keys, so [] is an attempt to remove every extractor (refused),
    # not "nothing to change"; PATCH appends, so [] adds nothing there.
    error = envelope(rest.put("/v1/namespaces/keep-extractors", json={"feature_extractors": []}), 400, "BadRequestError")
    assert [v["field"] for v in error["details"]["field_violations"]] == ["feature_extractors"]
    unchanged = rest.patch("/v1/namespaces/keep-extractors", json={"feature_extractors": []})
    assert unchanged.status_code == 200 and len(unchanged.json()["feature_extractors"]) == 1
    # An explicit mask wins over the keys present.
    updated = rest.patch("/v1/namespaces/keep-extractors", json={"description": "d", "namespace_name": "ignored", "update_mask": "description"}).json()
    assert updated["description"] == "d" and updated["namespace_name"] == "keep-extractors"
    # Nothing sent: nothing to change.
    error = envelope(rest.patch("/v1/namespaces/keep-extractors", json={}), 400, "BadRequestError")
    assert [v["field"] for v in error["details"]["field_violations"]] == ["update_mask"]


def test_delete_answers_mixpeek_fields_then_the_namespace_is_gone(rest):
    created = create(rest, "short-lived")
    response = rest.delete("/v1/namespaces/short-lived")
    assert response.status_code == 200, response.text
    assert response.json()["namespace_id"] == created["namespace_id"] and response.json()["message"]
    error = envelope(rest.get(f"/v1/namespaces/{created['namespace_id']}"), 404, "NotFoundError")
    assert error["details"]["resource"] == "namespace" and error["details"]["id"] == created["namespace_id"]
    assert error["details"]["reason"] == "NAMESPACE_NOT_FOUND"


# --- feature extractors ----------------------------------------------------------------------


def test_extractor_catalogue_is_a_list_on_both_paths(rest):
    response = rest.get("/v1/collections/features/extractors")
    assert response.status_code == 200, response.text
    listed = response.json()
    assert isinstance(listed, list)  # response_body: the list itself, as Mixpeek answers
    by_id = {item["feature_extractor_id"]: item for item in listed}
    assert by_id["text_extractor_v1"]["source"] == "builtin"
    assert by_id["fashionsiglip_v1"]["source"] == "custom"
    assert rest.get("/v1/features/extractors").json() == listed


def test_one_extractor_by_id_with_enum_strings(rest):
    item = rest.get("/v1/collections/features/extractors/text_extractor_v1").json()
    assert item["feature_extractor_name"] == "text_extractor" and item["version"] == "v1"
    assert item["document_output_type"] in ("single", "multiple")
    assert item["document_input_handling"] in ("individual", "grouped")
    assert item["document_output_handling"] in ("create_new", "enrich", "replace")
    assert item["required_vector_indexes"][0]["index"]["distance"] == "cosine"
    assert item["input_schema"]["properties"]["text"]["type"] == "text"
    assert rest.get("/v1/features/extractors/text_extractor_v1").json() == item
    envelope(rest.get("/v1/features/extractors/nope_v9"), 404, "NotFoundError")


# --- admin ---------------------------------------------------------------------------------


def test_admin_creates_an_organization_and_a_key_that_works_over_rest(root_rest, base_url):
    org = root_rest.post("/v1/admin/organizations", json={"organization_name": "rest-org"})
    assert org.status_code == 200, org.text
    organization = org.json()
    assert organization["organization_id"].startswith("org_") and organization["organization_name"] == "rest-org"
    made = root_rest.post(f"/v1/admin/organizations/{organization['organization_id']}/api-keys", json={"key_name": "ci", "role": "member"})
    assert made.status_code == 200, made.text
    key = made.json()
    assert key["secret"].startswith("sk_") and key["api_key"]["organization_id"] == organization["organization_id"]
    assert key["api_key"]["admin"] is False and key["api_key"]["role"] == "member"

    user = Rest(base_url, key["secret"])
    assert user.post("/v1/namespaces", json={"namespace_name": "mine", "feature_extractors": [TEXT]}).status_code == 200
    error = envelope(user.post("/v1/admin/organizations", json={"organization_name": "nope"}), 403, "ForbiddenError")
    assert error["details"]["reason"] == "OPERATOR_KEY_REQUIRED"

    deleted = root_rest.delete(f"/v1/admin/api-keys/{key['api_key']['key_id']}")
    assert deleted.status_code == 200 and deleted.json() == {"key_id": key["api_key"]["key_id"]}
    error = envelope(user.get("/v1/namespaces"), 401, "UnauthorizedError")
    assert error["details"]["reason"] == "API_KEY_INVALID"


# --- errors ---------------------------------------------------------------------------------


def test_malformed_json_is_400_and_changes_nothing(rest):
    response = rest.post("/v1/namespaces", content=b'{"namespace_name": "half"', headers={"content-type": "application/json"})
    error = envelope(response, 400, "BadRequestError")
    assert error["message"].startswith("Malformed JSON") and error["details"]["line"] == 1
    envelope(rest.post("/v1/namespaces", content=b'{"namespace_name": NaN}'), 400, "BadRequestError")
    envelope(rest.post("/v1/namespaces", content=b'\xff\xfe{}'), 400, "BadRequestError")
    assert rest.get("/v1/namespaces").json()["results"] == []


def test_bodies_nested_too_deep_are_400_not_a_crash(rest):
    for depth in (40, 5000):
        params = "[" * depth + "]" * depth
        body = '{"namespace_name": "deep", "feature_extractors": [{"feature_extractor_name": "text_extractor", "version": "v1", "params": {"a": ' + params + "}}]}"
        envelope(rest.post("/v1/namespaces", content=body.encode()), 400, "BadRequestError")


def test_every_body_problem_is_listed_as_422_with_its_location(rest):
    response = rest.post(
        "/v1/namespaces",
        json={
            "namespace_name": 42,
            "colour": "blue",
            "feature_extractors": [{"feature_extractor_name": "text_extractor", "version": "v1", "extra": True}],
            "payload_indexes": [{"field_name": "a", "type": "not-a-type"}, "oops"],
        },
    )
    error = envelope(response, 422, "ValidationError")
    found = {tuple(e["location"]): e["type"] for e in error["details"]["validation_errors"]}
    assert found == {
        ("body", "namespace_name"): "type_error",
        ("body", "colour"): "extra_forbidden",
        ("body", "feature_extractors", 0, "extra"): "extra_forbidden",
        ("body", "payload_indexes", 0, "type"): "value_error",
        ("body", "payload_indexes", 1): "type_error",
    }
    bad_enum = next(e for e in error["details"]["validation_errors"] if e["location"][-1] == "type")
    assert "'keyword'" in bad_enum["message"]  # names the allowed strings
    assert rest.get("/v1/namespaces").json()["results"] == []


def test_a_body_that_is_not_an_object_is_422(rest):
    error = envelope(rest.post("/v1/namespaces", json=[1, 2]), 422, "ValidationError")
    assert error["details"]["validation_errors"] == [{"type": "type_error", "location": ["body"], "message": "must be an object"}]


def test_service_validation_is_400_naming_the_fields(rest):
    response = rest.post("/v1/namespaces", json={"namespace_name": "x", "feature_extractors": [{"feature_extractor_name": "nope", "version": "v1"}]})
    error = envelope(response, 400, "BadRequestError")
    fields = {v["field"] for v in error["details"]["field_violations"]}
    assert "namespace_name" in fields and any(f.startswith("feature_extractors[0]") for f in fields)
    assert error["details"]["reason"] == "INVALID_ARGUMENT"


def test_missing_wrong_and_malformed_keys_are_401(base_url):
    for key, reason in ((None, "API_KEY_MISSING"), ("sk_not_a_real_key_0123456789", "API_KEY_INVALID")):
        error = envelope(Rest(base_url, key).get("/v1/namespaces"), 401, "UnauthorizedError")
        assert error["details"]["reason"] == reason
    response = Rest(base_url).get("/v1/namespaces", headers={"authorization": "Token abc"})
    assert envelope(response, 401, "UnauthorizedError")["details"]["reason"] == "API_KEY_MALFORMED"


def test_duplicate_name_is_409(rest):
    create(rest, "only-once")
    error = envelope(rest.post("/v1/namespaces", json={"namespace_name": "only-once", "feature_extractors": [TEXT]}), 409, "AlreadyExistsError")
    assert error["details"]["resource"] == "namespace" and error["details"]["id"] == "only-once"


def test_unknown_path_is_404_and_wrong_method_405_in_the_envelope(rest):
    error = envelope(rest.get("/v1/nothing/here"), 404, "NotFoundError")
    # A path holding an encoded newline still gets the envelope (found by schemathesis).
    envelope(rest.get("/v1/nothing%0Ahere"), 404, "NotFoundError")
    assert error["details"]["path"] == "/v1/nothing/here"
    response = rest.request("POST", "/v1/namespaces/some-name")
    error = envelope(response, 405, "MethodNotAllowedError")
    assert response.headers["allow"] == "DELETE, GET, PATCH, PUT"
    assert error["details"]["allowed"] == ["DELETE", "GET", "PATCH", "PUT"]
    assert rest.get("/v1/admin/organizations").headers["allow"] == "POST"
    assert envelope(rest.post("/openapi.json"), 405, "MethodNotAllowedError")


def test_body_over_the_limit_is_413(rest, server):
    limit = server.app.settings.http_max_body_bytes
    error = envelope(rest.post("/v1/namespaces", content=b" " * (limit + 1)), 413, "PayloadTooLargeError")
    assert error["details"]["max_body_bytes"] == limit

    def chunks():  # no content-length: the limit holds while reading
        for _ in range(limit // 65536 + 2):
            yield b" " * 65536

    envelope(rest.post("/v1/namespaces", content=chunks()), 413, "PayloadTooLargeError")


def test_request_id_is_forwarded_and_returned(rest):
    response = rest.get("/v1/namespaces", headers={"x-request-id": "req-abc-123"})
    assert response.status_code == 200 and response.headers["x-request-id"] == "req-abc-123"
    failed = rest.get("/v1/namespaces/missing", headers={"x-request-id": "req-abc-124"})
    assert failed.status_code == 404 and failed.headers["x-request-id"] == "req-abc-124"
    assert rest.get("/v1/namespaces").headers["x-request-id"]  # generated when absent


def test_headers_that_cannot_be_forwarded_are_400(rest):
    response = rest.get("/v1/namespaces", headers={"x-namespace": b"caf\xe9"})
    assert envelope(response, 400, "BadRequestError")["details"]["header"] == "x-namespace"


def test_grpc_and_rest_see_the_same_errors(rest, api):
    over_rest = envelope(rest.get("/v1/namespaces/ghost"), 404, "NotFoundError")
    over_grpc = expect_error(api.call, api.namespaces.GetNamespace, namespace_pb2.GetNamespaceRequest(namespace_id="ghost"))
    assert over_rest["message"] == over_grpc.message
    assert over_rest["details"]["reason"] == over_grpc.reason
