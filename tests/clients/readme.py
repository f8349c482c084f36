"""Reads the examples out of README.md's `## Clients` section, and compares outputs with the
abridged outputs the README shows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
README_HOST = "localhost:50051"
ELLIPSIS = "..."


@dataclass
class Block:
    language: str
    text: str
    line: int  # 1-based line of the opening fence, for messages


@dataclass
class Example:
    command: str
    expected: Block | None
    line: int

    @property
    def id(self) -> str:
        """`list`, `describe <symbol>`, or the method (`NamespaceService/GetNamespace`)."""
        method = re.search(r"vecplane\.v1\.(\w+/\w+)|grpc\.health\.v1\.(\w+/\w+)", self.command)
        if method:
            return method.group(1) or method.group(2)
        words = self.command.split()
        verb = next((w for w in words if w in ("list", "describe")), words[-1])
        return " ".join(words[words.index(verb) :]).replace(README_HOST, "").strip()


def section(heading: str, text: str | None = None) -> list[Block]:
    """The fenced code blocks under a `### heading`, up to the next heading of level 2 or 3."""
    lines = (README.read_text() if text is None else text).splitlines()
    blocks: list[Block] = []
    inside = False
    fence: list[str] | None = None
    language, start = "", 0
    for number, line in enumerate(lines, 1):
        if fence is None and re.match(r"#{2,3} ", line):
            inside = line.strip() == f"### {heading}"
            continue
        if not inside:
            continue
        if fence is None and line.startswith("```"):
            fence, language, start = [], line[3:].strip().split(" ")[0], number
        elif fence is not None and line.startswith("```"):
            blocks.append(Block(language, "\n".join(fence) + "\n", start))
            fence = None
        elif fence is not None:
            fence.append(line)
    return blocks


def examples(heading: str = "grpcurl") -> list[Example]:
    """Each `sh` block with the `text`/`json` block that follows it (its expected output), if any."""
    found: list[Example] = []
    for block in section(heading):
        if block.language == "sh":
            found.append(Example(block.text, None, block.line))
        elif block.language in ("json", "text") and found and found[-1].expected is None:
            found[-1].expected = block
    return found


def unique_ids(items: list[Example]) -> list[str]:
    """Example ids, with `#2`, `#3`... for repeated ones."""
    seen: dict[str, int] = {}
    ids = []
    for example in items:
        seen[example.id] = seen.get(example.id, 0) + 1
        ids.append(example.id if seen[example.id] == 1 else f"{example.id}#{seen[example.id]}")
    return ids


def mismatches(expected, actual, path: str = "$") -> list[str]:
    """Where `actual` does not contain `expected`: every expected key must be present and match;
    every expected list item must match some actual item; a string `...` matches any value and
    `prefix...` any string starting with the prefix."""
    if isinstance(expected, str) and expected.endswith(ELLIPSIS):
        prefix = expected[: -len(ELLIPSIS)]
        if expected == ELLIPSIS or (isinstance(actual, str) and actual.startswith(prefix)):
            return []
        return [f"{path}: expected {expected!r}, got {actual!r}"]
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"]
        problems = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{path}.{key}: missing")
            else:
                problems.extend(mismatches(value, actual[key], f"{path}.{key}"))
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{path}: expected a list, got {actual!r}"]
        problems = []
        for index, item in enumerate(expected):
            if not any(not mismatches(item, candidate) for candidate in actual):
                problems.append(f"{path}[{index}]: no item matches {item!r}")
        return problems
    return [] if expected == actual else [f"{path}: expected {expected!r}, got {actual!r}"]


def missing_lines(expected: str, actual: str) -> list[str]:
    """Expected lines (whitespace-trimmed, non-empty) that the actual output does not have."""
    have = {line.strip() for line in actual.splitlines()}
    return [line.strip() for line in expected.splitlines() if line.strip() and line.strip() not in have]
