"""The Ray executor: a chunk's extraction (server.processing.pipeline.extract_sources) runs in a pool
of Ray actors, and the documents come back to this process, which writes them.

Imported only when VECPLANE_RAY_ADDRESS is set (it needs the `ray` extra). Each actor builds the
extractors once (models loaded once per actor) from the same settings as the server, reserving
`ray_actor_cpus` CPUs, which are also its model's threads. A chunk is cut into calls of `ray_batch`
sources, each sent to the next idle actor; each call's documents are written as they arrive, and
the task's checkpoint still follows the whole chunk, so a crash anywhere repeats at most the chunk,
whose document IDs are deterministic.

Who writes (Settings.ray_writer, VECPLANE_RAY_WRITES): with the embedded Qdrant Edge, this process
(the driver) writes each call's documents as they arrive: Edge has one writer. With a Qdrant server
(QDRANT_URL), by default each actor writes the documents it made straight into it, through the same
code (pipeline.write_made over a DocumentStore of its own), and returns only how many; the driver
then tells its retrieval cache of them as of its own writes, and keeps the task's lease and
checkpoints, so what a crash repeats is still at most the chunk, with the same document IDs. Actors
never touch MongoDB.

Faults: an actor that dies (killed, its worker process gone, its node lost) fails the call it was
running with a RayActorError; the call is sent again to a new actor that takes the dead one's
place (at most ATTEMPTS times per call). A driver that dies takes its actors with it (they are not
detached); the task's lease expires and the next holder resumes from the checkpoint."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ray
from ray.exceptions import RayActorError, RayTaskError

from server.config import Settings, StartupError
from server.domain.errors import Unavailable
from server.domain.extraction import Limits
from server.extractors.plugins import load_catalogue
from server.extractors.providers import ProviderConfig
from server.extractors.registry import build_registry
from server.faults import Faults
from server.processing.pipeline import (
    CollectionRun,
    Extracted,
    SourceItem,
    extract_sources,
    plan_collection,
    write_made,
)
from server.storage.documents import DocumentStore
from server.storage.fetch import UrlFetcher
from server.storage.qdrant_server import QdrantServerStore
from server.usecases.documents import DocumentWriter
from server.usecases.extraction import ExtractionUseCases

log = logging.getLogger("vecplane.processing.ray")

ATTEMPTS = 3  # actors tried per call before the chunk fails (and the task with it)
READY_SECONDS = 120.0  # how long start-up waits for the actors to load their models


@dataclass(frozen=True)
class QdrantAddress:
    """The Qdrant server actors write into (the server's QDRANT_URL: it must be reachable from every Ray node)."""

    url: str
    api_key: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class WorkerSetup:
    """What an actor needs to build the server's extractors (sent to it by value: the paths must
    exist on every Ray node, as they do on one machine or in one container image)."""

    plugin_dir: Path | None
    model_dir: Path | None
    providers: Mapping[str, ProviderConfig] = field(repr=False)  # resolved here: their keys come from this process's environment
    model_threads: int
    fetch_timeout_seconds: float
    faults: str  # tests only: fault points armed in the actors (point "ray.extract")
    writes_to: QdrantAddress | None = None  # None: the driver writes the documents


class ExtractionActor:
    """One Ray actor: the extractors, built on first use in the actor's event loop, and the pipeline
    function over the sources it is sent."""

    def __init__(self, setup: WorkerSetup):
        self._setup = setup
        self._faults = Faults(setup.faults)
        self._extraction: ExtractionUseCases | None = None
        self._building = asyncio.Lock()
        self._writer: DocumentWriter | None = None

    async def _built(self) -> ExtractionUseCases:
        async with self._building:
            if self._extraction is None:
                setup = self._setup
                catalogue = load_catalogue(setup.plugin_dir)
                registry = await build_registry(
                    catalogue, providers=setup.providers, model_dir=setup.model_dir, plugin_dir=setup.plugin_dir, model_threads=setup.model_threads
                )
                fetcher = UrlFetcher(max_bytes=Limits().max_file_bytes, timeout_seconds=setup.fetch_timeout_seconds)
                self._extraction = ExtractionUseCases(catalogue, registry, fetcher, Limits())
            return self._extraction

    async def ready(self) -> int:
        """Builds the extractors (loading the models); returns the actor's process ID."""
        await self._built()
        return os.getpid()

    def open_store(self, address: QdrantAddress) -> QdrantServerStore:
        return QdrantServerStore.connect(address.url, address.api_key)

    async def extract(self, collection: Mapping[str, Any], items: Sequence[SourceItem]) -> Extracted:
        """The documents the collection makes of the sources, or, when this actor writes, how many it wrote."""
        extraction = await self._built()
        await self._faults.hit("ray.extract")
        run = plan_collection(collection, extraction)
        extracted = await extract_sources(run, items, extraction)
        if self._setup.writes_to is None:
            return extracted
        if self._writer is None:
            self._writer = DocumentWriter(DocumentStore(self.open_store(self._setup.writes_to)))
        return Extracted([], extracted.failures, await write_made(self._writer, run, extracted.made))


class RayExecutor:
    """The pool of actors, on the Ray that `settings.ray_address` names."""

    def __init__(self, settings: Settings, setup: WorkerSetup):
        self._settings = settings
        self._setup = setup
        self._remote = ray.remote(ExtractionActor).options(num_cpus=settings.ray_actor_cpus, max_restarts=0)
        self._actors: list[Any] = []  # ray actor handles, by slot
        self._idle: asyncio.Queue[int] = asyncio.Queue()
        self._connected_here = False
        self.replaced = 0  # actors replaced after they died
        self.in_flight = 0  # calls running now

    async def start(self) -> None:
        """Connects to (or starts) Ray, starts the actors and waits until each has loaded its models."""
        await asyncio.to_thread(self._connect)
        self._actors = [self._new_actor() for _ in range(self._settings.ray_actors)]
        for slot in range(len(self._actors)):
            self._idle.put_nowait(slot)
        try:
            async with asyncio.timeout(READY_SECONDS):
                await asyncio.gather(*(actor.ready.remote() for actor in self._actors))
        except TimeoutError:
            await self.close()
            raise StartupError(
                f"VECPLANE_RAY_ADDRESS: Ray did not start {self._settings.ray_actors} actors of {self._settings.ray_actor_cpus} CPUs "
                f"within {READY_SECONDS:.0f} s (does the cluster have the free CPUs? VECPLANE_RAY_ACTORS, VECPLANE_RAY_ACTOR_CPUS)"
            ) from None
        except RayTaskError as error:
            await self.close()
            raise StartupError(f"VECPLANE_RAY_ADDRESS: a Ray actor could not build the extractors: {error.cause}") from None
        log.info(
            "Ray executor ready",
            extra={"ray_address": self._settings.ray_address, "actors": len(self._actors), "documents_written_by": self._settings.ray_writer()},
        )

    def _connect(self) -> None:
        address = self._settings.ray_address
        if ray.is_initialized():  # this process is already a Ray driver (e.g. tests): use its Ray
            return
        try:
            if address == "local":
                # Ray turns token authentication on for a new local cluster (unless RAY_AUTH_MODE
                # says otherwise); its token is a fresh one in this process's environment, which
                # Ray's processes inherit, rather than one written to ~/.ray. Loopback only.
                if not os.environ.get("RAY_AUTH_TOKEN") and not os.environ.get("RAY_AUTH_TOKEN_PATH"):
                    os.environ["RAY_AUTH_TOKEN"] = secrets.token_hex(32)
                ray.init(
                    num_cpus=self._settings.ray_cpus,
                    include_dashboard=False,
                    log_to_driver=False,
                    _node_ip_address="127.0.0.1",
                    configure_logging=False,
                )
            else:
                ray.init(address=address, log_to_driver=False, configure_logging=False)
        except Exception as error:
            raise StartupError(f"VECPLANE_RAY_ADDRESS={address}: cannot connect to Ray ({type(error).__name__}: {error})") from None
        self._connected_here = True

    def _new_actor(self) -> Any:
        return self._remote.remote(self._setup)

    async def extract(self, run: CollectionRun, items: Sequence[SourceItem]) -> AsyncIterator[Extracted]:
        size = self._settings.ray_batch
        calls = [asyncio.ensure_future(self._call(run.collection, items[start : start + size])) for start in range(0, len(items), size)]
        try:
            for call in asyncio.as_completed(calls):
                yield await call
        finally:
            for call in calls:
                call.cancel()
            await asyncio.gather(*calls, return_exceptions=True)

    async def _call(self, collection: Mapping[str, Any], items: Sequence[SourceItem]) -> Extracted:
        """One call on the next idle actor; an actor that dies is replaced and the call sent again."""
        for attempt in range(1, ATTEMPTS + 1):
            slot = await self._idle.get()
            self.in_flight += 1
            call = self._actors[slot].extract.remote(collection, list(items))
            try:
                return await call
            except asyncio.CancelledError:  # the task stopped (lease lost, shutdown): so does the call
                with contextlib.suppress(Exception):  # best effort: the actor may be gone already
                    ray.cancel(call)
                raise
            except RayTaskError as error:  # the extraction itself raised: the same error here
                raise error.cause from None
            except RayActorError as error:
                log.warning("a Ray actor died during a call; a new one takes its place", extra={"attempt": attempt, "error": str(error)[:300]})
                self._actors[slot] = self._new_actor()
                self.replaced += 1
            finally:
                self.in_flight -= 1
                self._idle.put_nowait(slot)
        raise Unavailable(f"Ray actors died {ATTEMPTS} times running one call of {len(items)} sources; the chunk is not written.")

    def actors(self) -> list[Any]:
        """The pool's actor handles now."""
        return list(self._actors)

    async def close(self) -> None:
        for actor in self._actors:
            ray.kill(actor)
        self._actors = []
        if self._connected_here:
            await asyncio.to_thread(ray.shutdown)
            self._connected_here = False


def worker_setup(settings: Settings, providers: Mapping[str, ProviderConfig]) -> WorkerSetup:
    return WorkerSetup(
        plugin_dir=settings.plugin_dir.resolve() if settings.plugin_dir else None,
        model_dir=settings.model_dir.resolve() if settings.model_dir else None,
        providers=dict(providers),
        model_threads=settings.ray_actor_cpus,
        fetch_timeout_seconds=settings.fetch_timeout_seconds,
        faults=settings.faults,
        writes_to=QdrantAddress(settings.qdrant_url, settings.qdrant_api_key) if settings.ray_writer() == "actors" and settings.qdrant_url else None,
    )
