"""Rules for running a feature extractor on given inputs: which input each value feeds and whether its
kind fits (text for text inputs, bytes or a URL for files), size limits, parameters checked against
the extractor's definition, and text chunking. Pure: no I/O, no models."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

from server.domain.errors import Violations
from server.domain.extractors import ExtractorDefinition
from server.domain.schema import check_object

TEXT_TYPES = frozenset({"text", "string"})
SPLIT_MODES = ("none", "characters", "words", "sentences", "paragraphs")


@dataclass(frozen=True)
class Limits:
    """Bounds of one direct call (the processing engine feeds batches of its own size)."""

    max_inputs: int = 256
    max_text_chars: int = 100_000
    max_file_bytes: int = 8 * 1024 * 1024
    max_chunks: int = 4096  # documents one call may make by chunking


@dataclass(frozen=True)
class RawInput:
    """One input as a caller gives it: exactly one of text, base64-encoded bytes or a URL, for the
    extractor input `name` (empty: the extractor's only input)."""

    name: str = ""
    text: str | None = None
    base64: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class CheckedInput:
    """An input that fits: the input name it feeds and its value (text, or bytes / a URL for files)."""

    name: str
    text: str | None = None
    data: bytes | None = None
    url: str | None = None


@dataclass(frozen=True)
class Chunking:
    split_by: str = "none"
    size: int = 1000
    overlap: int = 0


@dataclass(frozen=True)
class Chunk:
    """A piece of a text: its characters [start, end) of the original."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class RunPlan:
    definition: ExtractorDefinition
    inputs: list[CheckedInput]
    parameters: dict[str, Any]
    output_type: str  # single | multiple


def check_parameters(problems: Violations, path: str, definition: ExtractorDefinition, parameters: dict[str, Any]) -> dict[str, Any]:
    """The definition's defaults overlaid with `parameters`; unknown names and wrong types are
    violations at `path.<name>`."""
    check_object(problems, path, parameters, definition.parameters, allow_unknown=False)
    return {**definition.default_parameters, **parameters}


def chunking_of(problems: Violations, path: str, parameters: dict[str, Any]) -> Chunking:
    """The chunking a text extractor's parameters ask for (split_by, chunk_size, chunk_overlap)."""
    try:
        chunking = Chunking(
            split_by=str(parameters.get("split_by", "none")),
            size=int(parameters.get("chunk_size", 1000)),
            overlap=int(parameters.get("chunk_overlap", 0)),
        )
    except (TypeError, ValueError):
        return Chunking()  # the parameter check names the field
    if chunking.size < 1:
        problems.add(f"{path}.chunk_size", "must be at least 1")
    if not 0 <= chunking.overlap < max(chunking.size, 1):
        problems.add(f"{path}.chunk_overlap", f"must be at least 0 and smaller than chunk_size ({chunking.size})")
    return chunking


def _input_name(problems: Violations, where: str, raw: RawInput, definition: ExtractorDefinition) -> str | None:
    inputs = definition.inputs
    if raw.name:
        if raw.name not in inputs:
            problems.add(f"{where}.name", f"{definition.id} has no input {raw.name!r} (inputs: {', '.join(sorted(inputs)) or 'none'})")
            return None
        return raw.name
    required = [name for name, spec in inputs.items() if spec.get("required")] or list(inputs)
    if len(required) != 1:
        problems.add(f"{where}.name", f"{definition.id} has several inputs; name the one this value feeds ({', '.join(sorted(inputs))})")
        return None
    return required[0]


def _check_value(problems: Violations, where: str, raw: RawInput, kind: str, limits: Limits) -> CheckedInput | None:
    given = [label for label, value in (("text", raw.text), ("base64", raw.base64), ("url", raw.url)) if value is not None]
    if len(given) != 1:
        problems.add(where, "needs exactly one of text, base64 or url" + (f" (got {', '.join(given)})" if given else ""))
        return None
    if kind in TEXT_TYPES:
        if raw.text is None:
            problems.add(f"{where}.{given[0]}", f"this input is {kind}; send it as text")
        elif not raw.text.strip():
            problems.add(f"{where}.text", "must not be empty")
        elif len(raw.text) > limits.max_text_chars:
            problems.add(f"{where}.text", f"is {len(raw.text)} characters; at most {limits.max_text_chars} are accepted")
        else:
            return CheckedInput(name=raw.name, text=raw.text)
        return None
    if raw.text is not None:
        problems.add(f"{where}.text", f"this input is a file ({kind}); send its bytes as base64 or a URL, not text")
    elif raw.base64 is not None:
        if len(raw.base64) > (limits.max_file_bytes + 2) // 3 * 4 + 4:
            problems.add(f"{where}.base64", f"is larger than {limits.max_file_bytes} bytes, the most accepted")
            return None
        try:
            data = base64.b64decode(raw.base64, validate=True)
        except (binascii.Error, ValueError):
            problems.add(f"{where}.base64", "is not valid base64")
            return None
        if not data:
            problems.add(f"{where}.base64", "must not be empty")
        elif len(data) > limits.max_file_bytes:
            problems.add(f"{where}.base64", f"is {len(data)} bytes; at most {limits.max_file_bytes} are accepted")
        else:
            return CheckedInput(name=raw.name, data=data)
    elif raw.url is not None:
        if re.match(r"^https?://[^/\s]+", raw.url, re.IGNORECASE):
            return CheckedInput(name=raw.name, url=raw.url)
        problems.add(f"{where}.url", "must be an http:// or https:// URL (local files are not read)")
    return None


def plan_run(
    definition: ExtractorDefinition,
    inputs: list[RawInput],
    parameters: dict[str, Any],
    output_type: str | None,
    limits: Limits,
) -> RunPlan:
    """Checks a run request whole; raises InvalidArgument listing every bad field."""
    problems = Violations()
    if not inputs:
        problems.add("inputs", "at least one input is required")
    elif len(inputs) > limits.max_inputs:
        problems.add("inputs", f"{len(inputs)} inputs; at most {limits.max_inputs} per call")
    checked: list[CheckedInput] = []
    for index, raw in enumerate(inputs[: limits.max_inputs]):
        where = f"inputs[{index}]"
        name = _input_name(problems, where, raw, definition)
        if name is None:
            continue
        kind = str(definition.inputs[name].get("type", "text"))
        value = _check_value(problems, where, raw, kind, limits)
        if value is not None:
            checked.append(CheckedInput(name=name, text=value.text, data=value.data, url=value.url))
    resolved = check_parameters(problems, "parameters", definition, parameters)
    output = output_type or str(definition.data.get("document_output_type") or "single")
    if "split_by" in definition.parameters:
        chunking = chunking_of(problems, "parameters", resolved)
        if chunking.split_by != "none":
            if output_type == "single":
                problems.add("document_output_type", f"split_by {chunking.split_by!r} makes several documents per input; use multiple")
            output = "multiple"
            if not problems:
                chunks = sum(len(split_text(item.text, chunking)) for item in checked if item.text is not None)
                if chunks > limits.max_chunks:
                    problems.add("parameters.chunk_size", f"the inputs make {chunks} chunks; at most {limits.max_chunks} per call")
    problems.raise_if_any()
    return RunPlan(definition=definition, inputs=checked, parameters=resolved, output_type=output)


_UNITS = {
    "words": re.compile(r"\S+"),
    # A sentence ends at . ! ? (with closing quotes or brackets) followed by space, or at the end.
    "sentences": re.compile(r"\S.*?(?:[.!?][\"')\]]*(?=\s)|$)", re.DOTALL),
    "paragraphs": re.compile(r"\S.*?(?=\n\s*\n|\Z)", re.DOTALL),
}


def split_text(text: str, chunking: Chunking) -> list[Chunk]:
    """Chunks of `chunking.size` units (characters, words, sentences or paragraphs), each starting
    `size - overlap` units after the previous one; offsets point into `text`. `none` is the whole
    text."""
    if chunking.split_by == "none":
        return [Chunk(text, 0, len(text))]
    if chunking.split_by == "characters":
        spans = [(i, i + 1) for i in range(len(text))]
    else:
        spans = [(m.start(), m.end()) for m in _UNITS[chunking.split_by].finditer(text)]
    if not spans:
        return []
    step = chunking.size - chunking.overlap
    chunks = []
    for first in range(0, len(spans), step):
        last = min(first + chunking.size, len(spans)) - 1
        start, end = spans[first][0], spans[last][1]
        chunks.append(Chunk(text[start:end], start, end))
        if last == len(spans) - 1:
            break
    return chunks
