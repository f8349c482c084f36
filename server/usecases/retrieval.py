"""Retrievers, in the namespace named by the `x-namespace` header: their definitions (MongoDB) and
their execution over the namespace's documents (the vector store).

An execution runs the stages in order on a list of hits. `feature_search` embeds each text query
with the extractor the feature URI names (through the extraction use case, the path processing
uses), searches that named vector among the documents of the retriever's collections that apply
the extractor (one engine query per search, pre-filters lowered by storage), and fuses the
searches (server.domain.fusion). The later stages work on the hits (server.domain.retrieval). The
whole ranked result is computed once per query and paged from (by offset or cursor), and kept in
the cache that the collections' `cache_config` governs (server.usecases.retrieval_cache).

Another organization's retriever, collection or document is NOT_FOUND: every lookup goes through
the caller's organization and namespace."""

from __future__ import annotations

import asyncio
import base64
import binascii
import functools
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from cachetools import TTLCache

from server import metrics
from server.domain import clock, filters
from server.domain import collections as collection_rules
from server.domain import retrieval as rules
from server.domain.collections import DocumentFields
from server.domain.documents import point_id_of
from server.domain.errors import (
    AlreadyExists,
    DomainError,
    FieldViolation,
    InvalidArgument,
    NotFound,
    Violations,
)
from server.domain.extraction import RawInput
from server.domain.extractors import Catalogue, ExtractorDefinition
from server.domain.fusion import Ranked, fuse
from server.domain.ids import new_id
from server.domain.paging import Cursors
from server.domain.retrieval import Hit, Stage
from server.storage.documents import DocumentStore
from server.storage.errors import DuplicateKey
from server.storage.repositories import Resources
from server.storage.vectors import VectorStore, Where
from server.usecases.auth import Principal
from server.usecases.collections import CollectionUseCases
from server.usecases.executions import ExecutionLog, Ran, failure_message, profile_of
from server.usecases.extraction import ExtractionUseCases
from server.usecases.listing import ListResult, list_page, list_params
from server.usecases.namespaces import NamespaceUseCases
from server.usecases.retrieval_cache import (
    RECOMPUTED,
    WRITE_ACTIONS,
    Entry,
    Policy,
    RetrievalCache,
    by_name,
    generation_keys,
    policy,
)
from server.usecases.typeahead import Typeahead

DEFAULT_PAGE = 10
# Saved retrievers (with their collections) as executions read them, kept this long in this process:
# an execution then reads nothing from MongoDB. Changes made here drop the entry at once; changes
# made through another server process are seen within this time.
DEFINITION_TTL_SECONDS = 5.0
MAX_FILTER_ONLY = rules.MAX_TOP_K  # documents a pipeline without a search starts from
MAX_BATCH_QUERIES = 16  # Mixpeek's cap on the queries of one batch execution
MAX_BATCH_CONCURRENCY = 20
DEFAULT_BATCH_CONCURRENCY = 5

RETRIEVER_FIELDS = filters.StaticFields(
    "a retriever",
    {
        "retriever_id": filters.simple_field("retriever_id", "string", mongo="_id"),
        "retriever_name": filters.simple_field("retriever_name", "string"),
        "description": filters.simple_field("description", "string"),
        "tags": filters.simple_field("tags", "string", shape="list"),
        "created_at": filters.simple_field("created_at", "datetime", time="_created_ms"),
        "updated_at": filters.simple_field("updated_at", "datetime", time="_updated_ms"),
    },
)
RETRIEVER_SORTABLE = {"created_at": "_created_ms", "updated_at": "_updated_ms", "retriever_name": "retriever_name"}
RETRIEVER_SEARCHABLE = ("retriever_name", "description")


@dataclass(frozen=True)
class Definition:
    """What runs: a saved retriever, or an ad hoc one (`retriever_id` empty)."""

    retriever_id: str
    retriever_name: str
    version: int
    namespace_id: str
    collections: list[dict[str, Any]]
    stages: list[Stage]
    input_schema: dict[str, Any]
    fields: DocumentFields


@dataclass(frozen=True)
class Page:
    method: str
    offset: int
    size: int


@dataclass
class Execution:
    """The answer of an execution (Mixpeek's ExecuteRetrieverResponse)."""

    execution_id: str
    retriever_id: str
    documents: list[dict[str, Any]]
    pagination: dict[str, Any]
    stage_statistics: dict[str, Any]
    cache_hit: bool = False
    cached_at: str = ""  # ISO 8601, on a cache hit
    warnings: list[str] = field(default_factory=list)
    status: str = "completed"
    explain_plan: dict[str, Any] | None = None  # with `explain`: the stages as they ran
    consistency_mode: str = "strong"  # `eventual` when the cache answered

    @property
    def cached_at_unix(self) -> float | None:
        """`cached_at` in seconds since the Unix epoch (Mixpeek's form of it)."""
        return clock.to_millis(self.cached_at) / 1000 if self.cached_at else None
    # `documents` as the use cases' `encode_document` made them (None without one, or when the page
    # was changed for this call, e.g. by return_vectors)
    encoded: list[Any] | None = None


@dataclass
class BatchAnswer:
    """One query of a batch: its answer, or the error ExecuteRetriever would have raised."""

    query_index: int
    execution: Execution | None = None
    error: DomainError | None = None


@dataclass
class BatchExecution:
    retriever_id: str
    answers: list[BatchAnswer]
    total_time_ms: float


def _fields(collections: Sequence[Mapping[str, Any]]) -> DocumentFields:
    """Filters may name the fields of every collection searched (any path if one has no schema)."""
    properties: dict[str, Any] = {}
    for collection in collections:
        found = (collection.get("output_schema") or {}).get("properties") or {}
        if not found:
            return DocumentFields(None)
        properties.update(found)
    return DocumentFields({"properties": properties} if properties else None)


class RetrieverUseCases:
    def __init__(
        self,
        retrievers: Resources,
        namespaces: NamespaceUseCases,
        collections: CollectionUseCases,
        documents: DocumentStore,
        vectors: VectorStore,
        extraction: ExtractionUseCases,
        catalogue: Catalogue,
        cache: RetrievalCache,
        *,
        cursors: Cursors,
        executions: ExecutionLog,
        encode_document: Callable[[dict[str, Any]], Any] | None = None,
    ):
        """`encode_document` turns an answer's document into the form the transport sends; a
        cached answer keeps each document's form, so a cache hit does not encode again."""
        self._retrievers = retrievers
        self._namespaces = namespaces
        self._collections = collections
        self._documents = documents
        self._vectors = vectors
        self._extraction = extraction
        self._catalogue = catalogue
        self.cache = cache
        self._cursors = cursors
        self.executions = executions
        self._typeahead = Typeahead(namespaces, collections, executions, vectors)
        self._encode = encode_document
        self._definitions: TTLCache[tuple[str, str, str], tuple[Definition, list[str]]] = TTLCache(maxsize=4096, ttl=DEFINITION_TTL_SECONDS)

    # --- definitions ------------------------------------------------------------------------

    async def _resolve_collections(self, principal: Principal, header: str | None, identifiers: Sequence[str], path: str) -> list[dict[str, Any]]:
        if not identifiers:
            raise InvalidArgument([FieldViolation(path, "at least one collection (ID or name) is required")])
        found: dict[str, dict[str, Any]] = {}
        for ident in identifiers:
            collection = await self._collections.get(principal, header, ident)
            found.setdefault(collection["_id"], collection)
        return list(found.values())

    def _check_features(self, problems: Violations, stages: Sequence[Stage], collections: Sequence[dict[str, Any]], path: str) -> None:
        """Every search's feature URI names a vector of an extractor some collection applies."""
        applied = {extractor for c in collections for extractor in collection_rules.extractor_ids(c)}
        for index, stage in enumerate(stages):
            for s, search in rules.searches_of(stage.parameters) if stage.stage_id == "feature_search" else []:
                uri = rules.parse_feature_uri(search.get("feature_uri") or "")
                where = f"{path}[{index}].config.parameters.searches[{s}].feature_uri"
                if uri is None:
                    continue  # reported by check_stages
                definition = self._catalogue.by_id(uri.extractor_id)
                if uri.extractor_id not in applied or definition is None:
                    problems.add(where, f"'{uri}': no collection of this retriever applies {uri.extractor_id} (they apply: {', '.join(sorted(applied)) or 'none'})")
                elif uri.vector not in {v.name for v in definition.vectors}:
                    problems.add(where, f"'{uri}': {uri.extractor_id} has no vector {uri.vector!r} (it has: {', '.join(v.name for v in definition.vectors)})")

    async def _checked(self, principal: Principal, header: str | None, request: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[Stage], dict[str, Any]]:
        identifiers = list(request.get("collection_identifiers") or request.get("collection_ids") or [])
        collections = await self._resolve_collections(principal, header, identifiers, "collection_identifiers")
        problems = Violations()
        fields = _fields(collections)
        stages = rules.check_stages(problems, request.get("stages") or [], fields)
        input_schema = dict(request.get("input_schema") or {})
        rules.check_input_schema(problems, "input_schema", input_schema)
        self._check_features(problems, stages, collections, "stages")
        problems.raise_if_any()
        return collections, stages, input_schema

    async def _scope(self, principal: Principal, header: str | None) -> dict[str, str]:
        return {"_org": principal.organization_id, "_ns": await self._namespaces.resolve_id(principal, header)}

    async def create(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        problems = Violations()
        name = request.get("retriever_name") or ""
        if not name:
            problems.add("retriever_name", "is required")
        elif len(name) > 255:
            problems.add("retriever_name", "is longer than 255 characters")
        if request.get("requires_subscription"):
            problems.add("requires_subscription", "must be false: vecplane has no marketplace, so no retriever needs a subscription")
        problems.raise_if_any()
        collections, stages, input_schema = await self._checked(principal, header, request)
        scope = await self._scope(principal, header)
        now = clock.now()
        retriever_id = new_id("ret")
        doc = {
            "_id": retriever_id,
            **scope,
            "retriever_id": retriever_id,
            "retriever_name": name,
            "description": request.get("description", ""),
            "collection_ids": [c["_id"] for c in collections],
            "collection_identifiers": list(request.get("collection_identifiers") or request.get("collection_ids") or []),
            "stages": [s.as_api() for s in stages],
            "input_schema": input_schema,
            "tags": list(request.get("tags") or []),
            "metadata": request.get("metadata") or {},
            "version": 1,
            "namespace_id": scope["_ns"],
            "is_published": False,
            "created_at": now,
            "updated_at": now,
        }
        try:
            await self._retrievers.insert(doc)
        except DuplicateKey:
            raise AlreadyExists("retriever", name) from None
        return doc

    async def clone(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """A new retriever with the source's definition, each field the request gives replacing
        the source's, checked as a create is."""
        source, _ = await self._find(principal, header, request.get("retriever_id", ""))
        made = {
            "retriever_name": request.get("retriever_name"),
            "description": request.get("description", source.get("description", "")),
            "collection_identifiers": request.get("collection_identifiers") or request.get("collection_ids") or source["collection_ids"],
            "stages": request.get("stages") or [{k: v for k, v in s.items() if k != "parameters"} for s in source["stages"]],
            "input_schema": request.get("input_schema") or source.get("input_schema") or {},
            "tags": request.get("tags") or source.get("tags") or [],
            "metadata": source.get("metadata") or {},
        }
        return {"retriever": await self.create(principal, header, made), "source_retriever_id": source["_id"]}

    async def _find(self, principal: Principal, header: str | None, ident: str) -> tuple[dict[str, Any], dict[str, str]]:
        if not ident:
            raise InvalidArgument([FieldViolation("retriever_id", "is required")])
        found, scope = await self._namespaces.scoped_read(principal, header, lambda s: self._retrievers.find(s, ident))
        if found is None:
            raise NotFound("retriever", ident)
        return found, scope

    async def get(self, principal: Principal, header: str | None, ident: str) -> dict[str, Any]:
        return (await self._find(principal, header, ident))[0]

    async def list_retrievers(self, principal: Principal, header: str | None, request: dict[str, Any]) -> ListResult:
        params, node = list_params(request, RETRIEVER_SORTABLE, RETRIEVER_FIELDS, self._cursors)
        scope = await self._scope(principal, header)
        return await list_page(self._retrievers, scope, request, params, self._cursors, RETRIEVER_SEARCHABLE, node)

    async def update(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        current, scope = await self._find(principal, header, request.get("retriever_id", ""))
        changes: dict[str, Any] = {}
        problems = Violations()
        if "retriever_name" in request:
            if not request["retriever_name"]:
                problems.add("retriever_name", "may not be empty")
            changes["retriever_name"] = request["retriever_name"]
        for key in ("description", "tags", "metadata"):
            if key in request:
                changes[key] = request[key]
        added = dict(request.get("input_schema") or {})
        for name in added:
            if name in (current.get("input_schema") or {}):
                problems.add(f"input_schema.{name}", "exists: input_schema changes are additive (new inputs only)")
        problems.raise_if_any()
        if request.get("collection_identifiers") or request.get("stages") or added:
            checked = {
                "collection_identifiers": request.get("collection_identifiers") or current["collection_ids"],
                "stages": request.get("stages") or current["stages"],
                "input_schema": {**(current.get("input_schema") or {}), **added},
            }
            collections, stages, input_schema = await self._checked(principal, header, checked)
            changes.update(
                collection_ids=[c["_id"] for c in collections],
                collection_identifiers=checked["collection_identifiers"],
                stages=[s.as_api() for s in stages],
                input_schema=input_schema,
            )
        if not changes:
            raise InvalidArgument([FieldViolation("retriever_id", "nothing to change: send at least one field to update")])
        changes.update(version=int(current.get("version", 1)) + 1, updated_at=clock.now())
        try:
            updated = await self._retrievers.update(scope, current["_id"], changes)
        except DuplicateKey:
            raise AlreadyExists("retriever", changes.get("retriever_name", "")) from None
        self._forget(current["_id"])
        if updated is None:
            raise NotFound("retriever", current["_id"])
        return updated

    async def delete(self, principal: Principal, header: str | None, ident: str) -> dict[str, Any]:
        found, scope = await self._find(principal, header, ident)
        self._forget(found["_id"])
        if not await self._retrievers.delete(scope, found["_id"]):
            raise NotFound("retriever", ident)
        return {"message": f"Retriever {found['_id']} deleted.", "success": True}

    @staticmethod
    def stages() -> list[dict[str, Any]]:
        return [stage.as_api() for stage in rules.STAGES.values()]

    # --- execution --------------------------------------------------------------------------

    async def _saved(self, principal: Principal, header: str | None, ident: str) -> tuple[Definition, list[str]]:
        key = (principal.organization_id, header or "", ident)
        found = self._definitions.get(key)
        if found is None:
            found = self._definitions[key] = await self._read_definition(principal, header, ident)
        return found

    def _forget(self, retriever_id: str) -> None:
        for key in [k for k, (definition, _) in self._definitions.items() if definition.retriever_id == retriever_id]:
            self._definitions.pop(key, None)

    async def _read_definition(self, principal: Principal, header: str | None, ident: str) -> tuple[Definition, list[str]]:
        doc, scope = await self._find(principal, header, ident)
        collections, warnings = [], []
        for collection_id in doc.get("collection_ids") or []:
            try:
                collections.append(await self._collections.get(principal, scope["_ns"], collection_id))
            except NotFound:
                warnings.append(f"collection {collection_id} no longer exists; it was not searched")
        stages = [Stage(s["stage_name"], s["config"]["stage_id"], s["config"].get("parameters") or {}, s["config"].get("pre_filters"), s.get("description", "")) for s in doc["stages"]]
        definition = Definition(doc["_id"], doc["retriever_name"], int(doc.get("version", 1)), scope["_ns"], collections, stages, doc.get("input_schema") or {}, _fields(collections))
        return definition, warnings

    async def execute(self, principal: Principal, header: str | None, request: dict[str, Any]) -> Execution:
        definition, warnings = await self._saved(principal, header, request.get("retriever_id", ""))
        return await self._execute(principal, definition, request, warnings)

    async def execute_adhoc(self, principal: Principal, header: str | None, request: dict[str, Any]) -> Execution:
        collections, stages, input_schema = await self._checked(principal, header, request)
        namespace_id = await self._namespaces.resolve_id(principal, header)
        definition = Definition("", request.get("retriever_name") or "adhoc", 0, namespace_id, collections, stages, input_schema, _fields(collections))
        return await self._execute(principal, definition, request, [])

    async def execute_batch(self, principal: Principal, header: str | None, request: dict[str, Any]) -> BatchExecution:
        """Several queries of one retriever, each executed as `execute` executes one, at most
        `concurrency` at once. A query that fails answers its error (its fields named under
        `queries[i]`) and the others are answered all the same; only a bad batch (the retriever, the
        number of queries, the shared settings) fails the call."""
        started = time.perf_counter()
        queries = list(request.get("queries") or [])
        settings = dict(request.get("settings") or {})
        concurrency = int(request.get("concurrency") or DEFAULT_BATCH_CONCURRENCY)
        problems = Violations()
        if not 1 <= len(queries) <= MAX_BATCH_QUERIES:
            problems.add("queries", f"has {len(queries)} queries; a batch takes 1 to {MAX_BATCH_QUERIES} (limits.max_queries): split larger sets into several requests")
        if not 1 <= concurrency <= MAX_BATCH_CONCURRENCY:
            problems.add("concurrency", f"must be between 1 and {MAX_BATCH_CONCURRENCY}")
        for key in sorted(settings.keys() - {"limit"}):
            problems.add(f"settings.{key}", "is not supported: settings takes only limit (results per query)")
        if request.get("stream"):
            problems.add("stream", "must be false: vecplane answers a batch in one piece, not as a stream of query results")
        limit = settings.get("limit", DEFAULT_PAGE)
        if not isinstance(limit, (int, float)) or isinstance(limit, bool) or limit != int(limit) or not 1 <= limit <= rules.MAX_PAGE:
            problems.add("settings.limit", f"must be a whole number between 1 and {rules.MAX_PAGE}")
        problems.raise_if_any()
        definition, warnings = await self._saved(principal, header, request.get("retriever_id", ""))
        gate = asyncio.Semaphore(concurrency)

        async def one(index: int, query: Mapping[str, Any]) -> BatchAnswer:
            single = {"inputs": query.get("inputs") or {}, "filters": query.get("filters"), "limit": int(limit), "return_vectors": request.get("return_vectors")}
            async with gate:
                try:
                    return BatchAnswer(index, execution=await self._execute(principal, definition, single, list(warnings)))
                except InvalidArgument as error:
                    return BatchAnswer(index, error=InvalidArgument([_in_query(index, v) for v in error.violations], reason=error.reason))
                except DomainError as error:
                    return BatchAnswer(index, error=error)

        answers = await asyncio.gather(*(one(i, q) for i, q in enumerate(queries)))
        return BatchExecution(definition.retriever_id, list(answers), round((time.perf_counter() - started) * 1000, 3))

    # --- execution records ------------------------------------------------------------------

    async def _executions_of(self, principal: Principal, header: str | None, ident: str) -> dict[str, str]:
        """Where a retriever's execution records are: NOT_FOUND for a retriever the caller cannot see."""
        found, scope = await self._find(principal, header, ident)
        return {**scope, "_retriever": found["_id"]}

    async def _adhoc_executions(self, principal: Principal, header: str | None) -> dict[str, str]:
        return {**(await self._scope(principal, header)), "_retriever": ""}

    async def list_executions(self, principal: Principal, header: str | None, request: dict[str, Any]) -> ListResult:
        return await self.executions.list(await self._executions_of(principal, header, request.get("retriever_id", "")), request)

    async def get_execution(self, principal: Principal, header: str | None, ident: str, execution_id: str) -> dict[str, Any]:
        return await self.executions.get(await self._executions_of(principal, header, ident), execution_id)

    async def get_execution_profile(self, principal: Principal, header: str | None, ident: str, execution_id: str) -> dict[str, Any]:
        return self.executions.profile(await self.get_execution(principal, header, ident, execution_id))

    async def list_adhoc_executions(self, principal: Principal, header: str | None, request: dict[str, Any]) -> ListResult:
        return await self.executions.list(await self._adhoc_executions(principal, header), request)

    async def get_adhoc_execution(self, principal: Principal, header: str | None, execution_id: str) -> dict[str, Any]:
        return await self.executions.get(await self._adhoc_executions(principal, header), execution_id)

    async def typeahead(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """Completions of a typed prefix (server.usecases.typeahead)."""
        return await self._typeahead.suggest(principal, header, request)

    def _cache_key(self, principal: Principal, definition: Definition) -> tuple[str, ...]:
        if definition.retriever_id:
            return (principal.organization_id, definition.namespace_id, definition.retriever_id, str(definition.version))
        shape = [[s.stage_name, s.stage_id, s.parameters, s.pre_filters] for s in definition.stages]
        return (principal.organization_id, definition.namespace_id, "adhoc", rules.json_digest([shape, [c["_id"] for c in definition.collections]]))

    @staticmethod
    def _page(request: Mapping[str, Any], fingerprint: str) -> Page:
        raw = request.get("pagination") or {}
        method = raw.get("method") or ("cursor" if raw.get("cursor") else "offset")
        problems = Violations()
        if method not in ("offset", "cursor"):
            problems.add("pagination.method", "must be offset or cursor")
        if method == "cursor":
            size = int(raw.get("limit") or request.get("limit") or DEFAULT_PAGE)
            offset = 0
            if raw.get("cursor"):
                decoded = _decode_cursor(raw["cursor"])
                if decoded is None or decoded[1] != fingerprint:
                    problems.add("pagination.cursor", "is not a cursor of this query (a cursor continues the execution with the same inputs and filters)")
                else:
                    offset = decoded[0]
            field_name = "pagination.limit"
        else:
            size = int(raw.get("page_size") or request.get("limit") or DEFAULT_PAGE)
            number = int(raw.get("page_number") or 1)
            if number < 1:
                problems.add("pagination.page_number", "must be 1 or more")
            offset = (max(number, 1) - 1) * size
            field_name = "pagination.page_size" if raw.get("page_size") else "limit"
        if not 1 <= size <= rules.MAX_PAGE:
            problems.add(field_name, f"must be between 1 and {rules.MAX_PAGE}")
        problems.raise_if_any()
        return Page(method, offset, size)

    async def _execute(self, principal: Principal, definition: Definition, request: Mapping[str, Any], warnings: list[str]) -> Execution:
        """Answers an execution and queues its record (server.usecases.executions), a failed one's
        too; the record never delays or fails the answer."""
        collection_ids = [c["_id"] for c in definition.collections]
        ran = functools.partial(
            Ran, principal.organization_id, principal.key_id, definition.namespace_id, definition.retriever_id, definition.retriever_name, collection_ids, definition.stages, request.get("inputs")
        )
        try:
            result = await self._answer(principal, definition, request, warnings)
        except DomainError as error:
            self.executions.record(ran(time.time(), new_id("exec", 16), error=failure_message(error)))
            raise
        self.executions.record(
            ran(
                time.time(),
                result.execution_id,
                statistics=result.stage_statistics,
                pagination=result.pagination,
                cache_hit=result.cache_hit,
                cached_at_unix=result.cached_at_unix,
                consistency_mode=result.consistency_mode,
                warnings=result.warnings,
            )
        )
        return result

    async def _answer(self, principal: Principal, definition: Definition, request: Mapping[str, Any], warnings: list[str]) -> Execution:
        started = time.perf_counter()
        if request.get("stream"):
            raise InvalidArgument([FieldViolation("stream", "must be false: vecplane answers an execution in one piece, not as a stream of stage events")])
        inputs = rules.check_inputs(definition.input_schema, dict(request.get("inputs") or {}))
        problems = Violations()
        request_filter = filters.parse(request.get("filters"), definition.fields, "filters", problems)
        problems.raise_if_any()
        fingerprint = rules.json_digest([inputs, request.get("filters")])
        page = self._page(request, fingerprint)
        key = self._cache_key(principal, definition)
        cache_policy = policy(definition.collections, definition.retriever_id or None)
        entry = None
        strong = _strong(request)
        if cache_policy.enabled and not request.get("skip_cache") and not strong:
            entry = self.cache.get(key, fingerprint, cache_policy.ttl_seconds)
            staleness = (request.get("consistency") or {}).get("max_staleness_ms")
            if entry is not None and staleness and (time.monotonic() - entry.computed_at) * 1000 > staleness:
                entry = None  # older than the caller accepts: computed again (and stored)
        hit = entry is not None
        if entry is None:
            entry = await self._fill(principal, definition, inputs, request_filter, key, fingerprint, cache_policy)
        chosen = entry.documents[page.offset : page.offset + page.size]
        encoded = None
        if request.get("return_vectors") and chosen:
            chosen = await self._with_vectors(definition.namespace_id, chosen)
        elif self._encode is not None:
            encoded = entry.encoded_page(page.offset, page.size, self._encode)
        has_next = page.offset + len(chosen) < len(entry.documents)
        pagination: dict[str, Any] = {"method": page.method, "returned": len(chosen), "total": len(entry.documents), "has_next": has_next, "page_size": page.size}
        if page.method == "offset":
            pagination["page_number"] = page.offset // page.size + 1
        elif has_next:
            pagination["cursor"] = _encode_cursor(page.offset + len(chosen), fingerprint)
        statistics = {**entry.statistics, "total_time_ms": round((time.perf_counter() - started) * 1000, 3)}
        plan = profile_of(definition.stages, statistics, hit) if request.get("explain") else None
        return Execution(
            new_id("exec", 16),
            definition.retriever_id,
            chosen,
            pagination,
            statistics,
            hit,
            entry.cached_at if hit else "",
            [*warnings, *entry.warnings],
            encoded=encoded,
            explain_plan=plan,
            consistency_mode="eventual" if hit else "strong",
        )

    async def _fill(
        self,
        principal: Principal,
        definition: Definition,
        inputs: Mapping[str, Any],
        request_filter: filters.Node | None,
        key: tuple[str, ...],
        fingerprint: str,
        cache_policy: Policy,
    ) -> Entry:
        """Runs the query and caches its answer per the policy; the entry can recompute itself
        (the same call again) when an event with a background strategy invalidates it."""
        dependencies, recomputing = await self._dependencies(principal, definition, cache_policy)
        generations = self.cache.generations(definition.namespace_id, dependencies)
        hits, statistics, run_warnings = await self._run(definition, inputs, request_filter)
        documents = [h.answer() for h in hits]
        best = max((h.score for h in hits), default=0.0)
        recompute = functools.partial(self._fill, principal, definition, inputs, request_filter, key, fingerprint, cache_policy) if recomputing else None
        entry = Entry(documents, statistics, run_warnings, best, time.monotonic(), clock.now(), generations, recompute_on=generation_keys(definition.namespace_id, recomputing), recompute=recompute)
        if cache_policy.enabled:
            self.cache.put(key, fingerprint, entry, cache_policy)
        return entry

    async def _dependencies(self, principal: Principal, definition: Definition, cache_policy: Policy) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(collection, action) pairs whose writes make a result stale, and those of them whose
        writes also recompute it in the background."""
        found = [(c["_id"], action) for c in definition.collections for action in WRITE_ACTIONS]
        recomputing = []
        for event in cache_policy.events:
            target = await self._event_target(principal, definition, event.collection)
            found.append((target, event.action))
            if event.recompute_strategy in RECOMPUTED:
                recomputing.append((target, event.action))
        return found, recomputing

    async def _event_target(self, principal: Principal, definition: Definition, ident: str) -> str:
        """The dependency of an event naming `ident`: a collection ID as itself; a name as the name,
        resolved when a write happens (so a collection created or renamed later counts), with the
        cache told which collection holds it now."""
        found = next((c for c in definition.collections if ident in (c["_id"], c["collection_name"])), None)
        if found is None:
            try:
                found = await self._collections.get(principal, definition.namespace_id, ident)
            except NotFound:
                return by_name(ident)
        if found["_id"] == ident:
            return ident
        self.cache.named(definition.namespace_id, found["_id"], found["collection_name"])
        return by_name(ident)

    async def explain(self, principal: Principal, header: str | None, ident: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """How an execution with these inputs would run: each stage with its parameters and its
        document flow, the cached run's when there is one, else estimated from the collections'
        document counts and the stages' limits."""
        definition, _warnings = await self._saved(principal, header, ident)
        checked = rules.check_inputs(definition.input_schema, dict(inputs))
        cache_policy = policy(definition.collections, definition.retriever_id)
        cached = self.cache.peek(self._cache_key(principal, definition), rules.json_digest([checked, None]), cache_policy.ttl_seconds) if cache_policy.enabled else None
        ran = cached.statistics.get("stages", {}) if cached is not None else {}
        flowing = 0 if ran else sum([await self._documents.count(definition.namespace_id, c["_id"]) for c in definition.collections])
        plan = []
        for index, stage in enumerate(definition.stages):
            problems = Violations()
            parameters = rules.resolve_templates(stage.parameters, checked, problems, f"stages.{stage.stage_name}")
            max_output = _max_output(stage, parameters)
            run = ran.get(stage.stage_name, {})
            estimated_input = int(run.get("input_count", flowing))
            estimated_output = int(run.get("output_count", min(estimated_input, max_output)))
            flowing = estimated_output
            plan.append(
                {
                    "stage_name": stage.stage_name,
                    "stage_id": stage.stage_id,
                    "stage_type": stage.category,
                    "description": _describe(stage, parameters, definition),
                    "max_output": max_output,
                    "parameters": parameters,
                    "stage_index": index,
                    "estimated_input": estimated_input,
                    "estimated_output": estimated_output,
                    "estimated_efficiency": round(estimated_output / estimated_input, 4) if estimated_input else 0.0,
                    "estimated_cost_credits": 0.0,
                    "estimated_duration_ms": float(run.get("duration_ms", 0.0)),
                    "cache_likely": cached is not None,
                }
            )
        return {
            "retriever_id": definition.retriever_id,
            "retriever_name": definition.retriever_name,
            "execution_plan": plan,
            "total_estimated_stages": len(plan),
            "would_hit_cache": cached is not None,
            "optimization_level": "mvp",
            "estimated_cost": {"total_credits": 0.0, "total_duration_ms": round(sum(p["estimated_duration_ms"] for p in plan), 3)},
        }

    async def _run(self, definition: Definition, inputs: Mapping[str, Any], request_filter: filters.Node | None) -> tuple[list[Hit], dict[str, Any], list[str]]:
        hits: list[Hit] = []
        statistics: dict[str, dict[str, Any]] = {}
        warnings: list[str] = []
        first_search = next((s for s in definition.stages if s.stage_id == "feature_search" and s.parameters.get("searches")), None)
        if definition.stages[0].stage_id != "feature_search":
            hits = await self._filter_only(definition, request_filter, None, MAX_FILTER_ONLY)
        for index, stage in enumerate(definition.stages):
            path = f"stages[{index}].config.parameters"
            problems = Violations()
            parameters = stage.parameters  # checked when the retriever was made
            if stage.templated:  # inputs may make them invalid
                parameters = rules.check_resolved(problems, path, rules.STAGES[stage.stage_id], parameters, inputs)
            problems.raise_if_any()
            started = time.perf_counter()
            incoming = len(hits)
            if stage.stage_id == "feature_search":
                hits = await self._feature_search(definition, index, stage, parameters, request_filter, warnings)
            elif stage.stage_id == "attribute_filter":
                node = rules.attribute_condition(problems, path, parameters, definition.fields)
                problems.raise_if_any()
                hits = rules.attribute_filter(hits, node)
            elif stage.stage_id == "sort_attribute":
                missing = "bottom" if parameters["nulls_last"] else "top"
                hits = rules.sort_by(hits, parameters["field"], parameters["direction"] == "desc", missing)
            elif stage.stage_id == "sort_relevance":
                hits = rules.sort_by(hits, parameters["score_field"], parameters["direction"] == "desc", parameters["missing_score"])
            elif stage.stage_id == "mmr":
                hits = await self._mmr(definition, path, parameters, hits, first_search)
            elif stage.stage_id == "sample":
                hits = rules.sample(hits, parameters["count"], parameters.get("seed"))
            elif stage.stage_id == "group_by":
                hits = rules.group_by(hits, parameters["group_by_field"], parameters["max_per_group"], parameters["output_mode"])
            took = (time.perf_counter() - started) * 1000
            statistics[stage.stage_name] = {
                "input_count": incoming,
                "output_count": len(hits),
                "duration_ms": round(took, 3),
                "efficiency": round(len(hits) / incoming, 4) if incoming else 0.0,
            }
        return hits, {"stages": statistics}, warnings

    def _where(self, collection_ids: Sequence[str], *nodes: filters.Node | None) -> Where:
        """The documents of these collections that match every node (one collection: the plain
        keyword match a bare engine query uses)."""
        if len(collection_ids) == 1:
            return Where(equals={"collection_id": collection_ids[0]}, filter=filters.all_of(*nodes))
        scope = filters.Condition(filters.simple_field("collection_id", "string"), "in", list(collection_ids), True)
        return Where(filter=filters.all_of(scope, *nodes))

    async def _filter_only(self, definition: Definition, request_filter: filters.Node | None, pre: filters.Node | None, limit: int) -> list[Hit]:
        records, _ = await self._vectors.scroll(definition.namespace_id, self._where([c["_id"] for c in definition.collections], request_filter, pre), limit=limit)
        return [Hit(str(r.payload["document_id"]), r.payload) for r in records]

    async def _feature_search(
        self, definition: Definition, index: int, stage: Stage, parameters: Mapping[str, Any], request_filter: filters.Node | None, warnings: list[str]
    ) -> list[Hit]:
        problems = Violations()
        pre = filters.parse(stage.pre_filters, definition.fields, f"stages[{index}].config.pre_filters", problems) if stage.pre_filters else None
        problems.raise_if_any()
        searches = parameters.get("searches") or []
        if not searches:
            return await self._filter_only(definition, request_filter, pre, parameters["final_top_k"])
        ranked: list[Ranked] = []
        payloads: dict[str, Mapping[str, Any]] = {}
        for s, search in enumerate(searches):
            path = f"stages[{index}].config.parameters.searches[{s}]"
            uri = rules.parse_feature_uri(search["feature_uri"])
            if uri is None:
                raise InvalidArgument([FieldViolation(f"{path}.feature_uri", "is not a feature URI: mixpeek://{extractor}@{version}/{vector}")])
            covered = [c["_id"] for c in definition.collections if uri.extractor_id in collection_rules.extractor_ids(c)]
            if not covered:
                raise InvalidArgument([FieldViolation(f"{path}.feature_uri", f"'{uri}': no collection of this retriever applies {uri.extractor_id}")])
            vector = await self._query_vector(definition, path, uri, search["query"], covered)
            with metrics.timed(metrics.VECTOR_STORE_SECONDS, "search", span="vector_store search"):
                found = await self._vectors.search(
                    definition.namespace_id, uri.vector, vector, where=self._where(covered, request_filter, pre), limit=search["top_k"], score_threshold=search.get("min_score")
                )
            if not found:
                warnings.append(f"{stage.stage_name}: search {s} ({uri}) found no document")
            scores = {}
            for point in found:
                doc_id = str(point.payload["document_id"])
                scores[doc_id] = point.score
                payloads[doc_id] = point.payload
            ranked.append(Ranked(scores, search.get("weight", 1.0)))
        fused = fuse(parameters["fusion"], ranked)[: parameters["final_top_k"]]
        return [Hit(doc_id, payloads[doc_id], score) for doc_id, score in fused]

    async def _query_vector(self, definition: Definition, path: str, uri: rules.FeatureUri, query: Mapping[str, Any], covered: Sequence[str]) -> list[float]:
        extractor = self._catalogue.by_id(uri.extractor_id)
        assert extractor is not None  # checked on create
        spec = next(v for v in extractor.vectors if v.name == uri.vector)
        mode = query.get("input_mode", "text")
        if mode == "vector":
            value = query.get("value")
            numbers = np.asarray(value) if isinstance(value, list) else None
            if numbers is None or numbers.ndim != 1 or numbers.dtype.kind not in "if":  # ints and floats, not bools or text
                raise InvalidArgument([FieldViolation(f"{path}.query.value", "must be a list of numbers for input_mode vector")])
            if len(numbers) != spec.dimensions:
                raise InvalidArgument([FieldViolation(f"{path}.query.value", f"has {len(numbers)} numbers; {uri.vector} has {spec.dimensions} dimensions")])
            return numbers.astype(np.float64).tolist()
        if mode == "document":
            ref = query.get("document_ref") or {}
            collection_id = ref.get("collection_id") or covered[0]
            known = {c["_id"]: c["_id"] for c in definition.collections} | {c["collection_name"]: c["_id"] for c in definition.collections}
            if collection_id not in known:
                raise NotFound("collection", collection_id, f"Collection '{collection_id:.100}' is not one this retriever searches.")
            found = (await self._documents.get(definition.namespace_id, known[collection_id], [ref["document_id"]], vectors=[uri.vector])).get(ref["document_id"])
            if found is None:
                raise NotFound("document", ref["document_id"], f"Document '{ref['document_id']:.100}' not found in collection '{known[collection_id]}'.")
            stored = found.vectors.get(uri.vector)
            if not stored:
                raise InvalidArgument([FieldViolation(f"{path}.query.document_ref", f"document {ref['document_id']} has no {uri.vector} vector")])
            return [float(x) for x in stored]
        return await self._embed_query(extractor, uri, path, mode, query)

    async def _embed_query(self, extractor: ExtractorDefinition, uri: rules.FeatureUri, path: str, mode: str, query: Mapping[str, Any]) -> list[float]:
        """A text or content query embedded by the feature's extractor (the processing path), into
        its input of that modality; a query of another modality names `query.input_mode`."""
        raw = _query_input(path, mode, query)
        wanted = ("text", "string") if mode == "text" else FILE_INPUT_TYPES
        names = [name for name, spec in extractor.inputs.items() if spec.get("type") in wanted]
        if not names:
            kinds = ", ".join(sorted({str(s.get("type")) for s in extractor.inputs.values()}))
            what = "text" if mode == "text" else "files (images, video, audio)"
            raise InvalidArgument([FieldViolation(f"{path}.query.input_mode", f"is {mode}, but {uri.extractor_id} embeds {kinds}, not {what}")])
        try:
            made = await self._extraction.run(extractor.id, [replace(raw, name=names[0])], {}, "single")
        except InvalidArgument as error:
            raise InvalidArgument([FieldViolation(_query_field(path, raw), v.description) for v in error.violations]) from None
        return [float(x) for x in made[0].document.vectors[uri.vector]]

    async def _mmr(self, definition: Definition, path: str, parameters: Mapping[str, Any], hits: list[Hit], first_search: Stage | None) -> list[Hit]:
        uri_text = parameters.get("diversity_feature_uri") or (first_search.parameters["searches"][0]["feature_uri"] if first_search else "")
        uri = rules.parse_feature_uri(uri_text)
        if uri is None:
            raise InvalidArgument([FieldViolation(f"{path}.diversity_feature_uri", "is required when no feature_search names a feature (mixpeek://{extractor}@{version}/{vector})")])
        ids = [p for p in (point_id_of(h.document_id) for h in hits) if p is not None]
        records = await self._vectors.retrieve(definition.namespace_id, ids, with_payload=False, with_vectors=[uri.vector]) if ids else []
        by_id = {str(r.id): r.vectors.get(uri.vector) for r in records}
        with_vectors = [Hit(h.document_id, h.payload, h.score, h.scores, {uri.vector: _dense(by_id.get(point_id_of(h.document_id) or ""))}) for h in hits]
        return rules.mmr(with_vectors, uri.vector, parameters["lambda"], parameters["top_k"], parameters["score_field"], parameters["mmr_score_field"])

    async def _with_vectors(self, namespace_id: str, documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ids = [p for p in (point_id_of(str(d.get("document_id", ""))) for d in documents) if p is not None]
        records = await self._vectors.retrieve(namespace_id, ids, with_payload=False, with_vectors=True)
        by_id = {str(r.id): r.vectors for r in records}
        return [{**d, "_vectors": by_id.get(point_id_of(str(d.get("document_id", ""))) or "", {})} for d in documents]


def _in_query(index: int, violation: FieldViolation) -> FieldViolation:
    """A violation of a batch's query, named where the query's fields are in the batch request."""
    if violation.field.split(".")[0].split("[")[0] in ("inputs", "filters"):
        return FieldViolation(f"queries[{index}].{violation.field}", violation.description)
    return violation


def _strong(request: Mapping[str, Any]) -> bool:
    """Whether the caller wants a strong read (Mixpeek's `consistency.mode`, or a `write_token`)."""
    mode = (request.get("consistency") or {}).get("mode") or "eventual"
    if mode not in ("strong", "eventual"):
        raise InvalidArgument([FieldViolation("consistency.mode", f"must be strong or eventual, not {mode!r}")])
    return mode == "strong" or bool(request.get("write_token"))


def _dense(vector: Any) -> list[float]:
    """A dense vector as floats; anything else (absent, sparse, multi) as no vector."""
    if isinstance(vector, list) and all(isinstance(x, (int, float)) for x in vector):
        return [float(x) for x in vector]
    return []


def _describe(stage: Stage, parameters: Mapping[str, Any], definition: Definition) -> str:
    if stage.stage_id == "feature_search":
        searches = parameters.get("searches") or []
        if not searches:
            return "lists the documents matching pre_filters"
        uris = ", ".join(str(s.get("feature_uri")) for s in searches)
        names = ", ".join(c["collection_name"] for c in definition.collections)
        return f"searches {uris} in {names}; fuses {len(searches)} search(es) by {parameters.get('fusion', 'rrf')}; keeps {parameters.get('final_top_k', 25)}"
    return rules.STAGES[stage.stage_id].description


def _max_output(stage: Stage, parameters: Mapping[str, Any]) -> int:
    return int(parameters.get("final_top_k") or parameters.get("top_k") or parameters.get("count") or rules.MAX_TOP_K)


def _encode_cursor(offset: int, fingerprint: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([offset, fingerprint]).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[int, str] | None:
    try:
        offset, fingerprint = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, TypeError):
        return None
    if not isinstance(offset, int) or offset < 0 or offset > rules.MAX_TOP_K * 2 or not isinstance(fingerprint, str):
        return None
    return offset, fingerprint


FILE_INPUT_TYPES = ("image", "video", "audio", "file", "url")


def _query_input(path: str, mode: str, query: Mapping[str, Any]) -> RawInput:
    """The query as an extractor input: text (`value` or `text`), or content (`content.url`,
    `content.base64`, or `value`: a URL if it starts with http(s)://, else base64)."""
    if mode == "text":
        text = query.get("value") if query.get("value") is not None else query.get("text")
        if not isinstance(text, str) or not text.strip():
            raise InvalidArgument([FieldViolation(f"{path}.query.value", "is required: the text to search for (input_mode text)")])
        return RawInput(text=text)
    content = dict(query.get("content") or {})
    value = query.get("value")
    if isinstance(value, str) and value and not content:
        content = {"url": value} if value.startswith(("http://", "https://")) else {"base64": value}
    given = [key for key in ("url", "base64") if content.get(key)]
    if len(given) != 1:
        raise InvalidArgument([FieldViolation(f"{path}.query.content", "give exactly one of url or base64 (or value: a URL or base64 bytes) for input_mode content")])
    return RawInput(url=content["url"]) if given == ["url"] else RawInput(base64=content["base64"])


def _query_field(path: str, raw: RawInput) -> str:
    """The query field an extraction input violation is about."""
    if raw.text is not None:
        return f"{path}.query.value"
    return f"{path}.query.content." + ("url" if raw.url is not None else "base64")
