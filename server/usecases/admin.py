"""Organizations and API keys, by role (server.domain.accounts): operators create organizations and
manage every organization's keys; admins manage their own organization's keys."""

from __future__ import annotations

from server.domain import clock
from server.domain.accounts import (
    ApiKey,
    NewApiKey,
    Organization,
    Principal,
    Role,
    check_label,
    granted_role,
    require_reach,
    require_removable,
    require_role,
)
from server.domain.errors import NotFound, Violations
from server.domain.ids import new_id, new_secret
from server.storage.repositories import Accounts
from server.usecases.auth import Authenticator, hash_secret


class AdminUseCases:
    def __init__(self, accounts: Accounts, authenticator: Authenticator):
        self._accounts = accounts
        self._authenticator = authenticator

    async def create_organization(self, principal: Principal, organization_name: str) -> Organization:
        require_role(principal, Role.OPERATOR)
        problems = Violations()
        check_label(problems, "organization_name", organization_name, required=True)
        problems.raise_if_any()
        organization = Organization(new_id("org"), organization_name, clock.now())
        await self._accounts.insert_organization(organization)
        return organization

    async def create_api_key(self, principal: Principal, request: NewApiKey) -> tuple[ApiKey, str]:
        require_role(principal, Role.ADMIN)
        role = granted_role(principal, request)
        require_reach(principal, request.organization_id)
        if await self._accounts.find_organization(request.organization_id) is None:
            raise NotFound("organization", request.organization_id)
        secret = new_secret()
        key = ApiKey(new_id("key"), request.organization_id, request.key_name, role, clock.now())
        await self._accounts.insert_key(key, hash_secret(secret))
        return key, secret

    async def delete_api_key(self, principal: Principal, key_id: str) -> None:
        require_role(principal, Role.ADMIN)
        key = await self._accounts.find_key(key_id)
        if key is None:
            raise NotFound("api_key", key_id)
        require_removable(principal, key)
        if not await self._accounts.delete_key(key_id):
            raise NotFound("api_key", key_id)
        self._authenticator.forget(key_id)
