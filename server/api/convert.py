"""Proto <-> the plain dicts the use cases take and return (see server.protojson)."""

from __future__ import annotations

from typing import Any, TypeVar

from google.protobuf import struct_pb2
from google.protobuf.message import Message

from server.protojson import dict_to_message, message_to_dict

M = TypeVar("M", bound=Message)


def to_dict(request: Message) -> dict[str, Any]:
    """A request as a dict of the fields that are set."""
    return message_to_dict(request)


def to_message(doc: dict[str, Any], message_type: type[M]) -> M:
    """A stored or computed document as a message; its `_`-prefixed internal keys are skipped."""
    return dict_to_message(doc, message_type, skip_private=True)


def to_struct(document: dict[str, Any]) -> struct_pb2.Struct:
    """A computed document (every key kept) as a Struct."""
    found = struct_pb2.Struct()
    found.update(document)
    return found
