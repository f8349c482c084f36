"""Processing requests: collection triggers, `auto_process`, and reading and canceling tasks. The
engine (server.processing) runs what these queue.

Before a task is queued every collection it will run is planned, so an extractor that cannot run
on this server is FAILED_PRECONDITION before any work starts, and unknown object IDs are NOT_FOUND
listing them. Two triggers of the whole collection at once: while one is queued or running, a second
answers with the first task's ID (a trigger of given object IDs always queues a task of its own;
documents are written by deterministic ID, so overlapping tasks leave the same documents)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from server.domain import clock, filters
from server.domain.collections import source_fields
from server.domain.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound, Violations
from server.domain.filters import Node
from server.domain.ids import new_id
from server.domain.paging import Cursors, PageParams, Position, page_params
from server.domain.tasks import Task, TaskType, TierProgress, tiers_of
from server.processing.engine import Engine
from server.processing.pipeline import plan_collection
from server.storage.collections import CollectionRepository
from server.storage.errors import DuplicateKey
from server.storage.objects import ObjectRepository
from server.storage.operations import OperationRepository
from server.storage.paging import Page
from server.storage.repositories import Resources
from server.storage.tasks import TaskRepository, to_task
from server.usecases.auth import Principal
from server.usecases.collections import CollectionUseCases
from server.usecases.extraction import ExtractionUseCases
from server.usecases.listing import pagination

MAX_OBJECT_IDS = 50_000
MAX_LIST = 1000
DEFAULT_LIST = 100  # tasks a list page holds unless `limit` says otherwise
_TASK_SORT = "_created_ms"
_NEWEST_FIRST = {"sort": {"field": "created_at", "direction": "desc"}}  # the only order the task list has


def task_json(task: Task) -> dict[str, Any]:
    """A task as the API answers it (Mixpeek's TaskResponse; progress in `additional_data`)."""
    return {
        "task_id": task.task_id,
        "task_type": str(task.task_type),
        "status": str(task.status),
        "error": task.error,
        "additional_data": {
            "namespace_id": task.namespace_id,
            "batch_id": task.batch_id,
            "collection_ids": task.collection_ids(),
            "object_ids": task.object_ids[:1000],
            "current_tier": task.current_tier + 1,
            "total_tiers": len(task.tiers),
            "tiers": [{k: v for k, v in t.to_json().items() if k not in ("position", "after")} for t in task.tiers],
            "created_at": task.created_at,
            "updated_at": task.updated_at,
        },
    }


_OPERATION_STATUS = {"running": "IN_PROGRESS", "done": "COMPLETED", "failed": "FAILED", "cancelled": "CANCELED"}


RECONFIGURE = "api_namespaces_reconfigure"  # a reconfigure operation's type in the task list


def _operation_json(op: dict[str, Any]) -> dict[str, Any]:
    """A reconfigure operation as a task (read-only: it runs under its own lease and lock; listed
    with the tasks)."""
    return {
        "task_id": op["_id"],
        "task_type": RECONFIGURE,
        "status": _OPERATION_STATUS.get(str(op.get("state")), "IN_PROGRESS"),
        "error": str(op.get("error") or ""),
        "additional_data": {"namespace_id": op["_ns"], "created_at": op.get("created_at", ""), "updated_at": op.get("updated_at", "")},
    }


def _operation_states(status: str | None) -> list[str] | None:
    """The operation states a task status filter selects (None: every state)."""
    return None if not status else [state for state, shown in _OPERATION_STATUS.items() if shown == status]


class ProcessingUseCases:
    def __init__(
        self,
        tasks: TaskRepository,
        collections_repo: CollectionRepository,
        objects: ObjectRepository,
        collections: CollectionUseCases,
        extraction: ExtractionUseCases,
        engine: Engine,
        buckets: Resources,
        operations: OperationRepository | None = None,
        *,
        cursors: Cursors,
    ):
        self._cursors = cursors
        self._buckets = buckets
        self._tasks = tasks
        self._collections_repo = collections_repo
        self._objects = objects
        self._collections = collections
        self._extraction = extraction
        self._engine = engine
        self._operations = operations

    async def tiers(self, scope: dict[str, str], roots: list[str]) -> list[list[str]]:
        """The tiers that run `roots` (collections of one tier) and every collection downstream,
        after checking that each can run here."""
        everything = await self._collections_repo.all_in(scope)
        reads: dict[str, list[str]] = {}
        by_id = {c["_id"]: c for c in everything}
        gone = [root for root in roots if root not in by_id]
        if gone:
            raise FailedPrecondition(f"Collection {', '.join(gone)} was deleted, so there is nothing to run it with.")
        for c in everything:
            source = c.get("source") or {}
            if source.get("type") == "collection":
                reads.setdefault(str(source.get("collection_id")), []).append(c["_id"])
        start = "\x00start"
        reads[start] = roots
        tiers = tiers_of(start, reads)[1:]
        for tier in tiers:
            for collection_id in tier:
                plan_collection(by_id[collection_id], self._extraction)
        return tiers

    async def matching_objects(self, scope: dict[str, str], bucket_id: str, where: Node | None, limit: int, object_ids: Sequence[str] = ()) -> list[str]:
        """The IDs of the bucket's first `limit` objects (in ID order) that match `where` (and are
        among `object_ids`, when given)."""
        found: list[str] = []
        after: str | None = ""
        while after is not None and len(found) < limit:
            docs, after = await self._objects.in_order(scope, [bucket_id], prefix="", object_ids=list(object_ids), where=where, after=after, limit=1000)
            found += [doc["_id"] for doc in docs]
        return found[:limit]

    async def check_objects(self, scope: dict[str, str], object_ids: list[str], bucket_ids: Sequence[str]) -> None:
        problems = []
        if len(object_ids) > MAX_OBJECT_IDS:
            problems.append(FieldViolation("object_ids", f"has {len(object_ids)} IDs; at most {MAX_OBJECT_IDS}"))
        if any(not isinstance(i, str) or not i for i in object_ids):
            problems.append(FieldViolation("object_ids", "must be non-empty object IDs"))
        if problems:
            raise InvalidArgument(problems)
        found = await self._objects.existing_ids(scope, object_ids, bucket_ids)
        missing = [i for i in dict.fromkeys(object_ids) if i not in found]
        if missing:
            listed = ", ".join(missing[:20]) + (f" and {len(missing) - 20} more" if len(missing) > 20 else "")
            raise NotFound("object", missing[0], f"Objects not found in the collection's source: {listed}.")

    async def queue(self, task: Task, lock: str = "") -> tuple[Task, bool]:
        """Stores the task and wakes the workers; with a lock already held, the holder and False;
        when this very task (its ID) is stored already, that one and False."""
        try:
            await self._tasks.insert(task, lock)
        except DuplicateKey:
            stored = await self._tasks.get({"_org": task.organization_id}, task.task_id)
            if stored is not None:
                return stored, False
            running = await self._tasks.holding(lock) if lock else None
            if running is not None:
                return running, False
            await self._tasks.insert(task, lock)
        self._engine.wake()
        return task, True

    def new_task(self, organization_id: str, namespace_id: str, task_type: TaskType, tiers: list[list[str]], object_ids: list[str], batch_id: str = "") -> Task:
        now = clock.now()
        return Task(
            task_id=new_id("task"),
            task_type=task_type,
            organization_id=organization_id,
            namespace_id=namespace_id,
            tiers=[TierProgress(n + 1, ids) for n, ids in enumerate(tiers)],
            object_ids=object_ids,
            batch_id=batch_id,
            created_at=now,
            updated_at=now,
        )

    async def trigger(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        collection = await self._collections.get(principal, header, request.get("collection_id", ""))
        scope = {"_org": principal.organization_id, "_ns": collection["namespace_id"]}
        object_ids = list(dict.fromkeys(request.get("object_ids") or []))
        tiers = await self.tiers(scope, [collection["_id"]])
        source = collection.get("source") or {}
        buckets = (source.get("bucket_ids") or [source.get("bucket_id")]) if source.get("type") == "bucket" else []
        if object_ids:
            await self.check_objects(scope, object_ids, buckets)
        selected = await self._trigger_selection(scope, collection, buckets, object_ids, request)
        if selected is not None:
            object_ids = selected
        task = self.new_task(principal.organization_id, collection["namespace_id"], TaskType.TRIGGER, tiers, object_ids)
        queued, new = await self.queue(task, "" if object_ids else f"trigger:{collection['_id']}")
        message = (
            f"Processing {len(object_ids) or 'every'} source object(s) through {len(tiers)} tier(s)."
            if new
            else f"A trigger of collection {collection['_id']} is already queued or running as task {queued.task_id}; it covers this one."
        )
        return {"task_id": queued.task_id, "collection_id": collection["_id"], "total_tiers": len(queued.tiers), "message": message, "object_count": len(object_ids)}

    async def _trigger_selection(self, scope: dict[str, str], collection: dict[str, Any], buckets: list[str], object_ids: list[str], request: dict[str, Any]) -> list[str] | None:
        """The objects a trigger's `include_buckets` and `source_filters` select (None: they select
        nothing beyond `object_ids`), checked with `include_collections` and `dedup_strategy`."""
        problems = Violations()
        source = collection.get("source") or {}
        kind = source.get("type")
        if request.get("dedup_strategy") not in (None, "", "replace"):
            problems.add("dedup_strategy", "must be replace: a trigger processes its sources again and rewrites their documents (skip is not supported)")
        for ident in request.get("include_collections") or []:
            if kind != "collection":
                problems.add("include_collections", f"applies to collections that read a collection; '{collection['collection_name']}' reads buckets")
                break
            named = await self._collections_repo.find(scope, ident)
            if named is None or named["_id"] != source.get("collection_id"):
                problems.add("include_collections", f"'{ident}' is not the source collection of '{collection['collection_name']}' ({source.get('collection_id')})")
        chosen = list(buckets)
        if request.get("include_buckets"):
            if kind != "bucket":
                problems.add("include_buckets", f"applies to collections that read buckets; '{collection['collection_name']}' reads a collection")
            chosen = []
            for index, ident in enumerate(request["include_buckets"]):
                bucket = await self._buckets.find(scope, ident)
                if bucket is None or bucket["_id"] not in buckets:
                    problems.add(f"include_buckets[{index}]", f"'{ident}' is not a source bucket of '{collection['collection_name']}' ({', '.join(buckets)})")
                else:
                    chosen.append(bucket["_id"])
        where = None
        if request.get("source_filters"):
            if kind != "bucket":
                problems.add("source_filters", "applies to collections that read buckets (set a collection-sourced collection's own source.filters)")
            else:
                where = filters.parse(request["source_filters"], source_fields("bucket", collection.get("input_schema")), "source_filters", problems)
        problems.raise_if_any()
        if where is None and chosen == buckets:
            return None
        found: list[str] = []
        for bucket_id in dict.fromkeys(chosen):
            found += await self.matching_objects(scope, bucket_id, where, MAX_OBJECT_IDS + 1 - len(found), object_ids)
        field = "source_filters" if where is not None else "include_buckets"
        if len(found) > MAX_OBJECT_IDS:
            raise InvalidArgument([FieldViolation(field, f"selects more than {MAX_OBJECT_IDS} objects; narrow it, or trigger without it to process every object")])
        if not found:
            raise InvalidArgument([FieldViolation(field, "selects no object of the collection's source: there is nothing to process")])
        return found

    async def process_objects(self, principal: Principal, namespace_id: str, bucket_id: str, object_ids: list[str]) -> None:
        """`auto_process`: new objects through every collection fed by their bucket, then downstream."""
        scope = {"_org": principal.organization_id, "_ns": namespace_id}
        roots = [c["_id"] for c in await self._collections_repo.reading(scope, "bucket", bucket_id)]
        if not roots:
            return
        tiers = await self.tiers(scope, roots)
        await self.queue(self.new_task(principal.organization_id, namespace_id, TaskType.OBJECTS, tiers, object_ids))

    async def get(self, principal: Principal, task_id: str) -> dict[str, Any]:
        """A task; a Reconfigure's `operation_id` is one too (task type api_namespaces_reconfigure)."""
        if task_id and self._operations is not None:
            op = await self._operations.get(task_id)
            if op is not None and op.get("_org") == principal.organization_id:
                return _operation_json(op)
        return task_json(await self.task(principal, task_id))

    async def task(self, principal: Principal, task_id: str) -> Task:
        if not task_id:
            raise InvalidArgument([FieldViolation("task_id", "is required")])
        found = await self._tasks.get({"_org": principal.organization_id}, task_id)
        if found is None:
            raise NotFound("task", task_id)
        return found

    async def _listed(self, principal: Principal, status: str | None, task_type: str | None, params: PageParams) -> tuple[list[dict[str, Any]], Position | None]:
        """The tasks and reconfigure operations of a page, newest first (ties by ID), and where the
        next page starts (None: this is the last). Reconfigures are few, so only an organization
        that has some past the position pays for the merge: the newest offset + limit of each kind,
        and when the tasks go on beyond those read, only the rows up to the last task read."""
        scope = {"_org": principal.organization_id}
        window = params.offset + params.limit
        ops: list[dict[str, Any]] = []
        if self._operations is not None and task_type in (None, RECONFIGURE):
            ops = await self._operations.newest(principal.organization_id, _operation_states(status), window + 1, params.after)
        if not ops:
            if task_type == RECONFIGURE:
                return [], None
            page = await self._tasks.page(scope, status, task_type, params)
            return [task_json(to_task(doc)) for doc in page.items], page.next
        tasks = Page([], None, None) if task_type == RECONFIGURE else await self._tasks.page(scope, status, task_type, replace(params, offset=0, limit=window))
        rows = [(doc["_created_ms"], doc["_id"], task_json(to_task(doc))) for doc in tasks.items] + [(op["_created_ms"], op["_id"], _operation_json(op)) for op in ops]
        rows.sort(key=lambda row: (row[0], row[1]), reverse=True)
        more = len(rows) > window
        if tasks.next is not None:
            last = (tasks.items[-1]["_created_ms"], tasks.items[-1]["_id"])
            rows, more = [row for row in rows if (row[0], row[1]) >= last], True
        rows = rows[:window]
        shown = rows[params.offset :]
        if not more:
            return [row[2] for row in shown], None
        if shown:
            return [row[2] for row in shown], Position(shown[-1][0], shown[-1][1])
        return [], Position(rows[-1][0], rows[-1][1], params.offset - len(rows))

    async def list(self, principal: Principal, status: str | None, offset: int, limit: int, task_type: str | None = None) -> list[dict[str, Any]]:
        """A page of tasks by offset (google.longrunning's ListOperations)."""
        problems = []
        if not 0 <= offset <= 10_000:
            problems.append(FieldViolation("offset", "must be 0-10000"))
        if not 0 <= limit <= MAX_LIST:
            problems.append(FieldViolation("limit", f"must be 1-{MAX_LIST}"))
        if problems:
            raise InvalidArgument(problems)
        params = PageParams(limit or DEFAULT_LIST, offset, None, False, _TASK_SORT, True)
        found, _ = await self._listed(principal, status, task_type, params)
        return found

    async def list_page(self, principal: Principal, request: dict[str, Any]) -> dict[str, Any]:
        """A page of tasks (a ListTasksRequest as its dict) in Mixpeek's list envelope: `results` and
        `pagination`, by offset (`page_size` and `page` are Mixpeek's other names for the page) or by
        cursor (`next_cursor` and `after` are its other names)."""
        cursor = request.get("cursor") or request.get("next_cursor") or request.get("after") or ""
        params = page_params({**request, "cursor": cursor, "query": _NEWEST_FIRST}, {"created_at": _TASK_SORT}, self._cursors, default_limit=DEFAULT_LIST)
        found, following = await self._listed(principal, request.get("status") or None, request.get("task_type") or None, params)
        return {"results": found, "pagination": pagination(params, Page(found, following, None), self._cursors)}

    async def cancel(self, principal: Principal, task_id: str) -> dict[str, Any]:
        if task_id and self._operations is not None:
            op = await self._operations.get(task_id)
            if op is not None and op.get("_org") == principal.organization_id:
                raise FailedPrecondition(f"Task {task_id} is a reconfigure, which cannot be canceled; it completes (or resumes after a crash) on its own.")
        await self.task(principal, task_id)
        found = await self._tasks.request_cancel({"_org": principal.organization_id}, task_id, clock.now())
        assert found is not None
        return task_json(found)
