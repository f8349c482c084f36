"""Namespaces, scoped by organization."""

from server.storage.repository import Repository


class NamespaceRepository(Repository):
    collection_name = "namespaces"
    scope_key = "_org"
    name_field = "namespace_name"
    id_prefix = "ns"

    async def all_ids(self) -> set[str]:
        """Every namespace ID, across organizations (for the start-up sweep)."""
        return {doc["_id"] async for doc in self.collection.find({}, {"_id": 1})}
