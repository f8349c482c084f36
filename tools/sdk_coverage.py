"""Counts the Mixpeek SDK methods listed in README's "Mixpeek SDK compatibility" tables by status, and
writes the summary line at the top of that section (`--check`: exits 1 when the line is stale).

Counting: every table row of the section names methods in its first cell, in backticks; one span
may name several, separated by commas outside parentheses (`retrievers.create, get`). A span that
is a path (`/v1/...`) names none. The row's status is the first of **supported**, **partially**,
**not supported** in its last cell. The typed API's methods and the high-level client's count alike.

    python tools/sdk_coverage.py [README.md] [--check]
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

SECTION = "## Mixpeek SDK compatibility"
SUMMARY = re.compile(r"^\*\*\d+ of \d+ SDK methods .*$", re.MULTILINE)
STATUSES = ("supported", "partially", "not supported")


def _names(span: str) -> list[str]:
    """The methods one backtick span names."""
    if span.startswith("/"):
        return []
    names, depth, current = [], 0, ""
    for char in span:
        depth += char in "([{"
        depth -= char in ")]}"
        if char == "," and depth == 0:
            names.append(current.strip())
            current = ""
        else:
            current += char
    names.append(current.strip())
    return [n for n in names if n]


def _status(cell: str) -> str:
    found = re.search(r"\*\*(supported|partially|not supported)\*\*", cell)
    if found is None:
        raise ValueError(f"a row of the SDK tables has no status: {cell!r}")
    return found.group(1)


def count(readme: str) -> Counter[str]:
    """Methods per status in the section's tables."""
    start = readme.index(SECTION)
    end = readme.find("\n## ", start + len(SECTION))
    counts: Counter[str] = Counter()
    for line in readme[start : end if end != -1 else None].splitlines():
        if not line.startswith("| ") or line.startswith(("| SDK method", "| Method", "| ---")):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        methods = [name for span in re.findall(r"`([^`]+)`", cells[0]) for name in _names(span)]
        counts[_status(cells[-1])] += len(methods)
    return counts


def summary(counts: Counter[str]) -> str:
    total = sum(counts.values())
    working = counts["supported"] + counts["partially"]
    return (
        f"**{working} of {total} SDK methods of the implemented resources are supported ({counts['partially']} of them partially);"
        f" {counts['not supported']} are not.** Counted from the tables below by `tools/sdk_coverage.py`: each method a row"
        " names counts once, the typed API's and the high-level client's alike; a method listed in two forms (managed and"
        " standalone `namespaces.create`, the two forms of `search`) counts once per form."
    )


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [a for a in argv if a != "--check"]
    path = Path(paths[0] if paths else "README.md")
    readme = path.read_text()
    line = summary(count(readme))
    found = SUMMARY.search(readme)
    if check:
        if found is None or found.group(0) != line:
            print(f"{path}: the SDK summary line is stale; run tools/sdk_coverage.py. It should read:\n{line}", file=sys.stderr)
            return 1
        return 0
    if found is not None:
        readme = readme[: found.start()] + line + readme[found.end() :]
    else:
        heading = readme.index(SECTION) + len(SECTION)
        readme = readme[:heading] + "\n\n" + line + readme[heading:]
    path.write_text(readme)
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
