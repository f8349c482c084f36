"""CreateCollection is atomic without transactions: a vector-store failure leaves no collection.
A server of its own, with the vector-store fault point armed."""

from __future__ import annotations

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
