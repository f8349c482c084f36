"""Namespaces, scoped by organization. Each document carries a revision `_rev` that every change of
its enabled extractors is conditioned on, and that CreateCollection bumps once it has inserted a
collection: so of an UpdateNamespace disabling an extractor and a CreateCollection using it, one
always sees the other (see NamespaceUseCases.update and CollectionUseCases.create)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pymongo.errors
from pymongo import ReturnDocument

from server.storage.errors import Conflict, DuplicateKey
from server.storage.portable import with_sort_keys
from server.storage.repository import Repository


def _at_revision(doc: dict[str, Any]) -> dict[str, Any]:
    # Documents written before revisions existed have none until their first change.
    return {"_rev": doc["_rev"]} if "_rev" in doc else {"_rev": {"$exists": False}}


class NamespaceRepository(Repository):
    collection_name = "namespaces"
    scope_key = "_org"
    name_field = "namespace_name"
    id_prefix = "ns"

    async def contents_totals(self, namespace_ids: list[str]) -> dict[str, Counter[str]]:
        return await self.counters.namespace_totals(namespace_ids)

    async def all_ids(self) -> set[str]:
        """Every namespace ID, across organizations (for the start-up sweep)."""
        return {doc["_id"] async for doc in self.collection.find({}, {"_id": 1})}

    async def update_at_revision(self, scope: dict[str, str], doc: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any] | None:
        """Sets the fields if the namespace is still at the revision `doc` was read at, and bumps it.
        Returns the document after the change, None if it is gone; raises Conflict if it changed."""
        query = {**scope, "_id": doc["_id"]}
        try:
            result = await self.collection.update_one({**query, **_at_revision(doc)}, {"$set": with_sort_keys(dict(changes)), "$inc": {"_rev": 1}})
        except pymongo.errors.DuplicateKeyError as exc:
            raise DuplicateKey(str(exc)) from exc
        if result.matched_count == 0:
            if await self.exists(scope, doc["_id"]):
                raise Conflict(f"namespace {doc['_id']} changed since it was read")
            return None
        return await self.collection.find_one(query)

    async def bump_revision(self, scope: dict[str, str], namespace_id: str) -> dict[str, Any] | None:
        """Bumps the revision in one atomic write; the document as it is after it, or None if gone."""
        return await self.collection.find_one_and_update({**scope, "_id": namespace_id}, {"$inc": {"_rev": 1}}, return_document=ReturnDocument.AFTER)
