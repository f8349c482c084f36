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


def test_member_keys_cannot_administer(api):
    error = expect_error(api.call, api.admin.CreateOrganization, admin_pb2.CreateOrganizationRequest(organization_name="sneaky"))
    assert (error.code, error.reason) == (grpc.StatusCode.PERMISSION_DENIED, "OPERATOR_KEY_REQUIRED")
    error = expect_error(api.call, api.admin.CreateApiKey, admin_pb2.CreateApiKeyRequest(organization_id="org_default"))
    assert (error.code, error.reason) == (grpc.StatusCode.PERMISSION_DENIED, "ADMIN_KEY_REQUIRED")


def test_an_organization_admin_cannot_touch_another_organization(root):
    """Issue 9 item 1: an admin key of organization B created keys (admin included) for A and
    deleted A's keys. Now A does not exist for B's admin, B's admin cannot create organizations,
    and A's keys keep working."""
    org_a = root.call(root.admin.CreateOrganization, admin_pb2.CreateOrganizationRequest(organization_name="victim")).organization.organization_id
    a_admin = root.call(root.admin.CreateApiKey, admin_pb2.CreateApiKeyRequest(organization_id=org_a, role=admin_pb2.API_KEY_ROLE_ADMIN))
    b = new_org_api(root, role=admin_pb2.API_KEY_ROLE_ADMIN)

    for role in (admin_pb2.API_KEY_ROLE_MEMBER, admin_pb2.API_KEY_ROLE_ADMIN):
        error = expect_error(b.call, b.admin.CreateApiKey, admin_pb2.CreateApiKeyRequest(organization_id=org_a, role=role))
        assert (error.code, error.reason, error.resource.resource_name) == (grpc.StatusCode.NOT_FOUND, "ORGANIZATION_NOT_FOUND", org_a)
    error = expect_error(b.call, b.admin.CreateApiKey, admin_pb2.CreateApiKeyRequest(organization_id=org_a, admin=True))
    assert error.code == grpc.StatusCode.NOT_FOUND
    error = expect_error(b.call, b.admin.DeleteApiKey, admin_pb2.DeleteApiKeyRequest(key_id=a_admin.api_key.key_id))
    assert (error.code, error.reason) == (grpc.StatusCode.NOT_FOUND, "API_KEY_NOT_FOUND")
    error = expect_error(b.call, b.admin.CreateOrganization, admin_pb2.CreateOrganizationRequest(organization_name="mine"))
    assert (error.code, error.reason) == (grpc.StatusCode.PERMISSION_DENIED, "OPERATOR_KEY_REQUIRED")
    # A's admin key still works, and A can still manage itself.
    a = Api(root.channel, a_admin.secret)
    a.call(a.namespaces.ListNamespaces, LIST)
    a.call(a.admin.CreateApiKey, admin_pb2.CreateApiKeyRequest(organization_id=org_a, key_name="still-mine"))


def test_admins_manage_their_own_organization_up_to_their_own_role(root):
    org = root.call(root.admin.CreateOrganization, admin_pb2.CreateOrganizationRequest(organization_name="self-managed")).organization.organization_id
    admin = Api(root.channel, root.call(root.admin.CreateApiKey, admin_pb2.CreateApiKeyRequest(organization_id=org, role=admin_pb2.API_KEY_ROLE_ADMIN)).secret)
    member = admin.call(admin.admin.CreateApiKey, admin_pb2.CreateApiKeyRequest(organization_id=org, key_name="ci"))
    assert (member.api_key.role, member.api_key.admin, member.api_key.organization_id) == (admin_pb2.API_KEY_ROLE_MEMBER, False, org)
    second = admin.call(admin.admin.CreateApiKey, admin_pb2.CreateApiKeyRequest(organization_id=org, role=admin_pb2.API_KEY_ROLE_ADMIN))
    assert (second.api_key.role, second.api_key.admin) == (admin_pb2.API_KEY_ROLE_ADMIN, True)
    error = expect_error(admin.call, admin.admin.CreateApiKey, admin_pb2.CreateApiKeyRequest(organization_id=org, role=admin_pb2.API_KEY_ROLE_OPERATOR))
    assert (error.code, error.reason) == (grpc.StatusCode.PERMISSION_DENIED, "ROLE_NOT_GRANTABLE")
    admin.call(admin.admin.DeleteApiKey, admin_pb2.DeleteApiKeyRequest(key_id=member.api_key.key_id))
    assert expect_error(Api(root.channel, member.secret).call, admin.namespaces.ListNamespaces, LIST).code == grpc.StatusCode.UNAUTHENTICATED
    # An operator key in this organization is beyond its admins.
    operator = root.call(root.admin.CreateApiKey, admin_pb2.CreateApiKeyRequest(organization_id=org, role=admin_pb2.API_KEY_ROLE_OPERATOR))
    error = expect_error(admin.call, admin.admin.DeleteApiKey, admin_pb2.DeleteApiKeyRequest(key_id=operator.api_key.key_id))
    assert (error.code, error.reason) == (grpc.StatusCode.PERMISSION_DENIED, "ROLE_NOT_GRANTABLE")
    error = expect_error(admin.call, admin.admin.CreateApiKey, admin_pb2.CreateApiKeyRequest(organization_id=org, role=admin_pb2.API_KEY_ROLE_MEMBER, admin=True))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT and "role" in error.violations


def test_the_bootstrap_key_is_an_operator_of_every_organization(root):
    org = root.call(root.admin.CreateOrganization, admin_pb2.CreateOrganizationRequest(organization_name="operated")).organization.organization_id
    operator = root.call(root.admin.CreateApiKey, admin_pb2.CreateApiKeyRequest(organization_id=org, role=admin_pb2.API_KEY_ROLE_OPERATOR))
    assert operator.api_key.role == admin_pb2.API_KEY_ROLE_OPERATOR and operator.api_key.admin
    delegate = Api(root.channel, operator.secret)
    other = delegate.call(delegate.admin.CreateOrganization, admin_pb2.CreateOrganizationRequest(organization_name="delegated")).organization.organization_id
    made = delegate.call(delegate.admin.CreateApiKey, admin_pb2.CreateApiKeyRequest(organization_id=other, role=admin_pb2.API_KEY_ROLE_ADMIN))
    delegate.call(delegate.admin.DeleteApiKey, admin_pb2.DeleteApiKeyRequest(key_id=made.api_key.key_id))


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


def test_extractor_catalogue_answers_without_a_key_with_built_ins_only(api):
    anonymous = Api(api.channel, None)
    listed = anonymous.call(anonymous.extractors.ListFeatureExtractors, feature_extractor_pb2.ListFeatureExtractorsRequest()).results
    assert {e.source for e in listed} == {feature_extractor_pb2.EXTRACTOR_SOURCE_BUILTIN}
    assert not any(e.HasField("availability") for e in listed)
    keyed = api.call(api.extractors.ListFeatureExtractors, feature_extractor_pb2.ListFeatureExtractorsRequest()).results
    assert len(keyed) > len(listed) and all(e.HasField("availability") for e in keyed)
    plugin = feature_extractor_pb2.GetFeatureExtractorRequest(feature_extractor_id="fashionsiglip_v1")
    assert expect_error(anonymous.call, anonymous.extractors.GetFeatureExtractor, plugin).code == grpc.StatusCode.NOT_FOUND
    wrong = Api(api.channel, "sk_wrong")
    assert expect_error(wrong.call, wrong.extractors.GetFeatureExtractor, plugin).code == grpc.StatusCode.UNAUTHENTICATED


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


def test_keys_stored_before_roles_keep_their_powers_and_the_bootstrap_key_becomes_an_operator(tmp_path):
    """Keys written by an older vecplane carry only `admin`: an admin key stays an admin of its
    organization, and the bootstrap key (stored as an admin key then) is an operator after a start."""
    from server.usecases.auth import hash_secret

    legacy_secret = "sk_legacy_admin_key_0123456789abcdefghijklmn"
    server = InProcessServer(test_settings(tmp_path)).start()
    try:
        keys = server.app.backends.db["api_keys"]
        org = "org_legacy"
        server.run(server.app.backends.db["organizations"].insert_one({"_id": org, "organization_id": org, "organization_name": "legacy", "created_at": "2025-01-01T00:00:00.000Z"}))
        legacy = {"_id": "key_legacy", "key_id": "key_legacy", "organization_id": org, "key_name": "old", "admin": True,
                  "_key_hash": hash_secret(legacy_secret), "created_at": "2025-01-01T00:00:00.000Z"}
        server.run(keys.insert_one(legacy))
        server.run(keys.update_one({"key_name": "bootstrap"}, {"$set": {"admin": True}, "$unset": {"role": ""}}))
    finally:
        server.stop()
    server = InProcessServer(test_settings(tmp_path)).start()
    try:
        with grpc.insecure_channel(server.target) as channel:
            old = Api(channel, legacy_secret)
            made = old.call(old.admin.CreateApiKey, admin_pb2.CreateApiKeyRequest(organization_id="org_legacy", role=admin_pb2.API_KEY_ROLE_ADMIN))
            assert made.api_key.role == admin_pb2.API_KEY_ROLE_ADMIN
            error = expect_error(old.call, old.admin.CreateOrganization, admin_pb2.CreateOrganizationRequest(organization_name="no"))
            assert error.reason == "OPERATOR_KEY_REQUIRED"
            root = Api(channel, server.settings.api_key)
            root.call(root.admin.CreateOrganization, admin_pb2.CreateOrganizationRequest(organization_name="yes"))
        stored = server.run(server.app.backends.db["api_keys"].find_one({"key_name": "bootstrap"}))
        assert stored["role"] == "operator" and "admin" not in stored
    finally:
        server.stop()
