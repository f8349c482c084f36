"""The OpenAPI 3.1 document of the REST gateway, generated from the same routes and descriptors.

Schemas say exactly what server.protojson reads and writes: the Mixpeek JSON names (`AND`/`OR`/
`NOT`), enum values as their `json_value` strings, 64-bit integers as numbers, and `null` wherever
the codec writes null in answers (unset messages, optional scalars, unset enums, Value). Answers
carry every field, so response objects list all their properties as required. Descriptions are the
protos' comments (server/gateway/proto_comments.json, written by scripts/generate); request
body and path parameter examples come from server/gateway/examples.py.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from importlib import metadata
from pathlib import Path
from typing import Any

from google.api import field_behavior_pb2
from google.protobuf import descriptor, descriptor_pool
from vecplane.v1 import options_pb2

from server.domain import names, paging
from server.gateway import errors, examples, shapes
from server.gateway.routes import FieldRef, Route, is_map
from server.gateway.transcode import is_resource
from server.protojson import enum_json_values, enum_value_json, field_json_name, rest_fields

_FD = descriptor.FieldDescriptor
_COMMENTS_FILE = Path(__file__).with_name("proto_comments.json")
_INT32 = {_FD.TYPE_INT32, _FD.TYPE_SINT32, _FD.TYPE_SFIXED32}
_UINT32 = {_FD.TYPE_UINT32, _FD.TYPE_FIXED32}
_INT64 = {_FD.TYPE_INT64, _FD.TYPE_SINT64, _FD.TYPE_SFIXED64}
_UINT64 = {_FD.TYPE_UINT64, _FD.TYPE_FIXED64}
ERROR_SCHEMA = "ErrorResponse"
BEARER = "bearerAuth"


def load_comments() -> dict[str, str]:
    """Proto comments by full name; empty (no descriptions) if the file is missing."""
    try:
        return json.loads(_COMMENTS_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def _version() -> str:
    try:
        return metadata.version("vecplane")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def _schema_name(message_type: descriptor.Descriptor) -> str:
    package = message_type.file.package
    return message_type.full_name.removeprefix(package + ".").replace(".", "_")


def _behaviors(field: descriptor.FieldDescriptor) -> set[int]:
    return set(field.GetOptions().Extensions[field_behavior_pb2.field_behavior])


# Header values the gateway forwards: printable ASCII (anything else is a 400).
PRINTABLE_ASCII = "^[ -~]*$"
# Map and Struct keys cannot hold a NUL character (server.api.keys).
NO_NUL_KEYS = {"pattern": "^[^\u0000]*$"}


def _request_constraints(field: descriptor.FieldDescriptor) -> dict[str, Any]:
    """What the service checks about a request's own field beyond its type, so that a request valid
    for the document is not refused: names follow the name rule, list limits and offsets stay in
    range (server.domain holds the rules); then what _constraints says."""
    if field.type == _FD.TYPE_STRING and not field.is_repeated and field.name in names.NAME_FIELDS:
        return {"minLength": 3, "maxLength": 100, "pattern": names.NAME_PATTERN}
    if field.type == _FD.TYPE_INT32 and field.containing_type.name.startswith("List"):
        if field.name == "limit":
            return {"minimum": 0, "maximum": paging.MAX_LIMIT}  # 0: the default
        if field.name == "offset":
            return {"minimum": 0, "maximum": paging.MAX_OFFSET}
    return _constraints(field)


def _constraints(field: descriptor.FieldDescriptor) -> dict[str, Any]:
    """Required strings and lists are not empty (requests and answers alike)."""
    if field_behavior_pb2.REQUIRED in _behaviors(field):
        if field.is_repeated and not is_map(field):
            return {"minItems": 1}
        if field.type == _FD.TYPE_STRING:
            return {"minLength": 1}
    return {}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    out = dict(schema)
    kind = out.get("type")
    if kind is None:
        return out  # any value already includes null
    out["type"] = [kind, "null"] if isinstance(kind, str) else [*kind, "null"]
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


class _Generator:
    def __init__(self, comments: dict[str, str]):
        self.comments = comments
        self.schemas: dict[str, Any] = {}

    # --- schemas ---------------------------------------------------------------------------

    def message_ref(self, message_type: descriptor.Descriptor) -> dict[str, Any]:
        special = self.well_known(message_type.full_name)
        if special is not None:
            return special
        name = _schema_name(message_type)
        if name not in self.schemas:
            self.schemas[name] = {}  # placeholder: recursive types refer to themselves
            self.schemas[name] = self.message_schema(message_type)
        return {"$ref": f"#/components/schemas/{name}"}

    def schema_ref(self, name: str) -> dict[str, Any]:
        """The reference to the schema of a vecplane.v1 message, by its name."""
        return self.message_ref(descriptor_pool.Default().FindMessageTypeByName(f"vecplane.v1.{name}"))

    def message_schema(
        self, message_type: descriptor.Descriptor, *, skip: Collection[str] = frozenset(), request: bool = False
    ) -> dict[str, Any]:
        """`request`: the body of a request, whose own fields get _request_constraints."""
        properties, required = {}, []
        for field in rest_fields(message_type):
            if field.name in skip:
                continue
            key = field_json_name(field)
            properties[key] = self.field_schema(field)
            if request and "$ref" not in properties[key] and "anyOf" not in properties[key]:
                properties[key].update(_request_constraints(field))
            if field_behavior_pb2.REQUIRED in _behaviors(field):
                required.append(key)
        shapes.document(message_type, properties, required, self.schema_ref)
        # A message that gathers unknown keys into a Struct field takes any other key (Mixpeek's flat custom fields).
        open_keys = bool(message_type.GetOptions().Extensions[options_pb2.extra_keys_into])
        schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": open_keys}
        if open_keys:
            schema["propertyNames"] = NO_NUL_KEYS
        if required:
            schema["required"] = required
        description = self.comments.get(message_type.full_name)
        if description:
            schema["description"] = description
        return schema

    def well_known(self, full_name: str) -> dict[str, Any] | None:
        if full_name == "google.protobuf.Timestamp":
            return {"type": "string", "format": "date-time"}
        if full_name == "google.protobuf.FieldMask":
            return {"type": "string", "description": "Comma-separated field names."}
        if full_name == "google.protobuf.Struct":
            return {"type": "object", "additionalProperties": True, "propertyNames": NO_NUL_KEYS}
        if full_name == "google.protobuf.ListValue":
            return {"type": "array", "items": {}}
        if full_name == "google.protobuf.Value":
            return {"propertyNames": NO_NUL_KEYS}  # any JSON value; keys apply to objects only
        return None

    def value_schema(self, field: descriptor.FieldDescriptor) -> dict[str, Any]:
        """The schema of one value of the field (an item, for repeated fields)."""
        kind = field.type
        if kind == _FD.TYPE_MESSAGE:
            return self.message_ref(field.message_type)
        if kind == _FD.TYPE_ENUM:
            return self.enum_schema(field.enum_type)
        if kind == _FD.TYPE_STRING:
            return {"type": "string"}
        if kind == _FD.TYPE_BOOL:
            return {"type": "boolean"}
        if kind in (_FD.TYPE_DOUBLE, _FD.TYPE_FLOAT):
            return {"type": "number"}
        if kind in _INT32:
            return {"type": "integer", "format": "int32", "minimum": -(2**31), "maximum": 2**31 - 1}
        if kind in _UINT32:
            return {"type": "integer", "format": "int32", "minimum": 0, "maximum": 2**32 - 1}
        if kind in _INT64:
            return {"type": "integer", "format": "int64", "minimum": -(2**63), "maximum": 2**63 - 1}
        if kind in _UINT64:
            return {"type": "integer", "format": "int64", "minimum": 0, "maximum": 2**64 - 1}
        raise TypeError(f"no JSON mapping for {field.full_name}")

    def enum_schema(self, enum_type: descriptor.EnumDescriptor) -> dict[str, Any]:
        name = _schema_name(enum_type)
        if name not in self.schemas:
            lines = [self.comments.get(enum_type.full_name, "")]
            for value in enum_type.values:
                if value.number == 0:
                    continue
                comment = self.comments.get(f"{enum_type.full_name}.{value.name}", "")
                lines.append(f"- `{enum_value_json(value)}`" + (f": {comment}" if comment else ""))
            self.schemas[name] = {"type": "string", "enum": enum_json_values(enum_type), "description": "\n".join(line for line in lines if line)}
        return {"$ref": f"#/components/schemas/{name}"}

    def field_schema(self, field: descriptor.FieldDescriptor) -> dict[str, Any]:
        if is_map(field):
            value_field = field.message_type.fields_by_name["value"]
            schema: dict[str, Any] = {"type": "object", "additionalProperties": self.item_schema(value_field), "propertyNames": NO_NUL_KEYS}
        elif field.is_repeated:
            schema = {"type": "array", "items": self.item_schema(field)}
        else:
            schema = self.value_schema(field)
            # null when unset: messages (but Value, which holds null itself), proto3 optional
            # scalars, and enums at their zero value.
            if (field.has_presence and not (field.type == _FD.TYPE_MESSAGE and field.message_type.full_name == "google.protobuf.Value")) or field.type == _FD.TYPE_ENUM:
                schema = _nullable(schema)
        return self.describe(schema, field)

    def item_schema(self, field: descriptor.FieldDescriptor) -> dict[str, Any]:
        """An item of a list or a map value: never null, but an enum item at its zero value."""
        schema = self.value_schema(field)
        return _nullable(schema) if field.type == _FD.TYPE_ENUM else schema

    def describe(self, schema: dict[str, Any], field: descriptor.FieldDescriptor) -> dict[str, Any]:
        out = dict(schema)
        constraints = _constraints(field)
        if constraints and "$ref" not in out and "anyOf" not in out:
            out.update(constraints)
        description = self.comments.get(field.full_name)
        if description:  # next to a $ref too: OpenAPI 3.1 allows it
            out["description"] = description
        behaviors = _behaviors(field)
        if field_behavior_pb2.OUTPUT_ONLY in behaviors:
            out["readOnly"] = True
        if field.GetOptions().deprecated:
            out["deprecated"] = True
        return out

    # --- operations ------------------------------------------------------------------------

    def parameter(self, ref: FieldRef, where: str, required: bool, example: dict[str, Any] | None = None) -> dict[str, Any]:
        leaf = ref.leaf
        value = self.value_schema(leaf) if leaf.type != _FD.TYPE_MESSAGE else self.well_known(leaf.message_type.full_name)
        assert value is not None  # query and path fields are scalars, enums or string-like messages
        schema = {"type": "array", "items": value} if leaf.is_repeated else {**value, **_request_constraints(leaf)}
        parameter: dict[str, Any] = {"name": ref.json_path, "in": where, "required": required, "schema": schema}
        if leaf.is_repeated:
            parameter["style"], parameter["explode"] = "form", True
        description = self.comments.get(leaf.full_name)
        if description:
            parameter["description"] = description
        value = _at(example, ref.json_path)
        if value is not None:
            parameter["example"] = value
        return parameter

    def operation(self, route: Route) -> dict[str, Any]:
        method_doc = self.comments.get(route.method.full_name, "")
        summary = method_doc.split("\n\n")[0].split(". ")[0].rstrip(".") if method_doc else route.method.name
        operation: dict[str, Any] = {
            "operationId": route.operation_id,
            "summary": summary,
            "description": method_doc + f"\n\ngRPC: `{route.grpc_method}`",
            "tags": [route.service.name],
        }
        if route.key_optional:
            operation["security"] = [{}, {BEARER: []}]  # no key, or a key (which may show more)
        example = examples.REQUESTS.get(route.method.full_name)
        parameters = [self.parameter(ref, "path", True, example) for ref in route.path_fields.values()]
        parameters += [self.parameter(ref, "query", False) for ref in route.query_params]
        if route.namespaced:
            parameters.append({"$ref": "#/components/parameters/XNamespace"})
        parameters.append({"$ref": "#/components/parameters/XRequestId"})
        operation["parameters"] = parameters

        if route.body == "*":
            in_path = {ref.fields[0].name for ref in route.path_fields.values()}
            body_schema = self.message_schema(route.method.input_type, skip=in_path, request=True)
            if route.update_mask is not None:
                body_schema["properties"][field_json_name(route.update_mask)]["description"] = (
                    "The fields to change, comma-separated. Default: the fields present in this body."
                )
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body_schema}}}
            if example is not None:
                path_keys = {ref.json_path.split(".")[0] for ref in route.path_fields.values()}
                operation["requestBody"]["content"]["application/json"]["example"] = {k: v for k, v in example.items() if k not in path_keys}
        elif route.body:
            field = route.body_field
            assert field is not None  # route.body names a field
            operation["requestBody"] = {
                "required": False,
                "description": self.comments.get(field.full_name, ""),
                "content": {"application/json": {"schema": self.field_schema(field)}},
            }
            body_example = _at(example, field_json_name(field))
            if body_example is not None:
                operation["requestBody"]["content"]["application/json"]["example"] = body_example

        if route.response_body:
            field = route.method.output_type.fields_by_name[route.response_body]
            response_schema = self.message_ref(field.message_type) if is_resource(field) else self.field_schema(field)
            response_description = self.comments.get(field.full_name) or "OK"
        else:
            response_schema = self.message_ref(route.method.output_type)
            response_description = self.comments.get(route.method.output_type.full_name) or "OK"
        error = {"$ref": "#/components/responses/Error"}
        operation["responses"] = {
            str(route.success_status): {"description": response_description, "content": {"application/json": {"schema": response_schema}}},
            "400": {"$ref": "#/components/responses/BadRequest"},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "404": {"$ref": "#/components/responses/NotFound"},
            "422": {"$ref": "#/components/responses/ValidationError"},
            "default": error,
        }
        return operation


def _at(example: dict[str, Any] | None, json_path: str) -> Any:
    """The value at a dotted JSON path of an example request (None: not there)."""
    value: Any = example
    for key in json_path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _error_components() -> tuple[dict[str, Any], dict[str, Any]]:
    codes = ", ".join(
        f"{status} {kind}" for status, kind in sorted({v for k, v in errors.GRPC_TO_HTTP.items() if v[0] != 200} | set(errors.HTTP_TYPES.items()))
    )
    details = {
        "description": "What went wrong, in parts; null when there is nothing more to say.",
        "type": ["object", "null"],
        "properties": {
            "reason": {"type": "string", "description": "Machine-readable reason (google.rpc.ErrorInfo), e.g. NAMESPACE_NOT_FOUND."},
            "domain": {"type": "string"},
            "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
            "resource": {"type": "string", "description": "NotFoundError / AlreadyExistsError: the kind of resource."},
            "id": {"type": "string", "description": "NotFoundError / AlreadyExistsError: the ID or name asked for."},
            "field_violations": {
                "type": "array",
                "description": "BadRequestError: every bad field (google.rpc.BadRequest).",
                "items": {
                    "type": "object",
                    "properties": {"field": {"type": "string"}, "description": {"type": "string"}},
                    "required": ["field", "description"],
                },
            },
            "validation_errors": {
                "type": "array",
                "description": "ValidationError: every value that does not fit the request's JSON schema.",
                "items": {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string", "enum": ["extra_forbidden", "type_error", "value_error"]},
                        "location": {"type": "array", "items": {"type": ["string", "integer"]}},
                        "message": {"type": "string"},
                    },
                    "required": ["type", "location", "message"],
                },
            },
        },
        "additionalProperties": True,
    }
    schema = {
        "type": "object",
        "description": f"Mixpeek's error envelope. Statuses and types: {codes}.",
        "properties": {
            "success": {"const": False},
            "status": {"type": "integer", "description": "The HTTP status, repeated."},
            "error": {
                "type": "object",
                "properties": {
                    "message": {"type": "string"},
                    "type": {"type": "string", "description": "BadRequestError, NotFoundError, ValidationError, ..."},
                    "details": details,
                },
                "required": ["message", "type", "details"],
            },
        },
        "required": ["success", "status", "error"],
    }
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}}}
    responses = {
        "BadRequest": {"description": "BadRequestError: the request is invalid (malformed JSON, or rejected by the service).", "content": content},
        "Unauthorized": {"description": "UnauthorizedError: missing or invalid API key.", "content": content},
        "NotFound": {"description": "NotFoundError: no such resource (details: resource, id), or no such path.", "content": content},
        "ValidationError": {"description": "ValidationError: a value of the wrong type, an unknown field or enum value.", "content": content},
        "Error": {"description": "Any other error, in the same envelope.", "content": content},
    }
    return schema, responses


def build(routes: list[Route], comments: dict[str, str] | None = None, *, title: str = "vecplane REST API") -> dict[str, Any]:
    """The OpenAPI 3.1 document for the routes."""
    generator = _Generator(load_comments() if comments is None else comments)
    paths: dict[str, dict[str, Any]] = {}
    tags: dict[str, str] = {}
    for route in sorted(routes, key=lambda r: (r.service.name, r.template.openapi_path(), r.http_method)):
        paths.setdefault(route.template.openapi_path(), {})[route.http_method.lower()] = generator.operation(route)
        tags[route.service.name] = generator.comments.get(route.service.full_name, "")
    error_schema, error_responses = _error_components()
    generator.schemas[ERROR_SCHEMA] = error_schema
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": _version(),
            "description": (
                "Mixpeek-compatible REST API of vecplane, generated from the gRPC service descriptors "
                "(google.api.http rules). Every call needs `Authorization: Bearer <key>`; calls on buckets, "
                "objects and collections also need `X-Namespace` (a namespace ID or name)."
            ),
        },
        "tags": [{"name": name, "description": text} for name, text in sorted(tags.items())],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(generator.schemas.items())),
            "responses": error_responses,
            "parameters": {
                "XNamespace": {
                    "name": "X-Namespace",
                    "in": "header",
                    "required": True,
                    "description": "The namespace the call acts in: its ID (`ns_...`) or name.",
                    "schema": {"type": "string", "minLength": 1, "pattern": PRINTABLE_ASCII},
                },
                "XRequestId": {
                    "name": "X-Request-Id",
                    "in": "header",
                    "required": False,
                    "description": "A correlation id for the logs; generated when absent, and returned in the response's X-Request-Id header.",
                    "schema": {"type": "string", "pattern": PRINTABLE_ASCII},
                },
            },
            "securitySchemes": {
                BEARER: {"type": "http", "scheme": "bearer", "description": "An API key: `Authorization: Bearer sk_...`."}
            },
        },
        "security": [{BEARER: []}],
    }
