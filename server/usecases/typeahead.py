"""Typeahead (Mixpeek's `GET /v1/retrievers/typeahead`): completions of a typed prefix from three
sources of the caller's namespace, each bounded: collection names, the caller's own recent searches
(this API key's execution records, server.usecases.executions) and values of document fields.

The vector store has no facet counts, so field values are counted over a bounded read of the
namespace's documents (`MAX_SCANNED`, in point order); a namespace with more documents gets the
counts of the part read and a warning saying so. A source that fails is left out and named in
`warnings`, as Mixpeek's; a bad request (prefix, fields, limit) fails whole, naming the field."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from server.domain.errors import Violations
from server.domain.paging import value_at
from server.storage.vectors import PointId, VectorStore
from server.usecases.auth import Principal
from server.usecases.collections import CollectionUseCases
from server.usecases.executions import ExecutionLog
from server.usecases.namespaces import NamespaceUseCases

log = logging.getLogger(__name__)

MAX_PREFIX = 200
MAX_FIELDS = 5
MAX_LIMIT = 50
DEFAULT_LIMIT = 10
MAX_SCANNED = 2000  # documents read to count field values
_PAGE = 500
_FIELD_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z0-9_]{1,64}){0,7}$")


class Typeahead:
    def __init__(self, namespaces: NamespaceUseCases, collections: CollectionUseCases, executions: ExecutionLog, vectors: VectorStore):
        self._namespaces = namespaces
        self._collections = collections
        self._executions = executions
        self._vectors = vectors

    async def suggest(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        prefix = str(request.get("q") or "")
        fields = [f.strip() for f in str(request.get("fields") or "").split(",") if f.strip()]
        limit = int(request.get("limit") or DEFAULT_LIMIT)
        problems = Violations()
        if not 1 <= len(prefix) <= MAX_PREFIX:
            problems.add("q", f"must be 1 to {MAX_PREFIX} characters")
        if len(fields) > MAX_FIELDS:
            problems.add("fields", f"names {len(fields)} fields; at most {MAX_FIELDS}")
        for bad in [f for f in fields if not _FIELD_PATH.match(f)]:
            problems.add("fields", f"'{bad:.100}' is not a field path such as metadata.category")
        if not 1 <= limit <= MAX_LIMIT:
            problems.add("limit", f"must be between 1 and {MAX_LIMIT}")
        problems.raise_if_any()
        namespace_id = await self._namespaces.resolve_id(principal, header)
        warnings: list[str] = []

        async def source(name: str, read: Callable[[], Awaitable[list[Any]]]) -> list[Any]:
            try:
                return await read()
            except Exception:  # a source that cannot answer is left out, not the request
                log.warning("typeahead source %s failed", name, exc_info=True)
                warnings.append(f"{name}: could not be read; left out")
                return []

        recent = await source(
            "recent_searches", lambda: self._executions.recent_searches({"_org": principal.organization_id, "_ns": namespace_id, "_key": principal.key_id}, prefix, limit)
        )
        values = await source("values", lambda: self._values(namespace_id, fields, prefix, limit, warnings)) if fields else []
        collections = await source("collections", lambda: self._collection_names(principal, namespace_id, prefix, limit))
        suggestions: dict[str, str] = {}
        for text in [*recent, *(v["value"] for v in values), *(c["collection_name"] for c in collections)]:
            suggestions.setdefault(text.casefold(), text)
        return {"query": prefix, "suggestions": list(suggestions.values()), "values": values, "collections": collections, "recent_searches": recent, "warnings": warnings}

    async def _collection_names(self, principal: Principal, namespace_id: str, prefix: str, limit: int) -> list[dict[str, str]]:
        starts = {"AND": [{"field": "collection_name", "operator": "starts_with", "value": prefix, "case_sensitive": False}]}
        found = await self._collections.list(principal, namespace_id, {"query": {"filters": starts, "sort": {"field": "collection_name"}}, "limit": limit})
        return [{"collection_id": c["_id"], "collection_name": c["collection_name"]} for c in found.items]

    async def _values(self, namespace_id: str, fields: list[str], prefix: str, limit: int, warnings: list[str]) -> list[dict[str, Any]]:
        """The field values that start with the prefix, counted over at most MAX_SCANNED documents."""
        folded = prefix.casefold()
        counts: Counter[tuple[str, str]] = Counter()
        offset: PointId | None = None
        scanned = 0
        while scanned < MAX_SCANNED:
            records, offset = await self._vectors.scroll(namespace_id, None, offset=offset, limit=min(_PAGE, MAX_SCANNED - scanned))
            scanned += len(records)
            for record in records:
                for path in fields:
                    found = value_at(record.payload, path)
                    texts = {v for v in (found if isinstance(found, list) else [found]) if isinstance(v, str) and v.casefold().startswith(folded)}
                    counts.update((path, text) for text in texts)
            if offset is None:
                break
        if offset is not None:
            warnings.append(f"values: counted over the first {MAX_SCANNED} documents of the namespace, which has more")
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [{"field": path, "value": text, "count": count} for (path, text), count in ranked]
