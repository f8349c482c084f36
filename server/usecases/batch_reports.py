"""What a batch did, read from what vecplane records: its current task (tiers, counters, the
failure ledger `task_failures`) and its audit trail (server.storage.batch_events); the documents
of its objects; and the organization's processing queue.

Mixpeek's answers here describe its Ray jobs and credits; vecplane runs tasks in its own workers
and has no credits, so these say what the task model knows: `logs` is the audit trail (there are
no job logs), a cost estimate counts objects and extractors at 0 credits, and a tier's audit
balances the sources it read against its two ledgers (documents made, failures recorded)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from server.domain import clock
from server.domain.errors import FailedPrecondition, FieldViolation, InvalidArgument
from server.domain.tasks import Task, TaskStatus, TierProgress
from server.storage.batch_events import BatchEvent, BatchEventRepository
from server.storage.collections import CollectionRepository
from server.storage.documents import DocumentStore
from server.storage.tasks import TaskRepository
from server.usecases.auth import Principal
from server.usecases.batches import BatchUseCases

QUEUE_LISTED = 100  # tasks of each state a queue answer lists
FAILURES_SHOWN = 10  # failed documents in a diagnosis
FAILURES_SUMMARIZED = 1000  # failures whose reasons a diagnosis counts
REASONS_SHOWN = 20
_TIER_DONE = (TaskStatus.COMPLETED, TaskStatus.COMPLETED_WITH_ERRORS, TaskStatus.CANCELED)
_QUEUED_EVENTS = ("submitted", "retried", "resubmitted", "recovered")
_NOT_READ = "a source the collection's source filters leave out is not read, so it is not counted"


class BatchReportUseCases:
    def __init__(
        self,
        batches: BatchUseCases,
        tasks: TaskRepository,
        collections: CollectionRepository,
        documents: DocumentStore,
        events: BatchEventRepository,
    ):
        self._batches = batches
        self._tasks = tasks
        self._collections = collections
        self._documents = documents
        self._events = events

    async def _with_task(self, principal: Principal, header: str | None, request: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str], Task | None]:
        batch, scope = await self._batches.find(principal, header, request)
        task = await self._tasks.get({"_org": scope["_org"]}, batch["task_id"]) if batch.get("task_id") else None
        return batch, scope, task

    async def audit(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """Each tier of the current task: the sources it read (once it finished), how many made
        documents, how many are in the failure ledger, and how many are in neither (lost)."""
        batch, scope, task = await self._with_task(principal, header, request)
        tiers = [_tier_audit(t, await self._tasks.count_failures(task.task_id, t.tier_num)) for t in task.tiers] if task else []
        return {
            "batch_id": batch["_id"],
            "status": _status(batch, task),
            "task_id": batch.get("task_id") or "",
            "tiers": tiers,
            "all_balanced": bool(task and task.terminal and tiers and all(t["balanced"] for t in tiers)),
            "has_lost_objects": any(t["lost"] for t in tiers),
            "events": await self._events.of_batch(scope["_org"], batch["_id"]),
        }

    async def logs(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """The audit trail (a tier's entries only, with `tier_num`)."""
        tier_num = request.get("tier_num")
        if tier_num is not None and tier_num < 1:
            raise InvalidArgument([FieldViolation("tier_num", "must be 1 or more: tiers are counted from 1, as in tier_tasks")])
        batch, scope = await self._batches.find(principal, header, request)
        entries = await self._events.of_batch(scope["_org"], batch["_id"])
        if tier_num is not None:
            entries = [e for e in entries if e["tier_num"] == tier_num]
        return {"batch_id": batch["_id"], "logs": entries, "total_count": len(entries)}

    async def diagnose(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        batch, scope, task = await self._with_task(principal, header, request)
        shown = await self._batches.present(batch, task)
        events = await self._events.of_batch(scope["_org"], batch["_id"])
        failures = await self._tasks.failures_of(task.task_id, FAILURES_SUMMARIZED) if task else []
        failed_count = await self._tasks.count_failures(task.task_id) if task else 0
        reasons = Counter(str(f["error"]) for f in failures).most_common(REASONS_SHOWN)
        resumed = [e for e in events if e["event"] == "task_resumed" and task and e["task_id"] == task.task_id]
        return {
            "batch_id": batch["_id"],
            "status": shown["status"],
            "task_id": shown.get("task_id") or "",
            "error": shown["error"],
            "timing": _timing(batch, task, events),
            "progress": shown["progress"],
            "tier_tasks": shown["tier_tasks"],
            "failed_document_count": failed_count,
            "failed_documents": [self._batches.failure_json(f) for f in failures[:FAILURES_SHOWN]],
            "error_summary": dict(reasons),
            "infrastructure_events": resumed,
            "recommendations": _recommendations(shown["status"], task, failed_count, len(resumed)),
        }

    async def estimate_cost(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """What a submit runs: every collection of its tiers, their extractors, the objects, and how
        many of them have documents in the tier-1 collections already. No credits: 0."""
        batch, scope = await self._batches.find(principal, header, request)
        tiers = await self._batches.tiers_of(scope, batch)
        by_id = {c["_id"]: c for c in await self._collections.all_in(scope)}
        collection_ids = [c for tier in tiers for c in tier]
        extractors = sorted({e for c in collection_ids for e in by_id[c].get("_extractors") or []})
        done: set[str] = set()
        for collection_id in tiers[0] if tiers else []:
            async for docs in self._documents.of_roots(scope["_ns"], collection_id, batch["object_ids"]):
                done.update(doc.lineage.root_object_id for doc in docs)
        warnings = ["vecplane has no credits: processing costs nothing here, so estimated_credits and estimated_usd are 0."]
        if done:
            warnings.append(f"{len(done)} object(s) have documents in the batch's tier-1 collections already; a submit processes them again and overwrites those documents.")
        return {
            "batch_id": batch["_id"],
            "collection_ids": collection_ids,
            "dedup_strategy": "replace",
            "object_count": len(batch["object_ids"]),
            "already_extracted_count": len(done),
            "estimated_credits": 0,
            "estimated_usd": 0.0,
            "estimated_repay_credits": 0,
            "extractors": extractors,
            "warnings": warnings,
        }

    async def delete_documents(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """Deletes the documents of the batch's objects in every collection its current task ran
        (all tiers; documents have one ID per collection, source and chunk, so these are the ones
        the batch wrote, or rewrote). A finished batch only."""
        batch, scope, task = await self._with_task(principal, header, request)
        if task is None:
            raise FailedPrecondition(f"Batch {batch['_id']} was never submitted, so it made no documents.")
        if not task.terminal:
            raise FailedPrecondition(f"Batch {batch['_id']} is {task.status}; delete its documents once it has finished (or cancel it first).")
        existing = {c["_id"] for c in await self._collections.all_in(scope)}
        by_collection = {c: await self._documents.delete_of_roots(scope["_ns"], c, batch["object_ids"]) for c in task.collection_ids() if c in existing}
        deleted = sum(by_collection.values())
        message = f"Deleted {deleted} document(s) of the batch's {len(batch['object_ids'])} object(s) from {len(by_collection)} collection(s)."
        await self._events.record(
            scope["_org"],
            batch["_id"],
            BatchEvent("documents_deleted", str(task.status), task.task_id, message=message),
        )
        return {
            "batch_id": batch["_id"],
            "deleted_count": deleted,
            "by_collection": by_collection,
            "message": message,
            "success": True,
        }

    async def queue(self, principal: Principal) -> dict[str, Any]:
        """The organization's running and queued tasks (workers take the oldest first)."""
        active_count, active = await self._tasks.of_organization(principal.organization_id, TaskStatus.IN_PROGRESS, QUEUE_LISTED)
        waiting_count, waiting = await self._tasks.of_organization(principal.organization_id, TaskStatus.PENDING, QUEUE_LISTED)
        return {
            "active_count": active_count,
            "waiting_count": waiting_count,
            "active": [_queued(t) for t in active],
            "waiting": [_queued(t) for t in waiting],
        }


def _status(batch: dict[str, Any], task: Task | None) -> str:
    return str(task.status) if task else str(TaskStatus.PENDING) if batch.get("task_id") else str(batch["state"])


def _tier_audit(tier: TierProgress, ledger: int) -> dict[str, Any]:
    """Mixpeek's TierAuditInfo of one tier. vecplane's `processed` counts every source read (made
    documents or failed); `failed` here is the failure ledger, checked against the tier's counter."""
    submitted = tier.processed if tier.status in _TIER_DONE else None
    made = tier.processed - tier.failed
    notes = [_NOT_READ]
    if ledger != tier.failed:
        notes.append(f"the failure ledger has {ledger} source(s), the tier's counter {tier.failed}")
    if tier.status is TaskStatus.CANCELED:
        notes.append("canceled: the sources after its last chunk were not read")
    lost = max(0, submitted - made - ledger) if submitted is not None else 0
    out = {
        "tier_num": tier.tier_num,
        "collection_ids": tier.collection_ids,
        "processed": made,
        "failed": ledger,
        "skipped": 0,
        "lost": lost,
        "balanced": submitted is not None and submitted == made + ledger,
        "notes": notes,
    }
    return {**out, "submitted": submitted} if submitted is not None else out


def _timing(batch: dict[str, Any], task: Task | None, events: list[dict[str, Any]]) -> dict[str, Any]:
    mine = [e for e in events if task and e["task_id"] == task.task_id]

    def first(*kinds: str) -> str:
        return next((e["at"] for e in mine if e["event"] in kinds), "")

    submitted = first(*_QUEUED_EVENTS) or (task.created_at if task else "")
    finished = first("task_finished") or (task.updated_at if task and task.terminal else "")
    duration = clock.to_millis(finished or clock.now()) - clock.to_millis(submitted) if submitted else 0
    return {
        "created_at": batch["created_at"],
        "submitted_at": submitted,
        "started_at": first("task_started", "task_resumed"),
        "finished_at": finished,
        "duration_ms": max(0, duration),
    }


def _recommendations(status: str, task: Task | None, failed: int, resumed: int) -> list[str]:
    said = {
        "DRAFT": "Submit the batch (POST .../submit) to process it.",
        "PENDING": "Queued: a worker takes it when one is free (GET /v1/batches/queue lists the organization's queue).",
        "IN_PROGRESS": f"Running tier {task.current_tier + 1} of {len(task.tiers)}." if task else "Running.",
        "COMPLETED": "Nothing to do: every source read made documents.",
        "COMPLETED_WITH_ERRORS": f"{failed} source(s) failed: see failed-documents for the reasons, fix them, then retry (POST .../retry runs only their objects again).",
        "FAILED": f"The task failed ({task.error if task else 'no task'}): fix the cause, then retry or resubmit (every object runs again).",
        "CANCELED": "Canceled: resubmit it (POST .../resubmit) to run it again.",
    }
    out = [said.get(status, "")]
    if resumed:
        out.append(f"The task was taken over {resumed} time(s) after its worker stopped (a crash or a lost lease); each time it resumed from its last checkpoint.")
    return [s for s in out if s]


def _queued(task: Task) -> dict[str, Any]:
    return {
        "task_id": task.task_id,
        "task_type": str(task.task_type),
        "batch_id": task.batch_id,
        "namespace_id": task.namespace_id,
        "status": str(task.status),
        "created_at": task.created_at,
    }
