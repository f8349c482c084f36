"""Documents imported through Mixpeek's SDK (`create_document`: fields and precomputed vectors, as a
team leaving Mixpeek brings its exported documents): read back as made, and found by a retriever
searching with the same vector (the write invalidates the retriever's cached answer)."""

from __future__ import annotations

from typing import Any

import mixpeek
import pytest

from tests.sdk.conftest import TypedSdk
from tests.support import resources as r
from tests.support.processing import namespace_rest, setup_bucket, text_collection

VECTOR = "all_minilm_l6_v2"  # MiniLM's, 384-d
URI = f"mixpeek://minilm_text_extractor@v1/{VECTOR}"


def unit(position: int) -> list[float]:
    vector = [0.0] * 384
    vector[position] = 1.0
    return vector


def test_create_get_and_search_through_the_typed_api(typed: TypedSdk, base_url: str, sdk_org: Any) -> None:
    rest = namespace_rest(base_url, sdk_org.key)
    bucket_id, _ = setup_bucket(rest, [])
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    sdk = typed.in_namespace(rest.client.headers["x-namespace"])
    documents = sdk.api(mixpeek.CollectionDocumentsApi)
    retrievers = sdk.api(mixpeek.RetrieversApi)
    stage = {"stage_name": "search", "config": {"stage_id": "feature_search", "parameters": {"searches": [{"feature_uri": URI, "query": {"input_mode": "vector", "value": unit(7)}}], "final_top_k": 5}}}
    retriever_id = retrievers.create_retriever(mixpeek.CreateRetrieverRequest(retriever_name=r.unique("ret"), collection_identifiers=[collection_id], stages=[mixpeek.StageConfigInput.from_dict(stage)])).retriever_id
    assert retrievers.execute_retriever(retriever_id, mixpeek.ExecuteRetrieverRequest(inputs={})).documents == []  # cached: nothing yet
    assert rest.get(f"/v1/collections/{collection_id}").json()["document_count"] == 0  # counted and kept

    made = documents.create_document(collection_id, mixpeek.DocumentCreateRequest(
        collection_id=collection_id, metadata={"title": "Exported", "rank": 3}, vectors={VECTOR: unit(7)},
        root_object_id="obj_exported01", root_bucket_id="bkt_exported01", source_object_id="obj_exported02",
    ))
    assert isinstance(made, mixpeek.DocumentResponse) and made.collection_id == collection_id and made.document_id.startswith("doc_")
    other = documents.create_document(collection_id, mixpeek.DocumentCreateRequest(metadata={"title": "Other"}, vectors={URI: unit(8)}))
    got = documents.get_document(collection_id, made.document_id, return_vectors=True).to_dict()
    assert (got["title"], got["rank"], got["root_object_id"], got["source_object_id"]) == ("Exported", 3, "obj_exported01", "obj_exported02")
    assert got["_internal"]["lineage"]["root_bucket_id"] == "bkt_exported01" and got["_vectors"][VECTOR] == pytest.approx(unit(7))
    assert {k: v for k, v in got.items() if k != "_vectors"} == made.to_dict()
    assert documents.count_documents(collection_id).count == 2
    assert rest.get(f"/v1/collections/{collection_id}").json()["document_count"] == 2

    found = retrievers.execute_retriever(retriever_id, mixpeek.ExecuteRetrieverRequest(inputs={}))
    assert not found.cache_hit and [d["document_id"] for d in found.documents][:2] == [made.document_id, other.document_id]

    with pytest.raises(mixpeek.ApiException) as refused:
        documents.create_document(collection_id, mixpeek.DocumentCreateRequest(vectors={VECTOR: [0.5] * 383}))
    assert refused.value.status == 400 and f"vectors.{VECTOR}" in str(refused.value.body)
    with pytest.raises(mixpeek.ApiException) as refused:
        documents.create_document(collection_id, mixpeek.DocumentCreateRequest(content_hash="abc"))
    assert refused.value.status == 422 and "content_hash" in str(refused.value.body)
    assert documents.count_documents(collection_id).count == 2
