"""OpenTelemetry tracing (issue 15), exported to the SDK's in-memory exporter by a server of this
module: one trace from the caller's `traceparent` through the REST gateway and the RPC down to the
MongoDB commands, vector-store operations and extractor batches the call caused."""

from __future__ import annotations

import grpc
import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from vecplane.v1 import document_pb2, feature_extractor_pb2

from server import tracing
from tests.support import resources as r
from tests.support.api import Api
from tests.support.servers import ADMIN_KEY, InProcessServer, test_settings

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{PARENT_ID}-01"


@pytest.fixture(scope="module")
def traced(tmp_path_factory):
    exporter = InMemorySpanExporter()
    tracing.use(SimpleSpanProcessor(exporter))
    running = InProcessServer(test_settings(tmp_path_factory.mktemp("traced"))).start()
    yield running, exporter
    running.stop()
    tracing.shutdown()


def trace(exporter: InMemorySpanExporter) -> list[ReadableSpan]:
    """The finished spans of the test's trace (other calls, e.g. health pings, make their own)."""
    return [s for s in exporter.get_finished_spans() if s.context is not None and format(s.context.trace_id, "032x") == TRACE_ID]


def children(spans: list[ReadableSpan], parent: ReadableSpan) -> list[ReadableSpan]:
    assert parent.context is not None
    return [s for s in spans if s.parent is not None and s.parent.span_id == parent.context.span_id]


def test_a_rest_call_is_one_trace_from_the_gateway_to_mongodb(traced):
    server, exporter = traced
    exporter.clear()
    answer = httpx.post(
        f"http://127.0.0.1:{server.app.http_port}/v1/namespaces",
        headers={"authorization": f"Bearer {ADMIN_KEY}", "traceparent": TRACEPARENT},
        json={"namespace_name": "traced", "feature_extractors": [{"feature_extractor_name": "text_extractor", "version": "v1"}]},
    )
    assert answer.status_code == 200, answer.text
    spans = trace(exporter)
    (gateway,) = [s for s in spans if s.kind == SpanKind.SERVER]
    assert gateway.name == "HTTP POST /v1/namespaces" and gateway.parent is not None and format(gateway.parent.span_id, "016x") == PARENT_ID
    assert gateway.attributes is not None and gateway.attributes["http.response.status_code"] == 200
    (rpc,) = children(spans, gateway)
    assert rpc.name == "vecplane.v1.NamespaceService/CreateNamespace" and rpc.kind == SpanKind.INTERNAL
    commands = {s.name for s in children(spans, rpc)}
    assert "mongodb insert" in commands, commands


def test_a_grpc_call_continues_the_callers_trace_down_to_the_vector_store_and_the_model(traced):
    server, exporter = traced
    with grpc.insecure_channel(server.target) as channel:
        api = Api(channel, ADMIN_KEY)
        ns = r.namespace(api, extractors=[r.TEXT])
        ns_api = api.in_namespace(ns.namespace_id)
        bucket = r.bucket(ns_api)
        collection = r.collection(ns_api, r.text_collection_body({"type": "bucket", "bucket_id": bucket.bucket_id}))
        exporter.clear()
        metadata = (("authorization", f"Bearer {ADMIN_KEY}"), ("x-namespace", ns.namespace_id), ("traceparent", TRACEPARENT))
        ns_api.documents.ListDocuments(document_pb2.ListDocumentsRequest(collection_id=collection.collection_id), metadata=metadata, timeout=30)
        api.extractors.RunFeatureExtractor(
            feature_extractor_pb2.RunFeatureExtractorRequest(feature_extractor_id="minilm_text_extractor_v1", inputs=[feature_extractor_pb2.ExtractorInput(text="a cat")]),
            metadata=metadata,
            timeout=60,
        )
    spans = trace(exporter)
    calls = {s.name: s for s in spans if s.kind == SpanKind.SERVER}
    listing, running = calls["vecplane.v1.DocumentService/ListDocuments"], calls["vecplane.v1.FeatureExtractorService/RunFeatureExtractor"]
    for call in (listing, running):
        assert call.parent is not None and format(call.parent.span_id, "016x") == PARENT_ID
        assert call.attributes is not None and call.attributes["rpc.grpc.status_code"] == 0
    assert "vector_store scroll" in {s.name for s in children(spans, listing)}
    assert "extract minilm_text_extractor_v1" in {s.name for s in children(spans, running)}


def test_a_failed_call_is_marked_with_its_code(traced):
    server, exporter = traced
    exporter.clear()
    answer = httpx.get(
        f"http://127.0.0.1:{server.app.http_port}/v1/namespaces/ns_missing",
        headers={"authorization": f"Bearer {ADMIN_KEY}", "traceparent": TRACEPARENT},
    )
    assert answer.status_code == 404
    (rpc,) = [s for s in trace(exporter) if s.name == "vecplane.v1.NamespaceService/GetNamespace"]
    assert rpc.status.status_code == StatusCode.ERROR and rpc.status.description == "NOT_FOUND"
    assert rpc.attributes is not None and rpc.attributes["rpc.grpc.status_code"] == grpc.StatusCode.NOT_FOUND.value[0]


@pytest.mark.slow  # 4-6 s in a loaded fast-subset run
def test_tracing_is_off_by_default_and_opentelemetry_is_not_loaded():
    """The service imports no OpenTelemetry module unless VECPLANE_TRACING asks for it."""
    import subprocess
    import sys

    code = "import sys, server.app, server.cli; assert not [m for m in sys.modules if m.startswith('opentelemetry')]; print('ok')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
