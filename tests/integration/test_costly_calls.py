"""Costly calls (aggregations, reconciliations, changes by filter) run a few at a time per
organization: one organization's queue of them waits its turn, or is refused, while another's go on."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import new_org_api
from tests.support.processing import namespace_rest, setup_bucket, text_collection
from tests.support.servers import InProcessServer


@pytest.mark.slow  # each call holds its slot 1.5 s
def test_an_organization_beyond_its_share_of_costly_calls_is_refused_while_another_goes_on(server: InProcessServer, root, base_url: str) -> None:
    reconciled = []
    for _ in range(2):
        rest = namespace_rest(base_url, new_org_api(root).key)
        bucket_id, _ = setup_bucket(rest, ["a note"])
        reconciled.append((rest, text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})))
    (first, first_collection), (second, second_collection) = reconciled
    costly, faults = server.app.costly, server.app.faults
    wait = costly.wait_seconds
    faults.arm("rpc.ReconcileCollection", "sleep:1.5")  # inside the slot: each call holds it that long
    costly.wait_seconds = 0.3
    try:
        with ThreadPoolExecutor(4) as pool:
            mine = [pool.submit(first.get, f"/v1/collections/{first_collection}/reconciliation") for _ in range(costly.per_organization + 1)]
            other = pool.submit(second.get, f"/v1/collections/{second_collection}/reconciliation")
            answers = sorted((f.result() for f in mine), key=lambda r: r.status_code)
    finally:
        faults.disarm("rpc.ReconcileCollection")
        costly.wait_seconds = wait
    assert [r.status_code for r in answers] == [200] * costly.per_organization + [429]
    refused = answers[-1].json()["error"]
    assert refused["details"]["reason"] == "TOO_MANY_COSTLY_CALLS" and "at most 2 at once per organization" in refused["message"]
    assert other.result().status_code == 200 and other.result().json()["source_object_count"] == 1
    # the slots are free again
    assert first.get(f"/v1/collections/{first_collection}/reconciliation").status_code == 200
