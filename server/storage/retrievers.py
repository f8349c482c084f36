"""Retrievers, scoped by namespace; names unique per namespace (the base unique index)."""

from __future__ import annotations

from server.storage.repository import Repository


class RetrieverRepository(Repository):
    collection_name = "retrievers"
    scope_key = "_ns"
    name_field = "retriever_name"
    id_prefix = "ret"
