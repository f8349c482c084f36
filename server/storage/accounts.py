"""Organizations and their API keys. Keys are stored as SHA-256 hashes only."""

from __future__ import annotations

from typing import Any

import pymongo
import pymongo.errors
from pymongo.asynchronous.database import AsyncDatabase

from server.storage.errors import DuplicateKey


class AccountRepository:
    def __init__(self, db: AsyncDatabase):
        self.organizations = db["organizations"]
        self.api_keys = db["api_keys"]

    async def ensure_indexes(self) -> None:
        await self.api_keys.create_index("_key_hash", unique=True, name="api_keys_unique_hash")

    async def insert_organization(self, doc: dict[str, Any]) -> None:
        await self.organizations.insert_one(doc)

    async def ensure_organization(self, doc: dict[str, Any]) -> None:
        """Creates the organization unless it exists (same _id)."""
        await self.organizations.update_one({"_id": doc["_id"]}, {"$setOnInsert": doc}, upsert=True)

    async def find_organization(self, organization_id: str) -> dict[str, Any] | None:
        return await self.organizations.find_one({"_id": organization_id})

    async def insert_key(self, doc: dict[str, Any]) -> None:
        try:
            await self.api_keys.insert_one(doc)
        except pymongo.errors.DuplicateKeyError as exc:
            raise DuplicateKey(str(exc)) from exc

    async def find_key_by_hash(self, key_hash: str) -> dict[str, Any] | None:
        return await self.api_keys.find_one({"_key_hash": key_hash})

    async def delete_key(self, key_id: str) -> dict[str, Any] | None:
        return await self.api_keys.find_one_and_delete({"_id": key_id})
