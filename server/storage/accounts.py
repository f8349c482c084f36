"""Organizations and their API keys. Keys are stored as SHA-256 hashes only."""

from __future__ import annotations

from typing import Any

import pymongo
import pymongo.errors
from pymongo.asynchronous.database import AsyncDatabase

from server.domain.accounts import ApiKey, Organization, Role
from server.storage.errors import DuplicateKey


def _organization(doc: dict[str, Any]) -> Organization:
    return Organization(doc["_id"], doc["organization_name"], doc["created_at"])


def _key(doc: dict[str, Any]) -> ApiKey:
    # Keys written before roles existed carry only `admin`.
    role = Role[doc["role"].upper()] if "role" in doc else Role.ADMIN if doc.get("admin") else Role.MEMBER
    return ApiKey(doc["_id"], doc["organization_id"], doc.get("key_name", ""), role, doc["created_at"])


class AccountRepository:
    def __init__(self, db: AsyncDatabase):
        self.organizations = db["organizations"]
        self.api_keys = db["api_keys"]

    async def ensure_indexes(self) -> None:
        await self.api_keys.create_index("_key_hash", unique=True, name="api_keys_unique_hash")

    @staticmethod
    def _organization_doc(organization: Organization) -> dict[str, Any]:
        return {
            "_id": organization.organization_id,
            "organization_id": organization.organization_id,
            "organization_name": organization.organization_name,
            "created_at": organization.created_at,
        }

    async def insert_organization(self, organization: Organization) -> None:
        await self.organizations.insert_one(self._organization_doc(organization))

    async def ensure_organization(self, organization: Organization) -> None:
        """Creates the organization unless it exists (same ID)."""
        await self.organizations.update_one(
            {"_id": organization.organization_id}, {"$setOnInsert": self._organization_doc(organization)}, upsert=True
        )

    async def find_organization(self, organization_id: str) -> Organization | None:
        doc = await self.organizations.find_one({"_id": organization_id})
        return _organization(doc) if doc else None

    async def insert_key(self, key: ApiKey, key_hash: str) -> None:
        doc = {
            "_id": key.key_id,
            "key_id": key.key_id,
            "organization_id": key.organization_id,
            "key_name": key.key_name,
            "role": key.role.name.lower(),
            "_key_hash": key_hash,
            "created_at": key.created_at,
        }
        try:
            await self.api_keys.insert_one(doc)
        except pymongo.errors.DuplicateKeyError as exc:
            raise DuplicateKey(str(exc)) from exc

    async def find_key_by_hash(self, key_hash: str) -> ApiKey | None:
        doc = await self.api_keys.find_one({"_key_hash": key_hash})
        return _key(doc) if doc else None

    async def find_key(self, key_id: str) -> ApiKey | None:
        doc = await self.api_keys.find_one({"_id": key_id})
        return _key(doc) if doc else None

    async def set_role(self, key_id: str, role: Role) -> None:
        await self.api_keys.update_one({"_id": key_id}, {"$set": {"role": role.name.lower()}, "$unset": {"admin": ""}})

    async def delete_key(self, key_id: str) -> bool:
        return (await self.api_keys.delete_one({"_id": key_id})).deleted_count == 1
