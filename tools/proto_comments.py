"""Reads a FileDescriptorSet with source info (`buf build --as-file-descriptor-set -o -`) on stdin
and writes the leading comment of every message, field, enum, enum value, service and method as
JSON on stdout, keyed by full name (e.g. `vecplane.v1.Namespace.namespace_id`).

The generated Python stubs carry no source info, so the REST gateway's OpenAPI document reads its
descriptions from this file (server/gateway/proto_comments.json), written by scripts/generate.
"""

from __future__ import annotations

import json
import sys

from google.protobuf import descriptor_pb2


def _clean(comment: str) -> str:
    lines = [line[1:] if line.startswith(" ") else line for line in comment.strip("\n").split("\n")]
    return "\n".join(lines).strip()


def _names(file: descriptor_pb2.FileDescriptorProto) -> dict[tuple[int, ...], str]:
    """Source-info path -> full name of every element that can carry a comment."""
    names: dict[tuple[int, ...], str] = {}
    prefix = file.package

    def enum(path, desc, scope):
        name = f"{scope}.{desc.name}"
        names[path] = name
        for j, value in enumerate(desc.value):
            names[(*path, 2, j)] = f"{name}.{value.name}"

    def message(path, desc, scope):
        name = f"{scope}.{desc.name}"
        names[path] = name
        for j, field in enumerate(desc.field):
            names[(*path, 2, j)] = f"{name}.{field.name}"
        for j, nested in enumerate(desc.nested_type):
            message((*path, 3, j), nested, name)
        for j, nested in enumerate(desc.enum_type):
            enum((*path, 4, j), nested, name)

    for i, desc in enumerate(file.message_type):
        message((4, i), desc, prefix)
    for i, desc in enumerate(file.enum_type):
        enum((5, i), desc, prefix)
    for i, service in enumerate(file.service):
        name = f"{prefix}.{service.name}"
        names[(6, i)] = name
        for j, method in enumerate(service.method):
            names[(6, i, 2, j)] = f"{name}.{method.name}"
    return names


def comments(descriptor_set: descriptor_pb2.FileDescriptorSet) -> dict[str, str]:
    found: dict[str, str] = {}
    for file in descriptor_set.file:
        names = _names(file)
        for location in file.source_code_info.location:
            name = names.get(tuple(location.path))
            if name and location.leading_comments.strip():
                found[name] = _clean(location.leading_comments)
    return dict(sorted(found.items()))


def main() -> None:
    descriptor_set = descriptor_pb2.FileDescriptorSet.FromString(sys.stdin.buffer.read())
    json.dump(comments(descriptor_set), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
