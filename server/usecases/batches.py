"""Batches: a fixed set of a bucket's objects, processed as one task (server.usecases.processing
plans and queues it) through the collections that read the bucket, then downstream.

DRAFT -> (submit) the task's PENDING -> IN_PROGRESS -> COMPLETED | COMPLETED_WITH_ERRORS | FAILED |
CANCELED. Retry queues a new task over the root objects of the failed sources only. Bad input:
no objects INVALID_ARGUMENT; unknown or another bucket's objects NOT_FOUND listing them; submitting
twice, adding to a submitted batch, retrying one with nothing failed or not finished,
deleting a running one: FAILED_PRECONDITION.

Submit and retry name the task in the batch before storing it (server.storage.batches); a crash in
between is repaired at the next start (`recover`), which stores the named task."""

from __future__ import annotations

from collections.abc import Sequence
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
from server.domain.tasks import Task, TaskStatus, TaskType
from server.faults import Faults
from server.storage.batches import DRAFT, BatchRepository, matching
from server.storage.buckets import BucketRepository
from server.storage.collections import CollectionRepository
from server.storage.tasks import TaskRepository
from server.usecases.auth import Principal
from server.usecases.namespaces import NamespaceUseCases
from server.usecases.processing import MAX_LIST, MAX_OBJECT_IDS, ProcessingUseCases, task_json

MAX_NAME = 256
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
        faults: Faults | None = None,
    ):
        self._faults = faults or Faults()
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
        if len(request.get("batch_name") or "") > MAX_NAME:
            raise InvalidArgument([FieldViolation("batch_name", f"is longer than {MAX_NAME} characters")])
        bucket, scope = await self._bucket(principal, header, request.get("bucket_id", ""))
        object_ids = self._check_ids(await self._chosen_objects(scope, bucket, request))
        roots = await self._tier_roots(scope, bucket["_id"], list(request.get("collection_ids") or []))
        await self._processing.check_objects(scope, object_ids, bucket["_id"])
        now = clock.now()
        batch_id = new_id("btch", 12)  # Mixpeek's shape: `btch_` + 12, where other IDs have 10
        batch = {
            "_id": batch_id,
            **scope,
            "batch_id": batch_id,
            "bucket_id": bucket["_id"],
            "namespace_id": scope["_ns"],
            "batch_name": request.get("batch_name") or "",
            "state": DRAFT,
            "object_ids": object_ids,
            "collection_ids": roots,
            "task_id": "",
            "retry_count": 0,
            "metadata": request.get("metadata") or {},
            "created_at": now,
            "updated_at": now,
        }
        await self._batches.insert(batch)
        if request.get("auto_submit") or request.get("trigger_processing"):
            await self.submit(principal, header, {"bucket_id": bucket["_id"], "batch_id": batch_id})
            found = await self._batches.get(scope, batch_id)
            assert found is not None
            batch = found
        return await self._present(batch)

    async def get(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        batch, _ = await self._batch(principal, header, request.get("bucket_id", ""), request.get("batch_id", ""))
        return await self._present(batch)

    async def list(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """A bucket's batches, or the organization's (narrowed to a namespace by the header or
        `namespace_id`), filtered by bucket, first-tier collection and status; newest first."""
        offset, limit = int(request.get("offset") or 0), int(request.get("limit") or 100)
        if not 0 <= offset <= 10_000 or not 1 <= limit <= MAX_LIST:
            raise InvalidArgument([FieldViolation("offset" if not 0 <= offset <= 10_000 else "limit", "offset must be 0-10000 and limit 1-1000")])
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
        found = await self._batches.page(where, offset, limit)
        return {"results": [await self._present(b) for b in found], "total_count": await self._batches.count(where)}

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
        await self._processing.check_objects(scope, object_ids, batch["bucket_id"])
        if len(set(batch["object_ids"]) | set(object_ids)) > MAX_OBJECT_IDS:
            raise InvalidArgument([FieldViolation("object_ids", f"would make the batch larger than {MAX_OBJECT_IDS} objects")])
        if not await self._batches.add_objects(scope, batch["_id"], object_ids, clock.now()):
            raise FailedPrecondition(f"Batch {batch['_id']} is not a DRAFT any more; objects can only be added before it is submitted.")
        found = await self._batches.get(scope, batch["_id"])
        assert found is not None
        return await self._present(found)

    async def submit(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        batch, scope = await self._batch(principal, header, request.get("bucket_id", ""), request.get("batch_id", ""))
        if batch["state"] != DRAFT:
            raise FailedPrecondition(f"Batch {batch['_id']} was already submitted (task {batch.get('task_id') or 'none'}); submit a batch once, or retry what failed.")
        tiers = await self._processing.tiers(scope, batch["collection_ids"])
        task = self._processing.new_task(principal.organization_id, scope["_ns"], TaskType.BATCH, tiers, batch["object_ids"], batch["_id"])
        if not await self._batches.submit(scope, batch["_id"], task.task_id, task.object_ids, clock.now()):
            raise FailedPrecondition(f"Batch {batch['_id']} was already submitted; submit a batch once, or retry what failed.")
        return task_json(await self._queue(scope, batch["_id"], task))

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
                recovered.append(batch["_id"])
        return recovered

    async def cancel(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        batch, scope = await self._batch(principal, header, request.get("bucket_id", ""), request.get("batch_id", ""))
        if batch["state"] == DRAFT and await self._batches.cancel_draft(scope, batch["_id"], clock.now()):
            return {"task_id": "", "task_type": str(TaskType.BATCH), "status": str(TaskStatus.CANCELED), "additional_data": {"batch_id": batch["_id"]}}
        if not batch.get("task_id"):
            raise FailedPrecondition(f"Batch {batch['_id']} was canceled before it was submitted.")
        return await self._processing.cancel(principal, batch["task_id"])

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
        return task_json(await self._queue(scope, batch["_id"], task))

    async def delete(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        batch, scope = await self._batch(principal, header, request.get("bucket_id", ""), request.get("batch_id", ""))
        if batch.get("task_id"):
            task = await self._tasks.get({"_org": principal.organization_id}, batch["task_id"])
            if task is not None and not task.terminal:
                raise FailedPrecondition(f"Batch {batch['_id']} is {task.status}; cancel it first, then delete it.")
        await self._batches.delete(scope, batch["_id"])
        return {"message": "Successfully deleted", "success": True}

    async def failed_documents(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        batch, _ = await self._batch(principal, header, request.get("bucket_id", ""), request.get("batch_id", ""))
        limit, offset = int(request.get("limit") or 100), int(request.get("offset") or 0)
        if not 1 <= limit <= MAX_LIST or offset < 0:
            raise InvalidArgument([FieldViolation("limit", "must be 1-1000 (and offset >= 0)")])
        task_id = batch.get("task_id") or ""
        found = await self._tasks.failures_of(task_id, limit, offset) if task_id else []
        results = [
            {"source_id": f["source_id"], "object_id": f.get("root_object_id", ""), "collection_id": f["collection_id"], "tier_num": f["tier_num"], "error": f["error"]}
            for f in found
        ]
        return {"results": results, "total_count": await self._tasks.count_failures(task_id) if task_id else 0}


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
