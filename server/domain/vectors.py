"""Named-vector definitions and the namespace's desired vector schema: the union of the vectors its
enabled feature extractors declare."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class VectorSpec:
    """One named vector. Two specs with the same name are compatible only if they are equal."""

    name: str
    dimensions: int
    distance: str = "cosine"  # cosine | dot | euclid | manhattan
    kind: str = "dense"  # dense | sparse
    multi: bool = False

    def describe(self) -> str:
        if self.kind == "sparse":
            return "sparse"
        return f"{self.dimensions}-d {self.distance}{' multi' if self.multi else ''}"

    @classmethod
    def from_index(cls, index: dict[str, Any]) -> VectorSpec:
        """From a Mixpeek-style vector index definition ({name, type, index: {...}})."""
        inner = index.get("index") or {}
        return cls(
            name=index["name"],
            dimensions=int(inner.get("dimensions") or 0),
            distance=inner.get("distance") or "cosine",
            kind=inner.get("type") or "dense",
            multi=index.get("type") == "multi",
        )


class VectorConflict(Exception):
    """Two extractors declare the same vector name with different definitions."""

    def __init__(self, name: str, first: tuple[str, VectorSpec], second: tuple[str, VectorSpec]):
        self.name, self.first, self.second = name, first, second
        super().__init__(
            f"Feature extractors '{first[0]}' and '{second[0]}' both declare vector '{name}' with different "
            f"definitions ({first[1].describe()} vs {second[1].describe()})."
        )


def merge_vectors(declared: list[tuple[str, VectorSpec]]) -> dict[str, VectorSpec]:
    """The union of (declaring extractor id, spec) pairs by name; raises VectorConflict."""
    merged: dict[str, tuple[str, VectorSpec]] = {}
    for owner, spec in declared:
        seen = merged.get(spec.name)
        if seen is None:
            merged[spec.name] = (owner, spec)
        elif seen[1] != spec:
            raise VectorConflict(spec.name, seen, (owner, spec))
    return {name: spec for name, (_owner, spec) in merged.items()}
