"""Organizations, API keys and what each key's role allows.

Roles are ordered: a member works inside its organization; an admin also manages its own
organization's keys; an operator (the bootstrap key) also creates organizations and manages every
organization's keys. Another organization is invisible to a non-operator: its ID and keys are
NOT_FOUND, as every other resource of another organization is."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from server.domain.errors import NotFound, PermissionDenied, Violations


class Role(enum.IntEnum):
    """Numbers match vecplane.v1.ApiKeyRole."""

    MEMBER = 1
    ADMIN = 2
    OPERATOR = 3


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key, its organization and its role."""

    organization_id: str
    key_id: str
    role: Role


@dataclass(frozen=True)
class Organization:
    organization_id: str
    organization_name: str
    created_at: str  # RFC 3339 (server.domain.clock)


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    organization_id: str
    key_name: str
    role: Role
    created_at: str  # RFC 3339 (server.domain.clock)


@dataclass(frozen=True)
class NewApiKey:
    """A CreateApiKey request; `role` None when the caller did not choose one."""

    organization_id: str
    key_name: str
    role: Role | None
    legacy_admin: bool  # the deprecated `admin` flag


def check_label(problems: Violations, field: str, value: str, required: bool) -> None:
    if required and not value:
        problems.add(field, "is required")
    elif len(value) > 100:
        problems.add(field, "must be at most 100 characters")


def require_role(principal: Principal, needed: Role) -> None:
    if principal.role < needed:
        reason = "OPERATOR_KEY_REQUIRED" if needed is Role.OPERATOR else "ADMIN_KEY_REQUIRED"
        raise PermissionDenied(f"This call needs an {needed.name.lower()} API key.", reason=reason)


def require_reach(principal: Principal, organization_id: str) -> None:
    """An admin reaches its own organization only; any other one does not exist for it."""
    if principal.role < Role.OPERATOR and organization_id != principal.organization_id:
        raise NotFound("organization", organization_id)


def granted_role(principal: Principal, request: NewApiKey) -> Role:
    """The role the new key gets; nobody grants a role above its own."""
    problems = Violations()
    check_label(problems, "organization_id", request.organization_id, required=True)
    check_label(problems, "key_name", request.key_name, required=False)
    if request.role is not None and request.legacy_admin and request.role is not Role.ADMIN:
        problems.add("role", "contradicts the deprecated `admin` flag; send `role` alone")
    problems.raise_if_any()
    role = request.role or (Role.ADMIN if request.legacy_admin else Role.MEMBER)
    if role > principal.role:
        raise PermissionDenied(f"A {principal.role.name.lower()} key cannot grant the {role.name.lower()} role.", reason="ROLE_NOT_GRANTABLE")
    return role


def require_removable(principal: Principal, key: ApiKey) -> None:
    """A key is removed by an operator, or by an admin of its organization when its role is not
    above the admin's."""
    if principal.role < Role.OPERATOR and key.organization_id != principal.organization_id:
        raise NotFound("api_key", key.key_id)
    if key.role > principal.role:
        raise PermissionDenied(f"A {principal.role.name.lower()} key cannot delete a {key.role.name.lower()} key.", reason="ROLE_NOT_GRANTABLE")
