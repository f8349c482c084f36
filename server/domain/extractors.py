"""The feature-extractor catalogue: definitions (Mixpeek's FeatureExtractorDefinition, as JSON data)
and lookups by name + version or by `name_version` id."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from server.domain.vectors import VectorSpec

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
VERSION_PATTERN = re.compile(r"^v[0-9]+$")


@dataclass(frozen=True, eq=False)
class ExtractorDefinition:
    """One catalogue entry. `data` is the full definition as the API returns it."""

    data: dict[str, Any]

    @property
    def name(self) -> str:
        return self.data["feature_extractor_name"]

    @property
    def version(self) -> str:
        return self.data["version"]

    @property
    def id(self) -> str:
        return f"{self.name}_{self.version}"

    @property
    def inputs(self) -> dict[str, Any]:
        return (self.data.get("input_schema") or {}).get("properties") or {}

    @property
    def outputs(self) -> dict[str, Any]:
        return (self.data.get("output_schema") or {}).get("properties") or {}

    @property
    def parameters(self) -> dict[str, Any]:
        return (self.data.get("parameter_schema") or {}).get("properties") or {}

    @property
    def default_parameters(self) -> dict[str, Any]:
        return self.data.get("default_parameters") or {}

    @property
    def vectors(self) -> list[VectorSpec]:
        return [VectorSpec.from_index(v) for v in self.data.get("required_vector_indexes") or []]

    @property
    def vector_indexes(self) -> list[dict[str, Any]]:
        """The declared vector index definitions, each tagged with this extractor's id."""
        return [{**v, "feature_extractor_id": self.id} for v in self.data.get("required_vector_indexes") or []]

    @property
    def payload_indexes(self) -> list[dict[str, Any]]:
        return list(self.data.get("required_payload_indexes") or [])

    def as_api(self) -> dict[str, Any]:
        return {**self.data, "feature_extractor_id": self.id, "required_vector_indexes": self.vector_indexes}


def definition_problems(data: dict[str, Any]) -> list[str]:
    """What is wrong with a definition (from a plugin), beyond its JSON shape."""
    problems = []
    name, version = data.get("feature_extractor_name", ""), data.get("version", "")
    if not NAME_PATTERN.match(name):
        problems.append("feature_extractor_name: must be 2-63 lower-case letters, digits or _, starting with a letter")
    if not VERSION_PATTERN.match(version):
        problems.append("version: must look like v1, v2, ...")
    for i, vector in enumerate(data.get("required_vector_indexes") or []):
        where = f"required_vector_indexes[{i}]"
        if not vector.get("name"):
            problems.append(f"{where}.name: required")
        index = vector.get("index") or {}
        if index.get("type", "dense") == "dense" and not 1 <= int(index.get("dimensions") or 0) <= 65536:
            problems.append(f"{where}.index.dimensions: a dense vector needs 1-65536 dimensions")
    for i, payload in enumerate(data.get("required_payload_indexes") or []):
        if not payload.get("field_name") or not payload.get("type"):
            problems.append(f"required_payload_indexes[{i}]: needs field_name and type")
    return problems


class Catalogue:
    """Every known extractor, by id."""

    def __init__(self, definitions: list[ExtractorDefinition]):
        self._by_id: dict[str, ExtractorDefinition] = {}
        for definition in definitions:
            if definition.id in self._by_id:
                raise ValueError(f"feature extractor {definition.id} is defined twice")
            self._by_id[definition.id] = definition

    def get(self, name: str, version: str) -> ExtractorDefinition | None:
        return self._by_id.get(f"{name}_{version}")

    def by_id(self, extractor_id: str) -> ExtractorDefinition | None:
        return self._by_id.get(extractor_id)

    def all(self) -> list[ExtractorDefinition]:
        return [self._by_id[key] for key in sorted(self._by_id)]
