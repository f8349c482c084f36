"""schemathesis against the served /openapi.json: for every documented operation, a bounded number
of generated requests (valid ones, and ones that break the schema), each answered without a 5xx,
with a documented status, content type, headers and a body that matches its documented schema.
Derandomized so CI runs are repeatable. The default run is small; the slow-marked run sends over
2,000 requests (issue 9). A 405 for a method the document does not list for a path has an `Allow`
header listing exactly the documented ones."""

from __future__ import annotations

import grpc
import httpx
import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import new_org_api

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance, response_schema_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 5, GenerationMode.NEGATIVE: 2}
# The large run's budget, spread over the operations (2 valid requests to 1 invalid), so that its cost
# stays the same as operations are added; above 2,000 since hypothesis may stop short of a maximum.
MANY_REQUESTS = 2_600
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@pytest.fixture(scope="module")
def schema(server):
    return schemathesis.openapi.from_url(f"http://127.0.0.1:{server.app.http_port}/openapi.json")


def unimplemented_labels(server, api) -> set[str]:
    """Operations whose RPC this build declares but does not implement (their 501 is right).
    Found by asking the gRPC server, so they are fuzzed as soon as they are implemented."""
    labels = set()
    for route in server.app.gateway.routes:
        call = api.channel.unary_unary(
            route.grpc_method, request_serializer=route.request_class.SerializeToString, response_deserializer=route.response_class.FromString
        )
        try:
            call(route.request_class(), metadata=api.metadata(), timeout=30)
        except grpc.RpcError as error:
            if error.code() == grpc.StatusCode.UNIMPLEMENTED:
                labels.add(f"{route.http_method} {route.template.openapi_path()}")
    return labels


def fuzz(schema, server, root, examples: dict[GenerationMode, int] | int) -> int:
    """Runs the checks on generated requests for every implemented operation (`examples` per mode, or
    a total to spread over the operations); returns how many requests were sent."""
    # An admin key of an organization of its own, with one namespace, so that admin calls and
    # lists answer with real data too.
    api = new_org_api(root, admin=True)
    base_url = f"http://127.0.0.1:{server.app.http_port}"
    headers = {"authorization": f"Bearer {api.key}"}
    created = httpx.post(
        f"{base_url}/v1/namespaces",
        headers=headers,
        json={"namespace_name": "fuzzed", "feature_extractors": [{"feature_extractor_name": "text_extractor", "version": "v1"}]},
    )
    assert created.status_code == 200, created.text
    failures: list[str] = []
    sent = 0
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15  # namespaces (8 bindings), extractors (4), admin (3)
    skipped = unimplemented_labels(server, api)
    assert len(skipped) < len(operations)
    if isinstance(examples, int):
        per_operation = -(-examples // (len(operations) - len(skipped)))
        examples = {GenerationMode.POSITIVE: -(-2 * per_operation // 3), GenerationMode.NEGATIVE: -(-per_operation // 3)}
    for operation in operations:
        if operation.label in skipped:
            continue
        for mode, count in examples.items():

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=count,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
                phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
            )
            def run(case):
                nonlocal sent
                sent += 1
                case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)

            try:
                run()
            except Exception as error:
                failures.append(f"{operation.label} [{mode.value}]: {error}")
    assert not failures, "\n\n".join(failures)
    return sent


@pytest.mark.slow  # a server process or a build; over 5 s
def test_generated_requests_get_documented_answers_and_no_server_error(schema, server, root):
    fuzz(schema, server, root, EXAMPLES)


@pytest.mark.slow
def test_over_2000_generated_requests_get_documented_answers_and_no_server_error(schema, server, root):
    assert fuzz(schema, server, root, MANY_REQUESTS) >= 2000


@pytest.mark.slow  # a server process or a build; over 5 s
def test_405_allows_exactly_the_documented_methods_of_the_path(server):
    base_url = f"http://127.0.0.1:{server.app.http_port}"
    document = httpx.get(base_url + "/openapi.json").json()
    checked = 0
    for path, operations in document["paths"].items():
        documented = {method.upper() for method in operations if method.upper() in METHODS}
        concrete = path.replace("{", "x").replace("}", "")  # /v1/buckets/{bucket_id}/objects/list
        for method in sorted(set(METHODS) - documented):
            response = httpx.request(method, base_url + concrete, timeout=30)
            if response.status_code != 405:
                continue  # a less specific template serves it (DELETE /v1/buckets/{bucket_id})
            assert set(response.headers["allow"].split(", ")) == documented, (method, path)
            checked += 1
    assert checked > 50
