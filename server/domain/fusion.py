"""Fusion: one ranked list from several searches' ranked lists. The one home of the fusion rules.

Each search gives (document key -> score), best first, and a weight (0-1):
- `rrf` (reciprocal rank fusion): sum over searches of weight / (RRF_K + rank), rank from 1. Ranks
  only, so searches on vectors with different score scales mix fairly.
- `dbsf` (distribution-based score fusion, as Qdrant's): each search's scores are normalised to
  0-1 between mean - 3 sd and mean + 3 sd (clipped), then weighted and summed.
- `weighted`: the weighted sum of the raw scores; a document a search did not find adds nothing.
- `max`: the highest weighted raw score any search gave.
A single search keeps its own scores whatever the method, so `min_score` reads as the engine's score.
Ties are broken by key, so a fused order is deterministic (pagination relies on it)."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

FUSIONS = ("rrf", "dbsf", "weighted", "max")
RRF_K = 60


@dataclass(frozen=True)
class Ranked:
    """One search's results, best first, and its weight."""

    scores: Mapping[str, float]
    weight: float = 1.0


def _dbsf(scores: Mapping[str, float]) -> dict[str, float]:
    values = list(scores.values())
    if len(values) < 2:
        return dict.fromkeys(scores, 1.0)
    mean, sd = statistics.fmean(values), statistics.pstdev(values)
    if sd == 0:
        return dict.fromkeys(scores, 1.0)
    low, high = mean - 3 * sd, mean + 3 * sd
    return {key: min(1.0, max(0.0, (value - low) / (high - low))) for key, value in scores.items()}


def fuse(method: str, searches: Sequence[Ranked]) -> list[tuple[str, float]]:
    """(key, fused score), best first."""
    if method not in FUSIONS:
        raise ValueError(f"unknown fusion {method!r}")
    fused: dict[str, float] = {}
    if len(searches) == 1:
        fused = dict(searches[0].scores)
    for search in searches if len(searches) > 1 else ():
        if method == "rrf":
            ordered = sorted(search.scores.items(), key=lambda item: (-item[1], item[0]))
            for rank, (key, _score) in enumerate(ordered, start=1):
                fused[key] = fused.get(key, 0.0) + search.weight / (RRF_K + rank)
        elif method == "dbsf":
            for key, value in _dbsf(search.scores).items():
                fused[key] = fused.get(key, 0.0) + search.weight * value
        elif method == "weighted":
            for key, value in search.scores.items():
                fused[key] = fused.get(key, 0.0) + search.weight * value
        else:
            for key, value in search.scores.items():
                fused[key] = max(fused.get(key, float("-inf")), search.weight * value)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
