"""Wiring: storage backends, use cases and servicers behind one grpc.aio server with health and
reflection; start-up, and graceful stop on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from dataclasses import dataclass

import grpc
from google.longrunning import operations_pb2, operations_pb2_grpc
from google.protobuf import descriptor_pool
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection, reflection_pb2
from pymongo import AsyncMongoClient
from vecplane.v1 import (
    admin_pb2,
    admin_pb2_grpc,
    batch_pb2,
    batch_pb2_grpc,
    bucket_pb2,
    bucket_pb2_grpc,
    collection_pb2,
    collection_pb2_grpc,
    document_pb2,
    document_pb2_grpc,
    feature_extractor_pb2,
    feature_extractor_pb2_grpc,
    namespace_pb2,
    namespace_pb2_grpc,
    retriever_pb2,
    retriever_pb2_grpc,
    task_pb2,
    task_pb2_grpc,
)

from server import metrics, tls, tracing
from server.api.admin import AdminServicer
from server.api.batches import BatchServicer
from server.api.buckets import BucketServicer
from server.api.collections import CollectionServicer
from server.api.costly import CostlyCalls
from server.api.documents import DocumentServicer
from server.api.extractors import CatalogueMessages, FeatureExtractorServicer
from server.api.interceptor import CallInterceptor
from server.api.namespaces import NamespaceServicer
from server.api.retrievers import RetrieverServicer, encode_document
from server.api.tasks import OperationsServicer, TaskServicer
from server.config import Settings, StartupError
from server.domain.blobs import BlobLimits
from server.domain.extraction import Limits
from server.domain.extractors import Catalogue
from server.domain.paging import Cursors
from server.extractors.minilm import ModelFilesError
from server.extractors.onnx_image import OnnxModelError
from server.extractors.plugins import PluginError, load_catalogue
from server.extractors.providers import ProviderConfig, ProviderConfigError, load_providers
from server.extractors.registry import ExtractorRegistry, build_registry
from server.faults import Faults
from server.gateway import Gateway
from server.gateway.local import LocalCalls
from server.processing.engine import Engine
from server.processing.executors import InProcessExecutor
from server.processing.pipeline import Executor, Pipeline
from server.storage.accounts import AccountRepository
from server.storage.batch_events import BatchEventRepository
from server.storage.batches import BatchRepository
from server.storage.buckets import BucketRepository
from server.storage.collections import CollectionRepository
from server.storage.counters import Counters
from server.storage.documents import DocumentStore
from server.storage.edge import EdgeStore, refuse_local_mode_data
from server.storage.embedded_mongo import EmbeddedMongo, make_private
from server.storage.executions import ExecutionRepository
from server.storage.fetch import UrlFetcher
from server.storage.mongo import CommandCounter, MongoPing, connect
from server.storage.namespaces import NamespaceRepository
from server.storage.objects import ObjectRepository
from server.storage.operations import OperationRepository
from server.storage.qdrant_server import QdrantServerStore
from server.storage.retrievers import RetrieverRepository
from server.storage.secrets import CURSOR_SECRET, ensure_secret
from server.storage.tasks import TaskRepository
from server.storage.vectors import VectorStore
from server.usecases.admin import AdminUseCases
from server.usecases.auth import Authenticator, ensure_bootstrap_key
from server.usecases.batch_reports import BatchReportUseCases
from server.usecases.batches import BatchUseCases
from server.usecases.blobs import BlobReader
from server.usecases.buckets import BucketUseCases
from server.usecases.collections import CollectionUseCases
from server.usecases.documents import DocumentUseCases, DocumentWriter
from server.usecases.executions import ExecutionLog
from server.usecases.extraction import ExtractionUseCases
from server.usecases.health import Backend, BackendMonitor
from server.usecases.namespace_documents import NamespaceDocumentUseCases
from server.usecases.namespaces import NamespaceUseCases
from server.usecases.processing import ProcessingUseCases
from server.usecases.reconciliation import ReconciliationUseCases
from server.usecases.reconfigure import ReconfigureUseCases
from server.usecases.retrieval import RetrieverUseCases
from server.usecases.retrieval_cache import RetrievalCache

log = logging.getLogger("vecplane")

REFLECTION_V1 = "grpc.reflection.v1.ServerReflection"
# gRPC's default; the REST gateway's in-process calls keep the same limit on requests.
MAX_RECEIVE_MESSAGE_BYTES = 4 * 1024 * 1024


class Backends:
    """MongoDB (a server, or the embedded nx-27017) and the vector store (a Qdrant server, or Qdrant
    Edge in-process)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.counter = CommandCounter()
        self.embedded: EmbeddedMongo | None = None
        self.mongo: AsyncMongoClient | None = None
        self._vectors: VectorStore | None = None

    @property
    def vectors(self) -> VectorStore:
        assert self._vectors is not None, "open() first"
        return self._vectors

    async def open(self) -> None:
        """Starts or reaches every backend; a remote one that does not answer within the start-up
        timeout is a StartupError naming its setting and address."""
        try:
            await self._open()
        except BaseException:
            await self.close()
            raise

    async def _open(self) -> None:
        settings = self.settings
        if not settings.qdrant_url:
            refuse_local_mode_data(settings.data_dir)  # before anything starts
        uri = settings.mongodb_uri
        if not uri:
            make_private(settings.data_dir)
            self.embedded = EmbeddedMongo(settings.data_dir)
            try:
                await asyncio.to_thread(self.embedded.start)
            except (OSError, RuntimeError) as error:
                raise StartupError(f"embedded MongoDB (nx-27017) did not start: {error}") from None
            uri = self.embedded.uri
        self.mongo = connect(uri, self.counter)
        if self.embedded:
            self.mongo_ping = MongoPing(self.mongo, "MongoDB (embedded nx-27017)", self.embedded)
            self.mongo_description = f"embedded nx-27017 on {self.embedded.socket_path} (data in {self.embedded.data_dir})"
        else:
            self.mongo_ping = MongoPing(self.mongo, "MongoDB")
            self.mongo_description = f"server {_redact(uri)}"
            await _reach("MONGODB_URI", _redact(uri), self.mongo_ping, settings.startup_timeout_seconds)
        self.db = self.mongo[settings.mongodb_database]
        if settings.qdrant_url:
            self._vectors = QdrantServerStore.connect(settings.qdrant_url, settings.qdrant_api_key)
            await _reach("QDRANT_URL", settings.qdrant_url, self.vectors, settings.startup_timeout_seconds)
        else:
            self._vectors = await asyncio.to_thread(EdgeStore.open, settings.data_dir / "edge")
        self.qdrant_description = self.vectors.description

    def probes(self) -> list[Backend]:
        return [self.mongo_ping, self.vectors]

    async def close(self) -> None:
        closers = [c.close for c in (self._vectors, self.mongo) if c is not None]
        for close in closers:
            try:
                await close()
            except Exception:
                log.exception("error while closing a backend")
        if self.embedded:
            await asyncio.to_thread(self.embedded.stop)


async def _reach(setting: str, address: str, backend: Backend, wait_seconds: float) -> None:
    """Pings until the backend answers or `wait_seconds` have passed."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_seconds
    problem = "no answer"
    while True:
        try:
            async with asyncio.timeout(max(0.1, deadline - loop.time())):
                await backend.ping()
            return
        except Exception as error:
            if not isinstance(error, TimeoutError):  # the cut-off last attempt keeps an earlier, clearer reason
                problem = f"{type(error).__name__}: {str(error).splitlines()[0][:160]}"
        if loop.time() >= deadline:
            raise StartupError(f"{setting}: {address} did not answer within {wait_seconds:g}s ({problem}); check the address and that the server runs")
        await asyncio.sleep(0.2)


def _redact(uri: str) -> str:
    scheme, sep, rest = uri.partition("://")
    if "@" in rest:
        rest = "***@" + rest.split("@", 1)[1]
    return scheme + sep + rest


@dataclass
class UseCases:
    namespaces: NamespaceUseCases
    admin: AdminUseCases
    reconfigure: ReconfigureUseCases
    buckets: BucketUseCases
    collections: CollectionUseCases
    extraction: ExtractionUseCases
    documents: DocumentUseCases
    namespace_documents: NamespaceDocumentUseCases
    processing: ProcessingUseCases
    batches: BatchUseCases
    batch_reports: BatchReportUseCases
    reconciliation: ReconciliationUseCases
    retrievers: RetrieverUseCases
    blobs: BlobReader  # processing reads objects' blobs through it


class Vecplane:
    """The running service. `start()` opens the backends and binds the ports; `stop()` undoes it."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.faults = Faults(settings.faults)
        self.backends = Backends(settings)
        self.health = health.aio.HealthServicer()
        self.grpc_port = 0
        self.http_port = 0
        self.gateway: Gateway | None = None
        self.api_key = ""
        self._server: grpc.aio.Server | None = None
        self.monitor: BackendMonitor | None = None
        self._stopping = False
        self.serving = False  # what grpc.health.v1 and /readyz say: start-up done, every backend up, not stopping
        self.extractors: ExtractorRegistry | None = None
        self.engine: Engine | None = None
        self.executor: Executor | None = None
        self._providers: dict[str, ProviderConfig] = {}
        self.tls: tls.ServerTls | None = None
        self._tasks: TaskRepository | None = None

    async def start(self) -> None:
        settings = self.settings
        self.tls = tls.load(settings)  # before anything starts: a bad file is a one-line error
        tracing.configure(settings.tracing)
        try:
            catalogue = load_catalogue(settings.plugin_dir)
            providers = load_providers(settings.providers, os.environ)
            self._providers = providers
            self.extractors = await build_registry(catalogue, providers=providers, model_dir=settings.model_dir, plugin_dir=settings.plugin_dir)
        except (PluginError, ProviderConfigError, OnnxModelError, ModelFilesError) as error:
            raise StartupError(str(error)) from None
        await self.backends.open()
        try:
            await self._wire(catalogue, self.extractors)
        except BaseException:
            if self.executor is not None:
                await self.executor.close()
            await self.backends.close()
            await self.extractors.close()
            raise

    async def _wire(self, catalogue: Catalogue, extractors: ExtractorRegistry) -> None:
        settings, backends = self.settings, self.backends
        accounts = AccountRepository(backends.db)
        namespaces_repo = NamespaceRepository(backends.db)
        operations = OperationRepository(backends.db)
        buckets_repo = BucketRepository(backends.db)
        objects_repo = ObjectRepository(backends.db)
        collections_repo = CollectionRepository(backends.db)
        retrievers_repo = RetrieverRepository(backends.db)
        executions_repo = ExecutionRepository(backends.db)
        counters = Counters(backends.db)
        tasks_repo = TaskRepository(backends.db)
        self._tasks = tasks_repo
        batches_repo = BatchRepository(backends.db)
        batch_events = BatchEventRepository(backends.db)
        for repository in (accounts, namespaces_repo, operations, buckets_repo, objects_repo, collections_repo, retrievers_repo, executions_repo, counters, tasks_repo, batches_repo, batch_events):
            await repository.ensure_indexes()
        if await counters.recount([repo.counted() for repo in (namespaces_repo, buckets_repo, objects_repo, collections_repo, retrievers_repo)]):
            log.info("counted the resources of every scope once (a database from before counters)")
        if await objects_repo.sum_bytes():
            log.info("summed the blob bytes of every bucket once (a database from before byte counters)")
        self.api_key, generated = await ensure_bootstrap_key(accounts, settings.api_key, settings.data_dir)
        authenticator = Authenticator(accounts, settings.auth_cache_seconds)
        cursors = Cursors(await ensure_secret(backends.db, CURSOR_SECRET))
        namespaces = NamespaceUseCases(
            namespaces_repo, backends.vectors, catalogue, settings.auth_cache_seconds, self.faults, operations, settings.reconfigure_lease_seconds, cursors=cursors
        )
        for repository in (buckets_repo, objects_repo, collections_repo, retrievers_repo, executions_repo):
            namespaces.add_contents(repository)
        documents = DocumentStore(backends.vectors)
        # Every document write (processing, the Documents API, deletes down the lineage) goes
        # through this store, so its writes invalidate the retrieval cache.
        retrieval_cache = RetrievalCache(settings.retrieval_cache_bytes)
        documents.on_write(retrieval_cache.written)
        self.document_store = documents
        collections = CollectionUseCases(collections_repo, buckets_repo, namespaces, backends.vectors, catalogue, self.faults, cursors=cursors, documents=documents, extractors=extractors.availability)
        namespaces.add_update_guard(collections.refuse_disabling_used_extractors)
        collections.on_named(retrieval_cache.named)
        # Extractor inputs by URL go through the blobs' fetcher: the same private-address rule.
        url_inputs = UrlFetcher(max_bytes=Limits().max_file_bytes, timeout_seconds=settings.fetch_timeout_seconds, allowed_networks=settings.blob_networks())
        extraction = ExtractionUseCases(catalogue, extractors, url_inputs, Limits())
        blob_limits = BlobLimits(settings.blob_max_bytes, settings.blob_networks())
        blobs = BlobReader(blob_limits, UrlFetcher(max_bytes=settings.blob_max_bytes, timeout_seconds=settings.blob_fetch_timeout_seconds, allowed_networks=blob_limits.allowed_networks))
        pipeline = Pipeline(objects_repo, documents, DocumentWriter(documents), await self._executor(extraction), blobs)
        self.engine = Engine(
            tasks_repo,
            collections_repo,
            pipeline,
            extraction,
            self.faults,
            workers=settings.processing_workers,
            lease_seconds=settings.processing_lease_seconds,
            chunk=settings.processing_chunk,
            events=batch_events,
        )
        processing = ProcessingUseCases(tasks_repo, collections_repo, objects_repo, collections, extraction, self.engine, buckets_repo, operations, cursors=cursors)
        batches = BatchUseCases(batches_repo, buckets_repo, collections_repo, tasks_repo, namespaces, processing, batch_events, self.faults, cursors=cursors)
        buckets = BucketUseCases(
            buckets_repo,
            objects_repo,
            collections_repo,
            namespaces,
            cursors=cursors,
            blob_limits=blob_limits,
            documents=documents,
            processing=processing,
        )
        document_usecases = DocumentUseCases(documents, collections, cursors, buckets)
        self.usecases = UseCases(
            namespaces=namespaces,
            admin=AdminUseCases(accounts, authenticator),
            buckets=buckets,
            collections=collections,
            extraction=extraction,
            blobs=blobs,
            documents=document_usecases,
            namespace_documents=NamespaceDocumentUseCases(documents, document_usecases, collections, namespaces),
            retrievers=RetrieverUseCases(
                retrievers_repo,
                namespaces,
                collections,
                documents,
                backends.vectors,
                extraction,
                catalogue,
                retrieval_cache,
                cursors=cursors,
                executions=ExecutionLog(executions_repo, cursors, retention=settings.execution_retention, ttl_seconds=settings.execution_ttl_seconds, faults=self.faults),
                encode_document=encode_document,
            ),
            processing=processing,
            batches=batches,
            batch_reports=BatchReportUseCases(batches, tasks_repo, collections_repo, documents, batch_events),
            reconciliation=ReconciliationUseCases(collections, objects_repo, documents, tasks_repo),
            reconfigure=ReconfigureUseCases(
                namespaces,
                namespaces_repo,
                collections_repo,
                operations,
                backends.vectors,
                catalogue,
                strategy=settings.reconfigure_strategy,
                lease_seconds=settings.reconfigure_lease_seconds,
                faults=self.faults,
            ),
        )
        swept = await self.usecases.namespaces.sweep_orphan_stores()
        if swept:
            log.warning("dropped vector stores of namespaces that no longer exist", extra={"stores": swept})
        orphans = await self.usecases.namespaces.sweep_orphan_contents()
        if orphans:
            log.warning("deleted resources of namespaces that no longer exist", extra={"removed": orphans})
        # Interrupted reconfigures (lease expired) are completed before serving, so no call sees a
        # half-done one; a blue/green copy of a large store delays the start by as long.
        await self.usecases.reconfigure.recover()
        requeued = await self.usecases.batches.recover()
        if requeued:
            log.warning("stored the tasks of batches whose submit was interrupted", extra={"batches": requeued})

        self.monitor = BackendMonitor(backends.probes(), self._set_serving)
        self.costly = CostlyCalls(settings.costly_per_organization, settings.costly_total, settings.costly_wait_seconds)
        interceptors = [CallInterceptor(authenticator, self.monitor, self.faults, self.costly)]
        # SO_REUSEPORT off: gRPC turns it on by default, which lets a second server bind the same
        # port and silently take half of the calls.
        server = grpc.aio.server(
            interceptors=interceptors,
            options=[("grpc.max_receive_message_length", MAX_RECEIVE_MESSAGE_BYTES), ("grpc.so_reuseport", 0)],
        )
        # The servicers are registered through `calls`, which forwards to the server and keeps the
        # handlers for the REST gateway's in-process calls.
        calls = LocalCalls(server, interceptors=interceptors, max_receive_message_length=MAX_RECEIVE_MESSAGE_BYTES)
        catalogue_messages = CatalogueMessages(catalogue, extractors.availability)
        namespace_pb2_grpc.add_NamespaceServiceServicer_to_server(NamespaceServicer(self.usecases.namespaces, self.usecases.reconfigure, catalogue_messages), calls)
        feature_extractor_pb2_grpc.add_FeatureExtractorServiceServicer_to_server(FeatureExtractorServicer(catalogue_messages, self.usecases.extraction), calls)
        admin_pb2_grpc.add_AdminServiceServicer_to_server(AdminServicer(self.usecases.admin), calls)
        bucket_pb2_grpc.add_BucketServiceServicer_to_server(BucketServicer(self.usecases.buckets), calls)
        collection_pb2_grpc.add_CollectionServiceServicer_to_server(CollectionServicer(self.usecases.collections, self.usecases.reconciliation), calls)
        document_pb2_grpc.add_DocumentServiceServicer_to_server(DocumentServicer(self.usecases.documents, self.usecases.namespace_documents), calls)
        retriever_pb2_grpc.add_RetrieverServiceServicer_to_server(RetrieverServicer(self.usecases.retrievers), calls)
        task_pb2_grpc.add_TaskServiceServicer_to_server(TaskServicer(self.usecases.processing), calls)
        batch_pb2_grpc.add_BatchServiceServicer_to_server(BatchServicer(self.usecases.batches, self.usecases.batch_reports), calls)
        operations_pb2_grpc.add_OperationsServicer_to_server(OperationsServicer(self.usecases.processing), server)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, server)
        registered = self._add_reflection(server)
        address = f"[{settings.host}]:{settings.grpc_port}" if ":" in settings.host else f"{settings.host}:{settings.grpc_port}"
        try:
            if self.tls:
                self.grpc_port = server.add_secure_port(address, self.tls.grpc_credentials())
            else:
                self.grpc_port = server.add_insecure_port(address)
        except RuntimeError:
            raise StartupError(f"VECPLANE_GRPC_PORT: cannot listen on {address} (the port is in use, or the address is not this machine's)") from None
        await server.start()
        self._server = server
        await self._start_gateway(registered, calls)
        await self._set_serving(True)
        self.monitor.start()
        self.engine.start()
        log.info(
            "vecplane serving",
            extra={
                "grpc": f"{settings.host}:{self.grpc_port}",
                "tls": "mutual" if self.tls and self.tls.client_ca_file else bool(self.tls),
                "http": f"{settings.host}:{self.http_port}",
                "mongodb": backends.mongo_description,
                "qdrant": backends.qdrant_description,
                "feature_extractors": [d.id for d in catalogue.all()],
            },
        )
        if generated:  # shown this once; later starts only say where it is kept
            log.warning(f"no VECPLANE_API_KEY set; generated a development operator key (kept in {settings.data_dir / 'dev-api-key'}): authorization: Bearer {self.api_key}")
        elif not settings.api_key:
            log.warning(f"no VECPLANE_API_KEY set; using the development operator key kept in {settings.data_dir / 'dev-api-key'}")

    async def _executor(self, extraction: ExtractionUseCases) -> Executor:
        """Where chunks are extracted: in this process, or on Ray when VECPLANE_RAY_ADDRESS is set
        (ray is imported only then)."""
        if not self.settings.ray_address:
            self.executor = InProcessExecutor(extraction)
            return self.executor
        try:
            from server.processing.ray_executor import RayExecutor, worker_setup
        except ImportError as error:
            raise StartupError(f"VECPLANE_RAY_ADDRESS needs the ray extra (pip install 'vecplane[ray]'): {error}") from None
        executor = RayExecutor(self.settings, worker_setup(self.settings, self._providers))
        await executor.start()
        self.executor = executor
        return executor

    async def _set_serving(self, serving: bool) -> None:
        """The one place readiness changes, so grpc.health.v1, /readyz and the metric agree."""
        serving = serving and not self._stopping  # a backend coming back does not undo a stop
        self.serving = serving
        status = health_pb2.HealthCheckResponse.SERVING if serving else health_pb2.HealthCheckResponse.NOT_SERVING
        await self.health.set("", status)

    async def refresh_metrics(self) -> None:
        """The gauges of this server's state, set before each scrape. The task queue is read from
        MongoDB within 2 s, so a slow MongoDB cannot hold a scrape (then those keep their last
        values, and vecplane_backend_up tells why)."""
        metrics.SERVING.set(int(self.serving))
        down = self.monitor.down() if self.monitor is not None else {}
        for backend in self.backends.probes():
            metrics.BACKEND_UP.labels(backend.backend_name).set(0 if backend.backend_name in down else 1)
        if self._tasks is None:
            return
        try:
            async with asyncio.timeout(2.0):
                pending, running, oldest_ms = await self._tasks.queue()
        except Exception:  # any failure to read only leaves the gauges as they were
            log.debug("task gauges not refreshed", exc_info=True)
            return
        metrics.TASKS.labels("PENDING").set(pending)
        metrics.TASKS.labels("IN_PROGRESS").set(running)
        metrics.OLDEST_PENDING_SECONDS.set(max(0.0, time.time() - oldest_ms / 1000) if oldest_ms is not None else 0.0)

    def not_ready(self) -> list[str]:
        """Why /readyz answers 503 (empty when ready)."""
        if self.serving:
            return []
        down = self.monitor.down() if self.monitor is not None else {}
        if down:
            return [f"{name} is unavailable ({why})" for name, why in down.items()]
        return ["stopping" if self._stopping else "starting"]

    async def _start_gateway(self, registered: list[str], calls: LocalCalls) -> None:
        """The REST gateway for every vecplane service the gRPC server registered, calling their
        handlers in this process (same interceptor, same loop)."""
        settings = self.settings
        pool = descriptor_pool.Default()
        services = [pool.FindServiceByName(name) for name in registered if name.startswith("vecplane.")]
        gateway = Gateway(
            services,
            calls,
            max_body_bytes=settings.http_max_body_bytes,
            timeout_seconds=settings.http_timeout_seconds,
            header_timeout_seconds=settings.http_header_timeout_seconds,
            body_timeout_seconds=settings.http_body_timeout_seconds,
            max_connections=settings.http_max_connections,
            not_ready=self.not_ready,
            before_scrape=self.refresh_metrics,
            tls=self.tls.ssl_context() if self.tls else None,
        )
        try:
            await gateway.start(settings.host, settings.http_port)
        except BaseException as error:
            if self._server is not None:
                await self._server.stop(0)
                self._server = None
            if isinstance(error, OSError):
                raise StartupError(f"VECPLANE_HTTP_PORT: cannot listen on {settings.host}:{settings.http_port} ({error.strerror})") from None
            raise
        self.gateway, self.http_port = gateway, gateway.port

    @staticmethod
    def _add_reflection(server: grpc.aio.Server) -> list[str]:
        services = [
            namespace_pb2.DESCRIPTOR.services_by_name["NamespaceService"].full_name,
            feature_extractor_pb2.DESCRIPTOR.services_by_name["FeatureExtractorService"].full_name,
            admin_pb2.DESCRIPTOR.services_by_name["AdminService"].full_name,
            bucket_pb2.DESCRIPTOR.services_by_name["BucketService"].full_name,
            collection_pb2.DESCRIPTOR.services_by_name["CollectionService"].full_name,
            document_pb2.DESCRIPTOR.services_by_name["DocumentService"].full_name,
            retriever_pb2.DESCRIPTOR.services_by_name["RetrieverService"].full_name,
            task_pb2.DESCRIPTOR.services_by_name["TaskService"].full_name,
            batch_pb2.DESCRIPTOR.services_by_name["BatchService"].full_name,
            operations_pb2.DESCRIPTOR.services_by_name["Operations"].full_name,
            health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
            reflection.SERVICE_NAME,
            REFLECTION_V1,
        ]
        servicer = reflection.aio.ReflectionServicer(services)
        reflection.enable_server_reflection(services, server)
        # grpc.reflection.v1 has the same messages as v1alpha under another package name, so the
        # v1alpha servicer answers v1 clients too.
        server.add_generic_rpc_handlers(
            (
                grpc.method_handlers_generic_handler(
                    REFLECTION_V1,
                    {
                        "ServerReflectionInfo": grpc.stream_stream_rpc_method_handler(
                            servicer.ServerReflectionInfo,
                            request_deserializer=reflection_pb2.ServerReflectionRequest.FromString,
                            response_serializer=reflection_pb2.ServerReflectionResponse.SerializeToString,
                        )
                    },
                ),
            )
        )
        return services

    async def stop(self, grace: float | None = None) -> None:
        """Health goes NOT_SERVING; the REST gateway stops accepting and its in-flight requests get
        `grace` seconds (they still reach gRPC); then gRPC's in-flight calls get `grace` seconds;
        then the backends close."""
        grace = self.settings.shutdown_grace_seconds if grace is None else grace
        self._stopping = True
        self.serving = False
        await self.health.enter_graceful_shutdown()
        if self.monitor is not None:
            await self.monitor.stop()
        if self.engine is not None:  # a task stopped mid-chunk resumes from its checkpoint at the next start
            await self.engine.close()
        if self.executor is not None:
            await self.executor.close()
        if self.gateway is not None:  # first, so its in-flight calls still reach the gRPC server
            await self.gateway.stop(grace)
            self.gateway = None
        if self._server is not None:
            await self._server.stop(grace)
            self._server = None
        if hasattr(self, "usecases"):
            await self.usecases.reconfigure.close()
            await self.usecases.retrievers.cache.close()
            await self.usecases.retrievers.executions.close()
        if self.extractors is not None:
            await self.extractors.close()
        await self.backends.close()
        if self.settings.tracing:
            tracing.shutdown()  # flushes the spans not yet exported
        log.info("vecplane stopped")


async def serve(settings: Settings) -> None:
    """Runs until SIGTERM or SIGINT, then stops gracefully."""
    app = Vecplane(settings)
    await app.start()
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    await stopping.wait()
    log.info("stopping: finishing in-flight calls", extra={"grace_seconds": settings.shutdown_grace_seconds})
    await app.stop()
