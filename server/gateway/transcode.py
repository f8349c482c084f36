"""HTTP request (path variables, query string, JSON body) -> request message, and response message
-> JSON, following a Route. JSON is Mixpeek's, through server.protojson.

Every problem is collected before answering, with its location as Mixpeek reports it:
`["body", "source", "type"]`, `["query", "limit"]`, `["path", "namespace_id"]`.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, NoReturn

from google.protobuf import descriptor
from google.protobuf.message import Message
from vecplane.v1 import options_pb2

from server.gateway import shapes
from server.gateway.errors import HttpError, validation_error
from server.gateway.routes import Route
from server.protojson import (
    DecodeError,
    DecodeIssue,
    dict_to_message,
    field_json_name,
    message_to_dict,
    rest_fields,
)

_FD = descriptor.FieldDescriptor
_INTEGER = re.compile(r"[+-]?\d+")
_TRUE, _FALSE = {"true", "1"}, {"false", "0"}
# Deeper JSON cannot become a message anyway: protobuf refuses to parse messages nested more than
# 100 levels, and each JSON level inside a Struct is two message levels.
MAX_DEPTH = 32


def parse_json(raw: bytes) -> Any:
    """The body's JSON (None for an empty body), or a 400 saying where it breaks."""
    if not raw.strip():
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise HttpError(400, f"Malformed JSON: the body is not UTF-8 (byte {error.start}).", {"position": error.start}) from None

    def reject_constant(name: str) -> NoReturn:
        raise ValueError(f"{name} is not valid JSON")

    try:
        data = json.loads(text, parse_constant=reject_constant)
    except json.JSONDecodeError as error:
        raise HttpError(
            400,
            f"Malformed JSON: {error.msg} at line {error.lineno} column {error.colno}.",
            {"line": error.lineno, "column": error.colno, "position": error.pos},
        ) from None
    except (ValueError, RecursionError) as error:
        raise HttpError(400, f"Malformed JSON: {error}.") from None
    _check_depth(data)
    return data


def _check_depth(data: Any) -> None:
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise HttpError(400, f"The JSON body is nested more than {MAX_DEPTH} levels deep.", {"max_depth": MAX_DEPTH})
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)


def build_request(
    route: Route, path_values: dict[str, str], query: list[tuple[str, str]], body: Any, found: list[DecodeIssue] | None = None
) -> Message:
    """The request message, or a 422 listing every issue in path, query and body (and those
    `found` before, translating the body)."""
    issues: list[DecodeIssue] = list(found or [])
    request = route.request_class()

    if route.body == "*":
        # Query values first: a value set in the body wins (a flag set in either is set).
        if route.query_params:
            request.MergeFrom(_decode_texts(route, _query_values(route, query, issues), "query", issues))
        body = gather_extra_keys(body, route.request_class.DESCRIPTOR, reserved=_resource_keys(route))
        request.MergeFrom(_decode(body if body is not None else {}, route, ("body",), issues))
        if route.update_mask is not None and isinstance(body, dict):
            _fill_update_mask(route, route.update_mask, request, body)
    elif route.body:
        field = route.body_field
        key = field_json_name(field)
        if body is not None:
            wrapped = gather_extra_keys({key: body}, route.request_class.DESCRIPTOR)
            decoded = _decode(wrapped, route, ("body",), issues, strip=key)
            request.MergeFrom(decoded)

    if route.query_params and route.body != "*":
        request.MergeFrom(_decode_texts(route, _query_values(route, query, issues), "query", issues))
    if route.path_fields:
        given = {route.path_fields[name].json_path: [value] for name, value in path_values.items()}
        request.MergeFrom(_decode_texts(route, given, "path", issues))

    if issues:
        raise validation_error(_immutable(route, issues))
    return request


def _resource_keys(route: Route) -> frozenset[str]:
    """On an update (PATCH, PUT), the JSON keys of the resource it answers with: a body key among
    them that the request does not have is a field that cannot be changed, never a custom field."""
    if route.http_method not in ("PATCH", "PUT") or not route.response_body:
        return frozenset()
    resource = route.response_class.DESCRIPTOR.fields_by_name[route.response_body].message_type
    if resource is None:
        return frozenset()
    return frozenset({f.name for f in resource.fields} | {field_json_name(f) for f in resource.fields})


def _immutable(route: Route, issues: list[DecodeIssue]) -> list[DecodeIssue]:
    """On an update (PATCH, PUT), a body key the request does not have but the resource it answers
    with does (a collection's `source`, an object's `blobs`) is a field that cannot be changed: said
    so, instead of "unknown field"."""
    keys = _resource_keys(route)
    if not keys:
        return issues
    noun = route.response_class.DESCRIPTOR.fields_by_name[route.response_body].message_type.name.lower()
    return [
        DecodeIssue(issue.location, f"cannot be changed (it is set when the {noun} is created)", "value_error")
        if issue.kind == "extra_forbidden" and len(issue.location) == 2 and issue.location[0] == "body" and issue.location[1] in keys
        else issue
        for issue in issues
    ]


def gather_extra_keys(data: Any, message_type: descriptor.Descriptor, reserved: frozenset[str] = frozenset()) -> Any:
    """A JSON body with the keys that name no field of a message marked
    `(vecplane.v1.extra_keys_into)` moved into that Struct field (keys already inside it win),
    through nested messages and lists of them; other JSON is returned as it is. Top-level keys in
    `reserved` are never moved (they stay unknown)."""
    if not isinstance(data, dict):
        return data
    fields: dict[str, descriptor.FieldDescriptor] = {}
    for candidate in rest_fields(message_type):
        fields[candidate.name] = fields[field_json_name(candidate)] = candidate
    into = message_type.GetOptions().Extensions[options_pb2.extra_keys_into]
    kept: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in data.items():
        found = fields.get(key)
        if found is None:
            (extra if into and key not in reserved else kept)[key] = value
            continue
        if found.type == descriptor.FieldDescriptor.TYPE_MESSAGE and not found.message_type.GetOptions().map_entry:
            if found.is_repeated and isinstance(value, list):
                value = [gather_extra_keys(item, found.message_type) for item in value]
            elif not found.is_repeated:
                value = gather_extra_keys(value, found.message_type)
        kept[key] = value
    if extra:
        target = fields[into]
        explicit = kept.pop(target.name, None) if target.name in kept else kept.pop(field_json_name(target), None)
        kept[field_json_name(target)] = {**extra, **explicit} if isinstance(explicit, dict) else (explicit if explicit is not None else extra)
    return kept


def _decode(data: Any, route: Route, location: tuple, issues: list[DecodeIssue], strip: str | None = None) -> Message:
    try:
        return dict_to_message(data, route.request_class, location=location)
    except DecodeError as error:
        for issue in error.issues:
            where = issue.location
            if strip is not None and where[len(location) : len(location) + 1] == (strip,):
                where = (*location, *where[len(location) + 1 :])
            issues.append(DecodeIssue(where, issue.message, issue.kind))
        return route.request_class()


def _fill_update_mask(route: Route, mask: descriptor.FieldDescriptor, request: Message, body: dict) -> None:
    """PATCH semantics: without an explicit update_mask, the fields sent are the fields changed
    (including those sent as null, which clears them). A mask sent as null or "" is no mask."""
    if any(body.get(key) not in (None, "") for key in (mask.name, field_json_name(mask))):
        return
    by_key = {}
    for candidate in route.method.input_type.fields:
        by_key[candidate.name] = candidate
        by_key[field_json_name(candidate)] = candidate
    in_path = {ref.fields[0].name for ref in route.path_fields.values()}
    paths = []
    for key in body:
        found = by_key.get(key)
        if found is not None and found is not mask and found.name not in in_path and found.name not in paths:
            paths.append(found.name)
    if paths:
        getattr(request, mask.name).paths.extend(paths)


def _query_values(route: Route, query: list[tuple[str, str]], issues: list[DecodeIssue]) -> dict[str, list[str]]:
    """The query parameters the route knows, by dotted JSON name (proto names accepted too).
    Others are ignored, as Mixpeek (FastAPI) does."""
    known = {}
    for ref in route.query_params:
        known[ref.json_path] = ref
        known[ref.proto_path] = ref
    values: dict[str, list[str]] = {}
    for name, value in query:
        found = known.get(name)
        if found is not None:
            values.setdefault(found.json_path, []).append(value)
    return values


def _decode_texts(route: Route, values: dict[str, list[str]], origin: str, issues: list[DecodeIssue]) -> Message:
    """Query or path strings -> typed JSON -> the request message (only the fields given)."""
    refs = {ref.json_path: ref for ref in (*route.query_params, *route.path_fields.values())}
    data: dict[str, Any] = {}
    for name, texts in values.items():
        ref = refs[name]
        leaf = ref.leaf
        if not leaf.is_repeated and len(texts) > 1:
            issues.append(DecodeIssue((origin, name), "must be given once", "value_error"))
            continue
        converted = []
        for index, text in enumerate(texts):
            where = (origin, name, index) if leaf.is_repeated else (origin, name)
            value, problem = _from_text(leaf, text)
            if problem:
                issues.append(DecodeIssue(where, problem, "type_error"))
            else:
                converted.append(value)
        if len(converted) != len(texts):
            continue
        node = data
        for part in ref.fields[:-1]:
            node = node.setdefault(field_json_name(part), {})
        node[field_json_name(leaf)] = converted if leaf.is_repeated else converted[0]
    try:
        return dict_to_message(data, route.request_class)
    except DecodeError as error:
        for issue in error.issues:
            parts = [p for p in issue.location if isinstance(p, str)]
            indexes = [p for p in issue.location if isinstance(p, int)]
            issues.append(DecodeIssue((origin, ".".join(parts), *indexes), issue.message, issue.kind))
        return route.request_class()


def _from_text(field: descriptor.FieldDescriptor, text: str) -> tuple[Any, str | None]:
    kind = field.type
    if kind in (_FD.TYPE_STRING, _FD.TYPE_ENUM, _FD.TYPE_MESSAGE):
        return text, None  # enums, timestamps and masks are checked by the codec
    if kind == _FD.TYPE_BOOL:
        lowered = text.lower()
        if lowered in _TRUE:
            return True, None
        if lowered in _FALSE:
            return False, None
        return None, "must be true or false"
    if kind in (_FD.TYPE_DOUBLE, _FD.TYPE_FLOAT):
        try:
            number = float(text)
        except ValueError:
            return None, "must be a number"
        return (number, None) if math.isfinite(number) else (None, "must be a finite number")
    if _INTEGER.fullmatch(text.strip()):
        return int(text), None
    return None, "must be an integer"


def response_json(route: Route, response: Message) -> Any:
    """The JSON answer: the whole response, or its `response_body` field. Every field appears, as
    in Mixpeek's answers (unset messages and optional values as null)."""
    if not route.response_body:
        return shapes.present(message_to_dict(response, include_defaults=True), route.method.output_type)
    field = route.method.output_type.fields_by_name[route.response_body]
    if is_resource(field):
        # The resource itself: always an object (all defaults if the servicer left it unset).
        return shapes.present(message_to_dict(getattr(response, field.name), include_defaults=True), field.message_type)
    data = message_to_dict(response, include_defaults=True)[field_json_name(field)]
    if field.type == _FD.TYPE_MESSAGE and not field.message_type.GetOptions().map_entry:
        for item in data if isinstance(data, list) else [data]:
            shapes.present(item, field.message_type)
    return data


def is_resource(field: descriptor.FieldDescriptor) -> bool:
    """A singular field of a (non well-known) message type."""
    return (
        field.type == _FD.TYPE_MESSAGE
        and not field.is_repeated
        and not field.message_type.full_name.startswith("google.protobuf.")
    )
