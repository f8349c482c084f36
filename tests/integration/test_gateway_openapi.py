"""The OpenAPI document and the docs page, generated from the descriptors: valid OpenAPI 3.1, the
Mixpeek JSON names and enum strings, the protos' comments as descriptions, null where the codec
writes null, the error envelope, bearer auth and X-Namespace; and the seeds' JSON fits both the
transcoder and the documented schemas (also for services not yet registered on this branch)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from google.protobuf import descriptor_pool
from openapi_spec_validator import validate
from vecplane.v1 import bucket_pb2, collection_pb2, feature_extractor_pb2, namespace_pb2

from server.gateway import openapi, routes, transcode
from server.gateway.errors import HttpError
from tests.support.openapi import validator
from tests.support.rest import Rest

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
PROTOS = Path(__file__).resolve().parents[2] / "protos" / "vecplane" / "v1"


def seed(name: str):
    return json.loads((SEEDS / name).read_text())


@pytest.fixture(scope="module")
def doc(base_url) -> dict:
    response = Rest(base_url).get("/openapi.json")  # public: no key needed
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    return response.json()


def all_services_doc() -> tuple[list[routes.Route], dict]:
    services = [
        namespace_pb2.DESCRIPTOR.services_by_name["NamespaceService"],
        collection_pb2.DESCRIPTOR.services_by_name["CollectionService"],
        bucket_pb2.DESCRIPTOR.services_by_name["BucketService"],
    ]
    built = routes.build(services)
    return built, openapi.build(built)


def find(built, method, path) -> routes.Route:
    return next(r for r in built if r.http_method == method and r.template.text == path)


def test_document_is_valid_openapi_31(doc):
    validate(doc)
    assert doc["openapi"] == "3.1.0"
    _, everything = all_services_doc()
    validate(everything)


def test_every_binding_is_a_documented_operation(doc, server):
    operations = {(method.upper(), path) for path, methods in doc["paths"].items() for method in methods}
    expected = {(r.http_method, r.template.openapi_path()) for r in server.app.gateway.routes}
    assert operations == expected
    assert {("POST", "/v1/namespaces"), ("POST", "/v1/namespaces/create"), ("GET", "/v1/namespaces"), ("POST", "/v1/namespaces/list"),
            ("GET", "/v1/features/extractors/{feature_extractor_id}"), ("POST", "/v1/namespaces/{namespace_id}/plugins/reconfigure")} <= operations
    ids = [op["operationId"] for methods in doc["paths"].values() for op in methods.values()]
    assert len(ids) == len(set(ids))


def test_parameters_follow_the_http_rules(doc):
    get_list = doc["paths"]["/v1/namespaces"]["get"]
    query = {p["name"]: p for p in get_list["parameters"] if p.get("in") == "query"}
    assert {"limit", "offset", "cursor", "include_total", "query.search", "query.sort.direction"} <= set(query)
    assert query["query.sort.direction"]["schema"] == {"$ref": "#/components/schemas/SortDirection"}
    post_list = doc["paths"]["/v1/namespaces/list"]["post"]
    assert {p["name"] for p in post_list["parameters"] if p.get("in") == "query"} == {"limit", "offset", "cursor", "include_total", "page_size", "page"}
    assert post_list["requestBody"]["content"]["application/json"]["schema"]["anyOf"][0] == {"$ref": "#/components/schemas/ListQuery"}
    get_one = doc["paths"]["/v1/namespaces/{namespace_id}"]["get"]
    assert [(p["name"], p["in"], p["required"]) for p in get_one["parameters"] if p.get("in") == "path"] == [("namespace_id", "path", True)]
    patch = doc["paths"]["/v1/namespaces/{namespace_id}"]["patch"]
    body = patch["requestBody"]["content"]["application/json"]["schema"]
    assert "namespace_id" not in body["properties"] and "update_mask" in body["properties"]
    assert not [p for p in patch["parameters"] if p.get("in") == "query"]  # body "*": no query parameters


def test_mixpeek_names_and_enum_strings(doc):
    schemas = doc["components"]["schemas"]
    assert {"AND", "OR", "NOT", "case_sensitive", "field", "operator", "value", "field_equals"} == set(schemas["LogicalOperator"]["properties"])
    assert schemas["LogicalOperator"]["additionalProperties"] is True  # the equality shorthand's keys
    assert schemas["FilterOperator"]["enum"][:3] == ["eq", "ne", "gt"]
    assert "keyword" in schemas["PayloadIndexType"]["enum"]
    assert set(schemas["DocumentOutputHandling"]["enum"]) == {"create_new", "enrich", "replace"}
    assert not [v for s in schemas.values() for v in s.get("enum", []) if isinstance(v, str) and v.endswith("UNSPECIFIED")]


def test_descriptions_are_the_proto_comments(doc):
    namespace = doc["components"]["schemas"]["Namespace"]
    assert namespace["properties"]["namespace_id"]["description"] == "`ns_` followed by random letters and digits."
    assert namespace["properties"]["namespace_id"]["readOnly"] is True
    assert namespace["description"].startswith("A namespace: an isolated space")
    get_one = doc["paths"]["/v1/namespaces/{namespace_id}"]["get"]
    assert get_one["summary"] == "Gets a namespace by ID or name"
    assert "/vecplane.v1.NamespaceService/GetNamespace" in get_one["description"]
    assert "In place (default) or recreate." in json.dumps(doc["paths"]["/v1/namespaces/{namespace_id}/plugins/reconfigure"])


def test_null_where_the_codec_writes_null(doc):
    schemas = doc["components"]["schemas"]
    assert schemas["Namespace"]["properties"]["created_at"]["type"] == ["string", "null"]
    assert schemas["Namespace"]["properties"]["namespace_name"]["type"] == "string"
    assert schemas["Namespace"]["properties"]["feature_extractors"]["items"] == {"$ref": "#/components/schemas/NamespaceFeatureExtractor"}
    assert schemas["ListNamespacesResponse"]["properties"]["total_count"]["type"] == ["integer", "null"]
    assert schemas["ListNamespacesResponse"]["properties"]["pagination"]["anyOf"][1] == {"type": "null"}
    operator = schemas["LogicalOperator"]["properties"]["operator"]
    assert operator["anyOf"] == [{"$ref": "#/components/schemas/FilterOperator"}, {"type": "null"}]


def test_errors_security_and_namespace_header(doc):
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer", "description": doc["components"]["securitySchemes"]["bearerAuth"]["description"]}
    assert doc["security"] == [{"bearerAuth": []}]
    envelope = doc["components"]["schemas"]["ErrorResponse"]
    assert envelope["required"] == ["success", "status", "error"]
    for methods in doc["paths"].values():
        for op in methods.values():
            assert op["responses"]["default"] == {"$ref": "#/components/responses/Error"}
            assert op["responses"]["422"] == {"$ref": "#/components/responses/ValidationError"}
    built, everything = all_services_doc()
    for route in built:
        op = everything["paths"][route.template.openapi_path()][route.http_method.lower()]
        namespaced = {"$ref": "#/components/parameters/XNamespace"} in op["parameters"]
        assert namespaced == (route.service.name in ("CollectionService", "BucketService"))
    # A public catalogue of a namespaced service needs no key and acts in no namespace.
    stages = doc["paths"]["/v1/retrievers/stages"]["get"]
    assert stages["security"] == [{}, {"bearerAuth": []}] and {"$ref": "#/components/parameters/XNamespace"} not in stages["parameters"]
    assert {"$ref": "#/components/parameters/XNamespace"} in doc["paths"]["/v1/retrievers"]["post"]["parameters"]


def test_live_answers_and_errors_fit_their_documented_schemas(doc, base_url, api):
    rest = Rest(base_url, api.key)
    created = rest.post("/v1/namespaces", json={"namespace_name": "documented", "feature_extractors": [{"feature_extractor_name": "text_extractor", "version": "v1"}]})
    op = doc["paths"]["/v1/namespaces"]["post"]
    validator(doc, op["responses"]["200"]["content"]["application/json"]["schema"]).validate(created.json())
    listed = rest.get("/v1/namespaces", params={"include_total": "true"})
    validator(doc, doc["paths"]["/v1/namespaces"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]).validate(listed.json())
    error_schema = {"$ref": "#/components/schemas/ErrorResponse"}
    for response in (rest.get("/v1/namespaces/nope"), rest.post("/v1/namespaces", json={"x": 1}), rest.post("/v1/namespaces", content=b"{"), rest.get("/nowhere")):
        validator(doc, error_schema).validate(response.json())


def test_seed_004_request_decodes_through_the_create_collection_route():
    built, everything = all_services_doc()
    route = find(built, "POST", "/v1/collections/create")
    body = seed("004_create_collection_request.json")
    request = transcode.build_request(route, {}, [], body)
    assert request.source.type == collection_pb2.SOURCE_TYPE_BUCKET
    assert [c.field for c in request.source.filters.all_of] == ["name", "age"]
    assert request.feature_extractors[0].document_output_handling == feature_extractor_pb2.DOCUMENT_OUTPUT_HANDLING_CREATE_NEW
    assert request.cache_config.invalidation_events[0].recompute_strategy == collection_pb2.RECOMPUTE_STRATEGY_BACKGROUND
    # The documented body schema accepts it too, once its name is one (the seed writes "<string>",
    # which the name rule refuses, and the schema says so).
    schema = everything["paths"]["/v1/collections/create"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert not validator(everything, schema).is_valid(body)
    validator(everything, schema).validate({**body, "collection_name": "products"})
    # The same route, also on the additional binding.
    assert transcode.build_request(find(built, "POST", "/v1/collections"), {}, [], body) == request


def test_seed_004_with_a_wrong_enum_and_an_unknown_field_names_both():
    built, _ = all_services_doc()
    body = seed("004_create_collection_request.json")
    body["source"]["type"] = "bucketz"
    body["cache_config"]["surprise"] = 1
    with pytest.raises(HttpError) as raised:
        transcode.build_request(find(built, "POST", "/v1/collections/create"), {}, [], body)
    assert raised.value.status == 422
    assert {tuple(e["location"]) for e in raised.value.details["validation_errors"]} == {
        ("body", "source", "type"), ("body", "cache_config", "surprise"),
    }


def test_seed_004_response_fits_the_documented_collection():
    _, everything = all_services_doc()
    schema = everything["paths"]["/v1/collections/create"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/Collection"}  # response_body: the resource, flat
    answer = seed("004_create_collection_response.json")
    problems = [(e.validator, e.message) for e in validator(everything, schema).iter_errors(answer)]
    # Every key and value of Mixpeek's answer fits; ours also always carries the `source` it was
    # created with, which Mixpeek's answer leaves out.
    assert problems == [("required", "'source' is a required property")]
    documented = set(everything["components"]["schemas"]["Collection"]["properties"])
    assert set(answer) <= documented


def test_seed_002_request_and_response_fit_the_reconfigure_route():
    built, everything = all_services_doc()
    route = find(built, "POST", "/v1/namespaces/{namespace_id}/plugins/reconfigure")
    request = transcode.build_request(route, {"namespace_id": "ns_abc123"}, [], seed("002_reconfigure_request.json"))
    assert request.confirm is True and request.namespace_id == "ns_abc123"
    schema = everything["paths"]["/v1/namespaces/{namespace_id}/plugins/reconfigure"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    validator(everything, schema).validate(seed("002_reconfigure_response.json"))


def test_docs_page_is_self_contained_html(base_url, doc):
    response = Rest(base_url).get("/docs")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    for path in doc["paths"]:
        assert f"<code>{path}</code>" in page
    assert "Gets a namespace by ID or name" in page and 'id="schema-Namespace"' in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing loaded from elsewhere
    assert "<script" not in page


def test_comments_file_covers_every_element_of_the_protos():
    comments = openapi.load_comments()
    pool = descriptor_pool.Default()
    missing = []
    for proto in sorted(PROTOS.glob("*.proto")):
        file = pool.FindFileByName(f"vecplane/v1/{proto.name}")
        for message in file.message_types_by_name.values():
            missing += [n for n in [message.full_name, *(f.full_name for f in message.fields)] if n not in comments]
        for enum in file.enum_types_by_name.values():
            missing += [n for n in [enum.full_name, *(f"{enum.full_name}.{v.name}" for v in enum.values)] if n not in comments]
        for service in file.services_by_name.values():
            missing += [n for n in [service.full_name, *(m.full_name for m in service.methods)] if n not in comments]
    assert not missing, f"server/gateway/proto_comments.json is stale (run scripts/generate): {missing[:10]}"


def test_batch_object_items_need_no_bucket_id():
    """An item of `POST /v1/buckets/{bucket_id}/objects/batch` takes the path's bucket (issue 15:
    the document required `bucket_id` in each item, which the server does not)."""
    _, everything = all_services_doc()
    body = everything["paths"]["/v1/buckets/{bucket_id}/objects/batch"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    item = {"key_prefix": "/a", "blobs": [{"property": "content", "type": "text", "data": "x"}]}
    validator(everything, body).validate({"objects": [item]})
