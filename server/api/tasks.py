"""TaskService (triggers and tasks) and google.longrunning.Operations over the same tasks (AIP-151):
an operation's `name` is the task ID, its `metadata` the Task, `done` once the task is terminal;
a COMPLETED(_WITH_ERRORS) task answers the Task as `response`, a FAILED one an error INTERNAL with
the task's error, a CANCELED one CANCELLED."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
from google.longrunning import operations_pb2, operations_pb2_grpc
from google.protobuf import any_pb2, empty_pb2
from google.rpc import code_pb2, status_pb2
from vecplane.v1 import task_pb2 as pb
from vecplane.v1 import task_pb2_grpc

from server.api.context import namespace_header, principal
from server.api.convert import to_dict, to_message
from server.domain.errors import FieldViolation, InvalidArgument
from server.usecases.processing import ProcessingUseCases

_TERMINAL = {"COMPLETED", "COMPLETED_WITH_ERRORS", "FAILED", "CANCELED"}
MAX_WAIT_SECONDS = 60.0


class TaskServicer(task_pb2_grpc.TaskServiceServicer):
    def __init__(self, processing: ProcessingUseCases):
        self._processing = processing

    async def TriggerCollection(self, request: pb.TriggerCollectionRequest, context: grpc.aio.ServicerContext) -> pb.TriggerCollectionResponse:
        answer = await self._processing.trigger(principal(), namespace_header(), to_dict(request))
        return to_message(answer, pb.TriggerCollectionResponse)

    async def GetTask(self, request: pb.GetTaskRequest, context: grpc.aio.ServicerContext) -> pb.GetTaskResponse:
        return pb.GetTaskResponse(task=to_message(await self._processing.get(principal(), request.task_id), pb.Task))

    async def ListTasks(self, request: pb.ListTasksRequest, context: grpc.aio.ServicerContext) -> pb.ListTasksResponse:
        return to_message(await self._processing.list_page(principal(), to_dict(request)), pb.ListTasksResponse)

    async def CancelTask(self, request: pb.CancelTaskRequest, context: grpc.aio.ServicerContext) -> pb.CancelTaskResponse:
        return pb.CancelTaskResponse(task=to_message(await self._processing.cancel(principal(), request.task_id), pb.Task))


def _operation(task: dict[str, Any]) -> operations_pb2.Operation:
    message = to_message(task, pb.Task)
    metadata = any_pb2.Any()
    metadata.Pack(message)
    op = operations_pb2.Operation(name=task["task_id"], metadata=metadata, done=task["status"] in _TERMINAL)
    if task["status"] == "FAILED":
        op.error.CopyFrom(status_pb2.Status(code=code_pb2.INTERNAL, message=task["error"] or "the task failed"))
    elif task["status"] == "CANCELED":
        op.error.CopyFrom(status_pb2.Status(code=code_pb2.CANCELLED, message=task["error"] or "canceled"))
    elif op.done:
        op.response.Pack(message)
    return op


class OperationsServicer(operations_pb2_grpc.OperationsServicer):
    def __init__(self, processing: ProcessingUseCases):
        self._processing = processing

    async def GetOperation(self, request: operations_pb2.GetOperationRequest, context: grpc.aio.ServicerContext) -> operations_pb2.Operation:
        return _operation(await self._processing.get(principal(), request.name))

    async def ListOperations(self, request: operations_pb2.ListOperationsRequest, context: grpc.aio.ServicerContext) -> operations_pb2.ListOperationsResponse:
        """Newest first; `page_token` is the offset of the page, `filter` is not supported."""
        if request.filter:
            raise InvalidArgument([FieldViolation("filter", "is not supported; list all and filter on the client")])
        try:
            offset = int(request.page_token or 0)
        except ValueError:
            raise InvalidArgument([FieldViolation("page_token", "is not a token this server issued")]) from None
        size = request.page_size or 100
        found = await self._processing.list(principal(), None, offset, size)
        answer = operations_pb2.ListOperationsResponse(operations=[_operation(t) for t in found])
        if len(found) == size:
            answer.next_page_token = str(offset + size)
        return answer

    async def CancelOperation(self, request: operations_pb2.CancelOperationRequest, context: grpc.aio.ServicerContext) -> empty_pb2.Empty:
        await self._processing.cancel(principal(), request.name)
        return empty_pb2.Empty()

    async def DeleteOperation(self, request: operations_pb2.DeleteOperationRequest, context: grpc.aio.ServicerContext) -> empty_pb2.Empty:
        """Tasks are kept as a record of what ran; deleting one is not offered."""
        await context.abort(grpc.StatusCode.UNIMPLEMENTED, "tasks are kept; cancel a running one with CancelOperation")
        raise AssertionError("unreachable")

    async def WaitOperation(self, request: operations_pb2.WaitOperationRequest, context: grpc.aio.ServicerContext) -> operations_pb2.Operation:
        """Polls the task until it is done or `timeout` (at most 60 s) passes."""
        wait = min(request.timeout.ToTimedelta().total_seconds() or MAX_WAIT_SECONDS, MAX_WAIT_SECONDS) if request.HasField("timeout") else MAX_WAIT_SECONDS
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            op = _operation(await self._processing.get(principal(), request.name))
            if op.done or loop.time() >= deadline:
                return op
            await asyncio.sleep(min(0.2, max(0.0, deadline - loop.time())))
