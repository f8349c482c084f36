"""CI's breaking-change check (issue 15): it compares the protos with a baseline image committed in
the repository, so it runs on every clone (a tag it used to need exists on no clean clone), and it
fails on a breaking change."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(*command: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_protos_keep_the_committed_baseline() -> None:
    done = run("scripts/proto-breaking")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no breaking changes against .ci/proto-baseline.binpb" in done.stdout


def test_a_breaking_change_fails_the_check(tmp_path: Path) -> None:
    """A copy of the repository's check, with a field renamed in its copy of the protos."""
    copy = tmp_path / "repo"
    for part in ("protos", "scripts", ".ci", "buf.yaml"):
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, copy / part)
    (copy / ".venv").symlink_to(REPO / ".venv")
    proto = copy / "protos" / "vecplane" / "v1" / "namespace.proto"
    proto.write_text(proto.read_text().replace("string namespace_name = ", "string display_name = ", 1))
    done = run("scripts/proto-breaking", cwd=copy)
    assert done.returncode != 0
    assert "namespace_name" in done.stdout + done.stderr
