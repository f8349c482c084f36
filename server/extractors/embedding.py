"""Extractors built from embedding models: text (with chunking), files (images) and the image
fingerprint. Each implements `server.extractors.runtime.Extractor`."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from server.domain.errors import Violations
from server.domain.extraction import TEXT_TYPES, Chunking, chunking_of, split_text
from server.domain.extractors import ExtractorDefinition
from server.extractors.images import FingerprintEmbedder
from server.extractors.runtime import BadInput, ExtractedDocument, ImageEmbedder, InputValue, TextEmbedder


def _file(value: InputValue, index: int) -> bytes:
    if isinstance(value, str):
        raise BadInput(index, "this input is a file; text was given")
    return value


def _only_input(definition: ExtractorDefinition) -> str:
    required = [name for name, spec in definition.inputs.items() if spec.get("required")] or list(definition.inputs)
    return required[0]


class TextEmbeddingExtractor:
    """Embeds each input text, or each of its chunks when the document output type is `multiple`
    (split_by, chunk_size, chunk_overlap); fields: `text` and, for chunks, `chunk_index`,
    `start_offset`, `end_offset` (characters of the input), each only if the definition declares it."""

    def __init__(self, definition: ExtractorDefinition, embedders: Mapping[str, TextEmbedder]):
        self.definition = definition
        self.embedders = dict(embedders)
        self.max_batch = min(e.max_batch for e in self.embedders.values())
        self._input = _only_input(definition)
        self._outputs = set(definition.outputs)

    async def extract(self, batch: Sequence[Mapping[str, InputValue]], parameters: Mapping[str, Any], output_type: str) -> list[list[ExtractedDocument]]:
        chunking = chunking_of(Violations(), "parameters", dict(parameters))  # already checked by the caller
        owners: list[int] = []
        texts: list[str] = []
        documents: list[ExtractedDocument] = []
        for index, item in enumerate(batch):
            text = str(item[self._input])
            multiple = output_type == "multiple" and chunking.split_by != "none"
            for number, chunk in enumerate(split_text(text, chunking if multiple else Chunking())):
                fields: dict[str, Any] = {"text": chunk.text}
                if multiple:
                    fields.update(chunk_index=number, start_offset=chunk.start, end_offset=chunk.end)
                owners.append(index)
                texts.append(chunk.text)
                documents.append(ExtractedDocument(vectors={}, fields={k: v for k, v in fields.items() if k in self._outputs}))
        for name, embedder in self.embedders.items():
            # Chunks can outnumber inputs: embed in slices of the model's batch size.
            step = embedder.max_batch
            parts = await asyncio.gather(*(embedder.embed_texts(texts[i : i + step]) for i in range(0, len(texts), step)))
            row = 0
            for part in parts:
                for vector in part:
                    documents[row].vectors[name] = vector
                    row += 1
        out: list[list[ExtractedDocument]] = [[] for _ in batch]
        for owner, document in zip(owners, documents, strict=True):
            out[owner].append(document)
        return out


class FileEmbeddingExtractor:
    """Embeds each input file (an image) with one model per vector; one document per input."""

    def __init__(self, definition: ExtractorDefinition, embedders: Mapping[str, ImageEmbedder]):
        self.definition = definition
        self.embedders = dict(embedders)
        self.max_batch = min(e.max_batch for e in self.embedders.values())
        self._input = _only_input(definition)

    async def extract(self, batch: Sequence[Mapping[str, InputValue]], parameters: Mapping[str, Any], output_type: str) -> list[list[ExtractedDocument]]:
        files = [_file(item[self._input], index) for index, item in enumerate(batch)]
        documents = [ExtractedDocument(vectors={}) for _ in batch]
        names = list(self.embedders)
        results = await asyncio.gather(*(self.embedders[n].embed_images(files) for n in names))
        for name, rows in zip(names, results, strict=True):
            for document, vector in zip(documents, rows, strict=True):
                document.vectors[name] = vector
        return [[d] for d in documents]


class FingerprintExtractor:
    """The built-in image fingerprint (`server.extractors.images`): vector plus `phash`, `width`,
    `height` fields."""

    def __init__(self, definition: ExtractorDefinition):
        self.definition = definition
        self.embedder = FingerprintEmbedder()
        self.max_batch = self.embedder.max_batch
        self._input = _only_input(definition)
        self._vector = definition.vectors[0].name

    async def extract(self, batch: Sequence[Mapping[str, InputValue]], parameters: Mapping[str, Any], output_type: str) -> list[list[ExtractedDocument]]:
        vectors, hashes, sizes = await asyncio.to_thread(self.embedder.fingerprint_all, [_file(item[self._input], i) for i, item in enumerate(batch)])
        return [
            [ExtractedDocument(vectors={self._vector: vector}, fields={"phash": hashed, "width": size[0], "height": size[1]})]
            for vector, hashed, size in zip(vectors, hashes, sizes, strict=True)
        ]


def input_is_text(definition: ExtractorDefinition) -> bool:
    return str(definition.inputs[_only_input(definition)].get("type", "text")) in TEXT_TYPES
