"""Processing end to end on the embedded defaults with the packaged MiniLM model: objects in a bucket,
a collection, a trigger, the task to its end (REST /v1/tasks and gRPC google.longrunning.Operations),
and exactly the expected documents."""

from __future__ import annotations

import time
from typing import Any

import grpc
import pytest
from google.longrunning import operations_pb2, operations_pb2_grpc
from google.protobuf import duration_pb2
from vecplane.v1 import collection_pb2, collection_pb2_grpc, task_pb2, task_pb2_grpc

from server.domain import documents as d
from tests.support.api import Api
from tests.support.processing import (
    MINILM,
    document_ids,
    expected_ids,
    setup_bucket,
    text_collection,
    wait_task,
)
from tests.support.rest import Rest, envelope


def test_quick_start_over_rest_objects_to_documents(rest: Rest) -> None:
    texts = [f"A short note number {i} about vectors." for i in range(7)]
    bucket_id, object_ids = setup_bucket(rest, texts)
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    assert rest.get(f"/v1/collections/{collection_id}").json()["status"] == "PENDING"  # never ran
    triggered = rest.post(f"/v1/collections/{collection_id}/trigger", json={})
    assert triggered.status_code == 202, triggered.text  # queued work: 202 Accepted, as Mixpeek answers
    documented = rest.get("/openapi.json").json()["paths"]["/v1/collections/{collection_id}/trigger"]["post"]["responses"]
    assert "202" in documented and "200" not in documented
    task = wait_task(rest, triggered.json()["task_id"])
    assert task["status"] == "COMPLETED", task
    assert task["task_type"] == "api_collections_trigger"
    assert rest.get(f"/v1/collections/{collection_id}").json()["status"] == "DONE"
    (tier,) = task["additional_data"]["tiers"]
    assert (tier["processed"], tier["failed"], tier["documents_written"]) == (7, 0, 7)
    assert document_ids(rest, collection_id) == expected_ids(collection_id, bucket_id, object_ids)
    doc = rest.get(f"/v1/collections/{collection_id}/documents/{expected_ids(collection_id, bucket_id, object_ids[:1])[0]}", params={"return_vectors": "true"}).json()
    assert doc["content"] == texts[0] and doc["_internal"]["lineage"]["source_object_id"] == object_ids[0]
    assert len(doc["_vectors"]["all_minilm_l6_v2"]) == 384
    # A second run overwrites: still exactly one document per object.
    again = wait_task(rest, rest.post(f"/v1/collections/{collection_id}/trigger", json={}).json()["task_id"])
    assert again["status"] == "COMPLETED"
    assert document_ids(rest, collection_id) == expected_ids(collection_id, bucket_id, object_ids)


def test_missing_input_is_a_per_object_failure(rest: Rest) -> None:
    bucket_id, object_ids = setup_bucket(rest, ["has text", None, "more text"])
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    task = wait_task(rest, rest.post(f"/v1/collections/{collection_id}/trigger", json={}).json()["task_id"])
    assert task["status"] == "COMPLETED_WITH_ERRORS", task
    (tier,) = task["additional_data"]["tiers"]
    assert (tier["processed"], tier["failed"]) == (3, 1)
    assert document_ids(rest, collection_id) == expected_ids(collection_id, bucket_id, [object_ids[0], object_ids[2]])


def test_trigger_given_objects_and_bad_input(rest: Rest) -> None:
    bucket_id, object_ids = setup_bucket(rest, ["one", "two", "three"])
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    missing = envelope(rest.post(f"/v1/collections/{collection_id}/trigger", json={"object_ids": [object_ids[0], "obj_nope1", "obj_nope2"]}), 404, "NotFoundError")
    assert "obj_nope1" in missing["message"] and "obj_nope2" in missing["message"]
    envelope(rest.post("/v1/collections/col_doesnotexist/trigger", json={}), 404, "NotFoundError")
    task = wait_task(rest, rest.post(f"/v1/collections/{collection_id}/trigger", json={"object_ids": [object_ids[1]]}).json()["task_id"])
    assert task["status"] == "COMPLETED" and task["additional_data"]["object_ids"] == [object_ids[1]]
    assert document_ids(rest, collection_id) == expected_ids(collection_id, bucket_id, [object_ids[1]])
    envelope(rest.get("/v1/tasks/task_doesnotexist"), 404, "NotFoundError")


def test_operations_over_grpc_see_the_same_task(rest: Rest, api: Api) -> None:
    bucket_id, object_ids = setup_bucket(rest, ["alpha", "beta"])
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    metadata = (("authorization", f"Bearer {api.key}"), ("x-namespace", rest.client.headers["x-namespace"]))
    tasks = task_pb2_grpc.TaskServiceStub(api.channel)
    triggered = tasks.TriggerCollection(task_pb2.TriggerCollectionRequest(collection_id=collection_id), metadata=metadata)
    operations = operations_pb2_grpc.OperationsStub(api.channel)
    op = operations.WaitOperation(operations_pb2.WaitOperationRequest(name=triggered.task_id, timeout=duration_pb2.Duration(seconds=30)), metadata=metadata)
    assert op.done and op.name == triggered.task_id and op.HasField("response")
    task = task_pb2.Task()
    assert op.metadata.Unpack(task) and task.status == task_pb2.PROCESSING_STATUS_COMPLETED
    assert rest.get(f"/v1/tasks/{triggered.task_id}").json()["status"] == "COMPLETED"
    listed = operations.ListOperations(operations_pb2.ListOperationsRequest(page_size=50), metadata=metadata)
    assert triggered.task_id in [o.name for o in listed.operations]
    with pytest.raises(grpc.RpcError) as error:
        operations.GetOperation(operations_pb2.GetOperationRequest(name="task_unknown"), metadata=metadata)
    assert error.value.code() == grpc.StatusCode.NOT_FOUND
    assert document_ids(rest, collection_id) == expected_ids(collection_id, bucket_id, object_ids)


def test_auto_process_queues_the_new_objects(rest: Rest) -> None:
    bucket_id, _ = setup_bucket(rest, [])
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    created = rest.post(f"/v1/buckets/{bucket_id}/objects?auto_process=true", json={"blobs": [{"property": "content", "type": "text", "data": "processed on create"}]})
    assert created.status_code == 200, created.text
    object_id = created.json()["object_id"]
    deadline = time.monotonic() + 30
    while document_ids(rest, collection_id) != expected_ids(collection_id, bucket_id, [object_id]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert document_ids(rest, collection_id) == expected_ids(collection_id, bucket_id, [object_id])
    (task,) = [t for t in rest.post("/v1/tasks/list", json={}).json()["results"] if t["task_type"] == "api_buckets_objects_create"]
    assert task["additional_data"]["object_ids"] == [object_id] and task["additional_data"]["collection_ids"] == [collection_id]


def test_two_tier_lineage(rest: Rest) -> None:
    bucket_id, object_ids = setup_bucket(rest, [f"root text {i}" for i in range(10)])
    first = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    second = text_collection(rest, {"type": "collection", "collection_id": first})
    task = wait_task(rest, rest.post(f"/v1/collections/{first}/trigger", json={}).json()["task_id"])
    assert task["status"] == "COMPLETED", task
    assert [t["collection_ids"] for t in task["additional_data"]["tiers"]] == [[first], [second]]
    assert [t["documents_written"] for t in task["additional_data"]["tiers"]] == [10, 10]
    parents = expected_ids(first, bucket_id, object_ids)
    assert document_ids(rest, first) == parents
    children = sorted(d.document_id(second, d.Source.document(first, parent), 0) for parent in parents)
    assert document_ids(rest, second) == children
    child = rest.get(f"/v1/collections/{second}/documents/{children[0]}").json()
    lineage = child["_internal"]["lineage"]
    assert lineage["source_document_id"] in parents and lineage["root_object_id"] in object_ids and lineage["root_bucket_id"] == bucket_id
    assert lineage["path"] == f"{bucket_id}/{first}/{second}" and [c["collection_id"] for c in lineage["chain"]] == [first, second]
    # Triggering the second collection alone reads the first one's documents: one tier.
    only = wait_task(rest, rest.post(f"/v1/collections/{second}/trigger", json={"object_ids": object_ids[:2]}).json()["task_id"])
    assert only["status"] == "COMPLETED" and [t["processed"] for t in only["additional_data"]["tiers"]] == [2]
    assert document_ids(rest, second) == children


def test_cancel_stops_at_a_chunk_boundary(rest: Rest, server: Any) -> None:
    bucket_id, object_ids = setup_bucket(rest, [f"text {i}" for i in range(40)])
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    server.app.faults.arm("processing.after_checkpoint", "sleep:0.3")
    try:
        task_id = rest.post(f"/v1/collections/{collection_id}/trigger", json={}).json()["task_id"]
        deadline = time.monotonic() + 30
        while rest.get(f"/v1/tasks/{task_id}").json()["additional_data"]["tiers"][0]["processed"] < 8 and time.monotonic() < deadline:
            time.sleep(0.05)
        canceled = rest.delete(f"/v1/tasks/{task_id}")
        assert canceled.status_code == 200 and canceled.json()["task_id"] == task_id
        task = wait_task(rest, task_id)
    finally:
        server.app.faults.disarm("processing.after_checkpoint")
    assert task["status"] == "CANCELED", task
    processed = task["additional_data"]["tiers"][0]["processed"]
    assert 8 <= processed < 40 and processed % 8 == 0
    # Whole chunks only: the documents are exactly those of the first `processed` objects.
    assert document_ids(rest, collection_id) == expected_ids(collection_id, bucket_id, sorted(object_ids)[:processed])
    assert rest.delete(f"/v1/tasks/{task_id}").json()["status"] == "CANCELED"  # idempotent


def test_two_triggers_at_once_share_one_task(rest: Rest, server: Any) -> None:
    bucket_id, object_ids = setup_bucket(rest, [f"text {i}" for i in range(16)])
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    server.app.faults.arm("processing.after_checkpoint", "sleep:0.2")
    try:
        first = rest.post(f"/v1/collections/{collection_id}/trigger", json={}).json()
        second = rest.post(f"/v1/collections/{collection_id}/trigger", json={}).json()
        assert second["task_id"] == first["task_id"] and "already" in second["message"]
        assert wait_task(rest, first["task_id"])["status"] == "COMPLETED"
    finally:
        server.app.faults.disarm("processing.after_checkpoint")
    third = rest.post(f"/v1/collections/{collection_id}/trigger", json={}).json()
    assert third["task_id"] != first["task_id"]
    assert wait_task(rest, third["task_id"])["status"] == "COMPLETED"
    assert document_ids(rest, collection_id) == expected_ids(collection_id, bucket_id, object_ids)


@pytest.mark.slow
def test_a_thousand_objects(rest: Rest) -> None:
    bucket_id, object_ids = setup_bucket(rest, [f"Object number {i}: a short text to embed." for i in range(1000)])
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    task = wait_task(rest, rest.post(f"/v1/collections/{collection_id}/trigger", json={}).json()["task_id"], timeout=600)
    assert task["status"] == "COMPLETED", task
    assert task["additional_data"]["tiers"][0]["processed"] == 1000
    assert document_ids(rest, collection_id) == expected_ids(collection_id, bucket_id, object_ids)


def test_reconfigure_recreate_then_trigger_reingests(rest: Rest) -> None:
    bucket_id, object_ids = setup_bucket(rest, [f"kept text {i}" for i in range(5)])
    first = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    second = text_collection(rest, {"type": "collection", "collection_id": first})
    first_run = wait_task(rest, rest.post(f"/v1/collections/{first}/trigger", json={}).json()["task_id"])
    assert first_run["status"] == "COMPLETED"
    namespace_id = rest.client.headers["x-namespace"]
    unchanged = rest.post(f"/v1/namespaces/{namespace_id}/plugins/reconfigure", json={"confirm": True}).json()
    assert unchanged["collections_to_reprocess"] == [] and len(document_ids(rest, first)) == 5
    fingerprint = {"feature_extractor_name": "image_fingerprint", "version": "v1"}
    enabled = rest.patch(f"/v1/namespaces/{namespace_id}", json={"feature_extractors": [MINILM, fingerprint], "update_mask": "feature_extractors"})
    assert enabled.status_code == 200, enabled.text
    recreated = rest.post(f"/v1/namespaces/{namespace_id}/plugins/reconfigure", json={"confirm": True, "mode": "recreate"})
    assert recreated.status_code == 200, recreated.text
    assert recreated.json()["collections_to_reprocess"] == [first, second]
    operation = rest.get(f"/v1/tasks/{recreated.json()['operation_id']}").json()
    assert (operation["task_type"], operation["status"]) == ("api_namespaces_reconfigure", "COMPLETED")
    envelope(rest.delete(f"/v1/tasks/{recreated.json()['operation_id']}"), 400, "BadRequestError")
    assert document_ids(rest, first) == [] and document_ids(rest, second) == []
    task = wait_task(rest, rest.post(f"/v1/collections/{first}/trigger", json={}).json()["task_id"])
    assert task["status"] == "COMPLETED"
    assert document_ids(rest, first) == expected_ids(first, bucket_id, object_ids)
    assert len(document_ids(rest, second)) == 5
    # Reconfigures are listed with the tasks, newest first, and filtered by status and paged with them.
    operation_ids = [o for o in (unchanged.get("operation_id"), recreated.json()["operation_id"]) if o]
    listed = [t["task_id"] for t in rest.post("/v1/tasks/list", json={}).json()["results"]]
    assert listed == [task["task_id"], *reversed(operation_ids), first_run["task_id"]]
    assert [t["task_id"] for t in rest.post("/v1/tasks/list", json={"offset": 1, "limit": 1}).json()["results"]] == [operation_ids[-1]]
    by_cursor, cursor = [], ""
    for _ in range(len(listed)):
        page = rest.post("/v1/tasks/list", json={"limit": 1, "cursor": cursor}).json()
        by_cursor += [t["task_id"] for t in page["results"]]
        cursor = page["pagination"].get("next_cursor", "")
        if not cursor:
            break
    assert by_cursor == listed and not cursor  # the same merged order, page after page
    assert rest.post("/v1/tasks/list", json={"status": "PENDING"}).json()["results"] == []
    assert recreated.json()["operation_id"] in [t["task_id"] for t in rest.post("/v1/tasks/list", json={"status": "COMPLETED"}).json()["results"]]
    # ... and by type: reconfigures alone (paged), or the tasks of one type without them.
    by_type = {k: [t["task_id"] for t in rest.post("/v1/tasks/list", json={"task_type": k}).json()["results"]] for k in ("api_namespaces_reconfigure", "api_collections_trigger")}
    assert by_type == {"api_namespaces_reconfigure": list(reversed(operation_ids)), "api_collections_trigger": [task["task_id"], first_run["task_id"]]}
    assert [t["task_id"] for t in rest.post("/v1/tasks/list", json={"task_type": "api_namespaces_reconfigure", "offset": len(operation_ids) - 1}).json()["results"]] == operation_ids[:1]


def test_trigger_processes_only_objects_matching_the_source_filters(rest: Rest) -> None:
    bucket_id, object_ids = setup_bucket(rest, [f"text {i}" for i in range(20)])
    source = {"type": "bucket", "bucket_id": bucket_id, "filters": {"OR": [{"field": "title", "operator": "in", "value": ["t3", "t11", "t17"]}]}}
    collection_id = text_collection(rest, source)
    task = wait_task(rest, rest.post(f"/v1/collections/{collection_id}/trigger", json={}).json()["task_id"])
    assert task["status"] == "COMPLETED" and task["additional_data"]["tiers"][0]["processed"] == 3
    assert document_ids(rest, collection_id) == expected_ids(collection_id, bucket_id, [object_ids[3], object_ids[11], object_ids[17]])


def test_collection_document_count_and_status_follow_processing(rest: Rest, api: Api) -> None:
    bucket_id, object_ids = setup_bucket(rest, [f"counted text {i}" for i in range(6)])
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    metadata = (("authorization", f"Bearer {api.key}"), ("x-namespace", rest.client.headers["x-namespace"]))
    collections = collection_pb2_grpc.CollectionServiceStub(api.channel)

    def shown() -> list[tuple[str, Any]]:
        """(status, document_count) as GET and list show it over REST, and over gRPC."""
        got = rest.get(f"/v1/collections/{collection_id}").json()
        (listed,) = [c for c in rest.get("/v1/collections", params={"limit": 100}).json()["results"] if c["collection_id"] == collection_id]
        grpc_got = collections.GetCollection(collection_pb2.GetCollectionRequest(collection_id=collection_id), metadata=metadata).collection
        (grpc_listed,) = [c for c in collections.ListCollections(collection_pb2.ListCollectionsRequest(limit=100), metadata=metadata).results if c.collection_id == collection_id]
        return [
            (got["status"], got["document_count"]),
            (listed["status"], listed["document_count"]),
            (collection_pb2.TaskStatus.Name(grpc_got.status), grpc_got.document_count if grpc_got.HasField("document_count") else None),
            (collection_pb2.TaskStatus.Name(grpc_listed.status), grpc_listed.document_count if grpc_listed.HasField("document_count") else None),
        ]

    never_ran = [("PENDING", 0), ("PENDING", 0), ("TASK_STATUS_PENDING", 0), ("TASK_STATUS_PENDING", 0)]
    assert shown() == never_ran  # a collection that never ran is not DONE
    task = wait_task(rest, rest.post(f"/v1/collections/{collection_id}/trigger", json={"object_ids": object_ids[:4]}).json()["task_id"])
    assert task["status"] == "COMPLETED", task
    assert shown() == [("DONE", 4), ("DONE", 4), ("TASK_STATUS_DONE", 4), ("TASK_STATUS_DONE", 4)]
    task = wait_task(rest, rest.post(f"/v1/collections/{collection_id}/trigger", json={}).json()["task_id"])
    assert task["status"] == "COMPLETED", task
    assert shown() == [("DONE", 6), ("DONE", 6), ("TASK_STATUS_DONE", 6), ("TASK_STATUS_DONE", 6)]
    deleted = rest.delete(f"/v1/collections/{collection_id}/documents/{expected_ids(collection_id, bucket_id, object_ids[:1])[0]}")
    assert deleted.status_code == 200, deleted.text
    assert [count for _, count in shown()] == [5, 5, 5, 5]
