"""CollectionService: converts and delegates to the collection use cases."""

from __future__ import annotations

from typing import Any

import grpc
from cachetools import LRUCache
from vecplane.v1 import collection_pb2 as pb
from vecplane.v1 import collection_pb2_grpc

from server.api.context import namespace_header, principal
from server.api.convert import to_dict, to_message
from server.usecases.collections import CollectionUseCases
from server.usecases.reconciliation import ReconciliationUseCases


class CollectionServicer(collection_pb2_grpc.CollectionServiceServicer):
    def __init__(self, collections: CollectionUseCases, reconciliation: ReconciliationUseCases):
        self._collections = collections
        self._reconciliation = reconciliation
        # Stored collection -> message, by (ID, revision): every write bumps `_rev`, so an entry is
        # never stale for the document just read (the read itself always happens). Converting a
        # collection with its lineage is the largest CPU cost of GetCollection otherwise.
        self._messages: LRUCache[tuple, pb.Collection] = LRUCache(maxsize=2048)

    def _message(self, doc: dict[str, Any]) -> pb.Collection:
        key = (doc["_id"], doc.get("_rev"), doc.get("updated_at"), doc.get("document_count"))
        found = self._messages.get(key)
        if found is None:
            found = self._messages[key] = to_message(doc, pb.Collection)
        return found

    async def CreateCollection(self, request: pb.CreateCollectionRequest, context: grpc.aio.ServicerContext) -> pb.CreateCollectionResponse:
        created = await self._collections.create(principal(), namespace_header(), to_dict(request))
        return pb.CreateCollectionResponse(collection=to_message(created, pb.Collection))

    async def GetCollection(self, request: pb.GetCollectionRequest, context: grpc.aio.ServicerContext) -> pb.GetCollectionResponse:
        found = await self._collections.get(principal(), namespace_header(), request.collection_id)
        return pb.GetCollectionResponse(collection=self._message(found))

    async def DescribeCollectionFeatures(self, request: pb.DescribeCollectionFeaturesRequest, context: grpc.aio.ServicerContext) -> pb.DescribeCollectionFeaturesResponse:
        features = await self._collections.features(principal(), namespace_header(), request.collection_id)
        return to_message({"features": features}, pb.DescribeCollectionFeaturesResponse)

    async def ReconcileCollection(self, request: pb.ReconcileCollectionRequest, context: grpc.aio.ServicerContext) -> pb.ReconcileCollectionResponse:
        limit = request.limit if request.HasField("limit") else None
        found = await self._reconciliation.reconcile(principal(), namespace_header(), request.collection_id, limit)
        return to_message(found, pb.ReconcileCollectionResponse)

    async def ListCollections(self, request: pb.ListCollectionsRequest, context: grpc.aio.ServicerContext) -> pb.ListCollectionsResponse:
        result = await self._collections.list(principal(), namespace_header(), to_dict(request))
        response = to_message({"pagination": result.pagination, "total_count": result.total}, pb.ListCollectionsResponse)
        response.results.extend(self._message(item) for item in result.items)
        return response

    async def UpdateCollection(self, request: pb.UpdateCollectionRequest, context: grpc.aio.ServicerContext) -> pb.UpdateCollectionResponse:
        updated = await self._collections.update(principal(), namespace_header(), to_dict(request))
        return pb.UpdateCollectionResponse(collection=to_message(updated, pb.Collection))

    async def CloneCollection(self, request: pb.CloneCollectionRequest, context: grpc.aio.ServicerContext) -> pb.CloneCollectionResponse:
        created, source_id = await self._collections.clone(principal(), namespace_header(), to_dict(request))
        return pb.CloneCollectionResponse(collection=to_message(created, pb.Collection), source_collection_id=source_id)

    async def DeleteCollection(self, request: pb.DeleteCollectionRequest, context: grpc.aio.ServicerContext) -> pb.DeleteCollectionResponse:
        outcome = await self._collections.delete(principal(), namespace_header(), request.collection_id, request.force)
        return to_message(outcome, pb.DeleteCollectionResponse)
