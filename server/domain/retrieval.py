"""Retrievers (Mixpeek's current retriever API): the stage catalogue with each stage's parameter
schema, the checks of a retriever definition and of execute inputs, and the stages that work on
documents already found (filter, sort, mmr, sample, group_by). No I/O: the use case runs
`feature_search` against the vector store and the query's extractor, then hands the hits here.

Choices where Mixpeek is silent:
- Parameters are checked against the stage's JSON Schema (the one `GET /v1/retrievers/stages`
  lists), with defaults filled in; unknown parameters are refused, so a typo never passes silently.
- A string parameter that is exactly `{{INPUT.name}}` takes the input's value whatever its type (a
  vector stays a list); inside a longer string the value is written as text. A saved definition may
  hold such a template where the schema wants another type (`"top_k": "{{INPUT.k}}"`): the value is
  checked against the schema when an execution resolves it.
- A feature URI is `mixpeek://{extractor}@{version}/{vector}`: the extractor that embeds the query
  and the named vector searched (the collection's own extractor; see the README).
"""

from __future__ import annotations

import functools
import hashlib
import math
import pickle
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import jsonschema

from server.domain import filters
from server.domain.documents import value_order
from server.domain.errors import Violations
from server.domain.fusion import FUSIONS

MAX_STAGES = 20
MAX_SEARCHES = 10
MAX_TOP_K = 5000
MAX_PAGE = 500
MAX_INPUT_NAMES = 50

FEATURE_URI = re.compile(r"^mixpeek://(?P<name>[a-z][a-z0-9_]{1,62})@(?P<version>v[0-9]+)/(?P<vector>[A-Za-z0-9_]{1,128})$")
TEMPLATE = re.compile(r"\{\{\s*INPUT\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_WHOLE_TEMPLATE = re.compile(r"^\{\{\s*INPUT\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$")

_FILTER_OPERATORS = ["eq", "ne", "gt", "lt", "gte", "lte", "in", "nin", "contains", "starts_with", "ends_with", "regex", "exists", "is_null", "text", "phrase", "words"]
_QUERY = {
    "type": "object",
    "additionalProperties": False,
    "description": "The query: text or content (an image, embedded by the feature's extractor), an existing document (its stored vector), or a raw vector",
    "properties": {
        "input_mode": {"enum": ["text", "content", "document", "vector"], "default": "text"},
        "value": {"description": "text: the text; content: a URL or base64 bytes; vector: the numbers"},
        "text": {"type": "string", "description": "text: the text (alias of value)"},
        "content": {
            "type": "object",
            "additionalProperties": False,
            "description": "content: the file by URL (fetched within the server's limits) or as base64 bytes; one of the two",
            "properties": {"url": {"type": "string", "maxLength": 2083}, "base64": {"type": "string"}},
        },
        "document_ref": {
            "type": "object",
            "additionalProperties": False,
            "required": ["document_id"],
            "properties": {"collection_id": {"type": "string"}, "document_id": {"type": "string"}},
        },
    },
}
_SEARCH = {
    "type": "object",
    "additionalProperties": False,
    "required": ["feature_uri", "query"],
    "properties": {
        "feature_uri": {"type": "string", "description": "mixpeek://{extractor}@{version}/{vector}"},
        "query": _QUERY,
        "top_k": {"type": "integer", "minimum": 1, "maximum": MAX_TOP_K, "default": 100},
        "min_score": {"type": "number", "minimum": 0, "maximum": 1},
        "weight": {"type": "number", "minimum": 0, "maximum": 1, "default": 1.0},
    },
}


def _schema(properties: dict[str, Any], required: Sequence[str] = ()) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "properties": properties, "required": list(required)}


@dataclass(frozen=True)
class StageDefinition:
    stage_id: str
    description: str
    category: str
    icon: str
    parameter_schema: dict[str, Any]

    def as_api(self) -> dict[str, Any]:
        return {"stage_id": self.stage_id, "description": self.description, "category": self.category, "icon": self.icon, "parameter_schema": self.parameter_schema}


STAGES = {
    stage.stage_id: stage
    for stage in (
        StageDefinition(
            "feature_search",
            "Vector search on one or more features, fused into one ranking; empty `searches` lists the documents matching `pre_filters`.",
            "filter",
            "search",
            _schema(
                {
                    "searches": {"type": "array", "maxItems": MAX_SEARCHES, "items": _SEARCH, "default": []},
                    "final_top_k": {"type": "integer", "minimum": 1, "maximum": MAX_TOP_K, "default": 25},
                    "fusion": {"enum": list(FUSIONS), "default": "rrf"},
                }
            ),
        ),
        StageDefinition(
            "attribute_filter",
            "Keeps the documents whose fields match: one condition (field, operator, value) or `conditions` in the shared filter language.",
            "filter",
            "filter",
            _schema(
                {
                    "field": {"type": "string", "minLength": 1},
                    "operator": {"enum": _FILTER_OPERATORS, "default": "eq"},
                    "value": {},
                    "conditions": {"type": "object"},
                    "case_insensitive": {"type": "boolean", "default": False},
                }
            ),
        ),
        StageDefinition(
            "sort_attribute",
            "Orders the documents by a field.",
            "sort",
            "sort",
            _schema(
                {
                    "field": {"type": "string", "minLength": 1, "default": "_internal.created_at"},
                    "direction": {"enum": ["asc", "desc"], "default": "desc"},
                    "nulls_last": {"type": "boolean", "default": True},
                }
            ),
        ),
        StageDefinition(
            "sort_relevance",
            "Orders the documents by a score field (`score` by default).",
            "sort",
            "sort",
            _schema(
                {
                    "score_field": {"type": "string", "minLength": 1, "default": "score"},
                    "direction": {"enum": ["asc", "desc"], "default": "desc"},
                    "missing_score": {"enum": ["bottom", "top", "preserve"], "default": "bottom"},
                }
            ),
        ),
        StageDefinition(
            "mmr",
            "Maximal marginal relevance: re-ranks for relevance and diversity (lambda 1: relevance only) by the documents' vectors.",
            "sort",
            "shuffle",
            _schema(
                {
                    "lambda": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.7},
                    "top_k": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 25},
                    "diversity_feature_uri": {"type": "string", "description": "default: the first search's feature_uri"},
                    "score_field": {"type": "string", "minLength": 1, "default": "score"},
                    "mmr_score_field": {"type": "string", "minLength": 1, "default": "scores.mmr"},
                }
            ),
        ),
        StageDefinition(
            "sample",
            "Keeps `count` documents picked at random (seeded: the same seed picks the same ones).",
            "reduce",
            "dice",
            _schema(
                {
                    "count": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 10},
                    "strategy": {"enum": ["random", "reservoir"], "default": "random"},
                    "seed": {"type": "integer"},
                }
            ),
        ),
        StageDefinition(
            "group_by",
            "Groups the documents by a field: the best of each group (first), the best `max_per_group` of each (flatten), or one entry per group with its documents (all).",
            "reduce",
            "group",
            _schema(
                {
                    "group_by_field": {"type": "string", "minLength": 1, "default": "source_object_id"},
                    "max_per_group": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 10},
                    "output_mode": {"enum": ["first", "all", "flatten"], "default": "first"},
                }
            ),
        ),
    )
}


# Built once: a validator compiles its schema, which costs more than checking small parameters.
_VALIDATORS = {stage_id: jsonschema.Draft202012Validator(stage.parameter_schema) for stage_id, stage in STAGES.items()}


@dataclass(frozen=True)
class FeatureUri:
    extractor_name: str
    version: str
    vector: str

    @property
    def extractor_id(self) -> str:
        return f"{self.extractor_name}_{self.version}"

    def __str__(self) -> str:
        return f"mixpeek://{self.extractor_name}@{self.version}/{self.vector}"


def collection_features(collection: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What feature_search can search in a collection: one feature per vector its documents carry
    (Mixpeek's DescribeCollectionFeatures entries), the extractor's first vector being its primary."""
    features = []
    for extractor in collection.get("feature_extractors") or []:
        name, version = extractor["feature_extractor_name"], extractor["version"]
        vectors = [v for v in collection.get("vector_indexes") or [] if v.get("feature_extractor_id") == f"{name}_{version}"]
        for position, vector in enumerate(vectors):
            index = vector.get("index") or {}
            uri = str(FeatureUri(name, version, vector["name"]))
            features.append(
                {
                    "feature_address": uri,
                    "feature_uri": uri,
                    "feature_extractor_name": name,
                    "version": version,
                    "vector_index": {
                        "name": vector["name"],
                        "description": index.get("description") or vector.get("description", ""),
                        "dimensions": index.get("dimensions", 0),
                        "type": "multi_dense" if vector.get("type") == "multi" else index.get("type", "dense"),
                        "distance": index.get("distance", "cosine"),
                    },
                    "primary": position == 0,
                }
            )
    return features


def parse_feature_uri(value: str) -> FeatureUri | None:
    match = FEATURE_URI.match(value)
    return FeatureUri(match["name"], match["version"], match["vector"]) if match else None


@dataclass(frozen=True)
class Stage:
    """A checked stage: parameters with defaults filled in (templates still unresolved)."""

    stage_name: str
    stage_id: str
    parameters: dict[str, Any]
    pre_filters: dict[str, Any] | None = None
    description: str = ""

    @property
    def category(self) -> str:
        return STAGES[self.stage_id].category

    @functools.cached_property
    def templated(self) -> bool:
        """Whether a parameter takes an input's value (`{{INPUT.x}}`), so each execution checks it
        once resolved (computed once per stage, not per execution)."""
        return has_template(self.parameters)

    def as_api(self) -> dict[str, Any]:
        config: dict[str, Any] = {"stage_id": self.stage_id, "parameters": self.parameters}
        if self.pre_filters:
            config["pre_filters"] = self.pre_filters
        return {"stage_name": self.stage_name, "stage_type": self.category, "config": config, "description": self.description, "parameters": self.parameters}


def _fill_defaults(schema: dict[str, Any], value: Any) -> Any:
    if isinstance(value, dict) and schema.get("type") == "object":
        props = schema.get("properties") or {}
        out = {k: _fill_defaults(props.get(k, {}), v) for k, v in value.items()}
        for key, spec in props.items():
            if key not in out and "default" in spec:
                out[key] = spec["default"]
        return out
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [_fill_defaults(schema["items"], v) for v in value]
    return value


def _path(base: str, parts: Sequence[Any]) -> str:
    out = base
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def check_parameters(
    problems: Violations, path: str, definition: StageDefinition, parameters: Mapping[str, Any], *, deferring_templates: bool = False
) -> dict[str, Any]:
    """The parameters with defaults, every schema violation added to `problems` with its field.
    `deferring_templates` (a definition being saved): a value that is only `{{INPUT.name}}` stands
    for any value and is checked when an execution gives it (e.g. `top_k` from an integer input)."""
    validator = _VALIDATORS.get(definition.stage_id) or jsonschema.Draft202012Validator(definition.parameter_schema)
    for error in sorted(validator.iter_errors(dict(parameters)), key=lambda e: list(map(str, e.absolute_path))):
        if deferring_templates and _deferred(error):
            continue
        where = _path(path, list(error.absolute_path))
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = error.schema.get("properties") or {}
            for extra in sorted(set(error.instance) - set(known)):
                problems.add(_path(where, [extra]), f"is not a parameter; known: {', '.join(sorted(known))}")
        elif error.validator == "required":
            problems.add(_path(where, [error.message.split("'")[1]]), "is required")
        else:
            problems.add(where, error.message[:300])
    return _fill_defaults(definition.parameter_schema, dict(parameters))


def _deferred(error: jsonschema.ValidationError) -> bool:
    """Whether the error is about a whole template standing for a plain value (a number, a string,
    a boolean, a vector); a template where an object is wanted is refused (the definition is built
    from its objects: searches, queries, conditions)."""
    if not isinstance(error.instance, str) or _WHOLE_TEMPLATE.match(error.instance) is None:
        return False
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    items = schema.get("items")
    return "object" not in (schema.get("type"), items.get("type") if isinstance(items, dict) else None)


def check_stages(problems: Violations, raw: Sequence[Mapping[str, Any]], fields: filters.Fields, path: str = "stages") -> list[Stage]:
    """Checks stage definitions: names unique, IDs in the catalogue (unknown ones named), parameters
    against the stage's schema, feature URIs well formed, filters in the shared filter language."""
    if not raw:
        problems.add(path, "at least one stage is required")
    if len(raw) > MAX_STAGES:
        problems.add(path, f"has {len(raw)} stages; at most {MAX_STAGES}")
    stages: list[Stage] = []
    names: set[str] = set()
    for index, item in enumerate(raw[:MAX_STAGES]):
        where = f"{path}[{index}]"
        name = item.get("stage_name") or ""
        config = item.get("config") or {}
        stage_id = config.get("stage_id") or ""
        if not name:
            problems.add(f"{where}.stage_name", "is required")
        elif name in names:
            problems.add(f"{where}.stage_name", f"'{name[:100]}' names another stage too; stage names are unique")
        names.add(name)
        definition = STAGES.get(stage_id)
        if definition is None:
            problems.add(f"{where}.config.stage_id", f"'{stage_id[:100]}' is not a stage; known: {', '.join(STAGES)}" if stage_id else "is required")
            continue
        parameters = check_parameters(problems, f"{where}.config.parameters", definition, config.get("parameters") or {}, deferring_templates=True)
        pre = config.get("pre_filters") or None
        if pre is not None:
            if stage_id != "feature_search":
                problems.add(f"{where}.config.pre_filters", "only feature_search takes pre_filters; use an attribute_filter stage")
            else:
                filters.parse(pre, fields, f"{where}.config.pre_filters", problems)
        if stage_id == "feature_search":
            for s, search in searches_of(parameters):
                uri = search.get("feature_uri")
                if isinstance(uri, str) and parse_feature_uri(uri) is None:
                    problems.add(f"{where}.config.parameters.searches[{s}].feature_uri", f"'{uri[:200]}' is not a feature URI: mixpeek://{{extractor}}@{{version}}/{{vector}}")
        if stage_id == "attribute_filter" and not has_template(parameters):
            attribute_condition(problems, f"{where}.config.parameters", parameters, fields)
        stages.append(Stage(name, stage_id, parameters, pre, item.get("description") or ""))
    return stages


def searches_of(parameters: Mapping[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """A feature_search's searches that are objects, with their positions (the others are reported
    by the schema check)."""
    searches = parameters.get("searches")
    return [(i, s) for i, s in enumerate(searches) if isinstance(s, dict)] if isinstance(searches, list) else []


def has_template(value: Any) -> bool:
    """Whether `{{INPUT.x}}` occurs anywhere in the value."""
    if isinstance(value, str):
        return TEMPLATE.search(value) is not None
    if isinstance(value, dict):
        return any(has_template(v) for v in value.values())
    if isinstance(value, list):
        return any(has_template(v) for v in value)
    return False


def attribute_condition(problems: Violations, path: str, parameters: Mapping[str, Any], fields: filters.Fields) -> filters.Node | None:
    """An attribute_filter's condition as a filter node: `conditions`, or one (field, operator, value)."""
    if parameters.get("conditions"):
        return filters.parse(parameters["conditions"], fields, f"{path}.conditions", problems)
    if not parameters.get("field"):
        problems.add(f"{path}.field", "is required (or give `conditions`)")
        return None
    raw = {"AND": [{"field": parameters["field"], "operator": parameters.get("operator", "eq"), "value": parameters.get("value")}], "case_sensitive": not parameters.get("case_insensitive", False)}
    found = Violations()
    node = filters.parse(raw, fields, path, found)
    for item in found.items:  # the condition's fields are the stage's parameters
        problems.add(item.field.replace(f"{path}.AND[0]", path, 1), item.description)
    return node


# --- inputs -------------------------------------------------------------------------------------

_INPUT_TYPES: dict[str, tuple[type, ...]] = {
    "text": (str,),
    "string": (str,),
    "integer": (int,),
    "float": (int, float),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "document_reference": (dict, str),
    "url": (str,),
    "image": (str,),
    "date": (str,),
    "datetime": (str,),
}


def check_input_schema(problems: Violations, path: str, schema: Mapping[str, Any]) -> None:
    if len(schema) > MAX_INPUT_NAMES:
        problems.add(path, f"has {len(schema)} inputs; at most {MAX_INPUT_NAMES}")
    for name, spec in schema.items():
        where = f"{path}.{name}"
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$", name):
            problems.add(where, "input names are 1-64 letters, digits or _, not starting with a digit")
        if not isinstance(spec, dict):
            problems.add(where, "must be an object with `type`")
        elif spec.get("type") not in _INPUT_TYPES:
            problems.add(f"{where}.type", f"must be one of: {', '.join(_INPUT_TYPES)}")


def _fits(kind: str, value: Any) -> bool:
    if kind in ("integer", "float", "number") and isinstance(value, bool):
        return False
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _INPUT_TYPES[kind])


def check_inputs(schema: Mapping[str, Any], inputs: Mapping[str, Any], path: str = "inputs") -> dict[str, Any]:
    """The inputs with defaults filled in; INVALID_ARGUMENT naming each missing, unknown or ill-typed
    one. Without a schema every input is taken as given."""
    problems = Violations()
    if schema:
        for name in inputs:
            if name not in schema:
                problems.add(f"{path}.{name}", f"is not an input of this retriever; inputs: {', '.join(schema) or 'none'}")
    out = dict(inputs)
    for name, spec in schema.items():
        kind = spec.get("type", "string")
        if name not in inputs:
            if "default" in spec:
                out[name] = spec["default"]
            elif spec.get("required"):
                problems.add(f"{path}.{name}", "is required")
            continue
        value = inputs[name]
        if kind in _INPUT_TYPES and not _fits(kind, value):
            problems.add(f"{path}.{name}", f"must be of type {kind}")
        elif spec.get("enum") and value not in spec["enum"]:
            problems.add(f"{path}.{name}", f"must be one of: {', '.join(map(str, spec['enum']))}")
    problems.raise_if_any()
    return out


def check_resolved(problems: Violations, path: str, definition: StageDefinition, saved: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Saved parameters (checked, defaults filled in) with their templates resolved from `inputs`;
    each value a template gave is checked against the schema at its place, the rest was checked
    when the definition was saved. A template where the schema sets nothing (a query's `value`,
    e.g. a vector) costs no check."""
    resolved = resolve_templates(dict(saved), inputs, problems, path)
    for location in _template_locations(saved, ()):
        schema = _schema_at(definition.parameter_schema, location)
        if not _CONSTRAINTS.intersection(schema):
            continue
        value: Any = resolved
        for part in location:
            value = value[part]
        validator = _SUB_VALIDATORS.get(id(schema))
        if validator is None:
            validator = _SUB_VALIDATORS[id(schema)] = jsonschema.Draft202012Validator(schema)
        for error in validator.iter_errors(value):
            problems.add(_path(path, [*location, *error.absolute_path]), error.message[:300])
    return resolved


_SUB_VALIDATORS: dict[int, jsonschema.Draft202012Validator] = {}  # by the id of a part of a stage's schema (they live as long as the process)
_ANNOTATIONS = frozenset(("description", "default", "examples", "title"))
_CONSTRAINTS = frozenset(jsonschema.Draft202012Validator.VALIDATORS) - _ANNOTATIONS


def _template_locations(value: Any, here: tuple[str | int, ...]) -> list[tuple[str | int, ...]]:
    if isinstance(value, str):
        return [here] if TEMPLATE.search(value) else []
    if isinstance(value, dict):
        return [found for k, v in value.items() for found in _template_locations(v, (*here, k))]
    if isinstance(value, list):
        return [found for i, v in enumerate(value) for found in _template_locations(v, (*here, i))]
    return []


def _schema_at(schema: Mapping[str, Any], location: Sequence[str | int]) -> Mapping[str, Any]:
    """The part of a (checked) parameter schema that applies at `location`."""
    for part in location:
        found = schema.get("items") if isinstance(part, int) else (schema.get("properties") or {}).get(part)
        schema = found if isinstance(found, dict) else {}
    return schema


def resolve_templates(value: Any, inputs: Mapping[str, Any], problems: Violations, path: str) -> Any:
    """`value` with every `{{INPUT.name}}` replaced (see the module docstring)."""
    if isinstance(value, str):
        whole = _WHOLE_TEMPLATE.match(value)
        if whole:
            if whole[1] not in inputs:
                problems.add(path, f"uses input '{whole[1]}', which the execution did not give")
                return None
            return inputs[whole[1]]

        def one(match: re.Match[str]) -> str:
            if match[1] not in inputs:
                problems.add(path, f"uses input '{match[1]}', which the execution did not give")
                return ""
            return str(inputs[match[1]])

        return TEMPLATE.sub(one, value)
    if isinstance(value, dict):
        return {k: resolve_templates(v, inputs, problems, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_templates(v, inputs, problems, f"{path}[{i}]") for i, v in enumerate(value)]
    return value


# --- the stages after the search ------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """A document in the pipeline: its stored payload, its score, extra scores by dotted name, and
    the vectors a later stage needs (mmr)."""

    document_id: str
    payload: Mapping[str, Any]
    score: float = 0.0
    scores: Mapping[str, float] = field(default_factory=dict)
    vectors: Mapping[str, Sequence[float]] = field(default_factory=dict)
    group: tuple[Hit, ...] | None = None

    def value(self, path: str) -> Any:
        if path == "score":
            return self.score
        if path.startswith("scores.") and path[7:] in self.scores:
            return self.scores[path[7:]]
        found = filters.candidates(dict(self.payload), path)
        return found[0] if len(found) == 1 else (found or None)

    def answer(self) -> dict[str, Any]:
        """The document as the execute answer shows it."""
        out: dict[str, Any] = {**self.payload, "score": self.score}
        if self.scores:
            out["scores"] = dict(self.scores)
        if self.group is not None:
            out["documents"] = [h.answer() for h in self.group]
        return out


def attribute_filter(hits: Sequence[Hit], node: filters.Node | None) -> list[Hit]:
    if node is None:
        return list(hits)
    return [h for h in hits if filters.evaluate(node, dict(h.payload), lambda f: f.payload_path)]


def sort_by(hits: Sequence[Hit], field_path: str, descending: bool, missing: str) -> list[Hit]:
    """Stable sort by a field; `missing` says where documents without it go (bottom, top, preserve:
    they keep their positions)."""
    present = [h for h in hits if h.value(field_path) is not None]
    absent = [h for h in hits if h.value(field_path) is None]
    ordered = sorted(present, key=lambda h: value_order(h.value(field_path)), reverse=descending)
    if missing == "top":
        return absent + ordered
    if missing == "preserve":
        slots = iter(ordered)
        return [h if h.value(field_path) is None else next(slots) for h in hits]
    return ordered + absent


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    na, nb = math.sqrt(sum(x * x for x in a)), math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


def mmr(hits: Sequence[Hit], vector: str, lambda_: float, top_k: int, score_field: str, mmr_field: str) -> list[Hit]:
    """Greedy maximal marginal relevance: each pick maximises lambda * relevance - (1 - lambda) *
    its highest cosine similarity to the picks so far. Documents without the vector are never
    picked before those with it."""
    pool = [h for h in hits if h.vectors.get(vector)]
    rest = [h for h in hits if not h.vectors.get(vector)]
    chosen: list[Hit] = []
    relevance = {h.document_id: float(h.value(score_field) or 0.0) for h in pool}
    while pool and len(chosen) < top_k:
        best, best_value = None, float("-inf")
        for h in pool:
            similar = max((_cosine(h.vectors[vector], c.vectors[vector]) for c in chosen), default=0.0)
            value = lambda_ * relevance[h.document_id] - (1 - lambda_) * similar
            if value > best_value:
                best, best_value = h, value
        assert best is not None
        pool.remove(best)
        chosen.append(replace(best, scores={**best.scores, mmr_field.removeprefix("scores."): best_value}))
    return (chosen + rest)[:top_k]


def sample(hits: Sequence[Hit], count: int, seed: int | None) -> list[Hit]:
    """`count` documents picked uniformly at random, in their incoming order."""
    if len(hits) <= count:
        return list(hits)
    picked = sorted(random.Random(seed).sample(range(len(hits)), count))
    return [hits[i] for i in picked]


def group_by(hits: Sequence[Hit], field_path: str, max_per_group: int, mode: str) -> list[Hit]:
    """Groups in the order of each group's first (best) document; documents without the field
    form one group each."""
    groups: dict[str, list[Hit]] = {}
    for h in hits:
        value = h.value(field_path)
        key = repr(value) if value is not None else f"\x00{h.document_id}"
        groups.setdefault(key, []).append(h)
    if mode == "first":
        return [members[0] for members in groups.values()]
    if mode == "flatten":
        return [h for members in groups.values() for h in members[:max_per_group]]
    out = []
    for members in groups.values():
        best = members[0]
        group_payload = {"group_key": best.value(field_path), "group_by_field": field_path, "document_id": best.document_id, "count": len(members)}
        out.append(Hit(best.document_id, group_payload, best.score, {}, {}, tuple(members[:max_per_group])))
    return out


_CONTAINERS = frozenset((dict, list))


def _canonical(value: Any) -> Any:
    """Equal JSON values in one form: objects as key-sorted pairs. A list of plain values (e.g. a
    query vector) is kept as it is, checked in C, so a vector costs no per-number Python work."""
    if isinstance(value, dict):
        return ("{}", tuple(sorted((str(k), _canonical(v)) for k, v in value.items())))
    if isinstance(value, list) and not _CONTAINERS.isdisjoint(map(type, value)):
        return [_canonical(v) for v in value]
    return value


def json_digest(value: Any) -> str:
    """A digest of JSON data that ignores object key order (pickle writes numbers as their bytes:
    about 60x faster than JSON text for a 384-number vector)."""
    return hashlib.sha256(pickle.dumps(_canonical(value), protocol=5)).hexdigest()[:32]
