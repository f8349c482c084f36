"""A small gRPC service described at run time (its descriptors built here, with google.api.http
rules and json_value enum options), served by a real grpc.aio server, with the REST gateway in
front of it through a real channel. It exercises what vecplane's own protos do not use (nested path
variables, custom verbs, repeated and enum query parameters, single-field bodies with
response_body, timestamps and masks) and produces every gRPC status code on request, with rich
details, so the gateway's mapping can be checked row by row end to end. The gateway calls the
handlers in process (LocalCalls), as it does in the service."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import grpc
from google.api import annotations_pb2, http_pb2
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status
from vecplane.v1 import options_pb2

from server.gateway import Gateway
from server.gateway.local import LocalCalls

T = TypeVar("T")

PACKAGE = "vecplane.testing"
_F = descriptor_pb2.FieldDescriptorProto


def _file() -> descriptor_pb2.FileDescriptorProto:
    file = descriptor_pb2.FileDescriptorProto(
        name="vecplane/testing/echo.proto",
        package=PACKAGE,
        syntax="proto3",
        dependency=[
            "google/api/annotations.proto",
            "google/protobuf/field_mask.proto",
            "google/protobuf/struct.proto",
            "google/protobuf/timestamp.proto",
            "vecplane/v1/options.proto",
        ],
    )
    color = file.enum_type.add(name="Color")
    color.value.add(name="COLOR_UNSPECIFIED", number=0)
    for number, name in ((1, "red"), (2, "dark_blue")):
        value = color.value.add(name=f"COLOR_{name.upper()}", number=number)
        value.options.Extensions[options_pb2.json_value] = name

    inner = file.message_type.add(name="Inner")
    inner.field.add(name="b", number=1, type=_F.TYPE_STRING, label=_F.LABEL_OPTIONAL)
    inner.field.add(name="n", number=2, type=_F.TYPE_INT32, label=_F.LABEL_OPTIONAL)
    inner.field.add(name="color", number=3, type=_F.TYPE_ENUM, type_name=f".{PACKAGE}.Color", label=_F.LABEL_OPTIONAL)

    echo = file.message_type.add(name="EchoMessage")
    fields = [
        ("name", _F.TYPE_STRING, None, _F.LABEL_OPTIONAL),
        ("a", _F.TYPE_MESSAGE, f".{PACKAGE}.Inner", _F.LABEL_OPTIONAL),
        ("ids", _F.TYPE_INT64, None, _F.LABEL_REPEATED),
        ("colors", _F.TYPE_ENUM, f".{PACKAGE}.Color", _F.LABEL_REPEATED),
        ("flag", _F.TYPE_BOOL, None, _F.LABEL_OPTIONAL),
        ("ratio", _F.TYPE_DOUBLE, None, _F.LABEL_OPTIONAL),
        ("payload", _F.TYPE_MESSAGE, f".{PACKAGE}.Inner", _F.LABEL_OPTIONAL),
        ("at", _F.TYPE_MESSAGE, ".google.protobuf.Timestamp", _F.LABEL_OPTIONAL),
        ("update_mask", _F.TYPE_MESSAGE, ".google.protobuf.FieldMask", _F.LABEL_OPTIONAL),
        ("labels", _F.TYPE_STRING, None, _F.LABEL_REPEATED),
        ("meta", _F.TYPE_MESSAGE, ".google.protobuf.Struct", _F.LABEL_OPTIONAL),
    ]
    for number, (name, kind, type_name, label) in enumerate(fields, start=1):
        added = echo.field.add(name=name, number=number, type=kind, label=label)
        if type_name:
            added.type_name = type_name

    service = file.service.add(name="EchoService")
    rules = {
        # Nested path variable; everything else from the query string.
        "Echo": http_pb2.HttpRule(
            get="/v1/echo/{name}/inner/{a.b}",
            additional_bindings=[
                # A custom verb, a single-field body and a response_body.
                http_pb2.HttpRule(post="/v1/echo/{name}:payload", body="payload", response_body="payload"),
                http_pb2.HttpRule(post="/v1/echo/{name}/all", body="*"),
                http_pb2.HttpRule(get="/v1/echo-files/{name=files/**}"),
            ],
        ),
        "Update": http_pb2.HttpRule(patch="/v1/echo/{name}", body="*"),
        # Fails with the gRPC code named by `name` (e.g. OUT_OF_RANGE), with rich details.
        "Fail": http_pb2.HttpRule(get="/v1/fail/{name}"),
        # Sleeps `ratio` seconds, then echoes.
        "Slow": http_pb2.HttpRule(get="/v1/slow"),
        # Declared but never implemented by the backend: UNIMPLEMENTED.
        "Missing": http_pb2.HttpRule(delete="/v1/missing/{name}"),
    }
    for name, rule in rules.items():
        method = service.method.add(name=name, input_type=f".{PACKAGE}.EchoMessage", output_type=f".{PACKAGE}.EchoMessage")
        method.options.Extensions[annotations_pb2.http].CopyFrom(rule)
    return file


def _register():
    pool = descriptor_pool.Default()
    try:
        pool.FindServiceByName(f"{PACKAGE}.EchoService")
    except KeyError:
        pool.Add(_file())
    service = pool.FindServiceByName(f"{PACKAGE}.EchoService")
    message = message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{PACKAGE}.EchoMessage"))
    return service, message


SERVICE, EchoMessage = _register()


async def _echo(request, context):
    return request


async def _slow(request, context):
    await asyncio.sleep(request.ratio)
    return request


async def _fail(request, context):
    code = grpc.StatusCode[request.name]
    details = [error_details_pb2.ErrorInfo(reason=f"TEST_{request.name}", domain="vecplane.testing")]
    if code == grpc.StatusCode.NOT_FOUND:
        details.append(error_details_pb2.ResourceInfo(resource_type="echo", resource_name="e_42"))
    if code in (grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.INVALID_ARGUMENT):
        details.append(
            error_details_pb2.BadRequest(field_violations=[error_details_pb2.BadRequest.FieldViolation(field="name", description="bad")])
        )
    proto = status_pb2.Status(code=getattr(code_pb2, code.name), message=f"failed with {code.name}")
    for detail in details:
        proto.details.add().Pack(detail)
    status = rpc_status.to_status(proto)
    await context.abort(status.code, status.details, trailing_metadata=status.trailing_metadata)


class EchoBackend:
    """The echo handlers and a gateway in front of them, on their own loop in a thread."""

    def __init__(self, *, timeout_seconds: float = 5.0, max_body_bytes: int = 1024 * 1024):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="echo-backend", daemon=True)
        self.timeout_seconds = timeout_seconds
        self.max_body_bytes = max_body_bytes
        self.gateway: Gateway | None = None

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def _start(self) -> None:
        handlers = {
            name: grpc.unary_unary_rpc_method_handler(
                behaviour, request_deserializer=EchoMessage.FromString, response_serializer=EchoMessage.SerializeToString
            )
            for name, behaviour in (("Echo", _echo), ("Update", _echo), ("Fail", _fail), ("Slow", _slow))
        }
        calls = LocalCalls()
        calls.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE.full_name, handlers),))
        self.gateway = Gateway([SERVICE], calls, timeout_seconds=self.timeout_seconds, max_body_bytes=self.max_body_bytes)
        await self.gateway.start("127.0.0.1", 0)

    def start(self) -> EchoBackend:
        self.thread.start()
        self.run(self._start())
        return self

    @property
    def base_url(self) -> str:
        assert self.gateway is not None, "start() the backend first"
        return f"http://127.0.0.1:{self.gateway.port}"

    async def _stop(self, grace: float) -> None:
        if self.gateway is not None:
            await self.gateway.stop(grace)

    def stop(self, grace: float = 1.0) -> None:
        try:
            self.run(self._stop(grace))
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
