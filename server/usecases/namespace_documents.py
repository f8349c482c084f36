"""Mixpeek's namespace-level Documents API (`/v1/documents/...`): documents addressed by ID alone,
whichever collection of the namespace (the `x-namespace` header) holds them. A namespace's
documents share its vector store, so a document ID of another namespace, or of another
organization's, is simply not found there."""

from __future__ import annotations

import asyncio
import builtins
from dataclasses import dataclass
from typing import Any

from server.domain.collections import DocumentFields
from server.domain.documents import Document
from server.domain.errors import DomainError, FieldViolation, InvalidArgument, NotFound, Violations
from server.domain.filters import Condition, simple_field
from server.storage.documents import DocumentStore
from server.usecases.auth import Principal
from server.usecases.collections import CollectionUseCases
from server.usecases.documents import DocumentUseCases, document_json
from server.usecases.listing import ListResult
from server.usecases.namespaces import NamespaceUseCases

MAX_BATCH_GET = 1000  # document IDs per batch-get
MAX_COLLECTION_IDS = 100  # collections one list may name
MAX_BATCH_QUERIES = 10  # queries per batch list
MAX_KEY_CHARS = 128


@dataclass(frozen=True)
class NamespaceList:
    """A page of the namespace's documents, and the requested collections that do not exist."""

    page: ListResult
    unknown_collection_ids: list[str]


class NamespaceDocumentUseCases:
    def __init__(self, store: DocumentStore, documents: DocumentUseCases, collections: CollectionUseCases, namespaces: NamespaceUseCases):
        self._store = store
        self._documents = documents
        self._collections = collections
        self._namespaces = namespaces

    async def _find(self, principal: Principal, header: str | None, document_id: str, with_vectors: bool) -> Document:
        if not document_id:
            raise InvalidArgument([FieldViolation("document_id", "is required")])
        namespace_id = await self._namespaces.resolve_id(principal, header)
        found = (await self._store.get(namespace_id, None, [document_id], vectors=with_vectors)).get(document_id)
        if found is None:
            raise NotFound("document", document_id, f"Document '{document_id:.100}' not found in namespace '{namespace_id}'.")
        return found

    async def get(self, principal: Principal, header: str | None, document_id: str, with_vectors: bool) -> dict[str, Any]:
        return document_json(await self._find(principal, header, document_id, with_vectors), with_vectors)

    async def update(self, principal: Principal, header: str | None, document_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """As the collection's UpdateDocument, on the collection that holds the document."""
        found = await self._find(principal, header, document_id, False)
        return await self._documents.update(principal, header, found.collection_id, document_id, changes)

    async def batch_get(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """The documents with these IDs, in the order asked (each once), and the IDs not found."""
        ids = request.get("document_ids") or []
        problems = Violations()
        if not 1 <= len(ids) <= MAX_BATCH_GET:
            problems.add("document_ids", f"has {len(ids)} IDs; send 1-{MAX_BATCH_GET}")
        for index, ident in enumerate(ids[:MAX_BATCH_GET]):
            if not ident:
                problems.add(f"document_ids[{index}]", "is empty")
        problems.raise_if_any()
        namespace_id = await self._namespaces.resolve_id(principal, header)
        found = await self._store.get(namespace_id, None, ids)
        asked = list(dict.fromkeys(ids))
        return {
            "documents": [document_json(found[i], False) for i in asked if i in found],
            "not_found": [i for i in asked if i not in found],
        }

    async def list(self, principal: Principal, header: str | None, request: dict[str, Any]) -> NamespaceList:
        """A page of the documents of the namespace's collections, or of those `collection_ids`
        names (by ID or name); filters are not checked against a schema, the collections' differ.
        Names of no collection are answered in `unknown_collection_ids`, or NOT_FOUND when none is
        a collection."""
        idents = list(dict.fromkeys(request.get("collection_ids") or []))
        if len(idents) > MAX_COLLECTION_IDS:
            raise InvalidArgument([FieldViolation("collection_ids", f"has {len(idents)} collections; at most {MAX_COLLECTION_IDS}")])
        namespace_id = await self._namespaces.resolve_id(principal, header)
        known: list[str] = []
        unknown: list[str] = []
        for ident in idents:
            try:
                known.append((await self._collections.get(principal, header, ident))["_id"])
            except NotFound:
                unknown.append(ident)
        if idents and not known:
            raise NotFound("collection", ", ".join(unknown), f"No collection of the namespace is named {', '.join(unknown)}.")
        scope = Condition(simple_field("collection_id", "string"), "in", known, True) if known else None
        return NamespaceList(await self._documents.page(namespace_id, None, DocumentFields(None), request, scope), unknown)

    async def batch_list(self, principal: Principal, header: str | None, request: dict[str, Any]) -> builtins.list[tuple[str, NamespaceList | str]]:
        """Each query's page, or its error in words, by key, in the order asked (run together)."""
        queries = request.get("queries") or []
        problems = Violations()
        if not 1 <= len(queries) <= MAX_BATCH_QUERIES:
            problems.add("queries", f"has {len(queries)} queries; send 1-{MAX_BATCH_QUERIES}")
        for index, query in enumerate(queries):
            if not 1 <= len(query.get("key") or "") <= MAX_KEY_CHARS:
                problems.add(f"queries[{index}].key", f"must be 1-{MAX_KEY_CHARS} characters")
        problems.raise_if_any()

        async def one(query: dict[str, Any]) -> NamespaceList | str:
            try:
                return await self.list(principal, header, query.get("request") or {})
            except DomainError as error:
                return error.message

        answers = await asyncio.gather(*(one(q) for q in queries))
        return [(q["key"], answer) for q, answer in zip(queries, answers, strict=True)]
