"""Flat at scale, through a real channel: every MongoDB query an RPC sends is served by an index
(the server's own `explain` says so), lookups go by ID or by name (never an `$or` of both), totals
come from maintained counters, and cursor pages walk through ties of the sort key."""

from __future__ import annotations

import pytest
from google.protobuf import field_mask_pb2
from vecplane.v1 import bucket_pb2, collection_pb2, namespace_pb2

from server.protojson import dict_to_message
from server.storage.counters import counter_id
from tests.support import resources as r
from tests.support.explain import as_finds, full_scans


def list_collections(api, **fields):
    return api.call(api.collections.ListCollections, dict_to_message(fields, collection_pb2.ListCollectionsRequest))


def list_objects(api, **fields):
    return api.call(api.buckets.ListObjects, dict_to_message(fields, bucket_pb2.ListObjectsRequest))


def get_collection(api, ident):
    return api.call(api.collections.GetCollection, collection_pb2.GetCollectionRequest(collection_id=ident)).collection


def walk(list_call, **fields) -> list[str]:
    """Every item's ID, following next_cursor to the end."""
    seen: list[str] = []
    cursor = ""
    while True:
        page = list_call(cursor=cursor, **fields)
        seen += [getattr(item, "object_id", "") or getattr(item, "collection_id", "") for item in page.results]
        if not page.pagination.HasField("next_cursor"):
            return seen
        cursor = page.pagination.next_cursor


@pytest.fixture
def recorded(server):
    """The MongoDB commands sent while the test runs (start-up sweeps excluded)."""
    counter = server.app.backends.counter
    counter.recording = []
    yield counter.recording
    counter.recording = None


def test_every_query_an_rpc_sends_is_served_by_an_index(api, server, recorded):
    ns = r.namespace(api)
    for ident in (ns.namespace_id, ns.namespace_name):
        api.call(api.namespaces.GetNamespace, namespace_pb2.GetNamespaceRequest(namespace_id=ident))
    api.call(api.namespaces.ListNamespaces, dict_to_message({"limit": 1, "include_total": True}, namespace_pb2.ListNamespacesRequest))
    for ident in (ns.namespace_id, ns.namespace_name):  # x-namespace by ID and by name
        scoped = api.in_namespace(ident)
        server.app.usecases.namespaces._ids.clear()
        bucket = r.bucket(scoped)
        objects = [r.product(scoped, bucket.bucket_id, f"item {i}").object_id for i in range(3)]
        for bucket_ident in (bucket.bucket_id, bucket.bucket_name):
            scoped.call(scoped.buckets.GetBucket, bucket_pb2.GetBucketRequest(bucket_id=bucket_ident))
            scoped.call(scoped.buckets.GetObject, bucket_pb2.GetObjectRequest(bucket_id=bucket_ident, object_id=objects[0]))
        walk(lambda scoped=scoped, bucket=bucket, **f: list_objects(scoped, bucket_id=bucket.bucket_id, limit=2, include_total=True, **f))
        created = [r.collection(scoped, r.text_collection_body({"type": "bucket", "bucket_id": bucket.bucket_name})) for _ in range(3)]
        for collection in created[:1]:
            for collection_ident in (collection.collection_id, collection.collection_name):
                get_collection(scoped, collection_ident)
        for sort in ("created_at", "updated_at", "collection_name"):
            walk(lambda scoped=scoped, sort=sort, **f: list_collections(scoped, limit=2, include_total=True, query={"sort": {"field": sort, "direction": "desc"}}, **f))
        mask = field_mask_pb2.FieldMask(paths=["description"])
        scoped.call(scoped.collections.UpdateCollection, collection_pb2.UpdateCollectionRequest(collection_id=created[0].collection_id, description="x", update_mask=mask))
        scoped.call(scoped.collections.DeleteCollection, collection_pb2.DeleteCollectionRequest(collection_id=created[1].collection_id))
        scoped.call(scoped.buckets.DeleteObject, bucket_pb2.DeleteObjectRequest(bucket_id=bucket.bucket_id, object_id=objects[1]))
        scoped.call(scoped.buckets.DeleteBucket, bucket_pb2.DeleteBucketRequest(bucket_id=bucket.bucket_id, force=True))
    api.call(api.namespaces.DeleteNamespace, namespace_pb2.DeleteNamespaceRequest(namespace_id=ns.namespace_id))

    db = server.app.backends.db
    finds = [find for name, command in list(recorded) if name == db.name for find in as_finds(command)]
    assert len(finds) > 40
    scans = {str(find): scan for find in finds if (scan := server.run(full_scans(db, find)))}
    assert scans == {}


def test_lookups_go_by_id_or_by_name_and_an_id_wins(api, server, recorded):
    ns = r.namespace(api)
    scoped = api.in_namespace(ns.namespace_id)
    r.bucket(scoped, name="products")
    source = {"type": "bucket", "bucket_id": "products"}
    first = r.collection(scoped, r.text_collection_body(source, name="first"))
    # A name may have the shape of an ID: of another collection, or of none.
    shadow = r.collection(scoped, r.text_collection_body(source, name=first.collection_id))
    odd = r.collection(scoped, r.text_collection_body(source, name="col_ABCDEFGHIJ"))
    recorded.clear()
    assert get_collection(scoped, first.collection_id) == first
    assert get_collection(scoped, "col_ABCDEFGHIJ") == odd
    assert get_collection(scoped, shadow.collection_id) == shadow
    assert get_collection(scoped, "first") == first
    lookups = [command["filter"] for _db, command in recorded if "find" in command and command["find"] == "collections"]
    assert lookups and not any("$or" in query for query in lookups)
    # ID-shaped: by ID only when it exists, then by name; any other value: by name only.
    assert [sorted(set(q) - {"_org", "_ns"}) for q in lookups] == [["_id"], ["_id"], ["collection_name"], ["_id"], ["collection_name"]]


def test_totals_are_counters_that_follow_every_write(api, server):
    ns = r.namespace(api)
    scoped = api.in_namespace(ns.namespace_id)
    bucket = r.bucket(scoped, name="products")
    source = {"type": "bucket", "bucket_id": "products"}
    created = [r.collection(scoped, r.text_collection_body(source, name=f"c-{i}")) for i in range(4)]
    objects = [r.product(scoped, bucket.bucket_id, f"item {i}") for i in range(3)]
    assert list_collections(scoped, include_total=True).total_count == 4
    scoped.call(scoped.collections.DeleteCollection, collection_pb2.DeleteCollectionRequest(collection_id=created[0].collection_id))
    assert list_collections(scoped, include_total=True, limit=1).total_count == 3
    # A search or a filter counts its matches.
    assert list_collections(scoped, include_total=True, query={"search": "c-3"}).total_count == 1
    scoped.call(scoped.buckets.DeleteObject, bucket_pb2.DeleteObjectRequest(bucket_id="products", object_id=objects[0].object_id))
    assert list_objects(scoped, bucket_id="products", include_total=True).total_count == 2

    counters = server.app.backends.db["counters"]
    by_id = counter_id("collections", ns.namespace_id)
    assert server.run(counters.find_one({"_id": by_id}))["n"] == 3
    api.call(api.namespaces.DeleteNamespace, namespace_pb2.DeleteNamespaceRequest(namespace_id=ns.namespace_id))
    assert server.run(counters.count_documents({"_ns": ns.namespace_id})) == 0


def test_cursor_pages_walk_through_ties_of_the_sort_key(api):
    """Objects sorted by key_prefix share a few values: the keyset cursor seeks to the value and skips
    what it already returned, in both directions, with pages smaller than a run of ties."""
    scoped = api.in_namespace(r.namespace(api).namespace_id)
    bucket = r.bucket(scoped)
    made = [(prefix, r.product(scoped, bucket.bucket_id, f"item {i}", key_prefix=prefix).object_id)
            for i, prefix in enumerate(["/b", "/a", "/b", "/b", "/a", "/c", "/b", "/b", "/b", "/a", "/b"])]
    for direction in ("asc", "desc"):
        expected = [object_id for _prefix, object_id in sorted(made, reverse=direction == "desc")]
        sort = {"sort": {"field": "key_prefix", "direction": direction}}
        for limit in (1, 2, 4):
            assert walk(lambda limit=limit, sort=sort, **f: list_objects(scoped, bucket_id=bucket.bucket_id, limit=limit, query=sort, **f)) == expected
