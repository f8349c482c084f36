"""Organizations and API keys (admin keys only)."""

from __future__ import annotations

from typing import Any

from server.domain import clock
from server.domain.errors import NotFound, PermissionDenied, Violations
from server.domain.ids import new_id, new_secret
from server.storage.repositories import Accounts
from server.usecases.auth import Authenticator, Principal, hash_secret


def _require_admin(principal: Principal) -> None:
    if not principal.admin:
        raise PermissionDenied("This call needs an admin API key.", reason="ADMIN_KEY_REQUIRED")


def _check_label(problems: Violations, field: str, value: str | None, required: bool) -> None:
    if required and not value:
        problems.add(field, "is required")
    elif value and len(value) > 100:
        problems.add(field, "must be at most 100 characters")


class AdminUseCases:
    def __init__(self, accounts: Accounts, authenticator: Authenticator):
        self._accounts = accounts
        self._authenticator = authenticator

    async def create_organization(self, principal: Principal, request: dict[str, Any]) -> dict[str, Any]:
        _require_admin(principal)
        problems = Violations()
        _check_label(problems, "organization_name", request.get("organization_name"), required=True)
        problems.raise_if_any()
        organization_id = new_id("org")
        doc = {
            "_id": organization_id,
            "organization_id": organization_id,
            "organization_name": request["organization_name"],
            "created_at": clock.now(),
        }
        await self._accounts.insert_organization(doc)
        return doc

    async def create_api_key(self, principal: Principal, request: dict[str, Any]) -> tuple[dict[str, Any], str]:
        _require_admin(principal)
        problems = Violations()
        _check_label(problems, "organization_id", request.get("organization_id"), required=True)
        _check_label(problems, "key_name", request.get("key_name"), required=False)
        problems.raise_if_any()
        if await self._accounts.find_organization(request["organization_id"]) is None:
            raise NotFound("organization", request["organization_id"])
        secret = new_secret()
        key_id = new_id("key")
        doc = {
            "_id": key_id,
            "key_id": key_id,
            "organization_id": request["organization_id"],
            "key_name": request.get("key_name", ""),
            "admin": bool(request.get("admin")),
            "_key_hash": hash_secret(secret),
            "created_at": clock.now(),
        }
        await self._accounts.insert_key(doc)
        return doc, secret

    async def delete_api_key(self, principal: Principal, key_id: str) -> None:
        _require_admin(principal)
        if await self._accounts.delete_key(key_id) is None:
            raise NotFound("api_key", key_id)
        self._authenticator.forget(key_id)
