"""Failures of the real service as REST clients see them: an unexpected error (500 with a
correlation id and no internals), a call slower than the REST deadline (504), a message larger than
the gRPC server accepts (429, the standard mapping of RESOURCE_EXHAUSTED). A second server with
fault points armed (server.faults) and its own limits."""

from __future__ import annotations

import pytest

from tests.support.rest import Rest, envelope
from tests.support.servers import ADMIN_KEY, InProcessServer
from tests.support.servers import test_settings as settings_for


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    settings = settings_for(
        tmp_path_factory.mktemp("vecplane-faults"),
        faults="rpc.GetFeatureExtractor=fail,rpc.ListFeatureExtractors=sleep:5",
        http_timeout_seconds=1.5,  # roomy enough for the 5 MB request below on a busy machine
        http_max_body_bytes=16 * 1024 * 1024,
    )
    running = InProcessServer(settings).start()
    yield running
    running.stop()


@pytest.fixture
def rest(faulty) -> Rest:
    return Rest(f"http://127.0.0.1:{faulty.app.http_port}", ADMIN_KEY)


def test_unexpected_error_is_500_with_a_reference_and_no_internals(rest):
    response = rest.get("/v1/features/extractors/text_extractor_v1", headers={"x-request-id": "trace-500"})
    error = envelope(response, 500, "InternalServerError")
    assert "trace-500" in error["message"]
    assert error["details"]["metadata"] == {"correlation_id": "trace-500"}
    assert "fault" not in error["message"].lower() and "Traceback" not in response.text


def test_call_slower_than_the_rest_deadline_is_504(rest):
    error = envelope(rest.get("/v1/features/extractors"), 504, "GatewayTimeoutError")
    assert "1.5 s" in error["message"]


def test_message_larger_than_grpc_accepts_is_429(rest):
    # Within the gateway's 16 MiB limit, above the gRPC server's 4 MiB receive limit.
    response = rest.post("/v1/namespaces", json={"namespace_name": "big", "description": "x" * (5 * 1024 * 1024), "feature_extractors": []})
    envelope(response, 429, "TooManyRequestsError")


def test_other_calls_are_unaffected(rest):
    assert rest.get("/v1/namespaces").status_code == 200
