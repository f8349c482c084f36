"""NamespaceService: converts and delegates to the namespace and reconfigure use cases."""

from __future__ import annotations

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

    async def CreateNamespace(self, request, context):
        created = await self._namespaces.create(principal(), to_dict(request))
        return pb.CreateNamespaceResponse(namespace=to_message(created, pb.Namespace))

    async def GetNamespace(self, request, context):
        found = await self._namespaces.get(principal(), request.namespace_id)
        return pb.GetNamespaceResponse(namespace=to_message(found, pb.Namespace))

    async def ListNamespaces(self, request, context):
        result = await self._namespaces.list(principal(), to_dict(request))
        return to_message(
            {"results": result.items, "pagination": result.pagination, "total_count": result.total},
            pb.ListNamespacesResponse,
        )

    async def UpdateNamespace(self, request, context):
        updated = await self._namespaces.update(principal(), to_dict(request))
        return pb.UpdateNamespaceResponse(namespace=to_message(updated, pb.Namespace))

    async def DeleteNamespace(self, request, context):
        outcome = await self._namespaces.delete(principal(), request.namespace_id)
        return to_message(outcome, pb.DeleteNamespaceResponse)

    async def Reconfigure(self, request, context):
        outcome = await self._reconfigure.reconfigure(principal(), to_dict(request))
        return to_message(outcome, pb.ReconfigureResponse)
