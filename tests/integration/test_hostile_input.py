"""Issue 9 item 11: input no message or document can hold answers INVALID_ARGUMENT / 4xx naming the
field and stores nothing, over gRPC and REST: a NUL character in a metadata (Struct or map) key,
a lone surrogate in REST JSON, and protobuf bytes that do not decode. Before, these were INTERNAL
(BSON refuses NUL in keys; protobuf refuses to encode a surrogate or decode the bytes) and 500."""

from __future__ import annotations

import grpc
import pytest
from vecplane.v1 import bucket_pb2, collection_pb2

from server.protojson import dict_to_message
from tests.support.api import expect_error, rich_error
from tests.support.resources import TEXT, bucket, namespace
from tests.support.rest import Rest, envelope

SCHEMALESS_TEXT = {"properties": {"text": {"type": "text"}}}


@pytest.fixture
def space(api):
    ns = namespace(api, extractors=(TEXT,))
    scoped = api.in_namespace(ns.namespace_id)
    return scoped, bucket(scoped, schema=SCHEMALESS_TEXT)


@pytest.fixture
def rest(server, space) -> Rest:
    api, _ = space
    return Rest(f"http://127.0.0.1:{server.app.http_port}", api.key, api.namespace)


def object_body(bucket_id: str, metadata: dict) -> dict:
    return {"bucket_id": bucket_id, "metadata": metadata, "blobs": [{"property": "text", "type": "text", "data": "hello"}]}


def listed_objects(api, bucket_id: str) -> int:
    return len(api.call(api.buckets.ListObjects, bucket_pb2.ListObjectsRequest(bucket_id=bucket_id)).results)


@pytest.mark.parametrize(
    ("metadata", "field"),
    [
        ({"a\0b": 1}, "metadata.a\\u0000b"),
        ({"outer": {"list": [{"\0": True}]}}, "metadata.outer.list[0].\\u0000"),
    ],
)
def test_nul_in_a_metadata_key_is_invalid_argument_over_grpc(space, metadata, field):
    api, created = space
    request = dict_to_message(object_body(created.bucket_id, metadata), bucket_pb2.CreateObjectRequest)
    error = expect_error(api.call, api.buckets.CreateObject, request)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT, error.message
    assert error.violations == {field: "keys must not contain the NUL character"}
    assert listed_objects(api, created.bucket_id) == 0


def test_nul_in_a_map_key_is_invalid_argument_over_grpc(space):
    api, created = space
    body = {
        "collection_name": "nul-map",
        "source": {"type": "bucket", "bucket_id": created.bucket_id},
        "feature_extractors": [{**TEXT, "input_mapping": {"te\0xt": "text"}}],
    }
    error = expect_error(api.call, api.collections.CreateCollection, dict_to_message(body, collection_pb2.CreateCollectionRequest))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT, error.message
    assert list(error.violations) == ["feature_extractors[0].input_mapping.te\\u0000xt"]


def test_nul_in_a_metadata_key_is_400_over_rest(rest, space):
    api, created = space
    response = rest.post(f"/v1/buckets/{created.bucket_id}/objects", json=object_body(created.bucket_id, {"a\0b": 1}))
    error = envelope(response, 400, "BadRequestError")
    assert error["details"]["field_violations"] == [{"field": "metadata.a\\u0000b", "description": "keys must not contain the NUL character"}]
    assert listed_objects(api, created.bucket_id) == 0


@pytest.mark.parametrize(
    ("raw_metadata", "location"),
    [
        (b'{"title": "a\\ud800b"}', ["body", "metadata", "title"]),  # a value
        (b'{"\\udc00": 1}', ["body", "metadata", "\udc00"]),  # a key
        (b'{"tags": ["ok", "\\ud83d"]}', ["body", "metadata", "tags", 1]),  # half of an emoji
    ],
)
def test_lone_surrogate_in_rest_json_is_422_naming_the_field(rest, space, raw_metadata, location):
    api, created = space
    body = b'{"metadata": ' + raw_metadata + b', "blobs": [{"property": "text", "type": "text", "data": "x"}]}'
    response = rest.post(f"/v1/buckets/{created.bucket_id}/objects", content=body, headers={"content-type": "application/json"})
    error = envelope(response, 422, "ValidationError")
    [issue] = error["details"]["validation_errors"]
    assert issue["location"] == location and "lone surrogate" in issue["message"]
    assert listed_objects(api, created.bucket_id) == 0


def test_lone_surrogate_in_a_plain_string_field_is_422(rest):
    response = rest.post("/v1/namespaces", content=b'{"namespace_name": "bad\\udfffname", "feature_extractors": []}', headers={"content-type": "application/json"})
    error = envelope(response, 422, "ValidationError")
    assert error["details"]["validation_errors"][0]["location"] == ["body", "namespace_name"]


def test_a_paired_surrogate_escape_is_text(rest, space):
    _, created = space
    body = b'{"metadata": {"title": "\\ud83d\\ude00"}, "blobs": [{"property": "text", "type": "text", "data": "x"}]}'
    response = rest.post(f"/v1/buckets/{created.bucket_id}/objects", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    assert response.json()["metadata"]["title"] == "\U0001f600"


@pytest.mark.parametrize(
    ("method", "raw", "field"),
    [
        ("/vecplane.v1.NamespaceService/GetNamespace", b"\x0a\x05ab", "namespace_id"),  # truncated string
        ("/vecplane.v1.NamespaceService/GetNamespace", b"\x0a\x02\xff\xfe", "namespace_id"),  # not UTF-8
        # feature_extractors[1].feature_extractor_name is not UTF-8
        ("/vecplane.v1.NamespaceService/CreateNamespace", b"\x0a\x03abc\x1a\x03\x0a\x01x\x1a\x03\x0a\x01\xc3", "feature_extractors[1].feature_extractor_name"),
        ("/vecplane.v1.NamespaceService/GetNamespace", b"\xff\xff\xff", "request"),  # not even a tag
    ],
)
def test_undecodable_protobuf_bytes_are_invalid_argument_naming_the_field(api, method, raw, field):
    call = api.channel.unary_unary(method)  # bytes in, bytes out
    with pytest.raises(grpc.RpcError) as raised:
        call(raw, metadata=api.metadata(), timeout=30)
    error = rich_error(raised.value)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT, error.message
    assert list(error.violations) == [field]
    assert "undecodable" in error.violations[field]


def test_undecodable_bytes_without_a_key_are_still_unauthenticated(channel):
    call = channel.unary_unary("/vecplane.v1.NamespaceService/GetNamespace")
    with pytest.raises(grpc.RpcError) as raised:
        call(b"\xff\xff\xff", timeout=30)
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED
