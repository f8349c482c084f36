"""Blob URLs fetched by server.storage.fetch against a real HTTP server on this machine: limits on
size and time, redirects, and private addresses refused unless their network is allowed."""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from aiohttp import web

from server.domain.blobs import BlobLimits
from server.storage.fetch import FetchError, UrlFetcher
from server.usecases.blobs import BlobReader, BlobUnreadable

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)
BIG = b"x" * 300_000


async def _slow(request: web.Request) -> web.StreamResponse:
    await asyncio.sleep(5)
    return web.Response(body=b"late")


async def _unbounded(request: web.Request) -> web.StreamResponse:
    """A body without Content-Length that never ends."""
    response = web.StreamResponse()
    await response.prepare(request)
    while True:
        await response.write(b"y" * 65536)


def _app(port_of: Callable[[], int]) -> web.Application:
    app = web.Application()

    async def redirect_to_private(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(f"http://127.0.0.2:{port_of()}/ok")

    def answer(response: Callable[[], web.StreamResponse]) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handler(request: web.Request) -> web.StreamResponse:
            return response()

        return handler

    def redirect(to: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handler(request: web.Request) -> web.StreamResponse:
            raise web.HTTPFound(to)

        return handler

    app.router.add_get("/ok", answer(lambda: web.Response(body=b"hello blob", content_type="text/plain")))
    app.router.add_get("/big", answer(lambda: web.Response(body=BIG)))
    app.router.add_get("/slow", _slow)
    app.router.add_get("/unbounded", _unbounded)
    app.router.add_get("/missing", answer(lambda: web.Response(status=404)))
    app.router.add_get("/redirect", redirect("/ok"))
    app.router.add_get("/to-private", redirect_to_private)
    app.router.add_get("/loop", redirect("/loop"))
    return app


@asynccontextmanager
async def serving() -> AsyncIterator[str]:
    """A real HTTP server on 127.0.0.1; yields its base URL."""
    port = 0
    runner = web.AppRunner(_app(lambda: port))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


@pytest.mark.slow  # a server process or a build; over 5 s
def test_fetches_within_the_limits_and_follows_redirects() -> None:
    async def body() -> None:
        async with serving() as url:
            fetcher = UrlFetcher(max_bytes=100_000, timeout_seconds=1, allowed_networks=LOOPBACK)
            fetched = await fetcher.fetch(f"{url}/ok")
            assert (fetched.content, fetched.content_type) == (b"hello blob", "text/plain")
            assert (await fetcher.fetch(f"{url}/redirect")).content == b"hello blob"
            with pytest.raises(FetchError, match="at most 100000 bytes"):
                await fetcher.fetch(f"{url}/big")
            with pytest.raises(FetchError, match="more than 100000 bytes"):
                await fetcher.fetch(f"{url}/unbounded")
            with pytest.raises(FetchError, match="did not answer within 1 s"):
                await fetcher.fetch(f"{url}/slow")
            with pytest.raises(FetchError, match="answered HTTP 404"):
                await fetcher.fetch(f"{url}/missing")
            with pytest.raises(FetchError, match="redirects more than 5 times"):
                await fetcher.fetch(f"{url}/loop")

    asyncio.run(body())


def test_private_addresses_are_refused_unless_allowed() -> None:
    async def body() -> None:
        async with serving() as url:
            strict = UrlFetcher(max_bytes=100_000, timeout_seconds=2)
            with pytest.raises(FetchError, match=r"private address 127\.0\.0\.1"):
                await strict.fetch(f"{url}/ok")
            port = url.rsplit(":", 1)[1]
            with pytest.raises(FetchError, match="localhost"):
                await strict.fetch(f"http://localhost:{port}/ok")
            with pytest.raises(FetchError, match="private address ::ffff:7f00:1"):
                await strict.fetch(f"http://[::ffff:127.0.0.1]:{port}/ok")
            with pytest.raises(FetchError, match="file: URL"):
                await strict.fetch("file:///etc/passwd")
            # A hostname that resolves to a private address is refused when it is resolved.
            name = socket.gethostname()
            resolved = {ipaddress.ip_address(info[4][0]) for info in socket.getaddrinfo(name, None)}
            assert resolved and all(not a.is_global for a in resolved), f"{name} should resolve to this machine"
            with pytest.raises(FetchError, match=f"{name} resolves only to private addresses"):
                await strict.fetch(f"http://{name}:{port}/ok")
            # A URL that may be fetched and redirects to one that may not: each hop is checked.
            allowed_once = UrlFetcher(max_bytes=100_000, timeout_seconds=2, allowed_networks=(ipaddress.ip_network("127.0.0.1/32"),))
            assert (await allowed_once.fetch(f"{url}/ok")).content == b"hello blob"
            with pytest.raises(FetchError, match=r"private address 127\.0\.0\.2"):
                await allowed_once.fetch(f"{url}/to-private")

    asyncio.run(body())


def test_blob_reader_reads_every_kind_of_blob_data() -> None:
    async def body() -> None:
        async with serving() as url:
            limits = BlobLimits(max_bytes=100_000, allowed_networks=LOOPBACK)
            reader = BlobReader(limits, UrlFetcher(max_bytes=limits.max_bytes, timeout_seconds=2, allowed_networks=LOOPBACK))
            text = await reader.read({"property": "content", "type": "text", "data": "plain words"})
            assert (text.content, text.mime_type) == ("plain words", "text/plain")
            raw = await reader.read({"property": "image", "type": "image", "data": base64.b64encode(b"\x00\x01png").decode()})
            assert raw.content == b"\x00\x01png"
            uri = await reader.read({"property": "image", "type": "image", "data": "data:image/png;base64," + base64.b64encode(b"abc").decode()})
            assert (uri.content, uri.mime_type) == (b"abc", "image/png")
            fetched = await reader.read({"property": "content", "type": "text", "data": f"{url}/ok"})
            assert (fetched.content, fetched.mime_type) == (b"hello blob", "text/plain")
            strict = BlobReader(BlobLimits(), UrlFetcher(max_bytes=100, timeout_seconds=2))
            with pytest.raises(BlobUnreadable, match="private address"):
                await strict.read({"property": "content", "type": "text", "data": f"{url}/ok"})
            with pytest.raises(BlobUnreadable, match="a blob holds at most 100 bytes"):
                await BlobReader(limits, UrlFetcher(max_bytes=100, timeout_seconds=2, allowed_networks=LOOPBACK)).read({"property": "image", "type": "image", "data": f"{url}/big"})

    asyncio.run(body())
