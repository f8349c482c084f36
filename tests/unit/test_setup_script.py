"""scripts/setup (run by scripts/serve at every start) installs only when pyproject.toml or the script
changed since it last finished (issue 15: every start reinstalled with pip, 7-90 s). Run on a copy
whose .venv/bin/python records what it was asked to do instead of installing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow  # a server process or a build; over 5 s
def test_setup_installs_once_until_pyproject_changes(tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "setup", tmp_path / "scripts" / "setup")
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    log = tmp_path / "calls"
    (bin_dir / "python").write_text(f'#!/bin/sh\necho "$*" >> {log}\n')
    (bin_dir / "vecplane").write_text("#!/bin/sh\n")
    for tool in (bin_dir / "python", bin_dir / "vecplane"):
        tool.chmod(0o755)

    def setup(*args: str) -> list[str]:
        before = log.read_text().splitlines() if log.exists() else []
        subprocess.run([str(tmp_path / "scripts" / "setup"), *args], check=True, timeout=60)
        return log.read_text().splitlines()[len(before):]

    first = setup()
    assert any("install" in call and "-e .[test,dev,tracing,ray]" in call for call in first), first
    assert setup() == []  # unchanged: no pip at all
    with (tmp_path / "pyproject.toml").open("a") as pyproject:
        pyproject.write("\n# changed\n")
    assert any("install" in call for call in setup())
    assert setup() == []
    assert any("install" in call for call in setup("--force"))
