"""The repository interfaces the use cases depend on. The MongoDB adapters (server.storage.*
Repository classes) implement them; tests/contract runs one contract suite per interface against
each adapter and server available (nx-27017 always, a real MongoDB when `MONGODB_URI` is set).

Documents are the stored shape: the public (Mixpeek-shaped) fields plus internal `_`-prefixed keys
(`_id`, `_org`, `_ns`, ...). A scope names where a call may look: `{"_org": ...}` for namespaces,
`{"_org": ..., "_ns": ...}` for what lives in a namespace (objects add `"_bucket"`). Names are unique
per scope: a write that would duplicate one raises server.storage.errors.DuplicateKey."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from server.domain.accounts import ApiKey, Organization, Role
from server.domain.filters import Node
from server.domain.paging import PageParams
from server.storage.paging import Page

Document = dict[str, Any]
Scope = dict[str, str]


class ScopedContents(Protocol):
    """Resources that live in a namespace, emptied with it."""

    collection_name: str

    async def delete_scope(self, scope: Scope) -> int:
        """Deletes everything in a namespace's scope; returns how many."""
        ...

    async def delete_outside(self, namespace_ids: list[str]) -> int:
        """Deletes everything whose namespace is not one of these (orphans of an interrupted delete)."""
        ...


class Pageable(Protocol):
    async def page(self, scope: Scope, node: Node | None, params: PageParams) -> Page:
        """One page of the scope narrowed by the filter `node`, bounded in items and bytes (see
        server.storage.paging), with the total when `params` asks for it."""
        ...


class Resources(Pageable, Protocol):
    """Resources named uniquely within a scope, found by ID or name."""

    async def insert(self, doc: Document) -> None: ...

    async def find(self, scope: Scope, ident: str) -> Document | None:
        """By ID when `ident` has the shape of this resource's IDs (and such an ID exists), else by name."""
        ...

    async def exists(self, scope: Scope, resource_id: str) -> bool: ...

    async def update(self, scope: Scope, resource_id: str, changes: Document) -> Document | None:
        """Sets the fields; the document as written, or None if it is gone."""
        ...

    async def delete(self, scope: Scope, resource_id: str) -> bool: ...


class Namespaces(Resources, Protocol):
    """Namespaces carry a revision `_rev` that changes of their extractors are conditioned on."""

    async def all_ids(self) -> set[str]:
        """Every namespace ID, across organizations (start-up sweeps)."""
        ...

    async def contents_totals(self, namespace_ids: list[str]) -> dict[str, Counter[str]]:
        """Per namespace, its resources counted by kind (`buckets`, `collections`, `objects`, ...),
        from the counters kept with each write."""
        ...

    async def update_at_revision(self, scope: Scope, doc: Document, changes: Document) -> Document | None:
        """Sets the fields and bumps the revision if it is still the one `doc` was read at; the
        document as written, None if it is gone; server.storage.errors.Conflict if it changed."""
        ...

    async def bump_revision(self, scope: Scope, namespace_id: str) -> Document | None:
        """Bumps the revision; the document after it, or None if it is gone."""
        ...


class Buckets(Resources, ScopedContents, Protocol):
    pass


class Objects(Pageable, ScopedContents, Protocol):
    """Bucket objects: IDs only, scoped by namespace and bucket (`_bucket`)."""

    async def insert(self, doc: Document) -> None: ...

    async def update(self, scope: Scope, resource_id: str, changes: Document) -> Document | None:
        """Sets the fields (never the blobs, which the byte counter sums); the document as
        written, or None if it is gone."""
        ...

    async def get(self, scope: Scope, object_id: str) -> Document | None: ...

    async def delete(self, scope: Scope, resource_id: str) -> bool: ...

    async def delete_bucket(self, scope: Scope, bucket_id: str) -> int:
        """Deletes every object of a bucket; returns how many."""
        ...

    async def find_by_content(self, scope: Scope, content: str) -> Document | None:
        """An object of the bucket whose `_content` (the hash of its blobs) is this one."""
        ...

    async def bucket_totals(self, bucket_ids: list[str]) -> dict[str, tuple[int, int]]:
        """(object count, inline blob bytes) of each of these buckets, kept with the object writes."""
        ...

    async def in_order(
        self, scope: Scope, bucket_ids: Sequence[str], *, prefix: str, object_ids: list[str], where: Node | None, after: str, limit: int
    ) -> tuple[list[Document], str | None]:
        """The matching objects among the next `limit` of the buckets in ID order after `after`, and
        the last ID looked at (None: no more)."""
        ...


class Collections(Resources, ScopedContents, Protocol):
    async def all_in(self, scope: Scope) -> list[Document]:
        """Every collection of a namespace (lineage walks, reconfigure planning)."""
        ...

    async def reading(self, scope: Scope, source_type: str, source_id: str) -> list[Document]:
        """The collections whose source is this bucket or collection (`_id`, `collection_name`)."""
        ...

    async def using_extractors(self, scope: Scope, extractor_ids: list[str]) -> list[Document]:
        """The collections that apply any of these extractors (`_id`, `collection_name`, `_extractors`)."""
        ...

    async def modify(self, scope: Scope, doc: Document, change: Callable[[Document], Document], attempts: int = 5) -> Document | None:
        """Applies `change` (current document -> fields to set) with compare-and-swap on `_rev`,
        re-reading and retrying on a conflict; the document as written, or None if it is gone."""
        ...

    async def mark_failed(self, scope: Scope, ids: list[str], message: str, now: str) -> list[str]:
        """Disables these collections and marks them FAILED; returns those that still existed."""
        ...


class Executions(ScopedContents, Protocol):
    """Records of retriever executions (see server.storage.executions): written once, read while
    unexpired (`now_ms` before their `_expires_ms`), pruned per organization."""

    async def insert_many(self, docs: list[Document]) -> None: ...

    async def find(self, scope: Scope, execution_id: str, now_ms: int) -> Document | None: ...

    async def page(self, scope: Scope, node: Node | None, params: PageParams, now_ms: int) -> Page: ...

    async def prune(self, organization_id: str, keep: int, now_ms: int) -> int:
        """Deletes the organization's expired records and all but its `keep` newest; how many."""
        ...


class Accounts(Protocol):
    """Organizations and their API keys (stored as SHA-256 hashes only)."""

    async def insert_organization(self, organization: Organization) -> None: ...

    async def ensure_organization(self, organization: Organization) -> None:
        """Creates the organization unless one with its ID exists."""
        ...

    async def find_organization(self, organization_id: str) -> Organization | None: ...

    async def insert_key(self, key: ApiKey, key_hash: str) -> None:
        """DuplicateKey when a key with that hash exists."""
        ...

    async def find_key_by_hash(self, key_hash: str) -> ApiKey | None: ...

    async def find_key(self, key_id: str) -> ApiKey | None: ...

    async def set_role(self, key_id: str, role: Role) -> None: ...

    async def delete_key(self, key_id: str) -> bool:
        """Deletes the key; whether there was one."""
        ...


class Operations(Protocol):
    """Long-running operations and the per-namespace lock they hold while running (see
    server.storage.operations for the lock and lease rules every adapter keeps)."""

    async def start(self, doc: Document) -> None:
        """Inserts a running operation holding its namespace's lock; DuplicateKey if one runs."""
        ...

    async def get(self, operation_id: str) -> Document | None: ...

    async def running_in(self, namespace_id: str) -> Document | None: ...

    async def all_running(self) -> list[Document]: ...

    async def of_namespace(self, namespace_id: str) -> list[Document]:
        """Every operation of a namespace, oldest first."""
        ...

    async def take_over(self, op: Document, owner: str, now: float, lease_until: float) -> Document | None:
        """Claims a running operation whose lease expired before `now`; the claimed document, or
        None if another process renewed or claimed it first."""
        ...

    async def advance(self, operation_id: str, owner: str, changes: Document) -> bool:
        """Records progress; False if `owner` no longer owns the running operation."""
        ...

    async def finish(self, operation_id: str, owner: str | None, state: str, changes: Document) -> bool:
        """Ends the operation (`owner` None: whoever owns it) and frees its namespace's lock."""
        ...
