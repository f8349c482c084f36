"""Fixtures the integration tests share (the session server itself is in tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Api
from tests.support.processing import namespace_rest
from tests.support.rest import Rest


@pytest.fixture(scope="session")
def base_url(server: Any) -> str:
    """The session server's REST gateway."""
    return f"http://127.0.0.1:{server.app.http_port}"


@pytest.fixture
def rest(api: Api, base_url: str) -> Rest:
    """REST in a new namespace (with the MiniLM extractor) of an organization of its own."""
    return namespace_rest(base_url, api.key)
