"""Executors: where the extraction half of a chunk runs (server.processing.pipeline.extract_sources).

`InProcessExecutor` (the default) runs it here, on the server's event loop and model threads. The
Ray executor (server.processing.ray_executor, the `ray` extra, VECPLANE_RAY_ADDRESS) runs the same
function in a pool of Ray actors; it is imported only when configured."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from server.processing.pipeline import CollectionRun, Extracted, SourceItem, extract_sources
from server.usecases.extraction import ExtractionUseCases


class InProcessExecutor:
    """The whole chunk at once, in this process (the extractors batch it themselves)."""

    def __init__(self, extraction: ExtractionUseCases):
        self._extraction = extraction

    async def extract(self, run: CollectionRun, items: Sequence[SourceItem]) -> AsyncIterator[Extracted]:
        yield await extract_sources(run, items, self._extraction)

    async def close(self) -> None:
        return None
