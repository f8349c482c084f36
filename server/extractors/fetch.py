"""Files named by URL: fetched over http(s) only, with a byte limit (read as a stream and cut off)
and a total time limit. Local paths and other schemes never reach this (the domain refuses them)."""

from __future__ import annotations

import aiohttp


class FetchError(Exception):
    """The URL could not be fetched within the limits; the message says why."""


class FileFetcher:
    def __init__(self, max_bytes: int, timeout_seconds: float, max_redirects: int = 3):
        self.max_bytes = max_bytes
        self.timeout_seconds = timeout_seconds
        self.max_redirects = max_redirects
        self._session: aiohttp.ClientSession | None = None

    async def fetch(self, url: str) -> bytes:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        timeout = aiohttp.ClientTimeout(total=self.timeout_seconds)
        try:
            async with self._session.get(url, timeout=timeout, max_redirects=self.max_redirects) as response:
                if response.status != 200:
                    raise FetchError(f"the server answered HTTP {response.status}")
                if (response.content_length or 0) > self.max_bytes:
                    raise FetchError(f"the file is {response.content_length} bytes; at most {self.max_bytes} are accepted")
                body = bytearray()
                async for part in response.content.iter_chunked(65536):
                    body += part
                    if len(body) > self.max_bytes:
                        raise FetchError(f"the file is larger than {self.max_bytes} bytes, the most accepted")
                return bytes(body)
        except TimeoutError:
            raise FetchError(f"no complete answer within {self.timeout_seconds:g} s") from None
        except aiohttp.TooManyRedirects:
            raise FetchError(f"more than {self.max_redirects} redirects") from None
        except aiohttp.ClientError as exc:
            raise FetchError(f"cannot fetch it ({exc.__class__.__name__})") from None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
