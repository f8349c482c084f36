"""RetrieverService: converts and delegates to the retriever use cases. Documents in an answer
travel as google.protobuf.Struct (their fields are the user's)."""

from __future__ import annotations

from typing import Any

import grpc
from vecplane.v1 import retriever_pb2 as pb
from vecplane.v1 import retriever_pb2_grpc

from server.api.context import namespace_header, principal
from server.api.convert import to_dict, to_message
from server.api.status import code_for
from server.domain.errors import DomainError, InvalidArgument
from server.protojson import struct_of
from server.usecases.retrieval import BatchAnswer, Execution, RetrieverUseCases


def encode_document(document: dict[str, Any]) -> bytes:
    """An answer's document as the serialized Struct it travels as (kept with a cached answer, so a
    cache hit copies bytes instead of converting the document again)."""
    return struct_of(document).SerializeToString()


def _execution(result: Execution) -> pb.Execution:
    message = pb.Execution(
        execution_id=result.execution_id,
        status=result.status,
        retriever_id=result.retriever_id,
        pagination=to_message(result.pagination, pb.ExecutePage),
        stage_statistics=to_message(result.stage_statistics, pb.StageStatistics),
        cache_hit=result.cache_hit,
        cached_at=result.cached_at,
        cached_at_unix=result.cached_at_unix,
        consistency_mode=result.consistency_mode,
        warnings=result.warnings,
    )
    if result.explain_plan is not None:
        message.explain_plan.CopyFrom(struct_of(result.explain_plan))
    if result.encoded is None:
        message.documents.extend(struct_of(document) for document in result.documents)
    else:
        for encoded in result.encoded:
            message.documents.add().MergeFromString(encoded)
    return message


def _batch_error(error: DomainError) -> pb.BatchQueryError:
    violations = error.violations if isinstance(error, InvalidArgument) else []
    return pb.BatchQueryError(
        code=code_for(error).name,
        reason=error.reason,
        message=error.message,
        field_violations=[pb.BatchFieldViolation(field=v.field, description=v.description) for v in violations],
    )


def _batch_result(answer: BatchAnswer) -> pb.BatchQueryResult:
    if answer.error is not None:
        return pb.BatchQueryResult(query_index=answer.query_index, status="failed", error=_batch_error(answer.error))
    assert answer.execution is not None
    return pb.BatchQueryResult(query_index=answer.query_index, status=answer.execution.status, execution=_execution(answer.execution))


class RetrieverServicer(retriever_pb2_grpc.RetrieverServiceServicer):
    def __init__(self, retrievers: RetrieverUseCases):
        self._retrievers = retrievers

    async def CreateRetriever(self, request: pb.CreateRetrieverRequest, context: grpc.aio.ServicerContext) -> pb.CreateRetrieverResponse:
        created = await self._retrievers.create(principal(), namespace_header(), to_dict(request))
        return pb.CreateRetrieverResponse(retriever=to_message(created, pb.Retriever))

    async def GetRetriever(self, request: pb.GetRetrieverRequest, context: grpc.aio.ServicerContext) -> pb.GetRetrieverResponse:
        found = await self._retrievers.get(principal(), namespace_header(), request.retriever_id)
        return pb.GetRetrieverResponse(retriever=to_message(found, pb.Retriever))

    async def ListRetrievers(self, request: pb.ListRetrieversRequest, context: grpc.aio.ServicerContext) -> pb.ListRetrieversResponse:
        result = await self._retrievers.list_retrievers(principal(), namespace_header(), to_dict(request))
        response = to_message({"pagination": result.pagination, "total": result.total}, pb.ListRetrieversResponse)
        response.results.extend(to_message(item, pb.Retriever) for item in result.items)
        return response

    async def UpdateRetriever(self, request: pb.UpdateRetrieverRequest, context: grpc.aio.ServicerContext) -> pb.UpdateRetrieverResponse:
        updated = await self._retrievers.update(principal(), namespace_header(), to_dict(request))
        return pb.UpdateRetrieverResponse(retriever=to_message(updated, pb.Retriever))

    async def DeleteRetriever(self, request: pb.DeleteRetrieverRequest, context: grpc.aio.ServicerContext) -> pb.DeleteRetrieverResponse:
        outcome = await self._retrievers.delete(principal(), namespace_header(), request.retriever_id)
        return to_message(outcome, pb.DeleteRetrieverResponse)

    async def ExecuteRetriever(self, request: pb.ExecuteRetrieverRequest, context: grpc.aio.ServicerContext) -> pb.ExecuteRetrieverResponse:
        result = await self._retrievers.execute(principal(), namespace_header(), to_dict(request))
        return pb.ExecuteRetrieverResponse(execution=_execution(result))

    async def ExecuteBatchRetriever(self, request: pb.ExecuteBatchRetrieverRequest, context: grpc.aio.ServicerContext) -> pb.ExecuteBatchRetrieverResponse:
        batch = await self._retrievers.execute_batch(principal(), namespace_header(), to_dict(request))
        failed = sum(1 for answer in batch.answers if answer.error is not None)
        return pb.ExecuteBatchRetrieverResponse(
            retriever_id=batch.retriever_id,
            results=[_batch_result(answer) for answer in batch.answers],
            total_queries=len(batch.answers),
            succeeded=len(batch.answers) - failed,
            failed=failed,
            total_time_ms=batch.total_time_ms,
        )

    async def ListRetrieverExecutions(self, request: pb.ListRetrieverExecutionsRequest, context: grpc.aio.ServicerContext) -> pb.ListRetrieverExecutionsResponse:
        result = await self._retrievers.list_executions(principal(), namespace_header(), to_dict(request))
        response = to_message({"pagination": result.pagination, "total": result.total}, pb.ListRetrieverExecutionsResponse)
        response.results.extend(to_message(item, pb.ExecutionRecord) for item in result.items)
        return response

    async def GetRetrieverExecution(self, request: pb.GetRetrieverExecutionRequest, context: grpc.aio.ServicerContext) -> pb.GetRetrieverExecutionResponse:
        found = await self._retrievers.get_execution(principal(), namespace_header(), request.retriever_id, request.execution_id)
        return pb.GetRetrieverExecutionResponse(execution=to_message(found, pb.ExecutionRecord))

    async def GetExecutionStatus(self, request: pb.GetExecutionStatusRequest, context: grpc.aio.ServicerContext) -> pb.GetExecutionStatusResponse:
        found = await self._retrievers.get_execution(principal(), namespace_header(), request.retriever_id, request.execution_id)
        return pb.GetExecutionStatusResponse(execution=to_message(found, pb.ExecutionRecord))

    async def GetExecutionProfile(self, request: pb.GetExecutionProfileRequest, context: grpc.aio.ServicerContext) -> pb.GetExecutionProfileResponse:
        profile = await self._retrievers.get_execution_profile(principal(), namespace_header(), request.retriever_id, request.execution_id)
        return to_message(profile, pb.GetExecutionProfileResponse)

    async def ListAdhocExecutions(self, request: pb.ListAdhocExecutionsRequest, context: grpc.aio.ServicerContext) -> pb.ListAdhocExecutionsResponse:
        result = await self._retrievers.list_adhoc_executions(principal(), namespace_header(), to_dict(request))
        response = to_message({"pagination": result.pagination, "total": result.total}, pb.ListAdhocExecutionsResponse)
        response.results.extend(to_message(item, pb.ExecutionRecord) for item in result.items)
        return response

    async def GetAdhocExecution(self, request: pb.GetAdhocExecutionRequest, context: grpc.aio.ServicerContext) -> pb.GetAdhocExecutionResponse:
        found = await self._retrievers.get_adhoc_execution(principal(), namespace_header(), request.execution_id)
        return pb.GetAdhocExecutionResponse(execution=to_message(found, pb.ExecutionRecord))

    async def Typeahead(self, request: pb.TypeaheadRequest, context: grpc.aio.ServicerContext) -> pb.TypeaheadResponse:
        return to_message(await self._retrievers.typeahead(principal(), namespace_header(), to_dict(request)), pb.TypeaheadResponse)

    async def ExecuteAdhocRetriever(self, request: pb.ExecuteAdhocRetrieverRequest, context: grpc.aio.ServicerContext) -> pb.ExecuteAdhocRetrieverResponse:
        result = await self._retrievers.execute_adhoc(principal(), namespace_header(), to_dict(request))
        return pb.ExecuteAdhocRetrieverResponse(execution=_execution(result))

    async def CloneRetriever(self, request: pb.CloneRetrieverRequest, context: grpc.aio.ServicerContext) -> pb.CloneRetrieverResponse:
        return to_message(await self._retrievers.clone(principal(), namespace_header(), to_dict(request)), pb.CloneRetrieverResponse)

    async def ExplainRetriever(self, request: pb.ExplainRetrieverRequest, context: grpc.aio.ServicerContext) -> pb.ExplainRetrieverResponse:
        explained = await self._retrievers.explain(principal(), namespace_header(), request.retriever_id, to_dict(request).get("inputs") or {})
        return to_message(explained, pb.ExplainRetrieverResponse)

    async def ListRetrieverStages(self, request: pb.ListRetrieverStagesRequest, context: grpc.aio.ServicerContext) -> pb.ListRetrieverStagesResponse:
        return to_message({"stages": self._retrievers.stages()}, pb.ListRetrieverStagesResponse)
