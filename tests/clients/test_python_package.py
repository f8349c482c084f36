"""`pip install ./clients/python` in a fresh virtualenv: the client installs on its own (grpcio,
grpcio-status, protobuf, googleapis-common-protos; none of the server's dependencies) and the
README's Python examples run with it against a server configured as a newcomer's (`plain_server`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

from tests.clients.readme import README_HOST, section
from tests.conftest import new_org_api

SOURCE = Path(__file__).resolve().parents[2] / "clients" / "python"
EXPECTED = {"vecplane-client", "grpcio", "grpcio-status", "protobuf", "googleapis-common-protos"}
# What pip itself brings into a fresh virtualenv, and typing-extensions (a dependency of grpcio).
TOOLING = {"pip", "setuptools", "wheel", "typing-extensions", "typing_extensions"}


@pytest.fixture(scope="module")
def client_python(tmp_path_factory) -> Path:
    """The interpreter of a fresh virtualenv with only `vecplane-client` installed (from a copy of
    clients/python, so the build leaves nothing in the checkout)."""
    root = tmp_path_factory.mktemp("client-venv")
    source = root / "src"
    shutil.copytree(SOURCE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    venv.create(root / "venv", with_pip=True)
    python = root / "venv" / "bin" / "python"
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(source)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return python


def run(python: Path, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in (env or os.environ).items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run([str(python), *args], capture_output=True, text=True, timeout=120, env=clean, cwd=cwd or python.parent)


@pytest.mark.slow  # a server process or a build; over 5 s
def test_the_client_installs_alone(client_python):
    listed = run(client_python, "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check").stdout
    installed = {line.split("==")[0].lower() for line in listed.splitlines() if line}
    assert installed >= EXPECTED, listed
    assert installed - EXPECTED - TOOLING == set(), f"unexpected dependencies: {installed - EXPECTED - TOOLING}"
    probe = run(client_python, "-c", f"""
import importlib.util, pathlib, vecplane.client, vecplane.v1.namespace_pb2_grpc
root = pathlib.Path(vecplane.client.__file__).parent
print(str(root).startswith({str(client_python.parents[1])!r}))
print((root / "py.typed").exists(), (root / "v1" / "namespace_pb2.pyi").exists())
print([name for name in ("server", "pymongo", "qdrant_client", "grpc_reflection") if importlib.util.find_spec(name)])
""")
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split("\n")[:3] == ["True", "True True", "[]"]


def examples() -> list[str]:
    blocks = [b.text.replace(README_HOST, "{target}") for b in section("Python") if b.language == "python"]
    assert len(blocks) == 3, "README's Python section should have the client example, the buckets/collections one and the retrieval one"
    return blocks


@pytest.mark.slow  # the module's fixture installs the client into a fresh virtualenv (about a minute)
def test_readme_python_example(client_python, plain_server, plain_root, tmp_path):
    first, _, _ = examples()
    script = tmp_path / "example.py"
    script.write_text(first.replace("{target}", plain_server.target))
    done = run(client_python, str(script), env={**os.environ, "VECPLANE_API_KEY": new_org_api(plain_root).key}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("ns_") and "all_minilm_l6_v2" in lines[0]
    assert lines[1].startswith("INVALID_ARGUMENT") and "'namespace_name'" in lines[1] and "'feature_extractors'" in lines[1]
    assert lines[2:] == ["catalog"]


@pytest.mark.slow  # the module's fixture installs the client into a fresh virtualenv (about a minute)
def test_readme_python_examples_stand_alone_and_run_twice(client_python, plain_server, plain_root, tmp_path):
    """Each block is a whole script (issue 15: the second had no imports), and a second run of
    either finds what the first made instead of failing with ALREADY_EXISTS."""
    env = {**os.environ, "VECPLANE_API_KEY": new_org_api(plain_root).key}
    outputs = []
    for text in (*examples()[:2], *examples()[:2]):
        script = tmp_path / "example.py"
        script.write_text(text.replace("{target}", plain_server.target))
        done = run(client_python, str(script), env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout.splitlines())
    assert outputs[0] == outputs[2]  # the same namespace, again
    assert outputs[1] == outputs[3]  # the same bucket and collection, again
    last = outputs[1][-2:]
    assert last[0].startswith("col_") and "all_minilm_l6_v2" in last[0]
    assert last[1].startswith("RECONFIGURE_STATUS_")


@pytest.mark.slow  # the module's fixture installs the client into a fresh virtualenv (about a minute)
def test_readme_python_retrieval_example_runs_twice(client_python, plain_server, plain_root, tmp_path):
    """Objects, a trigger, a retriever and its execution; a second run finds what the first made,
    and its second execution is a cache hit both times."""
    *_, retrieval = examples()
    script = tmp_path / "retrieval.py"
    script.write_text(retrieval.replace("{target}", plain_server.target))
    env = {**os.environ, "VECPLANE_API_KEY": new_org_api(plain_root).key}
    outputs = []
    for _ in range(2):
        done = run(client_python, str(script), env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout.splitlines())
    assert outputs[0] == outputs[1]
    best, hit = outputs[0]
    assert best.startswith("Qdrant stores vectors ") and 0 < float(best.rsplit(" ", 1)[1]) <= 1
    assert hit == "True"
