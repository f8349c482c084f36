"""Issue 9 item 16: a call that ends because its deadline passed or its caller cancelled it is logged
with that code (DEADLINE_EXCEEDED, CANCELLED), not OK. gRPC calls from a real client, and a REST
call past the gateway's deadline, against a server whose ListFeatureExtractors sleeps (fault point)."""

from __future__ import annotations

import logging
import time

import grpc
import httpx
import pytest
from vecplane.v1 import feature_extractor_pb2

from tests.support.servers import ADMIN_KEY, InProcessServer
from tests.support.servers import test_settings as settings_for

SLOW = "/vecplane.v1.FeatureExtractorService/ListFeatureExtractors"


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory):
    settings = settings_for(tmp_path_factory.mktemp("vecplane-slow"), faults="rpc.ListFeatureExtractors=sleep:3", http_timeout_seconds=0.5)
    running = InProcessServer(settings).start()
    yield running
    running.stop()


@pytest.fixture
def calls(caplog):
    caplog.set_level(logging.INFO, logger="vecplane.calls")

    def logged(correlation_id: str, timeout: float = 10) -> str:
        """The code of the call line logged for that correlation id (waits for it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for record in caplog.records:
                if record.getMessage() == "call" and getattr(record, "correlation_id", None) == correlation_id:
                    assert record.method == SLOW
                    return record.code
            time.sleep(0.05)
        raise AssertionError(f"no call line for {correlation_id}")

    return logged


def stub(slow_server):
    channel = grpc.insecure_channel(slow_server.target)
    return channel, channel.unary_unary(
        SLOW,
        request_serializer=feature_extractor_pb2.ListFeatureExtractorsRequest.SerializeToString,
        response_deserializer=feature_extractor_pb2.ListFeatureExtractorsResponse.FromString,
    )


def metadata(correlation_id: str) -> list[tuple[str, str]]:
    return [("authorization", f"Bearer {ADMIN_KEY}"), ("x-request-id", correlation_id)]


def test_deadline_exceeded_grpc_call_is_logged_as_such(slow_server, calls):
    channel, call = stub(slow_server)
    with channel, pytest.raises(grpc.RpcError) as raised:
        call(feature_extractor_pb2.ListFeatureExtractorsRequest(), metadata=metadata("deadline-1"), timeout=0.3)
    assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert calls("deadline-1") == "DEADLINE_EXCEEDED"


def test_cancelled_grpc_call_is_logged_as_such(slow_server, calls):
    channel, call = stub(slow_server)
    with channel:
        future = call.future(feature_extractor_pb2.ListFeatureExtractorsRequest(), metadata=metadata("cancel-1"), timeout=30)
        time.sleep(0.5)  # the handler is running (sleeping at the fault point)
        assert future.cancel()
        assert calls("cancel-1") == "CANCELLED"


def test_rest_call_past_the_gateway_deadline_is_logged_as_deadline_exceeded(slow_server, calls):
    response = httpx.get(
        f"http://127.0.0.1:{slow_server.app.http_port}/v1/features/extractors",
        headers={"authorization": f"Bearer {ADMIN_KEY}", "x-request-id": "rest-deadline-1"},
        timeout=30,
    )
    assert response.status_code == 504, response.text
    assert calls("rest-deadline-1") == "DEADLINE_EXCEEDED"

