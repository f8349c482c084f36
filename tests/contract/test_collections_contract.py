"""The contract of server.storage.repositories.Collections beyond named resources: compare-and-swap
updates that keep booleans booleans, and the lookups by source and by extractor."""

from __future__ import annotations

from typing import Any

from server.domain import clock
from server.domain.ids import new_id
from tests.contract.conftest import Stores

SCOPE = {"_org": "org_a", "_ns": "ns_a"}


def collection(name: str, **fields: Any) -> dict[str, Any]:
    return {"_id": new_id("col"), **SCOPE, "collection_name": name, "enabled": True, "_rev": 0, "_extractors": [], "created_at": clock.now(), **fields}


def test_modify_keeps_booleans_filterable_and_retries_on_a_concurrent_change(stores: Stores) -> None:
    """nx-27017 stores a boolean written with `$set` as 0 or 1 (portable.py, 4.)."""
    repo = stores.collections
    doc = collection("c")
    stores.run(repo.insert(doc))
    stale = dict(doc)
    updated = stores.run(repo.modify(SCOPE, doc, lambda current: {"description": "first"}))
    assert updated is not None and updated["_rev"] == 1
    # A change from a stale read is applied on the current document, not over it.
    seen: list[int] = []

    def disable(current: dict[str, Any]) -> dict[str, Any]:
        seen.append(current["_rev"])
        return {"enabled": False}

    written = stores.run(repo.modify(SCOPE, stale, disable))
    assert written is not None and seen == [0, 1] and written["description"] == "first" and written["_rev"] == 2
    stored = stores.run(repo.collection.find_one({"_id": doc["_id"]}))
    assert stored is not None and stored["enabled"] is False
    assert stores.run(repo.collection.count_documents({**SCOPE, "enabled": False})) == 1
    assert stores.run(repo.collection.count_documents({**SCOPE, "enabled": True})) == 0
    stores.run(repo.delete(SCOPE, doc["_id"]))
    assert stores.run(repo.modify(SCOPE, written, disable)) is None


def test_readers_extractor_users_and_mark_failed(stores: Stores) -> None:
    repo = stores.collections
    on_bucket = collection("a", source={"type": "bucket", "bucket_id": "bkt_1"}, _extractors=["text_extractor_v1"])
    on_collection = collection("b", source={"type": "collection", "collection_id": on_bucket["_id"]}, _extractors=["image_extractor_v1"])
    on_buckets = collection("c", source={"type": "bucket", "bucket_id": "bkt_2", "bucket_ids": ["bkt_2", "bkt_1"]})
    for doc in (on_bucket, on_collection, on_buckets):
        stores.run(repo.insert(doc))
    assert sorted(c["_id"] for c in stores.run(repo.reading(SCOPE, "bucket", "bkt_1"))) == sorted([on_bucket["_id"], on_buckets["_id"]])
    assert [c["_id"] for c in stores.run(repo.reading(SCOPE, "bucket", "bkt_2"))] == [on_buckets["_id"]]
    assert [c["_id"] for c in stores.run(repo.reading(SCOPE, "collection", on_bucket["_id"]))] == [on_collection["_id"]]
    assert stores.run(repo.reading({**SCOPE, "_ns": "ns_other"}, "bucket", "bkt_1")) == []
    users = stores.run(repo.using_extractors(SCOPE, ["image_extractor_v1", "other_v1"]))
    assert [(c["_id"], c["_extractors"]) for c in users] == [(on_collection["_id"], ["image_extractor_v1"])]
    assert len(stores.run(repo.all_in(SCOPE))) == 3
    marked = stores.run(repo.mark_failed(SCOPE, [on_collection["_id"], new_id("col")], "source deleted", clock.now()))
    assert marked == [on_collection["_id"]]
    failed = stores.run(repo.find(SCOPE, on_collection["_id"]))
    assert failed is not None and failed["enabled"] is False and failed["status"] == "FAILED" and failed["status_message"] == "source deleted"
