"""Fetching blob URLs within limits: http(s) only, at most `max_bytes`, within `timeout` seconds
in all (redirects included, at most 5), and never from a private address unless its network is
allowed. Hostnames are checked at the moment they are resolved for the connection, each address
the resolver returns, so a name that resolves to a public address when checked and a private one
when fetched (DNS rebinding) gets nowhere; literal addresses are checked before each hop."""

from __future__ import annotations

import ipaddress
import socket
import urllib.parse
from dataclasses import dataclass

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from server.domain.blobs import Network, check_url, is_public

MAX_REDIRECTS = 5


class FetchError(Exception):
    """A URL that could not be fetched; the message says why, for people."""


class _PublicResolver(AbstractResolver):
    """Resolves with the default resolver and keeps only the addresses that may be fetched."""

    def __init__(self, allowed: tuple[Network, ...]):
        self._inner = DefaultResolver()
        self._allowed = allowed

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        kept = [r for r in found if _may_fetch(ipaddress.ip_address(r["host"]), self._allowed)]
        if not kept:
            raise FetchError(f"{host} resolves only to private addresses; vecplane does not fetch from private addresses")
        return kept

    async def close(self) -> None:
        await self._inner.close()


def _may_fetch(address: ipaddress.IPv4Address | ipaddress.IPv6Address, allowed: tuple[Network, ...]) -> bool:
    return is_public(address) or any(address in net for net in allowed)


@dataclass(frozen=True)
class Fetched:
    content: bytes
    content_type: str | None


class UrlFetcher:
    def __init__(self, *, max_bytes: int, timeout_seconds: float, allowed_networks: tuple[Network, ...] = ()):
        self.max_bytes = max_bytes
        self.timeout_seconds = timeout_seconds
        self.allowed_networks = allowed_networks

    async def fetch(self, url: str) -> Fetched:
        """The content at `url`, or FetchError saying why not."""
        timeout = aiohttp.ClientTimeout(total=self.timeout_seconds)
        connector = aiohttp.TCPConnector(resolver=_PublicResolver(self.allowed_networks), use_dns_cache=False)
        try:
            async with aiohttp.ClientSession(timeout=timeout, connector=connector, trust_env=False) as session:
                for _ in range(MAX_REDIRECTS + 1):
                    why = check_url(url, self.allowed_networks)
                    if why:
                        raise FetchError(f"{url} {why}")
                    async with session.get(url, allow_redirects=False) as response:
                        if response.status in (301, 302, 303, 307, 308) and "Location" in response.headers:
                            url = urllib.parse.urljoin(url, response.headers["Location"])
                            continue
                        if response.status != 200:
                            raise FetchError(f"{url} answered HTTP {response.status}")
                        return Fetched(await self._read(response), response.content_type)
                raise FetchError(f"{url} redirects more than {MAX_REDIRECTS} times")
        except TimeoutError:
            raise FetchError(f"{url} did not answer within {self.timeout_seconds:g} s") from None
        except aiohttp.ClientError as error:
            cause = error.__cause__ if isinstance(error.__cause__, FetchError) else None
            raise FetchError(str(cause) if cause else f"{url} could not be fetched ({error})") from None

    async def _read(self, response: aiohttp.ClientResponse) -> bytes:
        declared = response.content_length
        if declared is not None and declared > self.max_bytes:
            raise FetchError(f"{response.url} is {declared} bytes; a blob holds at most {self.max_bytes} bytes")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(64 * 1024):
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"{response.url} is more than {self.max_bytes} bytes; a blob holds at most {self.max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
