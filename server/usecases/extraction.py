"""Running feature extractors: the one code path for direct calls (RunFeatureExtractor), query
embedding in retrieval and batch processing.

`run` serves a direct call: it checks the request (domain rules), fetches URL inputs, and runs the
extractor. `run_batches` is what batch processing calls: it takes any number of inputs, feeds the
extractor at most `max_batch` at a time and yields each batch's documents, so memory stays bounded
by the batch size, not by the input. Every vector is checked against the size its definition
declares before it leaves; a model that answers anything else is an error naming the model."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from server import metrics
from server.domain.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound, Unavailable
from server.domain.extraction import CheckedInput, Limits, RawInput, plan_run
from server.domain.extractors import Catalogue, ExtractorDefinition
from server.extractors.registry import Availability, ExtractorRegistry
from server.extractors.runtime import BadInput, ExtractedDocument, Extractor, InputValue, ModelError
from server.storage.fetch import FetchError, UrlFetcher

FETCH_CONCURRENCY = 8


@dataclass(frozen=True)
class InputDocument:
    """A document with the position of the input it was made from."""

    input_index: int
    document: ExtractedDocument


class ExtractionUseCases:
    def __init__(self, catalogue: Catalogue, registry: ExtractorRegistry, fetcher: UrlFetcher, limits: Limits):
        self._catalogue = catalogue
        self._registry = registry
        self._fetcher = fetcher
        self.limits = limits

    def definition(self, extractor_id: str) -> ExtractorDefinition:
        definition = self._catalogue.by_id(extractor_id)
        if definition is None:
            raise NotFound("feature_extractor", extractor_id)
        return definition

    def extractor(self, definition: ExtractorDefinition) -> Extractor:
        """The runnable extractor, or FAILED_PRECONDITION saying what it needs."""
        extractor = self._registry.get(definition.id)
        if extractor is None:
            refuse_unrunnable(definition.id, self._registry.availability.get(definition.id))
            raise AssertionError(f"{definition.id} has no extractor but is marked runnable")
        return extractor

    async def run(self, extractor_id: str, inputs: list[RawInput], parameters: dict[str, Any], output_type: str | None) -> list[InputDocument]:
        definition = self.definition(extractor_id)
        plan = plan_run(definition, inputs, parameters, output_type, self.limits)
        extractor = self.extractor(definition)
        values = await self._materialize(plan.inputs)
        out: list[InputDocument] = []
        offset = 0
        async for batch in self.run_batches(extractor, values, plan.parameters, plan.output_type, paths=[_path(i, c) for i, c in enumerate(plan.inputs)]):
            for position, documents in enumerate(batch):
                out.extend(InputDocument(offset + position, d) for d in documents)
            offset += len(batch)
        return out

    async def run_batches(
        self,
        extractor: Extractor,
        values: Sequence[Mapping[str, InputValue]],
        parameters: Mapping[str, Any],
        output_type: str,
        *,
        paths: Sequence[str] | None = None,
    ) -> AsyncIterator[list[list[ExtractedDocument]]]:
        """The documents of each input, one batch of at most `extractor.max_batch` inputs at a time.
        `paths` names each input in errors (default `inputs[i]`)."""
        definition = extractor.definition
        declared = {v.name: v.dimensions for v in definition.vectors}
        for start in range(0, len(values), extractor.max_batch):
            batch = values[start : start + extractor.max_batch]
            try:
                with metrics.timed(metrics.EXTRACTOR_SECONDS, definition.id, span=f"extract {definition.id}"):
                    result = await extractor.extract(batch, parameters, output_type)
            except BadInput as exc:
                where = paths[start + exc.index] if paths else f"inputs[{start + exc.index}]"
                raise InvalidArgument([FieldViolation(where, exc.message)]) from None
            except ModelError as exc:
                raise Unavailable(
                    f"Feature extractor {definition.id} failed: {exc}",
                    reason="MODEL_FAILED",
                    metadata={"feature_extractor_id": definition.id, "model": exc.model},
                ) from None
            if len(result) != len(batch):
                raise Unavailable(f"Feature extractor {definition.id} returned {len(result)} results for {len(batch)} inputs.", reason="MODEL_FAILED")
            for documents in result:
                for document in documents:
                    _check_vectors(definition, declared, document)
            yield result

    async def _materialize(self, inputs: list[CheckedInput]) -> list[dict[str, InputValue]]:
        """Each input as the extractor takes it: text, or file bytes (URLs fetched, a few at a time)."""
        gate = asyncio.Semaphore(FETCH_CONCURRENCY)

        async def one(index: int, item: CheckedInput) -> dict[str, InputValue]:
            if item.text is not None:
                return {item.name: item.text}
            if item.data is not None:
                return {item.name: item.data}
            assert item.url is not None
            async with gate:
                try:
                    return {item.name: (await self._fetcher.fetch(item.url)).content}
                except FetchError as exc:
                    raise InvalidArgument([FieldViolation(f"inputs[{index}].url", str(exc))]) from None

        return list(await asyncio.gather(*(one(i, item) for i, item in enumerate(inputs))))


def refuse_unrunnable(extractor_id: str, availability: Availability | None) -> None:
    """FAILED_PRECONDITION naming what the extractor needs (models and settings) if it cannot run."""
    if availability is not None and not availability.runnable:
        raise FailedPrecondition(
            f"Feature extractor {extractor_id} cannot run on this server: it needs {availability.needs}. "
            "Configure that and restart the server.",
            reason="EXTRACTOR_NOT_RUNNABLE",
            metadata={"feature_extractor_id": extractor_id},
        )


def _path(index: int, item: CheckedInput) -> str:
    return f"inputs[{index}]." + ("text" if item.text is not None else "url" if item.url is not None else "base64")


def _check_vectors(definition: ExtractorDefinition, declared: dict[str, int], document: ExtractedDocument) -> None:
    for name, vector in document.vectors.items():
        size = declared.get(name)
        if size is None or len(vector) != size:
            what = "a vector it does not declare" if size is None else f"a {len(vector)}-d vector; {size} dimensions are declared"
            raise Unavailable(
                f"Feature extractor {definition.id} returned {what} for {name!r}; nothing was returned or stored.",
                reason="MODEL_FAILED",
                metadata={"feature_extractor_id": definition.id, "vector": name},
            )
