"""The TypeScript client (clients/typescript): its package build (tsc, with declarations) and its
node:test suite, which drives the real server through the generated client."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clients.conftest import tool
from tests.clients.readme import README_HOST, section
from tests.conftest import new_org_api
from tests.support.servers import ADMIN_KEY
from tests.support.typescript import PACKAGE, typescript_package


def run(*command: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=PACKAGE, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-6000:]}\n{done.stderr[-4000:]}"
    return done


@pytest.fixture(scope="module")
def node_modules() -> Iterator[Path]:
    """The package's dependencies, the package held by this module's tests while they run."""
    with typescript_package(tool) as installed:
        yield installed


@pytest.mark.slow  # a server process or a build; over 5 s
def test_the_package_builds_with_type_declarations(node_modules):
    run(str(node_modules / ".bin" / "tsc"), "-p", "tsconfig.json")
    built = PACKAGE / "dist"
    assert (built / "index.js").is_file() and (built / "index.d.ts").is_file()
    assert (built / "gen" / "vecplane" / "v1" / "namespace_pb.d.ts").is_file()
    # The package's entry points resolve to what the build wrote.
    done = run(tool("node"), "--input-type=module", "-e",
               "const m = await import('@vecplane/client'); console.log(typeof m.createVecplaneClient, typeof m.NamespaceService)")
    assert done.stdout.split() == ["function", "object"]


@pytest.mark.slow  # a server process or a build; over 5 s
def test_node_flow_against_the_server(node_modules, server):
    run(str(node_modules / ".bin" / "tsc"), "-p", "tsconfig.test.json")
    env = {**os.environ, "VECPLANE_URL": f"http://{server.target}", "VECPLANE_ADMIN_KEY": ADMIN_KEY}
    done = run(tool("node"), "--test", "build-test/test/", env=env)
    # node:test's TAP summary: every test ran and passed.
    summary = dict(line[2:].split(" ", 1) for line in done.stdout.splitlines() if line.startswith("# ") and line[2:].split(" ")[0] in ("tests", "pass", "fail"))
    assert summary["fail"] == "0" and summary["pass"] == summary["tests"] and int(summary["tests"]) >= 5, done.stdout[-3000:]


@pytest.fixture(scope="module")
def readme_examples(node_modules, plain_server) -> list[Path]:
    """The examples of README.md's `### TypeScript` and of the package's own README (pointed at
    the plain server), type-checked strictly against the built package and compiled to
    JavaScript; the compiled files, in that order."""
    blocks = [b.text for b in section("TypeScript") if b.language == "ts"]
    blocks += re.findall(r"```ts\n(.*?)```", (PACKAGE / "README.md").read_text(), re.DOTALL)
    assert len(blocks) == 3
    blocks = [block.replace(README_HOST, plain_server.target) for block in blocks]
    run(str(node_modules / ".bin" / "tsc"), "-p", "tsconfig.json")  # the examples import the built package
    folder = PACKAGE / "build-test" / "readme"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    files = []
    for number, block in enumerate(blocks):
        example = folder / f"example{number}.ts"
        example.write_text(block + "\nexport {};\n")
        files.append(str(example.relative_to(PACKAGE)))
    run(str(node_modules / ".bin" / "tsc"), "--strict", "--skipLibCheck", "--target", "es2022", "--module", "nodenext",
        "--moduleResolution", "nodenext", "--types", "node", "--rootDir", str(folder), "--outDir", str(folder), *files)
    return [folder / f"example{number}.js" for number in range(len(blocks))]


@pytest.mark.slow  # a server process or a build; over 5 s
def test_the_readme_typescript_examples_type_check(readme_examples):
    assert all(compiled.is_file() for compiled in readme_examples)


def python_retrieval_example() -> str:
    return next(b.text for b in reversed(section("Python")) if b.language == "python")


@pytest.mark.slow  # a server process or a build; over 5 s
def test_the_readme_typescript_examples_run_twice(readme_examples, plain_server, plain_root, tmp_path):
    """README.md's TypeScript examples as written, on a newcomer's server, twice: the first makes
    `catalog` or takes what an earlier run made; the second searches the `notes` namespace that the
    README's Python retrieval example makes (run first, as the README's order has it)."""
    env = {**os.environ, "VECPLANE_API_KEY": new_org_api(plain_root).key}
    script = tmp_path / "retrieval.py"
    script.write_text(python_retrieval_example().replace(README_HOST, plain_server.target))
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    first, search, _ = readme_examples
    outputs = []
    for _ in range(2):
        made = run(tool("node"), str(first), env=env).stdout.splitlines()
        found = run(tool("node"), str(search), env=env).stdout.splitlines()
        outputs.append((made, found))
    assert outputs[0] == outputs[1]
    (namespace, collection, missing), found = outputs[0]
    assert namespace.startswith("ns_") and namespace.endswith(" [ 'all_minilm_l6_v2' ]"), namespace
    assert collection.startswith("col_") and collection.endswith(" [ 'all_minilm_l6_v2' ]"), collection
    assert missing == "NAMESPACE_NOT_FOUND no-such-namespace"
    assert found[0].startswith("Qdrant stores vectors ") and found[-1] == "2", found


@pytest.mark.slow  # a server process or a build; over 5 s
def test_the_package_readme_example_runs_twice(readme_examples, plain_root):
    """clients/typescript/README.md's example, twice with a new organization's key: the first run
    makes `catalog`, the second takes it; both list its buckets and show a refused create."""
    env = {**os.environ, "VECPLANE_API_KEY": new_org_api(plain_root, admin=True).key}
    *_, example = readme_examples
    first, second = (run(tool("node"), str(example), env=env).stdout.splitlines() for _ in range(2))
    assert first[0].startswith("ns_") and first[0].endswith(" [ 'all_minilm_l6_v2' ]"), first
    assert first[1:-1] == second[:-1] and second[0] == "0" and "namespace_name: 'must be at least 3 characters'," in second[2], second
    assert all(lines[-1].startswith("INVALID_ARGUMENT ") for lines in (first, second))  # and the call's correlation id
