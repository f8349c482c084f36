"""Collections, scoped by namespace."""

from __future__ import annotations

from typing import Any

from server.storage.repository import Repository


class CollectionRepository(Repository):
    collection_name = "collections"
    scope_key = "_ns"
    name_field = "collection_name"

    async def all_in(self, scope: dict[str, str]) -> list[dict[str, Any]]:
        """Every collection of a namespace (for lineage walks and reconfigure planning)."""
        return await self.collection.find(scope).to_list()
