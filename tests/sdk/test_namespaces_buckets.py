"""Namespaces, buckets and objects through Mixpeek's SDK: every answer parses into the SDK's models."""

from __future__ import annotations

import mixpeek
import pytest

MINILM = {"feature_extractor_name": "minilm_text_extractor", "version": "v1"}


def test_typed_namespace_bucket_and_object_flow(typed) -> None:
    namespaces = typed.api(mixpeek.NamespacesApi)
    created = namespaces.create_namespace(
        mixpeek.CreateNamespaceRequest(namespace_name="sdk-ns", feature_extractors=[mixpeek.BaseFeatureExtractorModelInput(**MINILM)])
    )  # the SDK sends mode="managed"
    assert created.mode == "managed"
    assert created.feature_extractors[0].feature_extractor_id == "minilm_text_extractor_v1"
    assert namespaces.get_namespace("sdk-ns").namespace_id == created.namespace_id
    assert [n.namespace_name for n in namespaces.list_namespaces(page_size=5).results] == ["sdk-ns"]
    assert namespaces.update_namespace("sdk-ns", mixpeek.UpdateNamespaceRequest(namespace_name="sdk-ns2")).namespace_name == "sdk-ns2"
    assert namespaces.patch_namespace("sdk-ns2", mixpeek.PatchNamespaceRequest(description="d")).description == "d"

    scoped = typed.in_namespace("sdk-ns2")
    buckets = scoped.api(mixpeek.BucketsApi)
    schema = mixpeek.BucketSchemaInput(properties={"content": mixpeek.BucketSchemaFieldInput(type="text")})
    bucket = buckets.create_bucket(mixpeek.BucketCreateRequest(bucket_name="notes", bucket_schema=schema))
    assert (bucket.object_count, bucket.total_size_bytes) == (0, 0)

    objects = scoped.api(mixpeek.BucketObjectsApi)
    blob = mixpeek.CreateBlobRequest(var_property="content", type="text", data=mixpeek.Data("hello"))
    first = objects.create_object_buckets("notes", mixpeek.CreateObjectRequest(blobs=[blob]))  # sends canonicalize_source, force_remirror
    batch = objects.create_objects_batch_buckets("notes", mixpeek.CreateObjectsBatchRequest(objects=[mixpeek.CreateObjectRequest(blobs=[blob])]))
    assert batch.succeeded_count == 1
    after = buckets.get_bucket("notes")
    assert (after.object_count, after.total_size_bytes) == (2, 10)
    listed = objects.list_objects_buckets("notes", page_size=1, list_objects_request=mixpeek.ListObjectsRequest())
    assert len(listed.results) == 1 and listed.pagination.page_size == 1 and listed.pagination.next_cursor
    assert objects.get_object_buckets("notes", first.object_id).object_id == first.object_id
    objects.delete_object_buckets("notes", first.object_id)
    assert [(b.object_count, b.total_size_bytes) for b in buckets.list_buckets().results] == [(1, 5)]
    buckets.delete_bucket("notes")
    namespaces.delete_namespace("sdk-ns2")


def test_standalone_namespaces_are_refused_naming_mode(typed) -> None:
    namespaces = typed.api(mixpeek.NamespacesApi)
    with pytest.raises(mixpeek.ApiException) as caught:
        namespaces.create_namespace(mixpeek.CreateNamespaceRequest(namespace_name="byo", mode="standalone", feature_extractors=[mixpeek.BaseFeatureExtractorModelInput(**MINILM)]))
    assert caught.value.status == 400 and "mode" in caught.value.body
    assert namespaces.list_namespaces().results == []


def test_high_level_client_namespaces_and_buckets(base_url, sdk_org, mp) -> None:
    created = mp.namespaces.create(name="hl-ns", feature_extractors=[MINILM])
    assert mp.namespaces.get("hl-ns")["feature_extractors"][0]["feature_extractor_id"] == "minilm_text_extractor_v1"
    scoped = mixpeek.Mixpeek(sdk_org.key, namespace=created["namespace_id"], base_url=f"{base_url}/v1")
    scoped.buckets.create(name="docs", bucket_schema={"properties": {"content": {"type": "text"}}})
    scoped.buckets.upload("docs", data="hello there")
    page = scoped.buckets.list_objects("docs", page_size=1)
    assert len(page["results"]) == 1 and page["pagination"]["page_size"] == 1
    assert scoped.buckets.get("docs")["object_count"] == 1
    assert [b["bucket_name"] for b in scoped.buckets.list()["results"]] == ["docs"]
    scoped.buckets.delete("docs")
    mp.namespaces.delete("hl-ns")


def test_object_list_selects_fields(typed) -> None:
    typed.api(mixpeek.NamespacesApi).create_namespace(mixpeek.CreateNamespaceRequest(namespace_name="sel-ns", feature_extractors=[mixpeek.BaseFeatureExtractorModelInput(**MINILM)]))
    scoped = typed.in_namespace("sel-ns")
    schema = mixpeek.BucketSchemaInput(properties={n: mixpeek.BucketSchemaFieldInput(type=t) for n, t in (("content", "text"), ("title", "string"), ("stock", "integer"))})
    scoped.api(mixpeek.BucketsApi).create_bucket(mixpeek.BucketCreateRequest(bucket_name="shelf", bucket_schema=schema))
    objects = scoped.api(mixpeek.BucketObjectsApi)
    body = {"key_prefix": "/a", "title": "lamp", "stock": 2, "blobs": [{"property": "content", "type": "text", "data": "a lamp"}]}
    created = objects.create_object_buckets("shelf", mixpeek.CreateObjectRequest.from_dict(body))
    listed = objects.list_objects_buckets("shelf", list_objects_request=mixpeek.ListObjectsRequest(select=["title", "key_prefix"]))
    (item,) = listed.results
    assert (item.object_id, item.bucket_id, item.key_prefix) == (created.object_id, created.bucket_id, "/a")
    assert item.additional_properties["metadata"] == {"title": "lamp"} and not item.blobs  # not selected: empty
    with pytest.raises(mixpeek.ApiException) as caught:
        objects.list_objects_buckets("shelf", list_objects_request=mixpeek.ListObjectsRequest(select=["metadata..x"]))
    assert caught.value.status == 400 and "query.select[0]" in caught.value.body
