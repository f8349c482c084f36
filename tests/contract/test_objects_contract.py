"""The contract of server.storage.repositories.Objects: objects by ID within their bucket, pages and
totals per bucket, and a bucket's objects deleted together."""

from __future__ import annotations

from typing import Any

from server.domain.ids import new_id
from server.domain.paging import PageParams
from tests.contract.conftest import Stores

SCOPE = {"_org": "org_a", "_ns": "ns_a"}


def obj(bucket: str, ms: int) -> dict[str, Any]:
    return {"_id": new_id("obj"), **SCOPE, "_bucket": bucket, "key_prefix": "/p", "created_at": f"2026-01-01T00:00:00.{ms:03d}Z"}


def test_objects_live_in_their_bucket(stores: Stores, recorded: list[tuple[str, dict[str, Any]]]) -> None:
    repo = stores.objects
    first, second, other = obj("bkt_1", 1), obj("bkt_1", 2), obj("bkt_2", 3)
    for doc in (first, second, other):
        stores.run(repo.insert(doc))
    in_bucket = {**SCOPE, "_bucket": "bkt_1"}
    found = stores.run(repo.get(in_bucket, first["_id"]))
    assert found is not None and found["_id"] == first["_id"]
    assert stores.run(repo.get(in_bucket, other["_id"])) is None
    everything = PageParams(limit=10, offset=0, after=None, include_total=True, sort_field="_created_ms", descending=False)
    page = stores.run(repo.page(in_bucket, None, everything))
    assert [d["_id"] for d in page.items] == [first["_id"], second["_id"]] and page.total == 2
    assert stores.run(repo.delete(in_bucket, other["_id"])) is False  # not in this bucket
    assert stores.run(repo.delete(in_bucket, first["_id"])) is True
    assert stores.run(repo.page(in_bucket, None, everything)).total == 1
    assert stores.run(repo.delete_bucket(SCOPE, "bkt_1")) == 1
    assert stores.run(repo.page(in_bucket, None, everything)).total == 0
    assert stores.run(repo.page({**SCOPE, "_bucket": "bkt_2"}, None, everything)).total == 1
    assert stores.full_scans(recorded) == {}


def test_objects_found_by_content_within_their_bucket(stores: Stores, recorded: list[tuple[str, dict[str, Any]]]) -> None:
    repo = stores.objects
    first, twin_elsewhere = {**obj("bkt_c", 1), "_content": "h1"}, {**obj("bkt_d", 2), "_content": "h1"}
    for doc in (first, twin_elsewhere, obj("bkt_c", 3)):
        stores.run(repo.insert(doc))
    found = stores.run(repo.find_by_content({**SCOPE, "_bucket": "bkt_c"}, "h1"))
    assert found is not None and found["_id"] == first["_id"]
    assert stores.run(repo.find_by_content({**SCOPE, "_bucket": "bkt_c"}, "h2")) is None
    assert stores.full_scans(recorded) == {}


def test_objects_read_in_id_order_a_chunk_at_a_time_by_an_index(stores: Stores, recorded: list[tuple[str, dict[str, Any]]]) -> None:
    """What processing reads (`in_order`): a bucket's objects after an ID, in ID order, served by an
    index (on nx-27017 a range on `_id` would load and check every object in Python)."""
    repo = stores.objects
    mine = [{**obj("bkt_o", i), "key_prefix": "/a" if i % 2 else "/b"} for i in range(7)]
    elsewhere = obj("bkt_p", 9)
    for doc in [*mine, elsewhere]:
        stores.run(repo.insert({**doc, "object_id": doc["_id"]}))
    ids = sorted(d["_id"] for d in mine)
    seen, after = [], ""
    while True:
        found, last = stores.run(repo.in_order(SCOPE, ["bkt_o"], prefix="", object_ids=[], where=None, after=after, limit=3))
        if last is None:
            break
        seen += [d["_id"] for d in found]
        after = last
    assert seen == ids
    found, last = stores.run(repo.in_order(SCOPE, ["bkt_o"], prefix="", object_ids=[ids[5], ids[1], ids[0]], where=None, after=ids[0], limit=3))
    assert [d["_id"] for d in found] == [ids[1], ids[5]] and last == ids[5]
    found, _ = stores.run(repo.in_order(SCOPE, ["bkt_o"], prefix="/a", object_ids=[], where=None, after="", limit=10))
    assert [d["_id"] for d in found] == sorted(d["_id"] for d in mine if d["key_prefix"] == "/a")
    # a collection reading several buckets reads them as one sequence, in ID order
    found, _ = stores.run(repo.in_order(SCOPE, ["bkt_o", "bkt_p"], prefix="", object_ids=[], where=None, after="", limit=10))
    assert [d["_id"] for d in found] == sorted([*ids, elsewhere["_id"]])
    assert stores.full_scans(recorded) == {}
