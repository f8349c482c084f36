"""README `## Quick start`, run as a newcomer would (issue 15): a server started as `scripts/serve`
starts it (no VECPLANE_API_KEY, so it makes the development key in `.data/dev-api-key`; no inference
provider, plugin or model folder), then the second shell's block as written, in a fresh shell whose
PATH has no .venv, from the folder holding `.data`; twice, as a newcomer may run it again."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.clients.readme import README
from tests.support.servers import ServerProcess

REPO = Path(__file__).resolve().parents[2]


def quick_start_blocks() -> list[str]:
    text = README.read_text().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", text, re.DOTALL)


@pytest.mark.slow  # a server process, and processing with the packaged model
def test_the_quick_start_commands_work_in_a_fresh_shell(tmp_path):
    serve, second_shell, from_empty_to_documents = quick_start_blocks()
    assert serve.split()[0] == "scripts/serve"
    (tmp_path / ".venv").symlink_to(REPO / ".venv")
    plain = {"VECPLANE_API_KEY": None, "VECPLANE_PROVIDERS": None, "VECPLANE_PLUGIN_DIR": None, "VECPLANE_MODEL_DIR": None}
    process = ServerProcess(tmp_path / ".data", env=plain).start()
    try:
        # The second shell's commands, then the REST story that follows them, in that one shell;
        # -e stops at the first failing command (no -u, like an interactive shell).
        script = "\n".join([second_shell, from_empty_to_documents]).replace("localhost:50051", f"localhost:{process.grpc_port}").replace("localhost:8000", f"localhost:{process.http_port}")
        env = {name: value for name, value in os.environ.items() if name != "VECPLANE_API_KEY"}
        env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if ".venv" not in p)
        for run in (1, 2):
            done = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, f"run {run}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
            assert "vecplane.v1.NamespaceService" in done.stdout
            assert '{"status":"ready"}' in done.stdout
            assert "minilm_text_extractor_v1" in done.stdout
            assert "COMPLETED" in done.stdout.splitlines()  # the task the loop waited for
            listed = json.loads(done.stdout.splitlines()[-1])
            assert sorted(doc["content"] for doc in listed["results"]) == ["MongoDB stores metadata", "Qdrant stores vectors"]
    finally:
        process.kill()
