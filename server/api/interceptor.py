"""Every unary call passes through here: correlation id, authentication, the mapping of errors to
gRPC status (server.api.status), and one structured log line with the call's real code (also
CANCELLED and DEADLINE_EXCEEDED when the caller gave up or the deadline passed)."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf import descriptor_pool
from google.protobuf.message import DecodeError
from vecplane.v1 import options_pb2

from server import metrics, tracing
from server.api import keys, status, wire
from server.api.context import CallContext, current_call
from server.api.costly import CostlyCalls, is_costly
from server.domain.errors import DomainError, FieldViolation, InvalidArgument, Unavailable
from server.faults import Faults
from server.storage.errors import is_storage_full, unavailable_backend
from server.usecases.auth import Authenticator
from server.usecases.health import BackendMonitor

log = logging.getLogger("vecplane.calls")

PUBLIC_PREFIXES = ("/grpc.health.v1.", "/grpc.reflection.")


@functools.cache
def key_optional(method: str) -> bool:
    """Whether a method (`/package.Service/Method`) declares `(vecplane.v1.key_optional)`: it answers
    without a key, and checks one when sent."""
    service, _, name = method.lstrip("/").rpartition("/")
    try:
        found = descriptor_pool.Default().FindServiceByName(service).methods_by_name.get(name)
    except KeyError:
        return False
    return found is not None and bool(found.GetOptions().Extensions[options_pb2.key_optional])


@dataclass(frozen=True)
class _Undecodable:
    """Request bytes protobuf refused; the call answers INVALID_ARGUMENT naming the bad field."""

    message_class: Any
    raw: bytes

    def error(self) -> InvalidArgument:
        type_name = self.message_class.DESCRIPTOR.full_name
        field = wire.bad_field(self.message_class.DESCRIPTOR, self.raw)
        return InvalidArgument([FieldViolation(field or "request", f"is not a valid {type_name} (undecodable protobuf bytes)")])


def _lenient(deserialize: Callable[[bytes], Any] | None) -> Callable[[bytes], Any] | None:
    """The handler's request parser, turning a DecodeError (which gRPC would answer as INTERNAL)
    into an _Undecodable request."""
    message_class = getattr(deserialize, "__self__", None)
    if deserialize is None or message_class is None:
        return deserialize

    def parse(raw: bytes) -> Any:
        try:
            return deserialize(raw)
        except DecodeError:
            return _Undecodable(message_class, raw)

    return parse


def _text_metadata(context: grpc.aio.ServicerContext) -> list[tuple[str, str]]:
    return [(key, value) for key, value in (context.invocation_metadata() or ()) if isinstance(value, str)]


def _ended_code(context: grpc.aio.ServicerContext) -> grpc.StatusCode:
    """The code of a call whose handler was cancelled: the deadline passed, or the caller left."""
    remaining = context.time_remaining()
    return grpc.StatusCode.DEADLINE_EXCEEDED if remaining is not None and remaining <= 0.001 else grpc.StatusCode.CANCELLED


class CallInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, authenticator: Authenticator, monitor: BackendMonitor, faults: Faults | None = None, costly: CostlyCalls | None = None):
        self._authenticator = authenticator
        self._monitor = monitor
        self._faults = faults or Faults()
        self._costly = costly or CostlyCalls()

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler | None]],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = await continuation(details)
        if handler is None or handler.unary_unary is None:
            return handler  # streaming methods: health Watch and reflection, both public
        public = details.method.startswith(PUBLIC_PREFIXES)
        optional = key_optional(details.method)
        costly = is_costly(details.method)
        inner = handler.unary_unary
        method = details.method

        async def traced(request: Any, context: grpc.aio.ServicerContext) -> Any:
            transport = getattr(context, "transport", "grpc")
            # A gRPC call continues its caller's trace; a REST one is a child of the gateway's span.
            parent = dict(_text_metadata(context)) if transport == "grpc" and tracing.enabled() else None
            running = metrics.RPC_IN_FLIGHT.labels(transport)
            running.inc()
            try:
                with tracing.span(method.lstrip("/"), kind="server" if transport == "grpc" else "internal", parent=parent, outcome_set=True, attributes={"rpc.system": "grpc", "rpc.method": method}) as span:
                    return await behavior(request, context, transport, span)
            finally:
                running.dec()

        async def behavior(request: Any, context: grpc.aio.ServicerContext, transport: str, span: tracing.Span) -> Any:  # noqa: RET503 - abort raises
            metadata = dict(_text_metadata(context))
            correlation_id = metadata.get("x-request-id") or uuid.uuid4().hex[:16]
            started = time.perf_counter()
            failure: grpc.Status | None = None
            code = grpc.StatusCode.OK
            token = None
            try:
                anonymous = public or (optional and not metadata.get("authorization"))
                if not anonymous:
                    self._monitor.require_available()  # fail fast while a backend is known to be down
                principal = None if anonymous else await self._authenticator.authenticate(metadata.get("authorization"))
                token = current_call.set(CallContext(correlation_id, principal, metadata))
                context.set_trailing_metadata((("x-request-id", correlation_id),))
                if isinstance(request, _Undecodable):
                    raise request.error()
                bad_keys = keys.nul_key_violations(request)
                if bad_keys:
                    raise InvalidArgument(bad_keys)
                if costly and principal is not None:
                    async with self._costly.slot(principal.organization_id):
                        await self._faults.hit("rpc." + method.rsplit("/", 1)[-1])
                        return await inner(request, context)
                # Test-only fault point per method, e.g. VECPLANE_FAULTS="rpc.GetNamespace=sleep:2".
                await self._faults.hit("rpc." + method.rsplit("/", 1)[-1])
                return await inner(request, context)
            except DomainError as error:
                failure = status.to_status(error)
            except NotImplementedError:  # a generated base servicer method nobody overrode
                failure = status.unimplemented_status(method)
            except Exception as error:
                if is_storage_full(error):
                    log.error("a backing store is out of space", exc_info=True, extra={"method": method, "correlation_id": correlation_id})
                    failure = status.to_status(
                        Unavailable(
                            f"A backing store has no space left ({type(error).__name__}); the call was not completed. Retry once space is freed.",
                            reason="STORAGE_FULL",
                        )
                    )
                elif backend := unavailable_backend(error):
                    failure = status.to_status(Unavailable(f"{backend} is unavailable ({type(error).__name__}); retry later.", metadata={"backend": backend}))
                else:
                    log.exception("unexpected error", extra={"method": method, "correlation_id": correlation_id})
                    failure = status.internal_status(correlation_id)
            except asyncio.CancelledError:
                code = _ended_code(context)
                raise
            finally:
                if token is not None:
                    current_call.reset(token)
                if failure is not None:
                    code = failure.code
                elapsed = time.perf_counter() - started
                metrics.RPC_SECONDS.labels(transport, method, code.name).observe(elapsed)
                span.set({"rpc.grpc.status_code": code.value[0]})
                if code != grpc.StatusCode.OK:
                    span.fail(code.name)
                log.info(
                    "call",
                    extra={
                        "method": method,
                        "code": code.name,
                        "duration_ms": round(elapsed * 1000, 2),
                        "correlation_id": correlation_id,
                    },
                )
            await context.abort(
                failure.code,
                failure.details,
                trailing_metadata=(*failure.trailing_metadata, ("x-request-id", correlation_id)),
            )

        return grpc.unary_unary_rpc_method_handler(
            traced,
            request_deserializer=_lenient(handler.request_deserializer),
            response_serializer=handler.response_serializer,
        )
