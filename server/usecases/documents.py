"""Documents: writing what processing makes (DocumentWriter: the task engine hands over what a
collection made of a batch of sources, and the writer applies the extractor's
`document_output_handling` with as few vector-store calls as the batch allows), and the Documents
API (DocumentUseCases). server.domain.documents has the rules, server.storage.documents keeps them."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from server.domain import aggregation, clock, diagnostics, filters
from server.domain import document_batches as batches
from server.domain import documents as rules
from server.domain.collections import DocumentFields, required_vectors
from server.domain.documents import Document, OutputHandling, Source
from server.domain.errors import FieldViolation, InvalidArgument, NotFound, Violations
from server.domain.filters import Fields, Node
from server.domain.paging import MAX_PAGE_BYTES, Cursors, PageParams, Position, page_params, value_at
from server.domain.vectors import imported_vectors
from server.storage.documents import SCAN_PAGE, DocumentStore
from server.storage.paging import Page
from server.storage.vectors import SparseVector
from server.usecases.auth import Principal
from server.usecases.collections import CollectionUseCases
from server.usecases.listing import ListResult, pagination


@dataclass(frozen=True)
class Made:
    """The documents a collection made of one source (possibly none)."""

    source: Source
    documents: Sequence[Document]


@dataclass(frozen=True)
class Written:
    upserted: int
    deleted: int


class DocumentWriter:
    def __init__(self, store: DocumentStore):
        self._store = store

    async def write(self, namespace_id: str, collection_id: str, handling: OutputHandling, made: Sequence[Made]) -> Written:
        """Writes what a collection made of some sources: one read of the documents with the same
        IDs (to keep `created_at`, and to merge for `enrich`), one of the sources' documents for
        `replace`, then upserts in batches and the deletes. Repeating a call leaves the same
        documents, so a resumed task may write a batch again."""
        new = [doc for item in made for doc in item.documents]
        existing = await self._store.get(namespace_id, collection_id, (d.document_id for d in new), vectors=handling is OutputHandling.ENRICH)
        of_sources: list[str] = []
        if handling is OutputHandling.REPLACE:
            of_sources = await self._store.ids_of_sources(namespace_id, collection_id, [item.source for item in made])
        plan = rules.plan_write(handling, new, existing, of_sources)
        await self._store.upsert(namespace_id, plan.upserts)
        await self._store.delete(namespace_id, plan.deletes)
        return Written(len(plan.upserts), len(plan.deletes))


log = logging.getLogger(__name__)

MAX_SORTED = 10_000
MAX_ANCESTORS = 100  # the nearest ones of a longer lineage
MAX_DESCENDANTS = 100  # as Mixpeek's
_WRITE_CHUNK = 256  # documents read with their vectors and rewritten at a time by batch updates


def _vector_json(value: Any) -> Any:
    if isinstance(value, SparseVector):
        return {"indices": value.indices, "values": value.values}
    return value


def document_json(doc: Document, with_vectors: bool) -> dict[str, Any]:
    """A document as the API answers it (Mixpeek's DocumentResponse)."""
    out = doc.payload()
    if with_vectors:
        out["_vectors"] = {name: _vector_json(v) for name, v in doc.vectors.items()}
    return out


def _not_found(document_id: str, collection_id: str) -> str:
    return f"Document '{document_id:.100}' not found in collection '{collection_id}'."


def _outcome(document_id: str, done: bool, collection_id: str) -> dict[str, Any]:
    """One document's entry in a batch answer (Mixpeek's BatchDocument*Result)."""
    if done:
        return {"document_id": document_id, "success": True}
    return {"document_id": document_id, "success": False, "error": _not_found(document_id, collection_id)}


class SourceObjects(Protocol):
    """Finds a bucket's object (NOT_FOUND when it, or its bucket, is gone)."""

    async def get_object(self, principal: Principal, header: str | None, bucket_ident: str, object_id: str) -> dict[str, Any]: ...


class DocumentUseCases:
    """The Documents API: a collection's documents, found through the caller's organization and
    namespace (another organization's collection, and so its documents, is NOT_FOUND)."""

    def __init__(self, store: DocumentStore, collections: CollectionUseCases, cursors: Cursors, objects: SourceObjects):
        self._store = store
        self._collections = collections
        self._cursors = cursors
        self._objects = objects

    async def _collection(self, principal: Principal, header: str | None, ident: str) -> tuple[str, str, DocumentFields]:
        if not ident:
            raise InvalidArgument([FieldViolation("collection_id", "is required")])
        collection = await self._collections.get(principal, header, ident)
        return collection["namespace_id"], collection["_id"], DocumentFields(collection.get("output_schema"))

    @staticmethod
    def _filter(raw: Any, fields: DocumentFields, path: str) -> Node | None:
        problems = Violations()
        node = filters.parse(raw, fields, path, problems)
        problems.raise_if_any()
        return node

    async def _document(self, namespace_id: str, collection_id: str, document_id: str, with_vectors: bool) -> Document:
        if not document_id:
            raise InvalidArgument([FieldViolation("document_id", "is required")])
        found = (await self._store.get(namespace_id, collection_id, [document_id], vectors=with_vectors)).get(document_id)
        if found is None:
            raise NotFound("document", document_id, _not_found(document_id, collection_id))
        return found

    async def get(self, principal: Principal, header: str | None, collection: str, document_id: str, with_vectors: bool) -> dict[str, Any]:
        namespace_id, collection_id, _ = await self._collection(principal, header, collection)
        return document_json(await self._document(namespace_id, collection_id, document_id, with_vectors), with_vectors)

    async def create(self, principal: Principal, header: str | None, collection: str, request: dict[str, Any]) -> dict[str, Any]:
        """Makes a document of the fields and precomputed vectors sent (an import of exported
        documents); answers it as `get` does. Nothing is written when anything is refused."""
        if not collection:
            raise InvalidArgument([FieldViolation("collection_id", "is required")])
        found = await self._collections.get(principal, header, collection)
        problems = Violations()
        named = request.get("collection_id")
        if named and named not in (found["_id"], found.get("collection_name")):
            problems.add("collection_id", f"is '{named:.100}', but the path names collection {found['_id']}: leave it out or send the same")
        vectors = imported_vectors(problems, request.get("vectors") or {}, found.get("vector_indexes") or [])
        lineage_ids = {name: str(request[name]) for name in ("root_object_id", "root_bucket_id", "source_object_id") if request.get(name)}
        doc = rules.imported(problems, namespace_id=found["namespace_id"], collection_id=found["_id"], fields=request.get("metadata") or {}, vectors=vectors, lineage_ids=lineage_ids, now=clock.now())
        problems.raise_if_any()
        await self._store.upsert(found["namespace_id"], [doc])
        return await self.get(principal, header, found["_id"], doc.document_id, False)

    async def update(self, principal: Principal, header: str | None, collection: str, document_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        problems = Violations()
        if not changes:
            problems.add("update_data", "is empty: send the fields to change")
        rules.check_field_names(problems, "update_data", changes)
        problems.raise_if_any()
        namespace_id, collection_id, _ = await self._collection(principal, header, collection)
        current = await self._document(namespace_id, collection_id, document_id, True)
        changed = rules.updated(current, changes, clock.now())
        await self._store.upsert(namespace_id, [changed])
        return document_json(changed, False)

    async def delete(self, principal: Principal, header: str | None, collection: str, document_id: str) -> dict[str, Any]:
        namespace_id, collection_id, _ = await self._collection(principal, header, collection)
        await self._document(namespace_id, collection_id, document_id, False)
        await self._store.delete(namespace_id, [document_id])
        return {"message": f"Document {document_id} deleted.", "success": True}

    async def batch_delete(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """Deletes the documents `document_ids` names (each one that is not in the collection is
        reported, the others deleted) or those `filters` matches (at most MAX_MATCHED)."""
        ids: list[str] = list(request.get("document_ids") or [])
        raw_filters = request.get("filters")
        problems = Violations()
        if ids and raw_filters:
            problems.add("filters", "cannot be combined with document_ids: delete by IDs or by filters")
        elif not ids and not raw_filters:
            problems.add("document_ids", "is required unless filters are sent: the documents to delete")
        batches.check_named_deletes(problems, ids)
        reason = str(request.get("reason") or "")
        batches.check_reason(problems, reason)
        problems.raise_if_any()
        namespace_id, collection_id, fields = await self._collection(principal, header, request.get("collection_id", ""))
        if ids:
            found = await self._store.get(namespace_id, collection_id, ids)
            await self._store.delete(namespace_id, list(found))
            answer: dict[str, Any] = {
                "deleted_count": len(found),
                "failed_count": len(ids) - len(found),
                "results": [_outcome(i, i in found, collection_id) for i in ids],
                "message": f"{len(found)} documents deleted, {len(ids) - len(found)} not found.",
            }
        else:
            where = self._filter(raw_filters, fields, "filters")
            if where is None:  # e.g. only case_sensitive: it would delete every document
                raise InvalidArgument([FieldViolation("filters", "sets no condition: send the conditions the documents to delete match")])
            matched = await self._matched(namespace_id, collection_id, where)
            deleted = 0
            start: str | None = None
            while deleted < batches.MAX_MATCHED:
                page, start = await self._store.scroll(namespace_id, collection_id, where, after=start, limit=min(SCAN_PAGE, batches.MAX_MATCHED - deleted))
                await self._store.delete(namespace_id, [doc.document_id for doc in page])
                deleted += len(page)
                if start is None:
                    break
            limits = {"max_rows_inline": batches.MAX_MATCHED, "matched": matched}
            answer = {"deleted_count": deleted, "failed_count": 0, "limits": limits, "message": f"{deleted} documents deleted."}
        log.info("documents deleted in a batch", extra={"collection_id": collection_id, "deleted": answer["deleted_count"], "reason": reason})
        return answer

    async def batch_update(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """Applies each of `updates` to its document (one that is not in the collection is
        reported, the others changed), or `update_data` to every document `filters` matches."""
        updates = request.get("updates") or []
        raw_filters = request.get("filters")
        problems = Violations()
        if updates:
            if raw_filters or "update_data" in request:
                problems.add("updates", "cannot be combined with filters and update_data: change documents by ID (updates) or by filters (filters with update_data)")
            named = batches.check_named_changes(problems, updates)
            problems.raise_if_any()
            namespace_id, collection_id, _ = await self._collection(principal, header, request.get("collection_id", ""))
            done = await self._apply(namespace_id, collection_id, {change.document_id: change.update_data for change in named})
            return {
                "updated_count": len(done),
                "failed_count": len(named) - len(done),
                "results": [_outcome(change.document_id, change.document_id in done, collection_id) for change in named],
                "message": f"{len(done)} documents updated, {len(named) - len(done)} not found.",
            }
        if not raw_filters:
            problems.add("updates", "is required unless filters with update_data are sent: the documents to change and how")
        elif "update_data" not in request:
            problems.add("update_data", "is required with filters: the change for each matching document")
        else:
            batches.check_changes(problems, "update_data", request["update_data"])
        problems.raise_if_any()
        updated = await self._update_matching(principal, header, request)
        return {"updated_count": updated, "failed_count": 0, "message": f"{updated} documents updated."}

    async def bulk_update(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """Applies `update_data` to every document `filters` matches (all of them without filters)."""
        problems = Violations()
        batches.check_changes(problems, "update_data", request.get("update_data"))
        problems.raise_if_any()
        updated = await self._update_matching(principal, header, request)
        return {"status": "COMPLETED", "updated_count": updated, "message": f"{updated} documents updated."}

    async def _matched(self, namespace_id: str, collection_id: str, where: Node | None) -> int:
        """How many documents `where` matches; refused (nothing changed) beyond MAX_MATCHED."""
        matched = await self._store.count(namespace_id, collection_id, where)
        too_many = batches.too_many_matched(matched)
        if too_many:
            raise InvalidArgument([FieldViolation("filters", too_many)], reason="QUERY_TOO_COSTLY")
        return matched

    async def _apply(self, namespace_id: str, collection_id: str, changes: Mapping[str, Mapping[str, Any]]) -> set[str]:
        """Applies each document's change as UpdateDocument does (read with the vectors: a write
        replaces the whole point); returns the IDs of the documents changed."""
        now = clock.now()
        done: set[str] = set()
        ids = list(changes)
        for start in range(0, len(ids), _WRITE_CHUNK):
            found = await self._store.get(namespace_id, collection_id, ids[start : start + _WRITE_CHUNK], vectors=True)
            await self._store.upsert(namespace_id, [rules.updated(doc, changes[doc_id], now) for doc_id, doc in found.items()])
            done.update(found)
        return done

    async def _update_matching(self, principal: Principal, header: str | None, request: dict[str, Any]) -> int:
        """Applies the request's `update_data` to the documents its `filters` match, a chunk at a
        time in document-ID order (a change that makes a document stop matching does not move the
        pages); returns how many were changed."""
        namespace_id, collection_id, fields = await self._collection(principal, header, request.get("collection_id", ""))
        where = self._filter(request.get("filters"), fields, "filters")
        await self._matched(namespace_id, collection_id, where)
        now = clock.now()
        updated = 0
        start: str | None = None
        while updated < batches.MAX_MATCHED:
            page, start = await self._store.scroll(namespace_id, collection_id, where, after=start, limit=min(_WRITE_CHUNK, batches.MAX_MATCHED - updated), vectors=True)
            await self._store.upsert(namespace_id, [rules.updated(doc, request["update_data"], now) for doc in page])
            updated += len(page)
            if start is None:
                break
        return updated

    async def ancestors(self, principal: Principal, header: str | None, collection: str, document_id: str) -> list[dict[str, Any]]:
        """The documents a document was made from, root first (its lineage chain; at most the
        MAX_ANCESTORS nearest). Ancestors deleted since are left out."""
        namespace_id, collection_id, _ = await self._collection(principal, header, collection)
        doc = await self._document(namespace_id, collection_id, document_id, False)
        links = [link for link in doc.lineage.chain if link.document_id != doc.document_id][-MAX_ANCESTORS:]
        found: dict[str, Document] = {}
        for source_collection in dict.fromkeys(link.collection_id for link in links):
            found |= await self._store.get(namespace_id, source_collection, [link.document_id for link in links if link.collection_id == source_collection])
        return [document_json(found[link.document_id], False) for link in links if link.document_id in found]

    async def descendants(self, principal: Principal, header: str | None, collection: str, document_id: str) -> list[dict[str, Any]]:
        """The documents made directly from a document, in any collection of the namespace (at
        most MAX_DESCENDANTS, in document-ID order)."""
        namespace_id, collection_id, _ = await self._collection(principal, header, collection)
        doc = await self._document(namespace_id, collection_id, document_id, False)
        return [document_json(child, False) for child in await self._store.children(namespace_id, doc.document_id, MAX_DESCENDANTS)]

    async def count(self, principal: Principal, header: str | None, collection: str, raw_filters: Any) -> dict[str, Any]:
        namespace_id, collection_id, fields = await self._collection(principal, header, collection)
        where = self._filter(raw_filters, fields, "filters")
        return {"collection_id": collection_id, "count": await self._store.count(namespace_id, collection_id, where)}

    async def list_documents(self, principal: Principal, header: str | None, request: dict[str, Any]) -> ListResult:
        namespace_id, collection_id, fields = await self._collection(principal, header, request.get("collection_id", ""))
        return await self.page(namespace_id, collection_id, fields, request)

    async def page(self, namespace_id: str, collection_id: str | None, fields: Fields, request: dict[str, Any], scope: Node | None = None) -> ListResult:
        """One page of a collection's documents (None: of the namespace's, within `scope`), in
        document-ID order (cursor: the next document's ID), or, with a sort on a field, of the
        matching documents sorted in memory (at most MAX_SORTED; cursor: the position). Pages stop
        before MAX_PAGE_BYTES of answer, with a cursor to the rest."""
        problems = Violations()
        where = filters.all_of(scope, filters.parse(request.get("filters"), fields, "filters", problems))
        sort = request.get("sort") or {}
        sortable = {"document_id": "document_id", "created_at": "_internal.created_at", "updated_at": "_internal.updated_at"}
        if sort.get("field") and sort["field"] not in sortable and fields.resolve(sort["field"]) is not None:
            sortable[sort["field"]] = sort["field"]
        params = None
        try:
            params = page_params({**request, "query": {"sort": sort}}, sortable, self._cursors, default_sort="document_id")
        except InvalidArgument as error:
            problems.items.extend(FieldViolation(v.field.removeprefix("query."), v.description) for v in error.violations)
        problems.raise_if_any()
        assert params is not None
        with_vectors = bool(request.get("return_vectors"))
        total = await self._store.count(namespace_id, collection_id, where) if params.include_total else None
        if params.sort_field == "document_id" and not params.descending:
            items, nxt = await self._page_by_id(namespace_id, collection_id, where, params, with_vectors)
        else:
            items, nxt = await self._page_sorted(namespace_id, collection_id, where, params, with_vectors)
        return ListResult(items, pagination(params, Page(items, nxt, total), self._cursors), total)

    async def _page_by_id(self, namespace_id: str, collection_id: str | None, where: Node | None, params: PageParams, with_vectors: bool) -> tuple[list[dict[str, Any]], Position | None]:
        start = params.after.id if params.after else None
        to_skip = 0 if params.after else params.offset
        while to_skip:
            skipped, start = await self._store.scroll(namespace_id, collection_id, where, after=start, limit=min(to_skip, SCAN_PAGE))
            to_skip -= len(skipped)
            if start is None:
                return [], None
        docs, after = await self._store.scroll(namespace_id, collection_id, where, after=start, limit=params.limit, vectors=with_vectors)
        items: list[dict[str, Any]] = []
        size = 0
        for index, doc in enumerate(docs):
            item = document_json(doc, with_vectors)
            size += len(json.dumps(item))
            if items and size > MAX_PAGE_BYTES:
                return items, Position(None, docs[index].document_id)
            items.append(item)
        return items, Position(None, after) if after else None

    async def _page_sorted(self, namespace_id: str, collection_id: str | None, where: Node | None, params: PageParams, with_vectors: bool) -> tuple[list[dict[str, Any]], Position | None]:
        matching = await self._store.count(namespace_id, collection_id, where)
        if matching > MAX_SORTED:
            raise InvalidArgument(
                [FieldViolation("sort", f"sorts the matching documents in memory: {matching} match, at most {MAX_SORTED} can be sorted; narrow the filters, or list without sort (document-ID order) and page with the cursor")],
                reason="QUERY_TOO_COSTLY",
            )
        docs: list[Document] = []
        start: str | None = None
        while True:
            page, start = await self._store.scroll(namespace_id, collection_id, where, after=start, limit=SCAN_PAGE)
            docs += page
            if start is None:
                break
        docs.sort(key=lambda doc: (rules.value_order(value_at(doc.payload(), params.sort_field)), doc.document_id), reverse=params.descending)
        chosen = docs[params.offset : params.offset + params.limit]
        if with_vectors and chosen:
            full = await self._store.get(namespace_id, collection_id, [doc.document_id for doc in chosen], vectors=True)
            chosen = [full.get(doc.document_id, doc) for doc in chosen]
        items: list[dict[str, Any]] = []
        size = 0
        for doc in chosen:
            item = document_json(doc, with_vectors)
            size += len(json.dumps(item))
            if items and size > MAX_PAGE_BYTES:
                break
            items.append(item)
        end = params.offset + len(items)
        return items, Position(None, "", end) if end < len(docs) else None

    async def validate(self, principal: Principal, header: str | None, collection: str, document: dict[str, Any]) -> dict[str, Any]:
        """A dry run: the document's fields against the collection's output schema."""
        found = await self._collections.get(principal, header, collection) if collection else None
        if found is None:
            raise InvalidArgument([FieldViolation("collection_id", "is required")])
        return {"collection_id": found["_id"], **diagnostics.validate(document, found.get("output_schema"))}

    async def diagnose(self, principal: Principal, header: str | None, collection: str, document_id: str) -> dict[str, Any]:
        """The document's vectors against the collection's, its lineage, history and source object."""
        if not collection:
            raise InvalidArgument([FieldViolation("collection_id", "is required")])
        found = await self._collections.get(principal, header, collection)
        doc = await self._document(found["namespace_id"], found["_id"], document_id, True)
        try:
            await self._objects.get_object(principal, header, doc.lineage.root_bucket_id, doc.lineage.root_object_id)
            exists = True
        except NotFound:
            exists = False
        return diagnostics.diagnose(doc, required_vectors(found), exists)

    async def _matching(self, namespace_id: str, collection_id: str, where: Node | None) -> AsyncIterator[dict[str, Any]]:
        """The payloads of the matching documents, at most aggregation.MAX_SCANNED of them: more
        is INVALID_ARGUMENT naming `filters` (counted first, and checked again while reading)."""

        matching = await self._store.count(namespace_id, collection_id, where)
        if matching > aggregation.MAX_SCANNED:
            raise aggregation.too_many(matching)
        start: str | None = None
        read = 0
        while True:
            page, start = await self._store.scroll(namespace_id, collection_id, where, after=start, limit=SCAN_PAGE)
            read += len(page)
            if read > aggregation.MAX_SCANNED:
                raise aggregation.too_many(f"more than {aggregation.MAX_SCANNED}")
            for doc in page:
                yield doc.payload()
            if start is None:
                return

    async def aggregate(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """Groups the matching documents and computes the metrics (server.domain.aggregation); a
        count without group_by is one count query, anything else reads the matching documents."""
        namespace_id, collection_id, fields = await self._collection(principal, header, request.get("collection_id", ""))
        where = self._filter(request.get("filters"), fields, "filters")
        plan = aggregation.plan(request, fields)
        result = aggregation.Aggregation(plan)
        if plan.counts_only:
            result.counted(await self._store.count(namespace_id, collection_id, where))
        else:
            async for payload in self._matching(namespace_id, collection_id, where):
                result.add(payload)
        rows = result.rows()
        info = {
            "collection_id": collection_id,
            "documents_scanned": result.scanned,
            "groups": result.groups,
            "max_documents_scanned": aggregation.MAX_SCANNED,
            "max_groups": aggregation.MAX_GROUPS,
        }
        return {"results": rows, "total_groups": len(rows), "query_info": info}

    async def distinct(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """The distinct values of one field over the matching documents, the most frequent first;
        at most aggregation.MAX_DISTINCT of them, and `query_info` says so when that cut them."""
        namespace_id, collection_id, fields = await self._collection(principal, header, request.get("collection_id", ""))
        problems = Violations()
        where = filters.parse(request.get("filters"), fields, "filters", problems)
        path = aggregation.payload_path(problems, "field", request.get("field"), fields)
        limit = request.get("limit")
        if limit is not None and not 1 <= limit <= aggregation.MAX_DISTINCT:
            problems.add("limit", f"must be 1-{aggregation.MAX_DISTINCT}")
        problems.raise_if_any()
        assert path is not None
        found = aggregation.Distinct(path)
        async for payload in self._matching(namespace_id, collection_id, where):
            found.add(payload)
        values, cut = found.values(limit)
        info: dict[str, Any] = {"documents_scanned": found.scanned}
        if cut:
            info |= {
                "truncated": True,
                "reason": "max_distinct_values",
                "warning": f"the field has more than {aggregation.MAX_DISTINCT} distinct values; only the {aggregation.MAX_DISTINCT} most frequent are returned (narrow the filters)",
            }
        return {"field": request["field"], "values": values, "total_distinct": len(values), "query_info": info}
