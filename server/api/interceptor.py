"""Every unary call passes through here: correlation id, authentication, the mapping of errors to
gRPC status (server.api.status), and one structured log line."""

from __future__ import annotations

import logging
import time
import uuid

import grpc

from server.api import status
from server.api.context import CallContext, current_call
from server.domain.errors import DomainError, Unavailable
from server.faults import Faults
from server.storage.errors import is_unavailable
from server.usecases.auth import Authenticator

log = logging.getLogger("vecplane.calls")

PUBLIC_PREFIXES = ("/grpc.health.v1.", "/grpc.reflection.")


class CallInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, authenticator: Authenticator, faults: Faults | None = None):
        self._authenticator = authenticator
        self._faults = faults or Faults()

    async def intercept_service(self, continuation, details: grpc.HandlerCallDetails):
        handler = await continuation(details)
        if handler is None or handler.unary_unary is None:
            return handler  # streaming methods: health Watch and reflection, both public
        public = details.method.startswith(PUBLIC_PREFIXES)
        inner = handler.unary_unary
        method = details.method

        async def behavior(request, context: grpc.aio.ServicerContext):
            metadata = {key: value for key, value in (context.invocation_metadata() or ()) if isinstance(value, str)}
            correlation_id = metadata.get("x-request-id") or uuid.uuid4().hex[:16]
            started = time.perf_counter()
            failure: grpc.Status | None = None
            token = None
            try:
                principal = None if public else await self._authenticator.authenticate(metadata.get("authorization"))
                token = current_call.set(CallContext(correlation_id, principal, metadata))
                context.set_trailing_metadata((("x-request-id", correlation_id),))
                # Test-only fault point per method, e.g. VECPLANE_FAULTS="rpc.GetNamespace=sleep:2".
                await self._faults.hit("rpc." + method.rsplit("/", 1)[-1])
                return await inner(request, context)
            except DomainError as error:
                failure = status.to_status(error)
            except NotImplementedError:  # a generated base servicer method nobody overrode
                failure = status.unimplemented_status(method)
            except Exception as error:
                if is_unavailable(error):
                    failure = status.to_status(Unavailable(f"A backing store is unavailable ({type(error).__name__}); retry later."))
                else:
                    log.exception("unexpected error", extra={"method": method, "correlation_id": correlation_id})
                    failure = status.internal_status(correlation_id)
            finally:
                if token is not None:
                    current_call.reset(token)
                code = failure.code if failure else grpc.StatusCode.OK
                log.info(
                    "call",
                    extra={
                        "method": method,
                        "code": code.name,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                        "correlation_id": correlation_id,
                    },
                )
            await context.abort(
                failure.code,
                failure.details,
                trailing_metadata=(*failure.trailing_metadata, ("x-request-id", correlation_id)),
            )

        return grpc.unary_unary_rpc_method_handler(
            behavior,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
