"""Issue 9's attacks on the list calls, each through a real channel: a catastrophic regex that
stalled the embedded MongoDB for every tenant (item 2), forged cursors (item 4), hundreds of field
violations (item 12) and filters too large to evaluate cheaply (item 17)."""

from __future__ import annotations

import base64
import concurrent.futures
import json
import time

import grpc
import pytest
from vecplane.v1 import bucket_pb2, namespace_pb2

from server.domain.filters import MAX_CONDITIONS, MAX_DEPTH, MAX_LIST_VALUES, MAX_VALUE_CHARS
from server.protojson import dict_to_message
from tests.conftest import new_org_api
from tests.support import resources as r
from tests.support.api import expect_error
from tests.support.rest import Rest

EVIL = "^(a+)+$"
VICTIM_VALUE = "a" * 28 + "!"


@pytest.fixture
def ns_api(api):
    return api.in_namespace(r.namespace(api).namespace_id)


def list_objects(api, timeout: float = 60, **fields):
    return api.call(api.buckets.ListObjects, dict_to_message(fields, bucket_pb2.ListObjectsRequest), timeout=timeout)


def list_namespaces(api, timeout: float = 60, **fields):
    return api.call(api.namespaces.ListNamespaces, dict_to_message(fields, namespace_pb2.ListNamespacesRequest), timeout=timeout)


def regex_on(field: str, pattern: str) -> dict:
    return {"filters": {"field": field, "operator": "regex", "value": pattern}}


def titled(ns_api, *titles: str) -> str:
    bucket = r.bucket(ns_api, schema=None)
    for title in titles:
        body = {"bucket_id": bucket.bucket_id, "metadata": {"title": title}}
        ns_api.call(ns_api.buckets.CreateObject, dict_to_message(body, bucket_pb2.CreateObjectRequest))
    return bucket.bucket_id


# Item 2: regexes run in linear time, and never stall another tenant --------------------------------


def test_a_catastrophic_regex_neither_stalls_the_caller_nor_another_organization(ns_api, root):
    bucket_id = titled(ns_api, VICTIM_VALUE, "a" * 5)
    other = new_org_api(root)
    r.namespace(other)

    def attack():
        started = time.monotonic()
        found = list_objects(ns_api, timeout=30, bucket_id=bucket_id, query=regex_on("metadata.title", EVIL))
        return found, time.monotonic() - started

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        attacking = pool.submit(attack)
        time.sleep(0.05)
        started = time.monotonic()
        victim = list_namespaces(other, timeout=5)
        other_seconds = time.monotonic() - started
        found, attack_seconds = attacking.result(60)
    assert len(victim.results) == 1
    assert other_seconds < 1.0, f"another organization's ListNamespaces took {other_seconds:.2f} s"
    assert attack_seconds < 1.0, f"the regex took {attack_seconds:.2f} s"
    assert [o.metadata["title"] for o in found.results] == ["a" * 5]  # RE2's answer: only the all-'a' title


def test_regexes_are_re2_and_what_re2_lacks_is_invalid_argument_naming_the_field(ns_api):
    bucket_id = titled(ns_api, "abc")
    for pattern in (r"(a)\1", "(?=a)b", "(?<!x)a", "(?P<x>a)(?P=x)"):
        error = expect_error(ns_api.call, ns_api.buckets.ListObjects, dict_to_message({"bucket_id": bucket_id, "query": regex_on("metadata.title", pattern)}, bucket_pb2.ListObjectsRequest))
        assert error.code == grpc.StatusCode.INVALID_ARGUMENT
        assert "not a valid RE2 regular expression" in error.violations["query.filters.value"], pattern
    found = list_objects(ns_api, bucket_id=bucket_id, query=regex_on("metadata.title", r"^A\w+$"))  # case-insensitive by default
    assert [o.metadata["title"] for o in found.results] == ["abc"]


def test_regex_filtered_pages_page_by_offset_and_by_cursor(ns_api):
    titles = [f"{kind}-{i}" for i in range(6) for kind in ("keep", "drop")]
    bucket_id = titled(ns_api, *titles)
    wanted = [t for t in titles if t.startswith("keep")]
    query = regex_on("metadata.title", "^keep-[0-9]$")
    seen, cursor = [], ""
    while True:
        page = list_objects(ns_api, bucket_id=bucket_id, limit=4, cursor=cursor, query=query, include_total=True)
        assert page.total_count == 6
        seen += [o.metadata["title"] for o in page.results]
        if not page.pagination.HasField("next_cursor"):
            break
        cursor = page.pagination.next_cursor
    assert seen == wanted
    second = list_objects(ns_api, bucket_id=bucket_id, limit=4, offset=4, query=query)
    assert [o.metadata["title"] for o in second.results] == wanted[4:]


# Item 4: cursors are signed; anything else is INVALID_ARGUMENT naming `cursor` ----------------------


def _unsigned(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


FORGED = {
    "operator-injection": _unsigned({"f": "_created_ms", "d": False, "v": {"$ne": None}, "i": {"$ne": None}}),
    "unknown-operator": _unsigned({"f": "_created_ms", "d": False, "v": {"$bogus": 1}, "i": "x"}),
    "where": _unsigned({"f": "_created_ms", "d": False, "v": {"$where": "sleep(1000)"}, "i": "x"}),
    "huge-number": _unsigned({"f": "_created_ms", "d": False, "v": 10**40, "i": "x"}),
    "deep-json": base64.urlsafe_b64encode(b'{"f":' + b"[" * 50_000 + b"]" * 50_000 + b"}").decode(),
    "not-base64": "%%%%",
    "empty-signature": _unsigned({"f": "_created_ms", "d": False, "v": 1, "i": "x"}) + ".",
}


@pytest.mark.parametrize("name", sorted(FORGED))
def test_forged_cursors_are_invalid_argument_naming_cursor(api, name):
    r.namespace(api)
    error = expect_error(api.call, api.namespaces.ListNamespaces, namespace_pb2.ListNamespacesRequest(cursor=FORGED[name]))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(error.violations) == {"cursor"}


def test_an_edited_signed_cursor_is_refused_and_a_real_one_resumes(api):
    for _ in range(3):
        r.namespace(api)
    first = list_namespaces(api, limit=1)
    cursor = first.pagination.next_cursor
    body, signature = cursor.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    edited = {**payload, "v": {"$ne": None}}
    error = expect_error(api.call, api.namespaces.ListNamespaces, namespace_pb2.ListNamespacesRequest(cursor=f"{_unsigned(edited)}.{signature}"))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT and set(error.violations) == {"cursor"}
    resumed = list_namespaces(api, limit=5, cursor=cursor)
    assert [n.namespace_id for n in resumed.results] == [n.namespace_id for n in list_namespaces(api, limit=5).results][1:]


# Item 12: hundreds of violations stay INVALID_ARGUMENT, details truncated with a count -------------


def test_four_hundred_violations_stay_invalid_argument_with_a_count(ns_api, server):
    schema = {"properties": {f"{i:03d}_is_not_a_field_name": {"type": "string"} for i in range(400)}}
    body = {"bucket_name": "many-problems", "bucket_schema": schema}
    error = expect_error(ns_api.call, ns_api.buckets.CreateBucket, dict_to_message(body, bucket_pb2.CreateBucketRequest))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert error.metadata["field_violations"] == "400"
    shown = int(error.metadata["field_violations_shown"])
    assert 0 < shown < 400 and len(error.violations) == shown
    assert all("is not a valid field name" in text for text in error.violations.values()), list(error.violations.items())[:2]
    rest = Rest(f"http://127.0.0.1:{server.app.http_port}", ns_api.key, ns_api.namespace)
    response = rest.post("/v1/buckets", json=body)
    assert response.status_code == 400, response.text
    assert len(ns_api.call(ns_api.buckets.ListBuckets, bucket_pb2.ListBucketsRequest()).results) == 0  # nothing was written


# Item 17: caps on conditions, depth and list sizes --------------------------------------------------


def _condition(i: int) -> dict:
    return {"field": "namespace_name", "operator": "eq", "value": f"name-{i}"}


def _nested(depth: int) -> dict:
    node = _condition(0)
    for _ in range(depth):
        node = {"AND": [node]}
    return node


@pytest.mark.parametrize(
    ("filters", "path", "text"),
    [
        ({"OR": [_condition(i) for i in range(10_000)]}, "query.filters.OR", f"at most {MAX_CONDITIONS} conditions"),
        ({"AND": [{"OR": [_condition(i) for i in range(60)]}, {"OR": [_condition(i) for i in range(60)]}]}, "query.filters.AND[1].OR[40]", f"limit of {MAX_CONDITIONS} conditions"),
        (_nested(MAX_DEPTH + 1), "query.filters" + ".AND[0]" * MAX_DEPTH, f"limit of {MAX_DEPTH} levels"),
        ({"field": "namespace_name", "operator": "in", "value": [f"n{i}" for i in range(MAX_LIST_VALUES + 1)]}, "query.filters.value", f"at most {MAX_LIST_VALUES}"),
        ({"field": "namespace_name", "operator": "contains", "value": "x" * (MAX_VALUE_CHARS + 1)}, "query.filters.value", f"limit of {MAX_VALUE_CHARS} characters"),
    ],
    ids=["10k-or", "total-conditions", "depth", "in-list", "long-value"],
)
def test_filters_beyond_the_caps_are_invalid_argument_naming_the_field(api, filters, path, text):
    started = time.monotonic()
    error = expect_error(api.call, api.namespaces.ListNamespaces, dict_to_message({"query": {"filters": filters}}, namespace_pb2.ListNamespacesRequest))
    assert time.monotonic() - started < 2.0
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert text in error.violations[path], error.violations


def test_a_search_beyond_the_value_cap_is_invalid_argument(api):
    request = dict_to_message({"query": {"search": "x" * (MAX_VALUE_CHARS + 1)}}, namespace_pb2.ListNamespacesRequest)
    error = expect_error(api.call, api.namespaces.ListNamespaces, request)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert f"limit of {MAX_VALUE_CHARS} characters" in error.violations["query.search"]


def test_filters_at_the_caps_are_served(api):
    r.namespace(api, name="name-7")
    filters = {"OR": [_condition(i) for i in range(MAX_CONDITIONS)]}
    assert [n.namespace_name for n in list_namespaces(api, query={"filters": filters}).results] == ["name-7"]
    nested = _nested(MAX_DEPTH)
    nested_found = list_namespaces(api, query={"filters": json.loads(json.dumps(nested).replace("name-0", "name-7"))})
    assert len(nested_found.results) == 1
