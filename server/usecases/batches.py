"""Batches: a fixed set of a bucket's objects, processed as one task (server.usecases.processing
plans and queues it) through the collections that read the bucket, then downstream.

DRAFT -> (submit) the task's PENDING -> IN_PROGRESS -> COMPLETED | COMPLETED_WITH_ERRORS | FAILED |
CANCELED. Retry queues a new task over the root objects of the failed sources only; resubmit one
over every object (or makes the batch a DRAFT again). Submit-all and bulk submit submit many, each
on its own (one that fails is reported, not raised). Every change is recorded in the batch's audit
trail (server.storage.batch_events). Bad input:
no objects INVALID_ARGUMENT; unknown or another bucket's objects NOT_FOUND listing them; submitting
twice, adding to a submitted batch, retrying one with nothing failed or not finished,
deleting a running one: FAILED_PRECONDITION.

Submit and retry name the task in the batch before storing it (server.storage.batches); a crash in
between is repaired at the next start (`recover`), which stores the named task."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from server.domain import buckets as bucket_rules
from server.domain import clock, filters
from server.domain.errors import (
    DomainError,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    Violations,
)
from server.domain.ids import new_id
from server.domain.paging import Cursors, page_params
from server.domain.tasks import Task, TaskStatus, TaskType
from server.faults import Faults
from server.storage.batch_events import BatchEvent, BatchEventRepository
from server.storage.batches import DRAFT, BatchRepository, matching
from server.storage.buckets import BucketRepository
from server.storage.collections import CollectionRepository
from server.storage.tasks import TaskRepository
from server.usecases.auth import Principal
from server.usecases.listing import known_total, pagination
from server.usecases.namespaces import NamespaceUseCases
from server.usecases.processing import DEFAULT_LIST, MAX_LIST, MAX_OBJECT_IDS, ProcessingUseCases, task_json

MAX_NAME = 256
MAX_SUBMIT_ALL = 100  # drafts a submit-all takes
DEFAULT_CHUNK = 1000  # objects per batch of a bulk submit
MAX_BULK_OBJECTS = 100_000
MAX_BULK_BATCHES = 100
BATCH_SORTABLE = {"created_at": "_created_ms"}
_NEWEST_FIRST = {"sort": {"field": "created_at", "direction": "desc"}}  # the only order batch lists have
QUEUE_FAULT = "batches.before_queue"  # a submit or retry between naming its task and storing it


class BatchUseCases:
    def __init__(
        self,
        batches: BatchRepository,
        buckets: BucketRepository,
        collections: CollectionRepository,
        tasks: TaskRepository,
        namespaces: NamespaceUseCases,
        processing: ProcessingUseCases,
        events: BatchEventRepository,
        faults: Faults | None = None,
        *,
        cursors: Cursors,
    ):
        self._cursors = cursors
        self._faults = faults or Faults()
        self._events = events
        self._batches = batches
        self._buckets = buckets
        self._collections = collections
        self._tasks = tasks
        self._namespaces = namespaces
        self._processing = processing

    async def _bucket(self, principal: Principal, header: str | None, ident: str) -> tuple[dict[str, Any], dict[str, str]]:
        if not ident:
            raise InvalidArgument([FieldViolation("bucket_id", "is required")])
        bucket, scope = await self._namespaces.scoped_read(principal, header, lambda s: self._buckets.find(s, ident))
        if bucket is None:
            raise NotFound("bucket", ident)
        return bucket, scope

    async def _batch(self, principal: Principal, header: str | None, bucket_ident: str, batch_id: str) -> tuple[dict[str, Any], dict[str, str]]:
        if not batch_id:
            raise InvalidArgument([FieldViolation("batch_id", "is required")])
        if bucket_ident:
            bucket, scope = await self._bucket(principal, header, bucket_ident)
            found = await self._batches.get(scope, batch_id)
            if found is not None and found["bucket_id"] != bucket["_id"]:
                found = None
        else:  # the organization-level paths
            scope = {"_org": principal.organization_id}
            found = await self._batches.get(scope, batch_id)
            if found is not None:
                scope = {"_org": principal.organization_id, "_ns": found["_ns"]}
        if found is None:
            raise NotFound("batch", batch_id)
        return found, scope

    async def find(self, principal: Principal, header: str | None, request: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """The batch a request names (`bucket_id`, `batch_id`) and its scope."""
        return await self._batch(principal, header, request.get("bucket_id", ""), request.get("batch_id", ""))

    async def tiers_of(self, scope: dict[str, str], batch: dict[str, Any]) -> list[list[str]]:
        """The tiers a submit of the batch would run."""
        return await self._processing.tiers(scope, batch["collection_ids"])

    async def present(self, batch: dict[str, Any], task: Task | None = None) -> dict[str, Any]:
        """The batch as the API answers it (Mixpeek's BatchModel)."""
        return await self._present(batch, task)

    async def _present(self, batch: dict[str, Any], task: Task | None = None) -> dict[str, Any]:
        if task is None and batch.get("task_id"):
            task = await self._tasks.get({"_org": batch["_org"]}, batch["task_id"])
        out = {k: v for k, v in batch.items() if not k.startswith("_") and k != "state"}
        # A task named but not stored yet (submit in progress, or interrupted: see `recover`) is queued.
        out["status"] = str(task.status) if task else str(TaskStatus.PENDING) if batch.get("task_id") else batch["state"]
        tiers = task.tiers if task else []
        # A batch's first tier reads its bucket, every later one the documents of the tier before.
        out["tier_tasks"] = [
            {**{k: v for k, v in t.to_json().items() if k not in ("position", "after")}, "source_type": "bucket" if t.tier_num == 1 else "collection"} for t in tiers
        ]
        out["total_tiers"] = len(tiers) or 1  # a DRAFT's tiers are resolved on submit; Mixpeek says 1 until then
        out["max_node_death_resubmits"] = out["max_deploy_resubmits"] = 0
        out["progress"] = {
            "processed": sum(t.processed for t in tiers),
            "errors": sum(t.failed for t in tiers),
            "documents_written": sum(t.documents_written for t in tiers),
            "total": len(batch["object_ids"]),
        }
        out["failed_object_count"] = out["progress"]["errors"]
        out["error"] = task.error if task else ""
        return out

    async def _tier_roots(self, scope: dict[str, str], bucket_id: str, requested: list[str]) -> list[str]:
        reading = [c["_id"] for c in await self._collections.reading(scope, "bucket", bucket_id)]
        if not requested:
            if not reading:
                raise FailedPrecondition(f"No collection reads bucket {bucket_id}, so a batch of it would make no documents; create a collection first.")
            return reading
        resolved = []
        for ident in requested:
            found = await self._collections.find(scope, ident)
            if found is None:
                raise NotFound("collection", ident)
            if found["_id"] not in reading:
                raise InvalidArgument([FieldViolation("collection_ids", f"collection '{ident}' does not read bucket {bucket_id}")])
            resolved.append(found["_id"])
        return list(dict.fromkeys(resolved))

    async def _chosen_objects(self, scope: dict[str, str], bucket: dict[str, Any], request: dict[str, Any]) -> list[str]:
        """The batch's objects: `object_ids`, or the bucket's objects matching `filters` (at most `limit`)."""
        object_ids, limit = list(request.get("object_ids") or []), int(request.get("limit") or 0)
        if not request.get("filters"):
            if limit:
                raise InvalidArgument([FieldViolation("limit", "only applies with filters")])
            return object_ids
        problems = Violations()
        if object_ids:
            problems.add("filters", "give object_ids or filters, not both")
        if not 0 <= limit <= MAX_OBJECT_IDS:
            problems.add("limit", f"must be 1-{MAX_OBJECT_IDS}")
        where = filters.parse(request["filters"], bucket_rules.ObjectFields(bucket.get("bucket_schema")), "filters", problems)
        problems.raise_if_any()
        found = await self._processing.matching_objects(scope, bucket["_id"], where, limit or MAX_OBJECT_IDS)
        if not found:
            raise InvalidArgument([FieldViolation("filters", "matches no object of the bucket: a batch needs at least one")])
        return found

    def _check_ids(self, object_ids: list[str]) -> list[str]:
        if not object_ids:
            raise InvalidArgument([FieldViolation("object_ids", "is empty: a batch needs at least one object")])
        if len(object_ids) > MAX_OBJECT_IDS:
            raise InvalidArgument([FieldViolation("object_ids", f"has {len(object_ids)} IDs; at most {MAX_OBJECT_IDS}")])
        return list(dict.fromkeys(object_ids))

    async def create(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        _check_name(request)
        bucket, scope = await self._bucket(principal, header, request.get("bucket_id", ""))
        object_ids = self._check_ids(await self._chosen_objects(scope, bucket, request))
        roots = await self._tier_roots(scope, bucket["_id"], list(request.get("collection_ids") or []))
        await self._processing.check_objects(scope, object_ids, [bucket["_id"]])
        batch = await self._new_draft(scope, bucket["_id"], object_ids, roots, request)
        if request.get("auto_submit") or request.get("trigger_processing"):
            await self._submit(scope, batch)
            batch = await self._reread(scope, batch["_id"])
        return await self._present(batch)

    async def _new_draft(self, scope: dict[str, str], bucket_id: str, object_ids: list[str], roots: list[str], request: dict[str, Any], group: str = "") -> dict[str, Any]:
        """Stores a DRAFT of checked objects and tier-1 collections (name and metadata from `request`)."""
        now = clock.now()
        batch_id = new_id("btch", 12)  # Mixpeek's shape: `btch_` + 12, where other IDs have 10
        batch = {
            "_id": batch_id,
            **scope,
            "batch_id": batch_id,
            "bucket_id": bucket_id,
            "namespace_id": scope["_ns"],
            "batch_name": request.get("batch_name") or "",
            "state": DRAFT,
            "object_ids": object_ids,
            "collection_ids": roots,
            "task_id": "",
            "retry_count": 0,
            "metadata": request.get("metadata") or {},
            "batch_group_id": group,
            "created_at": now,
            "updated_at": now,
        }
        await self._batches.insert(batch)
        await self._events.record(scope["_org"], batch_id, BatchEvent("created", DRAFT, message=f"{len(object_ids)} object(s)" + (f", bulk submit {group}" if group else "")))
        return batch

    async def _reread(self, scope: dict[str, str], batch_id: str) -> dict[str, Any]:
        found = await self._batches.get(scope, batch_id)
        if found is None:
            raise NotFound("batch", batch_id)  # deleted meanwhile
        return found

    async def get(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        batch, _ = await self._batch(principal, header, request.get("bucket_id", ""), request.get("batch_id", ""))
        return await self._present(batch)

    async def list(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """A bucket's batches, or the organization's (narrowed to a namespace by the header or
        `namespace_id`), filtered by bucket, first-tier collection and status; newest first."""
        params = page_params({**request, "query": _NEWEST_FIRST}, BATCH_SORTABLE, self._cursors, default_limit=DEFAULT_LIST)
        scope = await self._list_scope(principal, header, request.get("namespace_id", ""))
        bucket_id, collection_id = request.get("bucket_id", ""), request.get("collection_id", "")
        if "_ns" in scope and bucket_id:
            bucket, _ = await self._bucket(principal, scope["_ns"], bucket_id)
            bucket_id = bucket["_id"]
        if "_ns" in scope and collection_id:
            collection = await self._collections.find(scope, collection_id)
            if collection is None:
                raise NotFound("collection", collection_id)
            collection_id = collection["_id"]
        state = request.get("status", "")
        task_ids = await self._tasks.batch_task_ids({"_org": principal.organization_id, **scope}, state) if state and state != DRAFT else None
        where = matching(scope, bucket_id=bucket_id, collection_id=collection_id, state=state, task_ids=task_ids)
        page = await self._batches.page(where, params)
        return {"results": [await self._present(b) for b in page.items], "total_count": known_total(params, page), "pagination": pagination(params, page, self._cursors)}

    async def _list_scope(self, principal: Principal, header: str | None, namespace: str) -> dict[str, str]:
        """The organization, narrowed to the namespace the header or the body names (they must agree)."""
        scope = {"_org": principal.organization_id}
        named = [await self._namespaces.resolve_id(principal, ident) for ident in (header, namespace) if ident]
        if len(set(named)) > 1:
            raise InvalidArgument([FieldViolation("namespace_id", f"names namespace {named[1]}, but the x-namespace header names {named[0]}: send one, or the same in both")])
        return {**scope, "_ns": named[0]} if named else scope

    async def add_objects(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        object_ids = self._check_ids(list(request.get("object_ids") or []))
        batch, scope = await self._batch(principal, header, request.get("bucket_id", ""), request.get("batch_id", ""))
        await self._processing.check_objects(scope, object_ids, [batch["bucket_id"]])
        if len(set(batch["object_ids"]) | set(object_ids)) > MAX_OBJECT_IDS:
            raise InvalidArgument([FieldViolation("object_ids", f"would make the batch larger than {MAX_OBJECT_IDS} objects")])
        if not await self._batches.add_objects(scope, batch["_id"], object_ids, clock.now()):
            raise FailedPrecondition(f"Batch {batch['_id']} is not a DRAFT any more; objects can only be added before it is submitted.")
        await self._events.record(scope["_org"], batch["_id"], BatchEvent("objects_added", DRAFT, message=f"{len(object_ids)} object(s) sent"))
        found = await self._batches.get(scope, batch["_id"])
        assert found is not None
        return await self._present(found)

    async def submit(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        batch, scope = await self._batch(principal, header, request.get("bucket_id", ""), request.get("batch_id", ""))
        return task_json(await self._submit(scope, batch))

    async def _submit(self, scope: dict[str, str], batch: dict[str, Any]) -> Task:
        if batch["state"] != DRAFT:
            raise FailedPrecondition(f"Batch {batch['_id']} was already submitted (task {batch.get('task_id') or 'none'}); submit a batch once, or retry what failed.")
        tiers = await self._processing.tiers(scope, batch["collection_ids"])
        task = self._processing.new_task(scope["_org"], scope["_ns"], TaskType.BATCH, tiers, batch["object_ids"], batch["_id"])
        if not await self._batches.submit(scope, batch["_id"], task.task_id, task.object_ids, clock.now()):
            raise FailedPrecondition(f"Batch {batch['_id']} was already submitted; submit a batch once, or retry what failed.")
        queued = await self._queue(scope, batch["_id"], task)
        await self._events.record(scope["_org"], batch["_id"], BatchEvent("submitted", str(queued.status), queued.task_id, message=f"{len(task.object_ids)} object(s) through {len(tiers)} tier(s)"))
        return queued

    async def _submit_one(self, scope: dict[str, str], batch: dict[str, Any]) -> dict[str, Any]:
        """Submits one batch of several (submit-all, bulk submit): a failure is reported, not raised."""
        out = {"batch_id": batch["_id"], "object_count": len(batch["object_ids"])}
        try:
            task = await self._submit(scope, batch)
        except DomainError as failed:
            return {**out, "status": batch["state"], "task_id": "", "error": str(failed)}
        return {**out, "status": str(task.status), "task_id": task.task_id, "error": ""}

    async def submit_all(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """The bucket's DRAFTs, oldest first, at most MAX_SUBMIT_ALL a call."""
        bucket, scope = await self._bucket(principal, header, request.get("bucket_id", ""))
        where = matching(scope, bucket_id=bucket["_id"], state=DRAFT)
        drafts = await self._batches.oldest(where, MAX_SUBMIT_ALL)
        remaining = max(0, await self._batches.count(where) - len(drafts))
        results = [await self._submit_one(scope, draft) for draft in drafts]
        failed = sum(1 for r in results if r["error"])
        message = f"Submitted {len(results) - failed} of {len(results)} DRAFT batch(es)" + (f"; {remaining} more beyond this call's cap of {MAX_SUBMIT_ALL}: call again." if remaining else ".")
        return {"submitted": len(results) - failed, "failed": failed, "results": results, "remaining": remaining, "message": message}

    async def bulk_submit(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """The bucket's objects (those matching `filters`), in object ID order, as batches of
        `chunk_size`, each submitted; at most MAX_BULK_OBJECTS objects and MAX_BULK_BATCHES batches."""
        chunk, max_objects = int(request.get("chunk_size") or DEFAULT_CHUNK), int(request.get("max_objects") or 0)
        problems = Violations()
        if not 1 <= chunk <= MAX_OBJECT_IDS:
            problems.add("chunk_size", f"must be 1-{MAX_OBJECT_IDS}")
        if not 0 <= max_objects <= MAX_BULK_OBJECTS:
            problems.add("max_objects", f"must be 1-{MAX_BULK_OBJECTS}")
        problems.raise_if_any()
        bucket, scope = await self._bucket(principal, header, request.get("bucket_id", ""))
        where = filters.parse(request["filters"], bucket_rules.ObjectFields(bucket.get("bucket_schema")), "filters", problems) if request.get("filters") else None
        problems.raise_if_any()
        roots = await self._tier_roots(scope, bucket["_id"], list(request.get("collection_ids") or []))
        await self._processing.tiers(scope, roots)  # every collection can run here, before any batch is made
        object_ids = await self._processing.matching_objects(scope, bucket["_id"], where, max_objects or MAX_BULK_OBJECTS + 1)
        if len(object_ids) > MAX_BULK_OBJECTS:
            raise InvalidArgument([FieldViolation("max_objects", f"the bucket has more than {MAX_BULK_OBJECTS} matching objects; set max_objects (at most {MAX_BULK_OBJECTS}) or narrow filters, and submit the rest in another call")])
        if not object_ids:
            raise InvalidArgument([FieldViolation("filters" if where else "bucket_id", "matches no object of the bucket: there is nothing to submit")])
        count = -(-len(object_ids) // chunk)
        if count > MAX_BULK_BATCHES:
            raise InvalidArgument([FieldViolation("chunk_size", f"{len(object_ids)} objects in chunks of {chunk} make {count} batches; at most {MAX_BULK_BATCHES} a call: use a chunk_size of at least {-(-len(object_ids) // MAX_BULK_BATCHES)}")])
        group = new_id("bgrp", 12)
        results = []
        for start in range(0, len(object_ids), chunk):
            draft = await self._new_draft(scope, bucket["_id"], object_ids[start : start + chunk], roots, {}, group)
            results.append(await self._submit_one(scope, draft))
        failed = sum(1 for r in results if r["error"])
        return {"batch_group_id": group, "total_objects": len(object_ids), "total_batches": len(results), "submitted": len(results) - failed, "failed": failed, "chunk_size": chunk, "batches": results}

    async def patch(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """`metadata` and `batch_name` in any state; `collection_ids` of a DRAFT only (a submitted
        batch's tiers are its task's)."""
        _check_name(request)
        batch, scope = await self._batch(principal, header, request.get("bucket_id", ""), request.get("batch_id", ""))
        changes: dict[str, Any] = {}
        if "batch_name" in request:
            changes["batch_name"] = request["batch_name"]
        if "metadata" in request:
            changes["metadata"] = request["metadata"] or {}
        if request.get("collection_ids"):
            if batch["state"] != DRAFT:
                raise FailedPrecondition(f"Batch {batch['_id']} was submitted, so its collection_ids cannot change (its task runs them); metadata and batch_name can.")
            changes["collection_ids"] = await self._tier_roots(scope, batch["bucket_id"], list(request["collection_ids"]))
        if not changes:
            raise InvalidArgument([FieldViolation("metadata", "nothing to change: send metadata, batch_name or (a DRAFT's) collection_ids")])
        if not await self._batches.patch(scope, batch["_id"], changes, clock.now(), draft_only="collection_ids" in changes):
            raise FailedPrecondition(f"Batch {batch['_id']} was submitted meanwhile, so its collection_ids cannot change.")
        await self._events.record(scope["_org"], batch["_id"], BatchEvent("patched", batch["state"], batch.get("task_id") or "", message=f"changed {', '.join(sorted(changes))}"))
        return await self._present(await self._reread(scope, batch["_id"]))

    async def resubmit(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """Runs a finished batch again: every object, through every tier (from `from_tier` on,
        the earlier tiers kept from its task), as a new task; or, without `auto_submit`, makes it
        a DRAFT again (to change, then submit). A canceled DRAFT can be resubmitted too."""
        auto = bool(request.get("auto_submit", request.get("trigger_processing", True)))
        from_tier = request.get("from_tier")
        if from_tier is not None and (from_tier < 0 or (from_tier and not auto)):
            reason = "must be 0 or more" if from_tier < 0 else "applies only with auto_submit: a DRAFT runs every tier when it is submitted"
            raise InvalidArgument([FieldViolation("from_tier", reason)])
        batch, scope = await self._batch(principal, header, request.get("bucket_id", ""), request.get("batch_id", ""))
        previous = await self._tasks.get({"_org": scope["_org"]}, batch["task_id"]) if batch.get("task_id") else None
        if batch["state"] == DRAFT:
            raise FailedPrecondition(f"Batch {batch['_id']} is a DRAFT that was never submitted; submit it instead.")
        if batch.get("task_id") and (previous is None or not previous.terminal):
            status = previous.status if previous else TaskStatus.PENDING
            raise FailedPrecondition(f"Batch {batch['_id']} is {status}; resubmit it once it has finished (or cancel it first).")
        if not auto:
            if not await self._batches.resubmit(scope, batch, "", [], clock.now()):
                raise FailedPrecondition(f"Batch {batch['_id']} changed meanwhile; read it and try again.")
            await self._events.record(scope["_org"], batch["_id"], BatchEvent("reset_to_draft", DRAFT, message="resubmit without auto_submit: a DRAFT again"))
            return await self._present(await self._reread(scope, batch["_id"]))
        tiers = await self._processing.tiers(scope, batch["collection_ids"])
        task = self._processing.new_task(scope["_org"], scope["_ns"], TaskType.BATCH, tiers, batch["object_ids"], batch["_id"])
        if from_tier:
            _keep_tiers(task, previous, from_tier)
        if not await self._batches.resubmit(scope, batch, task.task_id, task.object_ids, clock.now()):
            raise FailedPrecondition(f"Batch {batch['_id']} changed meanwhile; read it and try again.")
        queued = await self._queue(scope, batch["_id"], task)
        kept = f", tiers 1-{from_tier} kept from task {previous.task_id}" if from_tier and previous else ""
        await self._events.record(scope["_org"], batch["_id"], BatchEvent("resubmitted", str(queued.status), queued.task_id, message=f"{len(task.object_ids)} object(s){kept}"))
        return await self._present(await self._reread(scope, batch["_id"]), queued)

    async def _queue(self, scope: dict[str, str], batch_id: str, task: Task) -> Task:
        """Stores the task the batch names (again after a crash: the same ID, stored once)."""
        await self._faults.hit(QUEUE_FAULT)
        stored, _ = await self._processing.queue(task)
        await self._batches.queued(scope, batch_id, task.task_id)
        return stored

    async def recover(self) -> Sequence[str]:
        """Stores the task of every batch whose submit or retry was interrupted after naming it
        (a crash), as it would have been stored; a batch whose collections can no longer run gets
        a FAILED task saying why. Returns the batch IDs."""
        recovered = []
        while batches := await self._batches.queuing():
            for batch in batches:
                scope = {"_org": batch["_org"], "_ns": batch["_ns"]}
                try:
                    tiers = await self._processing.tiers(scope, batch["collection_ids"])
                    error = ""
                except DomainError as failed:
                    tiers, error = [], str(failed)
                task = self._processing.new_task(batch["_org"], batch["_ns"], TaskType.BATCH, tiers, list(batch.get("_queuing_objects") or []), batch["_id"])
                task.task_id = batch["_queuing"]
                if error:
                    task.status, task.error = TaskStatus.FAILED, error
                await self._queue(scope, batch["_id"], task)
                await self._events.record(batch["_org"], batch["_id"], BatchEvent("recovered", str(task.status), task.task_id, message="its submit was interrupted; the task was stored at start"))
                recovered.append(batch["_id"])
        return recovered

    async def cancel(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        batch, scope = await self._batch(principal, header, request.get("bucket_id", ""), request.get("batch_id", ""))
        if batch["state"] == DRAFT and await self._batches.cancel_draft(scope, batch["_id"], clock.now()):
            await self._events.record(scope["_org"], batch["_id"], BatchEvent("draft_canceled", str(TaskStatus.CANCELED)))
            return {"task_id": "", "task_type": str(TaskType.BATCH), "status": str(TaskStatus.CANCELED), "additional_data": {"batch_id": batch["_id"]}}
        if not batch.get("task_id"):
            raise FailedPrecondition(f"Batch {batch['_id']} was canceled before it was submitted.")
        canceled = await self._processing.cancel(principal, batch["task_id"])
        await self._events.record(scope["_org"], batch["_id"], BatchEvent("cancel_requested", canceled["status"], batch["task_id"]))
        return canceled

    async def retry(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        max_retries = _check_retry_options(request)
        batch, scope = await self._batch(principal, header, request.get("bucket_id", ""), request.get("batch_id", ""))
        if max_retries and int(batch.get("retry_count") or 0) >= max_retries:
            raise FailedPrecondition(f"Batch {batch['_id']} was retried {batch['retry_count']} time(s), which max_retry_count ({max_retries}) allows no more.")
        previous = await self._tasks.get({"_org": principal.organization_id}, batch.get("task_id") or "")
        if previous is None or not previous.terminal:
            raise FailedPrecondition(f"Batch {batch['_id']} has not finished; retry it once it has.")
        if previous.status is TaskStatus.FAILED or previous.status is TaskStatus.CANCELED:
            object_ids = batch["object_ids"]  # the task stopped: run it all again (written documents are overwritten)
        else:
            object_ids = await self._tasks.failed_roots(previous.task_id)
        if not object_ids:
            raise FailedPrecondition(f"Nothing of batch {batch['_id']} failed; there is nothing to retry.")
        tiers = await self._processing.tiers(scope, batch["collection_ids"])
        task = self._processing.new_task(principal.organization_id, scope["_ns"], TaskType.BATCH, tiers, object_ids, batch["_id"])
        if not await self._batches.retry(scope, batch["_id"], previous.task_id, task.task_id, object_ids, clock.now()):
            raise FailedPrecondition(f"Batch {batch['_id']} is being retried already.")
        queued = await self._queue(scope, batch["_id"], task)
        await self._events.record(scope["_org"], batch["_id"], BatchEvent("retried", str(queued.status), queued.task_id, message=f"{len(object_ids)} object(s) of task {previous.task_id}"))
        return task_json(queued)

    async def delete(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        batch, scope = await self._batch(principal, header, request.get("bucket_id", ""), request.get("batch_id", ""))
        if batch.get("task_id"):
            task = await self._tasks.get({"_org": principal.organization_id}, batch["task_id"])
            if task is not None and not task.terminal:
                raise FailedPrecondition(f"Batch {batch['_id']} is {task.status}; cancel it first, then delete it.")
        await self._batches.delete(scope, batch["_id"])
        await self._events.delete_batch(scope["_org"], batch["_id"])
        return {"message": "Successfully deleted", "success": True}

    @staticmethod
    def failure_json(failure: dict[str, Any]) -> dict[str, Any]:
        """A recorded failure as the API answers it (FailedDocument)."""
        keys = ("source_id", "collection_id", "tier_num", "error")
        return {**{k: failure[k] for k in keys}, "object_id": failure.get("root_object_id", "")}

    async def failed_documents(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        batch, _ = await self._batch(principal, header, request.get("bucket_id", ""), request.get("batch_id", ""))
        limit, offset = int(request.get("limit") or 100), int(request.get("offset") or 0)
        if not 1 <= limit <= MAX_LIST or offset < 0:
            raise InvalidArgument([FieldViolation("limit", "must be 1-1000 (and offset >= 0)")])
        task_id = batch.get("task_id") or ""
        found = await self._tasks.failures_of(task_id, limit, offset) if task_id else []
        return {"results": [self.failure_json(f) for f in found], "total_count": await self._tasks.count_failures(task_id) if task_id else 0}


def _check_name(request: dict[str, Any]) -> None:
    if len(request.get("batch_name") or "") > MAX_NAME:
        raise InvalidArgument([FieldViolation("batch_name", f"is longer than {MAX_NAME} characters")])


def _keep_tiers(task: Task, previous: Task | None, from_tier: int) -> None:
    """A resubmit from tier `from_tier` (counted from 0): the tiers before it are the previous
    task's, which must have completed them without failures (their failures would not be the new
    task's), over the same collections."""
    if from_tier >= len(task.tiers):
        raise InvalidArgument([FieldViolation("from_tier", f"must be 0-{len(task.tiers) - 1}: the batch runs {len(task.tiers)} tier(s)")])
    kept = previous.tiers[:from_tier] if previous else []
    if len(kept) < from_tier or any(t.status is not TaskStatus.COMPLETED for t in kept):
        raise FailedPrecondition(f"from_tier {from_tier}: the batch's last task did not complete tiers 1-{from_tier} without failures; resubmit from an earlier tier.")
    if [t.collection_ids for t in kept] != [t.collection_ids for t in task.tiers[:from_tier]]:
        raise FailedPrecondition(f"from_tier {from_tier}: the collections of tiers 1-{from_tier} changed since the batch's last task; resubmit every tier.")
    task.tiers[:from_tier] = [replace(t) for t in kept]
    task.current_tier = from_tier


RETRY_MODES = ("transient_only", "all")
MAX_RETRY_COUNT = 10


def _check_retry_options(request: dict[str, Any]) -> int:
    """Mixpeek's retry options, checked; returns max_retry_count (0: no limit)."""
    problems = []
    if (request.get("retry_mode") or "transient_only") not in RETRY_MODES:
        problems.append(FieldViolation("retry_mode", f"must be one of {', '.join(RETRY_MODES)}"))
    if request.get("tier_nums"):
        problems.append(FieldViolation("tier_nums", "is not supported: failures are retried from their root objects, through every tier; leave it empty"))
    max_retries = int(request.get("max_retry_count") or 0)
    if not 0 <= max_retries <= MAX_RETRY_COUNT:
        problems.append(FieldViolation("max_retry_count", f"must be 1-{MAX_RETRY_COUNT}"))
    if problems:
        raise InvalidArgument(problems)
    return max_retries
