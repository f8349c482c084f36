"""The record of each retriever execution (Mixpeek's execution history): its statistics, timing,
counts and cache hit, not its documents, kept in MongoDB (server.storage.executions) for
`ttl_seconds` and at most `retention` per organization (the newest).

Recording stays off the execute path: `completed` and `failed` only queue what the record is made
of (references, no copies), and a background task builds the records and writes them in batches,
then prunes what is beyond the organization's retention. The queue holds at most `MAX_PENDING`
records; past that a record is dropped (counted in vecplane_execution_records_total) and the
execution answers all the same, as it does when a write fails. Reads write what is queued first, so
an execution read back through the server that ran it is always found; one run by another replica
appears once that replica has written it (within `FLUSH_SECONDS`)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from server import metrics
from server.domain import clock, filters
from server.domain.errors import DomainError, InvalidArgument, NotFound, Violations
from server.domain.paging import Cursors, PageParams
from server.domain.retrieval import Stage, json_digest
from server.faults import Faults
from server.storage.repositories import Executions
from server.usecases.listing import ListResult, known_total, list_params

log = logging.getLogger(__name__)

MAX_PENDING = 4096  # records queued for writing; more are dropped
FLUSH_SECONDS = 1.0  # how long queued records wait to be written together (fewer, larger writes)
MAX_INPUTS_CHARS = 4096
MAX_LISTED = 8  # items of a list kept in a record's `inputs`
MAX_SUMMARY_CHARS = 200
MAX_WARNINGS = 20
RECENT_SCAN = 200  # records read for recent searches

EXECUTION_FIELDS = filters.StaticFields(
    "an execution",
    {
        "execution_id": filters.simple_field("execution_id", "string", mongo="_id"),
        "status": filters.simple_field("status", "string"),
        "cache_hit": filters.simple_field("cache_hit", "boolean"),
        "created_at": filters.simple_field("created_at", "datetime", time="_created_ms"),
        "duration_ms": filters.simple_field("duration_ms", "number"),
        "query_summary": filters.simple_field("query_summary", "string"),
    },
)
EXECUTION_SORTABLE = {"created_at": "_created_ms", "duration_ms": "duration_ms"}
STATUSES = ("completed", "failed")


@dataclass(frozen=True)
class Ran:
    """What a record is made of, as the execute path hands it over (built into a record later)."""

    organization_id: str
    key_id: str  # the API key that ran it (typeahead's recent searches are the caller's own)
    namespace_id: str
    retriever_id: str
    retriever_name: str
    collection_ids: Sequence[str]
    stages: Sequence[Stage]
    inputs: Any
    ended: float  # time.time() when it ended
    execution_id: str
    statistics: Mapping[str, Any] | None = None  # completed
    pagination: Mapping[str, Any] | None = None
    cache_hit: bool = False
    cached_at_unix: float | None = None
    consistency_mode: str = ""
    warnings: Sequence[str] = ()
    error: str | None = None  # failed


def _iso(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _summary(inputs: Any) -> str:
    """The first text input, cut: what a person typed, for lists and typeahead."""
    if isinstance(inputs, Mapping):
        for value in inputs.values():
            if isinstance(value, str) and value.strip():
                return value.strip()[:MAX_SUMMARY_CHARS]
    return ""


def profile_of(stages: Sequence[Stage], statistics: Mapping[str, Any], cache_hit: bool) -> dict[str, Any]:
    """The profile of one execution (`explain_plan`): each stage as it ran (the cached run's
    numbers on a hit)."""
    ran = statistics.get("stages") or {}
    return {
        "stages": [
            {"stage_name": s.stage_name, "stage_id": s.stage_id, "stage_type": s.category, **{k: ran.get(s.stage_name, {}).get(k, 0) for k in ("input_count", "output_count", "duration_ms")}}
            for s in stages
        ],
        "total_time_ms": statistics.get("total_time_ms", 0),
        "cache_hit": cache_hit,
    }


def _abridged(value: Any) -> Any:
    """The inputs as a record keeps them: a list of more than MAX_LISTED items (a query vector) as
    its first ones and its length, so recording costs little whatever the query holds."""
    if isinstance(value, Mapping):
        return {str(k): _abridged(v) for k, v in value.items()}
    if isinstance(value, list):
        listed = [_abridged(v) for v in value[:MAX_LISTED]]
        return listed if len(value) <= MAX_LISTED else [*listed, f"... {len(value)} items"]
    return value


def _record(ran: Ran, ttl_seconds: float) -> dict[str, Any]:
    statistics = dict(ran.statistics or {"stages": {}, "total_time_ms": 0.0})
    took = float(statistics.get("total_time_ms") or 0.0)
    began = ran.ended - took / 1000
    stages = statistics.get("stages") or {}
    text = json.dumps(_abridged(ran.inputs), sort_keys=True, default=str)
    record: dict[str, Any] = {
        "_id": ran.execution_id,
        "_org": ran.organization_id,
        "_key": ran.key_id,
        "_ns": ran.namespace_id,
        "_retriever": ran.retriever_id,
        "_created_ms": int(began * 1000),
        "_expires_ms": int((ran.ended + ttl_seconds) * 1000),
        "_profile": profile_of(ran.stages, statistics, ran.cache_hit),
        "execution_id": ran.execution_id,
        "status": "failed" if ran.error is not None else "completed",
        "retriever_id": ran.retriever_id,
        "retriever_name": ran.retriever_name,
        "execution_mode": "saved" if ran.retriever_id else "adhoc",
        "created_at": _iso(began),
        "completed_at": _iso(ran.ended),
        "timestamp": _iso(began),
        "duration_ms": took,
        "credits_used": 0.0,
        "total_processed": sum(int(s.get("input_count") or 0) for s in stages.values()),
        "total_returned": int((ran.pagination or {}).get("returned") or 0),
        "cache_hit_rate": 1.0 if ran.cache_hit else 0.0,
        "cache_hit": ran.cache_hit,
        "inputs_hash": json_digest(ran.inputs),
        "query_summary": _summary(ran.inputs),
        "inputs": text[:MAX_INPUTS_CHARS],
        "collection_ids": list(ran.collection_ids),
        "stages_completed": len(stages) if ran.error is None else 0,
        "total_stages": len(ran.stages),
        "stage_statistics": statistics,
        "pagination": dict(ran.pagination or {}),
        "warnings": list(ran.warnings)[:MAX_WARNINGS],
        "documents_retained": False,
        "consistency_mode": ran.consistency_mode,
    }
    if ran.cached_at_unix is not None:
        record["cached_at"] = ran.cached_at_unix
    if ran.error is not None:
        record["error"] = ran.error
    return record


class ExecutionLog:
    def __init__(self, repository: Executions, cursors: Cursors, *, retention: int, ttl_seconds: float, faults: Faults | None = None):
        self._repository = repository
        self._faults = faults or Faults()
        self._cursors = cursors
        self.retention = retention
        self.ttl_seconds = ttl_seconds
        self._pending: deque[Ran] = deque()
        self._worker: asyncio.Task[None] | None = None
        self._writing = asyncio.Lock()

    # --- writing (off the execute path)

    def record(self, ran: Ran) -> None:
        """Queues a record; never waits and never fails the execution."""
        if self.retention <= 0:
            return
        if len(self._pending) >= MAX_PENDING:
            metrics.EXECUTION_RECORDS.labels("dropped").inc()
            return
        self._pending.append(ran)
        if self._worker is None or self._worker.done():
            try:
                self._worker = asyncio.get_running_loop().create_task(self._write_soon(), name="execution-records")
            except RuntimeError:  # no loop (outside the server): nothing to record with
                self._pending.clear()

    async def _write_soon(self) -> None:
        while self._pending:
            await asyncio.sleep(FLUSH_SECONDS)
            await self.flush()

    async def flush(self) -> None:
        """Writes the queued records now, then prunes the organizations written to."""
        async with self._writing:
            taken = [self._pending.popleft() for _ in range(len(self._pending))]
            if not taken:
                return
            try:
                await self._faults.hit("executions.write")
                await self._repository.insert_many([_record(ran, self.ttl_seconds) for ran in taken])
                metrics.EXECUTION_RECORDS.labels("written").inc(len(taken))
                now_ms = int(time.time() * 1000)
                for organization_id in {ran.organization_id for ran in taken}:
                    await self._repository.prune(organization_id, self.retention, now_ms)
            except Exception:  # the executions answered already; their records are lost, not them
                log.warning("writing %d execution records failed", len(taken), exc_info=True)
                metrics.EXECUTION_RECORDS.labels("failed").inc(len(taken))

    async def close(self) -> None:
        """Writes what is queued and stops (at server stop)."""
        if self._worker is not None and not self._worker.done():
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        self._worker = None
        with contextlib.suppress(Exception):
            await self.flush()

    # --- reading

    async def get(self, scope: dict[str, str], execution_id: str) -> dict[str, Any]:
        """The record in `scope` ({_org, _ns, _retriever}); NOT_FOUND otherwise (another
        organization's, another retriever's, expired or never recorded)."""
        await self.flush()
        found = await self._repository.find(scope, execution_id, int(time.time() * 1000)) if execution_id else None
        if found is None:
            raise NotFound("execution", execution_id or "", f"Execution '{execution_id:.100}' not found (records are kept for a while, the newest of the organization: see Retrieval / Executions).")
        return found

    async def recent_searches(self, scope: dict[str, str], prefix: str, limit: int) -> list[str]:
        """The distinct `query_summary`s of the newest records in `scope` (e.g. one API key's in a
        namespace) that start with `prefix`, case aside; newest first, at most `limit`."""
        await self.flush()
        starts = filters.Condition(EXECUTION_FIELDS.fields["query_summary"], "starts_with", prefix, False)
        params = PageParams(limit=RECENT_SCAN, offset=0, after=None, include_total=False, sort_field="_created_ms", descending=True)
        page = await self._repository.page(scope, starts, params, int(time.time() * 1000))
        found: dict[str, str] = {}
        for item in page.items:
            found.setdefault(item["query_summary"].casefold(), item["query_summary"])
        return list(found.values())[:limit]

    @staticmethod
    def profile(record: Mapping[str, Any]) -> dict[str, Any]:
        return {"execution_id": record["execution_id"], "retriever_id": record["retriever_id"], "query_profile": record["_profile"], "created_at": record["created_at"]}

    async def list(self, scope: dict[str, str], request: dict[str, Any]) -> ListResult:
        """A page of the records in `scope`, newest first unless the query sorts otherwise;
        `status`, `start_time` and `end_time` narrow it as filters do."""
        query = dict(request.get("query") or {})
        query.setdefault("sort", {"field": "created_at", "direction": "desc"})
        request = {**request, "query": query}
        params, node = list_params(request, EXECUTION_SORTABLE, EXECUTION_FIELDS, self._cursors)
        problems = Violations()
        conditions: list[filters.Node | None] = [node]
        status = query.get("status")
        if status:
            if status not in STATUSES:
                problems.add("query.status", f"must be one of {', '.join(STATUSES)}")
            conditions.append(filters.Condition(EXECUTION_FIELDS.fields["status"], "eq", status, True))
        for key, operator in (("start_time", "gte"), ("end_time", "lte")):
            if query.get(key):
                try:
                    clock.to_millis(query[key])
                except ValueError:
                    problems.add(f"query.{key}", "must be a time in ISO 8601, e.g. 2026-01-31T12:00:00Z")
                    continue
                conditions.append(filters.Condition(EXECUTION_FIELDS.fields["created_at"], operator, query[key], True))
        problems.raise_if_any()
        await self.flush()
        page = await self._repository.page(scope, filters.all_of(*conditions), params, int(time.time() * 1000))
        total = known_total(params, page)
        pagination: dict[str, Any] = {"total": total, "limit": params.limit, "offset": params.offset, "has_next": page.next is not None}
        if page.next is not None:
            pagination["next_cursor"] = self._cursors.encode(params, page.next)
        items = [] if query.get("count_only") else page.items
        return ListResult(items, pagination, total)


def failure_message(error: DomainError) -> str:
    """What a failed execution's record says of its error (the field named, as the answer did)."""
    if isinstance(error, InvalidArgument):
        return "; ".join(f"{v.field}: {v.description}" for v in error.violations[:5])[:1000]
    return error.message[:1000]

