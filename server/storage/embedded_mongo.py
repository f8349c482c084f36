"""The embedded MongoDB default: an nx-27017 wire-protocol server (SQLite-backed) run as a child
process on a free loopback port, its data under the data dir.

The child asks the kernel to kill it when its parent dies (PR_SET_PDEATHSIG), so even a SIGKILLed
vecplane leaves no orphan behind."""

from __future__ import annotations

import ctypes
import logging
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pymongo

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _clear_stale_pid_file(pid_file: Path) -> None:
    """Removes nx-27017's pid file when it names a zombie. nx-27017 refuses to start while its pid
    file names a process that `kill(pid, 0)` reaches, and a zombie does: after vecplane is SIGKILLed,
    its nx-27017 child dies too but stays a zombie until init reaps it, which some inits (containers,
    micro-VMs) do only after a second or more. A restart in that window would fail. Linux only (it
    reads /proc); a live nx-27017 on the same data dir is left alone, so it still refuses to start."""
    if not sys.platform.startswith("linux"):
        return
    try:
        pid = int(pid_file.read_text().strip())
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, ValueError, IndexError):
        return  # no pid file, or the process is gone: nx-27017 handles that itself
    if state == "Z":
        log.warning("removing the pid file of a dead nx-27017 (zombie pid %d)", pid)
        pid_file.unlink(missing_ok=True)


class EmbeddedMongo:
    """Starts and stops one nx-27017 server; `uri` is valid between start() and stop()."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir / "mongo"
        self.port = 0
        self._process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    def start(self, timeout: float = 30.0) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        executable = shutil.which("nx-27017") or str(Path(sys.executable).with_name("nx-27017"))
        self.port = _free_port()
        log_file = self.data_dir / "nx-27017.log"
        _clear_stale_pid_file(self.data_dir / "nx-27017.pid")
        self._process = subprocess.Popen(
            [
                executable,
                "--host", "127.0.0.1",
                "--port", str(self.port),
                "--data-dir", str(self.data_dir),
                "--log-file", str(log_file),
                "--pid-file", str(self.data_dir / "nx-27017.pid"),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + timeout
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"nx-27017 exited with {self._process.returncode}; see {log_file}")
            try:
                with pymongo.MongoClient(self.uri, serverSelectionTimeoutMS=500) as probe:
                    probe.admin.command("ping")
                break
            except pymongo.errors.PyMongoError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"nx-27017 did not answer within {timeout}s; see {log_file}")
                time.sleep(0.1)
        log.info("embedded MongoDB (nx-27017) listening", extra={"uri": self.uri, "data_dir": str(self.data_dir)})

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
