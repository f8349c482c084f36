"""CreateCollection is atomic without transactions: a vector-store failure leaves no collection.
A server of its own, with the vector-store fault point armed."""

from __future__ import annotations

import concurrent.futures
import time

import grpc
import pytest
from vecplane.v1 import bucket_pb2, collection_pb2

from server.usecases.collections import VECTOR_STORE_FAULT
from tests.support import resources as r
from tests.support.api import Api, expect_error
from tests.support.servers import ADMIN_KEY, InProcessServer
from tests.support.servers import test_settings as settings_in


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    server = InProcessServer(settings_in(tmp_path_factory.mktemp("faulty"), faults=f"{VECTOR_STORE_FAULT}=fail")).start()
    with grpc.insecure_channel(server.target) as channel:
        yield server, Api(channel, ADMIN_KEY)
    server.stop()


@pytest.mark.slow  # a server process or a build; over 5 s
def test_a_vector_store_failure_leaves_no_collection_behind(faulty):
    server, api = faulty
    ns = r.namespace(api)
    scoped = api.in_namespace(ns.namespace_id)
    bucket = r.bucket(scoped, name="products")
    body = r.text_collection_body({"type": "bucket", "bucket_id": bucket.bucket_id}, name="never")
    error = expect_error(scoped.call, scoped.collections.CreateCollection, r.collection_request(body))
    assert error.code == grpc.StatusCode.INTERNAL and "reference" in error.message
    assert server.run(server.app.backends.db["collections"].count_documents({"_ns": ns.namespace_id})) == 0
    assert not scoped.call(scoped.collections.ListCollections, collection_pb2.ListCollectionsRequest()).results
    error = expect_error(scoped.call, scoped.collections.GetCollection, collection_pb2.GetCollectionRequest(collection_id="never"))
    assert error.code == grpc.StatusCode.NOT_FOUND
    # No collection reads the bucket: it is deletable without force.
    deleted = scoped.call(scoped.buckets.DeleteBucket, bucket_pb2.DeleteBucketRequest(bucket_id="products"))
    assert deleted.bucket_id == bucket.bucket_id and not deleted.collections_disabled


@pytest.fixture(scope="module")
def slow(tmp_path_factory):
    """A server that pauses CreateCollection between reading the source and inserting the collection."""
    server = InProcessServer(settings_in(tmp_path_factory.mktemp("slow"), faults=f"{VECTOR_STORE_FAULT}=sleep:1.5")).start()
    with grpc.insecure_channel(server.target) as channel:
        yield server, Api(channel, ADMIN_KEY)
    server.stop()


@pytest.mark.slow  # a server process or a build; over 5 s
def test_a_source_deleted_during_create_leaves_no_collection_reading_it(slow):
    server, api = slow
    ns = r.namespace(api)
    scoped = api.in_namespace(ns.namespace_id)
    bucket = r.bucket(scoped, name="racing")
    body = r.text_collection_body({"type": "bucket", "bucket_id": "racing"}, name="late")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        creating = pool.submit(expect_error, scoped.call, scoped.collections.CreateCollection, r.collection_request(body))
        time.sleep(0.5)  # the create has read the bucket and is paused before its insert
        deleted = scoped.call(scoped.buckets.DeleteBucket, bucket_pb2.DeleteBucketRequest(bucket_id="racing"))
        error = creating.result(30)
    assert deleted.bucket_id == bucket.bucket_id and not deleted.collections_disabled
    # Normally the create read the bucket first and finds it gone after its insert ("was deleted
    # while the collection was being created"); on a very slow machine it may not have read it yet.
    # Either way: NOT_FOUND, and no collection reads a deleted bucket.
    assert error.code == grpc.StatusCode.NOT_FOUND and error.reason == "BUCKET_NOT_FOUND"
    assert server.run(server.app.backends.db["collections"].count_documents({"_ns": ns.namespace_id})) == 0
