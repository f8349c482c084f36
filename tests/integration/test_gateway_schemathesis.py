"""schemathesis against the served /openapi.json: for every documented operation, a bounded number
of generated requests (valid ones, and ones that break the schema), each answered without a 5xx,
with a documented status, content type and a body that matches its documented schema. Derandomized
so CI runs are repeatable; bounded to stay well under a minute."""

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
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import new_org_api

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 20, GenerationMode.NEGATIVE: 8}


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


def test_generated_requests_get_documented_answers_and_no_server_error(schema, server, root):
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
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15  # namespaces (8 bindings), extractors (4), admin (3)
    skipped = unimplemented_labels(server, api)
    assert len(skipped) < len(operations)
    for operation in operations:
        if operation.label in skipped:
            continue
        for mode, examples in EXAMPLES.items():

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=examples,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
                phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
            )
            def run(case):
                case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)

            try:
                run()
            except Exception as error:
                failures.append(f"{operation.label} [{mode.value}]: {error}")
    assert not failures, "\n\n".join(failures)
