"""The REST gateway's HTTP server (aiohttp), on the service's event loop.

Each request is matched against the routes built from the descriptors, transcoded to the request
message, and handed to the gRPC method handler in this process (server.gateway.local) with
`authorization`, `x-namespace` and `x-request-id` as metadata, through the same server interceptor as
a gRPC call: authentication, validation and error mapping happen once, for both transports. The
answer (or the failure, with its google.rpc details) is written back as Mixpeek JSON.
`/openapi.json` and `/docs` describe the same routes. `/metrics` (Prometheus), `/healthz` (alive)
and `/readyz` (ready: the same answer as grpc.health.v1) need no key, like gRPC's health service.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import grpc
from aiohttp import web
from google.protobuf import descriptor

from server import metrics, tracing
from server.gateway import connections, docs, errors, openapi, routes, shapes, transcode
from server.gateway.errors import HttpError
from server.gateway.local import LocalCalls, RpcFailure

log = logging.getLogger("vecplane.gateway")

FORWARDED_HEADERS = ("authorization", "x-namespace", "x-request-id")
OPENAPI_PATH = "/openapi.json"
DOCS_PATH = "/docs"
METRICS_PATH = "/metrics"
HEALTHZ_PATH = "/healthz"
READYZ_PATH = "/readyz"
OPS_PATHS = (OPENAPI_PATH, DOCS_PATH, METRICS_PATH, HEALTHZ_PATH, READYZ_PATH)


def _dumps(data: Any) -> bytes:
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate echoed in an error (e.g. as a key): \u escapes
        return json.dumps(data, separators=(",", ":")).encode("ascii")


def _raw_response(error: HttpError) -> bytes:
    """A whole HTTP/1.1 answer in bytes, for a connection refused before aiohttp sees it."""
    body = _dumps(error.envelope())
    head = (
        f"HTTP/1.1 {error.status} {HTTPStatus(error.status).phrase}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\nRetry-After: 1\r\n\r\n"
    )
    return head.encode("ascii") + body


def _printable_ascii(value: str) -> bool:
    return value.isascii() and value.isprintable()  # " " to "~"


@dataclass
class _Observed:
    """What a request's metrics are labelled with, learnt while dispatching it."""

    route: str = "unmatched"


class Gateway:
    """REST -> gRPC for the given services. `start()` binds the HTTP port (0: a free one, then
    `port` tells which); `stop(grace)` stops accepting, lets in-flight requests finish for up to
    `grace` seconds, then closes."""

    def __init__(
        self,
        services: list[descriptor.ServiceDescriptor],
        calls: LocalCalls,
        *,
        max_body_bytes: int = 4 * 1024 * 1024,
        timeout_seconds: float = 60.0,
        header_timeout_seconds: float = 10.0,
        body_timeout_seconds: float = 30.0,
        max_connections: int = 0,
        not_ready: Callable[[], list[str]] = list,
        before_scrape: Callable[[], Awaitable[None]] | None = None,
        tls: ssl.SSLContext | None = None,
    ):
        """`not_ready` says why the service is not ready (empty: ready); /readyz answers with it."""
        self._not_ready = not_ready
        self._before_scrape = before_scrape
        self._tls = tls
        self.routes = routes.build(services)
        self._by_method: dict[str, list[routes.Route]] = {}
        for route in self.routes:  # in precedence order, as built
            self._by_method.setdefault(route.http_method, []).append(route)
        self.openapi = openapi.build(self.routes)
        self._openapi_body = _dumps(self.openapi)
        self._docs_body = docs.render(self.openapi).encode("utf-8")
        self._calls = calls
        self._max_body = max_body_bytes
        self._timeout = timeout_seconds
        self._header_timeout = header_timeout_seconds
        self._body_timeout = body_timeout_seconds
        self._max_connections = max_connections or connections.auto_max_connections()
        self.connections: connections.Listener | None = None
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self, host: str, port: int) -> None:
        app = web.Application(client_max_size=self._max_body)
        # Every path reaches the handler, so every answer is in the envelope; [\s\S] because a
        # decoded path may hold a newline, which `.` would not match.
        app.router.add_route("*", r"/{tail:[\s\S]*}", self._handle)
        # aiohttp closes a connection that has not sent a whole request head this long after it
        # opened or after its last answer (its keep-alive timer runs while a head trickles in),
        # and gives an unread body (after a 408 or 413) one second to drain before closing.
        self._runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=0.5, keepalive_timeout=self._header_timeout, lingering_time=1.0
        )
        await self._runner.setup()
        assert self._runner.server is not None
        refusal = HttpError(503, "Too many open connections; retry later.", {"max_connections": self._max_connections}, error_type="ServiceUnavailable")
        self.connections = connections.Listener(
            self._runner.server, self._max_connections, _raw_response(refusal), tls=self._tls, handshake_timeout=self._header_timeout
        )
        try:
            await self.connections.start(host, port)
        except BaseException:
            await self.stop()
            raise
        self.port = self.connections.port

    async def stop(self, grace: float = 10.0) -> None:
        if self.connections is not None:
            self.connections.close()  # no new connections
        if self._runner is not None:
            try:
                await asyncio.wait_for(self._idle.wait(), grace)
            except TimeoutError:
                log.warning("REST requests still running at stop", extra={"requests": self._in_flight})
            await self._runner.cleanup()
            self._runner = None

    # --- requests ----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
        self._in_flight += 1
        self._idle.clear()
        started = time.perf_counter()
        observed = _Observed()
        parent = request.headers if tracing.enabled() else None
        with tracing.span(f"HTTP {request.method}", kind="server", parent=parent, attributes={"http.request.method": request.method}) as span:
            try:
                response = await self._dispatch(request, request_id, observed)
            except HttpError as error:
                if error.status >= 500:
                    log.warning("http error", extra={"path": request.path, "status": error.status, "correlation_id": request_id})
                response = self._error(error, request_id)
            except Exception:
                log.exception("gateway failure", extra={"path": request.path, "correlation_id": request_id})
                response = self._error(
                    HttpError(500, f"Internal error; reference {request_id} when reporting it.", error_type="InternalServerError"),
                    request_id,
                )
            finally:
                self._in_flight -= 1
                if not self._in_flight:
                    self._idle.set()
            span.rename(f"HTTP {request.method} {observed.route}")
            span.set({"http.route": observed.route, "http.response.status_code": response.status})
            if response.status >= 500:
                span.fail(str(response.status))
        # The route's template, never the path itself (IDs would make a series per resource).
        metrics.HTTP_SECONDS.labels(request.method, observed.route, str(response.status)).observe(time.perf_counter() - started)
        return response

    def _error(self, error: HttpError, request_id: str) -> web.Response:
        headers = {"x-request-id": request_id, **error.headers}
        response = web.Response(status=error.status, body=_dumps(error.envelope()), content_type="application/json", headers=headers)
        if error.status == 408:
            response.force_close()  # the rest of the body may still trickle in: not worth reading
        return response

    async def _dispatch(self, request: web.Request, request_id: str, observed: _Observed) -> web.StreamResponse:
        path = request.rel_url.raw_path
        if len(path) > 1 and path.endswith("/"):
            path = path[:-1]
        if path in OPS_PATHS:
            observed.route = path
            if request.method != "GET":
                raise HttpError(405, f"{request.method} is not allowed on {path}; allowed: GET.", headers={"Allow": "GET"})
            return await self._ops(path)

        route, values = self._match(request.method, path)
        observed.route = route.template.openapi_path()
        metadata = self._metadata(request, request_id)
        body = None
        if route.body:
            body = transcode.parse_json(await self._read_body(request))
        accepted = shapes.accept(route.method.input_type, body)
        try:
            message = transcode.build_request(route, values, list(request.rel_url.query.items()), accepted.body, accepted.issues)
        except HttpError as error:
            raise shapes.restate_error(error, accepted.renames) from None

        assert self.connections is not None
        with self.connections.running(request.transport):
            try:
                response = await self._calls.call(route.grpc_method, message, metadata, self._timeout)
            except RpcFailure as failure:
                raise shapes.restate_error(self._rpc_error(failure), accepted.renames) from None
        return web.Response(
            status=route.success_status,
            body=_dumps(transcode.response_json(route, response)),
            content_type="application/json",
            headers={"x-request-id": request_id},
        )

    async def _ops(self, path: str) -> web.Response:
        if path == OPENAPI_PATH:
            return web.Response(body=self._openapi_body, content_type="application/json")
        if path == DOCS_PATH:
            return web.Response(body=self._docs_body, content_type="text/html", charset="utf-8")
        if path == METRICS_PATH:
            if self._before_scrape is not None:
                await self._before_scrape()
            body, content_type = metrics.render()
            return web.Response(body=body, headers={"Content-Type": content_type})
        if path == HEALTHZ_PATH:  # the process answers: alive (a restart would not help otherwise)
            return web.Response(body=_dumps({"status": "alive"}), content_type="application/json")
        reasons = self._not_ready()
        if reasons:
            return web.Response(status=503, body=_dumps({"status": "not_ready", "reasons": reasons}), content_type="application/json")
        return web.Response(body=_dumps({"status": "ready"}), content_type="application/json")

    def _match(self, method: str, path: str) -> tuple[routes.Route, dict[str, str]]:
        for route in self._by_method.get(method, ()):
            values = route.template.match(path)
            if values is not None:
                return route, values
        # Allowed: the methods of the most specific template that matches (the path the OpenAPI
        # document lists), not of every template: /v1/buckets/x/objects/list also fits
        # /v1/buckets/{bucket_id}/objects/{object_id}.
        matching = next((route.template for route in self.routes if route.template.match(path) is not None), None)
        allowed = {
            route.http_method
            for route in self.routes
            if matching is not None and route.template.openapi_path() == matching.openapi_path()
        }
        if not allowed:
            raise HttpError(404, f"No route for {path}; see {DOCS_PATH} or {OPENAPI_PATH}.", {"path": path})
        methods = ", ".join(sorted(allowed))
        raise HttpError(405, f"{method} is not allowed on {path}; allowed: {methods}.", {"allowed": sorted(allowed)}, headers={"Allow": methods})

    def _metadata(self, request: web.Request, request_id: str) -> tuple[tuple[str, str], ...]:
        metadata: list[tuple[str, str]] = []
        for name in FORWARDED_HEADERS:
            value = request_id if name == "x-request-id" else request.headers.get(name)
            if value is None:
                continue
            if not _printable_ascii(value):
                raise HttpError(400, f"Header {name}: only printable ASCII characters are allowed.", {"header": name})
            metadata.append((name, value))
        return tuple(metadata)

    async def _read_body(self, request: web.Request) -> bytes:
        too_large = HttpError(
            413,
            f"The request body is larger than {self._max_body} bytes (VECPLANE_HTTP_MAX_BODY_BYTES).",
            {"max_body_bytes": self._max_body},
        )
        if request.content_length is not None and request.content_length > self._max_body:
            raise too_large
        try:
            async with asyncio.timeout(self._body_timeout):
                return await request.read()
        except web.HTTPRequestEntityTooLarge:
            raise too_large from None
        except TimeoutError:
            raise HttpError(
                408,
                f"The request body did not arrive within {self._body_timeout:g} s (VECPLANE_HTTP_BODY_TIMEOUT).",
                {"body_timeout_seconds": self._body_timeout},
            ) from None

    def _rpc_error(self, failure: RpcFailure) -> HttpError:
        mapped = errors.from_rpc_failure(failure)
        if failure.code == grpc.StatusCode.DEADLINE_EXCEEDED:
            mapped.message = f"The call did not finish within {self._timeout:g} s (VECPLANE_HTTP_TIMEOUT_SECONDS)."
        return mapped
