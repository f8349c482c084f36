"""A typed Python client for vecplane's gRPC API.

The generated stubs (`vecplane.v1.*_pb2_grpc`) do the talking; this module puts a small
interceptor in front of them that

- sends the API key (`authorization: Bearer <key>`) and the namespace (`x-namespace`) on every call,
- gives every call a deadline (30 s unless the client or the call sets another),
- retries with exponential backoff and full jitter, only where that is safe: UNAVAILABLE always (the
  server or a backing store was unreachable), ABORTED only for reads and for Reconfigure (whose
  ABORTED means another reconfigure of the namespace holds the lock),
- raises failures as typed exceptions (`NotFoundError`, `InvalidArgumentError`, ...) that carry the
  `google.rpc` details the server sends: field violations, ErrorInfo reason/domain/metadata,
  ResourceInfo and the call's correlation id.

So every RPC of every service is available, with the request and response messages of
`vecplane.v1`, and new RPCs work as soon as the stubs are regenerated::

    from vecplane.client import VecplaneClient
    from vecplane.v1 import namespace_pb2

    with VecplaneClient("localhost:50051", api_key="sk_...") as client:
        created = client.namespaces.CreateNamespace(
            namespace_pb2.CreateNamespaceRequest(
                namespace_name="catalog",
                feature_extractors=[namespace_pb2.NamespaceFeatureExtractor(feature_extractor_name="text_extractor", version="v1")],
            )
        ).namespace
        products = client.with_namespace(created.namespace_id)  # for the calls that act in a namespace

Stub calls take the usual gRPC keyword arguments (`timeout=`, `metadata=`, `wait_for_ready=`...);
a call's own `timeout` and metadata win over the client's. The client is synchronous and
thread-safe (a gRPC channel is); `stub.Method.future(...)` works but blocks while it retries.
"""

from __future__ import annotations

import collections
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import MappingProxyType, TracebackType
from typing import Any, ClassVar

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from vecplane.v1 import (
    admin_pb2_grpc,
    batch_pb2_grpc,
    bucket_pb2_grpc,
    collection_pb2_grpc,
    document_pb2_grpc,
    feature_extractor_pb2_grpc,
    namespace_pb2_grpc,
    retriever_pb2_grpc,
    task_pb2_grpc,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "AbortedError",
    "AlreadyExistsError",
    "DeadlineExceededError",
    "FailedPreconditionError",
    "FieldViolation",
    "InternalError",
    "InvalidArgumentError",
    "NotFoundError",
    "PermissionDeniedError",
    "ResourceInfo",
    "RetryPolicy",
    "UnauthenticatedError",
    "UnavailableError",
    "UnimplementedError",
    "VecplaneClient",
    "VecplaneError",
    "iter_results",
    "safe_to_retry_on_aborted",
]

DEFAULT_TIMEOUT = 30.0
"""Seconds a call may take, retries included, unless the client or the call says otherwise."""

_RECONFIGURE = "/vecplane.v1.NamespaceService/Reconfigure"


# --- errors -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldViolation:
    """One problem with one request field (google.rpc.BadRequest.FieldViolation)."""

    field: str
    """The field's path, e.g. `feature_extractors[0].version`."""
    description: str


@dataclass(frozen=True)
class ResourceInfo:
    """The resource a NOT_FOUND or ALREADY_EXISTS error is about (google.rpc.ResourceInfo)."""

    resource_type: str
    resource_name: str
    owner: str
    description: str


class VecplaneError(grpc.RpcError):
    """A failed call, with the google.rpc details of its status decoded.

    It is a `grpc.RpcError` with the `grpc.Call` accessors (`code()`, `details()`,
    `trailing_metadata()`), so code written against plain gRPC stubs keeps working. The subclass
    tells the code (`except NotFoundError:`); codes without a subclass raise `VecplaneError` itself.
    """

    status_code: ClassVar[grpc.StatusCode | None] = None
    """The code the subclass stands for."""

    def __init__(
        self,
        code: grpc.StatusCode,
        message: str,
        *,
        method: str = "",
        reason: str | None = None,
        domain: str | None = None,
        metadata: dict[str, str] | None = None,
        field_violations: Sequence[FieldViolation] = (),
        resource: ResourceInfo | None = None,
        correlation_id: str | None = None,
        trailing_metadata: Sequence[tuple[str, str | bytes]] = (),
    ):
        super().__init__(message)
        self._code = code
        self.message = message
        """The server's message, for people."""
        self.method = method
        """The full method name, e.g. `/vecplane.v1.NamespaceService/GetNamespace`."""
        self.reason = reason
        """google.rpc.ErrorInfo.reason, a stable machine-readable cause, e.g. `NAMESPACE_NOT_FOUND`."""
        self.domain = domain
        """google.rpc.ErrorInfo.domain (`vecplane` for the server's own errors)."""
        self.metadata: MappingProxyType[str, str] = MappingProxyType(dict(metadata or {}))
        """google.rpc.ErrorInfo.metadata."""
        self.field_violations: tuple[FieldViolation, ...] = tuple(field_violations)
        """google.rpc.BadRequest field violations, in the server's order."""
        self.resource = resource
        """google.rpc.ResourceInfo, for NOT_FOUND and ALREADY_EXISTS."""
        self.correlation_id = correlation_id
        """The server's id for the call (`x-request-id`); quote it when reporting a problem."""
        self._trailing_metadata = tuple(trailing_metadata)

    @property
    def violations(self) -> dict[str, str]:
        """The field violations by field path (descriptions of one field joined with `; `)."""
        found: dict[str, str] = {}
        for violation in self.field_violations:
            found[violation.field] = (
                f"{found[violation.field]}; {violation.description}" if violation.field in found else violation.description
            )
        return found

    def code(self) -> grpc.StatusCode:
        """The gRPC status code."""
        return self._code

    def details(self) -> str:
        """The status message (grpc.Call's name for it)."""
        return self.message

    def trailing_metadata(self) -> tuple[tuple[str, str | bytes], ...]:
        """The response trailers, including `x-request-id` and the binary status details."""
        return self._trailing_metadata

    def initial_metadata(self) -> tuple[tuple[str, str | bytes], ...]:
        return ()

    def __str__(self) -> str:
        text = f"{self._code.name}: {self.message}"
        if self.reason:
            text += f" [reason={self.reason}]"
        missing = [v for v in self.field_violations if v.field not in self.message]
        if missing:
            text += " " + "; ".join(f"{v.field}: {v.description}" for v in missing)
        if self.correlation_id:
            text += f" (correlation id {self.correlation_id})"
        return text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._code.name}, {self.message!r}, reason={self.reason!r})"

    @classmethod
    def from_rpc_error(cls, error: grpc.RpcError, method: str = "") -> VecplaneError:
        """The typed error for a failed call (`grpc.RpcError` that is also a `grpc.Call`)."""
        if isinstance(error, VecplaneError):
            return error
        code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
        message = (error.details() if hasattr(error, "details") else None) or ""
        trailers = tuple(error.trailing_metadata() or ()) if hasattr(error, "trailing_metadata") else ()
        reason = domain = correlation_id = None
        metadata: dict[str, str] = {}
        violations: list[FieldViolation] = []
        resource = None
        try:
            status = rpc_status.from_call(error) if trailers else None
        except ValueError:  # a status message or code that disagrees with the details: keep the status
            status = None
        for detail in status.details if status else ():
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                reason, domain, metadata = info.reason, info.domain, dict(info.metadata)
            elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                detail.Unpack(bad)
                violations.extend(FieldViolation(v.field, v.description) for v in bad.field_violations)
            elif detail.Is(error_details_pb2.ResourceInfo.DESCRIPTOR):
                info = error_details_pb2.ResourceInfo()
                detail.Unpack(info)
                resource = ResourceInfo(info.resource_type, info.resource_name, info.owner, info.description)
        for key, value in trailers:
            if key == "x-request-id" and isinstance(value, str):
                correlation_id = value
        correlation_id = correlation_id or metadata.get("correlation_id")
        kind = _ERROR_TYPES.get(code, VecplaneError)
        typed = kind(
            code,
            message,
            method=method,
            reason=reason,
            domain=domain,
            metadata=metadata,
            field_violations=violations,
            resource=resource,
            correlation_id=correlation_id,
            trailing_metadata=trailers,
        )
        typed.__cause__ = error if isinstance(error, BaseException) else None
        return typed


class InvalidArgumentError(VecplaneError):
    """The request is wrong; `field_violations` / `violations` say where. Nothing was changed."""

    status_code = grpc.StatusCode.INVALID_ARGUMENT


class NotFoundError(VecplaneError):
    """The resource does not exist for this key (or this namespace); see `resource`."""

    status_code = grpc.StatusCode.NOT_FOUND


class AlreadyExistsError(VecplaneError):
    """A resource with that name already exists; see `resource`."""

    status_code = grpc.StatusCode.ALREADY_EXISTS


class FailedPreconditionError(VecplaneError):
    """The system is not in a state that allows the call (e.g. the namespace needs a Reconfigure)."""

    status_code = grpc.StatusCode.FAILED_PRECONDITION


class AbortedError(VecplaneError):
    """The call lost a race (e.g. another reconfigure of the namespace is running)."""

    status_code = grpc.StatusCode.ABORTED


class UnauthenticatedError(VecplaneError):
    """No API key, a malformed one, or an unknown one."""

    status_code = grpc.StatusCode.UNAUTHENTICATED


class PermissionDeniedError(VecplaneError):
    """The key is valid but may not do this (e.g. AdminService without an admin key)."""

    status_code = grpc.StatusCode.PERMISSION_DENIED


class UnavailableError(VecplaneError):
    """The server, or a store behind it, could not be reached (after the retries)."""

    status_code = grpc.StatusCode.UNAVAILABLE


class DeadlineExceededError(VecplaneError):
    """The call's deadline passed (retries included)."""

    status_code = grpc.StatusCode.DEADLINE_EXCEEDED


class UnimplementedError(VecplaneError):
    """The server does not serve this RPC (an older server, or a method not built yet)."""

    status_code = grpc.StatusCode.UNIMPLEMENTED


class InternalError(VecplaneError):
    """The server failed unexpectedly; `correlation_id` finds the failure in its logs."""

    status_code = grpc.StatusCode.INTERNAL


_ERROR_TYPES: dict[grpc.StatusCode, type[VecplaneError]] = {
    kind.status_code: kind
    for kind in (
        InvalidArgumentError,
        NotFoundError,
        AlreadyExistsError,
        FailedPreconditionError,
        AbortedError,
        UnauthenticatedError,
        PermissionDeniedError,
        UnavailableError,
        DeadlineExceededError,
        UnimplementedError,
        InternalError,
    )
}


# --- retries ----------------------------------------------------------------------------------


_READS = frozenset(
    (
        "/vecplane.v1.DocumentService/CountDocuments",
        "/vecplane.v1.DocumentService/AggregateDocuments",
        "/vecplane.v1.DocumentService/DistinctDocumentValues",
        "/vecplane.v1.DocumentService/ValidateDocumentSchema",
        "/vecplane.v1.DocumentService/BatchGetDocuments",
        "/vecplane.v1.DocumentService/BatchListNamespaceDocuments",
        "/vecplane.v1.RetrieverService/ExecuteRetriever",
        "/vecplane.v1.RetrieverService/ExecuteAdhocRetriever",
        "/vecplane.v1.RetrieverService/ExplainRetriever",
    )
)


def safe_to_retry_on_aborted(method: str) -> bool:
    """Whether an ABORTED `method` may be sent again: reads (Get*, List*, counting, aggregating or validating documents,
    executing or explaining a retriever) and Reconfigure, whose ABORTED means another reconfigure
    held the namespace's lock and nothing was changed."""
    name = method.rsplit("/", 1)[-1]
    return name.startswith(("Get", "List")) or method in _READS or method == _RECONFIGURE


@dataclass(frozen=True)
class RetryPolicy:
    """When and how often a failed call is sent again.

    UNAVAILABLE is always retried: the call did not reach a working server, or a store behind it was
    down; a create that did land before the failure comes back as ALREADY_EXISTS on the retry (names
    are unique), never as a duplicate. ABORTED is retried where `retry_aborted(method)` says so.
    Nothing else is retried. Backoff is exponential with full jitter: before retry n the client
    sleeps a random time in [0, min(max_backoff, initial_backoff * multiplier ** (n - 1))]; the
    call's deadline bounds the whole sequence.
    """

    max_attempts: int = 5
    """Attempts in all, the first included (1 disables retries)."""
    initial_backoff: float = 0.2
    max_backoff: float = 5.0
    multiplier: float = 2.0
    retry_aborted: Callable[[str], bool] = safe_to_retry_on_aborted

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.initial_backoff < 0 or self.max_backoff < 0 or self.multiplier < 1:
            raise ValueError("backoffs must be >= 0 and multiplier >= 1")

    def should_retry(self, method: str, code: grpc.StatusCode) -> bool:
        """Whether a call of `method` that failed with `code` may be sent again."""
        if code == grpc.StatusCode.UNAVAILABLE:
            return True
        return code == grpc.StatusCode.ABORTED and self.retry_aborted(method)

    def backoff(self, retry: int) -> float:
        """Seconds to sleep before retry number `retry` (1 for the first retry)."""
        ceiling = min(self.max_backoff, self.initial_backoff * self.multiplier ** (retry - 1))
        return random.uniform(0, ceiling)


NO_RETRY = RetryPolicy(max_attempts=1)


# --- the interceptor ----------------------------------------------------------------------------


class _CallDetails(
    collections.namedtuple("_CallDetails", ("method", "timeout", "metadata", "credentials", "wait_for_ready", "compression")),
    grpc.ClientCallDetails,
):
    pass


class _Failed(grpc.RpcError, grpc.Call, grpc.Future):
    """The outcome of a call that failed for good: `result()` raises the typed error."""

    def __init__(self, error: VecplaneError):
        super().__init__()
        self._error = error

    def result(self, timeout: float | None = None) -> Any:
        raise self._error

    def exception(self, timeout: float | None = None) -> VecplaneError:
        return self._error

    def traceback(self, timeout: float | None = None) -> TracebackType | None:
        return None

    def code(self) -> grpc.StatusCode:
        return self._error.code()

    def details(self) -> str:
        return self._error.details()

    def trailing_metadata(self):
        return self._error.trailing_metadata()

    def initial_metadata(self):
        return ()

    def is_active(self) -> bool:
        return False

    def time_remaining(self) -> float | None:
        return None

    def cancel(self) -> bool:
        return False

    def cancelled(self) -> bool:
        return False

    def running(self) -> bool:
        return False

    def done(self) -> bool:
        return True

    def add_callback(self, callback) -> bool:
        return False

    def add_done_callback(self, fn) -> None:
        fn(self)


class _Interceptor(grpc.UnaryUnaryClientInterceptor):
    """Metadata, deadline, retries and typed errors for every unary call of a channel."""

    def __init__(self, metadata: Sequence[tuple[str, str]], timeout: float | None, retry: RetryPolicy):
        self._metadata = tuple(metadata)
        self._timeout = timeout
        self._retry = retry

    def intercept_unary_unary(self, continuation, client_call_details, request):
        method = client_call_details.method
        method = method.decode() if isinstance(method, bytes) else method
        own = tuple(client_call_details.metadata or ())
        own_keys = {key for key, _ in own}
        metadata = own + tuple((key, value) for key, value in self._metadata if key not in own_keys)
        timeout = client_call_details.timeout if client_call_details.timeout is not None else self._timeout
        deadline = None if timeout is None else time.monotonic() + timeout
        attempt = 0
        while True:
            attempt += 1
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            outcome = continuation(
                _CallDetails(
                    method,
                    remaining,
                    metadata,
                    client_call_details.credentials,
                    client_call_details.wait_for_ready,
                    client_call_details.compression,
                ),
                request,
            )
            error = outcome.exception()  # waits for the call to finish
            if error is None:
                return outcome
            if not isinstance(error, grpc.RpcError):
                return outcome  # a local failure (e.g. a request that would not serialize): as gRPC raises it
            code = error.code()
            if attempt < self._retry.max_attempts and self._retry.should_retry(method, code):
                pause = self._retry.backoff(attempt)
                if deadline is None or time.monotonic() + pause < deadline:
                    time.sleep(pause)
                    continue
            return _Failed(VecplaneError.from_rpc_error(error, method))


# --- the client -----------------------------------------------------------------------------------


_CHANNEL_DEFAULTS = {"grpc.max_reconnect_backoff_ms": 5000}


class _Unset:
    """The type of `_UNSET`: "keep the current value" where None means something."""


_UNSET = _Unset()


class VecplaneClient:
    """A connection to vecplane with a stub per service.

    Args:
        target: `host:port` of the gRPC server.
        api_key: sent as `authorization: Bearer <api_key>` on every call.
        namespace: sent as `x-namespace` (ID or name), needed by the calls that act in a namespace:
            buckets and objects, collections, documents, retrievers, tasks and batches.
        tls: connect over TLS (implied by `root_certificates` and `certificate_chain`).
        root_certificates: PEM bytes of the CAs to trust; default: the system's.
        private_key, certificate_chain: PEM bytes of this client's key and certificate, for a
            server that requires client certificates (mutual TLS).
        timeout: the deadline of each call in seconds, retries included (None: no deadline); a
            call's own `timeout=` wins.
        retry: the retry policy; `RetryPolicy(max_attempts=1)` (or `vecplane.client.NO_RETRY`)
            turns retries off.
        options: extra gRPC channel options, e.g. `[("grpc.max_receive_message_length", 64 << 20)]`.
        channel: use this channel instead of opening one (the client will not close it).

    Services: `namespaces`, `buckets` (and objects), `collections`, `documents`, `retrievers`,
    `tasks` (collection triggers), `batches`, `extractors`, `admin`. Use it as a context manager, or
    call `close()`.
    """

    namespaces: namespace_pb2_grpc.NamespaceServiceStub
    buckets: bucket_pb2_grpc.BucketServiceStub
    collections: collection_pb2_grpc.CollectionServiceStub
    documents: document_pb2_grpc.DocumentServiceStub
    retrievers: retriever_pb2_grpc.RetrieverServiceStub
    tasks: task_pb2_grpc.TaskServiceStub
    batches: batch_pb2_grpc.BatchServiceStub
    extractors: feature_extractor_pb2_grpc.FeatureExtractorServiceStub
    admin: admin_pb2_grpc.AdminServiceStub

    def __init__(
        self,
        target: str = "localhost:50051",
        api_key: str | None = None,
        namespace: str | None = None,
        *,
        tls: bool = False,
        root_certificates: bytes | None = None,
        private_key: bytes | None = None,
        certificate_chain: bytes | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        retry: RetryPolicy = RetryPolicy(),
        options: Sequence[tuple[str, Any]] = (),
        channel: grpc.Channel | None = None,
    ):
        self.target = target
        self.api_key = api_key
        self.namespace = namespace
        self.timeout = timeout
        self.retry = retry
        self._owns_channel = channel is None
        if channel is None:
            # gRPC waits up to 120 s between reconnection attempts after a server went away, and
            # calls fail at once meanwhile; 5 s keeps reconnection in step with the retry backoff.
            settings = dict(_CHANNEL_DEFAULTS)
            settings.update(options)
            if tls or root_certificates is not None or certificate_chain is not None:
                credentials = grpc.ssl_channel_credentials(root_certificates, private_key, certificate_chain)
                channel = grpc.secure_channel(target, credentials, options=list(settings.items()))
            else:
                channel = grpc.insecure_channel(target, options=list(settings.items()))
        self._raw_channel = channel
        metadata = []
        if api_key:
            metadata.append(("authorization", f"Bearer {api_key}"))
        if namespace:
            metadata.append(("x-namespace", namespace))
        self.channel: grpc.Channel = grpc.intercept_channel(channel, _Interceptor(metadata, timeout, retry))
        """The channel with this client's metadata, deadline, retries and errors applied."""
        self.namespaces = namespace_pb2_grpc.NamespaceServiceStub(self.channel)
        self.buckets = bucket_pb2_grpc.BucketServiceStub(self.channel)
        self.collections = collection_pb2_grpc.CollectionServiceStub(self.channel)
        self.documents = document_pb2_grpc.DocumentServiceStub(self.channel)
        self.retrievers = retriever_pb2_grpc.RetrieverServiceStub(self.channel)
        self.tasks = task_pb2_grpc.TaskServiceStub(self.channel)
        self.batches = batch_pb2_grpc.BatchServiceStub(self.channel)
        self.extractors = feature_extractor_pb2_grpc.FeatureExtractorServiceStub(self.channel)
        self.admin = admin_pb2_grpc.AdminServiceStub(self.channel)

    def with_namespace(self, namespace: str) -> VecplaneClient:
        """The same connection, key, deadline and retries, acting in `namespace` (ID or name).
        Closing the returned client does not close the connection."""
        return self._derive(namespace=namespace)

    def with_options(self, *, timeout: float | _Unset | None = _UNSET, retry: RetryPolicy | None = None) -> VecplaneClient:
        """The same connection with another default deadline (None: none) and/or retry policy."""
        return self._derive(
            timeout=self.timeout if isinstance(timeout, _Unset) else timeout,
            retry=self.retry if retry is None else retry,
        )

    def _derive(self, **changes: Any) -> VecplaneClient:
        settings = {"api_key": self.api_key, "namespace": self.namespace, "timeout": self.timeout, "retry": self.retry}
        settings.update(changes)
        return VecplaneClient(self.target, channel=self._raw_channel, **settings)

    def wait_until_ready(self, timeout: float = 10.0) -> None:
        """Blocks until the channel is connected; raises `UnavailableError` after `timeout` seconds."""
        try:
            grpc.channel_ready_future(self._raw_channel).result(timeout=timeout)
        except grpc.FutureTimeoutError:
            raise UnavailableError(grpc.StatusCode.UNAVAILABLE, f"{self.target} did not accept a connection within {timeout} s") from None

    def close(self) -> None:
        """Closes the connection (if this client opened it)."""
        if self._owns_channel:
            self._raw_channel.close()

    def __enter__(self) -> VecplaneClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"VecplaneClient({self.target!r}, namespace={self.namespace!r})"


def iter_results(method: Callable[..., Any], request: Any, **call_options: Any) -> Iterator[Any]:
    """Every item of a List* RPC, page after page: following `pagination.next_cursor` where the
    request takes a cursor, else advancing `offset` by the items received.

    `method` is a stub method such as `client.namespaces.ListNamespaces`; `request` its request (its
    `limit` is the page size); `call_options` go to each call (e.g. `timeout=`)::

        for namespace in iter_results(client.namespaces.ListNamespaces, ListNamespacesRequest(limit=100)):
            print(namespace.namespace_name)
    """
    page = type(request)()
    page.CopyFrom(request)
    while True:
        response = method(page, **call_options)
        yield from response.results
        if not response.results:
            return
        if "cursor" in type(page).DESCRIPTOR.fields_by_name:
            cursor = response.pagination.next_cursor if response.pagination.HasField("next_cursor") else ""
            if not cursor:
                return
            page.cursor = cursor
            page.offset = 0
        else:
            if page.limit and len(response.results) < page.limit:
                return  # a short page is the last
            page.offset += len(response.results)
