"""Which catalogue entries run on this server, and with what.

At start every entry is resolved to an Extractor or to what it lacks:
- `minilm_text_extractor` and `image_fingerprint` run anywhere (packaged model, built-in code);
- a plugin that names a code module (`plugin_module`) runs its code; declared vector sizes are
  checked on a probe input, and a mismatch stops the start;
- every other entry runs model by model (one per declared vector): image encoders from the ONNX
  model directory (VECPLANE_MODEL_DIR/<model>/), any model through an inference provider
  (VECPLANE_PROVIDERS).
The catalogue shows the outcome (`availability`), and creating a collection with an entry that
cannot run is FAILED_PRECONDITION naming the model and the setting."""

from __future__ import annotations

import importlib
import io
import logging
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from PIL import Image

from server.domain.extractors import Catalogue, ExtractorDefinition
from server.extractors import builtin
from server.extractors.embedding import (
    FileEmbeddingExtractor,
    FingerprintExtractor,
    TextEmbeddingExtractor,
    input_is_text,
)
from server.extractors.images import FINGERPRINT_MODEL_ID
from server.extractors.minilm import MODEL_ID as MINILM_MODEL_ID
from server.extractors.minilm import MiniLMEmbedder, ModelFilesMissing
from server.extractors.onnx_image import OnnxImageEmbedder, model_files
from server.extractors.plugins import PluginError
from server.extractors.providers import ProviderConfig, ProviderEmbedder, ProviderPool
from server.extractors.runtime import Extractor, ImageEmbedder, InputValue, TextEmbedder

log = logging.getLogger(__name__)

PROVIDERS_SETTING = "VECPLANE_PROVIDERS"
MODEL_DIR_SETTING = "VECPLANE_MODEL_DIR"


@dataclass(frozen=True)
class ModelStatus:
    """The model behind one declared vector: what it is, what runs it, or what it needs."""

    vector: str
    model_id: str
    dimensions: int
    runs_with: str = ""
    needs: str = ""


@dataclass(frozen=True)
class Availability:
    runnable: bool
    models: tuple[ModelStatus, ...]
    needs: str = ""


@dataclass(frozen=True)
class PluginContext:
    """What a plugin's `create_extractor(definition, context)` may use to load its model."""

    model_dir: Path | None

    def onnx_image_encoder(self, model: str) -> ImageEmbedder | None:
        """The ONNX image encoder in `<model dir>/<model>/`, or None when it is not there."""
        folder = model_files(self.model_dir, model)
        return OnnxImageEmbedder(folder) if folder else None


class ModelUnavailable(Exception):
    """Raised by a plugin's `create_extractor` when its model is not there; the message says what
    it needs (shown in the catalogue)."""


@dataclass
class ExtractorRegistry:
    availability: dict[str, Availability]
    extractors: dict[str, Extractor] = field(default_factory=dict)
    pool: ProviderPool = field(default_factory=ProviderPool)

    def get(self, extractor_id: str) -> Extractor | None:
        return self.extractors.get(extractor_id)

    async def close(self) -> None:
        await self.pool.close()


def _probe_input(definition: ExtractorDefinition) -> dict[str, InputValue]:
    probe: dict[str, InputValue] = {}
    for name, spec in definition.inputs.items():
        if spec.get("type") in ("text", "string"):
            probe[name] = "vecplane probe: does the model return the declared vector sizes?"
        else:
            buffer = io.BytesIO()
            Image.new("RGB", (64, 64), (200, 120, 40)).save(buffer, format="PNG")
            probe[name] = buffer.getvalue()
    return probe


async def _check_plugin_sizes(extractor: Extractor, definition: ExtractorDefinition) -> None:
    """Runs the plugin once on a probe input; every vector it returns must have the declared size."""
    declared = {v.name: v.dimensions for v in definition.vectors}
    output = definition.data.get("document_output_type") or "single"
    try:
        documents = await extractor.extract([_probe_input(definition)], dict(definition.default_parameters), output)
    except Exception as exc:
        raise PluginError(f"plugin {definition.id}: its extractor failed on a probe input ({exc.__class__.__name__}: {exc})") from exc
    returned = [d for per_input in documents for d in per_input]
    if not returned:
        raise PluginError(f"plugin {definition.id}: its extractor returned no document for a probe input")
    for document in returned:
        for name, vector in document.vectors.items():
            if name not in declared:
                raise PluginError(f"plugin {definition.id}: returns vector {name!r}, which it does not declare (declared: {', '.join(declared)})")
            if len(vector) != declared[name]:
                raise PluginError(
                    f"plugin {definition.id}: vector {name!r} is declared with {declared[name]} dimensions "
                    f"but the model returns {len(vector)}"
                )


def _import_plugin(definition: ExtractorDefinition, plugin_dir: Path | None) -> Any:
    module_name = str(definition.data["plugin_module"])
    if plugin_dir is not None and str(plugin_dir) not in sys.path:
        sys.path.insert(0, str(plugin_dir))  # a module file beside its manifest
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise PluginError(f"plugin {definition.id}: cannot import plugin_module {module_name!r} ({exc})") from None
    if not callable(getattr(module, "create_extractor", None)):
        raise PluginError(f"plugin {definition.id}: module {module_name!r} has no create_extractor(definition, context)")
    return module


def _resolve_models(
    definition: ExtractorDefinition, providers: Mapping[str, ProviderConfig], model_dir: Path | None, pool: ProviderPool
) -> tuple[Extractor | None, Availability]:
    """An entry without code of its own: one model per vector, from the model directory or a provider."""
    text_input = input_is_text(definition)
    statuses: list[ModelStatus] = []
    text_models: dict[str, TextEmbedder] = {}
    file_models: dict[str, ImageEmbedder] = {}
    for spec in definition.vectors:
        model_id, modality = builtin.MODELS.get(spec.name, (spec.name, "text" if text_input else "file"))
        base = ModelStatus(vector=spec.name, model_id=model_id, dimensions=spec.dimensions)
        if modality == "text" and not text_input:
            statuses.append(replace(base, needs="not produced here: vecplane does not transcribe files"))
            continue
        folder = None if text_input else model_files(model_dir, spec.name)
        if folder is not None:
            encoder = OnnxImageEmbedder(folder)
            if encoder.dimensions != spec.dimensions:
                raise PluginError(
                    f"{folder / 'model.onnx'}: {definition.id} declares {spec.name!r} with {spec.dimensions} dimensions "
                    f"but the model returns {encoder.dimensions}"
                )
            file_models[spec.name] = encoder
            statuses.append(replace(base, model_id=encoder.model_id, runs_with=f"onnxruntime ({folder})"))
        elif spec.name in providers:
            config = providers[spec.name]
            embedder = ProviderEmbedder(spec.name, spec.dimensions, config, pool)
            (text_models if text_input else file_models)[spec.name] = embedder
            statuses.append(replace(base, runs_with=f"inference provider {config.name!r} ({config.base_url}, model {config.models[spec.name]!r})"))
        else:
            where = f"an inference provider for model {spec.name!r} ({PROVIDERS_SETTING})"
            if not text_input:
                where += f" or an ONNX image encoder in {MODEL_DIR_SETTING}/{spec.name}/"
            statuses.append(replace(base, needs=where))
    missing = [s.needs for s in statuses if s.needs and s.vector not in text_models and s.vector not in file_models and not s.needs.startswith("not produced")]
    if missing or not (text_models or file_models):
        needs = "; ".join(missing) or "a model for its vectors"
        return None, Availability(runnable=False, models=tuple(statuses), needs=needs)
    extractor: Extractor = TextEmbeddingExtractor(definition, text_models) if text_input else FileEmbeddingExtractor(definition, file_models)
    return extractor, Availability(runnable=True, models=tuple(statuses))


async def build_registry(
    catalogue: Catalogue,
    *,
    providers: Mapping[str, ProviderConfig],
    model_dir: Path | None,
    plugin_dir: Path | None,
    model_threads: int | None = None,
) -> ExtractorRegistry:
    """Resolves every catalogue entry; raises PluginError (stopping the start) for a plugin whose code
    or model does not match its declaration. `model_threads`: the packaged text model's CPU threads
    (default: every core; a Ray actor gives it the CPUs it reserved)."""
    registry = ExtractorRegistry(availability={})
    minilm: MiniLMEmbedder | None = None
    context = PluginContext(model_dir=model_dir)
    for definition in catalogue.all():
        extractor: Extractor | None
        vector = definition.vectors[0] if definition.vectors else None
        if definition.data.get("source") == "builtin" and vector and vector.name == builtin.MINILM_VECTOR:
            try:
                minilm = minilm or MiniLMEmbedder(threads=model_threads)
            except ModelFilesMissing as exc:
                extractor = None
                status = ModelStatus(vector.name, MINILM_MODEL_ID, vector.dimensions, needs=str(exc))
                availability = Availability(runnable=False, models=(status,), needs=str(exc))
            else:
                extractor = TextEmbeddingExtractor(definition, {vector.name: minilm})
                status = ModelStatus(vector.name, minilm.model_id, minilm.dimensions, runs_with="onnxruntime (packaged, offline)")
                availability = Availability(runnable=True, models=(status,))
        elif definition.data.get("source") == "builtin" and vector and vector.name == builtin.FINGERPRINT_VECTOR:
            extractor = FingerprintExtractor(definition)
            status = ModelStatus(vector.name, FINGERPRINT_MODEL_ID, vector.dimensions, runs_with="built-in (offline)")
            availability = Availability(runnable=True, models=(status,))
        elif definition.data.get("plugin_module"):
            module = _import_plugin(definition, plugin_dir)
            statuses = tuple(ModelStatus(v.name, str(definition.data["plugin_module"]), v.dimensions) for v in definition.vectors)
            try:
                extractor = module.create_extractor(definition, context)
            except ModelUnavailable as exc:
                extractor = None
                availability = Availability(runnable=False, models=statuses, needs=str(exc))
            else:
                await _check_plugin_sizes(extractor, definition)
                model_id = str(getattr(extractor, "model_id", definition.data["plugin_module"]))
                runs = f"plugin code ({definition.data['plugin_module']})"
                availability = Availability(runnable=True, models=tuple(ModelStatus(s.vector, model_id, s.dimensions, runs_with=runs) for s in statuses))
        else:
            extractor, availability = _resolve_models(definition, providers, model_dir, registry.pool)
        registry.availability[definition.id] = availability
        if extractor is not None:
            registry.extractors[definition.id] = extractor
    return registry
