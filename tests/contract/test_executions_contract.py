"""The contract of execution records (server.storage.repositories.Executions): reads confined to
their scope (organization, namespace, retriever) and to records that have not expired, pages newest
first with cursors, and a prune that keeps an organization's newest records only; the queries are
served by indexes."""

from __future__ import annotations

from typing import Any

from server.domain import filters
from server.domain.paging import PageParams
from server.usecases.executions import EXECUTION_FIELDS
from tests.contract.conftest import Stores

NOW = 1_800_000_000_000  # ms
SCOPE = {"_org": "org_a", "_ns": "ns_a", "_retriever": "ret_a"}


def record(number: int, *, scope: dict[str, str] = SCOPE, status: str = "completed", expires: int = NOW + 60_000) -> dict[str, Any]:
    return {"_id": f"exec_{number:04d}", **scope, "_created_ms": NOW - 100_000 + number, "_expires_ms": expires, "execution_id": f"exec_{number:04d}", "status": status}


def newest_first(limit: int = 10) -> PageParams:
    return PageParams(limit=limit, offset=0, after=None, include_total=True, sort_field="_created_ms", descending=True)


def test_reads_stay_in_scope_and_skip_expired_records(stores: Stores, recorded: list[tuple[str, dict[str, Any]]]) -> None:
    others = [{**SCOPE, "_org": "org_b"}, {**SCOPE, "_ns": "ns_b"}, {**SCOPE, "_retriever": ""}]
    stores.run(stores.executions.insert_many([record(1), record(2, expires=NOW - 1), *(record(10 + i, scope=s) for i, s in enumerate(others))]))
    assert stores.run(stores.executions.find(SCOPE, "exec_0001", NOW))["status"] == "completed"
    assert stores.run(stores.executions.find(SCOPE, "exec_0002", NOW)) is None  # expired
    for i, scope in enumerate(others):
        assert stores.run(stores.executions.find(SCOPE, f"exec_{10 + i:04d}", NOW)) is None
        assert stores.run(stores.executions.find(scope, f"exec_{10 + i:04d}", NOW)) is not None
    page = stores.run(stores.executions.page(SCOPE, None, newest_first(), NOW))
    assert [item["_id"] for item in page.items] == ["exec_0001"] and page.total == 1
    stores.run(stores.executions.prune("org_a", 1, NOW))
    assert stores.full_scans(recorded) == {}


def test_pages_newest_first_with_a_cursor_and_a_filter(stores: Stores) -> None:
    stores.run(stores.executions.insert_many([record(n, status="failed" if n % 3 == 0 else "completed") for n in range(1, 8)]))
    first = stores.run(stores.executions.page(SCOPE, None, newest_first(3), NOW))
    assert [item["_id"] for item in first.items] == ["exec_0007", "exec_0006", "exec_0005"] and first.total == 7 and first.next is not None
    after = PageParams(limit=3, offset=0, after=first.next, include_total=False, sort_field="_created_ms", descending=True)
    assert [item["_id"] for item in stores.run(stores.executions.page(SCOPE, None, after, NOW)).items] == ["exec_0004", "exec_0003", "exec_0002"]
    failed = filters.Condition(EXECUTION_FIELDS.fields["status"], "eq", "failed", True)
    assert [item["_id"] for item in stores.run(stores.executions.page(SCOPE, failed, newest_first(), NOW)).items] == ["exec_0006", "exec_0003"]


def test_prune_keeps_the_newest_of_one_organization(stores: Stores) -> None:
    other = {**SCOPE, "_org": "org_b"}
    stores.run(stores.executions.insert_many([*(record(n) for n in range(1, 7)), record(7, expires=NOW), *(record(20 + n, scope=other) for n in range(3))]))
    assert stores.run(stores.executions.prune("org_a", 3, NOW)) == 4  # the expired one, then all but the 3 newest
    assert [item["_id"] for item in stores.run(stores.executions.page(SCOPE, None, newest_first(), 0)).items] == ["exec_0006", "exec_0005", "exec_0004"]
    assert stores.run(stores.executions.page(other, None, newest_first(), NOW)).total == 3  # another organization's are its own
    assert stores.run(stores.executions.prune("org_a", 3, NOW)) == 0
    assert stores.run(stores.executions.delete_scope({"_org": "org_a", "_ns": "ns_a"})) == 3
