"""Every reason the server can put in ErrorInfo is a value of the proto enum vecplane.v1.ErrorReason:
the reasons written in the code (`reason="..."`, `reason = "..."`, the error kinds' defaults, and the ones NotFound,
AlreadyExists and the in-use refusals build from a resource type) are read from the source itself."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from vecplane.v1.error_reason_pb2 import ErrorReason

from server.domain import errors

SERVER = Path(__file__).resolve().parents[2] / "server"
# Resource types the code passes as a variable (a collection's source type).
SOURCE_TYPES = ("bucket", "collection")
REASON_SHAPE = re.compile(r"^[A-Z][A-Z0-9_]+$")


def constants(node: ast.expr) -> list[str]:
    """The string constants an expression may evaluate to (constants and conditional expressions)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return constants(node.body) + constants(node.orelse)
    return []


def reasons_in_code() -> dict[str, str]:
    """reason -> where it is written."""
    found: dict[str, str] = {}
    for path in SERVER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            where = f"{path.relative_to(SERVER.parent)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "reason":
                        for value in constants(keyword.value):
                            found[value] = where
                        if isinstance(keyword.value, ast.JoinedStr):  # f"{source_type.upper()}_IN_USE"
                            suffix = "".join(v.value for v in keyword.value.values if isinstance(v, ast.Constant))
                            for kind in SOURCE_TYPES:
                                found[kind.upper() + suffix] = where
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name in ("NotFound", "AlreadyExists") and node.args:
                    suffix = "_NOT_FOUND" if name == "NotFound" else "_ALREADY_EXISTS"
                    for kind in constants(node.args[0]) or list(SOURCE_TYPES):
                        found[kind.upper() + suffix] = where
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") in ("default_reason", "reason") for t in node.targets):
                for value in constants(node.value):
                    if REASON_SHAPE.match(value):  # a local `reason` may also be prose for a message
                        found[value] = where
    return found


@pytest.mark.slow  # 4-6 s in a loaded fast-subset run
def test_every_reason_in_the_code_is_an_error_reason_value() -> None:
    found = reasons_in_code()
    assert len(found) > 30
    names = set(ErrorReason.keys())
    unknown = {reason: where for reason, where in found.items() if reason not in names}
    assert unknown == {}


def test_a_reason_outside_the_enum_is_refused_where_it_is_raised() -> None:
    with pytest.raises(ValueError):
        errors.FailedPrecondition("x", reason="NO_SUCH_REASON")
    with pytest.raises(ValueError):
        errors.FailedPrecondition("x", reason="ERROR_REASON_UNSPECIFIED")
    assert errors.NotFound("bucket", "b").reason == "BUCKET_NOT_FOUND"
    assert errors.DomainError("x").reason == "INTERNAL"
