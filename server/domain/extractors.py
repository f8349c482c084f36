"""The feature-extractor catalogue: definitions (Mixpeek's FeatureExtractorDefinition, as JSON data)
and lookups by name + version or by `name_version` id."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from server.domain.errors import Violations
from server.domain.schema import check_object
from server.domain.vectors import VectorSpec

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
VERSION_PATTERN = re.compile(r"^v[0-9]+$")
DEFAULT_ICON = "box"  # Mixpeek's default (a Lucide icon name)


def extractor_id(name: str, version: str) -> str:
    """The `name_version` id of an extractor (e.g. `text_extractor_v1`): the one place it is built."""
    return f"{name}_{version}"


def enabled_ids(items: list[dict[str, Any]]) -> list[str]:
    """The ids of a list of extractor references ({feature_extractor_name, version, ...})."""
    return [extractor_id(e["feature_extractor_name"], e["version"]) for e in items]


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
        return extractor_id(self.name, self.version)

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
        """The declared vector index definitions, each tagged with this extractor's id; an index
        without a description of its own takes its definition's (Mixpeek's models require both)."""
        return [
            {**v, "index": {**v.get("index", {}), "description": v.get("index", {}).get("description") or v.get("description", "")}, "feature_extractor_id": self.id}
            for v in self.data.get("required_vector_indexes") or []
        ]

    @property
    def payload_indexes(self) -> list[dict[str, Any]]:
        return list(self.data.get("required_payload_indexes") or [])

    @property
    def is_builtin(self) -> bool:
        return self.data.get("source") == "builtin"

    def as_api(self) -> dict[str, Any]:
        """The entry as the API shows it, with the defaults of what a definition may leave out."""
        return {
            **self.data,
            "feature_extractor_id": self.id,
            "required_vector_indexes": self.vector_indexes,
            "icon": self.data.get("icon") or DEFAULT_ICON,
            "max_inputs": self.data.get("max_inputs") or dict.fromkeys(self.inputs, 1),
        }


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
        return self._by_id.get(extractor_id(name, version))

    def by_id(self, extractor_id: str) -> ExtractorDefinition | None:
        return self._by_id.get(extractor_id)

    def all(self) -> list[ExtractorDefinition]:
        return [self._by_id[key] for key in sorted(self._by_id)]


def check_extractor_list(
    problems: Violations,
    catalogue: Catalogue,
    requested: list[dict[str, Any]],
    *,
    params_key: str,
    enabled: set[str] | None = None,
    namespace_name: str = "",
) -> list[ExtractorDefinition | None]:
    """The one validator of a list of extractor references (a namespace's enabled extractors, a
    collection's applied ones): each is named and versioned, in the catalogue, listed once, its
    `params_key` parameters fit the definition and, when `enabled` is given, it is enabled in the
    namespace. Returns the definition of each entry by position (None where the entry is invalid)."""
    if not requested:
        problems.add("feature_extractors", "at least one feature extractor is required")
        return []
    found: list[ExtractorDefinition | None] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(requested):
        where = f"feature_extractors[{index}]"
        name, version = item.get("feature_extractor_name"), item.get("version")
        if not name:
            problems.add(f"{where}.feature_extractor_name", "is required")
        if not version:
            problems.add(f"{where}.version", "is required")
        elif not VERSION_PATTERN.match(version):
            problems.add(f"{where}.version", f"{version!r} is not a version; versions look like v1, v2, ...")
        definition = catalogue.get(name, version) if name and version else None
        if name and version and definition is None:
            known = ", ".join(d.id for d in catalogue.all())
            problems.add(f"{where}.feature_extractor_name", f"feature extractor '{name}' version '{version}' is not in the catalogue (known: {known})")
        elif definition is not None and definition.id in seen:
            problems.add(where, f"feature extractor '{definition.id}' is already listed as feature_extractors[{seen[definition.id]}]")
            definition = None
        elif definition is not None and enabled is not None and definition.id not in enabled:
            problems.add(
                f"{where}.feature_extractor_name",
                f"feature extractor '{definition.id}' is not enabled in namespace '{namespace_name}': enable it with UpdateNamespace, then call Reconfigure",
            )
            definition = None
        if definition is not None:
            seen[definition.id] = index
            check_object(problems, f"{where}.{params_key}", item.get(params_key) or {}, definition.parameters, allow_unknown=False)
        found.append(definition)
    return found
