"""Service settings, from environment variables and the matching `vecplane serve` flags (flags win)."""

from __future__ import annotations

import argparse
import ipaddress
import os
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Settings:
    grpc_port: int = 50051
    http_port: int = 8000
    host: str = "127.0.0.1"  # loopback: a deployment names the address to expose explicitly
    data_dir: Path = Path(".data")
    mongodb_uri: str | None = None
    mongodb_database: str = "vecplane"
    qdrant_url: str | None = None
    qdrant_api_key: str | None = None
    api_key: str | None = None
    log_level: str = "INFO"
    plugin_dir: Path | None = None
    shutdown_grace_seconds: float = 10.0
    auth_cache_seconds: float = 30.0
    # auto: change named vectors in place when the Qdrant server supports it (>= 1.18), else
    # blue/green; blue_green forces the copying path (used to test it on engines that do support it).
    reconfigure_strategy: str = "auto"
    reconfigure_lease_seconds: float = 30.0
    faults: str = ""  # test-only fault points, see server.faults
    processing_workers: int = 2  # tasks run at once by this process
    processing_chunk: int = 256  # sources read, extracted and written per checkpoint
    processing_lease_seconds: float = 30.0  # a task whose holder stops renewing is taken over after this
    # Ray executor (the `ray` extra): "" (off: extraction runs in this process), "local" (start a
    # Ray on this machine with ray_cpus CPUs), "auto" (the cluster this machine belongs to) or a
    # cluster address. See server.processing.ray_executor.
    ray_address: str = ""
    ray_cpus: int = 2  # CPUs of the local Ray ("local" only)
    ray_actors: int = 2  # extraction actors (each loads the models once)
    ray_actor_cpus: int = 1  # CPUs each actor reserves, and its model's threads
    ray_batch: int = 64  # sources per actor call (a chunk is split into calls of this size)
    ray_writes: str = "auto"  # who writes the documents Ray actors make: auto, driver or actors (see ray_writer)
    http_max_body_bytes: int = 4 * 1024 * 1024  # REST request bodies; larger ones get 413
    http_timeout_seconds: float = 60.0  # deadline of each REST call; slower ones get 504
    http_header_timeout_seconds: float = 10.0  # a request head must arrive within this (also idle keep-alive)
    http_body_timeout_seconds: float = 30.0  # a request body must arrive within this; 408 after
    http_max_connections: int = 0  # open REST connections; 0: half the open-file limit, at most 1024
    startup_timeout_seconds: float = 5.0  # how long start-up waits for MONGODB_URI / QDRANT_URL to answer
    providers: str | None = None  # inference providers: a JSON file, or the JSON itself
    model_dir: Path | None = None  # ONNX image encoders, one folder per model
    fetch_timeout_seconds: float = 10.0  # fetching a file input named by URL
    blob_max_bytes: int = 64 * 1024 * 1024  # the most a blob may hold (inline, or fetched from its URL)
    blob_fetch_timeout_seconds: float = 30.0  # a blob URL must be read within this (redirects included)
    blob_private_networks: str = ""  # CIDRs blob URLs may point into although private, e.g. 10.0.0.0/8
    tracing: str = ""  # OpenTelemetry: "" (off), otlp or console (server.tracing)
    retrieval_cache_bytes: int = 64 * 1024 * 1024  # memory the retriever execute cache may hold
    execution_retention: int = 1000  # execution records kept per organization (the newest); 0: none
    execution_ttl_seconds: int = 7 * 24 * 3600  # how long an execution record is kept
    costly_per_organization: int = 2  # costly calls (server.api.costly) an organization runs at once
    costly_total: int = 4  # costly calls the server runs at once
    costly_wait_seconds: float = 30.0  # how long a costly call waits for a slot
    tls_cert_file: Path | None = None  # PEM certificate chain: both ports serve TLS only
    tls_key_file: Path | None = None
    tls_client_ca_file: Path | None = None  # PEM CA: clients must present a certificate it signed

    def blob_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """`blob_private_networks` parsed (ValueError naming a bad one)."""
        return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in self.blob_private_networks.split(",") if part.strip())

    def ray_writer(self) -> str:
        """Who writes the documents Ray actors make: "actors" (each writes its own, straight into the
        Qdrant server) or "driver" (this process writes what they return). auto: the actors when
        QDRANT_URL names a server, else the driver (the embedded Qdrant Edge has one writer: this
        process)."""
        if self.ray_writes == "auto":
            return "actors" if self.qdrant_url else "driver"
        return self.ray_writes

    def secrets(self) -> tuple[str, ...]:
        """Configured secrets, which the log never shows."""
        password = urllib.parse.urlsplit(self.mongodb_uri).password if self.mongodb_uri else None
        return tuple(s for s in (self.api_key, self.qdrant_api_key, password) if s)


class StartupError(Exception):
    """The service cannot start as configured. The message is one line for people: the setting, the
    address, what went wrong."""


# (field, environment variable, flag, help)
_OPTIONS = [
    ("grpc_port", "VECPLANE_GRPC_PORT", "--grpc-port", "gRPC port (0 picks a free one)"),
    ("http_port", "VECPLANE_HTTP_PORT", "--http-port", "REST gateway port (0 picks a free one)"),
    ("host", "VECPLANE_HOST", "--host", "address to listen on (default loopback; e.g. 0.0.0.0 to expose it)"),
    ("data_dir", "VECPLANE_DATA_DIR", "--data-dir", "where the embedded MongoDB and Qdrant keep their data"),
    ("mongodb_uri", "MONGODB_URI", "--mongodb-uri", "a MongoDB server; unset: the embedded nx-27017"),
    ("mongodb_database", "MONGODB_DATABASE", "--mongodb-database", "MongoDB database name"),
    ("qdrant_url", "QDRANT_URL", "--qdrant-url", "a Qdrant server; unset: qdrant-client's local mode"),
    ("qdrant_api_key", "QDRANT_API_KEY", "--qdrant-api-key", "API key for the Qdrant server"),
    ("api_key", "VECPLANE_API_KEY", "--api-key", "admin API key of the default organization, ensured at start"),
    ("log_level", "VECPLANE_LOG_LEVEL", "--log-level", "DEBUG, INFO, WARNING or ERROR"),
    ("plugin_dir", "VECPLANE_PLUGIN_DIR", "--plugin-dir", "folder of feature-extractor manifest files (*.json)"),
    ("shutdown_grace_seconds", "VECPLANE_SHUTDOWN_GRACE", "--shutdown-grace", "seconds in-flight calls get on stop"),
    ("auth_cache_seconds", "VECPLANE_AUTH_CACHE_SECONDS", "--auth-cache-seconds", "how long verified keys are cached"),
    ("reconfigure_strategy", "VECPLANE_RECONFIGURE_STRATEGY", "--reconfigure-strategy", "auto or blue_green"),
    ("reconfigure_lease_seconds", "VECPLANE_RECONFIGURE_LEASE", "--reconfigure-lease", "seconds before a stalled reconfigure is taken over"),
    ("http_max_body_bytes", "VECPLANE_HTTP_MAX_BODY_BYTES", "--http-max-body-bytes", "largest REST request body accepted (413 above)"),
    ("http_timeout_seconds", "VECPLANE_HTTP_TIMEOUT_SECONDS", "--http-timeout", "deadline of each REST call in seconds (504 after)"),
    ("http_header_timeout_seconds", "VECPLANE_HTTP_HEADER_TIMEOUT", "--http-header-timeout", "seconds a client has to send a request head (and idle keep-alive limit)"),
    ("http_body_timeout_seconds", "VECPLANE_HTTP_BODY_TIMEOUT", "--http-body-timeout", "seconds a client has to send a request body (408 after)"),
    ("http_max_connections", "VECPLANE_HTTP_MAX_CONNECTIONS", "--http-max-connections", "open REST connections at most (0: half the open-file limit, at most 1024)"),
    ("startup_timeout_seconds", "VECPLANE_STARTUP_TIMEOUT", "--startup-timeout", "seconds to wait at start for the MongoDB and Qdrant servers"),
    ("providers", "VECPLANE_PROVIDERS", "--providers", "inference providers: a JSON file, or the JSON itself (see README)"),
    ("model_dir", "VECPLANE_MODEL_DIR", "--model-dir", "folder of ONNX image encoders, one sub-folder per model"),
    ("fetch_timeout_seconds", "VECPLANE_FETCH_TIMEOUT", "--fetch-timeout", "seconds to fetch a file input given by URL"),
    ("blob_max_bytes", "VECPLANE_BLOB_MAX_BYTES", "--blob-max-bytes", "the most bytes a blob may hold, inline or fetched from its URL"),
    ("blob_fetch_timeout_seconds", "VECPLANE_BLOB_FETCH_TIMEOUT", "--blob-fetch-timeout", "seconds a blob URL has to be read in full"),
    ("blob_private_networks", "VECPLANE_BLOB_PRIVATE_NETWORKS", "--blob-private-networks", "private networks (CIDRs, comma-separated) blob URLs may point into"),
    ("processing_workers", "VECPLANE_PROCESSING_WORKERS", "--processing-workers", "tasks this process runs at once (0: none, tasks wait for another process)"),
    ("processing_chunk", "VECPLANE_PROCESSING_CHUNK", "--processing-chunk", "sources per chunk (read, extracted, written, checkpointed)"),
    ("processing_lease_seconds", "VECPLANE_PROCESSING_LEASE", "--processing-lease", "seconds before a task whose process stopped is taken over"),
    ("ray_address", "VECPLANE_RAY_ADDRESS", "--ray-address", "extraction on Ray (the ray extra): local, auto or a cluster address; unset: in this process"),
    ("ray_cpus", "VECPLANE_RAY_CPUS", "--ray-cpus", "CPUs of the Ray that VECPLANE_RAY_ADDRESS=local starts"),
    ("ray_actors", "VECPLANE_RAY_ACTORS", "--ray-actors", "Ray extraction actors (each loads the models once)"),
    ("ray_actor_cpus", "VECPLANE_RAY_ACTOR_CPUS", "--ray-actor-cpus", "CPUs each Ray actor reserves (and its model's threads)"),
    ("ray_batch", "VECPLANE_RAY_BATCH", "--ray-batch", "sources per Ray actor call"),
    ("ray_writes", "VECPLANE_RAY_WRITES", "--ray-writes", "who writes the documents Ray actors make: auto (actors with QDRANT_URL, else this process), driver or actors"),
    ("tracing", "VECPLANE_TRACING", "--tracing", "OpenTelemetry spans: otlp (OTEL_EXPORTER_OTLP_* settings) or console; unset: off"),
    ("tls_cert_file", "VECPLANE_TLS_CERT", "--tls-cert", "PEM certificate chain; with --tls-key, gRPC and REST serve TLS only"),
    ("tls_key_file", "VECPLANE_TLS_KEY", "--tls-key", "PEM private key of --tls-cert"),
    ("tls_client_ca_file", "VECPLANE_TLS_CLIENT_CA", "--tls-client-ca", "PEM CA; clients must present a certificate it signed (mutual TLS)"),
    ("retrieval_cache_bytes", "VECPLANE_RETRIEVAL_CACHE_BYTES", "--retrieval-cache-bytes", "memory the retriever execute cache may hold (0: no cache)"),
    ("execution_retention", "VECPLANE_EXECUTION_RETENTION", "--execution-retention", "retriever execution records kept per organization, the newest (0: none recorded)"),
    ("execution_ttl_seconds", "VECPLANE_EXECUTION_TTL", "--execution-ttl", "seconds a retriever execution record is kept"),
    ("costly_per_organization", "VECPLANE_COSTLY_PER_ORGANIZATION", "--costly-per-organization", "costly calls (aggregations, reconciliations, changes by filter) an organization runs at once"),
    ("costly_total", "VECPLANE_COSTLY_TOTAL", "--costly-total", "costly calls the server runs at once, all organizations together"),
    ("costly_wait_seconds", "VECPLANE_COSTLY_WAIT", "--costly-wait", "seconds a costly call waits for a slot before it is RESOURCE_EXHAUSTED"),
    ("faults", "VECPLANE_FAULTS", "--faults", "test only: arm fault points (point=fail|kill|sleep:<s>,...)"),
]


def _convert(name: str, raw: str) -> int | float | Path | str:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if "int" in kind:
        return int(raw)
    if "float" in kind:
        return float(raw)
    if "Path" in kind:
        return Path(raw)
    return raw


def add_arguments(parser: argparse.ArgumentParser) -> None:
    for name, env, flag, help_text in _OPTIONS:
        parser.add_argument(flag, dest=name, default=None, help=f"{help_text} [env {env}]")


def load(args: argparse.Namespace | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    source: Mapping[str, str] = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for name, env, _flag, _help in _OPTIONS:
        raw = getattr(args, name, None) if args is not None else None
        if raw is None:
            raw = source.get(env) or None
        if raw is not None:
            try:
                values[name] = _convert(name, raw)
            except ValueError:
                raise SystemExit(f"vecplane: {env} / {_flag}: not a valid value: {raw!r}") from None
    settings = Settings(**values)
    if settings.tracing not in ("", "otlp", "console"):
        raise SystemExit("vecplane: VECPLANE_TRACING must be otlp or console (or unset: off)")
    if settings.reconfigure_strategy not in ("auto", "blue_green"):
        raise SystemExit("vecplane: VECPLANE_RECONFIGURE_STRATEGY must be auto or blue_green")
    if min(settings.http_max_body_bytes, settings.http_timeout_seconds, settings.http_header_timeout_seconds, settings.http_body_timeout_seconds) <= 0:
        raise SystemExit(
            "vecplane: VECPLANE_HTTP_MAX_BODY_BYTES, VECPLANE_HTTP_TIMEOUT_SECONDS, VECPLANE_HTTP_HEADER_TIMEOUT and VECPLANE_HTTP_BODY_TIMEOUT must be positive"
        )
    if settings.http_max_connections < 0:
        raise SystemExit("vecplane: VECPLANE_HTTP_MAX_CONNECTIONS must be 0 (automatic) or positive")
    if settings.startup_timeout_seconds <= 0:
        raise SystemExit("vecplane: VECPLANE_STARTUP_TIMEOUT must be positive")
    if settings.retrieval_cache_bytes < 0:
        raise SystemExit("vecplane: VECPLANE_RETRIEVAL_CACHE_BYTES must be 0 (no cache) or positive")
    if settings.execution_retention < 0 or settings.execution_ttl_seconds <= 0:
        raise SystemExit("vecplane: VECPLANE_EXECUTION_RETENTION must be 0 (no records) or positive, VECPLANE_EXECUTION_TTL positive")
    if min(settings.costly_per_organization, settings.costly_total) <= 0 or settings.costly_wait_seconds <= 0:
        raise SystemExit("vecplane: VECPLANE_COSTLY_PER_ORGANIZATION, VECPLANE_COSTLY_TOTAL and VECPLANE_COSTLY_WAIT must be positive")
    if settings.blob_max_bytes <= 0 or settings.blob_fetch_timeout_seconds <= 0:
        raise SystemExit("vecplane: VECPLANE_BLOB_MAX_BYTES and VECPLANE_BLOB_FETCH_TIMEOUT must be positive")
    if settings.processing_workers < 0 or settings.processing_chunk <= 0 or settings.processing_lease_seconds <= 0:
        raise SystemExit("vecplane: VECPLANE_PROCESSING_WORKERS must be 0 or more, VECPLANE_PROCESSING_CHUNK and VECPLANE_PROCESSING_LEASE positive")
    if min(settings.ray_cpus, settings.ray_actors, settings.ray_actor_cpus, settings.ray_batch) <= 0:
        raise SystemExit("vecplane: VECPLANE_RAY_CPUS, VECPLANE_RAY_ACTORS, VECPLANE_RAY_ACTOR_CPUS and VECPLANE_RAY_BATCH must be positive")
    if settings.ray_writes not in ("auto", "driver", "actors"):
        raise SystemExit("vecplane: VECPLANE_RAY_WRITES must be auto, driver or actors")
    if settings.ray_writes == "actors" and not settings.qdrant_url:
        raise SystemExit("vecplane: VECPLANE_RAY_WRITES=actors needs QDRANT_URL: the embedded Qdrant Edge has one writer, this process")
    try:
        settings.blob_networks()
    except ValueError as error:
        raise SystemExit(f"vecplane: VECPLANE_BLOB_PRIVATE_NETWORKS: {error}") from None
    return settings
