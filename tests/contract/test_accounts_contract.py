"""The contract of server.storage.repositories.Accounts: organizations ensured idempotently, keys
unique by hash and found by it or by ID with their role, roles changed, keys deleted once."""

from __future__ import annotations

from typing import Any

import pytest

from server.domain.accounts import ApiKey, Organization, Role
from server.storage.errors import DuplicateKey
from tests.contract.conftest import Stores

STAMP = "2026-12-01T00:00:00.000Z"


def test_organizations_and_keys(stores: Stores, recorded: list[tuple[str, dict[str, Any]]]) -> None:
    repo = stores.accounts
    stores.run(repo.ensure_organization(Organization("org_a", "a", STAMP)))
    stores.run(repo.ensure_organization(Organization("org_a", "changed", STAMP)))
    assert stores.run(repo.find_organization("org_a")) == Organization("org_a", "a", STAMP)
    stores.run(repo.insert_organization(Organization("org_b", "b", STAMP)))
    assert stores.run(repo.find_organization("org_missing")) is None
    key = ApiKey("key_1", "org_a", "ci", Role.ADMIN, STAMP)
    stores.run(repo.insert_key(key, "hash-1"))
    with pytest.raises(DuplicateKey):
        stores.run(repo.insert_key(ApiKey("key_2", "org_a", "", Role.MEMBER, STAMP), "hash-1"))
    assert stores.run(repo.find_key_by_hash("hash-1")) == key
    assert stores.run(repo.find_key("key_1")) == key and stores.run(repo.find_key("key_2")) is None
    stores.run(repo.set_role("key_1", Role.OPERATOR))
    assert stores.run(repo.find_key_by_hash("hash-1")) == ApiKey("key_1", "org_a", "ci", Role.OPERATOR, STAMP)
    assert stores.run(repo.delete_key("key_1")) is True
    assert stores.run(repo.delete_key("key_1")) is False
    assert stores.run(repo.find_key_by_hash("hash-1")) is None
    assert stores.full_scans(recorded) == {}
