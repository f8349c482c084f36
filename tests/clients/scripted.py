"""A tiny real gRPC server that answers NamespaceService calls from a script (fail with these codes,
then succeed), and records every attempt with its metadata: a real peer for testing the Python
client's retries, deadlines, metadata and TLS, not a stand-in for vecplane."""

from __future__ import annotations

import threading
from collections import defaultdict
from concurrent import futures
from dataclasses import dataclass, field

import grpc
from vecplane.v1 import namespace_pb2, namespace_pb2_grpc


@dataclass
class Attempt:
    method: str
    pairs: list[tuple[str, str]]

    @property
    def metadata(self) -> dict[str, str]:
        return dict(self.pairs)

    def values(self, key: str) -> list[str]:
        return [value for name, value in self.pairs if name == key]


@dataclass
class ScriptedNamespaces(namespace_pb2_grpc.NamespaceServiceServicer):
    failures: dict[str, list[grpc.StatusCode]] = field(default_factory=lambda: defaultdict(list))
    slow: set[str] = field(default_factory=set)
    attempts: list[Attempt] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)

    def fail(self, method: str, *codes: grpc.StatusCode) -> None:
        """The next calls of `method` fail with these codes, in order; later ones succeed."""
        self.failures[method].extend(codes)

    def count(self, method: str) -> int:
        return sum(1 for attempt in self.attempts if attempt.method == method)

    def _answer(self, method: str, context: grpc.ServicerContext, response):
        self.attempts.append(Attempt(method, [(k, v) for k, v in context.invocation_metadata() if isinstance(v, str)]))
        if method in self.slow:
            self.released.wait(30)  # until the test ends: long past any deadline the tests set
        if self.failures[method]:
            code = self.failures[method].pop(0)
            context.abort(code, f"scripted {code.name}")
        return response

    def GetNamespace(self, request, context):
        found = namespace_pb2.Namespace(namespace_id="ns_scripted01", namespace_name=request.namespace_id)
        return self._answer("GetNamespace", context, namespace_pb2.GetNamespaceResponse(namespace=found))

    def CreateNamespace(self, request, context):
        made = namespace_pb2.Namespace(namespace_id="ns_scripted02", namespace_name=request.namespace_name)
        return self._answer("CreateNamespace", context, namespace_pb2.CreateNamespaceResponse(namespace=made))

    def Reconfigure(self, request, context):
        outcome = namespace_pb2.ReconfigureResponse(
            namespace_id=request.namespace_id, status=namespace_pb2.RECONFIGURE_STATUS_NO_CHANGES_NEEDED
        )
        return self._answer("Reconfigure", context, outcome)


class ScriptedServer:
    def __init__(self, credentials: grpc.ServerCredentials | None = None, host: str = "127.0.0.1"):
        self.namespaces = ScriptedNamespaces()
        self._server = grpc.server(futures.ThreadPoolExecutor(4))
        namespace_pb2_grpc.add_NamespaceServiceServicer_to_server(self.namespaces, self._server)
        address = f"{host}:0"
        self.port = self._server.add_secure_port(address, credentials) if credentials else self._server.add_insecure_port(address)

    def __enter__(self) -> ScriptedServer:
        self._server.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.namespaces.released.set()
        self._server.stop(None).wait(10)
