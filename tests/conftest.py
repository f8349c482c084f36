"""Shared fixtures: one real in-process server for the session, and a fresh organization (with its
own admin key) per test, so tests never see each other's data."""

from __future__ import annotations

import itertools

import grpc
import pytest
from vecplane.v1 import admin_pb2

from tests.support.api import Api
from tests.support.servers import ADMIN_KEY, InProcessServer, test_settings

_names = itertools.count()


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> InProcessServer:
    running = InProcessServer(test_settings(tmp_path_factory.mktemp("vecplane"))).start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def channel(server) -> grpc.Channel:
    with grpc.insecure_channel(server.target) as opened:
        yield opened


@pytest.fixture(scope="session")
def root(channel) -> Api:
    """The bootstrap admin key of the default organization."""
    return Api(channel, ADMIN_KEY)


def new_org_api(root: Api, admin: bool = False, role: int = admin_pb2.API_KEY_ROLE_UNSPECIFIED) -> Api:
    """A client with a key of a new organization: a member, an admin (`admin=True`) or any `role`."""
    org = root.call(root.admin.CreateOrganization, admin_pb2.CreateOrganizationRequest(organization_name=f"org-{next(_names)}"))
    role = role or (admin_pb2.API_KEY_ROLE_ADMIN if admin else admin_pb2.API_KEY_ROLE_MEMBER)
    key = root.call(
        root.admin.CreateApiKey,
        admin_pb2.CreateApiKeyRequest(organization_id=org.organization.organization_id, key_name="test", role=role),
    )
    return Api(root.channel, key.secret)


@pytest.fixture
def api(root) -> Api:
    """A client whose key belongs to an organization of its own."""
    return new_org_api(root)
