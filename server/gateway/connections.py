"""The REST port's listener: it accepts connections one at a time and keeps their number under a
cap, so that slow or idle clients cannot take every file descriptor of the process (then nothing,
gRPC and MongoDB included, can open one, and asyncio logs every refused accept).

At the cap, a new connection takes the place of the oldest one that is not running a call: first
those that never got as far as a call (a client trickling its request head or body), then idle
keep-alive ones. Closing an idle HTTP/1.1 connection is allowed at any time, and a client trickling
its request loses nothing it was owed. When every connection is running a call, the new one is
answered 503 at once and closed. The evicted connection is closed before the next accept, so the
port never holds more than the cap (asyncio's own accept loop takes up to 100 at once, with no say).
The header and body timeouts (server.gateway.server) bound how long a slow client holds a
connection otherwise. With TLS, each handshake runs in its own task (a slow one must not stall the
accept loop), within the header timeout, and counts toward the cap while it runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import resource
import socket
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("vecplane.gateway")

MAX_AUTO = 1024
_OUT_OF_RESOURCES = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)


def auto_max_connections() -> int:
    """Half of the process's open-file limit (the other half for everything else), at most 1024."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return MAX_AUTO
    return max(1, min(MAX_AUTO, soft // 2))


@dataclass
class _Connection:
    transport: asyncio.Transport
    calls: int = 0  # running now
    served: bool = False  # got as far as a call once


class Listener:
    """Serves `factory`'s protocol (aiohttp's) on host:port with at most `max_connections` open."""

    def __init__(
        self,
        factory: Callable[[], asyncio.Protocol],
        max_connections: int,
        refusal: bytes,
        *,
        tls: ssl.SSLContext | None = None,
        handshake_timeout: float = 10.0,
    ):
        self._factory = factory
        self.max_connections = max_connections
        self._refusal = b"" if tls else refusal  # a TLS client cannot read a plaintext answer: just closed
        self._tls = tls
        self._handshake_timeout = handshake_timeout
        self._handshaking: set[asyncio.Task[None]] = set()
        self._open: dict[asyncio.Transport, _Connection] = {}  # oldest first
        self._socket: socket.socket | None = None
        self._task: asyncio.Task[None] | None = None
        self.evicted = 0
        self.refused = 0
        self.port = 0

    async def start(self, host: str, port: int) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        listening = socket.create_server((host, port), family=family, backlog=128)
        listening.setblocking(False)
        self._socket = listening
        self.port = listening.getsockname()[1]
        self._task = asyncio.get_running_loop().create_task(self._accept_loop(listening))

    def close(self) -> None:
        """Stops accepting; open connections stay (the HTTP server shuts them down)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        for task in self._handshaking:
            task.cancel()

    @property
    def open(self) -> int:
        self._forget_closed()
        return len(self._open)

    async def _accept_loop(self, listening: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                accepted, _address = await loop.sock_accept(listening)
            except OSError as error:
                if error.errno in _OUT_OF_RESOURCES:
                    log.warning("REST port: cannot accept a connection, out of resources", extra={"error": str(error)})
                    await asyncio.sleep(0.5)
                continue
            if self._tls is None:
                try:
                    await self._admit(loop, accepted)
                except OSError:
                    accepted.close()  # the client left already
            else:
                task = loop.create_task(self._admit_tls(loop, accepted))
                self._handshaking.add(task)
                task.add_done_callback(self._handshaking.discard)

    async def _admit_tls(self, loop: asyncio.AbstractEventLoop, accepted: socket.socket) -> None:
        try:
            await self._admit(loop, accepted)
        except (OSError, TimeoutError):  # the client left, or failed or did not finish its handshake
            accepted.close()

    async def _admit(self, loop: asyncio.AbstractEventLoop, accepted: socket.socket) -> None:
        self._forget_closed()
        handshakes = len(self._handshaking) - 1 if self._tls else 0  # others than this one
        if len(self._open) + handshakes >= self.max_connections:
            victim = self._victim()
            if victim is None:
                self.refused += 1
                accepted.setblocking(False)
                with contextlib.suppress(OSError):
                    accepted.send(self._refusal)
                accepted.close()
                return
            self.evicted += 1
            del self._open[victim.transport]
            victim.transport.abort()
            await asyncio.sleep(0)  # its socket is closed before the next one is opened
        if self._tls is None:
            transport, _protocol = await loop.connect_accepted_socket(self._factory, accepted)
        else:
            transport, _protocol = await loop.connect_accepted_socket(
                self._factory, accepted, ssl=self._tls, ssl_handshake_timeout=self._handshake_timeout
            )
        assert isinstance(transport, asyncio.Transport)
        self._open[transport] = _Connection(transport)

    def _forget_closed(self) -> None:
        for transport in [t for t in self._open if t.is_closing()]:
            del self._open[transport]

    def _victim(self) -> _Connection | None:
        idle = None
        for connection in self._open.values():
            if connection.calls:
                continue
            if not connection.served:
                return connection
            if idle is None:
                idle = connection
        return idle

    @contextmanager
    def running(self, transport: Any) -> Iterator[None]:
        """Marks the connection of a request as running a call (not to be evicted meanwhile)."""
        connection = self._open.get(transport)
        if connection is None:
            yield
            return
        connection.calls += 1
        connection.served = True
        try:
            yield
        finally:
            connection.calls -= 1

