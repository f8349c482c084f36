"""README's SDK summary line is the count of its SDK tables (tools/sdk_coverage.py), and the count
reads rows as the tool documents."""

from __future__ import annotations

from pathlib import Path

from tools import sdk_coverage

TABLES = """## Mixpeek SDK compatibility

| SDK method | REST | |
| --- | --- | --- |
| `A.one` / `two` | `POST /v1/a` | **supported** (`not_a_method`) |
| `B.three, four` (see `/v1/b`) |  | **partially**: `x` |
| `search(a=..., b=[...])`, the others (`five, six`) | **not supported** yet |

## Next
| `C.seven` | | **supported** |
"""


def test_rows_are_counted_by_method_and_status() -> None:
    assert sdk_coverage.count(TABLES) == {"supported": 2, "partially": 2, "not supported": 3}


def test_the_readme_summary_is_current() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    line = sdk_coverage.summary(sdk_coverage.count(readme))
    assert line in readme, f"README's SDK summary is stale: run `python tools/sdk_coverage.py`; it should read:\n{line}"
