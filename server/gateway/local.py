"""Calls into the gRPC handlers of this process without a channel.

The REST gateway runs in the same process and on the same event loop as the gRPC server, so it
hands the request message straight to the registered method handler, wrapped by the same server
interceptors the gRPC server applies (authentication, error mapping, request ids, call logging).
Only the wire is skipped: no serialization, no loopback connection. What the wire did and callers
can observe is kept: the server's request size limit (RESOURCE_EXHAUSTED), the deadline (the
handler is cancelled, DEADLINE_EXCEEDED), UNIMPLEMENTED for a method nobody serves, and the status
and trailing metadata a handler aborts with.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

import grpc
from google.protobuf.message import Message

log = logging.getLogger("vecplane.gateway")

Metadata = tuple[tuple[str, str | bytes], ...]


class RpcFailure(Exception):
    """A call that ended with a non-OK status, with the trailing metadata (rich details) it sent."""

    def __init__(self, code: grpc.StatusCode, details: str, trailing_metadata: Metadata = ()):
        super().__init__(f"{code.name}: {details}")
        self.code = code
        self.details = details
        self.trailing_metadata = trailing_metadata


@dataclass(frozen=True)
class _CallDetails:
    """What an interceptor learns about a call (grpc.HandlerCallDetails)."""

    method: str
    invocation_metadata: Metadata


class _Context:
    """The part of grpc.aio.ServicerContext that handlers and interceptors use."""

    transport = "rest"  # the call came through the REST gateway (metrics label; grpc contexts lack it)

    def __init__(self, metadata: Metadata, deadline: float):
        self._metadata = metadata
        self._deadline = deadline
        self._trailing: Metadata = ()

    def invocation_metadata(self) -> Metadata:
        return self._metadata

    def set_trailing_metadata(self, trailing_metadata: Sequence[tuple[str, str | bytes]]) -> None:
        self._trailing = tuple(trailing_metadata)

    def trailing_metadata(self) -> Metadata:
        return self._trailing

    def time_remaining(self) -> float:
        return max(0.0, self._deadline - time.monotonic())

    async def abort(self, code: grpc.StatusCode, details: str = "", trailing_metadata: Sequence[tuple[str, str | bytes]] = ()) -> NoReturn:
        raise RpcFailure(code, details, tuple(trailing_metadata) or self._trailing)


class LocalCalls:
    """Unary calls to the handlers registered on this process's gRPC server.

    `registry` is passed to the generated `add_*Servicer_to_server` functions in place of the server:
    it forwards every registration to the server and keeps the handlers for local calls.
    """

    def __init__(
        self,
        server: Any = None,
        *,
        interceptors: Sequence[grpc.aio.ServerInterceptor] = (),
        max_receive_message_length: int = 4 * 1024 * 1024,
    ):
        self._server = server
        self._generic: list[grpc.GenericRpcHandler] = []
        self._handlers: dict[str, grpc.RpcMethodHandler | None] = {}
        self._interceptors = tuple(interceptors)
        self._max_receive = max_receive_message_length

    # --- registration (the server's interface, as the generated code calls it) -----------------

    def add_generic_rpc_handlers(self, handlers: Sequence[grpc.GenericRpcHandler]) -> None:
        self._generic.extend(handlers)
        if self._server is not None:
            self._server.add_generic_rpc_handlers(handlers)

    def add_registered_method_handlers(self, service_name: str, method_handlers: dict[str, grpc.RpcMethodHandler]) -> None:
        if self._server is not None:
            self._server.add_registered_method_handlers(service_name, method_handlers)

    # --- calls -----------------------------------------------------------------------------------

    def _handler(self, details: _CallDetails) -> grpc.RpcMethodHandler | None:
        if details.method not in self._handlers:
            found = None
            for generic in self._generic:
                found = generic.service(details)
                if found is not None:
                    break
            self._handlers[details.method] = found
        return self._handlers[details.method]

    async def _intercepted(self, details: _CallDetails) -> grpc.RpcMethodHandler | None:
        async def continuation(index: int, call_details: _CallDetails) -> grpc.RpcMethodHandler | None:
            if index == len(self._interceptors):
                return self._handler(call_details)
            return await self._interceptors[index].intercept_service(
                lambda next_details: continuation(index + 1, next_details), call_details
            )

        return await continuation(0, details)

    async def call(self, method: str, request: Message, metadata: Metadata, deadline_seconds: float) -> Message:
        """The response of `method` (`/package.Service/Method`), or RpcFailure."""
        size = request.ByteSize()
        if size > self._max_receive:
            raise RpcFailure(grpc.StatusCode.RESOURCE_EXHAUSTED, f"Received message larger than max ({size} vs. {self._max_receive})")
        details = _CallDetails(method, metadata)
        handler = await self._intercepted(details)
        if handler is None or handler.unary_unary is None:
            raise RpcFailure(grpc.StatusCode.UNIMPLEMENTED, "Method not found!")
        context = _Context(metadata, time.monotonic() + deadline_seconds)
        try:
            async with asyncio.timeout(deadline_seconds):
                return await handler.unary_unary(request, context)
        except TimeoutError:
            raise RpcFailure(grpc.StatusCode.DEADLINE_EXCEEDED, "Deadline Exceeded", context.trailing_metadata()) from None
        except RpcFailure:
            raise
        except Exception as error:  # a handler without an interceptor that maps errors
            log.exception("unexpected error in a handler", extra={"method": method})
            raise RpcFailure(grpc.StatusCode.UNKNOWN, f"Unexpected {type(error).__name__} in {method}") from None
