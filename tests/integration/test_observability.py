"""What an operator scrapes and probes (issue 15): Prometheus `/metrics`, `/healthz` and `/readyz` on
the HTTP port, agreeing with grpc.health.v1; against the session server and, for a backend that
stops answering, a server process whose MongoDB the test freezes."""

from __future__ import annotations

import os
import signal
import time

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from prometheus_client.parser import text_string_to_metric_families
from vecplane.v1 import feature_extractor_pb2 as fe
from vecplane.v1 import namespace_pb2

from server.domain import documents as d
from server.storage.documents import DocumentStore
from server.storage.embedded_mongo import EmbeddedMongo
from server.usecases.documents import DocumentWriter, Made
from tests.support import resources as r
from tests.support.api import Api, expect_error
from tests.support.processing import namespace_rest, setup_bucket, text_collection
from tests.support.servers import ADMIN_KEY, InProcessServer, ServerProcess, test_settings

SERVING, NOT_SERVING = health_pb2.HealthCheckResponse.SERVING, health_pb2.HealthCheckResponse.NOT_SERVING


def scrape(base_url: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of /metrics (parsed by prometheus_client's own parser), by name and labels."""
    response = httpx.get(f"{base_url}/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def grpc_health(channel: grpc.Channel) -> int:
    return health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5).status


@pytest.mark.slow  # a server process or a build; over 5 s
def test_calls_are_counted_by_transport_method_and_code(api: Api, base_url: str) -> None:
    get = "/vecplane.v1.NamespaceService/GetNamespace"
    before = scrape(base_url)
    expect_error(api.call, api.namespaces.GetNamespace, namespace_pb2.GetNamespaceRequest(namespace_id="ns_missing"))
    missing = httpx.get(f"{base_url}/v1/namespaces/ns_missing", headers={"authorization": f"Bearer {api.key}"})
    assert missing.status_code == 404
    httpx.get(f"{base_url}/v1/namespaces/ns_missing2", headers={"authorization": f"Bearer {api.key}"})
    after = scrape(base_url)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("vecplane_rpc_duration_seconds_count", transport="grpc", method=get, code="NOT_FOUND") == 1
    assert delta("vecplane_rpc_duration_seconds_count", transport="rest", method=get, code="NOT_FOUND") == 2
    # REST requests are labelled with their route's template, never with the IDs in the path.
    route = {"method": "GET", "route": "/v1/namespaces/{namespace_id}", "status": "404"}
    assert delta("vecplane_http_request_duration_seconds_count", **route) == 2
    assert delta("vecplane_http_request_duration_seconds_bucket", **route, le="+Inf") == 2
    assert not any("ns_missing" in str(labels) for _, labels in after)


def test_backends_and_readiness_are_reported(base_url: str, server: InProcessServer) -> None:
    samples = scrape(base_url)
    backends = {b.backend_name for b in server.app.backends.probes()}
    assert backends == {"MongoDB (embedded nx-27017)", server.app.backends.vectors.backend_name}
    for name in backends:
        assert value(samples, "vecplane_backend_up", backend=name) == 1
    assert value(samples, "vecplane_serving") == 1
    assert value(samples, "process_resident_memory_bytes") > 0


def test_extractor_batches_vector_store_calls_and_documents_written_are_measured(api: Api, base_url: str, server: InProcessServer) -> None:
    before = scrape(base_url)
    api.call(
        api.extractors.RunFeatureExtractor,
        fe.RunFeatureExtractorRequest(feature_extractor_id="minilm_text_extractor_v1", inputs=[fe.ExtractorInput(text="a cat")]),
    )
    ns = r.namespace(api, extractors=[r.TEXT])
    ns_api = api.in_namespace(ns.namespace_id)
    bucket = r.bucket(ns_api)
    collection = r.collection(ns_api, r.text_collection_body({"type": "bucket", "bucket_id": bucket.bucket_id}))
    (spec,) = server.run(server.app.backends.vectors.vector_schema(ns.namespace_id)).values()
    base = d.Lineage.of_object(bucket.bucket_id, "obj_0000000001")
    docs = d.make_documents(
        namespace_id=ns.namespace_id, collection_id=collection.collection_id, feature_extractor_id="text_extractor_v1", base=base,
        outputs=[d.Output(i, {"text": f"part {i}"}, {spec.name: [1.0] + [0.0] * (spec.dimensions - 1)}) for i in range(3)],
        now="2026-12-01T00:00:00Z",
    )
    writer = DocumentWriter(DocumentStore(server.app.backends.vectors))
    server.run(writer.write(ns.namespace_id, collection.collection_id, d.OutputHandling.CREATE_NEW, [Made(base.source, docs)]))
    after = scrape(base_url)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("vecplane_extractor_batch_duration_seconds_count", extractor="minilm_text_extractor_v1", outcome="ok") == 1
    assert delta("vecplane_documents_written_total") == 3
    assert delta("vecplane_vector_store_duration_seconds_count", operation="upsert", outcome="ok") == 1
    assert delta("vecplane_vector_store_duration_seconds_count", operation="retrieve", outcome="ok") == 1


@pytest.mark.slow  # a server process or a build; over 5 s
def test_the_task_queue_is_measured_at_each_scrape(tmp_path) -> None:
    """A server that runs no tasks itself (VECPLANE_PROCESSING_WORKERS=0), so a triggered task
    stays PENDING: the queue gauges count it and age it."""
    server = InProcessServer(test_settings(tmp_path, processing_workers=0)).start()
    try:
        base_url = f"http://127.0.0.1:{server.app.http_port}"
        idle = scrape(base_url)
        assert value(idle, "vecplane_tasks", status="PENDING") == 0 and value(idle, "vecplane_task_oldest_pending_age_seconds") == 0
        rest = namespace_rest(base_url, ADMIN_KEY)
        bucket_id, _ = setup_bucket(rest, ["waits"])
        collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
        assert rest.post(f"/v1/collections/{collection_id}/trigger", json={}).status_code == 202
        first = scrape(base_url)
        assert value(first, "vecplane_tasks", status="PENDING") == 1
        assert value(first, "vecplane_tasks", status="IN_PROGRESS") == 0
        age = value(first, "vecplane_task_oldest_pending_age_seconds")
        assert age >= 0
        wait_for(lambda: value(scrape(base_url), "vecplane_task_oldest_pending_age_seconds") > age, "the pending task to age")
    finally:
        server.stop()


def test_healthz_and_readyz_need_no_key_and_agree_with_grpc_health(base_url: str, channel: grpc.Channel) -> None:
    assert httpx.get(f"{base_url}/healthz").json() == {"status": "alive"}
    ready = httpx.get(f"{base_url}/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}
    assert grpc_health(channel) == SERVING
    for path in ("/healthz", "/readyz", "/metrics"):
        refused = httpx.post(f"{base_url}{path}")
        assert refused.status_code == 405 and refused.headers["allow"] == "GET"


@pytest.mark.slow
def test_readyz_and_metrics_follow_a_backend_that_stops_answering(tmp_path) -> None:
    """A MongoDB server (MONGODB_URI; a separate nx-27017 frozen with SIGSTOP) stops answering:
    /readyz turns 503 naming it while /healthz stays 200, grpc.health.v1 says NOT_SERVING and the
    backend's gauge drops to 0; all three recover together."""
    external = EmbeddedMongo(tmp_path / "external")
    external.start()
    process = ServerProcess(tmp_path / "data", env={"MONGODB_URI": external.uri})
    try:
        process.start()
        base_url = f"http://127.0.0.1:{process.http_port}"
        frozen = external.pid
        assert frozen is not None
        with grpc.insecure_channel(process.target) as channel:
            assert httpx.get(f"{base_url}/readyz").status_code == 200
            assert value(scrape(base_url), "vecplane_backend_up", backend="MongoDB") == 1
            os.kill(frozen, signal.SIGSTOP)
            try:
                wait_for(lambda: httpx.get(f"{base_url}/readyz", timeout=10).status_code == 503, "/readyz 503")
                answer = httpx.get(f"{base_url}/readyz", timeout=10).json()
                assert answer["status"] == "not_ready" and answer["reasons"][0].startswith("MongoDB is unavailable")
                assert grpc_health(channel) == NOT_SERVING
                samples = scrape(base_url)
                assert value(samples, "vecplane_backend_up", backend="MongoDB") == 0
                assert value(samples, "vecplane_serving") == 0
                assert httpx.get(f"{base_url}/healthz", timeout=10).status_code == 200
            finally:
                os.kill(frozen, signal.SIGCONT)
            wait_for(lambda: httpx.get(f"{base_url}/readyz", timeout=10).status_code == 200, "/readyz 200 again")
            assert grpc_health(channel) == SERVING
            Api(channel, ADMIN_KEY).call(Api(channel, ADMIN_KEY).namespaces.ListNamespaces, namespace_pb2.ListNamespacesRequest())
    finally:
        process.kill()
        external.stop()


def wait_for(predicate, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
