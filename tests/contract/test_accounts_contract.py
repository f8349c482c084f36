"""The contract of server.storage.repositories.Accounts: organizations ensured idempotently, keys
unique by hash and found by it, keys deleted once."""

from __future__ import annotations

from typing import Any

import pytest

from server.storage.errors import DuplicateKey
from tests.contract.conftest import Stores


def test_organizations_and_keys(stores: Stores, recorded: list[tuple[str, dict[str, Any]]]) -> None:
    repo = stores.accounts
    org = {"_id": "org_a", "organization_id": "org_a", "organization_name": "a"}
    stores.run(repo.ensure_organization(org))
    stores.run(repo.ensure_organization({**org, "organization_name": "changed"}))
    found_org = stores.run(repo.find_organization("org_a"))
    assert found_org is not None and found_org["organization_name"] == "a"
    stores.run(repo.insert_organization({"_id": "org_b", "organization_id": "org_b", "organization_name": "b"}))
    assert stores.run(repo.find_organization("org_missing")) is None
    key = {"_id": "key_1", "key_id": "key_1", "organization_id": "org_a", "admin": True, "_key_hash": "hash-1"}
    stores.run(repo.insert_key(key))
    with pytest.raises(DuplicateKey):
        stores.run(repo.insert_key({**key, "_id": "key_2", "key_id": "key_2"}))
    found = stores.run(repo.find_key_by_hash("hash-1"))
    assert found is not None and found["_id"] == "key_1" and found["admin"] is True
    deleted = stores.run(repo.delete_key("key_1"))
    assert deleted is not None and deleted["_key_hash"] == "hash-1"
    assert stores.run(repo.delete_key("key_1")) is None
    assert stores.run(repo.find_key_by_hash("hash-1")) is None
    assert stores.full_scans(recorded) == {}
