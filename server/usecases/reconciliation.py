"""Objects against documents for one collection (Mixpeek's collection reconciliation): which of the
source objects the collection covers have at least one document in it, and which do not, and why
(a recorded processing failure, or none: never processed, or processed into no document).

The source objects are the ones processing reads: the collection's buckets' objects under its key
prefix that its source filters select, or, for a collection that reads a collection, the root
objects of that collection's documents. Both sides are read in full, so each is capped: at most
MAX_SOURCES source objects and MAX_DOCUMENTS documents (a larger collection is INVALID_ARGUMENT
saying so, as costly document queries are)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from server.domain import clock, filters
from server.domain.collections import source_fields
from server.domain.errors import FieldViolation, InvalidArgument, Violations
from server.storage.documents import SCAN_PAGE, DocumentStore
from server.storage.objects import ObjectRepository
from server.storage.tasks import TaskRepository
from server.usecases.auth import Principal
from server.usecases.collections import CollectionUseCases

MAX_SOURCES = 50_000
MAX_DOCUMENTS = 200_000
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
_PAGE = 1000  # objects per MongoDB read


@dataclass(frozen=True)
class _Source:
    object_id: str
    bucket_id: str
    created_at: str = ""


def _too_large(what: str) -> InvalidArgument:
    return InvalidArgument(
        [FieldViolation("collection_id", f"{what}; a reconciliation reads at most {MAX_SOURCES} source objects and {MAX_DOCUMENTS} documents")],
        reason="QUERY_TOO_COSTLY",
    )


class ReconciliationUseCases:
    def __init__(self, collections: CollectionUseCases, objects: ObjectRepository, documents: DocumentStore, tasks: TaskRepository):
        self._collections = collections
        self._objects = objects
        self._documents = documents
        self._tasks = tasks

    async def reconcile(self, principal: Principal, header: str | None, ident: str, limit: int | None) -> dict[str, Any]:
        if limit is not None and not 1 <= limit <= MAX_LIMIT:
            raise InvalidArgument([FieldViolation("limit", f"must be 1-{MAX_LIMIT}")])
        cap = limit or DEFAULT_LIMIT
        collection = await self._collections.get(principal, header, ident)
        scope = {"_org": principal.organization_id, "_ns": collection["namespace_id"]}
        sources = await self._sources(scope, collection)
        produced, document_count = await self._roots(collection["namespace_id"], collection["_id"])
        missing = [s for s in sources if s.object_id not in produced]
        listed = missing[:cap]
        failures = await self._tasks.failures_of_roots(collection["_id"], [s.object_id for s in listed])
        now = time.time()
        return {
            "collection_id": collection["_id"],
            "source_object_count": len(sources),
            "produced_object_count": len(sources) - len(missing),
            "document_count": document_count,
            "delta": len(missing),
            "discrepancies": [
                {
                    "object_id": s.object_id,
                    "bucket_id": s.bucket_id,
                    "reason": "failed" if s.object_id in failures else "no_document",
                    "status": "failed" if s.object_id in failures else "unprocessed",
                    "error": failures.get(s.object_id, ""),
                    **({"age_seconds": round(now - clock.to_millis(s.created_at) / 1000, 3)} if s.created_at else {}),
                }
                for s in listed
            ],
            "discrepancies_truncated": len(missing) > cap,
            "limit": cap,
        }

    async def _sources(self, scope: dict[str, str], collection: dict[str, Any]) -> list[_Source]:
        """The source objects the collection covers, in object ID order."""
        source = collection.get("source") or {}
        if source.get("type") == "collection":
            roots, _ = await self._roots(collection["namespace_id"], str(source.get("collection_id")), with_buckets=True)
            return [_Source(object_id, bucket_id) for object_id, bucket_id in sorted(roots.items())]
        problems = Violations()
        where = filters.parse(source.get("filters"), source_fields("bucket", collection.get("input_schema")), "source.filters", problems)
        problems.raise_if_any()  # checked when the collection was created
        found: list[_Source] = []
        after: str | None = ""
        while after is not None:
            objects, after = await self._objects.in_order(
                scope, source.get("bucket_ids") or [source.get("bucket_id")], prefix=str(source.get("prefix_key") or ""), object_ids=[], where=where, after=after, limit=_PAGE
            )
            found += [_Source(o["_id"], o["_bucket"], str(o.get("created_at") or "")) for o in objects]
            if len(found) > MAX_SOURCES:
                raise _too_large(f"the collection's source has more than {MAX_SOURCES} objects")
        return found

    async def _roots(self, namespace_id: str, collection_id: str, *, with_buckets: bool = False) -> tuple[dict[str, str], int]:
        """The root objects of a collection's documents (with their buckets), and its document count."""
        roots: dict[str, str] = {}
        count = 0
        after: str | None = None
        while True:
            documents, after = await self._documents.scroll(namespace_id, collection_id, after=after, limit=SCAN_PAGE)
            count += len(documents)
            if count > MAX_DOCUMENTS:
                raise _too_large(f"collection {collection_id} has more than {MAX_DOCUMENTS} documents")
            for document in documents:
                roots[document.lineage.root_object_id] = document.lineage.root_bucket_id if with_buckets else ""
            if after is None:
                return roots, count
