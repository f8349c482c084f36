"""The Python client (clients/python/vecplane/client.py) against the real server: the product flow,
typed errors with their google.rpc details, paging, and retries across a real server restart."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import grpc
import pytest
from vecplane.client import (
    NO_RETRY,
    AlreadyExistsError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    RetryPolicy,
    UnauthenticatedError,
    UnavailableError,
    VecplaneClient,
    VecplaneError,
    iter_results,
)
from vecplane.v1 import (
    admin_pb2,
    bucket_pb2,
    collection_pb2,
    feature_extractor_pb2,
    namespace_pb2,
    schema_pb2,
)

from tests.conftest import new_org_api
from tests.support.servers import ADMIN_KEY, ServerProcess

TEXT = namespace_pb2.NamespaceFeatureExtractor(feature_extractor_name="text_extractor", version="v1")
FASHION = namespace_pb2.NamespaceFeatureExtractor(feature_extractor_name="fashionsiglip", version="v1")


@pytest.fixture
def client(server, root):
    """A client with the key of a fresh organization."""
    with VecplaneClient(server.target, api_key=new_org_api(root).key) as opened:
        yield opened


def create_namespace(client: VecplaneClient, name: str, extractors=(TEXT,)) -> namespace_pb2.Namespace:
    request = namespace_pb2.CreateNamespaceRequest(namespace_name=name, feature_extractors=list(extractors))
    return client.namespaces.CreateNamespace(request).namespace


def test_namespace_flow(client):
    created = create_namespace(client, "catalog")
    assert created.namespace_id.startswith("ns_")
    assert [v.name for v in created.vector_indexes] == ["multilingual_e5_large_instruct_v1"]
    by_name = client.namespaces.GetNamespace(namespace_pb2.GetNamespaceRequest(namespace_id="catalog")).namespace
    assert by_name == created
    catalogue = client.extractors.ListFeatureExtractors(feature_extractor_pb2.ListFeatureExtractorsRequest()).results
    assert {"text_extractor_v1", "fashionsiglip_v1"} <= {d.feature_extractor_id for d in catalogue}
    updated = client.namespaces.UpdateNamespace(
        namespace_pb2.UpdateNamespaceRequest(namespace_id="catalog", feature_extractors=[TEXT, FASHION], update_mask={"paths": ["feature_extractors"]})
    ).namespace
    assert [e.feature_extractor_name for e in updated.feature_extractors] == ["text_extractor", "fashionsiglip"]
    deleted = client.namespaces.DeleteNamespace(namespace_pb2.DeleteNamespaceRequest(namespace_id=created.namespace_id))
    assert deleted.namespace_id == created.namespace_id
    with pytest.raises(NotFoundError):
        client.namespaces.GetNamespace(namespace_pb2.GetNamespaceRequest(namespace_id="catalog"))


def test_bucket_with_a_schema_and_a_collection(client):
    create_namespace(client, "catalog")
    catalog = client.with_namespace("catalog")
    bucket = catalog.buckets.CreateBucket(
        bucket_pb2.CreateBucketRequest(
            bucket_name="products",
            bucket_schema=schema_pb2.BucketSchema(
                properties={
                    "title": schema_pb2.SchemaField(type=schema_pb2.FIELD_TYPE_STRING, required=True),
                    "content": schema_pb2.SchemaField(type=schema_pb2.FIELD_TYPE_TEXT),
                }
            ),
        )
    ).bucket
    assert bucket.bucket_id.startswith("bkt_") and set(bucket.bucket_schema.properties) == {"title", "content"}
    collection = catalog.collections.CreateCollection(
        collection_pb2.CreateCollectionRequest(
            collection_name="product-texts",
            source=collection_pb2.SourceConfig(type=collection_pb2.SOURCE_TYPE_BUCKET, bucket_id="products"),
            feature_extractors=[
                feature_extractor_pb2.FeatureExtractor(feature_extractor_name="text_extractor", version="v1", input_mapping={"text": "content"})
            ],
        )
    ).collection
    assert collection.collection_id.startswith("col_") and collection.source.bucket_id == bucket.bucket_id
    assert [v.name for v in collection.vector_indexes] == ["multilingual_e5_large_instruct_v1"]
    assert [e.source_type for e in collection.source_lineage] == [collection_pb2.SOURCE_TYPE_BUCKET]
    got = catalog.collections.GetCollection(collection_pb2.GetCollectionRequest(collection_id="product-texts")).collection
    assert got.collection_id == collection.collection_id


def test_reconfigure_adds_the_vectors_of_a_newly_enabled_extractor(client):
    create_namespace(client, "catalog")
    client.namespaces.UpdateNamespace(
        namespace_pb2.UpdateNamespaceRequest(namespace_id="catalog", feature_extractors=[TEXT, FASHION], update_mask={"paths": ["feature_extractors"]})
    )
    first = client.namespaces.Reconfigure(namespace_pb2.ReconfigureRequest(namespace_id="catalog", confirm=True))
    assert first.status == namespace_pb2.RECONFIGURE_STATUS_RECONFIGURED
    assert list(first.vectors_added) == ["fashionsiglip_v1_embedding"]
    assert sorted(first.vectors_total) == ["fashionsiglip_v1_embedding", "multilingual_e5_large_instruct_v1"]
    again = client.namespaces.Reconfigure(namespace_pb2.ReconfigureRequest(namespace_id="catalog", confirm=True))
    assert again.status == namespace_pb2.RECONFIGURE_STATUS_NO_CHANGES_NEEDED


def test_invalid_argument_carries_every_field_violation(client):
    request = namespace_pb2.CreateNamespaceRequest(
        namespace_name="x", feature_extractors=[namespace_pb2.NamespaceFeatureExtractor(feature_extractor_name="text_extractor")]
    )
    with pytest.raises(InvalidArgumentError) as raised:
        client.namespaces.CreateNamespace(request)
    error = raised.value
    assert isinstance(error, VecplaneError) and isinstance(error, grpc.RpcError)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.domain == "vecplane" and error.reason
    assert set(error.violations) == {"namespace_name", "feature_extractors[0].version"}
    assert [v.field for v in error.field_violations] == ["namespace_name", "feature_extractors[0].version"]
    assert all(v.description for v in error.field_violations)
    assert error.correlation_id and error.correlation_id in str(error)
    assert error.method == "/vecplane.v1.NamespaceService/CreateNamespace"


def test_not_found_and_already_exists_carry_the_resource(client):
    with pytest.raises(NotFoundError) as missing:
        client.namespaces.GetNamespace(namespace_pb2.GetNamespaceRequest(namespace_id="nope"))
    assert missing.value.reason == "NAMESPACE_NOT_FOUND"
    assert (missing.value.resource.resource_type, missing.value.resource.resource_name) == ("namespace", "nope")
    create_namespace(client, "twice")
    with pytest.raises(AlreadyExistsError) as duplicate:
        create_namespace(client, "twice")
    assert duplicate.value.reason == "NAMESPACE_ALREADY_EXISTS"
    assert duplicate.value.resource.resource_name == "twice"


def test_missing_or_wrong_keys_are_unauthenticated_and_non_admin_keys_permission_denied(server, client):
    request = namespace_pb2.ListNamespacesRequest()
    with VecplaneClient(server.target) as anonymous, VecplaneClient(server.target, api_key="sk_not_a_key") as wrong:
        with pytest.raises(UnauthenticatedError) as no_key:
            anonymous.namespaces.ListNamespaces(request)
        with pytest.raises(UnauthenticatedError) as bad_key:
            wrong.namespaces.ListNamespaces(request)
    assert (no_key.value.reason, bad_key.value.reason) == ("API_KEY_MISSING", "API_KEY_INVALID")
    with pytest.raises(PermissionDeniedError) as denied:
        client.admin.CreateOrganization(admin_pb2.CreateOrganizationRequest(organization_name="mine"))
    assert denied.value.reason == "OPERATOR_KEY_REQUIRED"


@pytest.mark.slow  # 4-6 s in a loaded fast-subset run
def test_iter_results_follows_the_cursor_over_every_page(client):
    names = [f"paged-{i}" for i in range(5)]
    for name in names:
        create_namespace(client, name)
    pages = []
    listed = [
        n.namespace_name
        for n in iter_results(_recording(client.namespaces.ListNamespaces, pages), namespace_pb2.ListNamespacesRequest(limit=2))
    ]
    assert sorted(listed) == names and len(listed) == len(set(listed))
    assert len(pages) == 3 and pages[0] == "" and all(pages[1:])  # first page, then two cursors


def _recording(method, cursors: list[str]):
    def call(request, **options):
        cursors.append(request.cursor)
        return method(request, **options)

    return call


@dataclass(frozen=True)
class SignallingRetry(RetryPolicy):
    """A retry policy that reports its first retry, so the test restarts the server only once the
    client has seen it down."""

    first_retry: threading.Event = field(default_factory=threading.Event)

    def backoff(self, retry: int) -> float:
        self.first_retry.set()
        return super().backoff(retry)


@pytest.mark.slow  # a server process or a build; over 5 s
def test_calls_retry_through_a_server_restart(tmp_path):
    process = ServerProcess(tmp_path / "restart").start()
    restarter = None
    try:
        with VecplaneClient(process.target, api_key=ADMIN_KEY) as client:
            created = create_namespace(client, "survivor")
            process.stop()
            with pytest.raises(UnavailableError):
                client.with_options(retry=NO_RETRY).namespaces.GetNamespace(namespace_pb2.GetNamespaceRequest(namespace_id="survivor"))
            policy = SignallingRetry(max_attempts=200, initial_backoff=0.05, max_backoff=0.5)
            restarter = threading.Thread(target=lambda: policy.first_retry.wait(60) and process.start())
            restarter.start()
            found = client.with_options(retry=policy, timeout=90).namespaces.GetNamespace(
                namespace_pb2.GetNamespaceRequest(namespace_id="survivor")
            )
            assert policy.first_retry.is_set()
            assert found.namespace == created
    finally:
        if restarter is not None:
            restarter.join(90)
        if process.process is not None:
            process.stop()
