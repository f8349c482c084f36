"""Changing buckets and objects through Mixpeek's SDK's typed API (PATCH and PUT): a bucket's name,
description, metadata and added schema fields; an object's key prefix and metadata, never its blobs.
Every answer parses into the SDK's models. (The high-level client has no methods for these.)"""

from __future__ import annotations

import mixpeek
import pytest
from mixpeek.exceptions import ApiException

from tests.sdk.conftest import TypedSdk

MINILM = {"feature_extractor_name": "minilm_text_extractor", "version": "v1"}


@pytest.fixture
def scoped(typed: TypedSdk) -> TypedSdk:
    typed.api(mixpeek.NamespacesApi).create_namespace(mixpeek.CreateNamespaceRequest(namespace_name="upd-ns", feature_extractors=[mixpeek.BaseFeatureExtractorModelInput(**MINILM)]))
    return typed.in_namespace("upd-ns")


def field(kind: str, **more) -> mixpeek.BucketSchemaFieldInput:
    return mixpeek.BucketSchemaFieldInput(type=kind, **more)


def test_bucket_patch_and_put(scoped: TypedSdk) -> None:
    buckets = scoped.api(mixpeek.BucketsApi)
    schema = {"content": field("text"), "title": field("string", required=True)}
    buckets.create_bucket(mixpeek.BucketCreateRequest(bucket_name="items", bucket_schema=mixpeek.BucketSchemaInput(properties=schema)))
    grown = mixpeek.BucketSchemaInput(properties={**schema, "price": field("number")})
    patched = buckets.patch_bucket("items", mixpeek.BucketPatchRequest(description="things", metadata={"team": "a"}, bucket_schema=grown))
    assert isinstance(patched, mixpeek.BucketResponse) and patched.description == "things" and patched.metadata == {"team": "a"}
    assert set(patched.bucket_schema.properties) == {"content", "title", "price"} and patched.object_count == 0
    renamed = buckets.update_bucket("items", mixpeek.BucketUpdateRequest(bucket_name="goods"))
    assert renamed.bucket_name == "goods" and renamed.description == "things"

    # A schema only grows: a field removed, a field changed, a new required field: 400, each named.
    shrunk = mixpeek.BucketSchemaInput(properties={"content": field("string"), "price": field("number"), "sku": field("string", required=True)})
    with pytest.raises(ApiException) as caught:
        buckets.patch_bucket("goods", mixpeek.BucketPatchRequest(bucket_schema=shrunk, description="lost"))
    assert caught.value.status == 400
    for name in ("properties.title", "properties.content", "properties.sku.required"):
        assert f"bucket_schema.{name}" in caught.value.body
    assert buckets.get_bucket("goods").description == "things"  # nothing changed


def test_object_patch_and_put_change_metadata_and_key_prefix_never_blobs(scoped: TypedSdk) -> None:
    schema = mixpeek.BucketSchemaInput(properties={"content": field("text"), "title": field("string"), "stock": field("integer")})
    scoped.api(mixpeek.BucketsApi).create_bucket(mixpeek.BucketCreateRequest(bucket_name="notes", bucket_schema=schema))
    objects = scoped.api(mixpeek.BucketObjectsApi)
    blob = {"property": "content", "type": "text", "data": "hello"}
    created = objects.create_object_buckets("notes", mixpeek.CreateObjectRequest.from_dict({"key_prefix": "/a", "blobs": [blob], "title": "first", "stock": 3}))

    patched = objects.patch_object_buckets("notes", created.object_id, mixpeek.PatchObjectRequest.from_dict({"key_prefix": "/b", "title": "second"}))
    assert isinstance(patched, mixpeek.ObjectResponse) and patched.key_prefix == "/b"
    assert patched.additional_properties["metadata"] == {"title": "second", "stock": 3} and patched.blobs[0].var_property == "content"
    put = objects.update_object_buckets("notes", created.object_id, mixpeek.UpdateObjectRequest(metadata={"stock": None, "title": "third"}))
    assert put.additional_properties["metadata"] == {"title": "third"} and put.key_prefix == "/b"  # null removes a key

    with pytest.raises(ApiException) as caught:
        objects.patch_object_buckets("notes", created.object_id, mixpeek.PatchObjectRequest.from_dict({"stock": "many"}))
    assert caught.value.status == 400 and "metadata.stock" in caught.value.body
    with pytest.raises(ApiException) as caught:
        objects.patch_object_buckets("notes", created.object_id, mixpeek.PatchObjectRequest.from_dict({"blobs": [], "title": "x"}))
    assert caught.value.status == 422 and "cannot be changed" in caught.value.body
    assert objects.get_object_buckets("notes", created.object_id).additional_properties["metadata"] == {"title": "third"}
