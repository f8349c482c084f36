"""What the interceptor learned about the current call, for the servicers to read."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from server.usecases.auth import Principal


@dataclass(frozen=True)
class CallContext:
    correlation_id: str
    principal: Principal | None
    metadata: dict[str, str]


current_call: ContextVar[CallContext] = ContextVar("vecplane_call")


def optional_principal() -> Principal | None:
    """The caller of a `(vecplane.v1.key_optional)` method: None when it sent no key."""
    return current_call.get().principal


def principal() -> Principal:
    found = current_call.get().principal
    if found is None:  # only public and key_optional methods run without one
        raise RuntimeError("no authenticated principal for this call")
    return found


def namespace_header() -> str | None:
    return current_call.get().metadata.get("x-namespace")
