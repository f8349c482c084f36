"""The gateway's transcoding rules against a gRPC backend that echoes what it received (real
grpc.aio server and channel; the service is described at run time, see tests/support/echo.py):
nested path variables, custom verbs, `**` variables, repeated and enum query parameters,
single-field bodies with response_body, PATCH masks, and graceful stop."""

from __future__ import annotations

import concurrent.futures
import time

import httpx
import pytest

from tests.support.echo import EchoBackend
from tests.support.rest import envelope


@pytest.fixture(scope="module")
def echo():
    backend = EchoBackend(timeout_seconds=1.0).start()
    yield backend
    backend.stop()


@pytest.fixture(scope="module")
def http(echo):
    with httpx.Client(base_url=echo.base_url, timeout=30) as client:
        yield client


def test_nested_path_variable_and_query_parameters_fill_the_request(http):
    response = http.get(
        "/v1/echo/first/inner/deep%20value",
        params=[
            ("ids", "3"), ("ids", "-4"), ("colors", "red"), ("colors", "dark_blue"), ("flag", "true"),
            ("ratio", "0.25"), ("a.n", "7"), ("a.color", "dark_blue"), ("payload.b", "p"), ("at", "2025-01-02T03:04:05.5Z"),
            ("labels", "x"), ("labels", "y"), ("unknown", "ignored"),
        ],
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "first"
    assert body["a"] == {"b": "deep value", "n": 7, "color": "dark_blue"}
    assert body["ids"] == [3, -4] and body["colors"] == ["red", "dark_blue"] and body["labels"] == ["x", "y"]
    assert body["flag"] is True and body["ratio"] == 0.25
    assert body["payload"] == {"b": "p", "n": 0, "color": None}
    assert body["at"] == "2025-01-02T03:04:05.500Z"
    assert body["update_mask"] is None and body["meta"] is None  # unset messages: null


def test_path_wins_over_query_for_the_same_field(http):
    body = http.get("/v1/echo/from-path/inner/b-path", params={"name": "from-query", "a.b": "b-query"}).json()
    # Path-bound fields are not query parameters at all.
    assert body["name"] == "from-path" and body["a"]["b"] == "b-path"


def test_custom_verb_with_a_single_field_body_and_response_body(http):
    response = http.post("/v1/echo/someone:payload", json={"b": "in the body", "n": 5, "color": "red"}, params={"flag": "1", "ids": "9"})
    assert response.status_code == 200, response.text
    # response_body: only the payload field comes back.
    assert response.json() == {"b": "in the body", "n": 5, "color": "red"}


def test_single_field_body_errors_are_located_in_the_body(http):
    response = http.post("/v1/echo/someone:payload", json={"b": 1, "nope": 2, "color": "green"})
    error = envelope(response, 422, "ValidationError")
    assert {tuple(e["location"]) for e in error["details"]["validation_errors"]} == {
        ("body", "b"), ("body", "nope"), ("body", "color"),
    }


def test_star_body_maps_every_field_and_allows_no_query(http):
    response = http.post(
        "/v1/echo/all-of-it/all",
        params={"flag": "true"},  # body "*": there are no query parameters
        json={"a": {"b": "x"}, "ids": [1, 2], "colors": ["red"], "meta": {"k": [1, "two", None]}, "at": "2025-01-01T00:00:00Z"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "all-of-it" and body["flag"] is False
    assert body["ids"] == [1, 2] and body["meta"] == {"k": [1, "two", None]} and body["at"] == "2025-01-01T00:00:00Z"


def test_multi_segment_variable(http):
    body = http.get("/v1/echo-files/files/a/b%20c/d.txt").json()
    assert body["name"] == "files/a/b c/d.txt"
    envelope(http.get("/v1/echo-files/other/a"), 404, "NotFoundError")


def test_patch_fills_the_mask_from_the_body_keys(http):
    body = http.patch("/v1/echo/target", json={"flag": False, "labels": [], "a": None, "name": "ignored-by-path"}).json()
    # Every key sent, including false, [] and null, is a field to change; path fields are not.
    assert body["update_mask"] == "flag,labels,a"
    assert body["name"] == "target"
    explicit = http.patch("/v1/echo/target", json={"flag": True, "update_mask": "ratio"}).json()
    assert explicit["update_mask"] == "ratio"
    assert http.patch("/v1/echo/target", json={}).json()["update_mask"] is None


def test_query_and_path_problems_are_all_listed(http):
    response = http.get("/v1/echo/x/inner/y", params=[("ids", "1"), ("ids", "one"), ("a.n", "99999999999"), ("a.color", "green"), ("ratio", "nan"), ("flag", "yes")])
    error = envelope(response, 422, "ValidationError")
    found = {tuple(e["location"]): e["type"] for e in error["details"]["validation_errors"]}
    assert found == {
        ("query", "ids", 1): "type_error",
        ("query", "a.n"): "value_error",
        ("query", "a.color"): "value_error",
        ("query", "ratio"): "type_error",
        ("query", "flag"): "type_error",
    }


def test_declared_but_unimplemented_method_is_501(http):
    error = envelope(http.delete("/v1/missing/x"), 501, "NotImplementedError")
    assert error["message"]


def test_slow_call_is_504_after_the_configured_timeout(http):
    started = time.monotonic()
    error = envelope(http.get("/v1/slow", params={"ratio": 3}), 504, "GatewayTimeoutError")
    assert "VECPLANE_HTTP_TIMEOUT_SECONDS" in error["message"]
    assert time.monotonic() - started < 3  # answered at the deadline, not when the call ended


def test_stop_lets_running_requests_finish():
    backend = EchoBackend(timeout_seconds=10).start()
    try:
        with httpx.Client(base_url=backend.base_url, timeout=30) as client, concurrent.futures.ThreadPoolExecutor(1) as pool:
            running = pool.submit(client.get, "/v1/slow", params={"ratio": 0.5})
            deadline = time.monotonic() + 5
            while backend.gateway._in_flight == 0 and time.monotonic() < deadline:
                time.sleep(0.01)
            backend.run(backend.gateway.stop(5))
            response = running.result(10)
            assert response.status_code == 200 and response.json()["ratio"] == 0.5
            with pytest.raises(httpx.TransportError):
                httpx.get(backend.base_url + "/v1/slow", timeout=2)
    finally:
        backend.stop()


# Every row of the gRPC -> HTTP mapping, produced by a real gRPC handler.
MAPPING = [
    ("INVALID_ARGUMENT", 400, "BadRequestError"),
    ("FAILED_PRECONDITION", 400, "BadRequestError"),
    ("OUT_OF_RANGE", 400, "BadRequestError"),
    ("UNAUTHENTICATED", 401, "UnauthorizedError"),
    ("PERMISSION_DENIED", 403, "ForbiddenError"),
    ("NOT_FOUND", 404, "NotFoundError"),
    ("ALREADY_EXISTS", 409, "AlreadyExistsError"),
    ("ABORTED", 409, "ConflictError"),
    ("RESOURCE_EXHAUSTED", 429, "TooManyRequestsError"),
    ("CANCELLED", 499, "ClientClosedRequestError"),
    ("UNIMPLEMENTED", 501, "NotImplementedError"),
    ("UNAVAILABLE", 503, "ServiceUnavailable"),
    ("DEADLINE_EXCEEDED", 504, "GatewayTimeoutError"),
    ("INTERNAL", 500, "InternalServerError"),
    ("UNKNOWN", 500, "InternalServerError"),
    ("DATA_LOSS", 500, "InternalServerError"),
]


@pytest.mark.parametrize(("code", "status", "error_type"), MAPPING)
def test_grpc_code_maps_to_http_status_and_type_with_details(http, code, status, error_type):
    error = envelope(http.get(f"/v1/fail/{code}"), status, error_type)
    assert error["details"]["reason"] == f"TEST_{code}"
    if code == "NOT_FOUND":
        assert error["details"]["resource"] == "echo" and error["details"]["id"] == "e_42"
    if code in ("INVALID_ARGUMENT", "FAILED_PRECONDITION"):
        assert error["details"]["field_violations"] == [{"field": "name", "description": "bad"}]
    if code != "DEADLINE_EXCEEDED":
        assert error["message"] == f"failed with {code}"

