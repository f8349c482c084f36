"""Code of the test plugin `fashionsiglip` (manifest fashionsiglip.json): its image encoder runs from
the ONNX model directory, and `style_tags` names the strongest embedding components."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from server.domain.extractors import ExtractorDefinition
from server.extractors.registry import ModelUnavailable, PluginContext
from server.extractors.runtime import ExtractedDocument, InputValue

VECTOR = "fashionsiglip_v1_embedding"
TAGS = ["casual", "formal", "sporty", "vintage", "minimal", "bold", "streetwear", "classic"]


class FashionSigLIP:
    def __init__(self, definition: ExtractorDefinition, context: PluginContext):
        encoder = context.onnx_image_encoder(VECTOR)
        if encoder is None:
            raise ModelUnavailable(f"an ONNX image encoder in VECPLANE_MODEL_DIR/{VECTOR}/")
        self.definition = definition
        self.encoder = encoder
        self.model_id = encoder.model_id
        self.max_batch = 16

    async def extract(self, batch: Sequence[Mapping[str, InputValue]], parameters: Mapping[str, Any], output_type: str) -> list[list[ExtractedDocument]]:
        vectors = await self.encoder.embed_images([bytes(item["image"]) for item in batch])  # type: ignore[arg-type]
        top_k = int(parameters.get("top_k_tags", 5))
        out = []
        for vector in vectors:
            strongest = np.argsort(-vector[: len(TAGS)])[:top_k]
            out.append([ExtractedDocument(vectors={VECTOR: vector}, fields={"style_tags": [TAGS[i] for i in strongest]})])
        return out


def create_extractor(definition: ExtractorDefinition, context: PluginContext) -> FashionSigLIP:
    return FashionSigLIP(definition, context)
