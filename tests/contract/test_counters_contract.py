"""Counters: a database written before counters existed is counted once, per scope, at the first
start; later starts keep the maintained totals."""

from __future__ import annotations

from server.domain import clock
from server.domain.ids import new_id
from server.domain.paging import PageParams
from tests.contract.conftest import Stores

TOTAL = PageParams(limit=1, offset=0, after=None, include_total=True, sort_field="_created_ms", descending=False)


def test_a_database_from_before_counters_is_counted_once(stores: Stores) -> None:
    # Written straight to MongoDB, as an older version did: no counters.
    for ns, n in (("ns_a", 3), ("ns_b", 1)):
        for _ in range(n):
            doc = {"_id": new_id("col"), "_org": "org_a", "_ns": ns, "collection_name": new_id("c"), "created_at": clock.now()}
            stores.run(stores.collections.collection.insert_one(doc))
    sources = [repo.counted() for repo in (stores.namespaces, stores.buckets, stores.objects, stores.collections)]
    assert stores.run(stores.counters.recount(sources)) is True
    scope = {"_org": "org_a", "_ns": "ns_a"}
    assert stores.run(stores.collections.page(scope, None, TOTAL)).total == 3
    assert stores.run(stores.collections.page({**scope, "_ns": "ns_b"}, None, TOTAL)).total == 1
    stores.run(stores.collections.insert({"_id": new_id("col"), **scope, "collection_name": "new", "created_at": clock.now()}))
    assert stores.run(stores.counters.recount(sources)) is False  # counted before: totals are kept
    assert stores.run(stores.collections.page(scope, None, TOTAL)).total == 4


def test_a_new_database_has_nothing_to_count(stores: Stores) -> None:
    """So a newcomer's first start does not log that it counted a database from before counters."""
    sources = [repo.counted() for repo in (stores.namespaces, stores.buckets, stores.objects, stores.collections)]
    assert stores.run(stores.counters.recount(sources)) is False
    assert stores.run(stores.objects.sum_bytes()) is False


def test_namespace_totals_sum_each_kind_of_counter_in_the_namespace(stores: Stores) -> None:
    scope = {"_org": "org_t", "_ns": "ns_t"}
    for name in ("b1", "b2"):
        stores.run(stores.buckets.insert({"_id": new_id("bkt"), **scope, "bucket_name": name, "created_at": clock.now()}))
    for bucket, n in (("bkt_one", 2), ("bkt_two", 1)):
        for _ in range(n):
            stores.run(stores.objects.insert({"_id": new_id("obj"), **scope, "_bucket": bucket, "object_id": new_id("o"), "blobs": [], "created_at": clock.now()}))
    stores.run(stores.collections.insert({"_id": new_id("col"), "_org": "org_t", "_ns": "ns_other", "collection_name": "c", "created_at": clock.now()}))
    totals = stores.run(stores.namespaces.contents_totals(["ns_t", "ns_other", "ns_none"]))
    assert (totals["ns_t"]["buckets"], totals["ns_t"]["objects"], totals["ns_t"]["collections"]) == (2, 3, 0)
    assert totals["ns_other"]["collections"] == 1 and totals["ns_none"] == {}
