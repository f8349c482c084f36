"""The one table from domain errors to gRPC status, with google.rpc details: ErrorInfo always,
BadRequest field violations for INVALID_ARGUMENT, ResourceInfo for NOT_FOUND and ALREADY_EXISTS."""

from __future__ import annotations

import grpc
from google.protobuf import any_pb2
from google.protobuf.message import Message
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status
from vecplane.v1.error_reason_pb2 import ErrorReason

from server.domain import errors

ERROR_DOMAIN = "vecplane"
# Bounds on what an error's details may take in the trailers (see `to_status`).
MAX_VIOLATION_BYTES = 4096
MAX_TEXT_CHARS = 512
MAX_MESSAGE_CHARS = 1024

_CODES: dict[type[errors.DomainError], grpc.StatusCode] = {
    errors.InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    errors.NotFound: grpc.StatusCode.NOT_FOUND,
    errors.AlreadyExists: grpc.StatusCode.ALREADY_EXISTS,
    errors.FailedPrecondition: grpc.StatusCode.FAILED_PRECONDITION,
    errors.Aborted: grpc.StatusCode.ABORTED,
    errors.Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
    errors.PermissionDenied: grpc.StatusCode.PERMISSION_DENIED,
    errors.Unavailable: grpc.StatusCode.UNAVAILABLE,
    errors.ResourceExhausted: grpc.StatusCode.RESOURCE_EXHAUSTED,
}


def code_for(error: errors.DomainError) -> grpc.StatusCode:
    for kind in type(error).__mro__:
        if kind in _CODES:
            return _CODES[kind]
    return grpc.StatusCode.INTERNAL


def _pack(detail: Message) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(detail)
    return packed


def _status(code: grpc.StatusCode, message: str, details: list[Message]) -> grpc.Status:
    if len(message) > MAX_MESSAGE_CHARS:
        message = message[: MAX_MESSAGE_CHARS - 3] + "..."
    proto = status_pb2.Status(
        code=getattr(code_pb2, code.name), message=message, details=[_pack(d) for d in details]
    )
    return rpc_status.to_status(proto)


def _shown_violations(violations: list[errors.FieldViolation]) -> list[error_details_pb2.BadRequest.FieldViolation]:
    """The violations that fit in `MAX_VIOLATION_BYTES`, in order, each cut to `MAX_TEXT_CHARS`."""
    shown, size = [], 0
    for violation in violations:
        item = error_details_pb2.BadRequest.FieldViolation(
            field=violation.field[:MAX_TEXT_CHARS], description=violation.description[:MAX_TEXT_CHARS]
        )
        size += item.ByteSize() + 4  # with its tag and length
        if size > MAX_VIOLATION_BYTES:
            break
        shown.append(item)
    return shown


def to_status(error: errors.DomainError) -> grpc.Status:
    """The gRPC status (code, message, rich details in the trailers) for a domain error. The
    details travel in a trailer that gRPC limits (8-16 KB for all metadata): field violations
    beyond `MAX_VIOLATION_BYTES` are left out, and ErrorInfo's metadata says how many there were
    (`field_violations`) and how many are shown (`field_violations_shown`)."""
    metadata = dict(error.metadata)
    extra: list[Message] = []
    if isinstance(error, errors.InvalidArgument):
        shown = _shown_violations(error.violations)
        if len(shown) < len(error.violations):
            metadata |= {"field_violations": str(len(error.violations)), "field_violations_shown": str(len(shown))}
        extra.append(error_details_pb2.BadRequest(field_violations=shown))
    details: list[Message] = [error_details_pb2.ErrorInfo(reason=error.reason, domain=ERROR_DOMAIN, metadata=metadata), *extra]
    if isinstance(error, (errors.NotFound, errors.AlreadyExists)):
        details.append(
            error_details_pb2.ResourceInfo(
                resource_type=error.resource_type,
                resource_name=error.resource_name[:MAX_TEXT_CHARS],
                description=error.message[:MAX_TEXT_CHARS],
            )
        )
    return _status(code_for(error), error.message, details)


def unimplemented_status(method: str) -> grpc.Status:
    """The status for a declared method this server does not implement (yet)."""
    info = error_details_pb2.ErrorInfo(reason=ErrorReason.Name(ErrorReason.UNIMPLEMENTED), domain=ERROR_DOMAIN, metadata={"method": method})
    return _status(grpc.StatusCode.UNIMPLEMENTED, f"{method} is not implemented by this server.", [info])


def internal_status(correlation_id: str) -> grpc.Status:
    """The status for an unexpected failure: no internals, only the id to find it in the logs."""
    message = f"Internal error; reference {correlation_id} when reporting it."
    info = error_details_pb2.ErrorInfo(
        reason=ErrorReason.Name(ErrorReason.INTERNAL), domain=ERROR_DOMAIN, metadata={"correlation_id": correlation_id}
    )
    return _status(grpc.StatusCode.INTERNAL, message, [info])
