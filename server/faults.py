"""Named fault points, for tests of crash and failure handling against the real server.

`VECPLANE_FAULTS="point=action,..."` arms them; unarmed (always, in production) `hit()` does nothing.
Actions: `fail` raises FaultInjected at the point; `kill` SIGKILLs the process there, as a crash
would; `sleep:<seconds>` pauses (to widen a race window)."""

from __future__ import annotations

import asyncio
import os
import signal


class FaultInjected(RuntimeError):
    """Raised at an armed `fail` fault point."""


class Faults:
    def __init__(self, spec: str = ""):
        self._armed: dict[str, str] = {}
        for item in filter(None, (part.strip() for part in spec.split(","))):
            point, _, action = item.partition("=")
            self._armed[point] = action or "fail"

    def arm(self, point: str, action: str = "fail") -> None:
        """Arms a point at run time (in-process tests; a server process takes VECPLANE_FAULTS)."""
        self._armed[point] = action

    def disarm(self, point: str) -> None:
        self._armed.pop(point, None)

    async def hit(self, point: str) -> None:
        action = self._armed.get(point)
        if action is None:
            return
        if action == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if action.startswith("sleep:"):
            await asyncio.sleep(float(action.split(":", 1)[1]))
            return
        raise FaultInjected(f"fault injected at {point}")
