"""README `### Every resource with curl` (and the REST introduction and the extractor direct runs), run as written: its blocks in one fresh bash shell (-e:
the first failing command fails the test), from a folder whose `.data/dev-api-key` holds the
server's operator key, twice in a row (the README promises it can run again); the server is
configured as a newcomer's (`plain_server`)."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from tests.clients.readme import README, section
from tests.conftest import new_org_api
from tests.support.servers import InProcessServer

HEADING = "Every resource with curl"
REST_HOST = "localhost:8000"


def answers(stdout: str) -> list[dict]:
    """The JSON objects the script printed, one a line (other lines are skipped)."""
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def run_script(script: str, folder, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name != "VECPLANE_API_KEY"}
    return subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=folder, env=env, capture_output=True, text=True, timeout=timeout)


def test_the_section_covers_every_resource():
    text = "".join(block.text for block in section(HEADING))
    for path in ("/v1/namespaces", "/v1/features/extractors", "/v1/buckets", "/objects", "/objects/batch", "/v1/collections",
                 "/trigger", "/v1/tasks/", "/batches", "/documents", "/v1/retrievers", "/execute"):
        assert path in text, f"README's curl section has no call to {path}"
    for verb in ("-X PATCH", "-X DELETE"):
        assert verb in text


@pytest.mark.slow  # two processing runs with the packaged model
def test_the_curl_examples_run_as_written_and_again(plain_server: InProcessServer, plain_root, tmp_path):
    blocks = section(HEADING)
    assert blocks and all(block.language == "sh" for block in blocks)
    script = "\n".join(block.text for block in blocks).replace(REST_HOST, f"localhost:{plain_server.app.http_port}")
    (tmp_path / ".data").mkdir()
    (tmp_path / ".data" / "dev-api-key").write_text(plain_root.key + "\n")
    for run in (1, 2):
        done = run_script(script, tmp_path)
        assert done.returncode == 0, f"run {run}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        assert "COMPLETED" in done.stdout.splitlines()  # the task status the loop waited for
        printed = answers(done.stdout)
        assert printed[0]["error"]["type"] == "NotFoundError"  # the clean-up finds nothing: the last run deleted it all
        created = next(a for a in printed if a.get("namespace_name") == "shop")
        assert [a["count"] for a in printed if "count" in a and "collection_id" in a] == [3]
        trail = next(a for a in printed if "results" in a and a["results"] and "document_id" in a["results"][0])
        assert {d["content"] for d in trail["results"]} == {"A light shoe for rough trails.", "Keeps a hiker dry on the trail."}
        executed = next(a for a in printed if "execution_id" in a)
        assert len(executed["documents"]) == 2 and executed["documents"][0]["content"] == "A light shoe for rough trails."
        assert next(a for a in printed if a.get("reviewed") is True)["document_id"]
        assert next(a for a in printed if a.get("status") == "COMPLETED" and "updated_count" in a)["updated_count"] == 2  # the trail documents
        assert next(a for a in printed if "updated_count" in a and "results" in a)["results"][0]["success"] is True
        assert printed[-1]["namespace_id"] == created["namespace_id"] and "deleted" in printed[-1]["message"]


def test_the_rest_introduction_runs_as_written_and_again(plain_server: InProcessServer, plain_root, tmp_path):
    """The first block of `## REST (Mixpeek-compatible)`: a Mixpeek body, a reconfigure, and a delete
    that leaves `catalog` free for the client examples, so it can run again."""
    text = README.read_text().split("\n## REST (Mixpeek-compatible)\n", 1)[1].split("\n### ", 1)[0]
    script = re.findall(r"```sh\n(.*?)```", text, re.DOTALL)[0].replace(REST_HOST, f"localhost:{plain_server.app.http_port}")
    env = {**os.environ, "VECPLANE_API_KEY": new_org_api(plain_root, admin=True).key}
    for run in (1, 2):
        done = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        created, reconfigured, deleted = answers(done.stdout)
        assert created["namespace_name"] == "catalog", f"run {run}: {created}"
        assert reconfigured["status"] == "no_changes_needed" and deleted["namespace_id"] == created["namespace_id"]


def test_the_direct_run_examples_run_as_written(plain_server: InProcessServer, plain_root, tmp_path):
    """`## Feature extractors and plugins`' direct runs, on a newcomer's server: the packaged text
    model chunked by sentence, and the image fingerprint of the inline PNG."""
    text = README.read_text().split("\n## Feature extractors and plugins\n", 1)[1].split("\n## ", 1)[0]
    (script,) = [block for block in re.findall(r"```sh\n(.*?)```", text, re.DOTALL) if "/run" in block]
    env = {**os.environ, "VECPLANE_API_KEY": new_org_api(plain_root).key}
    done = subprocess.run(["bash", "-eo", "pipefail", "-c", script.replace(REST_HOST, f"localhost:{plain_server.app.http_port}")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    chunks, fingerprint = answers(done.stdout)
    assert [d["fields"]["text"] for d in chunks["documents"]] == ["A long text.", "Of several sentences."], chunks
    assert len(fingerprint["documents"][0]["vectors"]["image_fingerprint_v1"]["values"]) == 128, fingerprint
