"""Where undecodable protobuf bytes break, so that the INVALID_ARGUMENT for a corrupt request names
the field instead of gRPC's bare "Exception deserializing request" (INTERNAL).

Only runs after protobuf has refused the bytes; it walks the wire format (tags, lengths, nested
messages, UTF-8 of string fields) until the first field that does not hold up.
"""

from __future__ import annotations

from google.protobuf import descriptor

_FD = descriptor.FieldDescriptor


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def bad_field(message_type: descriptor.Descriptor, data: bytes) -> str:
    """The path of the first field of `data` that is not valid for `message_type` (e.g.
    `feature_extractors[1].feature_extractor_name`), or "" when no single field is to blame."""
    return _walk(message_type, data, "") or ""


def _walk(message_type: descriptor.Descriptor, data: bytes, prefix: str) -> str | None:
    pos = 0
    seen: dict[int, int] = {}
    while pos < len(data):
        try:
            tag, pos = _varint(data, pos)
        except ValueError:
            return prefix or None
        number, wire_type = tag >> 3, tag & 7
        field = message_type.fields_by_number.get(number)
        name = prefix
        if field is not None:
            index = seen.get(number, 0)
            seen[number] = index + 1
            name = f"{prefix}.{field.name}" if prefix else field.name
            if field.is_repeated and not (field.type == _FD.TYPE_MESSAGE and field.message_type.GetOptions().map_entry):
                name += f"[{index}]"
        try:
            if wire_type == 0:
                _, pos = _varint(data, pos)
            elif wire_type == 1:
                pos += 8
            elif wire_type == 5:
                pos += 4
            elif wire_type == 2:
                length, pos = _varint(data, pos)
                if pos + length > len(data):
                    return name or None
                chunk, pos = data[pos : pos + length], pos + length
                if field is not None and field.type == _FD.TYPE_MESSAGE:
                    found = _walk(field.message_type, chunk, name)
                    if found is not None:
                        return found
                elif field is not None and field.type == _FD.TYPE_STRING:
                    chunk.decode("utf-8")
            else:
                return name or None  # groups (deprecated) and invalid wire types
        except (ValueError, UnicodeDecodeError):
            return name or None
        if pos > len(data) or number == 0:
            return name or None
    return None
