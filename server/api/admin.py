"""AdminService: organizations and API keys (roles decide who may do what; see server.domain.accounts)."""

from __future__ import annotations

import grpc
from vecplane.v1 import admin_pb2 as pb
from vecplane.v1 import admin_pb2_grpc

from server.api.context import principal
from server.domain.accounts import ApiKey, NewApiKey, Organization, Role
from server.domain.errors import FieldViolation, InvalidArgument
from server.usecases.admin import AdminUseCases


def _organization(organization: Organization) -> pb.Organization:
    message = pb.Organization(organization_id=organization.organization_id, organization_name=organization.organization_name)
    message.created_at.FromJsonString(organization.created_at)
    return message


def _api_key(key: ApiKey) -> pb.ApiKey:
    message = pb.ApiKey(
        key_id=key.key_id,
        organization_id=key.organization_id,
        key_name=key.key_name,
        role=pb.ApiKeyRole.Value(f"API_KEY_ROLE_{key.role.name}"),
        admin=key.role >= Role.ADMIN,
    )
    message.created_at.FromJsonString(key.created_at)
    return message


def _role(value: int) -> Role | None:
    if value == pb.API_KEY_ROLE_UNSPECIFIED:
        return None
    try:
        return Role(value)
    except ValueError:
        raise InvalidArgument([FieldViolation("role", f"unknown role {value}")]) from None


class AdminServicer(admin_pb2_grpc.AdminServiceServicer):
    def __init__(self, admin: AdminUseCases):
        self._admin = admin

    async def CreateOrganization(self, request: pb.CreateOrganizationRequest, context: grpc.aio.ServicerContext) -> pb.CreateOrganizationResponse:
        created = await self._admin.create_organization(principal(), request.organization_name)
        return pb.CreateOrganizationResponse(organization=_organization(created))

    async def CreateApiKey(self, request: pb.CreateApiKeyRequest, context: grpc.aio.ServicerContext) -> pb.CreateApiKeyResponse:
        wanted = NewApiKey(request.organization_id, request.key_name, _role(request.role), request.admin)
        key, secret = await self._admin.create_api_key(principal(), wanted)
        return pb.CreateApiKeyResponse(api_key=_api_key(key), secret=secret)

    async def DeleteApiKey(self, request: pb.DeleteApiKeyRequest, context: grpc.aio.ServicerContext) -> pb.DeleteApiKeyResponse:
        await self._admin.delete_api_key(principal(), request.key_id)
        return pb.DeleteApiKeyResponse(key_id=request.key_id)
