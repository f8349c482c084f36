"""Plugin extractors, registered without editing server code: Python entry points in the
`vecplane.feature_extractors` group (each loads a definition, a list of them, or a callable that
returns either) and JSON manifest files (`*.json`, one definition or a list) in the plugin folder.

Every definition is parsed against the FeatureExtractorDefinition message, so a manifest with a
misspelled field or a wrong type stops the server at start with the file and the field named."""

from __future__ import annotations

import json
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from vecplane.v1 import feature_extractor_pb2

from server.domain.extractors import Catalogue, ExtractorDefinition, definition_problems
from server.extractors.builtin import BUILTIN_EXTRACTORS
from server.protojson import DecodeError, dict_to_message, message_to_dict

ENTRY_POINT_GROUP = "vecplane.feature_extractors"


class PluginError(Exception):
    """A plugin definition is invalid; the message names where it came from and what is wrong."""


def _parse(data: Any, origin: str, source: str) -> list[ExtractorDefinition]:
    items = data if isinstance(data, list) else [data]
    definitions = []
    for index, item in enumerate(items):
        where = origin if len(items) == 1 else f"{origin}[{index}]"
        try:
            message = dict_to_message(item, feature_extractor_pb2.FeatureExtractorDefinition)
        except DecodeError as exc:
            raise PluginError(f"{where}: {exc}") from None
        normalized = message_to_dict(message)
        normalized["source"] = source
        problems = definition_problems(normalized)
        if problems:
            raise PluginError(f"{where}: " + "; ".join(problems))
        definitions.append(ExtractorDefinition(normalized))
    return definitions


def _from_entry_points() -> list[ExtractorDefinition]:
    definitions = []
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        loaded = entry.load()
        data = loaded() if callable(loaded) else loaded
        definitions += _parse(data, f"entry point {entry.name} ({entry.value})", "custom")
    return definitions


def _from_folder(folder: Path) -> list[ExtractorDefinition]:
    definitions = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text())
        except json.JSONDecodeError as exc:
            raise PluginError(f"{path}: not valid JSON ({exc})") from None
        definitions += _parse(data, str(path), "custom")
    return definitions


def load_catalogue(plugin_dir: Path | None) -> Catalogue:
    """Built-ins, then entry-point plugins, then manifest files; an id defined twice is an error."""
    definitions = _parse(BUILTIN_EXTRACTORS, "built-in catalogue", "builtin")
    definitions += _from_entry_points()
    if plugin_dir is not None:
        if not plugin_dir.is_dir():
            raise PluginError(f"{plugin_dir}: plugin folder does not exist")
        definitions += _from_folder(plugin_dir)
    try:
        return Catalogue(definitions)
    except ValueError as exc:
        raise PluginError(str(exc)) from None
