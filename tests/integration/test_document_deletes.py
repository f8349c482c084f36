"""Deleting an object, a bucket or a collection takes the documents made from it along, down the
lineage (tier 2 documents of a deleted object go too), through gRPC and REST on the embedded
defaults. Documents are written by the writer processing uses."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from vecplane.v1 import bucket_pb2, collection_pb2
from vecplane.v1 import document_pb2 as pb

from server.domain import documents as d
from server.storage.documents import DocumentStore
from server.usecases.documents import DocumentWriter, Made
from tests.support import resources as r
from tests.support.api import Api
from tests.support.rest import Rest
from tests.support.servers import InProcessServer


@dataclass
class Lineage:
    api: Api
    namespace_id: str
    bucket_id: str
    tier1: str
    tier2: str
    objects: list[str]
    other_bucket: str
    other_collection: str


def _count(api: Api, collection_id: str) -> int:
    return int(api.call(api.documents.CountDocuments, pb.CountDocumentsRequest(collection_id=collection_id)).count)


def _write(server: InProcessServer, namespace_id: str, collection_id: str, made: list[Made]) -> list[d.Document]:
    server.run(DocumentWriter(DocumentStore(server.app.backends.vectors)).write(namespace_id, collection_id, d.OutputHandling.CREATE_NEW, made))
    return [doc for item in made for doc in item.documents]


def _of_objects(namespace_id: str, collection_id: str, bucket_id: str, object_ids: list[str], vector: str, dims: int, chunks: int) -> list[Made]:
    made = []
    for object_id in object_ids:
        base = d.Lineage.of_object(bucket_id, object_id)
        outputs = [d.Output(i, {"text": f"{object_id} {i}"}, {vector: [1.0] * dims}) for i in range(chunks)]
        made.append(Made(base.source, d.make_documents(namespace_id=namespace_id, collection_id=collection_id, feature_extractor_id="text_extractor_v1", base=base, outputs=outputs, now="2026-12-01T00:00:00Z")))
    return made


def _of_documents(namespace_id: str, collection_id: str, parents: list[d.Document], vector: str, dims: int) -> list[Made]:
    made = []
    for parent in parents:
        base = d.Lineage.of_object("", "").of_child(parent)
        outputs = [d.Output(0, {"text": f"from {parent.document_id}"}, {vector: [0.5] * dims})]
        made.append(Made(base.source, d.make_documents(namespace_id=namespace_id, collection_id=collection_id, feature_extractor_id="text_extractor_v1", base=base, outputs=outputs, now="2026-12-01T00:00:00Z")))
    return made


@pytest.fixture
def lineage(api: Api, server: InProcessServer) -> Lineage:
    ns = r.namespace(api, extractors=[r.TEXT])
    ns_api = api.in_namespace(ns.namespace_id)
    bucket = r.bucket(ns_api)
    objects = [r.product(ns_api, bucket.bucket_id, f"item-{i}").object_id for i in range(3)]
    tier1 = r.collection(ns_api, r.text_collection_body({"type": "bucket", "bucket_id": bucket.bucket_id})).collection_id
    tier2 = r.collection(ns_api, r.text_collection_body({"type": "collection", "collection_id": tier1})).collection_id
    other_bucket = r.bucket(ns_api)
    other_objects = [r.product(ns_api, other_bucket.bucket_id, "other").object_id]
    other_collection = r.collection(ns_api, r.text_collection_body({"type": "bucket", "bucket_id": other_bucket.bucket_id})).collection_id
    (spec,) = server.run(server.app.backends.vectors.vector_schema(ns.namespace_id)).values()
    parents = _write(server, ns.namespace_id, tier1, _of_objects(ns.namespace_id, tier1, bucket.bucket_id, objects, spec.name, spec.dimensions, chunks=2))
    _write(server, ns.namespace_id, tier2, _of_documents(ns.namespace_id, tier2, parents, spec.name, spec.dimensions))
    _write(server, ns.namespace_id, other_collection, _of_objects(ns.namespace_id, other_collection, other_bucket.bucket_id, other_objects, spec.name, spec.dimensions, chunks=2))
    found = Lineage(ns_api, ns.namespace_id, bucket.bucket_id, tier1, tier2, objects, other_bucket.bucket_id, other_collection)
    assert [_count(ns_api, c) for c in (tier1, tier2, other_collection)] == [6, 6, 2]
    return found


def test_deleting_an_object_deletes_its_documents_in_every_tier(lineage: Lineage, base_url: str) -> None:
    s = lineage
    s.api.call(s.api.buckets.DeleteObject, bucket_pb2.DeleteObjectRequest(bucket_id=s.bucket_id, object_id=s.objects[0]))
    assert [_count(s.api, c) for c in (s.tier1, s.tier2, s.other_collection)] == [4, 4, 2]
    rest = Rest(base_url, s.api.key, s.namespace_id)
    assert rest.delete(f"/v1/buckets/{s.bucket_id}/objects/{s.objects[1]}").status_code == 200
    assert [_count(s.api, c) for c in (s.tier1, s.tier2, s.other_collection)] == [2, 2, 2]
    left = s.api.call(s.api.documents.ListDocuments, pb.ListDocumentsRequest(collection_id=s.tier2, limit=10)).results
    assert {doc["_internal"]["lineage"]["root_object_id"] for doc in left} == {s.objects[2]}
    assert rest.delete(f"/v1/buckets/{s.bucket_id}/objects/{s.objects[1]}").status_code == 404  # gone already


def test_deleting_a_bucket_deletes_the_documents_of_its_objects(lineage: Lineage) -> None:
    s = lineage
    answer = s.api.call(s.api.buckets.DeleteBucket, bucket_pb2.DeleteBucketRequest(bucket_id=s.bucket_id, force=True))
    assert answer.objects_deleted == 3 and s.tier1 in answer.collections_disabled
    assert [_count(s.api, c) for c in (s.tier1, s.tier2, s.other_collection)] == [0, 0, 2]


def test_deleting_a_collection_deletes_the_documents_derived_from_it(lineage: Lineage) -> None:
    s = lineage
    answer = s.api.call(s.api.collections.DeleteCollection, collection_pb2.DeleteCollectionRequest(collection_id=s.tier1, force=True))
    assert answer.documents_deleted == 12 and list(answer.collections_disabled) == [s.tier2]
    assert _count(s.api, s.tier2) == 0 and _count(s.api, s.other_collection) == 2
    tier2 = s.api.call(s.api.collections.GetCollection, collection_pb2.GetCollectionRequest(collection_id=s.tier2)).collection
    assert not tier2.enabled
    objects = s.api.call(s.api.buckets.ListObjects, bucket_pb2.ListObjectsRequest(bucket_id=s.bucket_id, include_total=True))
    assert objects.total_count == 3  # objects stay: they are not made from the collection

