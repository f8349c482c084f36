"""The share of costly calls an organization may run (server.api.costly), on a real event loop."""

from __future__ import annotations

import asyncio

import pytest

from server.api.costly import CostlyCalls, is_costly
from server.domain.errors import ResourceExhausted


def test_the_costly_methods_are_the_ones_the_protos_mark() -> None:
    assert is_costly("/vecplane.v1.DocumentService/AggregateDocuments")
    assert is_costly("/vecplane.v1.CollectionService/ReconcileCollection")
    assert not is_costly("/vecplane.v1.NamespaceService/GetNamespace")
    assert not is_costly("/grpc.health.v1.Health/Check")


async def _hold(calls: CostlyCalls, organization_id: str, release: asyncio.Event, entered: list[str]) -> None:
    async with calls.slot(organization_id):
        entered.append(organization_id)
        await release.wait()


def test_an_organization_beyond_its_share_waits_while_another_goes_ahead() -> None:
    async def scenario() -> None:
        calls = CostlyCalls(per_organization=1, total=4, wait_seconds=5)
        release, entered = asyncio.Event(), []
        tasks = [asyncio.create_task(_hold(calls, org, release, entered)) for org in ("a", "a", "b")]
        await asyncio.sleep(0.05)
        assert sorted(entered) == ["a", "b"]  # the second of a waits; b does not wait behind it
        release.set()
        await asyncio.gather(*tasks)
        assert sorted(entered) == ["a", "a", "b"]

    asyncio.run(scenario())


def test_the_server_wide_share_holds_every_organization() -> None:
    async def scenario() -> None:
        calls = CostlyCalls(per_organization=2, total=1, wait_seconds=5)
        release, entered = asyncio.Event(), []
        first = asyncio.create_task(_hold(calls, "a", release, entered))
        await asyncio.sleep(0.01)
        second = asyncio.create_task(_hold(calls, "b", release, entered))
        await asyncio.sleep(0.05)
        assert entered == ["a"]
        release.set()
        await asyncio.gather(first, second)
        assert entered == ["a", "b"]

    asyncio.run(scenario())


def test_a_call_that_waits_too_long_is_resource_exhausted_and_its_turn_is_given_back() -> None:
    async def scenario() -> None:
        calls = CostlyCalls(per_organization=1, total=4, wait_seconds=0.05)
        release, entered = asyncio.Event(), []
        holder = asyncio.create_task(_hold(calls, "a", release, entered))
        await asyncio.sleep(0.01)
        with pytest.raises(ResourceExhausted) as refused:
            await _hold(calls, "a", release, entered)
        assert refused.value.reason == "TOO_MANY_COSTLY_CALLS" and refused.value.metadata == {"per_organization": "1", "total": "4"}
        cancelled = asyncio.create_task(_hold(calls, "a", release, entered))
        await asyncio.sleep(0.01)
        cancelled.cancel()  # a caller that gives up while waiting takes no slot with it
        release.set()
        await holder
        release.clear()
        after = asyncio.create_task(_hold(calls, "a", release, entered))
        await asyncio.sleep(0.01)
        assert entered == ["a", "a"]
        release.set()
        await after

    asyncio.run(scenario())
