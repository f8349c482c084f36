"""The Python client's retries, deadlines, metadata and TLS, against a scripted real gRPC server
(tests/clients/scripted.py) whose answers the tests choose."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

import grpc
import pytest
from vecplane.client import (
    NO_RETRY,
    AbortedError,
    DeadlineExceededError,
    InvalidArgumentError,
    RetryPolicy,
    UnavailableError,
    VecplaneClient,
    VecplaneError,
    safe_to_retry_on_aborted,
)
from vecplane.v1 import namespace_pb2

from tests.clients.scripted import ScriptedServer

FAST = RetryPolicy(max_attempts=4, initial_backoff=0.01, max_backoff=0.02)
GET = namespace_pb2.GetNamespaceRequest(namespace_id="catalog")
CREATE = namespace_pb2.CreateNamespaceRequest(namespace_name="catalog")
RECONFIGURE = namespace_pb2.ReconfigureRequest(namespace_id="catalog", confirm=True)


@pytest.fixture
def scripted():
    with ScriptedServer() as running:
        yield running


@pytest.fixture
def client(scripted):
    with VecplaneClient(f"127.0.0.1:{scripted.port}", api_key="sk_test", namespace="catalog", retry=FAST) as opened:
        yield opened


def test_unavailable_twice_then_ok_succeeds_on_the_third_attempt(scripted, client):
    scripted.namespaces.fail("GetNamespace", grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.UNAVAILABLE)
    assert client.namespaces.GetNamespace(GET).namespace.namespace_id == "ns_scripted01"
    assert scripted.namespaces.count("GetNamespace") == 3


def test_unavailable_is_retried_for_writes_too(scripted, client):
    scripted.namespaces.fail("CreateNamespace", grpc.StatusCode.UNAVAILABLE)
    assert client.namespaces.CreateNamespace(CREATE).namespace.namespace_name == "catalog"
    assert scripted.namespaces.count("CreateNamespace") == 2


def test_aborted_is_retried_for_reads_and_reconfigure_but_not_for_creates(scripted, client):
    scripted.namespaces.fail("GetNamespace", grpc.StatusCode.ABORTED)
    scripted.namespaces.fail("Reconfigure", grpc.StatusCode.ABORTED, grpc.StatusCode.ABORTED)
    scripted.namespaces.fail("CreateNamespace", grpc.StatusCode.ABORTED)
    assert client.namespaces.GetNamespace(GET).namespace.namespace_name == "catalog"
    assert client.namespaces.Reconfigure(RECONFIGURE).status == namespace_pb2.RECONFIGURE_STATUS_NO_CHANGES_NEEDED
    with pytest.raises(AbortedError) as raised:
        client.namespaces.CreateNamespace(CREATE)
    assert raised.value.method == "/vecplane.v1.NamespaceService/CreateNamespace"
    assert raised.value.details() == "scripted ABORTED"
    counts = {method: scripted.namespaces.count(method) for method in ("GetNamespace", "Reconfigure", "CreateNamespace")}
    assert counts == {"GetNamespace": 2, "Reconfigure": 3, "CreateNamespace": 1}


def test_other_codes_are_not_retried(scripted, client):
    scripted.namespaces.fail("GetNamespace", grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.INVALID_ARGUMENT)
    with pytest.raises(InvalidArgumentError):
        client.namespaces.GetNamespace(GET)
    assert scripted.namespaces.count("GetNamespace") == 1


def test_retries_stop_after_max_attempts_with_the_last_error(scripted, client):
    scripted.namespaces.fail("GetNamespace", *[grpc.StatusCode.UNAVAILABLE] * 10)
    with pytest.raises(UnavailableError) as raised:
        client.namespaces.GetNamespace(GET)
    assert scripted.namespaces.count("GetNamespace") == FAST.max_attempts
    assert isinstance(raised.value, grpc.RpcError) and raised.value.code() == grpc.StatusCode.UNAVAILABLE


def test_no_retry_policy_makes_one_attempt(scripted, client):
    scripted.namespaces.fail("GetNamespace", grpc.StatusCode.UNAVAILABLE)
    with pytest.raises(UnavailableError):
        client.with_options(retry=NO_RETRY).namespaces.GetNamespace(GET)
    assert scripted.namespaces.count("GetNamespace") == 1


@dataclass(frozen=True)
class FixedBackoff(RetryPolicy):
    """A policy whose every pause is `pause` seconds (the deadline test needs a known pause)."""

    pause: float = 0.0

    def backoff(self, retry: int) -> float:
        return self.pause


def test_the_deadline_bounds_the_retries(scripted, client):
    # A pause longer than the whole deadline: the client gives up instead of sleeping past it.
    scripted.namespaces.fail("GetNamespace", *[grpc.StatusCode.UNAVAILABLE] * 10)
    patient = client.with_options(timeout=0.5, retry=FixedBackoff(max_attempts=10, pause=5.0))
    with pytest.raises(UnavailableError):
        patient.namespaces.GetNamespace(GET)
    assert scripted.namespaces.count("GetNamespace") == 1


def test_backoff_is_exponential_with_full_jitter_under_a_cap():
    policy = RetryPolicy(initial_backoff=0.1, multiplier=2.0, max_backoff=0.5)
    for retry, ceiling in ((1, 0.1), (2, 0.2), (3, 0.4), (4, 0.5), (9, 0.5)):
        pauses = [policy.backoff(retry) for _ in range(200)]
        assert all(0 <= pause <= ceiling for pause in pauses)
        assert max(pauses) > ceiling / 2  # jittered over the range, not a constant
        assert len(set(pauses)) > 100
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)


def test_reads_and_reconfigure_are_the_methods_safe_to_retry_on_aborted():
    assert safe_to_retry_on_aborted("/vecplane.v1.CollectionService/GetCollection")
    assert safe_to_retry_on_aborted("/vecplane.v1.BucketService/ListObjects")
    assert safe_to_retry_on_aborted("/vecplane.v1.NamespaceService/Reconfigure")
    assert safe_to_retry_on_aborted("/vecplane.v1.RetrieverService/ExecuteRetriever")
    assert safe_to_retry_on_aborted("/vecplane.v1.DocumentService/CountDocuments")
    assert not safe_to_retry_on_aborted("/vecplane.v1.CollectionService/CreateCollection")
    assert not safe_to_retry_on_aborted("/vecplane.v1.BatchService/SubmitBatch")
    assert not safe_to_retry_on_aborted("/vecplane.v1.NamespaceService/DeleteNamespace")
    assert not safe_to_retry_on_aborted("/vecplane.v1.NamespaceService/UpdateNamespace")


def test_the_default_deadline_applies_and_a_call_can_set_its_own(scripted, client):
    scripted.namespaces.slow.add("GetNamespace")
    with pytest.raises(DeadlineExceededError):
        client.with_options(timeout=0.2).namespaces.GetNamespace(GET)
    with pytest.raises(DeadlineExceededError):
        client.namespaces.GetNamespace(GET, timeout=0.2)  # the client's own default is 30 s
    assert scripted.namespaces.count("GetNamespace") == 2  # DEADLINE_EXCEEDED is not retried


def test_every_attempt_carries_the_key_and_namespace_and_a_calls_own_metadata_wins(scripted, client):
    scripted.namespaces.fail("GetNamespace", grpc.StatusCode.UNAVAILABLE)
    client.namespaces.GetNamespace(GET)
    client.with_namespace("other").namespaces.GetNamespace(GET)
    client.namespaces.GetNamespace(GET, metadata=[("x-namespace", "per-call"), ("x-request-id", "req-1")])
    seen = [(a.metadata.get("authorization"), a.metadata.get("x-namespace")) for a in scripted.namespaces.attempts]
    assert seen == [("Bearer sk_test", "catalog")] * 2 + [("Bearer sk_test", "other"), ("Bearer sk_test", "per-call")]
    last = scripted.namespaces.attempts[-1]
    assert last.values("x-namespace") == ["per-call"] and last.values("authorization") == ["Bearer sk_test"]
    assert last.values("x-request-id") == ["req-1"]


def test_with_call_returns_the_call_and_errors_stay_grpc_rpc_errors(scripted, client):
    response, call = client.namespaces.GetNamespace.with_call(GET)
    assert response.namespace.namespace_name == "catalog" and call.code() == grpc.StatusCode.OK
    scripted.namespaces.fail("CreateNamespace", grpc.StatusCode.INVALID_ARGUMENT)
    with pytest.raises(grpc.RpcError) as raised:
        client.namespaces.CreateNamespace.with_call(CREATE)
    assert isinstance(raised.value, InvalidArgumentError) and isinstance(raised.value, VecplaneError)


def test_a_derived_client_does_not_close_the_shared_channel(scripted, client):
    client.with_namespace("other").close()
    assert client.namespaces.GetNamespace(GET).namespace.namespace_id == "ns_scripted01"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[bytes, bytes]:
    """A self-signed certificate for localhost (openssl), and its key."""
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
        check=True, capture_output=True,
    )
    return (folder / "cert.pem").read_bytes(), (folder / "key.pem").read_bytes()


def test_tls_with_root_certificates(certificate):
    cert, key = certificate
    with ScriptedServer(grpc.ssl_server_credentials([(key, cert)]), host="localhost") as server:
        with VecplaneClient(f"localhost:{server.port}", api_key="sk_test", root_certificates=cert) as trusted:
            assert trusted.namespaces.GetNamespace(GET).namespace.namespace_name == "catalog"
        # The same server is not trusted with the system's roots, nor reachable in plaintext.
        with VecplaneClient(f"localhost:{server.port}", tls=True, retry=NO_RETRY, timeout=5) as untrusted, pytest.raises(UnavailableError):
            untrusted.namespaces.GetNamespace(GET)
        with VecplaneClient(f"localhost:{server.port}", retry=NO_RETRY, timeout=5) as plaintext, pytest.raises(UnavailableError):
            plaintext.namespaces.GetNamespace(GET)
        assert [a.metadata.get("authorization") for a in server.namespaces.attempts] == ["Bearer sk_test"]
