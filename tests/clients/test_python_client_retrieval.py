"""The Python client's documents, tasks, batches and retrievers against the real server: objects
made through the client, processed by a collection trigger and by a batch (the real MiniLM model),
then found through a retriever; typed errors and iter_results over both kinds of list paging."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from google.protobuf import json_format, struct_pb2
from vecplane.client import InvalidArgumentError, NotFoundError, VecplaneClient, iter_results
from vecplane.v1 import (
    batch_pb2,
    bucket_pb2,
    collection_pb2,
    document_pb2,
    feature_extractor_pb2,
    namespace_pb2,
    retriever_pb2,
    schema_pb2,
    task_pb2,
)

from tests.conftest import new_org_api

MINILM = {"feature_extractor_name": "minilm_text_extractor", "version": "v1"}
URI = "mixpeek://minilm_text_extractor@v1/all_minilm_l6_v2"
TEXTS = [
    "Qdrant stores vectors and searches them.",
    "MongoDB stores the metadata of every resource.",
    "The marathon runner broke the course record.",
    "Simmer the tomato sauce slowly with garlic and basil.",
    "The telescope photographed a distant spiral galaxy.",
]
DONE = (task_pb2.PROCESSING_STATUS_COMPLETED, task_pb2.PROCESSING_STATUS_COMPLETED_WITH_ERRORS, task_pb2.PROCESSING_STATUS_FAILED)


@pytest.fixture
def client(server, root):
    with VecplaneClient(server.target, api_key=new_org_api(root).key) as opened:
        yield opened


def until(read: Callable[[], Any], done: Callable[[Any], bool], seconds: float = 120) -> Any:
    """Polls `read` until `done` holds for its answer, within a deadline."""
    deadline = time.monotonic() + seconds
    while True:
        answer = read()
        if done(answer):
            return answer
        assert time.monotonic() < deadline, f"not done within {seconds} s: {answer}"
        time.sleep(0.1)


def text_objects(bucket_id: str, texts: list[str]) -> bucket_pb2.CreateObjectsRequest:
    blob = lambda text: bucket_pb2.Blob(property="content", type=schema_pb2.FIELD_TYPE_TEXT, data=struct_pb2.Value(string_value=text))  # noqa: E731
    return bucket_pb2.CreateObjectsRequest(bucket_id=bucket_id, objects=[bucket_pb2.CreateObjectRequest(blobs=[blob(t)]) for t in texts])


def search(final_top_k: int = 3) -> dict[str, Any]:
    query = {"input_mode": "text", "value": "{{INPUT.query}}"}
    parameters = {"searches": [{"feature_uri": URI, "query": query}], "final_top_k": final_top_k}
    return {"stage_name": "search", "config": {"stage_id": "feature_search", "parameters": parameters}}


@pytest.fixture
def notes(client: VecplaneClient) -> tuple[VecplaneClient, str, str, list[str]]:
    """A namespace with a bucket of TEXTS, a MiniLM collection over it, and its documents made by a
    collection trigger: (the namespaced client, bucket ID, collection ID, object IDs)."""
    extractor = namespace_pb2.NamespaceFeatureExtractor(**MINILM)
    namespace = client.namespaces.CreateNamespace(namespace_pb2.CreateNamespaceRequest(namespace_name="notes", feature_extractors=[extractor])).namespace
    scoped = client.with_namespace(namespace.namespace_id)
    schema = schema_pb2.BucketSchema(properties={"content": schema_pb2.SchemaField(type=schema_pb2.FIELD_TYPE_TEXT)})
    bucket = scoped.buckets.CreateBucket(bucket_pb2.CreateBucketRequest(bucket_name="notes", bucket_schema=schema)).bucket
    objects = [o.object_id for o in scoped.buckets.CreateObjects(text_objects(bucket.bucket_id, TEXTS)).succeeded]
    collection = scoped.collections.CreateCollection(
        collection_pb2.CreateCollectionRequest(
            collection_name="notes-minilm",
            source=collection_pb2.SourceConfig(type=collection_pb2.SOURCE_TYPE_BUCKET, bucket_id=bucket.bucket_id),
            feature_extractors=[feature_extractor_pb2.FeatureExtractor(**MINILM, input_mapping={"text": "content"})],
        )
    ).collection
    triggered = scoped.tasks.TriggerCollection(task_pb2.TriggerCollectionRequest(collection_id=collection.collection_id))
    task = until(lambda: scoped.tasks.GetTask(task_pb2.GetTaskRequest(task_id=triggered.task_id)).task, lambda t: t.status in DONE)
    assert task.status == task_pb2.PROCESSING_STATUS_COMPLETED, task.error
    return scoped, bucket.bucket_id, collection.collection_id, objects


def test_documents_and_tasks(notes) -> None:
    scoped, _, collection_id, objects = notes
    pages: list[str] = []

    def listing(request: document_pb2.ListDocumentsRequest, **options: Any) -> document_pb2.ListDocumentsResponse:
        pages.append(request.cursor)
        return scoped.documents.ListDocuments(request, **options)

    documents = [json_format.MessageToDict(d) for d in iter_results(listing, document_pb2.ListDocumentsRequest(collection_id=collection_id, limit=2))]
    assert sorted(d["text"] for d in documents) == sorted(TEXTS) and len(pages) == 3  # cursor paging
    assert {d["source_object_id"] for d in documents} == set(objects)
    counted = scoped.documents.CountDocuments(document_pb2.CountDocumentsRequest(collection_id=collection_id))
    assert counted.count == len(TEXTS)
    one = scoped.documents.GetDocument(document_pb2.GetDocumentRequest(collection_id=collection_id, document_id=documents[0]["document_id"])).document
    assert json_format.MessageToDict(one)["text"] == documents[0]["text"]
    with pytest.raises(NotFoundError) as missing:
        scoped.tasks.GetTask(task_pb2.GetTaskRequest(task_id="tsk_nope"))
    assert missing.value.reason and missing.value.resource and missing.value.resource.resource_name == "tsk_nope"
    again = scoped.tasks.TriggerCollection(task_pb2.TriggerCollectionRequest(collection_id=collection_id))
    until(lambda: scoped.tasks.GetTask(task_pb2.GetTaskRequest(task_id=again.task_id)).task, lambda t: t.status in DONE)
    tasks = list(iter_results(scoped.tasks.ListTasks, task_pb2.ListTasksRequest(limit=1)))  # by cursor
    assert len(tasks) == 2 and all(t.status == task_pb2.PROCESSING_STATUS_COMPLETED for t in tasks)


def test_batches(notes) -> None:
    scoped, bucket_id, collection_id, objects = notes
    draft = scoped.batches.CreateBatch(batch_pb2.CreateBatchRequest(bucket_id=bucket_id, object_ids=objects[:2], batch_name="first")).batch
    assert draft.batch_id and draft.status == task_pb2.PROCESSING_STATUS_DRAFT
    added = scoped.batches.AddBatchObjects(batch_pb2.AddBatchObjectsRequest(bucket_id=bucket_id, batch_id=draft.batch_id, object_ids=objects[2:3])).batch
    assert list(added.object_ids) == objects[:3]
    submitted = scoped.batches.SubmitBatch(batch_pb2.SubmitBatchRequest(bucket_id=bucket_id, batch_id=draft.batch_id)).task
    assert submitted.task_id
    finished = until(lambda: scoped.batches.GetBatch(batch_pb2.GetBatchRequest(bucket_id=bucket_id, batch_id=draft.batch_id)).batch, lambda b: b.status in DONE)
    assert finished.status == task_pb2.PROCESSING_STATUS_COMPLETED and finished.progress.total == 3
    assert list(finished.collection_ids) == [collection_id]
    second = scoped.batches.CreateBatch(batch_pb2.CreateBatchRequest(bucket_id=bucket_id, object_ids=objects[3:], batch_name="second")).batch
    listed = list(iter_results(scoped.batches.ListBatches, batch_pb2.ListBatchesRequest(bucket_id=bucket_id, limit=1)))  # offset paging
    assert sorted(b.batch_id for b in listed) == sorted([draft.batch_id, second.batch_id])
    with pytest.raises(InvalidArgumentError) as empty:
        scoped.batches.CreateBatch(batch_pb2.CreateBatchRequest(bucket_id=bucket_id, object_ids=[]))
    assert empty.value.violations


def test_retrievers(notes) -> None:
    scoped, _, collection_id, _ = notes
    body = {"retriever_name": "notes-search", "collection_identifiers": ["notes-minilm"], "stages": [search()], "input_schema": {"query": {"type": "text", "required": True}}}
    made = scoped.retrievers.CreateRetriever(json_format.ParseDict(body, retriever_pb2.CreateRetrieverRequest())).retriever
    assert made.retriever_id.startswith("ret_") and list(made.collection_ids) == [collection_id] and made.version == 1
    assert scoped.retrievers.GetRetriever(retriever_pb2.GetRetrieverRequest(retriever_id="notes-search")).retriever.retriever_id == made.retriever_id
    assert [r.retriever_id for r in iter_results(scoped.retrievers.ListRetrievers, retriever_pb2.ListRetrieversRequest(limit=1))] == [made.retriever_id]
    updated = scoped.retrievers.UpdateRetriever(retriever_pb2.UpdateRetrieverRequest(retriever_id=made.retriever_id, description="notes")).retriever
    assert (updated.description, updated.version) == ("notes", 2)

    query = struct_pb2.Struct()
    query.update({"query": TEXTS[3]})
    run = retriever_pb2.ExecuteRetrieverRequest(retriever_id=made.retriever_id, inputs=query)
    first = scoped.retrievers.ExecuteRetriever(run).execution
    found = [json_format.MessageToDict(d) for d in first.documents]
    assert found[0]["text"] == TEXTS[3] and found[0]["score"] == pytest.approx(1.0, abs=1e-3) and len(found) == 3
    assert not first.cache_hit and first.stage_statistics.stages["search"].output_count == 3
    again = scoped.retrievers.ExecuteRetriever(run).execution
    assert again.cache_hit and [json_format.MessageToDict(d) for d in again.documents] == found
    explained = scoped.retrievers.ExplainRetriever(retriever_pb2.ExplainRetrieverRequest(retriever_id=made.retriever_id, inputs=query))
    assert explained.would_hit_cache and explained.execution_plan[0].stage_id == "feature_search"

    adhoc = json_format.ParseDict({"collection_identifiers": [collection_id], "stages": [search(1)], "inputs": {"query": TEXTS[4]}}, retriever_pb2.ExecuteAdhocRetrieverRequest())
    alone = scoped.retrievers.ExecuteAdhocRetriever(adhoc).execution
    assert [json_format.MessageToDict(d)["text"] for d in alone.documents] == [TEXTS[4]] and alone.retriever_id == ""
    stages = scoped.retrievers.ListRetrieverStages(retriever_pb2.ListRetrieverStagesRequest()).stages
    assert "feature_search" in {s.stage_id for s in stages}

    wrong = json_format.ParseDict({**body, "retriever_name": "wrong", "stages": [search(5001)]}, retriever_pb2.CreateRetrieverRequest())
    with pytest.raises(InvalidArgumentError) as refused:
        scoped.retrievers.CreateRetriever(wrong)
    assert "stages[0].config.parameters.final_top_k" in refused.value.violations
    assert scoped.retrievers.DeleteRetriever(retriever_pb2.DeleteRetrieverRequest(retriever_id=made.retriever_id)).success
    with pytest.raises(NotFoundError) as gone:
        scoped.retrievers.ExecuteRetriever(run)
    assert gone.value.reason == "RETRIEVER_NOT_FOUND"
