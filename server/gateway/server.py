"""The REST gateway's HTTP server (aiohttp), on the service's event loop.

Each request is matched against the routes built from the descriptors, transcoded to the request
message, and sent to the gRPC server through a real grpc.aio channel with `authorization`,
`x-namespace` and `x-request-id` as metadata: authentication, validation and error mapping happen
once, in the gRPC interceptor, for both transports. The answer (or the failure, with its google.rpc
details) is written back as Mixpeek JSON. `/openapi.json` and `/docs` describe the same routes.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Any

import grpc
from aiohttp import web
from google.protobuf import descriptor

from server.gateway import docs, errors, openapi, routes, transcode
from server.gateway.errors import HttpError

log = logging.getLogger("vecplane.gateway")

FORWARDED_HEADERS = ("authorization", "x-namespace", "x-request-id")
OPENAPI_PATH = "/openapi.json"
DOCS_PATH = "/docs"


def _dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _printable_ascii(value: str) -> bool:
    return all(" " <= char <= "~" for char in value)


class Gateway:
    """REST -> gRPC for the given services. `start()` binds the HTTP port (0: a free one, then
    `port` tells which); `stop(grace)` stops accepting, lets in-flight requests finish for up to
    `grace` seconds, then closes."""

    def __init__(
        self,
        services: list[descriptor.ServiceDescriptor],
        grpc_target: str,
        *,
        max_body_bytes: int = 4 * 1024 * 1024,
        timeout_seconds: float = 60.0,
    ):
        self.routes = routes.build(services)
        self.openapi = openapi.build(self.routes)
        self._openapi_body = _dumps(self.openapi)
        self._docs_body = docs.render(self.openapi).encode("utf-8")
        self._target = grpc_target
        self._max_body = max_body_bytes
        self._timeout = timeout_seconds
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._channel: grpc.aio.Channel | None = None
        self._runner: web.AppRunner | None = None
        self._calls: dict[str, grpc.aio.UnaryUnaryMultiCallable] = {}
        self.port = 0

    async def start(self, host: str, port: int) -> None:
        # Answers can be larger than gRPC's 4 MiB default (a page of 1000 items); requests are
        # bounded by max_body_bytes before they get here.
        self._channel = grpc.aio.insecure_channel(self._target, options=[("grpc.max_receive_message_length", -1)])
        for route in self.routes:
            self._calls[route.grpc_method] = self._channel.unary_unary(
                route.grpc_method,
                request_serializer=route.request_class.SerializeToString,
                response_deserializer=route.response_class.FromString,
            )
        app = web.Application(client_max_size=self._max_body)
        # Every path reaches the handler, so every answer is in the envelope; [\s\S] because a
        # decoded path may hold a newline, which `.` would not match.
        app.router.add_route("*", r"/{tail:[\s\S]*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        try:
            await site.start()
        except BaseException:
            await self.stop()
            raise
        self.port = self._runner.addresses[0][1]

    async def stop(self, grace: float = 10.0) -> None:
        if self._runner is not None:
            for site in list(self._runner.sites):
                await site.stop()  # no new connections
            try:
                await asyncio.wait_for(self._idle.wait(), grace)
            except TimeoutError:
                log.warning("REST requests still running at stop", extra={"requests": self._in_flight})
            await self._runner.cleanup()
            self._runner = None
        if self._channel is not None:
            await self._channel.close()
            self._channel = None

    # --- requests ----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
        self._in_flight += 1
        self._idle.clear()
        try:
            return await self._dispatch(request, request_id)
        except HttpError as error:
            if error.status >= 500:
                log.warning("http error", extra={"path": request.path, "status": error.status, "correlation_id": request_id})
            return self._error(error, request_id)
        except Exception:
            log.exception("gateway failure", extra={"path": request.path, "correlation_id": request_id})
            return self._error(
                HttpError(500, f"Internal error; reference {request_id} when reporting it.", error_type="InternalServerError"),
                request_id,
            )
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()

    def _error(self, error: HttpError, request_id: str) -> web.Response:
        headers = {"x-request-id": request_id, **error.headers}
        return web.Response(status=error.status, body=_dumps(error.envelope()), content_type="application/json", headers=headers)

    async def _dispatch(self, request: web.Request, request_id: str) -> web.StreamResponse:
        path = request.rel_url.raw_path
        if len(path) > 1 and path.endswith("/"):
            path = path[:-1]
        if path in (OPENAPI_PATH, DOCS_PATH):
            if request.method != "GET":
                raise HttpError(405, f"{request.method} is not allowed on {path}; allowed: GET.", headers={"Allow": "GET"})
            if path == OPENAPI_PATH:
                return web.Response(body=self._openapi_body, content_type="application/json")
            return web.Response(body=self._docs_body, content_type="text/html", charset="utf-8")

        route, values = self._match(request.method, path)
        metadata = self._metadata(request, request_id)
        body = None
        if route.body:
            body = transcode.parse_json(await self._read_body(request))
        message = transcode.build_request(route, values, list(request.rel_url.query.items()), body)

        call = self._calls[route.grpc_method](message, metadata=metadata, timeout=self._timeout)
        try:
            response = await call
        except grpc.aio.AioRpcError as error:
            raise self._rpc_error(error) from None
        return web.Response(
            body=_dumps(transcode.response_json(route, response)),
            content_type="application/json",
            headers={"x-request-id": request_id},
        )

    def _match(self, method: str, path: str) -> tuple[routes.Route, dict[str, str]]:
        allowed: set[str] = set()
        for route in self.routes:
            values = route.template.match(path)
            if values is None:
                continue
            if route.http_method == method:
                return route, values
            allowed.add(route.http_method)
        if not allowed:
            raise HttpError(404, f"No route for {path}; see {DOCS_PATH} or {OPENAPI_PATH}.", {"path": path})
        methods = ", ".join(sorted(allowed))
        raise HttpError(405, f"{method} is not allowed on {path}; allowed: {methods}.", {"allowed": sorted(allowed)}, headers={"Allow": methods})

    def _metadata(self, request: web.Request, request_id: str) -> list[tuple[str, str]]:
        metadata = []
        for name in FORWARDED_HEADERS:
            value = request_id if name == "x-request-id" else request.headers.get(name)
            if value is None:
                continue
            if not _printable_ascii(value):
                raise HttpError(400, f"Header {name}: only printable ASCII characters are allowed.", {"header": name})
            metadata.append((name, value))
        return metadata

    async def _read_body(self, request: web.Request) -> bytes:
        too_large = HttpError(
            413,
            f"The request body is larger than {self._max_body} bytes (VECPLANE_HTTP_MAX_BODY_BYTES).",
            {"max_body_bytes": self._max_body},
        )
        if request.content_length is not None and request.content_length > self._max_body:
            raise too_large
        try:
            return await request.read()
        except web.HTTPRequestEntityTooLarge:
            raise too_large from None

    def _rpc_error(self, error: grpc.aio.AioRpcError) -> HttpError:
        mapped = errors.from_rpc_error(error)
        code = error.code()
        if code == grpc.StatusCode.DEADLINE_EXCEEDED:
            mapped.message = f"The call did not finish within {self._timeout:g} s (VECPLANE_HTTP_TIMEOUT_SECONDS)."
        elif code == grpc.StatusCode.UNAVAILABLE and mapped.details is None:
            # The channel's own failure (the gRPC server is down or restarting): no addresses.
            mapped.message = "The service is unavailable; retry later."
        return mapped
