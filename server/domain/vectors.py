"""Named-vector definitions and the namespace's desired vector schema: the union of the vectors its
enabled feature extractors declare."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class VectorSpec:
    """One named vector. Two specs with the same name are compatible only if `same_definition`."""

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


def same_definition(a: VectorSpec, b: VectorSpec) -> bool:
    """Whether two definitions of a named vector are the same: the one rule every comparison uses
    (a store's vector against a declared one, two extractors declaring one name). Sparse vectors have
    no size or distance (a catalogue may still carry defaults for them), so only their kind counts."""
    if a.kind == "sparse" or b.kind == "sparse":
        return a.kind == b.kind
    return (a.dimensions, a.distance, a.multi, a.kind) == (b.dimensions, b.distance, b.multi, b.kind)


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
        elif not same_definition(seen[1], spec):
            raise VectorConflict(spec.name, seen, (owner, spec))
    return {name: spec for name, (_owner, spec) in merged.items()}
