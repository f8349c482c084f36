"""Reconfigure: bring a namespace's vector store to the named vectors of its enabled extractors,
losing nothing that the request did not ask to lose.

Flow of one call:
1. Validate; find the namespace; settle any running operation of the namespace: one with a live lease
   makes this call ABORTED (naming it); one whose lease expired (its process died, or it failed) is
   taken over and completed first.
2. Plan without the lock (read-only). `no_changes_needed` and `dry_run` answer here: nothing is written.
3. Take the namespace's lock by inserting the operation (unique index, see storage.operations), plan
   again under the lock (another operation may have finished in between), record the plan, the
   physical collections involved and the point count: all before the first change to the store.
4. Carry the plan out with the plan's strategy, recording each step, renewing the lease meanwhile;
   mark the operation done with the response as its result.

Strategies (server.domain.reconfigure.choose_strategy):
- LIVE: create_vector_name for added vectors, delete + create for changed ones (only their values are
  lost), delete_vector_name for pruned ones, on the live collection.
- BLUE_GREEN: a new physical collection `<ns>__v<n+1>` with the target schema; every point copied in
  batches with its payload and its vectors that still exist unchanged; one atomic alias update moves
  the alias; the old collection is dropped.
- RECREATE: a new empty collection with the target schema behind the alias; the old one is dropped.

Crash safety: every step checks the store's actual state before acting and is idempotent, so an
operation interrupted anywhere (SIGKILL, a failed call, a lost backend) is completed by rolling
forward: at the next server start (when its lease has expired; a background task waits for leases
that have not expired yet), or by the next Reconfigure of the namespace. The alias moves only in one
atomic update and only onto a fully copied collection, so readers always see a whole collection.

Fault points (server.faults, for crash tests): reconfigure.after_record, reconfigure.after_vector
(LIVE, after each vector change), reconfigure.after_create, reconfigure.after_batch (after each copied
batch), reconfigure.after_copy, reconfigure.after_alias_switch, reconfigure.after_drop,
reconfigure.before_done.

Known limit: nothing ingests points yet. When ingestion exists it must not write to a namespace
during a BLUE_GREEN or RECREATE operation (points written to the old collection after its batch was
copied would not be carried over); the operation's lock is the place to check."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

from server.domain import clock
from server.domain import namespaces as namespace_rules
from server.domain import reconfigure as rules
from server.domain.errors import Aborted, FailedPrecondition, NotFound
from server.domain.extractors import Catalogue, ExtractorDefinition, extractor_id
from server.domain.ids import new_id
from server.domain.vectors import same_definition
from server.faults import Faults
from server.storage.errors import DuplicateKey
from server.storage.operations import CANCELLED, DONE, RUNNING
from server.storage.repositories import Collections, Namespaces, Operations
from server.storage.vectors import VectorStore
from server.usecases.auth import Principal
from server.usecases.namespaces import NamespaceUseCases, busy

log = logging.getLogger(__name__)

COPY_BATCH = 256  # points per blue/green copy batch: one scroll + one upsert, progress saved after each


class LeaseLost(Aborted):
    """Another process took the operation over (this one stalled past its lease)."""


class ReconfigureUseCases:
    def __init__(
        self,
        namespaces: NamespaceUseCases,
        namespace_repo: Namespaces,
        collections: Collections,
        operations: Operations,
        vectors: VectorStore,
        catalogue: Catalogue,
        *,
        strategy: str = "auto",
        lease_seconds: float = 30.0,
        faults: Faults | None = None,
        copy_batch: int = COPY_BATCH,
    ):
        self._namespaces = namespaces
        self._namespace_repo = namespace_repo
        self._collections = collections
        self._operations = operations
        self._vectors = vectors
        self._catalogue = catalogue
        self._forced_strategy = strategy
        self._lease = lease_seconds
        self._faults = faults or Faults()
        self._copy_batch = copy_batch
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._watchers: set[asyncio.Task] = set()

    # --- the RPC

    async def reconfigure(self, principal: Principal, request: dict[str, Any]) -> dict[str, Any]:
        options = rules.check_request(request)
        namespace = await self._namespaces.find(principal, options.namespace_id)
        ns_id = namespace["_id"]
        completed = await self._settle(ns_id, dry_run=options.dry_run)
        plan, previous, _physical = await self._plan(namespace, options)
        if options.dry_run or not plan.changes_needed:
            preserved, deleted = rules.predicted_outcome(plan, previous)
            return rules.response(plan, rules.Outcome(previous, preserved, deleted, options.dry_run, "", tuple(completed)))

        op_id = new_id("op")
        await self._start(principal, namespace, options, op_id, completed)
        recorded = False
        try:
            async with self._holding(op_id) as lost:
                # Planned again under the lock, from a fresh read of the namespace: another
                # reconfigure (or an UpdateNamespace) may have finished since.
                fresh = await self._namespace_repo.find({"_org": namespace["_org"]}, ns_id)
                if fresh is None or fresh["_id"] != ns_id:
                    raise NotFound("namespace", options.namespace_id)
                namespace = fresh
                plan, previous, physical = await self._plan(namespace, options)
                if not plan.changes_needed:
                    result = rules.response(plan, rules.Outcome(previous, previous, 0, False, op_id, tuple(completed)))
                    await self._operations.finish(op_id, self.owner, DONE, {"step": "done", "plan": plan.to_doc(), "result": result})
                    return result
                target = physical if plan.strategy == rules.LIVE else await self._vectors.next_physical_name(ns_id)
                await self._step(
                    op_id,
                    lost,
                    "recorded",
                    {
                        "plan": plan.to_doc(),
                        "strategy": plan.strategy,
                        "previous_points_count": previous,
                        "source_collection": physical,
                        "target_collection": target,
                        "payload_indexes": [list(p) for p in self._payload_indexes(namespace)],
                    },
                )
                recorded = True
                await self._faults.hit("reconfigure.after_record")
                op = await self._operations.get(op_id)
                if op is None:
                    raise LeaseLost(f"Reconfigure {op_id} vanished while it ran.", reason="RECONFIGURE_TAKEN_OVER")
                return await self._execute(op, lost, tuple(completed))
        except BaseException as error:
            if recorded:
                await self._release(op_id, error)
            else:  # failed while planning: nothing was changed, so the operation simply ends
                with contextlib.suppress(Exception):
                    await self._operations.finish(op_id, self.owner, CANCELLED, {"step": "cancelled", "last_error": f"{type(error).__name__}: {error}"})
            raise

    # --- start-up recovery

    async def recover(self) -> list[str]:
        """Completes the operations whose lease expired (their process died); watches the others in
        the background and completes them if their lease runs out. Run at start, before serving."""
        completed = []
        for op in await self._operations.all_running():
            if op.get("lease_expires_at", 0) < time.time():
                claimed = await self._operations.take_over(op, self.owner, time.time(), time.time() + self._lease)
                if claimed is None:
                    continue
                try:
                    await self._resume(claimed)
                    completed.append(op["_id"])
                except Exception:
                    log.exception("could not complete interrupted reconfigure %s; it stays running and is retried", op["_id"])
            else:
                self._watch(op["_id"])
        if completed:
            log.warning("completed interrupted reconfigure operations", extra={"operations": completed})
        return completed

    def _watch(self, op_id: str) -> None:
        task = asyncio.get_running_loop().create_task(self._watch_lease(op_id), name=f"reconfigure-watch-{op_id}")
        self._watchers.add(task)
        task.add_done_callback(self._watchers.discard)

    async def _watch_lease(self, op_id: str) -> None:
        """Waits for an operation's lease to run out, then completes it (unless its owner finished
        or another process claimed it)."""
        while True:
            op = await self._operations.get(op_id)
            if op is None or op["state"] != RUNNING:
                return
            delay = op.get("lease_expires_at", 0) - time.time()
            if delay > 0:
                await asyncio.sleep(delay + 0.05)
                continue
            claimed = await self._operations.take_over(op, self.owner, time.time(), time.time() + self._lease)
            if claimed is None:
                continue
            try:
                await self._resume(claimed)
                log.warning("completed interrupted reconfigure", extra={"operation_id": op_id})
            except Exception:
                log.exception("could not complete interrupted reconfigure %s", op_id)
            return

    async def close(self) -> None:
        for task in list(self._watchers):
            task.cancel()
        for task in list(self._watchers):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # --- planning

    def _definitions(self, namespace: dict[str, Any]) -> list[ExtractorDefinition]:
        found, missing = [], []
        for item in namespace.get("feature_extractors", []):
            definition = self._catalogue.get(item["feature_extractor_name"], item["version"])
            if definition is None:
                missing.append(extractor_id(item["feature_extractor_name"], item["version"]))
            else:
                found.append(definition)
        if missing:
            # Without the definition the desired schema is unknown: better stop than prune its vectors.
            raise FailedPrecondition(
                f"Namespace {namespace['_id']} enables feature extractors that are not in the catalogue "
                f"({', '.join(missing)}); install their plugins or disable them first.",
                reason="EXTRACTOR_NOT_IN_CATALOGUE",
            )
        return found

    def _payload_indexes(self, namespace: dict[str, Any]) -> list[tuple[str, str]]:
        return namespace_rules.all_payload_indexes(namespace, self._definitions(namespace))

    async def _plan(self, namespace: dict[str, Any], options: rules.Options) -> tuple[rules.Plan, int, str]:
        """(plan, points now, physical collection) from the store's current state."""
        ns_id = namespace["_id"]
        desired = namespace_rules.desired_vectors(self._definitions(namespace))
        physical = await self._vectors.physical_collection(ns_id)
        if physical is None:
            raise NotFound("namespace", ns_id, f"The vector store of namespace '{ns_id}' does not exist.")
        actual = await self._vectors.vector_schema(physical)
        previous = await self._vectors.count(physical)
        strategy = rules.choose_strategy(options.mode, await self._vectors.live_vector_changes(), self._forced_strategy)
        scope = {"_org": namespace["_org"], "_ns": ns_id}
        collections = await self._collections.all_in(scope)
        collections.sort(key=lambda c: (c.get("_created_ms", 0), c["_id"]))  # creation order, ties by ID
        had_points: set[str] | None = None
        if options.mode == rules.RECREATE_MODE and previous:
            had_points = set()
            for collection in collections:
                if await self._vectors.count_where(physical, "collection_id", collection["collection_id"]):
                    had_points.add(collection["collection_id"])
        plan = rules.make_plan(ns_id, options, desired, actual, strategy, collections, self._catalogue, had_points)
        return plan, previous, physical

    # --- the lock, the lease and the steps

    async def _settle(self, ns_id: str, *, dry_run: bool) -> list[str]:
        """Makes sure no operation runs on the namespace: completes an interrupted one (returns its
        ID), or raises ABORTED naming the running one."""
        op = await self._operations.running_in(ns_id)
        if op is None:
            return []
        if op.get("lease_expires_at", 0) >= time.time():
            raise busy(op)
        if dry_run:
            raise FailedPrecondition(
                f"Reconfigure {op['_id']} of namespace {ns_id} was interrupted and is not complete; a Reconfigure "
                "with confirm=true (or a server restart) completes it before anything else.",
                reason="RECONFIGURE_INTERRUPTED",
                metadata={"operation_id": op["_id"]},
            )
        claimed = await self._operations.take_over(op, self.owner, time.time(), time.time() + self._lease)
        if claimed is None:
            raise busy(op)
        log.warning("completing interrupted reconfigure", extra={"operation_id": op["_id"], "namespace_id": ns_id})
        await self._resume(claimed)
        return [op["_id"]]

    async def _start(self, principal: Principal, namespace: dict[str, Any], options: rules.Options, op_id: str, completed: list[str]) -> None:
        """Inserts the operation, which takes the namespace's lock. A conflicting operation is
        settled (completed if interrupted, else ABORTED) and the insert retried."""
        now = clock.now()
        doc = {
            "_id": op_id,
            "_org": principal.organization_id,
            "_ns": namespace["_id"],
            "operation_id": op_id,
            "type": "reconfigure",
            "mode": options.mode,
            "prune": options.prune,
            "owner": self.owner,
            "lease_expires_at": time.time() + self._lease,
            "attempts": 0,
            "step": "planning",
            "progress": {},
            "created_at": now,
            "updated_at": now,
        }
        for _ in range(3):
            try:
                await self._operations.start(doc)
                return
            except DuplicateKey:
                completed += await self._settle(namespace["_id"], dry_run=False)
                doc["lease_expires_at"] = time.time() + self._lease
        running = await self._operations.running_in(namespace["_id"])
        raise busy(running or {"_id": "?", "_ns": namespace["_id"]})

    @contextlib.asynccontextmanager
    async def _holding(self, op_id: str) -> AsyncIterator[asyncio.Event]:
        """Renews the operation's lease every third of it while the body runs; the yielded event is
        set if the lease was lost to another process."""
        lost = asyncio.Event()

        async def renew() -> None:
            while True:
                await asyncio.sleep(self._lease / 3)
                try:
                    if not await self._operations.advance(op_id, self.owner, {"lease_expires_at": time.time() + self._lease}):
                        lost.set()
                        return
                except Exception:
                    log.warning("could not renew the lease of %s", op_id, exc_info=True)

        task = asyncio.get_running_loop().create_task(renew(), name=f"reconfigure-lease-{op_id}")
        try:
            yield lost
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _step(self, op_id: str, lost: asyncio.Event, step: str, changes: dict[str, Any] | None = None) -> None:
        """Records a step (renewing the lease); raises LeaseLost if another process owns it now."""
        fields = {**(changes or {}), "step": step, "lease_expires_at": time.time() + self._lease}
        if lost.is_set() or not await self._operations.advance(op_id, self.owner, fields):
            raise LeaseLost(
                f"Reconfigure {op_id} stalled past its lease and was taken over by another server process, which completes it.",
                reason="RECONFIGURE_TAKEN_OVER",
                metadata={"operation_id": op_id},
            )

    async def _release(self, op_id: str, error: BaseException) -> None:
        """After a failure: the operation stays running (its changes are only half done) with its
        lease expired, so the next Reconfigure of the namespace or the next start completes it."""
        if isinstance(error, LeaseLost):
            return
        try:
            await self._operations.advance(op_id, self.owner, {"lease_expires_at": 0, "last_error": f"{type(error).__name__}: {error}"})
        except Exception:
            log.warning("could not release the lease of %s", op_id, exc_info=True)

    async def _resume(self, op: dict[str, Any]) -> dict[str, Any] | None:
        """Completes an operation this process just claimed."""
        op_id, ns_id = op["_id"], op["_ns"]
        try:
            async with self._holding(op_id) as lost:
                if "plan" not in op:
                    # A reconfigure interrupted while planning (nothing was changed yet), or an
                    # interrupted namespace delete (its leftovers are swept at start).
                    reason = "interrupted before any change" if op.get("type") == "reconfigure" else f"{op.get('type')} interrupted"
                    await self._operations.finish(op_id, self.owner, CANCELLED, {"step": "cancelled", "last_error": reason})
                    return None
                namespace = await self._namespace_repo.find({"_org": op["_org"]}, ns_id)
                if namespace is None or namespace["_id"] != ns_id:
                    # The namespace was deleted meanwhile; its store went with it.
                    await self._vectors.drop_collection(op["target_collection"])
                    await self._operations.finish(op_id, self.owner, CANCELLED, {"step": "cancelled", "last_error": "namespace deleted"})
                    return None
                return await self._execute(op, lost, ())
        except BaseException as error:
            await self._release(op_id, error)
            raise

    # --- carrying out a recorded plan (every step idempotent: it looks at the store first)

    async def _execute(self, op: dict[str, Any], lost: asyncio.Event, completed: tuple[str, ...]) -> dict[str, Any]:
        plan = rules.Plan.from_doc(op["plan"])
        previous = op["previous_points_count"]
        if plan.strategy == rules.LIVE:
            preserved = await self._live(op, plan, lost)
            deleted = 0
        else:
            preserved = await self._replace(op, plan, lost)
            deleted = previous if plan.strategy == rules.RECREATE else 0
        result = rules.response(plan, rules.Outcome(previous, preserved, deleted, False, op["_id"], completed))
        await self._faults.hit("reconfigure.before_done")
        if not await self._operations.finish(op["_id"], self.owner, DONE, {"step": "done", "result": result}):
            raise LeaseLost(f"Reconfigure {op['_id']} was taken over before it could be marked done.", reason="RECONFIGURE_TAKEN_OVER")
        log.info("reconfigured", extra={"operation_id": op["_id"], "namespace_id": plan.namespace_id, "strategy": plan.strategy})
        return result

    async def _live(self, op: dict[str, Any], plan: rules.Plan, lost: asyncio.Event) -> int:
        collection = op["source_collection"]
        actual = await self._vectors.vector_schema(collection)
        done: list[str] = list((op.get("progress") or {}).get("vectors", []))
        for name in (*plan.changed, *plan.added):
            want = plan.target_spec(name)
            have = actual.get(name)
            if have is not None and same_definition(have, want):
                continue  # done before an interruption
            if have is not None:
                await self._vectors.delete_vector(collection, name)
            await self._vectors.create_vector(collection, want)
            done.append(name)
            await self._step(op["_id"], lost, "vectors", {"progress.vectors": done})
            await self._faults.hit("reconfigure.after_vector")
        for name in plan.removed:
            if name in actual:
                await self._vectors.delete_vector(collection, name)
                done.append(name)
                await self._step(op["_id"], lost, "vectors", {"progress.vectors": done})
                await self._faults.hit("reconfigure.after_vector")
        return await self._vectors.count(collection)

    async def _replace(self, op: dict[str, Any], plan: rules.Plan, lost: asyncio.Event) -> int:
        """BLUE_GREEN (copy) and RECREATE (empty): a new collection, then the alias, then the drop."""
        alias, source, target = plan.namespace_id, op["source_collection"], op["target_collection"]
        copy = plan.strategy == rules.BLUE_GREEN
        if await self._vectors.physical_collection(alias) != target:
            indexes = [tuple(p) for p in op.get("payload_indexes", [])]
            await self._vectors.ensure_collection(target, list(plan.target), indexes)
            await self._step(op["_id"], lost, "created")
            await self._faults.hit("reconfigure.after_create")
            if copy:
                await self._copy(op, plan, lost)
                await self._faults.hit("reconfigure.after_copy")
            await self._vectors.switch_alias(alias, target)
            await self._step(op["_id"], lost, "switched")
            await self._faults.hit("reconfigure.after_alias_switch")
        await self._vectors.drop_collection(source)
        await self._step(op["_id"], lost, "dropped")
        await self._faults.hit("reconfigure.after_drop")
        return await self._vectors.count(target)

    async def _copy(self, op: dict[str, Any], plan: rules.Plan, lost: asyncio.Event) -> None:
        """Copies every point, batch by batch from the recorded offset; then checks the counts match
        (one full pass again if not: upserts by ID are idempotent)."""
        source, target = op["source_collection"], op["target_collection"]
        keep = list(plan.kept_vectors)
        progress = dict(op.get("progress") or {})
        for _attempt in range(2):
            if progress.get("copy_complete"):
                offset, copied = None, progress.get("copied", 0)
            else:
                offset, copied = progress.get("offset"), progress.get("copied", 0)
                while True:
                    count, offset = await self._vectors.copy_batch(source, target, offset, self._copy_batch, keep)
                    copied += count
                    finished = offset is None
                    progress = {"offset": offset, "copied": copied, "copy_complete": finished}
                    await self._step(op["_id"], lost, "copying", {"progress": progress})
                    await self._faults.hit("reconfigure.after_batch")
                    if finished:
                        break
            want, have = await self._vectors.count(source), await self._vectors.count(target)
            if want == have:
                await self._step(op["_id"], lost, "copied", {"progress": {**progress, "copied": have}})
                return
            log.warning("copy of %s has %d of %d points; copying again", source, have, want)
            progress = {}
        raise RuntimeError(f"blue/green copy of {source} into {target} is incomplete ({have} of {want} points)")
