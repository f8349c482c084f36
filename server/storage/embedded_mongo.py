"""The embedded MongoDB default: an nx-27017 wire-protocol server (SQLite-backed) run as a supervised
child process, its data under the data dir.

- Reachable by vecplane only: the child listens on a unix socket in a fresh 0700 directory (no TCP
  port), and runs with umask 077, so its data directory is 0700 and its files 0600.
- Supervised: a thread waits on the child (so it is reaped, never left a zombie) and, unless vecplane
  is stopping, starts it again with exponential backoff. The socket path stays the same, so the
  MongoDB client reconnects by itself once the child answers again.
- The child asks the kernel to kill it when its parent dies (PR_SET_PDEATHSIG), so even a SIGKILLed
  vecplane leaves no orphan behind.
"""

from __future__ import annotations

import ctypes
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import pymongo

from server.storage.nx_27017_child import LOCKED_EXIT_CODE

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
_CHILD = Path(__file__).with_name("nx_27017_child.py")
_BACKOFF_FIRST, _BACKOFF_MAX = 0.2, 5.0
_STABLE_SECONDS = 10.0  # a child that ran this long before dying restarts after the shortest wait


def _prepare_child() -> None:
    """Runs in the child between fork and exec: private files, and death with the parent."""
    os.umask(0o077)
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def make_private(directory: Path) -> None:
    """Creates `directory` if needed and makes it and everything directly in it owner-only (data
    written by an older version was world-readable)."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    for entry in directory.iterdir():
        if entry.is_file() and not entry.is_symlink():
            entry.chmod(0o600)


class EmbeddedMongo:
    """Starts, supervises and stops one nx-27017 server; `uri` is valid between start() and stop()."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir / "mongo"
        self.restarts = 0
        self._ready_at = 0.0
        self._runtime_dir: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._supervisor: threading.Thread | None = None

    @property
    def socket_path(self) -> Path:
        assert self._runtime_dir is not None, "start() first"
        return self._runtime_dir / "mongodb.sock"

    @property
    def uri(self) -> str:
        return f"mongodb://{urllib.parse.quote(str(self.socket_path), safe='')}/?directConnection=true"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "nx-27017.log"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        process = self._process
        return process is not None and process.poll() is None

    def start(self, timeout: float = 30.0) -> None:
        make_private(self.data_dir)
        # A unix socket path must fit in 108 bytes, which a deep data dir may not: a fresh private
        # directory under the system's temporary directory always does.
        self._runtime_dir = Path(tempfile.mkdtemp(prefix="vecplane-mongo-"))
        self._stopping.clear()
        try:
            self._spawn(timeout)
        except BaseException:
            self._stopping.set()
            shutil.rmtree(self._runtime_dir, ignore_errors=True)
            raise
        self._supervisor = threading.Thread(target=self._supervise, name="nx-27017-supervisor", daemon=True)
        self._supervisor.start()
        log.info("embedded MongoDB (nx-27017) listening", extra={"socket": str(self.socket_path), "data_dir": str(self.data_dir)})

    def _spawn(self, timeout: float) -> None:
        """Starts the child and waits until it answers a ping."""
        executable = [sys.executable, "-P", str(_CHILD)]  # -P: the script's folder is not on sys.path
        with self._lock:
            if self._stopping.is_set():
                return
            process = self._process = subprocess.Popen(
                [*executable, str(self.socket_path), str(self.data_dir), str(self.log_file)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                preexec_fn=_prepare_child,
            )
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                if process.returncode == LOCKED_EXIT_CODE:
                    raise RuntimeError(f"{self.data_dir} is in use by another vecplane (or nx-27017) process")
                raise RuntimeError(f"nx-27017 exited with {process.returncode}; see {self.log_file}")
            try:
                probe: pymongo.MongoClient[dict[str, object]]
                with pymongo.MongoClient(self.uri, serverSelectionTimeoutMS=500) as probe:
                    probe.admin.command("ping")
                self._ready_at = time.monotonic()
                return
            except pymongo.errors.PyMongoError:
                if time.monotonic() > deadline:
                    process.kill()
                    raise RuntimeError(f"nx-27017 did not answer within {timeout}s; see {self.log_file}") from None
                time.sleep(0.05)

    def _supervise(self) -> None:
        backoff = _BACKOFF_FIRST
        while (process := self._process) is not None:
            code = process.wait()  # reaps the child
            if self._stopping.is_set():
                return
            if time.monotonic() - self._ready_at > _STABLE_SECONDS:
                backoff = _BACKOFF_FIRST  # it had been up a while: not a crash loop
            log.error("embedded MongoDB (nx-27017) exited; restarting it", extra={"exit_code": code, "retry_in_s": backoff})
            while not self._stopping.wait(backoff):
                backoff = min(backoff * 2, _BACKOFF_MAX)
                try:
                    self._spawn(timeout=30.0)
                    break
                except (OSError, RuntimeError) as error:
                    log.error("embedded MongoDB (nx-27017) did not restart", extra={"error": str(error), "retry_in_s": backoff})
            else:
                return
            self.restarts += 1
            log.warning("embedded MongoDB (nx-27017) restarted", extra={"restarts": self.restarts})

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._supervisor is not None:
            self._supervisor.join(10)
            self._supervisor = None
        if self._runtime_dir is not None:
            shutil.rmtree(self._runtime_dir, ignore_errors=True)
