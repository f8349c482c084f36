"""Mixpeek's official Python SDK (pinned in the `test` extra) as a real client of the REST gateway.

Two ways in, as a team leaving Mixpeek would use them: the generated typed API (`mixpeek.ApiClient`
with the `*Api` classes, whose answers are parsed into the SDK's pydantic models) and the
high-level `mixpeek.Mixpeek` client. Each test gets a fresh organization of its own.
"""

from __future__ import annotations

from typing import TypeVar

import mixpeek
import pytest

from tests.conftest import new_org_api
from tests.support.api import Api

ApiClass = TypeVar("ApiClass")


class TypedSdk:
    """The SDK's generated API classes bound to one key and, optionally, one namespace."""

    def __init__(self, base_url: str, key: str, namespace: str | None = None):
        self.base_url = base_url
        self.key = key
        self.namespace = namespace
        configuration = mixpeek.Configuration(host=base_url, access_token=key)
        if namespace is not None:
            configuration.api_key["NamespaceHeader"] = namespace
        self.client = mixpeek.ApiClient(configuration)

    def api(self, api_class: type[ApiClass]) -> ApiClass:
        return api_class(self.client)  # type: ignore[call-arg]

    def in_namespace(self, namespace: str) -> TypedSdk:
        return TypedSdk(self.base_url, self.key, namespace)


@pytest.fixture(scope="session")
def base_url(server) -> str:
    return f"http://127.0.0.1:{server.app.http_port}"


@pytest.fixture
def sdk_org(root) -> Api:
    """An admin key of a fresh organization."""
    return new_org_api(root, admin=True)


@pytest.fixture
def typed(base_url: str, sdk_org: Api) -> TypedSdk:
    return TypedSdk(base_url, sdk_org.key)


@pytest.fixture
def mp(base_url: str, sdk_org: Api) -> mixpeek.Mixpeek:
    """The SDK's high-level client (its base URL ends in /v1, as Mixpeek's does); namespaced calls take
    `namespace=` per call."""
    return mixpeek.Mixpeek(sdk_org.key, base_url=f"{base_url}/v1")
