"""Real vecplane servers for the tests, over the embedded MongoDB (nx-27017) and Qdrant local mode.

InProcessServer runs the service on its own event loop in a background thread, so tests can also
look inside it (e.g. count MongoDB round trips). ServerProcess runs `python -m server serve` as a
child process, for what needs a real process: restarts, signals, SIGKILL."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from server.app import Vecplane
from server.config import Settings
from tests.support.onnx_models import build_image_encoder

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[2]
PLUGINS = REPO / "tests" / "plugins"
ADMIN_KEY = "sk_test_admin_key_0123456789abcdefghijklmnop"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The built-in models that run through inference providers are configured against an address where
# nothing listens: collection tests need them configured (a collection is only made with extractors
# that can run), and never extract. tests/integration/test_providers.py uses a real server.
UNREACHABLE_PROVIDERS = json.dumps(
    {
        "providers": [
            {
                "name": "tests-unreachable",
                "base_url": "http://127.0.0.1:9/v1",
                "max_retries": 0,
                "timeout_seconds": 2,
                "models": {
                    "multilingual_e5_large_instruct_v1": "e5",
                    "google_siglip_base_v1": "siglip",
                    "vertex_multimodal_embedding": "vertex",
                    "face_identity_v1_embedding": "arcface",
                },
            }
        ]
    }
)


def built_models(data_dir: Path) -> Path:
    """The model directory of the test servers: the fashionsiglip plugin's (tiny) image encoder."""
    model_dir = data_dir / "models"
    if not (model_dir / "fashionsiglip_v1_embedding" / "model.onnx").exists():
        build_image_encoder(model_dir, "fashionsiglip_v1_embedding", 768)
    return model_dir


def test_settings(data_dir: Path, **overrides: Any) -> Settings:
    base = Settings(
        providers=UNREACHABLE_PROVIDERS,
        model_dir=built_models(data_dir),
        grpc_port=0,
        http_port=0,
        host="127.0.0.1",
        data_dir=data_dir,
        api_key=ADMIN_KEY,
        plugin_dir=PLUGINS,
        shutdown_grace_seconds=2.0,
        reconfigure_lease_seconds=2.0,
        processing_chunk=8,  # so that tests' tasks cross chunk boundaries (checkpoints, cancel)
        processing_lease_seconds=2.0,
    )
    return replace(base, **overrides)


test_settings.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


class InProcessServer:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="vecplane-test-server", daemon=True)
        self.app = Vecplane(settings)

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        """Runs a coroutine on the server's loop (e.g. to reach its storage) and returns the result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def settle(self) -> None:
        """Writes what the server writes in the background on its own time (queued retriever
        execution records), so a test that counts MongoDB commands counts only its call's."""
        self.run(self.app.usecases.retrievers.executions.flush())

    def start(self) -> InProcessServer:
        self.thread.start()
        self.run(self.app.start())
        return self

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.app.grpc_port}"

    def stop(self) -> None:
        try:
            self.run(self.app.stop(grace=1))
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)


def wait_serving(target: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    with grpc.insecure_channel(target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while True:
            try:
                if stub.Check(health_pb2.HealthCheckRequest(), timeout=1).status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.RpcError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"vecplane at {target} did not become SERVING")
            time.sleep(0.1)


def server_env(data_dir: Path, grpc_port: int, http_port: int, extra: dict[str, str | None]) -> dict[str, str]:
    """The environment of a `python -m server serve` for the tests; a None in `extra` unsets."""
    env: dict[str, str | None] = {
        **os.environ,
        "VECPLANE_GRPC_PORT": str(grpc_port),
        "VECPLANE_HTTP_PORT": str(http_port),
        "VECPLANE_HOST": "127.0.0.1",
        "VECPLANE_DATA_DIR": str(data_dir),
        "VECPLANE_API_KEY": ADMIN_KEY,
        "VECPLANE_PLUGIN_DIR": str(PLUGINS),
        "VECPLANE_SHUTDOWN_GRACE": "2",
        "VECPLANE_PROVIDERS": UNREACHABLE_PROVIDERS,
        "VECPLANE_MODEL_DIR": None if "VECPLANE_MODEL_DIR" in extra else str(built_models(data_dir)),
        "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "clients" / "python")]),
        "MONGODB_URI": None,
        "QDRANT_URL": None,
        **extra,
    }
    return {name: value for name, value in env.items() if value is not None}


SERVE = [sys.executable, "-m", "server", "serve"]


class ServerProcess:
    """`python -m server serve` on a fixed data dir; start() and stop() can be repeated."""

    def __init__(self, data_dir: Path, env: dict[str, str | None] | None = None, open_files: int | None = None):
        self.data_dir = data_dir
        self.open_files = open_files  # RLIMIT_NOFILE of the server process
        self.grpc_port = free_port()
        self.http_port = free_port()
        self.extra_env = env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / "server.log"

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.grpc_port}"

    def start(self, timeout: float = 60) -> ServerProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = server_env(self.data_dir, self.grpc_port, self.http_port, self.extra_env)
        limit = self.open_files
        preexec = None if limit is None else (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit)))
        with open(self.log_path, "a") as log:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(SERVE, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=preexec)
        try:
            wait_serving(self.target, timeout)
        except TimeoutError:
            self.kill()
            raise TimeoutError(f"server did not start; log:\n{self.log_path.read_text()[-4000:]}") from None
        return self

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM, then wait; returns the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout)
        self.process = None
        return code

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def wait_exit(self, timeout: float = 30) -> int:
        assert self.process is not None
        code = self.process.wait(timeout)
        self.process = None
        return code
