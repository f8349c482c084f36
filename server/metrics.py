"""Prometheus metrics, served in the text format at `/metrics` on the HTTP port.

Metrics are module-level, like loggers: the layers that observe something (the call interceptor,
the gateway, the health monitor, the document store, extractor runs) record it here, and the
gateway renders the registry on each scrape. They live in their own registry (plus the process
collector), so the names scraped are exactly the ones listed in the README."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.process_collector import ProcessCollector

from server import tracing

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)

# Calls take from under a millisecond (a cached read) to minutes (a large batch): buckets cover both.
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)

RPC_SECONDS = Histogram(
    "vecplane_rpc_duration_seconds",
    "Unary calls by transport (grpc, or rest for the gateway's calls), full method and final gRPC code; _count is the number of calls.",
    ["transport", "method", "code"],
    buckets=_BUCKETS,
    registry=REGISTRY,
)
RPC_IN_FLIGHT = Gauge("vecplane_rpc_in_flight", "Unary calls running now, by transport (grpc, rest).", ["transport"], registry=REGISTRY)
HTTP_SECONDS = Histogram(
    "vecplane_http_request_duration_seconds",
    "REST requests by HTTP method, route template (or 'unmatched') and status; _count is the number of requests.",
    ["method", "route", "status"],
    buckets=_BUCKETS,
    registry=REGISTRY,
)
BACKEND_UP = Gauge(
    "vecplane_backend_up",
    "1 while the backend answers its health pings, 0 once it counts as down.",
    ["backend"],
    registry=REGISTRY,
)
SERVING = Gauge("vecplane_serving", "1 when the service is ready (start-up finished, every backend up): /readyz and grpc.health.v1 agree.", registry=REGISTRY)
EXTRACTOR_SECONDS = Histogram(
    "vecplane_extractor_batch_duration_seconds",
    "One batch through a feature extractor (its model or provider), by extractor id and outcome.",
    ["extractor", "outcome"],
    buckets=_BUCKETS,
    registry=REGISTRY,
)
VECTOR_STORE_SECONDS = Histogram(
    "vecplane_vector_store_duration_seconds",
    "Document operations on the vector store (Qdrant server or Edge), by operation and outcome.",
    ["operation", "outcome"],
    buckets=_BUCKETS,
    registry=REGISTRY,
)
DOCUMENTS_WRITTEN = Counter("vecplane_documents_written_total", "Documents upserted into collections.", registry=REGISTRY)
RETRIEVAL_CACHE = Counter(
    "vecplane_retrieval_cache_total",
    "Retriever execute cache events: hit, miss, stored, invalidated (an entry dropped by a document write), recomputed, recompute_skipped (queue full), recompute_failed (background recomputation).",
    ["event"],
    registry=REGISTRY,
)
EXECUTION_RECORDS = Counter(
    "vecplane_execution_records_total",
    "Records of retriever executions: written, dropped (the write queue was full), failed (the write failed; the executions answered).",
    ["event"],
    registry=REGISTRY,
)
TASKS = Gauge(
    "vecplane_tasks",
    "Tasks of the whole deployment waiting (PENDING) or running (IN_PROGRESS), read from MongoDB at each scrape.",
    ["status"],
    registry=REGISTRY,
)
OLDEST_PENDING_SECONDS = Gauge(
    "vecplane_task_oldest_pending_age_seconds",
    "How long the oldest PENDING task has waited (0: none waits), read from MongoDB at each scrape.",
    registry=REGISTRY,
)


@contextmanager
def timed(histogram: Histogram, *labels: str, span: str) -> Iterator[None]:
    """Observes the block's duration under `labels` plus an outcome label (ok, or error when it
    raised), in a tracing span named `span`."""
    started = time.perf_counter()
    outcome = "error"
    try:
        with tracing.span(span):
            yield
        outcome = "ok"
    finally:
        histogram.labels(*labels, outcome).observe(time.perf_counter() - started)


def render() -> tuple[bytes, str]:
    """The registry in Prometheus' text format, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
