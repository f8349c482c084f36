"""Namespace use cases: create (with its vector store), read, list, update, delete (with everything
in it), and resolving the `x-namespace` header for namespaced calls."""

from __future__ import annotations

import builtins
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from cachetools import TTLCache

from server.domain import clock
from server.domain import namespaces as rules
from server.domain.errors import Aborted, AlreadyExists, FieldViolation, InvalidArgument, NotFound
from server.domain.extractors import Catalogue, ExtractorDefinition
from server.domain.ids import looks_like_id, new_id
from server.domain.paging import Cursors
from server.faults import Faults
from server.storage.errors import Conflict, DuplicateKey
from server.storage.operations import CANCELLED, DONE, FAILED
from server.storage.repositories import Namespaces, Operations, ScopedContents
from server.storage.vectors import VectorStore
from server.usecases.auth import Principal
from server.usecases.listing import ListResult, list_page, list_params

log = logging.getLogger(__name__)

T = TypeVar("T")
UpdateGuard = Callable[[Principal, dict[str, Any], rules.NamespaceUpdate], Awaitable[None]]
UPDATE_ATTEMPTS = 5  # revision conflicts (concurrent updates, CreateCollection) before ABORTED

SORTABLE = {"created_at": "_created_ms", "updated_at": "_updated_ms", "namespace_name": "namespace_name"}
SEARCHABLE = ("namespace_name", "description")
EXTRACTOR_SOURCES = ("", "all", "builtin", "custom")
MAX_STATS_NAMESPACES = 100


class NamespaceUseCases:
    def __init__(
        self,
        namespaces: Namespaces,
        vectors: VectorStore,
        catalogue: Catalogue,
        cache_seconds: float,
        faults: Faults,
        operations: Operations,
        lease_seconds: float = 30.0,
        *,
        cursors: Cursors,
    ):
        self._namespaces = namespaces
        self._cursors = cursors
        self._operations = operations
        self._lease = lease_seconds
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._vectors = vectors
        self._catalogue = catalogue
        self._faults = faults
        self._contents: list[ScopedContents] = []  # repositories of namespaced resources, emptied on delete
        self._update_guards: list[UpdateGuard] = []
        self._ids: TTLCache[tuple[str, str], str] | None = TTLCache(maxsize=10_000, ttl=cache_seconds) if cache_seconds > 0 else None

    def add_contents(self, repository: ScopedContents) -> None:
        """Registers a repository of namespaced resources, so deleting a namespace empties it."""
        self._contents.append(repository)

    def add_update_guard(self, guard: UpdateGuard) -> None:
        """Registers a check run before an update is written: `guard(principal, namespace,
        update)` raises to refuse it (e.g. disabling an extractor that collections still use)."""
        self._update_guards.append(guard)

    def definitions(self, namespace: dict[str, Any]) -> list[ExtractorDefinition]:
        """The catalogue entries of the namespace's enabled extractors (unknown ones skipped)."""
        found, missing = rules.enabled_definitions(self._catalogue, namespace.get("feature_extractors", []))
        if missing:
            log.warning("namespace %s enables %s, which are not in the catalogue", namespace["_id"], ", ".join(missing))
        return found

    def present(self, namespace: dict[str, Any]) -> dict[str, Any]:
        """The namespace as the API returns it: with the vector schema its extractors declare."""
        return {
            **namespace,
            "feature_extractors": rules.presented_extractors(namespace.get("feature_extractors", [])),
            "vector_indexes": rules.vector_indexes(self.definitions(namespace)),
            "mode": "managed",
        }

    async def create(self, principal: Principal, request: dict[str, Any]) -> dict[str, Any]:
        definitions = rules.check_new_namespace(request, self._catalogue)
        namespace_id = new_id("ns")
        now = clock.now()
        doc = {
            "_id": namespace_id,
            "_org": principal.organization_id,
            "namespace_id": namespace_id,
            "namespace_name": request["namespace_name"],
            "description": request.get("description", ""),
            "feature_extractors": rules.stored_extractors(request["feature_extractors"]),
            "payload_indexes": request.get("payload_indexes", []),
            "created_at": now,
            "updated_at": now,
            "_rev": 0,
        }
        # The vector store first: if the insert then fails (name taken, crash), what is left is an
        # unreachable store, swept at the next start, never a namespace without its store.
        vectors = list(rules.desired_vectors(definitions).values())
        try:
            await self._vectors.create_store(namespace_id, vectors, rules.all_payload_indexes(doc, definitions))
            await self._faults.hit("namespaces.create.after_store")
            await self._namespaces.insert(doc)
        except BaseException as exc:
            try:
                await self._vectors.drop_store(namespace_id)
            except Exception:  # e.g. a full disk fails the cleanup too: what is left is swept at start
                log.warning("could not drop the vector store of a namespace that was not created", exc_info=True, extra={"namespace_id": namespace_id})
            if isinstance(exc, DuplicateKey):
                raise AlreadyExists("namespace", request["namespace_name"]) from None
            raise
        return self.present(doc)

    async def find(self, principal: Principal, ident: str, field: str = "namespace_id") -> dict[str, Any]:
        if not ident:
            raise InvalidArgument([FieldViolation(field, "is required")])
        found = await self._namespaces.find({"_org": principal.organization_id}, ident)
        if found is None:
            raise NotFound("namespace", ident)
        return found

    async def get(self, principal: Principal, ident: str) -> dict[str, Any]:
        return self.present(await self.find(principal, ident))

    async def list(self, principal: Principal, request: dict[str, Any]) -> ListResult:
        params, node = list_params(request, SORTABLE, rules.NAMESPACE_FIELDS, self._cursors)
        result = await list_page(self._namespaces, {"_org": principal.organization_id}, request, params, self._cursors, SEARCHABLE, node)
        return ListResult([self.present(item) for item in result.items], result.pagination, result.total)

    async def update(self, principal: Principal, request: dict[str, Any], *, append_extractors: bool = False) -> dict[str, Any]:
        """Checks the update (server.domain.namespaces.update_changes), runs the guards, and writes
        it at the revision it was checked against. A concurrent change (another update, or a
        CreateCollection that bumped the revision) makes it check again from a fresh read. With
        `append_extractors` (PATCH) the extractors sent are enabled besides the current ones."""
        scope = {"_org": principal.organization_id}
        for _attempt in range(UPDATE_ATTEMPTS):
            namespace = await self.find(principal, request.get("namespace_id", ""))
            update = rules.update_changes(request, namespace, self._catalogue, append_extractors=append_extractors)
            for guard in self._update_guards:
                await guard(principal, namespace, update)
            changes = update.changes
            if "payload_indexes" in changes or "feature_extractors" in changes:
                # New indexes first: an index nobody filters on yet is harmless if the update then fails.
                await self._vectors.ensure_payload_indexes(namespace["_id"], rules.all_payload_indexes({**namespace, **changes}, update.definitions))
            try:
                updated = await self._namespaces.update_at_revision(scope, namespace, {**changes, "updated_at": clock.now()})
            except DuplicateKey:
                raise AlreadyExists("namespace", changes["namespace_name"]) from None
            except Conflict:
                continue
            if updated is None:
                raise NotFound("namespace", request["namespace_id"])
            self._forget(principal, namespace)
            return self.present(updated)
        raise Aborted(
            f"Namespace '{request['namespace_id']}' kept changing while it was being updated ({UPDATE_ATTEMPTS} attempts); retry.",
            reason="CONCURRENT_MODIFICATION",
        )

    async def extractors(self, principal: Principal, ident: str, source: str = "") -> tuple[str, builtins.list[ExtractorDefinition]]:
        """The namespace's ID and the catalogue entries of its enabled extractors, of one `source`
        (`builtin`, `custom`, or all when empty or `all`)."""
        if source not in EXTRACTOR_SOURCES:
            raise InvalidArgument([FieldViolation("source", f"{source!r} is not a source; one of builtin, custom, all")])
        namespace = await self.find(principal, ident)
        return namespace["_id"], [d for d in self.definitions(namespace) if source in ("", "all") or d.data.get("source") == source]

    async def stats(self, principal: Principal, idents: builtins.list[str]) -> dict[str, dict[str, Any]]:
        """Counts of each namespace (by ID or name) the caller can see, by its ID: buckets,
        collections and objects from the counters kept with each write, documents from the vector
        store (a store that cannot be counted now says `document_count_complete: false`)."""
        if not idents:
            raise InvalidArgument([FieldViolation("namespace_ids", "is required: at least one namespace ID")])
        if len(idents) > MAX_STATS_NAMESPACES:
            raise InvalidArgument([FieldViolation("namespace_ids", f"{len(idents)} namespaces; at most {MAX_STATS_NAMESPACES} per call")])
        found = [await self._namespaces.find({"_org": principal.organization_id}, ident) for ident in dict.fromkeys(idents)]
        ids = [n["_id"] for n in found if n is not None]
        totals = await self._namespaces.contents_totals(ids)
        out = {}
        for namespace_id in ids:
            try:
                documents, complete = await self._vectors.count(namespace_id), True
            except Exception:
                log.warning("could not count a namespace's documents", extra={"namespace_id": namespace_id}, exc_info=True)
                documents, complete = 0, False
            out[namespace_id] = {
                "namespace_id": namespace_id,
                "document_count": documents,
                "document_count_complete": complete,
                "bucket_count": totals[namespace_id]["buckets"],
                "collection_count": totals[namespace_id]["collections"],
                "object_count": totals[namespace_id]["objects"],
            }
        return out

    async def ensure_indexes(self, principal: Principal, ident: str, force_rebuild: bool) -> dict[str, Any]:
        """Creates the payload indexes the namespace declares that its vector store lacks."""
        if force_rebuild:
            raise InvalidArgument([FieldViolation("force_rebuild", "is not supported: payload indexes are kept with every write, so there is nothing to rebuild; leave it out to create any missing index")])
        namespace = await self.find(principal, ident)
        declared = rules.all_payload_indexes(namespace, self.definitions(namespace))
        before = await self._vectors.payload_indexes(namespace["_id"])
        await self._vectors.ensure_payload_indexes(namespace["_id"], declared)
        created = [field for field, _kind in declared if field not in before]
        return {
            "namespace_id": namespace["_id"],
            "ensured": [field for field, _kind in declared],
            "created": created,
            "message": f"{len(declared)} payload index(es) present; {len(created)} created.",
        }

    async def bump_revision(self, principal: Principal, namespace_id: str) -> dict[str, Any] | None:
        """Bumps the namespace's revision and returns it as it is now (None if it was deleted). A
        CreateCollection calls this after inserting its collection and checks the extractors it uses
        against the answer; an UpdateNamespace that read the namespace before writes at a revision
        that no longer exists, so it re-checks and sees the new collection."""
        return await self._namespaces.bump_revision({"_org": principal.organization_id}, namespace_id)

    async def exists(self, principal: Principal, namespace_id: str) -> bool:
        return await self._namespaces.exists({"_org": principal.organization_id}, namespace_id)

    async def delete(self, principal: Principal, ident: str) -> dict[str, Any]:
        """Deletes the namespace while holding its operation lock (server.storage.operations), so it
        never runs alongside a Reconfigure: one of them waits for nothing and is ABORTED instead, and
        a Reconfigure never re-creates a store for a deleted namespace."""
        namespace = await self.find(principal, ident)
        op_id = await self._lock_for_delete(principal, namespace)
        try:
            # The namespace document first: once it is gone nothing can reach what it held, so a
            # crash part-way leaves unreachable leftovers (swept at the next start), never a broken
            # namespace.
            await self._namespaces.delete({"_org": principal.organization_id}, namespace["_id"])
            self._forget(principal, namespace)
            await self._faults.hit("namespaces.delete.after_document")
            scope = {"_org": principal.organization_id, "_ns": namespace["_id"]}
            removed = {repo.collection_name: await repo.delete_scope(scope) for repo in self._contents}
            await self._vectors.drop_store(namespace["_id"])
        except BaseException as error:
            with contextlib.suppress(Exception):  # the lease runs out anyway if this fails too
                await self._operations.finish(op_id, self.owner, FAILED, {"step": "failed", "last_error": f"{type(error).__name__}: {error}"})
            raise
        await self._operations.finish(op_id, self.owner, DONE, {"step": "done"})
        counts = ", ".join(f"{n} {kind}" for kind, n in removed.items())
        message = f"Namespace {namespace['_id']} deleted" + (f" with {counts}" if counts else "") + " and its vector store."
        return {"namespace_id": namespace["_id"], "message": message}

    async def _lock_for_delete(self, principal: Principal, namespace: dict[str, Any]) -> str:
        """Takes the namespace's operation lock for a delete; returns the operation ID. A running
        operation with a live lease makes the delete ABORTED (naming it); an interrupted one (lease
        expired) is cancelled, since the namespace and its store are about to go anyway."""
        op_id = new_id("op")
        now = clock.now()
        doc = {
            "_id": op_id,
            "_org": principal.organization_id,
            "_ns": namespace["_id"],
            "operation_id": op_id,
            "type": "delete_namespace",
            "owner": self.owner,
            "attempts": 0,
            "step": "deleting",
            "created_at": now,
            "updated_at": now,
        }
        for _attempt in range(3):
            try:
                await self._operations.start({**doc, "lease_expires_at": time.time() + self._lease})
                return op_id
            except DuplicateKey:
                running = await self._operations.running_in(namespace["_id"])
                if running is None:
                    continue  # it ended meanwhile
                if running.get("lease_expires_at", 0) >= time.time():
                    raise busy(running) from None
                claimed = await self._operations.take_over(running, self.owner, time.time(), time.time() + self._lease)
                if claimed is not None:
                    await self._operations.finish(claimed["_id"], self.owner, CANCELLED, {"step": "cancelled", "last_error": "namespace deleted"})
        raise busy(await self._operations.running_in(namespace["_id"]) or {"_id": "?", "_ns": namespace["_id"], "type": "operation"})

    async def resolve_id(self, principal: Principal, header: str | None) -> str:
        """The namespace ID named by an `x-namespace` header (ID or name); cached briefly."""
        if not header:
            raise InvalidArgument([FieldViolation("x-namespace", "header is required: a namespace ID or name")], reason="NAMESPACE_HEADER_MISSING")
        key = (principal.organization_id, header)
        if self._ids is not None and key in self._ids:
            return self._ids[key]
        namespace = await self.find(principal, header, field="x-namespace")
        if self._ids is not None:
            self._ids[key] = namespace["_id"]
        return namespace["_id"]

    async def namespace_for(self, principal: Principal, header: str | None) -> dict[str, Any]:
        """The namespace document named by an `x-namespace` header, in one round trip (and its ID
        remembered for `resolve_id`)."""
        if not header:
            raise InvalidArgument([FieldViolation("x-namespace", "header is required: a namespace ID or name")], reason="NAMESPACE_HEADER_MISSING")
        namespace = await self.find(principal, header, field="x-namespace")
        if self._ids is not None:
            self._ids[(principal.organization_id, header)] = namespace["_id"]
        return namespace

    async def scoped_read(self, principal: Principal, header: str | None, read: Callable[[dict[str, str]], Awaitable[T | None]]) -> tuple[T | None, dict[str, str]]:
        """Runs a read in the namespace named by the header, skipping the namespace lookup when it
        can: a cached header, or one shaped like a namespace ID, is used as the `_ns` scope at once
        (the read's own query carries `_org`, so another organization's namespace ID finds
        nothing). Only when that finds nothing is the header resolved for real: a missing namespace
        is then NOT_FOUND for the namespace, and a namespace *named* like an ID is read by its ID.
        Returns what the read found (or None) and the scope it used."""
        org = principal.organization_id
        if not header:
            raise InvalidArgument([FieldViolation("x-namespace", "header is required: a namespace ID or name")], reason="NAMESPACE_HEADER_MISSING")
        cached = self._ids.get((org, header)) if self._ids is not None else None
        guess = cached or (header if looks_like_id("ns", header) else None)
        if guess is not None:
            scope = {"_org": org, "_ns": guess}
            found = await read(scope)
            if found is not None or cached is not None:
                return found, scope
        namespace_id = await self.resolve_id(principal, header)
        scope = {"_org": org, "_ns": namespace_id}
        if namespace_id == guess:
            return None, scope
        return await read(scope), scope

    async def sweep_orphan_contents(self) -> dict[str, int]:
        """Deletes namespaced resources whose namespace no longer exists (left by a failure between
        the namespace delete and the cleanup of its contents). Run at start, before serving."""
        existing = sorted(await self._namespaces.all_ids())
        removed = {}
        for repository in self._contents:
            count = await repository.delete_outside(existing)
            if count:
                removed[repository.collection_name] = count
        return removed

    def _forget(self, principal: Principal, namespace: dict[str, Any]) -> None:
        if self._ids is not None:
            for ident in (namespace["_id"], namespace["namespace_name"]):
                self._ids.pop((principal.organization_id, ident), None)

    async def sweep_orphan_stores(self) -> builtins.list[str]:
        """Drops vector stores whose namespace no longer exists (left by a crash mid-create or
        mid-delete). Run at start, before serving."""
        existing = await self._namespaces.all_ids()
        orphans = [alias for alias in await self._vectors.store_aliases() if alias not in existing]
        for alias in orphans:
            await self._vectors.drop_store(alias)
        return orphans


def busy(op: dict[str, Any]) -> Aborted:
    """ABORTED for a call that needs the namespace's operation lock while `op` holds it."""
    what = "a delete" if op.get("type") == "delete_namespace" else f"a {op.get('type', 'reconfigure')}"
    return Aborted(
        f"Namespace {op['_ns']} is busy with {what}: operation {op['_id']} "
        f"(started {op.get('created_at', '?')}, step {op.get('step', '?')}). Retry when it has finished.",
        reason="NAMESPACE_DELETE_IN_PROGRESS" if op.get("type") == "delete_namespace" else "RECONFIGURE_IN_PROGRESS",
        metadata={"operation_id": op["_id"], "namespace_id": op["_ns"]},
    )
