"""NamespaceService: converts and delegates to the namespace and reconfigure use cases."""

from __future__ import annotations

import grpc
from vecplane.v1 import namespace_pb2 as pb
from vecplane.v1 import namespace_pb2_grpc

from server.api.context import principal
from server.api.convert import to_dict, to_message
from server.api.extractors import CatalogueMessages
from server.domain.errors import FieldViolation, InvalidArgument, NotFound
from server.usecases.namespaces import NamespaceUseCases
from server.usecases.reconfigure import ReconfigureUseCases


class NamespaceServicer(namespace_pb2_grpc.NamespaceServiceServicer):
    def __init__(self, namespaces: NamespaceUseCases, reconfigure: ReconfigureUseCases, catalogue: CatalogueMessages):
        self._namespaces = namespaces
        self._reconfigure = reconfigure
        self._catalogue = catalogue

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

    async def PatchNamespace(self, request: pb.PatchNamespaceRequest, context: grpc.aio.ServicerContext) -> pb.PatchNamespaceResponse:
        updated = await self._namespaces.update(principal(), to_dict(request), append_extractors=True)
        return pb.PatchNamespaceResponse(namespace=to_message(updated, pb.Namespace))

    async def ListNamespaceExtractors(self, request: pb.ListNamespaceExtractorsRequest, context: grpc.aio.ServicerContext) -> pb.ListNamespaceExtractorsResponse:
        namespace_id, definitions = await self._namespaces.extractors(principal(), request.namespace_id, request.source)
        builtin = sum(d.is_builtin for d in definitions)
        return pb.ListNamespaceExtractorsResponse(
            extractors=[self._catalogue.get(d.id) for d in definitions],
            total=len(definitions),
            namespace_id=namespace_id,
            builtin_count=builtin,
            custom_count=len(definitions) - builtin,
        )

    async def GetNamespaceExtractor(self, request: pb.GetNamespaceExtractorRequest, context: grpc.aio.ServicerContext) -> pb.GetNamespaceExtractorResponse:
        if not request.extractor_id:
            raise InvalidArgument([FieldViolation("extractor_id", "is required")])
        _namespace_id, definitions = await self._namespaces.extractors(principal(), request.namespace_id)
        if request.extractor_id not in {d.id for d in definitions}:
            raise NotFound("feature_extractor", request.extractor_id)
        return pb.GetNamespaceExtractorResponse(feature_extractor=self._catalogue.get(request.extractor_id))

    async def GetNamespaceStats(self, request: pb.GetNamespaceStatsRequest, context: grpc.aio.ServicerContext) -> pb.GetNamespaceStatsResponse:
        namespace = await self._namespaces.find(principal(), request.namespace_id)
        stats = await self._namespaces.stats(principal(), [namespace["_id"]])
        return pb.GetNamespaceStatsResponse(stats=to_message(stats[namespace["_id"]], pb.NamespaceStats))

    async def BatchGetNamespaceStats(self, request: pb.BatchGetNamespaceStatsRequest, context: grpc.aio.ServicerContext) -> pb.BatchGetNamespaceStatsResponse:
        stats = await self._namespaces.stats(principal(), list(request.namespace_ids))
        return pb.BatchGetNamespaceStatsResponse(stats={k: to_message(v, pb.NamespaceStats) for k, v in stats.items()})

    async def EnsureNamespaceIndexes(self, request: pb.EnsureNamespaceIndexesRequest, context: grpc.aio.ServicerContext) -> pb.EnsureNamespaceIndexesResponse:
        outcome = await self._namespaces.ensure_indexes(principal(), request.namespace_id, request.force_rebuild)
        return to_message(outcome, pb.EnsureNamespaceIndexesResponse)

    async def DeleteNamespace(self, request: pb.DeleteNamespaceRequest, context: grpc.aio.ServicerContext) -> pb.DeleteNamespaceResponse:
        outcome = await self._namespaces.delete(principal(), request.namespace_id)
        return to_message(outcome, pb.DeleteNamespaceResponse)

    async def Reconfigure(self, request: pb.ReconfigureRequest, context: grpc.aio.ServicerContext) -> pb.ReconfigureResponse:
        outcome = await self._reconfigure.reconfigure(principal(), to_dict(request))
        return to_message(outcome, pb.ReconfigureResponse)
