"""The contract of named resources (server.storage.repositories.Resources and ScopedContents), held
by the namespace, bucket and collection adapters alike: lookups by ID or name, unique names per
scope, updates that report a name clash, pages in millisecond order with cursors and counted totals,
and every query served by an index."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import pytest

from server.domain import clock, filters
from server.domain.ids import new_id
from server.domain.paging import PageParams, Position
from server.storage.errors import Conflict, DuplicateKey
from server.storage.repository import Repository
from tests.contract.conftest import Stores


@dataclass(frozen=True)
class Kind:
    attribute: str  # the Stores field holding the adapter
    prefix: str
    name_field: str
    namespaced: bool


KINDS = [
    Kind("namespaces", "ns", "namespace_name", namespaced=False),
    Kind("buckets", "bkt", "bucket_name", namespaced=True),
    Kind("collections", "col", "collection_name", namespaced=True),
]


@pytest.fixture(params=KINDS, ids=[k.attribute for k in KINDS])
def kind(request: pytest.FixtureRequest) -> Kind:
    return request.param


def scope_of(kind: Kind, org: str = "org_a", ns: str = "ns_a") -> dict[str, str]:
    return {"_org": org, "_ns": ns} if kind.namespaced else {"_org": org}


def document(kind: Kind, scope: dict[str, str], name: str, created_at: str | None = None, **fields: Any) -> dict[str, Any]:
    resource_id = new_id(kind.prefix)
    now = created_at or clock.now()
    return {"_id": resource_id, **scope, kind.name_field: name, "created_at": now, "updated_at": now, **fields}


def params(limit: int = 10, *, after: Position | None = None, total: bool = False, sort: str = "_created_ms", descending: bool = False, offset: int = 0) -> PageParams:
    return PageParams(limit=limit, offset=offset, after=after, include_total=total, sort_field=sort, descending=descending)


def repo(stores: Stores, kind: Kind) -> Repository:
    found = getattr(stores, kind.attribute)
    assert isinstance(found, Repository)
    return found


def found_id(stores: Stores, store: Repository, scope: dict[str, str], ident: str) -> str | None:
    found = stores.run(store.find(scope, ident))
    return found["_id"] if found else None


def test_found_by_id_or_name_and_only_in_its_scope(stores: Stores, kind: Kind) -> None:
    store, scope = repo(stores, kind), scope_of(kind)
    first = document(kind, scope, "first")
    stores.run(store.insert(first))
    # A name may have the shape of an ID: another resource's, or none's.
    shadow = document(kind, scope, first["_id"])
    odd = document(kind, scope, f"{kind.prefix}_ABCDEFGHIJ")
    for doc in (shadow, odd):
        stores.run(store.insert(doc))
    assert found_id(stores, store, scope, first["_id"]) == first["_id"]  # the ID wins
    assert found_id(stores, store, scope, shadow["_id"]) == shadow["_id"]
    assert found_id(stores, store, scope, "first") == first["_id"]
    assert found_id(stores, store, scope, odd[kind.name_field]) == odd["_id"]
    assert stores.run(store.find(scope, "missing")) is None
    other = scope_of(kind, org="org_b", ns="ns_b")
    assert stores.run(store.find(other, first["_id"])) is None and stores.run(store.find(other, "first")) is None
    assert stores.run(store.exists(scope, first["_id"])) and not stores.run(store.exists(other, first["_id"]))


def test_names_are_unique_per_scope(stores: Stores, kind: Kind) -> None:
    store, scope = repo(stores, kind), scope_of(kind)
    stores.run(store.insert(document(kind, scope, "taken")))
    with pytest.raises(DuplicateKey):
        stores.run(store.insert(document(kind, scope, "taken")))
    stores.run(store.insert(document(kind, scope_of(kind, org="org_b", ns="ns_b"), "taken")))


def test_update_returns_the_document_and_reports_a_name_clash(stores: Stores, kind: Kind) -> None:
    """nx-27017's findAndModify reports a unique-index violation as "no document" (portable.py, 3.)."""
    store, scope = repo(stores, kind), scope_of(kind)
    one, two = document(kind, scope, "one"), document(kind, scope, "two")
    stores.run(store.insert(one))
    stores.run(store.insert(two))
    updated = stores.run(store.update(scope, one["_id"], {"description": "new", "updated_at": clock.now()}))
    assert updated is not None and updated["description"] == "new" and updated[kind.name_field] == "one"
    with pytest.raises(DuplicateKey):
        stores.run(store.update(scope, one["_id"], {kind.name_field: "two"}))
    unchanged = stores.run(store.find(scope, one["_id"]))
    assert unchanged is not None and unchanged[kind.name_field] == "one"
    assert stores.run(store.update(scope, new_id(kind.prefix), {"description": "x"})) is None
    assert stores.run(store.update(scope_of(kind, org="org_b", ns="ns_b"), one["_id"], {"description": "x"})) is None


def test_pages_are_in_millisecond_order_with_cursors_through_ties_and_counted_totals(stores: Stores, kind: Kind) -> None:
    """Times within one second keep their order (nx-27017 compares dates to the second: portable.py,
    1.); cursor pages seek past ties; unfiltered totals are counters that follow inserts and deletes."""
    store, scope = repo(stores, kind), scope_of(kind)
    stamps = [f"2026-01-01T00:00:00.{ms:03d}Z" for ms in (5, 1, 9, 1, 3, 9, 9, 2, 1)]  # ties on 1 and 9
    docs = [document(kind, scope, f"item-{i}", created_at=stamp) for i, stamp in enumerate(stamps)]
    for doc in random.sample(docs, len(docs)):
        stores.run(store.insert(doc))
    stores.run(store.insert(document(kind, scope_of(kind, org="org_b", ns="ns_b"), "elsewhere")))
    for descending in (False, True):
        expected = [d["_id"] for d in sorted(docs, key=lambda d: (clock.to_millis(d["created_at"]), d["_id"]), reverse=descending)]
        first = stores.run(store.page(scope, None, params(len(docs), descending=descending)))
        assert [d["_id"] for d in first.items] == expected and first.next is None
        for limit in (1, 2, 4):
            seen: list[str] = []
            after = None
            while True:
                page = stores.run(store.page(scope, None, params(limit, after=after, descending=descending)))
                seen += [d["_id"] for d in page.items]
                if page.next is None:
                    break
                last = page.items[-1]
                after = Position(last["_created_ms"], last["_id"])
                assert page.next == after
            assert seen == expected
    assert stores.run(store.page(scope, None, params(2, total=True))).total == len(docs)
    ascending = sorted(docs, key=lambda d: (clock.to_millis(d["created_at"]), d["_id"]))
    assert stores.run(store.page(scope, None, params(2, offset=8))).items[0]["_id"] == ascending[8]["_id"]
    assert stores.run(store.delete(scope, docs[0]["_id"])) and not stores.run(store.delete(scope, docs[0]["_id"]))
    assert stores.run(store.page(scope, None, params(2, total=True))).total == len(docs) - 1
    assert stores.run(store.page(scope, filters.Condition(filters.simple_field(kind.name_field, "string"), "eq", "item-3", True), params(2, total=True))).total == 1


def test_every_query_is_served_by_an_index(stores: Stores, kind: Kind, recorded: list[tuple[str, dict[str, Any]]]) -> None:
    """nx-27017 needs hint indexes to use its indexes for scope equalities (portable.py, 5.) and scans
    `$or` (6.); the server's explain must show no full scan, on nx-27017 and on MongoDB alike."""
    store, scope = repo(stores, kind), scope_of(kind)
    docs = [document(kind, scope, f"item-{i}") for i in range(5)]
    for doc in docs:
        stores.run(store.insert(doc))
    for ident in (docs[0]["_id"], "item-1", f"{kind.prefix}_ABCDEFGHIJ"):
        stores.run(store.find(scope, ident))
    stores.run(store.exists(scope, docs[0]["_id"]))
    for sort in ("_created_ms", "_updated_ms", kind.name_field):
        for descending in (False, True):
            page = stores.run(store.page(scope, None, params(2, total=True, sort=sort, descending=descending)))
            last = page.items[-1]
            stores.run(store.page(scope, None, params(2, after=Position(last[sort], last["_id"]), sort=sort, descending=descending)))
    stores.run(store.update(scope, docs[1]["_id"], {"description": "x"}))
    stores.run(store.delete(scope, docs[2]["_id"]))
    assert stores.full_scans(recorded) == {}


@pytest.mark.parametrize("attribute", ["buckets", "collections", "objects"])
def test_scoped_contents_go_with_their_namespace(stores: Stores, attribute: str) -> None:
    store = getattr(stores, attribute)
    kept, gone, orphan = ({"_org": "org_a", "_ns": ns} for ns in ("ns_kept", "ns_gone", "ns_orphan"))
    for index, scope in enumerate((kept, gone, gone, orphan)):
        doc = {"_id": new_id("x"), **scope, "_bucket": "bkt_a", "bucket_name": f"b-{index}", "collection_name": f"c-{index}", "created_at": clock.now()}
        stores.run(store.insert(doc))
    assert stores.run(store.delete_scope(gone)) == 2
    assert stores.run(stores.counters.collection.count_documents({"_ns": "ns_gone"})) == 0
    assert stores.run(store.delete_outside(["ns_kept"])) == 1
    assert stores.run(store.collection.count_documents({})) == 1


def test_namespace_revisions_condition_updates(stores: Stores) -> None:
    repo, scope = stores.namespaces, {"_org": "org_a"}
    doc = {"_id": new_id("ns"), **scope, "namespace_name": "n", "created_at": clock.now()}
    stores.run(repo.insert(doc))
    first = stores.run(repo.update_at_revision(scope, doc, {"description": "one"}))  # no revision yet
    assert first is not None and first["_rev"] == 1 and first["description"] == "one"
    with pytest.raises(Conflict):
        stores.run(repo.update_at_revision(scope, doc, {"description": "stale"}))
    bumped = stores.run(repo.bump_revision(scope, doc["_id"]))
    assert bumped is not None and bumped["_rev"] == 2 and bumped["description"] == "one"
    assert stores.run(repo.update_at_revision(scope, bumped, {"description": "two"}))["_rev"] == 3  # type: ignore[index]
    stores.run(repo.insert({**doc, "_id": new_id("ns"), "namespace_name": "taken"}))
    with pytest.raises(DuplicateKey):
        stores.run(repo.update_at_revision(scope, {**bumped, "_rev": 3}, {"namespace_name": "taken"}))
    assert stores.run(repo.bump_revision(scope, new_id("ns"))) is None
