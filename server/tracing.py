"""OpenTelemetry tracing, off by default and optional (`pip install 'vecplane[tracing]'`).

With VECPLANE_TRACING=otlp (spans to OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
over OTLP/HTTP) or console, each call becomes a trace: the REST gateway's request span, the RPC's span
(a gRPC call continues the caller's trace from its `traceparent` metadata), and under it the
MongoDB commands, vector-store operations and extractor batches it caused. While off, `span()` costs
one check and OpenTelemetry is never imported."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from server.config import StartupError

Attribute = str | int | bool
_tracer: Any = None  # an opentelemetry Tracer while tracing is on
_provider: Any = None


class Span:
    """What a traced block may add to its span (nothing happens while tracing is off)."""

    def __init__(self, span: Any = None):
        self._span = span

    def set(self, attributes: Mapping[str, Attribute]) -> None:
        if self._span is not None:
            self._span.set_attributes(attributes)

    def rename(self, name: str) -> None:
        if self._span is not None:
            self._span.update_name(name)

    def fail(self, description: str) -> None:
        if self._span is not None:
            from opentelemetry.trace import Status, StatusCode

            self._span.set_status(Status(StatusCode.ERROR, description))


def enabled() -> bool:
    return _tracer is not None


def configure(mode: str) -> None:
    """Turns tracing on for `mode` (otlp or console); "" leaves it off."""
    if not mode:
        return
    try:
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter

        exporter: SpanExporter
        if mode == "otlp":
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporter = OTLPSpanExporter()
        else:
            exporter = ConsoleSpanExporter()
    except ImportError:
        raise StartupError(f"VECPLANE_TRACING={mode} needs the tracing extra: pip install 'vecplane[tracing]'") from None
    use(BatchSpanProcessor(exporter))


def use(processor: Any) -> None:
    """Traces into this span processor (tests hand in a SimpleSpanProcessor over an in-memory exporter)."""
    global _tracer, _provider
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider

    _provider = TracerProvider(resource=Resource.create({"service.name": "vecplane"}))
    _provider.add_span_processor(processor)
    _tracer = _provider.get_tracer("vecplane")


def shutdown() -> None:
    """Flushes and stops tracing."""
    global _tracer, _provider
    if _provider is not None:
        _provider.shutdown()
    _tracer = _provider = None


@contextmanager
def span(
    name: str,
    *,
    kind: str = "internal",
    parent: Mapping[str, str] | None = None,
    outcome_set: bool = False,
    attributes: Mapping[str, Attribute] | None = None,
) -> Iterator[Span]:
    """A span around the block, a child of the current one, or of the W3C `traceparent` in `parent`
    (headers or gRPC metadata) when given. An exception that leaves the block marks it failed,
    unless `outcome_set` says the block sets the outcome itself (an RPC aborts with its code)."""
    if _tracer is None:
        yield Span()
        return
    from opentelemetry import propagate
    from opentelemetry.trace import SpanKind

    context = propagate.extract(parent) if parent is not None else None
    with _tracer.start_as_current_span(
        name, context=context, kind=SpanKind[kind.upper()], attributes=attributes, record_exception=not outcome_set, set_status_on_exception=not outcome_set
    ) as current:
        yield Span(current)


def start(name: str, *, kind: str = "client", attributes: Mapping[str, Attribute] | None = None) -> Any:
    """A span that is not made current, ended by `end()` (for callbacks, like MongoDB's command
    events); None while tracing is off."""
    if _tracer is None:
        return None
    from opentelemetry.trace import SpanKind

    return _tracer.start_span(name, kind=SpanKind[kind.upper()], attributes=attributes)


def end(started: Any, failure: str | None = None) -> None:
    if started is None:
        return
    if failure is not None:
        Span(started).fail(failure)
    started.end()
