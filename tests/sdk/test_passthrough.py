"""Field passthrough (Mixpeek's `feature_extractor.field_passthrough` and `include_all_source_fields`):
a collection created through the SDK and one over gRPC store their rule, answer with it, check it at
create, and their documents carry exactly the chosen fields (renamed, defaulted; a required field
missing fails that object with the reason). A seed-shaped collection keeps every field."""

from __future__ import annotations

from typing import Any

import grpc
import mixpeek
import pytest
from google.protobuf import struct_pb2
from vecplane.v1 import collection_pb2, feature_extractor_pb2

from tests.sdk.conftest import TypedSdk
from tests.sdk.test_processing import poll_task
from tests.support import resources as r
from tests.support.api import Api, rich_error
from tests.support.processing import MINILM, namespace_rest, text_collection, wait_task
from tests.support.rest import Rest

FeatureExtractorConfig = mixpeek.SharedCollectionFeaturesExtractorsModelsFeatureExtractorConfigInput
SCHEMA = {"properties": {"content": {"type": "text"}, "title": {"type": "string"}, "category": {"type": "string"}, "priority": {"type": "integer"}}}
METADATA = [{"title": "t0", "category": "a", "priority": 5}, {"title": "t1", "category": "b"}, {"title": "t2"}]
OUTPUTS = {"text", "chunk_index", "start_offset", "end_offset"}  # the MiniLM extractor's output fields besides its vector


@pytest.fixture
def rest(base_url: str, sdk_org: Any) -> Rest:
    return namespace_rest(base_url, sdk_org.key)


def _bucket(rest: Rest) -> tuple[str, list[str]]:
    bucket = rest.post("/v1/buckets", json={"bucket_name": r.unique("bkt"), "bucket_schema": SCHEMA}).json()
    objects = [{"blobs": [{"property": "content", "type": "text", "data": f"note {i}"}], "metadata": m} for i, m in enumerate(METADATA)]
    created = rest.post(f"/v1/buckets/{bucket['bucket_id']}/objects/batch", json={"objects": objects})
    assert created.status_code == 200 and not created.json().get("failed"), created.text
    return bucket["bucket_id"], [s["object_id"] for s in sorted(created.json()["succeeded"], key=lambda s: s["object_index"])]


def _documents(rest: Rest, collection_id: str) -> dict[str, dict[str, Any]]:
    """The collection's documents by source object, with their user fields only."""
    page = rest.post(f"/v1/collections/{collection_id}/documents/list", json={"limit": 100}).json()
    return {doc["_internal"]["lineage"]["source_object_id"]: {k: v for k, v in doc.items() if not k.startswith("_") and k not in _SYSTEM} for doc in page["results"]}


_SYSTEM = {"document_id", "collection_id", "namespace_id", "source_object_id", "source_document_id", "root_object_id", "root_bucket_id", "created_at", "updated_at", "score"}


def test_field_passthrough_through_the_sdk(typed: TypedSdk, rest: Rest) -> None:
    bucket_id, object_ids = _bucket(rest)
    sdk = typed.in_namespace(rest.client.headers["x-namespace"])
    collections = sdk.api(mixpeek.CollectionsApi)
    rules = [
        mixpeek.FieldPassthrough(source_path="title", target_path="name"),
        mixpeek.FieldPassthrough(source_path="priority", default=0),
        mixpeek.FieldPassthrough(source_path="category", required=True),
    ]
    created = collections.create_collection(
        mixpeek.CreateCollectionRequest(
            collection_name="passed",
            source=mixpeek.SourceConfigInput(type="bucket", bucket_ids=[bucket_id]),
            feature_extractor=FeatureExtractorConfig(**MINILM, input_mappings=mixpeek.InputMappings({"text": "content"}), field_passthrough=rules),
        )
    )
    extractor = created.feature_extractor
    assert extractor.include_all_source_fields is False  # the SDK's default: only the listed fields
    assert [(p.source_path, p.target_path, p.default, p.required) for p in extractor.field_passthrough] == [
        ("title", "name", None, False),
        ("priority", "priority", 0, False),
        ("category", "category", None, True),
    ]
    assert set(created.output_schema.properties) == {"name", "priority", "category", *OUTPUTS}
    assert collections.get_collection("passed").feature_extractor.to_dict() == extractor.to_dict()

    # A batch, so that the failed object's reason can be read back.
    batches = sdk.api(mixpeek.BucketBatchesApi)
    batch = batches.create_batch_buckets_batches(bucket_id, mixpeek.CreateBatchRequest(object_ids=object_ids))
    task = poll_task(sdk.api(mixpeek.TasksApi), batches.submit_batch_buckets_batches(bucket_id, batch.batch_id).task_id)
    assert task.status.value == "COMPLETED_WITH_ERRORS", task
    failed = batches.get_failed_documents_buckets_batches_batch(bucket_id, batch.batch_id)["results"]
    assert [(f["object_id"], f["error"]) for f in failed] == [(object_ids[2], "field_passthrough: required source field 'category' is missing")]
    documents = _documents(rest, created.collection_id)
    assert set(documents) == set(object_ids[:2])
    assert {k: documents[object_ids[0]][k] for k in ("name", "priority", "category")} == {"name": "t0", "priority": 5, "category": "a"}
    assert {k: documents[object_ids[1]][k] for k in ("name", "priority", "category")} == {"name": "t1", "priority": 0, "category": "b"}
    assert set(documents[object_ids[0]]) - OUTPUTS == {"name", "priority", "category"}  # no title, no content

    # include_all_source_fields with a rename: every field, the renamed one under its new name.
    every = collections.create_collection(
        mixpeek.CreateCollectionRequest(
            collection_name="every",
            source=mixpeek.SourceConfigInput(type="bucket", bucket_ids=[bucket_id]),
            feature_extractor=FeatureExtractorConfig(
                **MINILM, input_mappings=mixpeek.InputMappings({"text": "content"}), include_all_source_fields=True, field_passthrough=[mixpeek.FieldPassthrough(source_path="title", target_path="name")]
            ),
        )
    )
    assert set(every.output_schema.properties) == {"content", "name", "category", "priority", *OUTPUTS}


def test_seed_collection_keeps_every_field_and_bad_rules_are_refused(rest: Rest, sdk_org: Api) -> None:
    bucket_id, object_ids = _bucket(rest)
    # Seed 004's JSON has no passthrough keys: every input field is passed through.
    seed_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    seed = rest.get(f"/v1/collections/{seed_id}").json()
    assert (seed["feature_extractors"][0]["include_all_source_fields"], seed["feature_extractors"][0]["field_passthrough"]) == (True, [])
    assert set(seed["output_schema"]["properties"]) == {*SCHEMA["properties"], *OUTPUTS}
    assert wait_task(rest, rest.post(f"/v1/collections/{seed_id}/trigger", json={}).json()["task_id"])["status"] == "COMPLETED"
    seed_document = _documents(rest, seed_id)[object_ids[0]]
    assert {k: v for k, v in seed_document.items() if k not in OUTPUTS} == {"content": "note 0", "title": "t0", "category": "a", "priority": 5}

    # Over gRPC: the rule is stored and answered; without include_all_source_fields only the rule's fields.
    api = sdk_org.in_namespace(rest.client.headers["x-namespace"])

    def create(name: str, *rules: feature_extractor_pb2.FieldPassthrough) -> Any:
        return api.call(
            api.collections.CreateCollection,
            collection_pb2.CreateCollectionRequest(
                collection_name=name,
                source=collection_pb2.SourceConfig(type=collection_pb2.SOURCE_TYPE_BUCKET, bucket_id=bucket_id),
                feature_extractors=[feature_extractor_pb2.FeatureExtractor(**MINILM, input_mapping={"text": "content"}, field_passthrough=rules)],
            ),
        ).collection

    collection = create("grpc-passed", feature_extractor_pb2.FieldPassthrough(source_path="category", target_path="kind", default=struct_pb2.Value(string_value="none")))
    (extractor,) = collection.feature_extractors
    assert extractor.HasField("include_all_source_fields") and not extractor.include_all_source_fields
    assert [(p.source_path, p.target_path, p.default.string_value) for p in extractor.field_passthrough] == [("category", "kind", "none")]
    assert wait_task(rest, rest.post(f"/v1/collections/{collection.collection_id}/trigger", json={}).json()["task_id"])["status"] == "COMPLETED"
    documents = _documents(rest, collection.collection_id)
    assert [documents[o]["kind"] for o in object_ids] == ["a", "b", "none"] and set(documents[object_ids[0]]) - OUTPUTS == {"kind"}

    # Refused whole, every problem named; nothing is created.
    with pytest.raises(grpc.RpcError) as refused:
        create(
            "grpc-bad",
            feature_extractor_pb2.FieldPassthrough(source_path="nope"),
            feature_extractor_pb2.FieldPassthrough(source_path="title", target_path="text"),
            feature_extractor_pb2.FieldPassthrough(source_path="category", target_path="kind"),
            feature_extractor_pb2.FieldPassthrough(source_path="priority", target_path="kind"),
            feature_extractor_pb2.FieldPassthrough(source_path="category", target_path="document_id"),
            feature_extractor_pb2.FieldPassthrough(source_path="priority", target_path="rank", default=struct_pb2.Value(string_value="high")),
        )
    error = rich_error(refused.value)
    at = "feature_extractors[0].field_passthrough"
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT and set(error.violations) == {f"{at}[0].source_path", f"{at}[1].target_path", f"{at}[3].target_path", f"{at}[4].target_path", f"{at}[5].default"}, error
    assert "'nope' does not exist" in error.violations[f"{at}[0].source_path"] and "output of the extractor" in error.violations[f"{at}[1].target_path"]
    assert error.violations[f"{at}[5].default"] == "must be an integer, got a string"
    with pytest.raises(grpc.RpcError) as too_many:
        create("grpc-many", *[feature_extractor_pb2.FieldPassthrough(source_path="title", target_path=f"t{i}") for i in range(101)])
    assert list(rich_error(too_many.value).violations) == [at]
    names = [c["collection_name"] for c in rest.post("/v1/collections/list", json={}).json()["results"]]
    assert sorted(names) == sorted([seed["collection_name"], "grpc-passed"])
