"""Collections, in the namespace named by the `x-namespace` header.

vecplane keeps a collection's documents only as points in the namespace's Qdrant collection, tagged
with the payload field `collection_id`; there is no MongoDB store of documents. MongoDB holds the
collection definitions. So deleting a collection deletes its points, and that is all its documents.

Round trips (MongoDB commands) per call, which tests assert: GetCollection 1 (the header's
namespace is taken from the cache, or used as the scope directly when it is ID-shaped);
CreateCollection 6 (namespace, source, insert, the namespace's collection counter, then at once the
namespace revision bump and the source re-check)."""

from __future__ import annotations

import asyncio
import builtins
import dataclasses
import logging
from collections.abc import Callable, Mapping
from typing import Any

from cachetools import LRUCache

from server.domain import clock
from server.domain import collections as rules
from server.domain import namespaces as namespace_rules
from server.domain.errors import (
    Aborted,
    AlreadyExists,
    DomainError,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
)
from server.domain.extractors import Catalogue, enabled_ids
from server.domain.ids import new_id
from server.domain.namespaces import NamespaceUpdate
from server.domain.paging import Cursors
from server.domain.retrieval import collection_features
from server.extractors.registry import Availability
from server.faults import Faults
from server.storage.documents import DocumentStore
from server.storage.errors import Conflict, DuplicateKey
from server.storage.repositories import Buckets, Collections, Resources
from server.storage.vectors import VectorStore
from server.usecases.auth import Principal
from server.usecases.document_counts import DocumentCounts
from server.usecases.extraction import refuse_unrunnable
from server.usecases.listing import ListResult, list_page, list_params
from server.usecases.namespaces import NamespaceUseCases
from server.usecases.readers import delete_read_source

NamingListener = Callable[[str, str, str], None]

log = logging.getLogger(__name__)

VECTOR_STORE_FAULT = "collections.create.vector_store"
AFTER_INSERT_FAULT = "collections.create.after_insert"


class CollectionUseCases:
    def __init__(
        self,
        collections: Collections,
        buckets: Buckets,
        namespaces: NamespaceUseCases,
        vectors: VectorStore,
        catalogue: Catalogue,
        faults: Faults | None = None,
        *,
        cursors: Cursors,
        documents: DocumentStore,
        extractors: Mapping[str, Availability] | None = None,
    ):
        self._cursors = cursors
        self._documents = documents
        self._counts = DocumentCounts(documents)
        self._collections = collections
        self._extractors = extractors
        self._buckets = buckets
        self._namespaces = namespaces
        self._vectors = vectors
        self._catalogue = catalogue
        self._faults = faults or Faults()
        # Payload indexes this process ensured beyond the namespace's own, by namespace ID (bounded).
        self._ensured_indexes: LRUCache[str, set[tuple[str, str]]] = LRUCache(maxsize=10_000)
        self._naming_listeners: list[NamingListener] = []

    def on_named(self, listener: NamingListener) -> None:
        """`listener(namespace ID, collection ID, name)` hears of each collection created or renamed
        here (the retrieval cache resolves invalidation events by name at write time)."""
        self._naming_listeners.append(listener)

    def _named(self, collection: Mapping[str, Any]) -> None:
        for listener in self._naming_listeners:
            listener(collection["_ns"], collection["_id"], collection["collection_name"])

    def _source_repository(self, source_type: str) -> Resources:
        return self._buckets if source_type == "bucket" else self._collections

    async def create(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """Checks and plans the collection (every problem at once), then writes it so that no failure
        leaves a broken collection behind, without transactions:
        1. the vector store is checked (it must hold the extractors' vectors) and given the payload
           indexes it lacks (see `_payload_indexes_to_ensure`): a failure there has written nothing
           in MongoDB, and an index nobody uses yet is harmless (they are idempotent and shared by
           the namespace's collections);
        2. the collection is inserted (the unique index on the name settles concurrent creates);
        3. the namespace's revision is bumped (see below) and the source is read again: if a
           concurrent DeleteBucket/DeleteCollection removed the source between the first read and
           the insert, the new collection is deleted again and the call fails NOT_FOUND (the
           delete's second pass covers the opposite order); likewise ABORTED if DeleteNamespace
           removed the namespace, FAILED_PRECONDITION if UpdateNamespace disabled an extractor."""
        namespace = await self._namespaces.namespace_for(principal, header)
        scope = {"_org": principal.organization_id, "_ns": namespace["_id"]}
        draft = rules.check_request(request, self._catalogue, namespace)
        source = None
        more_sources: builtins.list[dict[str, Any]] = []
        source_type, source_ident = draft.source_type, draft.source_ident
        if source_type is not None and source_ident is not None:
            for ident in (source_ident, *draft.more_source_idents):
                found = await self._source_repository(source_type).find(scope, ident)
                if found is None and not draft.problems:
                    raise NotFound(source_type, ident, f"{source_type.capitalize()} '{ident}' not found in namespace '{namespace['namespace_name']}'.")
                if ident == source_ident:
                    source = found
                elif found is not None:
                    more_sources.append(found)
        collection_id = new_id("col")
        doc = rules.plan(draft, request, source, collection_id=collection_id, namespace_id=namespace["_id"], now=clock.now(), more_sources=more_sources)
        # plan() raised InvalidArgument unless the source was named and found.
        assert source is not None and source_type is not None and source_ident is not None
        if source_type == "collection" and source.get("status") == "FAILED":
            raise FailedPrecondition(
                f"Source collection '{source['collection_name']}' has FAILED ({source.get('status_message', '')}); a collection cannot read from it.",
                reason="SOURCE_FAILED",
            )
        availability = self._extractors or {}
        for extractor_id in rules.extractor_ids(doc):
            definition = self._catalogue.by_id(extractor_id)
            # Built-ins must run here. A plugin may be declared ahead of its code or model (the
            # catalogue says what it needs), so its collections are allowed.
            if definition is not None and definition.data.get("source") == "builtin":
                refuse_unrunnable(extractor_id, availability.get(extractor_id))
        try:
            await self._prepare_vector_store(namespace, doc)
        except DomainError:
            raise
        except Exception:
            # A store that vanished under the call is a concurrent DeleteNamespace's doing.
            if await self._namespaces.exists(principal, namespace["_id"]):
                raise
            raise self._namespace_deleted(namespace) from None
        stored = {"_id": collection_id, **scope, "_extractors": rules.extractor_ids(doc), "_rev": 0, **doc}
        try:
            await self._collections.insert(stored)
        except DuplicateKey:
            raise AlreadyExists("collection", doc["collection_name"]) from None
        await self._faults.hit(AFTER_INSERT_FAULT)
        # The namespace's revision is bumped and the extractors checked again on the answer: an
        # UpdateNamespace disabling one of them either ran before (seen here: undone, refused) or
        # fails its revision check and then sees this collection (refused there).
        # Both in one round trip of latency.
        current, *sources_exist = await asyncio.gather(
            self._namespaces.bump_revision(principal, namespace["_id"]),
            *(self._source_repository(source_type).exists(scope, read["_id"]) for read in (source, *more_sources)),
        )
        disabled = sorted(set(stored["_extractors"]) - set(enabled_ids(current.get("feature_extractors", [])))) if current else []
        source_exists = all(sources_exist)
        if current is None or disabled or not source_exists:
            await self._collections.delete(scope, collection_id)
        if current is None:
            raise self._namespace_deleted(namespace)
        if disabled:
            raise FailedPrecondition(
                f"Feature extractor(s) {', '.join(disabled)} were disabled in namespace '{namespace['namespace_name']}' by a concurrent "
                "UpdateNamespace while the collection was being created; nothing was created.",
                reason="EXTRACTOR_DISABLED",
                metadata={"extractors": ",".join(disabled)},
            )
        if not source_exists:
            if not await self._namespaces.exists(principal, namespace["_id"]):
                raise self._namespace_deleted(namespace)
            gone = next(read["_id"] for read, exists in zip((source, *more_sources), sources_exist, strict=True) if not exists)
            raise NotFound(source_type, gone, f"{source_type.capitalize()} '{gone}' was deleted while the collection was being created.")
        self._named(stored)
        return {**stored, "document_count": 0}

    @staticmethod
    def _namespace_deleted(namespace: dict[str, Any]) -> Aborted:
        return Aborted(
            f"Namespace '{namespace['namespace_name']}' ({namespace['_id']}) was deleted while the collection was being created; nothing was created.",
            reason="NAMESPACE_DELETED",
            metadata={"namespace_id": namespace["_id"]},
        )

    async def _prepare_vector_store(self, namespace: dict[str, Any], doc: dict[str, Any]) -> None:
        actual = await self._vectors.vector_schema(namespace["_id"])
        missing, changed = rules.missing_vectors(rules.required_vectors(doc), actual)
        if missing or changed:
            owners = {v["name"]: v["feature_extractor_id"] for v in doc["vector_indexes"]}
            parts = []
            if missing:
                parts.append("lacks vector(s) " + ", ".join(f"'{n}' ({owners[n]})" for n in missing))
            if changed:
                parts.append("has vector(s) " + ", ".join(f"'{n}' ({owners[n]})" for n in changed) + " with another definition")
            raise FailedPrecondition(
                f"The vector store of namespace '{namespace['namespace_name']}' {' and '.join(parts)}: the extractors are enabled "
                f"but the store was not updated yet. Call Reconfigure (POST /v1/namespaces/{namespace['_id']}/plugins/reconfigure "
                "with {\"confirm\": true}), then create the collection again.",
                reason="RECONFIGURE_REQUIRED",
                metadata={"namespace_id": namespace["_id"], "missing_vectors": ",".join(missing + changed)},
            )
        await self._faults.hit(VECTOR_STORE_FAULT)
        missing_indexes = self._payload_indexes_to_ensure(namespace, doc)
        if missing_indexes:
            await self._vectors.ensure_payload_indexes(namespace["_id"], missing_indexes)
            self._ensured_indexes.setdefault(namespace["_id"], set()).update(missing_indexes)

    def _payload_indexes_to_ensure(self, namespace: dict[str, Any], doc: dict[str, Any]) -> list[tuple[str, str]]:
        """The collection's payload indexes that its namespace's store may lack. Ensuring an index
        is idempotent but not free (local mode rewrites its metadata file each time: 28% of the CPU
        under create load), so it is done once: the namespace's own indexes (system, extractors',
        declared) were ensured when its store was created, updated or rebuilt; the others (an
        extractor's field renamed by `output_mapping`) once per namespace in this process."""
        ensured = set(namespace_rules.all_payload_indexes(namespace, self._namespaces.definitions(namespace)))
        ensured |= self._ensured_indexes.get(namespace["_id"], set())
        wanted = [(p["field_name"], p["type"]) for p in doc["payload_indexes"]]
        return [index for index in wanted if index not in ensured]

    async def _find(self, principal: Principal, header: str | None, ident: str) -> tuple[dict[str, Any], dict[str, str]]:
        if not ident:
            raise InvalidArgument([FieldViolation("collection_id", "is required")])
        found, scope = await self._namespaces.scoped_read(principal, header, lambda s: self._collections.find(s, ident))
        if found is None:
            raise NotFound("collection", ident)
        return found, scope

    async def get(self, principal: Principal, header: str | None, ident: str) -> dict[str, Any]:
        return (await self._counted([(await self._find(principal, header, ident))[0]]))[0]

    async def features(self, principal: Principal, header: str | None, ident: str) -> builtins.list[dict[str, Any]]:
        """The vectors the collection's documents carry, as feature URIs retrievers search."""
        return collection_features((await self._find(principal, header, ident))[0])

    async def list(self, principal: Principal, header: str | None, request: dict[str, Any]) -> ListResult:
        params, node = list_params(request, rules.COLLECTION_SORTABLE, rules.COLLECTION_FIELDS, self._cursors)
        scope = {"_org": principal.organization_id, "_ns": await self._namespaces.resolve_id(principal, header)}
        page = await list_page(self._collections, scope, request, params, self._cursors, rules.COLLECTION_SEARCHABLE, node)
        return dataclasses.replace(page, items=await self._counted(page.items))

    async def _counted(self, collections: builtins.list[dict[str, Any]]) -> builtins.list[dict[str, Any]]:
        """The collections (of one namespace) with their `document_count` (server.usecases.document_counts)."""
        if not collections:
            return collections
        counts = await self._counts.of(collections[0]["namespace_id"], [c["_id"] for c in collections])
        return [{**c, "document_count": counts[c["_id"]]} if c["_id"] in counts else c for c in collections]

    async def update(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        collection, scope = await self._find(principal, header, request.get("collection_id", ""))
        changes = rules.update_changes(request, collection)
        rules.check_enable(collection, changes)
        changes["updated_at"] = clock.now()

        def change(current: dict[str, Any]) -> dict[str, Any]:
            rules.check_enable(current, changes)  # again on the document actually written
            return changes

        try:
            updated = await self._collections.modify(scope, collection, change)
        except DuplicateKey:
            raise AlreadyExists("collection", changes["collection_name"]) from None
        except Conflict:
            raise Aborted(
                f"Collection '{collection['collection_name']}' kept changing under concurrent updates; nothing was written by this one: retry it.",
                reason="CONCURRENT_MODIFICATION",
                metadata={"collection_id": collection["_id"]},
            ) from None
        if updated is None:
            raise NotFound("collection", request["collection_id"])
        if "collection_name" in changes:
            self._named(updated)
        return (await self._counted([updated]))[0]

    async def clone(self, principal: Principal, header: str | None, request: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """A new collection with the definition of `request["collection_id"]` (no documents), created
        as CreateCollection creates one; returns it and the copied collection's ID."""
        found, _ = await self._find(principal, header, request.get("collection_id", ""))
        return await self.create(principal, header, rules.clone_request(found, request)), found["_id"]

    async def delete(self, principal: Principal, header: str | None, ident: str, force: bool) -> dict[str, Any]:
        """Refused while other collections read this one, unless forced (server.usecases.readers).
        The collection's points go before its definition: a failure part-way leaves the collection
        in place (maybe with fewer documents), so the delete can simply be retried; never documents
        without their collection. Forced, the documents of the collections derived from it (its
        readers, theirs, ...) go too: every one of them was made from its documents."""
        collection, scope = await self._find(principal, header, ident)

        async def remove() -> int:
            # Through the document store, which tells the retrieval cache of every write.
            documents = await self._documents.delete_where(scope["_ns"], "collection_id", collection["_id"])
            for derived in rules.derived_collections(collection["_id"], await self._collections.all_in(scope)):
                documents += await self._documents.delete_where(scope["_ns"], "collection_id", derived)
            await self._collections.delete(scope, collection["_id"])
            return documents

        documents, disabled = await delete_read_source(self._collections, scope, "collection", collection["_id"], collection["collection_name"], force, remove)
        text = f"Collection {collection['_id']} deleted with {documents} document(s)"
        text += f"; {len(disabled)} collection(s) disabled and marked FAILED: {', '.join(disabled)}." if disabled else "."
        return {"collection_id": collection["_id"], "documents_deleted": documents, "collections_disabled": disabled, "message": text}

    async def refuse_disabling_used_extractors(self, principal: Principal, namespace: dict[str, Any], update: NamespaceUpdate) -> None:
        """UpdateNamespace guard: an extractor cannot be disabled while collections apply it."""
        if not update.disabled:
            return
        removed = update.disabled
        users = await self._collections.using_extractors({"_org": principal.organization_id, "_ns": namespace["_id"]}, removed)
        if users:
            in_use = sorted({e for c in users for e in c.get("_extractors", []) if e in removed})
            detail = "; ".join(
                f"'{c['collection_name']}' ({c['_id']}) uses {', '.join(sorted(set(c.get('_extractors', [])) & set(removed)))}" for c in users
            )
            raise FailedPrecondition(
                f"Cannot disable feature extractor(s) {', '.join(in_use)} in namespace '{namespace['namespace_name']}': "
                f"collections still use them: {detail}. Delete those collections first.",
                reason="EXTRACTOR_IN_USE",
                metadata={"extractors": ",".join(in_use), "collections": ",".join(c["_id"] for c in users)},
            )
