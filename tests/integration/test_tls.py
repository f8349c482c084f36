"""TLS on both ports from certificate files (issue 15), with a CA made by the README's `openssl` commands: server-only TLS,
mutual TLS, and the README's TLS examples run as written against it."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import grpc
import httpx
import pytest
from vecplane.client import NO_RETRY, VecplaneClient
from vecplane.v1 import namespace_pb2

from server import tls
from server.config import Settings, StartupError
from tests.clients.conftest import tool
from tests.clients.readme import README_HOST, section
from tests.support.servers import ADMIN_KEY, InProcessServer, test_settings
from tests.support.typescript import PACKAGE, typescript_package

REPO = Path(__file__).resolve().parents[2]
LIST = namespace_pb2.ListNamespacesRequest()


@dataclass(frozen=True)
class Pki:
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Pki:
    """A CA, a server certificate for localhost and 127.0.0.1, and a client certificate, made by
    the README's `openssl` commands (`### TLS`), as written."""
    folder = tmp_path_factory.mktemp("pki")
    (recipe,) = [b.text for b in section("TLS") if b.language == "sh" and "openssl" in b.text]
    made = subprocess.run(["bash", "-euo", "pipefail", "-c", recipe], cwd=folder, capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    return Pki(folder / "ca.pem", folder / "server.pem", folder / "server.key", folder / "client.pem", folder / "client.key")


def _server(tmp_path: Path, pki: Pki, mutual: bool) -> InProcessServer:
    """Default settings otherwise (no provider, plugin or model folder), as the README's TLS
    examples would meet them after `scripts/serve`."""
    settings = Settings(
        grpc_port=0,
        http_port=0,
        data_dir=tmp_path / "data",
        api_key=ADMIN_KEY,
        shutdown_grace_seconds=2.0,
        tls_cert_file=pki.server_cert,
        tls_key_file=pki.server_key,
        tls_client_ca_file=pki.ca if mutual else None,
    )
    return InProcessServer(settings).start()


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory, pki):
    running = _server(tmp_path_factory.mktemp("tls"), pki, mutual=False)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def mtls_server(tmp_path_factory, pki):
    running = _server(tmp_path_factory.mktemp("mtls"), pki, mutual=True)
    yield running
    running.stop()


def _https(pki: Pki, client_cert: bool) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=pki.ca)
    if client_cert:
        context.load_cert_chain(pki.client_cert, pki.client_key)
    return context


def test_both_ports_serve_tls_only(tls_server, pki):
    port, http_port = tls_server.app.grpc_port, tls_server.app.http_port
    with VecplaneClient(f"localhost:{port}", api_key=ADMIN_KEY, root_certificates=pki.ca.read_bytes()) as client:
        client.namespaces.ListNamespaces(LIST)
    with grpc.insecure_channel(f"127.0.0.1:{port}") as plain:  # plaintext gRPC gets no answer
        with pytest.raises(grpc.RpcError) as refused:
            plain.unary_unary("/vecplane.v1.NamespaceService/ListNamespaces")(LIST.SerializeToString(), timeout=5)
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE

    with httpx.Client(verify=_https(pki, client_cert=False)) as https:
        assert https.get(f"https://localhost:{http_port}/readyz").json() == {"status": "ready"}
        listed = https.get(f"https://localhost:{http_port}/v1/namespaces", headers={"authorization": f"Bearer {ADMIN_KEY}"})
        assert listed.status_code == 200, listed.text
    with pytest.raises(httpx.TransportError):  # plaintext HTTP gets no answer
        httpx.get(f"http://127.0.0.1:{http_port}/healthz", timeout=5)
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):  # a client that does not trust the CA
        httpx.get(f"https://localhost:{http_port}/healthz", timeout=5)


def test_mutual_tls_requires_a_client_certificate_the_ca_signed(mtls_server, pki):
    port, http_port = mtls_server.app.grpc_port, mtls_server.app.http_port
    with VecplaneClient(f"localhost:{port}", api_key=ADMIN_KEY, root_certificates=pki.ca.read_bytes(), timeout=5, retry=NO_RETRY) as anonymous:
        with pytest.raises(grpc.RpcError) as refused:
            anonymous.namespaces.ListNamespaces(LIST)
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
    with VecplaneClient(
        f"localhost:{port}",
        api_key=ADMIN_KEY,
        root_certificates=pki.ca.read_bytes(),
        private_key=pki.client_key.read_bytes(),
        certificate_chain=pki.client_cert.read_bytes(),
    ) as client:
        client.namespaces.ListNamespaces(LIST)

    with pytest.raises(httpx.TransportError), httpx.Client(verify=_https(pki, client_cert=False)) as https:
        https.get(f"https://localhost:{http_port}/healthz", timeout=5)
    with httpx.Client(verify=_https(pki, client_cert=True)) as https:
        assert https.get(f"https://localhost:{http_port}/healthz").status_code == 200


def test_readme_tls_examples_run_as_written(mtls_server, pki, tmp_path):
    """README `### TLS`: the Python client and curl examples, in a folder holding the files they name."""
    for source in (pki.ca, pki.client_cert, pki.client_key):
        (tmp_path / source.name).write_bytes(source.read_bytes())
    blocks = section("TLS")
    env = {**os.environ, "VECPLANE_API_KEY": ADMIN_KEY, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "clients" / "python")])}
    (python,) = [b.text for b in blocks if b.language == "python"]
    ran = subprocess.run(
        [sys.executable, "-c", python.replace(README_HOST, f"localhost:{mtls_server.app.grpc_port}")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip().isdigit()
    (curl,) = [b.text for b in blocks if b.language == "sh" and "curl" in b.text]
    ran = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", curl.replace("localhost:8000", f"localhost:{mtls_server.app.http_port}")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    assert '"status":"ready"' in ran.stdout


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"tls_cert_file": "server_cert"}, "VECPLANE_TLS_CERT and VECPLANE_TLS_KEY: set both"),
        ({"tls_client_ca_file": "ca"}, "VECPLANE_TLS_CLIENT_CA: client certificates need TLS"),
        ({"tls_cert_file": "server_cert", "tls_key_file": "missing"}, "VECPLANE_TLS_KEY: "),
        ({"tls_cert_file": "server_cert", "tls_key_file": "client_key"}, "not a usable certificate, key or CA"),
    ],
)
def test_bad_tls_settings_are_one_line_startup_errors_naming_the_setting(pki, tmp_path, fields, message):
    paths = {name: (getattr(pki, value) if value != "missing" else tmp_path / "missing.pem") for name, value in fields.items()}
    with pytest.raises(StartupError, match=message):
        tls.load(test_settings(tmp_path, **paths))


@pytest.mark.slow
def test_typescript_client_over_mutual_tls(mtls_server, pki):
    """The README's TypeScript TLS recipe (https URL, nodeOptions ca/cert/key) with the built package."""
    script = """
        import { readFileSync } from "node:fs";
        import { createVecplaneClient } from "@vecplane/client";
        const env = process.env;
        const client = createVecplaneClient({
          baseUrl: env.VECPLANE_URL, apiKey: env.VECPLANE_API_KEY,
          nodeOptions: { ca: readFileSync(env.CA), cert: readFileSync(env.CERT), key: readFileSync(env.KEY) },
        });
        const listed = await client.namespaces.listNamespaces({});
        console.log(Array.isArray(listed.results));
        client.close();
    """
    env = {
        **os.environ, "VECPLANE_URL": f"https://localhost:{mtls_server.app.grpc_port}", "VECPLANE_API_KEY": ADMIN_KEY,
        "CA": str(pki.ca), "CERT": str(pki.client_cert), "KEY": str(pki.client_key),
    }
    with typescript_package(tool) as node_modules:
        subprocess.run([str(node_modules / ".bin" / "tsc"), "-p", "tsconfig.json"], cwd=PACKAGE, check=True, timeout=300)
        ran = subprocess.run([tool("node"), "--input-type=module", "-e", script], cwd=PACKAGE, env=env, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0 and ran.stdout.strip() == "true", ran.stderr[-3000:]
