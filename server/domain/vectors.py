"""Named-vector definitions and the namespace's desired vector schema: the union of the vectors its
enabled feature extractors declare."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from server.domain.errors import Violations
from server.domain.retrieval import parse_feature_uri


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


def imported_vectors(problems: Violations, raw: Mapping[str, Any], indexes: Sequence[Mapping[str, Any]]) -> dict[str, list[float]]:
    """Precomputed vectors sent with a document (`vectors`: key an index name or its feature URI,
    value the numbers), checked against the collection's vector indexes: only dense single vectors
    of the index's dimensions. Returned by index name."""
    by_name = {index["name"]: index for index in indexes}
    found: dict[str, list[float]] = {}
    if len(raw) > len(by_name):  # bounds the work (and the answer) a request asks for
        problems.add("vectors", f"has {len(raw)} keys; the collection has {len(by_name)} vector indexes, at most one vector each")
        return found
    for key, value in raw.items():
        path = f"vectors.{key:.200}"
        uri = parse_feature_uri(key)
        index = by_name.get(uri.vector if uri else key)
        if index is None or (uri is not None and index.get("feature_extractor_id") != uri.extractor_id):
            available = ", ".join(f"{name} ({VectorSpec.from_index(dict(i)).describe()})" for name, i in by_name.items()) or "none"
            problems.add(path, f"names no vector index of the collection; its indexes: {available}")
            continue
        spec = VectorSpec.from_index(dict(index))
        if spec.name in found:
            problems.add(path, f"sets vector index {spec.name} a second time")
        elif spec.kind != "dense" or spec.multi:
            problems.add(path, f"is a {spec.describe()} index: only dense vectors can be sent")
        elif not isinstance(value, list) or not all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in value):
            problems.add(path, "must be a list of finite numbers")
        elif len(value) != spec.dimensions:
            problems.add(path, f"has {len(value)} dimensions; index {spec.name} has {spec.dimensions}")
        else:
            found[spec.name] = [float(x) for x in value]
    return found
