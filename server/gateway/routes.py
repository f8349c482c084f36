"""REST routes built from the `google.api.http` rules of the service descriptors: one Route per
binding (the rule itself and each of its `additional_bindings`), no hand-written route per RPC.

Which request fields come from where follows the rule, as in google/api/http.proto:
- path variables (`{namespace_id}`, or nested `{a.b}`) set the fields they name;
- `body: "*"` maps the JSON body onto every other field (and leaves no query parameters);
- `body: "<field>"` maps the body onto that one field;
- every field bound neither by the path nor by the body is a query parameter, by its dotted JSON
  name (`limit`, `query.sort.direction`); scalars and enums (by their JSON string) take one value,
  repeated scalars take the parameter once per item. Maps, lists of messages, Struct and Value
  cannot be written as query parameters and are left out, as are recursive message types below
  their first level.
- `response_body: "<field>"` answers with that field of the response instead of the whole message.
A method's `(vecplane.v1.http_success_status)` option sets the status of its successful answers
(202 for calls that queue work); 200 otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from google.api import annotations_pb2, http_pb2
from google.protobuf import descriptor, message_factory
from google.protobuf.message import Message
from vecplane.v1 import options_pb2

from server.gateway import templates
from server.protojson import field_json_name, rest_fields

_FD = descriptor.FieldDescriptor
STRING_LIKE = {"google.protobuf.Timestamp", "google.protobuf.FieldMask"}
NOT_IN_QUERY = {"google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue"}
_METHODS = ("get", "put", "post", "delete", "patch")


class RouteError(ValueError):
    """An http rule the gateway cannot serve (a contract bug: the server refuses to start)."""


@dataclass(frozen=True)
class FieldRef:
    """A field reached from the request message through a path of fields."""

    fields: tuple[descriptor.FieldDescriptor, ...]

    @property
    def leaf(self) -> descriptor.FieldDescriptor:
        return self.fields[-1]

    @property
    def proto_path(self) -> str:
        return ".".join(f.name for f in self.fields)

    @property
    def json_path(self) -> str:
        return ".".join(field_json_name(f) for f in self.fields)


@dataclass(frozen=True)
class Route:
    service: descriptor.ServiceDescriptor
    method: descriptor.MethodDescriptor
    http_method: str  # GET, POST, ...
    template: templates.PathTemplate
    body: str  # "" (no body), "*" or a field name of the request
    response_body: str  # "" or a field name of the response
    binding: int  # 0 for the rule itself, n for its n-th additional binding
    path_fields: dict[str, FieldRef] = field(default_factory=dict)  # template variable -> field
    query_params: tuple[FieldRef, ...] = ()
    update_mask: descriptor.FieldDescriptor | None = None  # filled from the body keys when absent
    request_class: type[Message] = Message
    response_class: type[Message] = Message

    @property
    def grpc_method(self) -> str:
        return f"/{self.service.full_name}/{self.method.name}"

    @property
    def operation_id(self) -> str:
        suffix = f"_{self.binding + 1}" if self.binding else ""
        return f"{self.service.name}_{self.method.name}{suffix}"

    @property
    def success_status(self) -> int:
        """The HTTP status of a successful answer: 200 unless the method declares another."""
        return int(self.method.GetOptions().Extensions[options_pb2.http_success_status]) or 200

    @property
    def key_optional(self) -> bool:
        """Whether the call answers without a key (`(vecplane.v1.key_optional)`)."""
        return bool(self.method.GetOptions().Extensions[options_pb2.key_optional])

    @property
    def namespaced(self) -> bool:
        """Whether the call acts in the namespace `x-namespace` names: the calls of a namespaced
        service, but for public (key-optional) catalogues, which belong to no namespace."""
        return bool(self.service.GetOptions().Extensions[options_pb2.namespaced]) and not self.key_optional

    @property
    def body_field(self) -> descriptor.FieldDescriptor | None:
        if self.body in ("", "*"):
            return None
        return self.method.input_type.fields_by_name[self.body]


def build(services: list[descriptor.ServiceDescriptor]) -> list[Route]:
    """Every binding of every method of the services, most specific templates first."""
    routes: list[Route] = []
    for service in services:
        for method in service.methods:
            if method.client_streaming or method.server_streaming:
                continue  # REST maps unary calls only
            options = method.GetOptions()
            if not options.HasExtension(annotations_pb2.http):
                continue
            rule = options.Extensions[annotations_pb2.http]
            bindings = [rule, *rule.additional_bindings]
            for index, binding in enumerate(bindings):
                routes.append(_route(service, method, binding, index))
    seen: dict[tuple[str, str], Route] = {}
    for route in routes:
        key = (route.http_method, route.template.regex.pattern)
        if key in seen:
            raise RouteError(
                f"{route.http_method} {route.template.text} is bound by both {seen[key].grpc_method} and {route.grpc_method}"
            )
        seen[key] = route
    # More literal segments first: `/v1/namespaces/list` before `/v1/namespaces/{namespace_id}`.
    routes.sort(key=lambda r: -r.template.literal_count)
    return routes


def _route(
    service: descriptor.ServiceDescriptor, method: descriptor.MethodDescriptor, rule: http_pb2.HttpRule, index: int
) -> Route:
    where = f"{service.full_name}.{method.name}" + (f" (additional binding {index})" if index else "")
    kind = rule.WhichOneof("pattern")
    if kind is None:
        raise RouteError(f"{where}: the http rule has no pattern")
    if kind == "custom":
        http_method, path = rule.custom.kind.upper(), rule.custom.path
    else:
        http_method, path = kind.upper(), getattr(rule, kind)
    try:
        template = templates.parse(path)
    except templates.TemplateError as error:
        raise RouteError(f"{where}: {error}") from None
    request_type, response_type = method.input_type, method.output_type

    path_fields = {}
    for variable in template.variables:
        ref = _resolve(request_type, variable.field_path, where)
        leaf = ref.leaf
        if leaf.is_repeated or (leaf.type == _FD.TYPE_MESSAGE and leaf.message_type.full_name not in STRING_LIKE):
            raise RouteError(f"{where}: path variable {variable.field_path!r} must name a scalar field")
        path_fields[variable.field_path] = ref

    body = rule.body
    if body not in ("", "*") and body not in request_type.fields_by_name:
        raise RouteError(f"{where}: body {body!r} is not a field of {request_type.full_name}")
    if rule.response_body and rule.response_body not in response_type.fields_by_name:
        raise RouteError(f"{where}: response_body {rule.response_body!r} is not a field of {response_type.full_name}")
    if index and rule.additional_bindings:
        raise RouteError(f"{where}: additional bindings cannot nest")

    bound = set(path_fields)
    if body not in ("", "*"):
        bound.add(body)
    if body == "*":  # only the fields marked (vecplane.v1.query_param) are also read from the query string
        query = tuple(FieldRef((f,)) for f in rest_fields(request_type) if f.GetOptions().Extensions[options_pb2.query_param] and f.name not in bound)
    else:
        query = tuple(_query_params(request_type, (), bound, {request_type.full_name}))

    mask = request_type.fields_by_name.get("update_mask")
    update_mask = (
        mask if body == "*" and mask is not None and mask.type == _FD.TYPE_MESSAGE and mask.message_type.full_name == "google.protobuf.FieldMask" else None
    )
    return Route(
        service=service,
        method=method,
        http_method=http_method,
        template=template,
        body=body,
        response_body=rule.response_body,
        binding=index,
        path_fields=path_fields,
        query_params=query,
        update_mask=update_mask,
        request_class=message_factory.GetMessageClass(request_type),
        response_class=message_factory.GetMessageClass(response_type),
    )


def _resolve(message_type: descriptor.Descriptor, dotted: str, where: str) -> FieldRef:
    chain = []
    current = message_type
    for part in dotted.split("."):
        if current is None or part not in current.fields_by_name:
            raise RouteError(f"{where}: {dotted!r} is not a field path of {message_type.full_name}")
        found = current.fields_by_name[part]
        chain.append(found)
        current = found.message_type if found.type == _FD.TYPE_MESSAGE and not found.is_repeated else None
    return FieldRef(tuple(chain))


def is_map(field_descriptor: descriptor.FieldDescriptor) -> bool:
    return field_descriptor.type == _FD.TYPE_MESSAGE and field_descriptor.message_type.GetOptions().map_entry


def _query_params(
    message_type: descriptor.Descriptor, prefix: tuple[descriptor.FieldDescriptor, ...], bound: set[str], seen: set[str]
) -> Iterator[FieldRef]:
    for candidate in rest_fields(message_type):
        chain = (*prefix, candidate)
        proto_path = ".".join(f.name for f in chain)
        if proto_path in bound or is_map(candidate):
            continue
        partly_bound = any(b.startswith(proto_path + ".") for b in bound)
        if candidate.type == _FD.TYPE_MESSAGE:
            name = candidate.message_type.full_name
            if name in STRING_LIKE and not candidate.is_repeated:
                yield FieldRef(chain)
            elif name in NOT_IN_QUERY or name in STRING_LIKE or candidate.is_repeated:
                continue
            elif name in seen and not partly_bound:
                continue  # a recursive type (filters): its first level is enough for a query string
            else:
                yield from _query_params(candidate.message_type, chain, bound, seen | {name})
        elif not partly_bound:
            yield FieldRef(chain)
