"""BucketService (buckets and objects) through a real channel, on the embedded backends."""

from __future__ import annotations

import concurrent.futures

import grpc
import pytest
from vecplane.v1 import bucket_pb2, namespace_pb2

from server.protojson import dict_to_message
from tests.conftest import new_org_api
from tests.support import resources as r
from tests.support.api import expect_error


@pytest.fixture
def ns_api(api):
    """A client in a fresh namespace (x-namespace = its ID)."""
    created = r.namespace(api)
    return api.in_namespace(created.namespace_id)


def list_buckets(api, **fields):
    return api.call(api.buckets.ListBuckets, dict_to_message(fields, bucket_pb2.ListBucketsRequest))


def list_objects(api, **fields):
    return api.call(api.buckets.ListObjects, dict_to_message(fields, bucket_pb2.ListObjectsRequest))


def create_object(api, body):
    return api.call(api.buckets.CreateObject, dict_to_message(body, bucket_pb2.CreateObjectRequest)).object


# Buckets ------------------------------------------------------------------------------------------


def test_create_get_by_id_and_name(ns_api):
    created = r.bucket(ns_api, name="products", description="catalogue", metadata={"team": "search"})
    assert created.bucket_id.startswith("bkt_") and len(created.bucket_id) == 14
    assert created.namespace_id == ns_api.namespace
    assert r.as_json(created.bucket_schema) == r.PRODUCT_SCHEMA
    for ident in (created.bucket_id, "products"):
        found = ns_api.call(ns_api.buckets.GetBucket, bucket_pb2.GetBucketRequest(bucket_id=ident)).bucket
        assert found == created


def test_namespace_header_by_name_works_and_is_required(api):
    ns = r.namespace(api, name="by-name")
    by_name = api.in_namespace("by-name")
    created = r.bucket(by_name, name="bb1")
    assert created.namespace_id == ns.namespace_id
    error = expect_error(api.call, api.buckets.GetBucket, bucket_pb2.GetBucketRequest(bucket_id="bb1"))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT and "x-namespace" in error.violations
    unknown = api.in_namespace("no-such-namespace")
    error = expect_error(unknown.call, unknown.buckets.GetBucket, bucket_pb2.GetBucketRequest(bucket_id="bb1"))
    assert error.code == grpc.StatusCode.NOT_FOUND and error.reason == "NAMESPACE_NOT_FOUND"


def test_every_schema_problem_is_a_violation_at_its_path(ns_api):
    schema = {
        "properties": {
            "image": {"type": "image"},
            "metadata": {
                "type": "object",
                "properties": {
                    "title": {"type": "FIELD_TYPE_UNSPECIFIED"},
                    "rating": {"type": "integer", "enum": [1, "two"], "default": 1.5},
                    "tags": {"type": "string", "items": {"type": "string"}},
                    "dims": {"type": "number", "properties": {"w": {"type": "number"}}},
                    "list": {"type": "array", "items": {"type": "boolean", "default": "yes"}},
                    "thumb": {"type": "image"},
                    "bad name": {"type": "string"},
                    "when": {"type": "date", "examples": ["2026-13-45"]},
                },
            },
            "other": {"type": "string", "required": True, "enum": ["a", "b"], "default": "c"},
        }
    }
    request = dict_to_message({"bucket_name": "bad-schema", "bucket_schema": schema}, bucket_pb2.CreateBucketRequest)
    error = expect_error(ns_api.call, ns_api.buckets.CreateBucket, request)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    base = "bucket_schema.properties.metadata.properties"
    assert set(error.violations) == {
        f"{base}.title.type",
        f"{base}.rating.enum[1]",
        f"{base}.rating.default",
        f"{base}.tags.items",
        f"{base}.dims.properties",
        f"{base}.list.items.default",
        f"{base}.thumb.type",
        f"{base}.bad name",
        f"{base}.when.examples[0]",
        "bucket_schema.properties.other.default",
    }
    assert "is required" in error.violations[f"{base}.title.type"]
    assert "only allowed when type is array" in error.violations[f"{base}.tags.items"]
    assert "only allowed on top-level fields" in error.violations[f"{base}.thumb.type"]
    assert "must be one of 'a', 'b'" in error.violations["bucket_schema.properties.other.default"]
    assert not list_buckets(ns_api).results


def test_metadata_field_must_be_an_object(ns_api):
    request = dict_to_message({"bucket_name": "meta", "bucket_schema": {"properties": {"metadata": {"type": "string"}}}}, bucket_pb2.CreateBucketRequest)
    error = expect_error(ns_api.call, ns_api.buckets.CreateBucket, request)
    assert "must be of type object" in error.violations["bucket_schema.properties.metadata.type"]


def test_duplicate_names_are_already_exists_even_when_concurrent(ns_api):
    r.bucket(ns_api, name="dup")
    assert expect_error(r.bucket, ns_api, name="dup").code == grpc.StatusCode.ALREADY_EXISTS

    def attempt(_):
        try:
            return r.bucket(ns_api, name="race").bucket_id
        except grpc.RpcError as error:
            return error.code()

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(attempt, range(6)))
    assert len([o for o in outcomes if isinstance(o, str)]) == 1
    assert outcomes.count(grpc.StatusCode.ALREADY_EXISTS) == 5


def test_same_bucket_name_in_two_namespaces(api):
    first = api.in_namespace(r.namespace(api).namespace_id)
    second = api.in_namespace(r.namespace(api).namespace_id)
    assert r.bucket(first, name="shared").bucket_id != r.bucket(second, name="shared").bucket_id


def test_list_buckets_paginates_by_offset_and_cursor_and_filters(ns_api):
    names = [f"bucket-{i:02d}" for i in range(7)]
    for index, name in enumerate(names):
        r.bucket(ns_api, name=name, metadata={"rank": index, "team": "a" if index % 2 else "b"})
    first = list_buckets(ns_api, limit=3, include_total=True)
    assert [b.bucket_name for b in first.results] == names[:3]
    assert first.total_count == 7 and first.pagination.total_pages == 3 and first.pagination.next_page == "?limit=3&offset=3"
    second = list_buckets(ns_api, limit=3, offset=3)
    assert [b.bucket_name for b in second.results] == names[3:6]
    assert second.pagination.previous_page == "?limit=3&offset=0"
    seen, cursor = [], ""
    while True:
        page = list_buckets(ns_api, limit=3, cursor=cursor)
        seen += [b.bucket_name for b in page.results]
        if not page.pagination.HasField("next_cursor"):
            break
        cursor = page.pagination.next_cursor
    assert seen == names
    filtered = list_buckets(ns_api, query={"filters": {"AND": [{"field": "metadata.team", "value": "A"}, {"field": "metadata.rank", "operator": "gte", "value": 3}]}})
    assert [b.bucket_name for b in filtered.results] == ["bucket-03", "bucket-05"]
    newest = list_buckets(ns_api, limit=2, query={"sort": {"field": "bucket_name", "direction": "desc"}})
    assert [b.bucket_name for b in newest.results] == ["bucket-06", "bucket-05"]


def test_list_filters_are_validated(ns_api):
    request = dict_to_message({"query": {"filters": {"AND": [{"field": "colour", "value": "red"}, {"field": "bucket_name", "operator": "in", "value": "x"}]}}, "limit": 5000}, bucket_pb2.ListBucketsRequest)
    error = expect_error(ns_api.call, ns_api.buckets.ListBuckets, request)
    assert set(error.violations) == {"limit", "query.filters.AND[0].field", "query.filters.AND[1].value"}
    assert "'colour' is not a field of a bucket" in error.violations["query.filters.AND[0].field"]


def test_list_filters_on_timestamps_are_to_the_millisecond(ns_api):
    made = [r.bucket(ns_api, name=f"t-{i}") for i in range(3)]
    after = r.as_json(made[0])["created_at"]
    found = list_buckets(ns_api, query={"filters": {"field": "created_at", "operator": "gt", "value": after}})
    assert [b.bucket_name for b in found.results] == ["t-1", "t-2"]


# Objects ------------------------------------------------------------------------------------------


def test_objects_round_trip_with_defaults_filled(ns_api):
    schema = {"properties": {"image": {"type": "image"}, "category": {"type": "string", "default": "misc"}, "metadata": {"type": "object", "properties": {"title": {"type": "string"}, "stock": {"type": "integer", "default": 0}}}}}
    bucket = r.bucket(ns_api, schema=schema, name="with-defaults")
    created = create_object(ns_api, {"bucket_id": "with-defaults", "key_prefix": "/a", "metadata": {"title": "x"}, "blobs": [{"property": "image", "type": "image", "data": "https://b.example/x.png"}]})
    assert created.object_id.startswith("obj_") and created.bucket_id == bucket.bucket_id
    assert r.as_json(created.metadata) == {"title": "x", "stock": 0, "category": "misc"}
    found = ns_api.call(ns_api.buckets.GetObject, bucket_pb2.GetObjectRequest(bucket_id=bucket.bucket_id, object_id=created.object_id)).object
    assert found == created


def test_a_bad_object_is_rejected_whole_with_every_violation(ns_api):
    bucket = r.bucket(ns_api, name="strict")
    body = {
        "bucket_id": "strict",
        "key_prefix": "bad prefix!",
        "metadata": {"price": "cheap", "tags": ["a", 2], "released": "someday", "brand": {"name": 7}, "image": "https://x"},
        "blobs": [
            {"property": "thumbnail", "type": "image", "data": "https://x/t.png"},
            {"property": "image", "type": "video", "data": ""},
            {"property": "image", "type": "image", "data": "https://x/dup.png"},
        ],
    }
    error = expect_error(create_object, ns_api, body)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(error.violations) == {
        "key_prefix",
        "metadata.title",
        "metadata.price",
        "metadata.tags[1]",
        "metadata.released",
        "metadata.brand.name",
        "metadata.image",
        "blobs[0].property",
        "blobs[1].type",
        "blobs[1].data",
        "blobs[2].property",
    }
    assert "is not a field of the bucket schema (file fields: image)" in error.violations["blobs[0].property"]
    assert "its blob must be of type image" in error.violations["blobs[1].type"]
    assert not list_objects(ns_api, bucket_id=bucket.bucket_id).results


def test_required_blob_missing_and_non_file_property_as_blob(ns_api):
    r.bucket(ns_api, name="needs-image")
    error = expect_error(create_object, ns_api, {"bucket_id": "needs-image", "metadata": {"metadata": 1, "title": "t"}, "blobs": []})
    assert "add a blob with property 'image'" in error.violations["blobs"]
    schema = {"properties": {"doc": {"type": "pdf"}, "title": {"type": "string"}}}
    r.bucket(ns_api, schema=schema, name="flat")
    error = expect_error(create_object, ns_api, {"bucket_id": "flat", "blobs": [{"property": "title", "type": "text", "data": "x"}]})
    assert "not a file type" in error.violations["blobs[0].property"]


def test_buckets_without_schema_take_any_object(ns_api):
    r.bucket(ns_api, schema=None, name="free")
    created = create_object(ns_api, {"bucket_id": "free", "metadata": {"anything": [1, {"goes": True}]}, "blobs": [{"property": "clip", "type": "video", "data": "https://v"}]})
    assert r.as_json(created.metadata) == {"anything": [1, {"goes": True}]}
    found = list_objects(ns_api, bucket_id="free", query={"filters": {"field": "anything.goes", "value": True}})
    assert [o.object_id for o in found.results] == [created.object_id]


def test_list_objects_by_prefix_filters_and_pages(ns_api):
    bucket = r.bucket(ns_api, name="catalogue")
    made = []
    for index in range(12):
        prefix = "/shoes/2026" if index % 3 == 0 else "/bags"
        made.append(r.product(ns_api, bucket.bucket_id, f"Item {index}", price=index * 10, key_prefix=prefix, tags=["sale"] if index % 2 else ["new"], released=f"2026-01-01T00:00:00.{index:03d}Z"))
    shoes = list_objects(ns_api, bucket_id="catalogue", key_prefix="/shoes", include_total=True)
    assert shoes.total_count == 4 and [o.object_id for o in shoes.results] == [made[i].object_id for i in (0, 3, 6, 9)]
    # More than one page, by offset and by cursor.
    pages, cursor = [], ""
    while True:
        page = list_objects(ns_api, bucket_id="catalogue", limit=5, cursor=cursor)
        pages.append([o.object_id for o in page.results])
        if not page.pagination.HasField("next_cursor"):
            break
        cursor = page.pagination.next_cursor
    assert [len(p) for p in pages] == [5, 5, 2] and [i for p in pages for i in p] == [o.object_id for o in made]
    third = list_objects(ns_api, bucket_id="catalogue", limit=5, offset=10)
    assert [o.object_id for o in third.results] == [made[10].object_id, made[11].object_id]
    # The LogicalOperator filters over the schema's field names (metadata.x or x alike).
    query = {"filters": {"AND": [{"field": "metadata.price", "operator": "gte", "value": 50}, {"field": "metadata.tags", "value": "SALE"}],
                         "NOT": [{"field": "metadata.title", "operator": "ends_with", "value": "9"}]}}
    found = list_objects(ns_api, bucket_id="catalogue", query=query)
    assert [o.metadata["title"] for o in found.results] == ["Item 5", "Item 7", "Item 11"]
    # Dates compare to the millisecond.
    late = list_objects(ns_api, bucket_id="catalogue", query={"filters": {"field": "metadata.released", "operator": "gt", "value": "2026-01-01T00:00:00.009Z"}})
    assert [o.metadata["title"] for o in late.results] == ["Item 10", "Item 11"]
    image = list_objects(ns_api, bucket_id="catalogue", query={"filters": {"field": "image", "operator": "contains", "value": "item 3"}})
    assert [o.metadata["title"] for o in image.results] == ["Item 3"]
    error = expect_error(ns_api.call, ns_api.buckets.ListObjects, dict_to_message({"bucket_id": "catalogue", "query": {"filters": {"field": "metadata.colour", "value": "red"}}}, bucket_pb2.ListObjectsRequest))
    assert "'metadata.colour' is not a field of the bucket's objects" in error.violations["query.filters.field"]


def test_delete_object_and_missing_objects(ns_api):
    bucket = r.bucket(ns_api, name="deletions")
    item = r.product(ns_api, bucket.bucket_id, "gone")
    deleted = ns_api.call(ns_api.buckets.DeleteObject, bucket_pb2.DeleteObjectRequest(bucket_id="deletions", object_id=item.object_id))
    assert deleted.object_id == item.object_id
    for call, request in (
        (ns_api.buckets.GetObject, bucket_pb2.GetObjectRequest(bucket_id="deletions", object_id=item.object_id)),
        (ns_api.buckets.DeleteObject, bucket_pb2.DeleteObjectRequest(bucket_id="deletions", object_id=item.object_id)),
    ):
        error = expect_error(ns_api.call, call, request)
        assert error.code == grpc.StatusCode.NOT_FOUND and error.reason == "OBJECT_NOT_FOUND"


def test_an_object_is_only_reachable_through_its_own_bucket(ns_api):
    first = r.bucket(ns_api, name="first")
    r.bucket(ns_api, name="second")
    item = r.product(ns_api, first.bucket_id, "mine")
    error = expect_error(ns_api.call, ns_api.buckets.GetObject, bucket_pb2.GetObjectRequest(bucket_id="second", object_id=item.object_id))
    assert error.code == grpc.StatusCode.NOT_FOUND


def test_delete_bucket_deletes_its_objects(ns_api, server):
    bucket = r.bucket(ns_api, name="doomed")
    for index in range(3):
        r.product(ns_api, bucket.bucket_id, f"p{index}")
    deleted = ns_api.call(ns_api.buckets.DeleteBucket, bucket_pb2.DeleteBucketRequest(bucket_id="doomed"))
    assert deleted.bucket_id == bucket.bucket_id and deleted.objects_deleted == 3 and not deleted.collections_disabled
    assert expect_error(ns_api.call, ns_api.buckets.GetBucket, bucket_pb2.GetBucketRequest(bucket_id="doomed")).code == grpc.StatusCode.NOT_FOUND
    left = server.run(server.app.backends.db["objects"].count_documents({"_bucket": bucket.bucket_id}))
    assert left == 0
    assert r.bucket(ns_api, name="doomed").bucket_id != bucket.bucket_id


@pytest.mark.slow  # a server process or a build; over 5 s
def test_organizations_cannot_see_each_others_buckets_or_objects(api, root):
    ns = r.namespace(api)
    mine = api.in_namespace(ns.namespace_id)
    bucket = r.bucket(mine, name="private")
    item = r.product(mine, bucket.bucket_id, "secret")
    other_org = new_org_api(root)
    r.namespace(other_org, name=ns.namespace_name)  # same namespace name, other organization
    for header in (ns.namespace_id, ns.namespace_name):
        other = other_org.in_namespace(header)
        for ident in (bucket.bucket_id, "private"):
            assert expect_error(other.call, other.buckets.GetBucket, bucket_pb2.GetBucketRequest(bucket_id=ident)).code == grpc.StatusCode.NOT_FOUND
            assert expect_error(other.call, other.buckets.GetObject, bucket_pb2.GetObjectRequest(bucket_id=ident, object_id=item.object_id)).code == grpc.StatusCode.NOT_FOUND
            assert expect_error(other.call, other.buckets.DeleteBucket, bucket_pb2.DeleteBucketRequest(bucket_id=ident, force=True)).code == grpc.StatusCode.NOT_FOUND
        assert expect_error(other.call, other.buckets.CreateObject, dict_to_message({"bucket_id": bucket.bucket_id}, bucket_pb2.CreateObjectRequest)).code == grpc.StatusCode.NOT_FOUND
    # Writing into another organization's namespace by its ID is refused, not created in a ghost scope.
    intruder = other_org.in_namespace(ns.namespace_id)
    error = expect_error(r.bucket, intruder, name="planted")
    assert error.code == grpc.StatusCode.NOT_FOUND and error.reason == "NAMESPACE_NOT_FOUND"
    assert [b.bucket_name for b in list_buckets(mine).results] == ["private"]


def test_deleting_a_namespace_deletes_its_buckets_and_objects(api, server):
    ns = r.namespace(api)
    scoped = api.in_namespace(ns.namespace_id)
    bucket = r.bucket(scoped)
    r.product(scoped, bucket.bucket_id, "x")
    api.call(api.namespaces.DeleteNamespace, namespace_pb2.DeleteNamespaceRequest(namespace_id=ns.namespace_id))
    db = server.app.backends.db
    assert server.run(db["buckets"].count_documents({"_ns": ns.namespace_id})) == 0
    assert server.run(db["objects"].count_documents({"_ns": ns.namespace_id})) == 0
    error = expect_error(scoped.call, scoped.buckets.GetBucket, bucket_pb2.GetBucketRequest(bucket_id=bucket.bucket_id))
    assert error.code == grpc.StatusCode.NOT_FOUND


# Updates ------------------------------------------------------------------------------------------


def update_object(api, body):
    return api.call(api.buckets.UpdateObject, dict_to_message(body, bucket_pb2.UpdateObjectRequest)).object


def test_update_bucket_renames_and_grows_the_schema_but_never_takes_a_taken_name(ns_api, api, root):
    first = r.bucket(ns_api, name="shelf-a", metadata={"team": "search"})
    r.bucket(ns_api, name="shelf-b")
    grown = {"properties": {**r.PRODUCT_SCHEMA["properties"], "manual": {"type": "pdf"}}}
    request = dict_to_message({"bucket_id": "shelf-a", "bucket_name": "shelf-c", "bucket_schema": grown, "update_mask": "bucket_name,bucket_schema"}, bucket_pb2.UpdateBucketRequest)
    updated = ns_api.call(ns_api.buckets.UpdateBucket, request).bucket
    assert (updated.bucket_id, updated.bucket_name, updated.metadata["team"]) == (first.bucket_id, "shelf-c", "search")
    assert set(updated.bucket_schema.properties) == {"image", "metadata", "manual"}
    taken = bucket_pb2.UpdateBucketRequest(bucket_id="shelf-c", bucket_name="shelf-b")
    assert expect_error(ns_api.call, ns_api.buckets.UpdateBucket, taken).code == grpc.StatusCode.ALREADY_EXISTS
    stranger = new_org_api(root).in_namespace(ns_api.namespace)
    assert expect_error(stranger.call, stranger.buckets.UpdateBucket, bucket_pb2.UpdateBucketRequest(bucket_id=first.bucket_id, description="x")).code == grpc.StatusCode.NOT_FOUND


def test_update_object_metadata_is_checked_and_filters_see_the_new_values(ns_api):
    bucket = r.bucket(ns_api)
    made = r.product(ns_api, bucket.bucket_id, "lamp", price=10.0, released="2025-01-01T00:00:00Z")
    changed = update_object(ns_api, {"bucket_id": bucket.bucket_id, "object_id": made.object_id, "metadata": {"released": "2026-06-01T12:00:00.250Z", "price": None}, "update_mask": "metadata"})
    assert dict(changed.metadata) == {"title": "lamp", "released": "2026-06-01T12:00:00.250Z"} and changed.blobs == made.blobs
    later = {"filters": {"AND": [{"field": "metadata.released", "operator": "gt", "value": "2026-06-01T12:00:00.100Z"}]}}
    assert [o.object_id for o in list_objects(ns_api, bucket_id=bucket.bucket_id, query=later).results] == [made.object_id]
    error = expect_error(ns_api.call, ns_api.buckets.UpdateObject, dict_to_message({"bucket_id": bucket.bucket_id, "object_id": made.object_id, "key_prefix": "no spaces", "metadata": {"title": None}}, bucket_pb2.UpdateObjectRequest))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT and set(error.violations) == {"key_prefix", "metadata.title"}
    missing = bucket_pb2.UpdateObjectRequest(bucket_id=bucket.bucket_id, object_id="obj_0000000000", key_prefix="/x")
    assert expect_error(ns_api.call, ns_api.buckets.UpdateObject, missing).code == grpc.StatusCode.NOT_FOUND


def test_only_the_object_list_selects_fields(ns_api):
    bucket = r.bucket(ns_api)
    made = r.product(ns_api, bucket.bucket_id, "lamp", price=10.0)
    (item,) = list_objects(ns_api, bucket_id=bucket.bucket_id, query={"select": ["metadata.price", "created_at"]}).results
    assert (item.object_id, dict(item.metadata), item.created_at, item.key_prefix, len(item.blobs)) == (made.object_id, {"price": 10.0}, made.created_at, "", 0)
    error = expect_error(ns_api.call, ns_api.buckets.ListBuckets, dict_to_message({"query": {"select": ["bucket_name"]}}, bucket_pb2.ListBucketsRequest))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT and list(error.violations) == ["query.select"]
    error = expect_error(ns_api.call, ns_api.buckets.ListObjects, dict_to_message({"bucket_id": bucket.bucket_id, "query": {"select": ["x"] * 101}}, bucket_pb2.ListObjectsRequest))
    assert list(error.violations) == ["query.select"]
