"""NamespaceService: converts and delegates to the namespace and reconfigure use cases."""

from __future__ import annotations

import grpc
from vecplane.v1 import namespace_pb2 as pb
from vecplane.v1 import namespace_pb2_grpc

from server.api.context import principal
from server.api.convert import to_dict, to_message
from server.usecases.namespaces import NamespaceUseCases
from server.usecases.reconfigure import ReconfigureUseCases


class NamespaceServicer(namespace_pb2_grpc.NamespaceServiceServicer):
    def __init__(self, namespaces: NamespaceUseCases, reconfigure: ReconfigureUseCases):
        self._namespaces = namespaces
        self._reconfigure = reconfigure

    async def CreateNamespace(self, request: pb.CreateNamespaceRequest, context: grpc.aio.ServicerContext) -> pb.CreateNamespaceResponse:
        created = await self._namespaces.create(principal(), to_dict(request))
        return pb.CreateNamespaceResponse(namespace=to_message(created, pb.Namespace))

    async def GetNamespace(self, request: pb.GetNamespaceRequest, context: grpc.aio.ServicerContext) -> pb.GetNamespaceResponse:
        found = await self._namespaces.get(principal(), request.namespace_id)
        return pb.GetNamespaceResponse(namespace=to_message(found, pb.Namespace))

    async def ListNamespaces(self, request: pb.ListNamespacesRequest, context: grpc.aio.ServicerContext) -> pb.ListNamespacesResponse:
        result = await self._namespaces.list(principal(), to_dict(request))
        return to_message(
            {"results": result.items, "pagination": result.pagination, "total_count": result.total},
            pb.ListNamespacesResponse,
        )

    async def UpdateNamespace(self, request: pb.UpdateNamespaceRequest, context: grpc.aio.ServicerContext) -> pb.UpdateNamespaceResponse:
        updated = await self._namespaces.update(principal(), to_dict(request))
        return pb.UpdateNamespaceResponse(namespace=to_message(updated, pb.Namespace))

    async def DeleteNamespace(self, request: pb.DeleteNamespaceRequest, context: grpc.aio.ServicerContext) -> pb.DeleteNamespaceResponse:
        outcome = await self._namespaces.delete(principal(), request.namespace_id)
        return to_message(outcome, pb.DeleteNamespaceResponse)

    async def Reconfigure(self, request: pb.ReconfigureRequest, context: grpc.aio.ServicerContext) -> pb.ReconfigureResponse:
        outcome = await self._reconfigure.reconfigure(principal(), to_dict(request))
        return to_message(outcome, pb.ReconfigureResponse)
