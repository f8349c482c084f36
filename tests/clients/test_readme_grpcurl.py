"""Runs every grpcurl example of README.md (`### grpcurl`), in order, with the real grpcurl binary
against a server configured as a newcomer's (`plain_server`), through reflection only (no proto
files), and checks each output against the abridged output the README shows after it."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from vecplane.v1 import admin_pb2

from tests.clients.conftest import BIN, tool
from tests.clients.readme import README_HOST, examples, mismatches, missing_lines, unique_ids
from tests.conftest import new_org_api

EXAMPLES = examples("grpcurl")
IDS = unique_ids(EXAMPLES)

# Values later examples need, taken from an earlier example's output (README: "keep ... in ORG_ID").
CAPTURES = {"AdminService/CreateOrganization": ("ORG_ID", ("organization", "organizationId"))}


def test_the_readme_has_the_examples_the_clients_section_promises():
    ids = set(IDS)
    for needed in ("list", "Health/Check", "NamespaceService/CreateNamespace", "NamespaceService/GetNamespace",
                   "FeatureExtractorService/ListFeatureExtractors", "BucketService/CreateBucket",
                   "CollectionService/CreateCollection", "NamespaceService/Reconfigure"):
        assert needed in ids, f"README's grpcurl section lost its {needed} example"
    assert all(example.command.lstrip().startswith("grpcurl ") for example in EXAMPLES)


@pytest.fixture(scope="module")
def session(plain_root):
    """One organization (an operator key, as the README's VECPLANE_API_KEY is) for the whole README
    walk-through, and the values it captures."""
    return {"VECPLANE_API_KEY": new_org_api(plain_root, role=admin_pb2.API_KEY_ROLE_OPERATOR).key}


def check(example, output: str, failed: bool) -> None:
    expected = example.expected
    if expected is None:
        assert not failed, output
        return
    if expected.language == "text":
        if expected.text.startswith("ERROR:"):
            assert failed, f"README line {example.line}: expected an error, got\n{output}"
        else:
            assert not failed, output
        missing = missing_lines(expected.text, output)
        assert not missing, f"README line {expected.line}: missing: {', '.join(missing)}\n--- output:\n{output}"
        return
    assert not failed, output
    problems = mismatches(json.loads(expected.text), json.loads(output))
    assert not problems, f"README line {expected.line}:\n" + "\n".join(problems) + f"\n--- output:\n{output}"


@pytest.mark.parametrize(("example", "example_id"), list(zip(EXAMPLES, IDS, strict=True)), ids=IDS)
def test_readme_grpcurl_example(example, example_id, plain_server, session):
    tool("grpcurl")
    command = example.command.replace(README_HOST, plain_server.target)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **session}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", command], env=env, capture_output=True, text=True, timeout=60)
    output = done.stdout + done.stderr
    check(example, output, done.returncode != 0)
    if example_id in CAPTURES:
        name, path = CAPTURES[example_id]
        value = json.loads(done.stdout)
        for key in path:
            value = value[key]
        session[name] = value


def test_expected_outputs_are_matched_as_subsets_with_wildcards():
    actual = {"namespace": {"namespaceId": "ns_abc", "vectorIndexes": [{"name": "a", "index": {"dimensions": 3}}, {"name": "b"}]}}
    assert mismatches({"namespace": {"namespaceId": "ns_...", "vectorIndexes": [{"name": "b"}]}}, actual) == []
    assert mismatches({"namespace": {"namespaceId": "..."}}, actual) == []
    assert mismatches({"namespace": {"namespaceId": "col_..."}}, actual) == ["$.namespace.namespaceId: expected 'col_...', got 'ns_abc'"]
    assert mismatches({"namespace": {"vectorIndexes": [{"name": "a", "index": {"dimensions": 4}}]}}, actual) != []
    assert mismatches({"namespace": {"description": "x"}}, actual) == ["$.namespace.description: missing"]
    assert missing_lines("  a\n\nb\n", "a\n  b  \n") == []
    assert missing_lines("a\nc\n", "a\nb\n") == ["c"]
