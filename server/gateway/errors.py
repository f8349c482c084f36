"""Errors in Mixpeek's envelope: `{"success": false, "status": <http>, "error": {"message", "type",
"details"}}`.

gRPC failures keep their meaning: the HTTP status comes from the standard gRPC->HTTP mapping (the
one in google/rpc/code.proto and grpc-gateway), the `type` from Mixpeek's error names, and
`details` from the google.rpc details in the call's trailers (ErrorInfo reason, BadRequest field
violations, ResourceInfo as Mixpeek's `{resource, id}`). Errors the gateway finds itself (malformed
JSON, a body that does not fit the request, unknown path, wrong method, too large, too slow) use the
same envelope.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import grpc
from google.rpc import error_details_pb2, status_pb2

from server.gateway.local import RpcFailure
from server.protojson import DecodeIssue

# gRPC code -> (HTTP status, Mixpeek error type)
GRPC_TO_HTTP: dict[grpc.StatusCode, tuple[int, str]] = {
    grpc.StatusCode.OK: (200, "Success"),
    grpc.StatusCode.INVALID_ARGUMENT: (400, "BadRequestError"),
    grpc.StatusCode.FAILED_PRECONDITION: (400, "BadRequestError"),
    grpc.StatusCode.OUT_OF_RANGE: (400, "BadRequestError"),
    grpc.StatusCode.UNAUTHENTICATED: (401, "UnauthorizedError"),
    grpc.StatusCode.PERMISSION_DENIED: (403, "ForbiddenError"),
    grpc.StatusCode.NOT_FOUND: (404, "NotFoundError"),
    grpc.StatusCode.ALREADY_EXISTS: (409, "AlreadyExistsError"),
    grpc.StatusCode.ABORTED: (409, "ConflictError"),
    grpc.StatusCode.RESOURCE_EXHAUSTED: (429, "TooManyRequestsError"),
    grpc.StatusCode.CANCELLED: (499, "ClientClosedRequestError"),
    grpc.StatusCode.UNIMPLEMENTED: (501, "NotImplementedError"),
    grpc.StatusCode.UNAVAILABLE: (503, "ServiceUnavailable"),
    grpc.StatusCode.DEADLINE_EXCEEDED: (504, "GatewayTimeoutError"),
    grpc.StatusCode.INTERNAL: (500, "InternalServerError"),
    grpc.StatusCode.UNKNOWN: (500, "InternalServerError"),
    grpc.StatusCode.DATA_LOSS: (500, "InternalServerError"),
}

# Statuses the gateway answers itself.
HTTP_TYPES = {
    400: "BadRequestError",
    404: "NotFoundError",
    405: "MethodNotAllowedError",
    408: "RequestTimeoutError",
    413: "PayloadTooLargeError",
    422: "ValidationError",
    504: "GatewayTimeoutError",
}


class HttpError(Exception):
    """An error answered in the envelope; `headers` go on the response (e.g. Allow for 405)."""

    def __init__(self, status: int, message: str, details: dict[str, Any] | None = None, *, error_type: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details
        self.error_type = error_type or HTTP_TYPES.get(status, "Error")
        self.headers = headers or {}

    def envelope(self) -> dict[str, Any]:
        return envelope(self.status, self.error_type, self.message, self.details)


def envelope(status: int, error_type: str, message: str, details: dict[str, Any] | None) -> dict[str, Any]:
    return {"success": False, "status": status, "error": {"message": message, "type": error_type, "details": details}}


def validation_error(issues: list[DecodeIssue]) -> HttpError:
    """422 listing every issue as Mixpeek does: `details.validation_errors[{type, location, message}]`."""
    listed = [{"type": i.kind, "location": list(i.location), "message": i.message} for i in issues]
    shown = "; ".join(f"{'.'.join(str(p) for p in i.location)}: {i.message}" for i in issues[:5])
    more = f" (and {len(issues) - 5} more)" if len(issues) > 5 else ""
    return HttpError(422, f"Invalid request: {shown}{more}", {"validation_errors": listed})


def from_rpc_failure(failure: RpcFailure) -> HttpError:
    """The envelope for a failed call, with the google.rpc details of its trailers."""
    code = failure.code
    status, error_type = GRPC_TO_HTTP.get(code, (500, "InternalServerError"))
    details = rich_details(failure.trailing_metadata)
    message = failure.details or code.name.replace("_", " ").capitalize()
    return HttpError(status, message, details or None, error_type=error_type)


def rich_details(trailers: Iterable[tuple[str, str | bytes]]) -> dict[str, Any]:
    """ErrorInfo, BadRequest and ResourceInfo from `grpc-status-details-bin`, as plain JSON."""
    raw = next((value for key, value in trailers if key == "grpc-status-details-bin"), None)
    found: dict[str, Any] = {}
    if not isinstance(raw, bytes):
        return found
    try:
        status = status_pb2.Status.FromString(raw)
    except Exception:
        return found
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            found["reason"] = info.reason
            found["domain"] = info.domain
            if info.metadata:
                found["metadata"] = dict(info.metadata)
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            found["field_violations"] = [{"field": v.field, "description": v.description} for v in bad.field_violations]
        elif detail.Is(error_details_pb2.ResourceInfo.DESCRIPTOR):
            resource = error_details_pb2.ResourceInfo()
            detail.Unpack(resource)
            # Mixpeek's NotFoundError details: {"resource": "collection", "id": "col_..."}
            found["resource"] = resource.resource_type
            found["id"] = resource.resource_name
    return found
