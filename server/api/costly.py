"""The share of costly calls (methods marked `(vecplane.v1.costly)`: aggregations, reconciliations,
changes by filter, each reading up to tens of thousands of items) that one organization may run.

Such a call holds the event loop and the vector store's thread for seconds, and every other call of
the process waits behind it (an aggregation over 50,000 documents took 3.6 s and raised another
organization's GetNamespace p50 from 5 to 114 ms on 2 cores). So an organization runs at most
`per_organization` at once and the server at most `total`; a call beyond its organization's share
waits its turn for up to `wait_seconds`, then is RESOURCE_EXHAUSTED (TOO_MANY_COSTLY_CALLS). An
organization waits on its own slots first, so its queue never holds a slot another could use."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator

from google.protobuf import descriptor_pool
from vecplane.v1 import options_pb2

from server.domain.errors import ResourceExhausted


@functools.cache
def is_costly(method: str) -> bool:
    """Whether a method (`/package.Service/Method`) declares `(vecplane.v1.costly)`."""
    service, _, name = method.lstrip("/").rpartition("/")
    try:
        found = descriptor_pool.Default().FindServiceByName(service).methods_by_name.get(name)
    except KeyError:
        return False
    return found is not None and bool(found.GetOptions().Extensions[options_pb2.costly])


class CostlyCalls:
    def __init__(self, per_organization: int = 2, total: int = 4, wait_seconds: float = 30.0):
        self.per_organization = per_organization
        self.total = total
        self.wait_seconds = wait_seconds
        self._all = asyncio.Semaphore(total)
        self._organizations: dict[str, asyncio.Semaphore] = {}
        self._users: dict[str, int] = {}  # calls holding or waiting for the organization's slots

    @contextlib.asynccontextmanager
    async def slot(self, organization_id: str) -> AsyncIterator[None]:
        """Runs the body in one of the organization's slots and one of the server's."""
        own = self._organizations.get(organization_id)
        if own is None:
            own = self._organizations[organization_id] = asyncio.Semaphore(self.per_organization)
        self._users[organization_id] = self._users.get(organization_id, 0) + 1
        try:
            try:
                async with asyncio.timeout(self.wait_seconds):  # only the wait is bounded
                    await own.acquire()
                    try:
                        await self._all.acquire()
                    except BaseException:
                        own.release()
                        raise
            except TimeoutError:
                raise self._exhausted() from None
            try:
                yield
            finally:
                self._all.release()
                own.release()
        finally:
            self._users[organization_id] -= 1
            if not self._users[organization_id]:  # idle: the table keeps active organizations only
                del self._users[organization_id], self._organizations[organization_id]

    def _exhausted(self) -> ResourceExhausted:
        return ResourceExhausted(
            f"Costly calls (aggregations, reconciliations, changes by filter) run at most {self.per_organization} at once per organization and "
            f"{self.total} on this server, and no slot freed up within {self.wait_seconds:g} s; retry later.",
            reason="TOO_MANY_COSTLY_CALLS",
            metadata={"per_organization": str(self.per_organization), "total": str(self.total)},
        )
