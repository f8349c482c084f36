"""BatchService: converts and delegates to the batch use cases."""

from __future__ import annotations

import grpc
from vecplane.v1 import batch_pb2 as pb
from vecplane.v1 import batch_pb2_grpc, task_pb2

from server.api.context import namespace_header, principal
from server.api.convert import to_dict, to_message
from server.usecases.batch_reports import BatchReportUseCases
from server.usecases.batches import BatchUseCases


class BatchServicer(batch_pb2_grpc.BatchServiceServicer):
    def __init__(self, batches: BatchUseCases, reports: BatchReportUseCases):
        self._batches = batches
        self._reports = reports

    async def CreateBatch(self, request: pb.CreateBatchRequest, context: grpc.aio.ServicerContext) -> pb.CreateBatchResponse:
        return pb.CreateBatchResponse(batch=to_message(await self._batches.create(principal(), namespace_header(), to_dict(request)), pb.Batch))

    async def GetBatch(self, request: pb.GetBatchRequest, context: grpc.aio.ServicerContext) -> pb.GetBatchResponse:
        return pb.GetBatchResponse(batch=to_message(await self._batches.get(principal(), namespace_header(), to_dict(request)), pb.Batch))

    async def ListBatches(self, request: pb.ListBatchesRequest, context: grpc.aio.ServicerContext) -> pb.ListBatchesResponse:
        return to_message(await self._batches.list(principal(), namespace_header(), to_dict(request)), pb.ListBatchesResponse)

    async def AddBatchObjects(self, request: pb.AddBatchObjectsRequest, context: grpc.aio.ServicerContext) -> pb.AddBatchObjectsResponse:
        return pb.AddBatchObjectsResponse(batch=to_message(await self._batches.add_objects(principal(), namespace_header(), to_dict(request)), pb.Batch))

    async def SubmitBatch(self, request: pb.SubmitBatchRequest, context: grpc.aio.ServicerContext) -> pb.SubmitBatchResponse:
        return pb.SubmitBatchResponse(task=to_message(await self._batches.submit(principal(), namespace_header(), to_dict(request)), task_pb2.Task))

    async def CancelBatch(self, request: pb.CancelBatchRequest, context: grpc.aio.ServicerContext) -> pb.CancelBatchResponse:
        return pb.CancelBatchResponse(task=to_message(await self._batches.cancel(principal(), namespace_header(), to_dict(request)), task_pb2.Task))

    async def RetryBatch(self, request: pb.RetryBatchRequest, context: grpc.aio.ServicerContext) -> pb.RetryBatchResponse:
        return pb.RetryBatchResponse(task=to_message(await self._batches.retry(principal(), namespace_header(), to_dict(request)), task_pb2.Task))

    async def DeleteBatch(self, request: pb.DeleteBatchRequest, context: grpc.aio.ServicerContext) -> pb.DeleteBatchResponse:
        return to_message(await self._batches.delete(principal(), namespace_header(), to_dict(request)), pb.DeleteBatchResponse)

    async def ListFailedDocuments(self, request: pb.ListFailedDocumentsRequest, context: grpc.aio.ServicerContext) -> pb.ListFailedDocumentsResponse:
        return to_message(await self._batches.failed_documents(principal(), namespace_header(), to_dict(request)), pb.ListFailedDocumentsResponse)

    async def PatchBatch(self, request: pb.PatchBatchRequest, context: grpc.aio.ServicerContext) -> pb.PatchBatchResponse:
        return pb.PatchBatchResponse(batch=to_message(await self._batches.patch(principal(), namespace_header(), to_dict(request)), pb.Batch))

    async def SubmitAllDrafts(self, request: pb.SubmitAllDraftsRequest, context: grpc.aio.ServicerContext) -> pb.SubmitAllDraftsResponse:
        return to_message(await self._batches.submit_all(principal(), namespace_header(), to_dict(request)), pb.SubmitAllDraftsResponse)

    async def BulkSubmitBatches(self, request: pb.BulkSubmitBatchesRequest, context: grpc.aio.ServicerContext) -> pb.BulkSubmitBatchesResponse:
        return to_message(await self._batches.bulk_submit(principal(), namespace_header(), to_dict(request)), pb.BulkSubmitBatchesResponse)

    async def ResubmitBatch(self, request: pb.ResubmitBatchRequest, context: grpc.aio.ServicerContext) -> pb.ResubmitBatchResponse:
        return pb.ResubmitBatchResponse(batch=to_message(await self._batches.resubmit(principal(), namespace_header(), to_dict(request)), pb.Batch))

    async def GetBatchAudit(self, request: pb.GetBatchAuditRequest, context: grpc.aio.ServicerContext) -> pb.GetBatchAuditResponse:
        return to_message(await self._reports.audit(principal(), namespace_header(), to_dict(request)), pb.GetBatchAuditResponse)

    async def GetBatchLogs(self, request: pb.GetBatchLogsRequest, context: grpc.aio.ServicerContext) -> pb.GetBatchLogsResponse:
        return to_message(await self._reports.logs(principal(), namespace_header(), to_dict(request)), pb.GetBatchLogsResponse)

    async def DiagnoseBatch(self, request: pb.DiagnoseBatchRequest, context: grpc.aio.ServicerContext) -> pb.DiagnoseBatchResponse:
        return to_message(await self._reports.diagnose(principal(), namespace_header(), to_dict(request)), pb.DiagnoseBatchResponse)

    async def EstimateBatchCost(self, request: pb.EstimateBatchCostRequest, context: grpc.aio.ServicerContext) -> pb.EstimateBatchCostResponse:
        return to_message(await self._reports.estimate_cost(principal(), namespace_header(), to_dict(request)), pb.EstimateBatchCostResponse)

    async def DeleteBatchDocuments(self, request: pb.DeleteBatchDocumentsRequest, context: grpc.aio.ServicerContext) -> pb.DeleteBatchDocumentsResponse:
        return to_message(await self._reports.delete_documents(principal(), namespace_header(), to_dict(request)), pb.DeleteBatchDocumentsResponse)

    async def GetBatchQueue(self, request: pb.GetBatchQueueRequest, context: grpc.aio.ServicerContext) -> pb.GetBatchQueueResponse:
        return to_message(await self._reports.queue(principal()), pb.GetBatchQueueResponse)
