"""A test client: the generated stubs over one channel, with a key and a namespace as metadata, and
the google.rpc details of errors decoded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf.message import Message
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from vecplane.v1 import (
    admin_pb2_grpc,
    bucket_pb2_grpc,
    collection_pb2_grpc,
    document_pb2_grpc,
    feature_extractor_pb2_grpc,
    namespace_pb2_grpc,
    retriever_pb2_grpc,
)


class Api:
    """Stubs whose calls carry `authorization` (and `x-namespace` when set)."""

    def __init__(self, channel: grpc.Channel, key: str | None, namespace: str | None = None):
        self.channel = channel
        self.key = key
        self.namespace = namespace
        self.namespaces = namespace_pb2_grpc.NamespaceServiceStub(channel)
        self.buckets = bucket_pb2_grpc.BucketServiceStub(channel)
        self.collections = collection_pb2_grpc.CollectionServiceStub(channel)
        self.documents = document_pb2_grpc.DocumentServiceStub(channel)
        self.extractors = feature_extractor_pb2_grpc.FeatureExtractorServiceStub(channel)
        self.admin = admin_pb2_grpc.AdminServiceStub(channel)
        self.retrievers = retriever_pb2_grpc.RetrieverServiceStub(channel)

    def metadata(self) -> list[tuple[str, str]]:
        found = []
        if self.key is not None:
            found.append(("authorization", f"Bearer {self.key}"))
        if self.namespace is not None:
            found.append(("x-namespace", self.namespace))
        return found

    def call(self, method: grpc.UnaryUnaryMultiCallable, request: Message, timeout: float = 60) -> Any:
        """Calls a stub method with this client's metadata; the answer is the method's response
        message (Any: the generated stubs carry no types)."""
        return method(request, metadata=self.metadata(), timeout=timeout)

    def in_namespace(self, namespace: str) -> Api:
        return Api(self.channel, self.key, namespace)


@dataclass
class RichError:
    code: grpc.StatusCode
    message: str
    reason: str | None
    violations: dict[str, str]
    resource: error_details_pb2.ResourceInfo | None
    metadata: dict[str, str]


def rich_error(error: grpc.RpcError) -> RichError:
    """The status of a failed call with its google.rpc details unpacked."""
    status = rpc_status.from_call(error)
    reason: str | None = None
    violations: dict[str, str] = {}
    resource: error_details_pb2.ResourceInfo | None = None
    metadata: dict[str, str] = {}
    for detail in status.details if status else []:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            reason, metadata = info.reason, dict(info.metadata)
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            violations = {v.field: v.description for v in bad.field_violations}
        elif detail.Is(error_details_pb2.ResourceInfo.DESCRIPTOR):
            resource = error_details_pb2.ResourceInfo()
            detail.Unpack(resource)
    return RichError(error.code(), error.details(), reason, violations, resource, metadata)


def expect_error(call: Callable[..., object], *args: Any, **kwargs: Any) -> RichError:
    """Runs a call that must fail and returns its decoded status."""
    try:
        call(*args, **kwargs)
    except grpc.RpcError as error:
        return rich_error(error)
    raise AssertionError(f"{getattr(call, '__name__', call)} succeeded but was expected to fail")
