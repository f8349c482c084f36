"""The interface every runnable extractor implements, and the model interfaces they are built from.

An `Extractor` takes a batch of inputs (input name -> text or file bytes) with resolved parameters
and returns, per input, the documents it makes: vectors by name and output fields. The use case
`server.usecases.extraction` is the one caller: it checks requests, fetches files, cuts batches to
`max_batch` (so memory stays bounded whatever the caller sends) and checks every vector's size
against the definition before anything leaves it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from server.domain.extractors import ExtractorDefinition

InputValue = str | bytes  # text, or the bytes of a file (image, ...)


@dataclass
class ExtractedDocument:
    """One document an extractor made from one input: vectors by name (1-d float32) and fields by
    output name."""

    vectors: dict[str, np.ndarray]
    fields: dict[str, Any] = field(default_factory=dict)


class Extractor(Protocol):
    definition: ExtractorDefinition
    max_batch: int

    async def extract(
        self, batch: Sequence[Mapping[str, InputValue]], parameters: Mapping[str, Any], output_type: str
    ) -> list[list[ExtractedDocument]]:
        """One list of documents per input, in input order."""
        ...


class ModelError(Exception):
    """A model failed or answered something unusable; the message names the model."""

    def __init__(self, model: str, message: str, *, retryable: bool = True):
        super().__init__(f"model {model!r}: {message}")
        self.model = model
        self.retryable = retryable


class BadInput(Exception):
    """An input the model cannot take (e.g. bytes that are not an image); `index` is its position in
    the batch."""

    def __init__(self, index: int, message: str):
        super().__init__(message)
        self.index = index
        self.message = message


class TextEmbedder(Protocol):
    model_id: str
    dimensions: int
    max_batch: int

    async def embed_texts(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        """(len(texts), dimensions) float32, L2-normalized rows."""
        ...


class ImageEmbedder(Protocol):
    model_id: str
    dimensions: int
    max_batch: int

    async def embed_images(self, images: Sequence[bytes]) -> np.ndarray:
        """(len(images), dimensions) float32; raises BadInput for bytes that are not an image."""
        ...


def normalize(rows: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.where(norms == 0, 1, norms)).astype(np.float32, copy=False)
