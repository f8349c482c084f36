"""Objects with blobs (text inline, base64, URLs), duplicates and idempotency, batch create and
auto_process, through gRPC and REST on the embedded defaults."""

from __future__ import annotations

import base64
import concurrent.futures
import hashlib
import threading
from typing import Any

import grpc
import pytest
from vecplane.v1 import bucket_pb2

from server.domain.blobs import BlobLimits, classify
from server.domain.errors import Violations
from server.protojson import dict_to_message
from tests.support import resources as r
from tests.support.api import Api, expect_error
from tests.support.rest import Rest, envelope

SCHEMA = {"properties": {"content": {"type": "text"}, "image": {"type": "image"}, "title": {"type": "string"}}}
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(40))


@pytest.fixture
def ns_api(api: Api) -> Api:
    return api.in_namespace(r.namespace(api).namespace_id)


@pytest.fixture
def bucket_id(ns_api: Api) -> str:
    return r.bucket(ns_api, schema=SCHEMA).bucket_id


def _create(api: Api, body: dict[str, Any]) -> Any:
    return api.call(api.buckets.CreateObject, dict_to_message(body, bucket_pb2.CreateObjectRequest))


def _count(api: Api, bucket_id: str) -> int:
    return int(api.call(api.buckets.ListObjects, bucket_pb2.ListObjectsRequest(bucket_id=bucket_id, include_total=True)).total_count)


def test_blob_data_is_text_base64_or_an_http_url(ns_api: Api, bucket_id: str) -> None:
    b64 = base64.b64encode(PNG).decode()
    created = _create(ns_api, {
        "bucket_id": bucket_id,
        "metadata": {"title": "t"},
        "blobs": [
            {"property": "content", "type": "text", "data": "hello world"},
            {"property": "image", "type": "image", "data": f"data:image/png;base64,{b64}"},
        ],
    }).object
    text, image = created.blobs
    assert (text.details.source, text.details.size_bytes, text.details.mime_type) == ("text", 11, "text/plain")
    assert text.details.hash == "sha256:" + hashlib.sha256(b"hello world").hexdigest()
    assert (image.details.source, image.details.size_bytes, image.details.mime_type) == ("base64", len(PNG), "image/png")
    bare = _create(ns_api, {"bucket_id": bucket_id, "blobs": [{"property": "image", "type": "image", "data": b64}]}).object
    assert bare.blobs[0].details.source == "base64" and bare.blobs[0].details.hash == image.details.hash
    url = _create(ns_api, {"bucket_id": bucket_id, "blobs": [{"property": "image", "type": "image", "data": "https://img.example/a.png"}]}).object
    assert (url.blobs[0].details.source, url.blobs[0].details.size_bytes) == ("url", 0)
    got = ns_api.call(ns_api.buckets.GetObject, bucket_pb2.GetObjectRequest(bucket_id=bucket_id, object_id=created.object_id)).object
    assert got.blobs[1].details == image.details


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ("file:///etc/passwd", "file: URL; only http and https"),
        ("s3://bucket/key.png", "s3: URL; only http and https"),
        ("http://127.0.0.1:8080/x.png", "private address 127.0.0.1"),
        ("http://169.254.169.254/latest/meta-data", "private address 169.254.169.254"),
        ("http://localhost/x.png", "localhost"),
        ("http://[::1]/x.png", "private address ::1"),
        ("https://user:pw@img.example/x.png", "credentials"),
        ("not base64 at all!", "must be an http(s) URL or the content as base64"),
        ("data:image/png,rawbytes", "not base64"),
    ],
)
def test_bad_blob_data_is_refused_by_field_and_writes_nothing(ns_api: Api, bucket_id: str, data: str, says: str) -> None:
    error = expect_error(_create, ns_api, {"bucket_id": bucket_id, "blobs": [{"property": "image", "type": "image", "data": data}]})
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert says in error.violations["blobs[0].data"]
    assert _count(ns_api, bucket_id) == 0


def test_blob_size_limit() -> None:
    problems = Violations()
    limits = BlobLimits(max_bytes=10)
    assert classify(problems, "d", "text", "x" * 10, limits) is not None
    assert classify(problems, "d", "text", "x" * 11, limits) is None
    assert classify(problems, "d", "image", base64.b64encode(b"y" * 11).decode(), limits) is None
    assert classify(problems, "d", "image", base64.b64encode(b"y" * 10).decode(), limits) is not None
    assert [v.description for v in problems.items] == [
        "is 11 bytes of text; a blob holds at most 10 bytes",
        "is 11 bytes once decoded; a blob holds at most 10 bytes (send a URL instead)",
    ]


def test_skip_duplicates_and_idempotency_keys(ns_api: Api, bucket_id: str) -> None:
    body = {"bucket_id": bucket_id, "metadata": {"title": "a"}, "blobs": [{"property": "content", "type": "text", "data": "same text"}]}
    first = _create(ns_api, body)
    again = _create(ns_api, {**body, "skip_duplicates": True})
    assert (again.replayed, again.object.object_id) == (True, first.object.object_id)
    other = _create(ns_api, body)  # without skip_duplicates: a second object
    assert not other.replayed and other.object.object_id != first.object.object_id
    different = _create(ns_api, {**body, "skip_duplicates": True, "blobs": [{"property": "content", "type": "text", "data": "other text"}]})
    assert not different.replayed

    keyed = _create(ns_api, {**body, "idempotency_key": "order-17"})
    repeat = _create(ns_api, {**body, "idempotency_key": "order-17", "metadata": {"title": "changed"}})
    assert (repeat.replayed, repeat.object.object_id, repeat.object.metadata["title"]) == (True, keyed.object.object_id, "a")
    assert keyed.object.object_id.startswith("obj_") and len(keyed.object.object_id) == 14
    error = expect_error(_create, ns_api, {**body, "idempotency_key": "k" * 256})
    assert "idempotency_key" in error.violations
    assert _count(ns_api, bucket_id) == 4


def test_skip_duplicates_is_safe_when_the_same_content_is_created_at_once(ns_api: Api, bucket_id: str) -> None:
    """Concurrent creates of the same blobs with skip_duplicates make one object between them."""
    rounds, callers = 6, 6
    for round_ in range(rounds):
        body = {"bucket_id": bucket_id, "skip_duplicates": True, "blobs": [{"property": "content", "type": "text", "data": f"raced text {round_}"}]}
        barrier = threading.Barrier(callers)

        def create(body: dict[str, Any] = body, barrier: threading.Barrier = barrier) -> Any:
            barrier.wait()
            return _create(ns_api, body)

        with concurrent.futures.ThreadPoolExecutor(callers) as pool:
            answers = [f.result() for f in [pool.submit(create) for _ in range(callers)]]
        assert len({a.object.object_id for a in answers}) == 1, f"round {round_}: {[a.object.object_id for a in answers]}"
        assert sorted(a.replayed for a in answers) == [False] + [True] * (callers - 1)
    assert _count(ns_api, bucket_id) == rounds


def test_batch_create_reports_each_object(ns_api: Api, bucket_id: str, base_url: str) -> None:
    objects = [
        {"metadata": {"title": "one"}, "blobs": [{"property": "content", "type": "text", "data": "one"}]},
        {"metadata": {"title": 2}, "blobs": [{"property": "image", "type": "image", "data": "file:///x"}]},
        {"metadata": {"title": "three"}, "idempotency_key": "three"},
    ]
    answer = ns_api.call(ns_api.buckets.CreateObjects, dict_to_message({"bucket_id": bucket_id, "objects": objects}, bucket_pb2.CreateObjectsRequest))
    assert (answer.total_requested, answer.succeeded_count, answer.failed_count) == (3, 2, 1)
    assert [s.object_index for s in answer.succeeded] == [0, 2] and answer.succeeded[0].object_id.startswith("obj_")
    (failed,) = answer.failed
    assert failed.object_index == 1 and failed.error_type == "validation_error"
    assert "objects[1].metadata.title" in failed.error and "objects[1].blobs[0].data" in failed.error

    rest = Rest(base_url, ns_api.key, ns_api.namespace)
    again = rest.post(f"/v1/buckets/{bucket_id}/objects/batch", json={"objects": [objects[2], objects[0]]})
    assert again.status_code == 200, again.text
    body = again.json()
    assert [(s["object_index"], s["replayed"]) for s in body["succeeded"]] == [(0, True), (1, False)]
    assert body["succeeded"][0]["object_id"] == answer.succeeded[1].object_id and body["succeeded"][1]["metadata"] == {"title": "one"}

    error = expect_error(ns_api.call, ns_api.buckets.CreateObjects, dict_to_message({"bucket_id": bucket_id, "objects": [objects[1], objects[1]]}, bucket_pb2.CreateObjectsRequest))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT and {"objects[0].blobs[0].data", "objects[1].blobs[0].data"} <= set(error.violations)
    too_many = [objects[0]] * 101
    error = expect_error(ns_api.call, ns_api.buckets.CreateObjects, dict_to_message({"bucket_id": bucket_id, "objects": too_many}, bucket_pb2.CreateObjectsRequest))
    assert "objects" in error.violations and "1 to 100" in error.violations["objects"]
    envelope(rest.post(f"/v1/buckets/{bucket_id}/objects/batch", json={"objects": []}), 400, "BadRequestError")
    assert _count(ns_api, bucket_id) == 3


def test_rest_takes_custom_fields_as_root_keys_as_the_current_sdk_sends_them(ns_api: Api, bucket_id: str, base_url: str) -> None:
    rest = Rest(base_url, ns_api.key, ns_api.namespace)
    blobs = [{"property": "content", "type": "text", "data": "x"}]
    flat = rest.post(f"/v1/buckets/{bucket_id}/objects", json={"title": "flat", "rank": 3, "blobs": blobs, "skip_duplicates": False})
    assert flat.status_code == 200, flat.text
    assert flat.json()["metadata"] == {"title": "flat", "rank": 3}
    both = rest.post(f"/v1/buckets/{bucket_id}/objects", json={"title": "root", "color": "red", "metadata": {"title": "explicit"}, "blobs": blobs})
    assert both.json()["metadata"] == {"title": "explicit", "color": "red"}
    batch = rest.post(f"/v1/buckets/{bucket_id}/objects/batch", json={"objects": [{"title": "in batch", "blobs": blobs}]})
    assert batch.status_code == 200 and batch.json()["succeeded"][0]["metadata"] == {"title": "in batch"}
    checked = rest.post(f"/v1/buckets/{bucket_id}/objects", json={"title": 7, "blobs": blobs})  # still checked against the schema
    assert checked.status_code in (400, 422) and "metadata.title" in checked.text
    other_calls = rest.post("/v1/buckets", json={"bucket_name": r.unique("b"), "surprise": 1})  # only objects gather keys
    assert other_calls.status_code == 422
