"""The task engine: in-process workers that claim tasks from MongoDB and run them tier by tier.

Each worker claims one runnable task at a time (server.storage.tasks: leases and fencing), renews
its lease while it works, and checkpoints after every chunk of sources, so a crash at any point
resumes, at the next start (or on another process once the lease expires), from the last
checkpoint: the chunks after it are made and written again, which leaves the same documents because
their IDs are deterministic. A cancel request is seen at the next checkpoint: the chunk in hand is
written whole first, so nothing is half-written. Memory is bounded by the chunk size (two chunks
are in hand at once: one extracted while the one before it is written)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from server.domain import clock
from server.domain.errors import DomainError
from server.domain.tasks import Task, TaskStatus
from server.faults import Faults
from server.processing.pipeline import ChunkResult, CollectionRun, Pipeline, SourceItem, plan_collection
from server.storage.batch_events import BatchEvent, BatchEventRepository
from server.storage.collections import CollectionRepository
from server.storage.tasks import LeaseLost, TaskRepository
from server.usecases.extraction import ExtractionUseCases

log = logging.getLogger("vecplane.processing")


class _Canceled(Exception):
    pass


class Engine:
    def __init__(
        self,
        tasks: TaskRepository,
        collections: CollectionRepository,
        pipeline: Pipeline,
        extraction: ExtractionUseCases,
        faults: Faults,
        *,
        workers: int,
        lease_seconds: float,
        chunk: int,
        poll_seconds: float = 1.0,
        events: BatchEventRepository | None = None,
    ):
        self._tasks = tasks
        self._collections = collections
        self._pipeline = pipeline
        self._extraction = extraction
        self._faults = faults
        self._workers = workers
        self._lease = lease_seconds
        self._chunk = chunk
        self._poll = poll_seconds
        self._events = events
        # Names the process in the task's `lease_owner`, so an operator sees which replica holds it.
        self._owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._wake = asyncio.Event()
        self._loops: list[asyncio.Task[None]] = []
        self._lost: set[str] = set()  # tasks whose lease this process lost while running them

    def start(self) -> None:
        self._loops = [asyncio.create_task(self._worker(), name=f"vecplane-worker-{n}") for n in range(self._workers)]

    def wake(self) -> None:
        """A task was queued: idle workers look now rather than at their next poll."""
        self._wake.set()

    async def close(self) -> None:
        for loop in self._loops:
            loop.cancel()
        await asyncio.gather(*self._loops, return_exceptions=True)
        self._loops = []

    async def _worker(self) -> None:
        while True:
            try:
                task = await self._tasks.claim(self._owner, time.time(), self._lease)
            except Exception:
                log.exception("claiming a task failed")
                task = None
            if task is None:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._poll)
                continue
            await self._run(task)

    async def _event(self, task: Task, event: BatchEvent) -> None:
        """Records a change of a batch's task in the batch's audit trail."""
        if task.batch_id and self._events is not None:
            await self._events.record(task.organization_id, task.batch_id, event)

    async def _run(self, task: Task) -> None:
        await self._faults.hit("processing.after_claim")
        # Every claim bumps the fence: a task claimed before (fence > 1) was stopped and is resumed.
        resumed = task.fence > 1
        taken = f"taken over by {self._owner} from its checkpoint (claim {task.fence})" if resumed else f"taken by {self._owner}"
        await self._event(task, BatchEvent("task_resumed" if resumed else "task_started", str(task.status), task.task_id, message=taken))
        work = asyncio.create_task(self._work(task))
        beat = asyncio.create_task(self._heartbeat(task, work))
        try:
            await work
        except asyncio.CancelledError:
            if beat.done() and not beat.cancelled() and beat.result():
                return  # the lease was lost: the work stopped where it was, its new holder carries on
            raise
        finally:
            beat.cancel()
            self._lost.discard(task.task_id)

    async def _work(self, task: Task) -> None:
        try:
            status, error = await self._tiers(task)
            await self._faults.hit("processing.before_finish")
            await self._tasks.finish(task, status, error, clock.now())
            await self._event(task, BatchEvent("task_finished", str(status), task.task_id, message=error))
        except LeaseLost:
            log.warning("lost the lease of a task; its new holder carries on", extra={"task_id": task.task_id})
        except Exception as exc:
            log.exception("task failed", extra={"task_id": task.task_id})
            error = f"{type(exc).__name__}: {exc}"[:500]
            with contextlib.suppress(LeaseLost):
                await self._tasks.finish(task, TaskStatus.FAILED, error, clock.now())
                await self._event(task, BatchEvent("task_finished", str(TaskStatus.FAILED), task.task_id, message=error))

    async def _heartbeat(self, task: Task, work: asyncio.Task[None]) -> bool:
        """Renews the lease every third of it. When the lease is lost (another process took the task
        over) or cannot be renewed for two thirds of it (MongoDB unreachable: another process may
        take over once it has passed), stops the work and returns True, so a holder that may have
        lost the task stops writing documents at once rather than at its next checkpoint (which
        the fence refuses anyway)."""
        renewed = time.monotonic()
        while True:
            await asyncio.sleep(self._lease / 3)
            try:
                async with asyncio.timeout(self._lease / 3):
                    await self._tasks.heartbeat(task.task_id, task.fence, time.time() + self._lease)
                renewed = time.monotonic()
                continue
            except LeaseLost:
                reason = "another process took it over"
            except Exception:
                log.exception("renewing a task's lease failed", extra={"task_id": task.task_id})
                if time.monotonic() - renewed < self._lease * 2 / 3:
                    continue
                reason = "its lease could not be renewed in time"
            log.warning(f"stopped a task: {reason}", extra={"task_id": task.task_id})
            self._lost.add(task.task_id)
            work.cancel()
            return True

    async def _tiers(self, task: Task) -> tuple[TaskStatus, str]:
        """Runs the tiers from the checkpoint on; returns the task's final status and error."""

        async def save() -> None:
            fresh = await self._tasks.checkpoint(task, clock.now())
            if fresh.cancel_requested:
                raise _Canceled

        try:
            while task.current_tier < len(task.tiers):
                tier = task.tiers[task.current_tier]
                tier.status = TaskStatus.IN_PROGRESS
                while tier.position < len(tier.collection_ids):
                    collection = await self._collections.collection.find_one({"_id": tier.collection_ids[tier.position], "_ns": task.namespace_id})
                    if collection is None:
                        return TaskStatus.FAILED, f"collection {tier.collection_ids[tier.position]} was deleted while the task ran"
                    try:
                        run = plan_collection(collection, self._extraction)
                    except DomainError as error:
                        return TaskStatus.FAILED, str(error)
                    await self._set_status(task, collection, "PROCESSING")
                    try:
                        await self._collection(task, run, save)
                    except BaseException as error:
                        if not isinstance(error, LeaseLost) and task.task_id not in self._lost:  # else its new holder owns the status
                            await self._set_status(task, collection, "DONE" if collection.get("_processed_at") else "PENDING", settle=True)
                        raise
                    await self._set_status(task, collection, "DONE", processed=True)
                    tier.position += 1
                    tier.after = ""
                tier.status = TaskStatus.COMPLETED_WITH_ERRORS if tier.failed else TaskStatus.COMPLETED
                task.current_tier += 1
                await save()
                done = f"processed {tier.processed} source(s), {tier.failed} failed, {tier.documents_written} document(s) written"
                await self._event(task, BatchEvent("tier_finished", str(tier.status), task.task_id, tier.tier_num, done))
        except _Canceled:
            for tier in task.tiers[task.current_tier :]:
                tier.status = TaskStatus.CANCELED
            return TaskStatus.CANCELED, "canceled on request"
        return task.outcome(), ""

    async def _set_status(self, task: Task, collection: dict[str, Any], status: str, *, processed: bool = False, settle: bool = False) -> None:
        """The collection's `status`: PROCESSING while this task runs it, DONE once a run of it
        completed, back to what it was when the run stops early. Best effort (`settle`: the task is
        already failing, so an error here is only logged)."""
        scope = {"_org": task.organization_id, "_ns": task.namespace_id}
        now = clock.now()

        def change(_doc: dict[str, Any]) -> dict[str, Any]:
            return {"status": status, **({"_processed_at": now} if processed else {})}

        try:
            await self._collections.modify(scope, collection, change)
        except Exception:
            if not settle:
                raise
            log.exception("could not reset a collection's status", extra={"collection_id": collection["_id"]})

    async def _collection(self, task: Task, run: CollectionRun, save: Callable[[], Awaitable[Any]]) -> None:
        """The collection's sources a chunk at a time, a checkpoint after each. The next chunk is read
        and started before this one is awaited, so its extraction keeps the model busy while this
        one's documents are written and checkpointed (two chunks in hand at most). A cancel seen at a
        checkpoint lets the chunk already started finish and checkpoint too, so none is half-written."""
        tier = task.tiers[task.current_tier]
        current = following = None
        try:
            current = await self._start(task, run, tier.after)
            while current is not None:
                following = await self._start(task, run, current.last)
                try:
                    await self._finish(task, run, current, save)
                except _Canceled:
                    if following is not None:
                        await self._finish(task, run, following, save)
                    raise
                current, following = following, None
        finally:
            for chunk in (current, following):
                if chunk is not None and not chunk.processing.done():  # the lease was lost or the task failed
                    chunk.processing.cancel()
                    await asyncio.gather(chunk.processing, return_exceptions=True)

    async def _start(self, task: Task, run: CollectionRun, after: str) -> _Chunk | None:
        """Reads the chunk after `after` and starts processing it (None: no sources left)."""
        items, last = await self._pipeline.read(run, task.organization_id, task.object_ids, after, self._chunk)
        if last is None:
            return None
        return _Chunk(items, last, asyncio.create_task(self._pipeline.process(run, items)))

    async def _finish(self, task: Task, run: CollectionRun, chunk: _Chunk, save: Callable[[], Awaitable[Any]]) -> None:
        """Waits for a chunk's documents, records its failures and checkpoints after it."""
        tier = task.tiers[task.current_tier]
        result = await chunk.processing
        if result.failures:
            await self._tasks.record_failures(task.task_id, tier.tier_num, [(s.source_id, s.base.root_object_id, run.collection_id, reason) for s, reason in result.failures])
        await self._faults.hit("processing.after_write")
        tier.after = chunk.last
        tier.processed += len(chunk.items)
        tier.failed += len(result.failures)
        tier.documents_written += result.written
        await save()
        await self._faults.hit("processing.after_checkpoint")


@dataclass
class _Chunk:
    """A chunk of sources being processed: the sources, the last source ID looked at, the work."""

    items: list[SourceItem]
    last: str
    processing: asyncio.Task[ChunkResult]
