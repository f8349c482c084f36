"""Whether the service can work: every backend it needs answers a cheap ping.

A monitor pings each backend (MongoDB, the vector store; embedded or remote) every `interval`
seconds. A backend that fails `down_after` pings in a row (so one slow answer from a busy server is
not an outage) counts as down; while one is down, calls fail at once with UNAVAILABLE naming it (instead of each
waiting out the driver's timeouts) and health reports NOT_SERVING; both recover by themselves on the
first ping that succeeds again."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from server.domain.errors import Unavailable

log = logging.getLogger(__name__)


class Backend(Protocol):
    """A store the service cannot work without."""

    @property
    def backend_name(self) -> str:
        """How people know it, e.g. 'MongoDB (embedded nx-27017)'; used in error messages."""
        ...

    async def ping(self) -> None:
        """One cheap round trip; raises when the backend cannot be reached."""
        ...


class BackendMonitor:
    def __init__(
        self,
        backends: list[Backend],
        on_change: Callable[[bool], Awaitable[None]],
        *,
        interval: float = 0.5,
        timeout: float = 2.0,
        down_after: int = 2,
    ):
        self._backends = backends
        self._on_change = on_change
        self._interval = interval
        self._timeout = timeout
        self._down_after = down_after
        self._failures: dict[str, int] = {}  # backend name -> failed pings in a row
        self._down: dict[str, str] = {}  # backend name -> why, in the order they went down
        self._task: asyncio.Task[None] | None = None

    def require_available(self) -> None:
        """Raises UNAVAILABLE naming the first backend that is down."""
        if self._down:
            name, why = next(iter(self._down.items()))
            raise Unavailable(f"{name} is unavailable ({why}); retry later.", metadata={"backend": name})

    def down(self) -> dict[str, str]:
        """The backends that count as down, each with why."""
        return dict(self._down)

    async def check(self) -> bool:
        """Pings every backend once, concurrently; returns whether none counts as down."""
        results = await asyncio.gather(*(self._ping(backend) for backend in self._backends))
        was_serving = not self._down
        for backend, problem in zip(self._backends, results, strict=True):
            name = backend.backend_name
            if problem is None:
                self._failures.pop(name, None)
                if self._down.pop(name, None) is not None:
                    log.warning("backend reachable again", extra={"backend": name})
                continue
            self._failures[name] = self._failures.get(name, 0) + 1
            if self._failures[name] >= self._down_after and name not in self._down:
                self._down[name] = problem
                log.error("backend unreachable", extra={"backend": name, "error": problem})
        serving = not self._down
        if serving != was_serving:
            await self._on_change(serving)
        return serving

    async def _ping(self, backend: Backend) -> str | None:
        try:
            async with asyncio.timeout(self._timeout):
                await backend.ping()
        except TimeoutError:
            return f"no answer within {self._timeout:g}s"
        except Exception as error:  # any failure of the probe means "not reachable"
            return f"{type(error).__name__}: {str(error)[:200]}"
        return None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="backend-monitor")

    async def _run(self) -> None:
        while True:
            await self.check()
            await asyncio.sleep(self._interval)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
