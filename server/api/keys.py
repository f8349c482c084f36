"""Map and Struct keys that no stored document can hold.

Request maps and `google.protobuf.Struct` values (object metadata, schemas, mappings) become MongoDB
documents whose keys are those map keys; BSON ends a key with a NUL byte, so a key holding one
cannot be stored (the driver raises InvalidDocument, which would be an INTERNAL). Every request is
checked here, once for both transports, and such a key is an INVALID_ARGUMENT naming its path.
"""

from __future__ import annotations

import functools
import json

from google.protobuf import descriptor
from google.protobuf.message import Message

from server.domain.errors import FieldViolation
from server.protojson import plain_numbers

_FD = descriptor.FieldDescriptor
_STRUCT = "google.protobuf.Struct"
_VALUE = "google.protobuf.Value"
_LIST_VALUE = "google.protobuf.ListValue"
_STRUCTS = frozenset((_STRUCT, _VALUE, _LIST_VALUE))


def _shown(key: str) -> str:
    return json.dumps(key)[1:-1]  # the NUL as \u0000


@functools.cache
def _has_keys(message_type: descriptor.Descriptor) -> bool:
    """Whether a message of this type can hold a map or a Struct (computed once per type)."""

    def walk(current: descriptor.Descriptor, seen: frozenset[str]) -> bool:
        if current.full_name in _STRUCTS or current.GetOptions().map_entry:
            return True
        for field in current.fields:
            if field.type != _FD.TYPE_MESSAGE or field.message_type.full_name in seen:
                continue
            if walk(field.message_type, seen | {current.full_name}):
                return True
        return False

    return walk(message_type, frozenset())


def nul_key_violations(request: Message) -> list[FieldViolation]:
    """A violation for every map or Struct key of the request that holds a NUL character."""
    found: list[FieldViolation] = []
    if _has_keys(request.DESCRIPTOR):
        _message(request, "", found)
    return found


def _message(msg: Message, path: str, found: list[FieldViolation]) -> None:
    name = msg.DESCRIPTOR.full_name
    if name in _STRUCTS:
        _struct(msg, path, found)
        return
    for field, value in msg.ListFields():
        if field.type != _FD.TYPE_MESSAGE or not _has_keys(field.message_type):
            continue
        where = f"{path}.{field.name}" if path else field.name
        if field.message_type.GetOptions().map_entry:
            value_field = field.message_type.fields_by_name["value"]
            for key, item in value.items():
                here = f"{where}.{_shown(key)}" if isinstance(key, str) else f"{where}[{key}]"
                if isinstance(key, str) and "\0" in key:
                    found.append(FieldViolation(here, "keys must not contain the NUL character"))
                if value_field.type == _FD.TYPE_MESSAGE:
                    _message(item, here, found)
        elif field.is_repeated:
            for index, item in enumerate(value):
                _message(item, f"{where}[{index}]", found)
        else:
            _message(value, where, found)


def _struct(msg: Message, path: str, found: list[FieldViolation]) -> None:
    name = msg.DESCRIPTOR.full_name
    if name == _STRUCT:
        for key, item in msg.fields.items():
            here = f"{path}.{_shown(key)}"
            if "\0" in key:
                found.append(FieldViolation(here, "keys must not contain the NUL character"))
            _struct(item, here, found)
    elif name == _LIST_VALUE:
        if plain_numbers(msg) is not None:
            return  # numbers only (e.g. a vector): no keys
        for index, item in enumerate(msg.values):
            kind = item.WhichOneof("kind")  # only objects and lists hold keys: plain items cost one call
            if kind in ("struct_value", "list_value"):
                _struct(getattr(item, kind), f"{path}[{index}]", found)
    else:
        kind = msg.WhichOneof("kind")
        if kind in ("struct_value", "list_value"):
            _struct(getattr(msg, kind), path, found)
