"""The seeds' JSON bodies, read verbatim from the seed files copied into tests/seeds/."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

# Every field of seed 004's request that its `<string>` placeholders make invalid.
SEED_004_BAD_FIELDS = {
    "collection_name",
    "source.bucket_id",
    "source.prefix_key",
    "source.collection_id",
    "feature_extractors[0].feature_extractor_name",
    "feature_extractors[0].version",
    "taxonomy_applications[0].taxonomy_id",
    "taxonomy_applications[0].output_collection",
    "cache_config.invalidation_events[0].collection",
    "cache_config.invalidation_events[0].action",
    "cache_config.invalidation_events[0].retriever_id",
}


def _seed_text(number: str) -> str:
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return path.read_text()


def _find(pattern: str, text: str) -> re.Match[str]:
    match = re.search(pattern, text, re.S)
    assert match is not None, f"the seed no longer matches {pattern!r}"
    return match


def seed_004_request() -> dict[str, Any]:
    """The body of seed 004's curl command (`--data '...'`)."""
    return json.loads(_find(r"--data '(\{.*?\})'\n", _seed_text("004")).group(1))


def seed_004_response() -> dict[str, Any]:
    """The response JSON that follows the curl command in seed 004."""
    text = _seed_text("004")
    start = text.index("'\n{", text.index("--data")) + 2
    return json.JSONDecoder().raw_decode(text[start:])[0]


def seed_002_request() -> dict[str, Any]:
    """The body of seed 002's curl command: `{"confirm": true}`."""
    return json.loads(_find(r"--data '\s*(\{.*?\})\s*'\n", _seed_text("002")).group(1))


def seed_002_response() -> dict[str, Any]:
    """The response JSON that follows the curl command in seed 002."""
    text = _seed_text("002")
    end_of_request = _find(r"--data '\s*\{.*?\}\s*'\n", text).end()
    return json.JSONDecoder().raw_decode(text[text.index("{", end_of_request) :])[0]


def seed_003_missing_field(path: str) -> str:
    """Seed 003's error for an input mapping to a field the source schema does not have."""
    template = _find(r'fail with: "(The source field .*?)"', _seed_text("003")).group(1)
    return template.replace("'X'", f"'{path}'")
