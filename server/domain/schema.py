"""Values checked against schema fields (Mixpeek's bucket-schema field model: type, properties,
items, enum, required)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from server.domain.errors import Violations

FILE_TYPES = frozenset({"text", "image", "audio", "video", "pdf", "excel"})


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_iso(value: Any, parse) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parse(value.replace("Z", "+00:00"))
        return True
    except ValueError:
        return False


_FITS = {
    "string": lambda v: isinstance(v, str),
    "text": lambda v: isinstance(v, str),
    "number": _is_number,
    "float": _is_number,
    "integer": lambda v: _is_number(v) and float(v).is_integer(),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "date": lambda v: _is_iso(v, dt.date.fromisoformat),
    "datetime": lambda v: _is_iso(v, dt.datetime.fromisoformat),
    # Blobs: a URL or the content inline.
    "image": lambda v: isinstance(v, str),
    "audio": lambda v: isinstance(v, str),
    "video": lambda v: isinstance(v, str),
    "pdf": lambda v: isinstance(v, str),
    "excel": lambda v: isinstance(v, str),
}

_EXPECTED = {
    "string": "a string", "text": "a string", "number": "a number", "float": "a number",
    "integer": "an integer", "boolean": "true or false", "object": "an object", "array": "a list",
    "date": "an ISO 8601 date (YYYY-MM-DD)", "datetime": "an ISO 8601 date-time",
}


def check_value(problems: Violations, path: str, value: Any, field: dict[str, Any]) -> None:
    """Adds a violation for every way `value` does not fit `field` (nested fields included)."""
    kind = field.get("type")
    fits = _FITS.get(kind)
    if fits is None:
        return  # the schema itself is checked where it is declared
    if not fits(value):
        problems.add(path, f"must be {_EXPECTED.get(kind, f'a {kind} (URL or inline content)')}, got {_describe(value)}")
        return
    allowed = field.get("enum")
    if allowed and value not in allowed:
        problems.add(path, "must be one of " + ", ".join(repr(a) for a in allowed))
    if kind == "object":
        check_object(problems, path, value, field.get("properties") or {})
    elif kind == "array" and field.get("items"):
        for index, item in enumerate(value):
            check_value(problems, f"{path}[{index}]", item, field["items"])


def check_object(problems: Violations, path: str, value: dict[str, Any], properties: dict[str, Any], *, allow_unknown: bool = True) -> None:
    """Checks an object's declared fields; `allow_unknown` decides whether undeclared keys pass."""
    prefix = f"{path}." if path else ""
    for name, spec in properties.items():
        if name in value and value[name] is not None:
            check_value(problems, prefix + name, value[name], spec)
        elif spec.get("required"):
            problems.add(prefix + name, "is required")
    if not allow_unknown:
        for name in value:
            if name not in properties:
                known = ", ".join(sorted(properties)) or "none"
                problems.add(prefix + name, f"is not a known field (known: {known})")


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"
