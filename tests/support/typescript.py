"""The TypeScript client package (clients/typescript) as tests use it: dependencies installed from its
package-lock.json when missing, held by one test at a time, since parallel test workers (pytest -n)
share the folder and its build outputs (dist/, build-test/)."""

from __future__ import annotations

import fcntl
import hashlib
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "clients" / "typescript"


@contextmanager
def typescript_package(tool: Callable[[str], str]) -> Iterator[Path]:
    """Yields the package's node_modules, holding an exclusive lock on the package until the block ends."""
    tag = hashlib.sha256(str(PACKAGE).encode()).hexdigest()[:12]
    with open(Path(tempfile.gettempdir()) / f"vecplane-typescript-{tag}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        tool("node")
        if not (PACKAGE / "node_modules" / ".bin" / "tsc").exists():
            subprocess.run([tool("npm"), "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PACKAGE, check=True, timeout=300)
        yield PACKAGE / "node_modules"
