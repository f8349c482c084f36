"""Path templates and route building from http rules, without a server."""

from __future__ import annotations

import grpc
import pytest
from google.api import annotations_pb2, http_pb2
from google.protobuf import descriptor_pb2, descriptor_pool
from vecplane.v1 import admin_pb2, feature_extractor_pb2, namespace_pb2

from server.gateway import errors, routes, templates

_F = descriptor_pb2.FieldDescriptorProto


@pytest.mark.parametrize(
    ("template", "path", "expected"),
    [
        ("/v1/namespaces/{namespace_id}", "/v1/namespaces/ns_1", {"namespace_id": "ns_1"}),
        ("/v1/namespaces/{namespace_id}", "/v1/namespaces/a%2Fb%20c", {"namespace_id": "a/b c"}),
        ("/v1/namespaces/{namespace_id}", "/v1/namespaces/ns_1/x", None),
        ("/v1/namespaces/{namespace_id}", "/v1/namespaces/", None),
        ("/v1/{a.b}/x/{c}", "/v1/one/x/two", {"a.b": "one", "c": "two"}),
        ("/v1/{name=shelves/*/books/*}", "/v1/shelves/s1/books/b%2F1", {"name": "shelves/s1/books/b/1"}),
        ("/v1/{name=shelves/*/books/*}", "/v1/shelves/s1/other/b1", None),
        ("/v1/{path=**}", "/v1/a/b/c", {"path": "a/b/c"}),
        ("/v1/items/{id}:archive", "/v1/items/i:1:archive", {"id": "i:1"}),
        ("/v1/items/{id}:archive", "/v1/items/i1", None),
        ("/v1/*/items", "/v1/anything/items", {}),
    ],
)
def test_templates_match_and_decode(template, path, expected):
    assert templates.parse(template).match(path) == expected


@pytest.mark.parametrize("bad", ["v1/x", "/v1/{id", "/v1/{1d}", "/v1/{a}/{a}", "/v1/{a=b/{c}}", "/v1/x:", "/v1/a b{c}"])
def test_bad_templates_are_refused(bad):
    with pytest.raises(templates.TemplateError):
        templates.parse(bad)


def test_openapi_path_and_specificity():
    parsed = templates.parse("/v1/{a.b}/x:go")
    assert parsed.openapi_path() == "/v1/{a.b}/x:go"
    assert templates.parse("/v1/namespaces/list").literal_count > templates.parse("/v1/namespaces/{id}").literal_count


def test_routes_of_the_vecplane_services():
    built = routes.build(
        [
            namespace_pb2.DESCRIPTOR.services_by_name["NamespaceService"],
            feature_extractor_pb2.DESCRIPTOR.services_by_name["FeatureExtractorService"],
            admin_pb2.DESCRIPTOR.services_by_name["AdminService"],
        ]
    )
    by_key = {(r.http_method, r.template.text): r for r in built}
    assert len(built) == 23  # RunFeatureExtractor adds two POST routes; namespace extractors (2), stats (2), ensure-indexes
    get_list = by_key[("GET", "/v1/namespaces")]
    assert get_list.method.name == "ListNamespaces" and get_list.binding == 1 and get_list.operation_id == "NamespaceService_ListNamespaces_2"
    assert [q.json_path for q in get_list.query_params][:4] == ["limit", "offset", "cursor", "include_total"]
    assert "query.filters.operator" in [q.json_path for q in get_list.query_params]
    post_list = by_key[("POST", "/v1/namespaces/list")]
    assert post_list.body == "query" and [q.json_path for q in post_list.query_params] == ["limit", "offset", "cursor", "include_total", "page_size", "page"]
    update = by_key[("PATCH", "/v1/namespaces/{namespace_id}")]
    assert update.method.name == "PatchNamespace" and update.update_mask is not None and update.query_params == ()
    assert by_key[("PUT", "/v1/namespaces/{namespace_id}")].method.name == "UpdateNamespace"
    assert by_key[("POST", "/v1/namespaces")].update_mask is None
    assert by_key[("GET", "/v1/features/extractors")].response_body == "results"
    # The literal path is tried before the variable one.
    assert built.index(by_key[("POST", "/v1/namespaces/list")]) < built.index(by_key[("GET", "/v1/namespaces/{namespace_id}")])


def _service(name: str, rule: http_pb2.HttpRule):
    file = descriptor_pb2.FileDescriptorProto(
        name=f"vecplane/testing/{name.lower()}.proto", package="vecplane.testing.bad", syntax="proto3", dependency=["google/api/annotations.proto"]
    )
    message = file.message_type.add(name=f"{name}Message")
    message.field.add(name="id", number=1, type=_F.TYPE_STRING, label=_F.LABEL_OPTIONAL)
    message.field.add(name="tags", number=2, type=_F.TYPE_STRING, label=_F.LABEL_REPEATED)
    service = file.service.add(name=name)
    method = service.method.add(name="Call", input_type=f".vecplane.testing.bad.{name}Message", output_type=f".vecplane.testing.bad.{name}Message")
    method.options.Extensions[annotations_pb2.http].CopyFrom(rule)
    pool = descriptor_pool.Default()
    try:
        return pool.FindServiceByName(f"vecplane.testing.bad.{name}")
    except KeyError:
        pool.Add(file)
        return pool.FindServiceByName(f"vecplane.testing.bad.{name}")


@pytest.mark.parametrize(
    ("name", "rule", "complaint"),
    [
        ("UnknownVariable", http_pb2.HttpRule(get="/v1/x/{nope}"), "'nope' is not a field path"),
        ("RepeatedVariable", http_pb2.HttpRule(get="/v1/x/{tags}"), "must name a scalar field"),
        ("UnknownBody", http_pb2.HttpRule(post="/v1/x", body="nope"), "body 'nope'"),
        ("UnknownResponseBody", http_pb2.HttpRule(get="/v1/x", response_body="nope"), "response_body 'nope'"),
        ("BadTemplate", http_pb2.HttpRule(get="v1/x"), "starts with '/'"),
        ("Twice", http_pb2.HttpRule(get="/v1/x/{id}", additional_bindings=[http_pb2.HttpRule(get="/v1/x/{id}")]), "bound by both"),
    ],
)
def test_rules_the_gateway_cannot_serve_stop_the_start(name, rule, complaint):
    with pytest.raises(routes.RouteError, match=complaint.replace("(", r"\(")):
        routes.build([_service(name, rule)])


def test_every_grpc_code_has_an_http_status():
    assert set(errors.GRPC_TO_HTTP) == set(grpc.StatusCode)
