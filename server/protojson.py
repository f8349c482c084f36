"""Mixpeek-style JSON for protobuf messages, driven by the descriptors.

It differs from `google.protobuf.json_format` where Mixpeek's REST API differs from proto3 JSON:
field names are the proto (snake_case) names unless a field sets an explicit `json_name` (the filter's
`AND`/`OR`/`NOT`) or `(vecplane.v1.rest_key)`, and `(vecplane.v1.grpc_only)` fields are left out; enum values are their `(vecplane.v1.json_value)` option (`"bucket"`, `"DONE"`);
64-bit integers are JSON numbers; and decoding collects every error with its location instead of
stopping at the first. The REST gateway uses it for bodies, and the servicers use it to hand requests
to the use cases as the same plain dicts that the domain and storage layers work with.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from google.protobuf import descriptor, message, struct_pb2
from vecplane.v1 import options_pb2

_FD = descriptor.FieldDescriptor
_STRUCT = "google.protobuf.Struct"
_VALUE = "google.protobuf.Value"
_LIST_VALUE = "google.protobuf.ListValue"
_TIMESTAMP = "google.protobuf.Timestamp"
_FIELD_MASK = "google.protobuf.FieldMask"

_INT_TYPES = {
    _FD.TYPE_INT32, _FD.TYPE_INT64, _FD.TYPE_UINT32, _FD.TYPE_UINT64, _FD.TYPE_SINT32,
    _FD.TYPE_SINT64, _FD.TYPE_FIXED32, _FD.TYPE_FIXED64, _FD.TYPE_SFIXED32, _FD.TYPE_SFIXED64,
}
_INT_BOUNDS = {
    _FD.CPPTYPE_INT32: (-(2**31), 2**31 - 1),
    _FD.CPPTYPE_INT64: (-(2**63), 2**63 - 1),
    _FD.CPPTYPE_UINT32: (0, 2**32 - 1),
    _FD.CPPTYPE_UINT64: (0, 2**64 - 1),
}
_FLOAT_TYPES = {_FD.TYPE_DOUBLE, _FD.TYPE_FLOAT}


@dataclass(frozen=True)
class DecodeIssue:
    """One problem found while decoding: where (a path of keys and indexes), what, and its kind."""

    location: tuple[str | int, ...]
    message: str
    kind: str  # "extra_forbidden" (an unknown key, as Mixpeek names it) | "type_error" | "value_error"

    @property
    def dotted(self) -> str:
        out = ""
        for part in self.location:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
        return out


class DecodeError(ValueError):
    """The JSON did not fit the message; `issues` lists every problem found."""

    def __init__(self, issues: list[DecodeIssue]):
        self.issues = issues
        super().__init__("; ".join(f"{i.dotted}: {i.message}" for i in issues))


def _default_json_name(name: str) -> str:
    parts = name.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


@functools.cache
def rest_fields(desc: descriptor.Descriptor) -> tuple[descriptor.FieldDescriptor, ...]:
    """The message's fields as REST sees them: all but those marked `(vecplane.v1.grpc_only)`."""
    return tuple(f for f in desc.fields if not f.GetOptions().Extensions[options_pb2.grpc_only])


@functools.cache
def field_json_name(field: descriptor.FieldDescriptor) -> str:
    """The field's JSON key: its `(vecplane.v1.rest_key)` or explicit `json_name` if it has one,
    else its proto name."""
    key = field.GetOptions().Extensions[options_pb2.rest_key]
    if key:
        return str(key)
    if field.json_name != _default_json_name(field.name):
        return field.json_name
    return field.name


@functools.cache
def enum_value_json(value: descriptor.EnumValueDescriptor) -> str:
    """The JSON string of an enum value: its `json_value` option, else its proto name."""
    custom = value.GetOptions().Extensions[options_pb2.json_value]
    return custom or value.name


def enum_json_values(enum: descriptor.EnumDescriptor) -> list[str]:
    """Every accepted JSON string of an enum, except the zero (unspecified) value."""
    return [enum_value_json(v) for v in enum.values if v.number != 0]


@functools.cache
def _enum_numbers(enum: descriptor.EnumDescriptor) -> dict[str, int]:
    """Every accepted JSON string of an enum (its json_value and its proto name) -> number.
    Descriptors never change while the process runs, so this (like `_fields_by_key`) is computed
    once per type: decoding a stored collection builds thousands of fields per call."""
    numbers: dict[str, int] = {}
    for value in reversed(enum.values):  # the first value wins, as in a scan
        numbers[value.name] = value.number
        numbers[enum_value_json(value)] = value.number
    return numbers


def _enum_from_json(enum: descriptor.EnumDescriptor, raw: Any) -> int | None:
    return _enum_numbers(enum).get(raw) if isinstance(raw, str) else None


@functools.cache
def _sparse(message_type: descriptor.Descriptor) -> bool:
    return message_type.GetOptions().Extensions[options_pb2.sparse_json]


def _is_map(field: descriptor.FieldDescriptor) -> bool:
    return (
        field.type == _FD.TYPE_MESSAGE
        and field.message_type.GetOptions().map_entry
    )


# ---------------------------------------------------------------------------------------------
# message -> dict


_WELL_KNOWN = frozenset((_STRUCT, _VALUE, _LIST_VALUE, _TIMESTAMP, _FIELD_MASK))


def message_to_dict(msg: message.Message, *, include_defaults: bool = False) -> dict[str, Any]:
    """Converts a message to Mixpeek-style JSON data.

    With `include_defaults`, every field appears (unset messages and optional scalars as None,
    empty lists and maps as such), as Mixpeek's responses do, except in messages marked
    `(vecplane.v1.sparse_json)`. Without it, only fields that are set appear, which is how
    requests are handed to the use cases.
    """
    desc = msg.DESCRIPTOR
    if desc.full_name in _WELL_KNOWN:
        return _wkt_to_json(msg)
    plan = _plan(desc)
    include_defaults = include_defaults and not plan.sparse
    out: dict[str, Any] = {}
    if include_defaults:
        out.update(plan.defaults)
        for key in plan.containers:  # fresh ones: callers may change the answer
            out[key] = type(out[key])()
    for field, value in msg.ListFields():  # only what is set, in C
        writer = plan.writers.get(field.number)
        if writer is None:
            continue  # gRPC only
        key, convert, shape = writer
        if convert is None:
            out[key] = value
        elif shape == _MAP:
            out[key] = {k: convert(v, include_defaults) for k, v in value.items()}
        elif shape == _REPEATED:
            out[key] = [convert(v, include_defaults) for v in value]
        else:
            out[key] = convert(value, include_defaults)
    return out


_SINGLE, _REPEATED, _MAP = 0, 1, 2


@dataclass(frozen=True)
class _Plan:
    """How a message type is written, computed once per descriptor (descriptors never change while
    the process runs): the JSON key, value converter and shape of each field by number, and the
    answer for an empty message when every field appears."""

    writers: dict[int, tuple[str, Any, int]]
    defaults: dict[str, Any]
    containers: tuple[str, ...]  # keys whose default is an empty list or map
    sparse: bool


def _message_json(value: message.Message, include_defaults: bool) -> Any:
    return message_to_dict(value, include_defaults=include_defaults)


def _float_json(value: float, _include_defaults: bool) -> Any:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value  # Mixpeek writes 123, not 123.0


def _enum_json(enum: descriptor.EnumDescriptor) -> Any:
    names = {v.number: enum_value_json(v) for v in enum.values if v.number != 0}
    return lambda value, _include_defaults: names.get(value)


def _converter(field: descriptor.FieldDescriptor) -> Any:
    """value, include_defaults -> JSON; None when the value is its own JSON (strings, ints, bools)."""
    if field.type == _FD.TYPE_MESSAGE:
        return _message_json
    if field.type == _FD.TYPE_ENUM:
        return _enum_json(field.enum_type)
    if field.type in _FLOAT_TYPES:
        return _float_json
    if field.type == _FD.TYPE_BYTES:
        raise TypeError(f"bytes fields are not used in this API ({field.full_name})")
    return None


@functools.cache
def _plan(desc: descriptor.Descriptor) -> _Plan:
    writers: dict[int, tuple[str, Any, int]] = {}
    defaults: dict[str, Any] = {}
    for field in rest_fields(desc):
        key = field_json_name(field)
        if _is_map(field):
            writers[field.number] = (key, _converter(field.message_type.fields_by_name["value"]) or _identity, _MAP)
            defaults[key] = {}
        elif field.is_repeated:
            writers[field.number] = (key, _converter(field) or _identity, _REPEATED)
            defaults[key] = []
        else:
            convert = _converter(field)
            writers[field.number] = (key, convert, _SINGLE)
            if field.has_presence:
                defaults[key] = None
            else:
                defaults[key] = field.default_value if convert is None else convert(field.default_value, True)
    containers = tuple(key for key, value in defaults.items() if isinstance(value, (list, dict)))
    return _Plan(writers, defaults, containers, _sparse(desc))


def _identity(value: Any, _include_defaults: bool) -> Any:
    return value


def _wkt_to_json(msg: message.Message) -> Any:
    name = msg.DESCRIPTOR.full_name
    if name == _STRUCT:
        return {k: _value_json(v) for k, v in msg.fields.items()}
    if name == _LIST_VALUE:
        return _list_json(msg)
    if name == _TIMESTAMP:
        return msg.ToJsonString()  # RFC 3339 in UTC, 0/3/6/9 fraction digits: "...T10:00:00.123Z"
    if name == _FIELD_MASK:
        return ",".join(msg.paths)
    return _value_json(msg)


def _value_json(value: Any) -> Any:
    """A google.protobuf.Value (what Structs and ListValues hold: called once per item, so a long
    list of numbers, e.g. a query vector, takes the shortest path)."""
    kind = value.WhichOneof("kind")
    if kind == "number_value":
        number = value.number_value
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if kind in (None, "null_value"):
        return None
    if kind == "struct_value":
        return {k: _value_json(v) for k, v in value.struct_value.fields.items()}
    if kind == "list_value":
        return _list_json(value.list_value)
    return getattr(value, kind)


def _list_json(values: Any) -> list[Any]:
    numbers = plain_numbers(values)
    if numbers is None:
        return [_value_json(v) for v in values.values]
    out: list[Any] = numbers.tolist()
    if np.any(numbers == np.trunc(numbers)):  # some are whole: written as ints, as _value_json does
        out = [int(x) if x.is_integer() and abs(x) < 2**53 else x for x in out]
    return out


_NUMBER_ITEM = np.frombuffer(b"\x0a\x09\x11", dtype=np.uint8)  # Value{number_value}, 9 bytes long, in a ListValue
_NUMBER_ITEM_BYTES = 11  # those 3 bytes and the little-endian double
_SHORT_LIST = 8


def plain_numbers(values: Any) -> np.ndarray | None:
    """The items of a google.protobuf.ListValue of 8 or more items that are all numbers (e.g. a query
    vector), as float64s read from its wire form in C; None for shorter lists or any other item.

    Walking such a list item by item (one WhichOneof call each) costs about 1 µs a number; here
    every item serializes as the same 3 bytes and its double, checked for all items at once."""
    if len(values.values) < _SHORT_LIST:
        return None
    raw = values.SerializeToString()
    count, rest = divmod(len(raw), _NUMBER_ITEM_BYTES)
    if rest or count != len(values.values):
        return None
    rows = np.frombuffer(raw, dtype=np.uint8).reshape(count, _NUMBER_ITEM_BYTES)
    if not np.array_equal(rows[:, :3], np.broadcast_to(_NUMBER_ITEM, (count, 3))):
        return None
    return rows[:, 3:].copy().view("<f8").ravel()


# ---------------------------------------------------------------------------------------------
# dict -> message


def dict_to_message(
    data: Any,
    message_type: type[message.Message],
    *,
    location: tuple[str | int, ...] = (),
    skip_private: bool = False,
) -> message.Message:
    """Builds a message from Mixpeek-style JSON data, or raises DecodeError listing every problem.

    Keys may be the JSON name or the proto name. `null` leaves a field unset. With
    `skip_private`, keys starting with `_` are ignored: stored documents keep their internal
    fields (`_id`, `_org`, ...) under such keys.
    """
    msg = message_type()
    issues: list[DecodeIssue] = []
    _fill(msg, data, location, issues, skip_private)
    if issues:
        raise DecodeError(issues)
    return msg


@functools.cache
def _fields_by_key(desc: descriptor.Descriptor) -> dict[str, descriptor.FieldDescriptor]:
    keys: dict[str, descriptor.FieldDescriptor] = {}
    for field in rest_fields(desc):
        keys[field.name] = field
        keys[field_json_name(field)] = field
    return keys


def struct_of(data: Mapping[str, Any]) -> struct_pb2.Struct:
    """A Struct of JSON data this server made (e.g. a stored document), without dict_to_message's
    checks and problem reports (about 4x faster): a value JSON cannot hold raises TypeError."""
    out = struct_pb2.Struct()
    _fill_fields(out.fields, data)
    return out


def _fill_fields(fields: Any, data: Mapping[str, Any]) -> None:
    for key, value in data.items():
        kind = type(value)
        if kind is str:  # most values: set without another call
            fields[key].string_value = value
        elif kind is float or kind is int:
            fields[key].number_value = value
        else:
            _set_value(fields[key], value)


def _set_value(target: Any, value: Any) -> None:
    kind = type(value)
    if kind is str:
        target.string_value = value
    elif value is None:
        target.null_value = 0
    elif kind is bool:
        target.bool_value = value
    elif isinstance(value, (int, float)):
        target.number_value = value
    elif isinstance(value, str):
        target.string_value = value
    elif isinstance(value, dict):
        struct = target.struct_value
        struct.SetInParent()  # an empty object is still an object
        _fill_fields(struct.fields, value)
    elif isinstance(value, (list, tuple)):
        listed = target.list_value
        listed.SetInParent()
        values = listed.values
        for item in value:
            _set_value(values.add(), item)
    else:
        raise TypeError(f"a {type(value).__name__} is not JSON data")


def _fill(msg: message.Message, data: Any, location: tuple[str | int, ...], issues: list[DecodeIssue], skip_private: bool) -> None:
    name = msg.DESCRIPTOR.full_name
    if name in (_STRUCT, _VALUE, _LIST_VALUE, _TIMESTAMP, _FIELD_MASK):
        _fill_wkt(msg, data, location, issues)
        return
    if not isinstance(data, dict):
        issues.append(DecodeIssue(location, "must be an object", "type_error"))
        return
    fields = _fields_by_key(msg.DESCRIPTOR)
    for key, raw in data.items():
        if skip_private and key.startswith("_"):
            continue
        here = (*location, key)
        field = fields.get(key)
        if field is None:
            issues.append(DecodeIssue(here, "unknown field", "extra_forbidden"))
            continue
        if raw is None and not (field.type == _FD.TYPE_MESSAGE and field.message_type.full_name == _VALUE):
            continue
        if _is_map(field):
            if not isinstance(raw, dict):
                issues.append(DecodeIssue(here, "must be an object", "type_error"))
                continue
            target = getattr(msg, field.name)
            value_field = field.message_type.fields_by_name["value"]
            for map_key, item in raw.items():
                if _text(map_key, (*here, map_key), issues):
                    _set_item(target, value_field, map_key, item, (*here, map_key), issues, skip_private)
        elif field.is_repeated:
            if not isinstance(raw, list):
                issues.append(DecodeIssue(here, "must be a list", "type_error"))
                continue
            target = getattr(msg, field.name)
            for index, item in enumerate(raw):
                _append_item(target, field, item, (*here, index), issues, skip_private)
        elif field.type == _FD.TYPE_MESSAGE:
            child = getattr(msg, field.name)
            child.SetInParent()  # an empty object ({}) still marks the field as set
            _fill(child, raw, here, issues, skip_private)
        else:
            value = _scalar(field, raw, here, issues)
            if value is not None:
                setattr(msg, field.name, value)


def _append_item(target: Any, field: descriptor.FieldDescriptor, raw: Any, location: tuple[str | int, ...], issues: list[DecodeIssue], skip_private: bool) -> None:
    if field.type == _FD.TYPE_MESSAGE:
        _fill(target.add(), raw, location, issues, skip_private)
    else:
        value = _scalar(field, raw, location, issues)
        if value is not None:
            target.append(value)


def _set_item(
    target: Any, value_field: descriptor.FieldDescriptor, key: Any, raw: Any, location: tuple[str | int, ...], issues: list[DecodeIssue], skip_private: bool
) -> None:
    if value_field.type == _FD.TYPE_MESSAGE:
        _fill(target[key], raw, location, issues, skip_private)
    else:
        value = _scalar(value_field, raw, location, issues)
        if value is not None:
            target[key] = value


def _scalar(field: descriptor.FieldDescriptor, raw: Any, location: tuple[str | int, ...], issues: list[DecodeIssue]) -> Any:
    kind = field.type
    if kind == _FD.TYPE_STRING:
        if isinstance(raw, str):
            if _text(raw, location, issues):
                return raw
            return None
        issues.append(DecodeIssue(location, "must be a string", "type_error"))
    elif kind == _FD.TYPE_BOOL:
        if isinstance(raw, bool):
            return raw
        issues.append(DecodeIssue(location, "must be a boolean", "type_error"))
    elif kind in _INT_TYPES:
        number = raw
        if isinstance(raw, float) and raw.is_integer():
            number = int(raw)
        if isinstance(number, bool) or not isinstance(number, int):
            issues.append(DecodeIssue(location, "must be an integer", "type_error"))
            return None
        low, high = _INT_BOUNDS[field.cpp_type]
        if not low <= number <= high:
            issues.append(DecodeIssue(location, f"must be between {low} and {high}", "value_error"))
            return None
        return number
    elif kind in _FLOAT_TYPES:
        if isinstance(raw, (int, float)) and not isinstance(raw, bool) and math.isfinite(raw):
            return float(raw)
        issues.append(DecodeIssue(location, "must be a finite number", "type_error"))
    elif kind == _FD.TYPE_ENUM:
        number = _enum_from_json(field.enum_type, raw)
        if number is not None:
            return number
        allowed = ", ".join(repr(v) for v in enum_json_values(field.enum_type))
        issues.append(DecodeIssue(location, f"must be one of {allowed}", "value_error"))
    else:
        raise TypeError(f"unsupported field type {kind} ({field.full_name})")
    return None


def _text(value: str, location: tuple[str | int, ...], issues: list[DecodeIssue]) -> bool:
    """Whether a JSON string can be text in a message: JSON's `\\ud800` escapes can produce a lone
    surrogate, which is not Unicode text and has no UTF-8 form."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        issues.append(DecodeIssue(location, f"must be valid Unicode text (lone surrogate at character {error.start})", "value_error"))
        return False
    return True


def _fill_wkt(msg: Any, raw: Any, location: tuple[str | int, ...], issues: list[DecodeIssue]) -> None:
    name = msg.DESCRIPTOR.full_name
    if name == _TIMESTAMP:
        if isinstance(raw, str):
            try:
                msg.FromJsonString(raw)
            except ValueError:
                issues.append(DecodeIssue(location, "must be an RFC 3339 timestamp", "value_error"))
        else:
            issues.append(DecodeIssue(location, "must be an RFC 3339 timestamp", "type_error"))
    elif name == _FIELD_MASK:
        if isinstance(raw, str):
            if _text(raw, location, issues):
                msg.paths.extend(p.strip() for p in raw.split(",") if p.strip())
        elif isinstance(raw, list) and all(isinstance(p, str) for p in raw):
            if all(_text(p, (*location, i), issues) for i, p in enumerate(raw)):
                msg.paths.extend(raw)
        else:
            issues.append(DecodeIssue(location, "must be a comma-separated list of field names", "type_error"))
    elif name == _STRUCT:
        if isinstance(raw, dict):
            for key, item in raw.items():
                if _text(key, (*location, key), issues):
                    _fill_value(msg.fields[key], item, (*location, key), issues)
        else:
            issues.append(DecodeIssue(location, "must be an object", "type_error"))
    elif name == _LIST_VALUE:
        if isinstance(raw, list):
            for index, item in enumerate(raw):
                _fill_value(msg.values.add(), item, (*location, index), issues)
        else:
            issues.append(DecodeIssue(location, "must be a list", "type_error"))
    else:
        _fill_value(msg, raw, location, issues)


def _fill_value(value: Any, raw: Any, location: tuple[str | int, ...], issues: list[DecodeIssue]) -> None:
    if raw is None:
        value.null_value = 0
    elif isinstance(raw, bool):
        value.bool_value = raw
    elif isinstance(raw, (int, float)):
        if not math.isfinite(raw):
            issues.append(DecodeIssue(location, "must be a finite number", "value_error"))
            return
        value.number_value = raw
    elif isinstance(raw, str):
        if _text(raw, location, issues):
            value.string_value = raw
    elif isinstance(raw, dict):
        value.struct_value.SetInParent()
        _fill_wkt(value.struct_value, raw, location, issues)
    elif isinstance(raw, (list, tuple)):
        value.list_value.SetInParent()
        _fill_wkt(value.list_value, list(raw), location, issues)
    else:
        issues.append(DecodeIssue(location, f"unsupported value of type {type(raw).__name__}", "type_error"))

