"""A namespace's extractors, its stats and PATCH (which appends extractors, as Mixpeek's does)
through Mixpeek's SDK's typed API; every answer parses into the SDK's models. (The high-level client
has no methods for these.)"""

from __future__ import annotations

from typing import Any

import mixpeek
import pytest
from mixpeek.exceptions import ApiException, NotFoundException

from tests.sdk.conftest import TypedSdk
from tests.support.processing import namespace_rest, setup_bucket, text_collection, wait_task

MINILM = {"feature_extractor_name": "minilm_text_extractor", "version": "v1"}
FINGERPRINT = {"feature_extractor_name": "image_fingerprint", "version": "v1"}
FASHION = {"feature_extractor_name": "fashionsiglip", "version": "v1"}


def test_patch_appends_extractors_and_the_namespace_lists_them(typed: TypedSdk) -> None:
    namespaces = typed.api(mixpeek.NamespacesApi)
    created = namespaces.create_namespace(mixpeek.CreateNamespaceRequest(namespace_name="ext-ns", feature_extractors=[mixpeek.BaseFeatureExtractorModelInput(**MINILM)]))
    patch = mixpeek.PatchNamespaceRequest(feature_extractors=[mixpeek.BaseFeatureExtractorModelInput(**e) for e in (MINILM, FINGERPRINT, FASHION)])
    patched = namespaces.patch_namespace("ext-ns", patch)
    ids = ["minilm_text_extractor_v1", "image_fingerprint_v1", "fashionsiglip_v1"]
    assert [e.feature_extractor_id for e in patched.feature_extractors] == ids  # MiniLM kept once
    again = namespaces.patch_namespace("ext-ns", mixpeek.PatchNamespaceRequest(description="same extractors", feature_extractors=[mixpeek.BaseFeatureExtractorModelInput(**MINILM)]))
    assert [e.feature_extractor_id for e in again.feature_extractors] == ids and again.description == "same extractors"

    extractors = typed.api(mixpeek.NamespaceExtractorsApi)
    listed = extractors.list_extractors_namespaces("ext-ns")
    assert isinstance(listed, mixpeek.UnifiedExtractorListResponse)
    assert [e.feature_extractor_id for e in listed.extractors] == ids and listed.namespace_id == created.namespace_id
    assert (listed.total, listed.builtin_count, listed.custom_count) == (3, 2, 1)
    assert [e.feature_extractor_id for e in extractors.list_extractors_namespaces(created.namespace_id, source="custom").extractors] == ["fashionsiglip_v1"]
    assert extractors.list_extractors_namespaces("ext-ns", source="builtin", include_disabled=True).total == 2
    with pytest.raises(ApiException) as caught:
        extractors.list_extractors_namespaces("ext-ns", source="community")
    assert caught.value.status == 400 and "source" in caught.value.body

    one = extractors.get_extractor_namespaces("ext-ns", "image_fingerprint_v1")
    assert isinstance(one, mixpeek.UnifiedExtractorResponse) and one.source == mixpeek.ExtractorSource.BUILTIN and one.icon == "fingerprint"
    with pytest.raises(NotFoundException):
        extractors.get_extractor_namespaces("ext-ns", "text_extractor_v1")  # in the catalogue, not enabled here
    with pytest.raises(NotFoundException):
        extractors.list_extractors_namespaces("no-such-ns")

    ensured = namespaces.ensure_namespace_indexes("ext-ns")  # the SDK takes any object
    assert ensured["namespace_id"] == created.namespace_id and ensured["created"] == [] and "document_id" in ensured["ensured"]
    with pytest.raises(ApiException) as caught:
        namespaces.ensure_namespace_indexes("ext-ns", force_rebuild=True)
    assert caught.value.status == 400 and "force_rebuild" in caught.value.body


def test_stats_count_buckets_collections_and_objects(base_url: str, sdk_org: Any, typed: TypedSdk) -> None:
    rest = namespace_rest(base_url, sdk_org.key)
    namespace_id = rest.client.headers["x-namespace"]
    bucket_id, _ = setup_bucket(rest, ["first text", "second text", "third text"])
    text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    namespaces = typed.api(mixpeek.NamespacesApi)
    stats = namespaces.get_namespace_stats(namespace_id)
    assert isinstance(stats, mixpeek.NamespaceStatsResponse)
    assert (stats.bucket_count, stats.collection_count, stats.object_count, stats.document_count, stats.document_count_complete) == (1, 1, 3, 0, True)
    other = namespaces.create_namespace(mixpeek.CreateNamespaceRequest(namespace_name="empty-ns", feature_extractors=[mixpeek.BaseFeatureExtractorModelInput(**MINILM)]))
    batch = namespaces.get_namespace_stats_batch(mixpeek.NamespaceStatsBatchRequest(namespace_ids=[namespace_id, other.namespace_id, "ns_0000000000"]))
    assert isinstance(batch, mixpeek.NamespaceStatsBatchResponse) and set(batch.stats) == {namespace_id, other.namespace_id}
    assert batch.stats[namespace_id].object_count == 3 and batch.stats[other.namespace_id].object_count == 0
    with pytest.raises(NotFoundException):
        namespaces.get_namespace_stats("ns_0000000000")


@pytest.mark.slow
def test_stats_count_the_documents_processing_wrote(base_url: str, sdk_org: Any, typed: TypedSdk) -> None:
    rest = namespace_rest(base_url, sdk_org.key)
    bucket_id, object_ids = setup_bucket(rest, ["first text", "second text", "third text"])
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    task = rest.post(f"/v1/collections/{collection_id}/trigger", json={"object_ids": object_ids[:2]}).json()
    assert wait_task(rest, task["task_id"])["status"] == "COMPLETED"
    stats = typed.api(mixpeek.NamespacesApi).get_namespace_stats(rest.client.headers["x-namespace"])
    assert (stats.document_count, stats.document_count_complete, stats.object_count) == (2, True, 3)
