"""Authentication, organizations and keys, and how errors reach the client."""

from __future__ import annotations

import grpc
from vecplane.v1 import admin_pb2, feature_extractor_pb2, namespace_pb2

from tests.conftest import new_org_api
from tests.support.api import Api, expect_error
from tests.support.servers import InProcessServer, test_settings

TEXT = namespace_pb2.NamespaceFeatureExtractor(feature_extractor_name="text_extractor", version="v1")
LIST = namespace_pb2.ListNamespacesRequest()


def test_missing_malformed_and_wrong_keys_are_unauthenticated(channel):
    for key, reason in ((None, "API_KEY_MISSING"), ("", "API_KEY_MALFORMED"), ("sk_not_a_real_key", "API_KEY_INVALID")):
        client = Api(channel, key)
        metadata = [] if key is None else [("authorization", f"Bearer {key}" if key else "Basic abc")]
        error = expect_error(client.namespaces.ListNamespaces, LIST, metadata=metadata)
        assert error.code == grpc.StatusCode.UNAUTHENTICATED
        assert error.reason == reason


def test_health_and_reflection_need_no_key(channel):
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


def test_non_admin_keys_cannot_administer(api):
    error = expect_error(api.call, api.admin.CreateOrganization, admin_pb2.CreateOrganizationRequest(organization_name="sneaky"))
    assert error.code == grpc.StatusCode.PERMISSION_DENIED
    assert error.reason == "ADMIN_KEY_REQUIRED"


def test_admin_creates_keys_that_work_and_deletion_revokes_them(root):
    org = root.call(root.admin.CreateOrganization, admin_pb2.CreateOrganizationRequest(organization_name="acme")).organization
    assert org.organization_id.startswith("org_")
    created = root.call(root.admin.CreateApiKey, admin_pb2.CreateApiKeyRequest(organization_id=org.organization_id, key_name="ci"))
    assert created.secret.startswith("sk_") and created.api_key.organization_id == org.organization_id
    user = Api(root.channel, created.secret)
    user.call(user.namespaces.CreateNamespace, namespace_pb2.CreateNamespaceRequest(namespace_name="acme-ns", feature_extractors=[TEXT]))
    root.call(root.admin.DeleteApiKey, admin_pb2.DeleteApiKeyRequest(key_id=created.api_key.key_id))
    assert expect_error(user.call, user.namespaces.ListNamespaces, LIST).code == grpc.StatusCode.UNAUTHENTICATED


def test_keys_for_unknown_organizations_are_refused(root):
    error = expect_error(root.call, root.admin.CreateApiKey, admin_pb2.CreateApiKeyRequest(organization_id="org_missing"))
    assert error.code == grpc.StatusCode.NOT_FOUND and error.reason == "ORGANIZATION_NOT_FOUND"
    error = expect_error(root.call, root.admin.CreateOrganization, admin_pb2.CreateOrganizationRequest())
    assert error.violations == {"organization_name": "is required"}


def test_extractor_catalogue_lists_builtins_and_the_plugin(api):
    listed = api.call(api.extractors.ListFeatureExtractors, feature_extractor_pb2.ListFeatureExtractorsRequest()).results
    ids = [d.feature_extractor_id for d in listed]
    assert ids == sorted(ids)
    assert {"text_extractor_v1", "image_extractor_v1", "fashionsiglip_v1"} <= set(ids)
    text = api.call(api.extractors.GetFeatureExtractor, feature_extractor_pb2.GetFeatureExtractorRequest(feature_extractor_id="text_extractor_v1")).feature_extractor
    vector = text.required_vector_indexes[0]
    assert (vector.name, vector.index.dimensions, vector.index.distance) == ("multilingual_e5_large_instruct_v1", 1024, 1)
    plugin = api.call(api.extractors.GetFeatureExtractor, feature_extractor_pb2.GetFeatureExtractorRequest(feature_extractor_id="fashionsiglip_v1")).feature_extractor
    assert plugin.source == feature_extractor_pb2.EXTRACTOR_SOURCE_PLUGIN
    assert [(v.name, v.index.dimensions) for v in plugin.required_vector_indexes] == [("fashionsiglip_v1_embedding", 768)]
    error = expect_error(api.call, api.extractors.GetFeatureExtractor, feature_extractor_pb2.GetFeatureExtractorRequest(feature_extractor_id="nope_v1"))
    assert error.code == grpc.StatusCode.NOT_FOUND and error.resource.resource_type == "feature_extractor"


def test_every_response_carries_its_correlation_id(api):
    _, call = api.namespaces.ListNamespaces.with_call(LIST, metadata=[*api.metadata(), ("x-request-id", "trace-123")])
    assert ("x-request-id", "trace-123") in call.trailing_metadata()


def test_unexpected_failures_are_internal_with_a_correlation_id_and_change_nothing(tmp_path, caplog):
    """A crash inside the vector store (an armed fault) reaches the client as INTERNAL with only a
    correlation id, which is also in the server's log; the half-made namespace is rolled back."""
    server = InProcessServer(test_settings(tmp_path, faults="namespaces.create.after_store=fail")).start()
    try:
        with grpc.insecure_channel(server.target) as channel:
            api = new_org_api(Api(channel, server.settings.api_key))
            request = namespace_pb2.CreateNamespaceRequest(namespace_name="fragile", feature_extractors=[TEXT])
            error = expect_error(api.call, api.namespaces.CreateNamespace, request)
            assert error.code == grpc.StatusCode.INTERNAL
            correlation = error.metadata["correlation_id"]
            assert correlation in error.message and "Traceback" not in error.message and "fault" not in error.message
            assert any(getattr(r, "correlation_id", None) == correlation and r.exc_info for r in caplog.records)
            assert not api.call(api.namespaces.ListNamespaces, LIST).results
            assert server.run(server.app.backends.vectors.store_aliases()) == set()
    finally:
        server.stop()
