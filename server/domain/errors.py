"""Typed domain errors. Each kind maps to one gRPC status code in `server.api.status`; each error
carries a machine-readable reason (google.rpc.ErrorInfo.reason), the name of a value of the proto
enum `vecplane.v1.ErrorReason` that clients can list, and, where it applies, the field violations or
the resource it is about."""

from __future__ import annotations

from dataclasses import dataclass, field

from vecplane.v1.error_reason_pb2 import ErrorReason


def checked_reason(name: str) -> str:
    """`name` if it names a `vecplane.v1.ErrorReason` value; ValueError otherwise, so a reason
    missing from the enum fails where it is raised (and in tests/unit/test_error_reasons.py)."""
    if ErrorReason.Value(name) == ErrorReason.ERROR_REASON_UNSPECIFIED:
        raise ValueError("ERROR_REASON_UNSPECIFIED is never a reason")
    return name


@dataclass(frozen=True)
class FieldViolation:
    """A problem with one field of the request; `field` is its path, e.g. `source.bucket_id`."""

    field: str
    description: str


class DomainError(Exception):
    """Base of every error the use cases raise on purpose."""

    default_reason = "INTERNAL"

    def __init__(self, message: str, *, reason: str | None = None, metadata: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.reason = checked_reason(reason or self.default_reason)
        self.metadata = metadata or {}


class InvalidArgument(DomainError):
    """The request is malformed; `violations` names every bad field."""

    default_reason = "INVALID_ARGUMENT"

    def __init__(self, violations: list[FieldViolation], *, reason: str | None = None):
        self.violations = list(violations)
        shown = "; ".join(f"{v.field}: {v.description}" for v in self.violations[:5])
        more = len(self.violations) - 5
        message = f"Invalid request: {shown}" + (f" (and {more} more)" if more > 0 else "")
        super().__init__(message, reason=reason)


@dataclass
class Violations:
    """Collects field violations so a request is rejected whole, with every problem listed."""

    items: list[FieldViolation] = field(default_factory=list)

    def add(self, field_path: str, description: str) -> None:
        self.items.append(FieldViolation(field_path, description))

    def extend(self, other: Violations) -> None:
        self.items.extend(other.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self, *, reason: str | None = None) -> None:
        if self.items:
            raise InvalidArgument(self.items, reason=reason)


class _ResourceError(DomainError):
    def __init__(self, resource_type: str, resource_name: str, message: str, *, reason: str | None = None):
        super().__init__(message, reason=reason)
        self.resource_type = resource_type
        self.resource_name = resource_name


class NotFound(_ResourceError):
    """The resource does not exist, or the caller's organization cannot see it."""

    default_reason = "NOT_FOUND"

    def __init__(self, resource_type: str, resource_name: str, message: str | None = None):
        super().__init__(
            resource_type,
            resource_name,
            message or f"{resource_type.capitalize()} '{resource_name}' not found.",
            reason=f"{resource_type.upper()}_NOT_FOUND",
        )


class AlreadyExists(_ResourceError):
    """A resource with that name already exists in its scope."""

    default_reason = "ALREADY_EXISTS"

    def __init__(self, resource_type: str, resource_name: str, message: str | None = None):
        super().__init__(
            resource_type,
            resource_name,
            message or f"A {resource_type} named '{resource_name}' already exists.",
            reason=f"{resource_type.upper()}_ALREADY_EXISTS",
        )


class FailedPrecondition(DomainError):
    """The request is well formed but the system is not in a state to carry it out."""

    default_reason = "FAILED_PRECONDITION"


class Aborted(DomainError):
    """A concurrent operation conflicts with this one; retry later."""

    default_reason = "ABORTED"


class Unauthenticated(DomainError):
    """No valid API key was given."""

    default_reason = "UNAUTHENTICATED"


class PermissionDenied(DomainError):
    """The API key is valid but may not make this call."""

    default_reason = "PERMISSION_DENIED"


class ResourceExhausted(DomainError):
    """The caller has used its share of a limited resource for now; retry later."""

    default_reason = "RESOURCE_EXHAUSTED"


class Unavailable(DomainError):
    """A backing store cannot be reached; the call changed nothing and can be retried."""

    default_reason = "BACKEND_UNAVAILABLE"
