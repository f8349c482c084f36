"""Error reasons through a real channel: a client finds the enum vecplane.v1.ErrorReason through
server reflection alone, and the reason of a real error (ErrorInfo.reason) is the name of one of its values."""

from __future__ import annotations

from google.protobuf import descriptor_pb2
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase
from vecplane.v1 import namespace_pb2
from vecplane.v1.error_reason_pb2 import ErrorReason

from tests.support.api import Api, expect_error


def test_clients_list_the_reasons_through_reflection(channel) -> None:
    found = ProtoReflectionDescriptorDatabase(channel).FindFileContainingSymbol("vecplane.v1.ErrorReason")
    assert isinstance(found, descriptor_pb2.FileDescriptorProto)
    (enum,) = [e for e in found.enum_type if e.name == "ErrorReason"]
    listed = {value.name: value.number for value in enum.value}
    assert listed == dict(ErrorReason.items()) and "NAMESPACE_NOT_FOUND" in listed


def test_a_real_error_carries_a_reason_of_the_enum(api) -> None:
    missing = expect_error(api.call, api.namespaces.GetNamespace, namespace_pb2.GetNamespaceRequest(namespace_id="no-such-namespace"))
    assert missing.reason == ErrorReason.Name(ErrorReason.NAMESPACE_NOT_FOUND)
    stranger = Api(api.channel, "sk_not_a_key")
    refused = expect_error(stranger.call, stranger.namespaces.GetNamespace, namespace_pb2.GetNamespaceRequest(namespace_id="x"))
    assert refused.reason == ErrorReason.Name(ErrorReason.API_KEY_INVALID)
