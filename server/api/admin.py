"""AdminService: organizations and API keys, for admin keys."""

from __future__ import annotations

import grpc
from vecplane.v1 import admin_pb2 as pb
from vecplane.v1 import admin_pb2_grpc

from server.api.context import principal
from server.api.convert import to_dict, to_message
from server.usecases.admin import AdminUseCases


class AdminServicer(admin_pb2_grpc.AdminServiceServicer):
    def __init__(self, admin: AdminUseCases):
        self._admin = admin

    async def CreateOrganization(self, request: pb.CreateOrganizationRequest, context: grpc.aio.ServicerContext) -> pb.CreateOrganizationResponse:
        created = await self._admin.create_organization(principal(), to_dict(request))
        return pb.CreateOrganizationResponse(organization=to_message(created, pb.Organization))

    async def CreateApiKey(self, request: pb.CreateApiKeyRequest, context: grpc.aio.ServicerContext) -> pb.CreateApiKeyResponse:
        key, secret = await self._admin.create_api_key(principal(), to_dict(request))
        return pb.CreateApiKeyResponse(api_key=to_message(key, pb.ApiKey), secret=secret)

    async def DeleteApiKey(self, request: pb.DeleteApiKeyRequest, context: grpc.aio.ServicerContext) -> pb.DeleteApiKeyResponse:
        await self._admin.delete_api_key(principal(), request.key_id)
        return pb.DeleteApiKeyResponse(key_id=request.key_id)
