"""BucketService: converts and delegates to the bucket use cases."""

from __future__ import annotations

import grpc
from vecplane.v1 import bucket_pb2 as pb
from vecplane.v1 import bucket_pb2_grpc, document_pb2

from server.api.context import namespace_header, principal
from server.api.convert import to_dict, to_message, to_struct
from server.usecases.buckets import BucketUseCases


class BucketServicer(bucket_pb2_grpc.BucketServiceServicer):
    def __init__(self, buckets: BucketUseCases):
        self._buckets = buckets

    async def CreateBucket(self, request: pb.CreateBucketRequest, context: grpc.aio.ServicerContext) -> pb.CreateBucketResponse:
        created = await self._buckets.create(principal(), namespace_header(), to_dict(request))
        return pb.CreateBucketResponse(bucket=to_message(created, pb.Bucket))

    async def GetBucket(self, request: pb.GetBucketRequest, context: grpc.aio.ServicerContext) -> pb.GetBucketResponse:
        found = await self._buckets.get(principal(), namespace_header(), request.bucket_id)
        return pb.GetBucketResponse(bucket=to_message(found, pb.Bucket))

    async def ListBuckets(self, request: pb.ListBucketsRequest, context: grpc.aio.ServicerContext) -> pb.ListBucketsResponse:
        result = await self._buckets.list(principal(), namespace_header(), to_dict(request))
        return to_message({"results": result.items, "pagination": result.pagination, "total_count": result.total}, pb.ListBucketsResponse)

    async def UpdateBucket(self, request: pb.UpdateBucketRequest, context: grpc.aio.ServicerContext) -> pb.UpdateBucketResponse:
        updated = await self._buckets.update(principal(), namespace_header(), to_dict(request))
        return pb.UpdateBucketResponse(bucket=to_message(updated, pb.Bucket))

    async def DeleteBucket(self, request: pb.DeleteBucketRequest, context: grpc.aio.ServicerContext) -> pb.DeleteBucketResponse:
        outcome = await self._buckets.delete(principal(), namespace_header(), request.bucket_id, request.force)
        return to_message(outcome, pb.DeleteBucketResponse)

    async def CreateObject(self, request: pb.CreateObjectRequest, context: grpc.aio.ServicerContext) -> pb.CreateObjectResponse:
        created = await self._buckets.create_object(principal(), namespace_header(), to_dict(request))
        return pb.CreateObjectResponse(object=to_message(created["object"], pb.Object), replayed=created["replayed"])

    async def CreateObjects(self, request: pb.CreateObjectsRequest, context: grpc.aio.ServicerContext) -> pb.CreateObjectsResponse:
        outcome = await self._buckets.create_objects(principal(), namespace_header(), to_dict(request))
        return to_message(outcome, pb.CreateObjectsResponse)

    async def GetObject(self, request: pb.GetObjectRequest, context: grpc.aio.ServicerContext) -> pb.GetObjectResponse:
        found = await self._buckets.get_object(principal(), namespace_header(), request.bucket_id, request.object_id)
        return pb.GetObjectResponse(object=to_message(found, pb.Object))

    async def ListObjects(self, request: pb.ListObjectsRequest, context: grpc.aio.ServicerContext) -> pb.ListObjectsResponse:
        result = await self._buckets.list_objects(principal(), namespace_header(), to_dict(request))
        return to_message({"results": result.items, "pagination": result.pagination, "total_count": result.total}, pb.ListObjectsResponse)

    async def UpdateObject(self, request: pb.UpdateObjectRequest, context: grpc.aio.ServicerContext) -> pb.UpdateObjectResponse:
        updated = await self._buckets.update_object(principal(), namespace_header(), to_dict(request))
        return pb.UpdateObjectResponse(object=to_message(updated, pb.Object))

    async def DeleteObject(self, request: pb.DeleteObjectRequest, context: grpc.aio.ServicerContext) -> pb.DeleteObjectResponse:
        outcome = await self._buckets.delete_object(principal(), namespace_header(), request.bucket_id, request.object_id)
        return to_message(outcome, pb.DeleteObjectResponse)

    async def AggregateObjects(self, request: pb.AggregateObjectsRequest, context: grpc.aio.ServicerContext) -> pb.AggregateObjectsResponse:
        answer = await self._buckets.aggregate_objects(principal(), namespace_header(), to_dict(request))
        rows = [document_pb2.AggregationRow(group=to_struct(row["group"]), metrics=to_struct(row["metrics"])) for row in answer["results"]]
        return pb.AggregateObjectsResponse(results=rows, total_groups=answer["total_groups"], query_info=to_struct(answer["query_info"]))
