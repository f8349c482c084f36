"""Reading an object's blobs for processing: inline content decoded, URLs fetched within the
deployment's limits (server.storage.fetch). The blob's data is classified again by the one rule
(server.domain.blobs.classify), so objects stored before blobs carried `details` read the same."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from server.domain.blobs import BlobKind, BlobLimits, classify
from server.domain.errors import Violations
from server.storage.fetch import FetchError, UrlFetcher


class BlobUnreadable(Exception):
    """A blob that cannot be read; the message says why (a per-object failure for processing)."""


@dataclass(frozen=True)
class BlobContent:
    """A blob's content: bytes (base64 or fetched), or the text of an inline text blob."""

    content: bytes | str
    mime_type: str | None


class BlobReader:
    def __init__(self, limits: BlobLimits, fetcher: UrlFetcher):
        self._limits = limits
        self._fetcher = fetcher

    async def read(self, blob: Mapping[str, Any]) -> BlobContent:
        """The content of a stored blob (`property`, `type`, `data`), or BlobUnreadable."""
        problems = Violations()
        data = classify(problems, f"blobs.{blob.get('property')}.data", str(blob.get("type") or ""), blob.get("data"), self._limits)
        if data is None:
            raise BlobUnreadable("; ".join(f"{v.field}: {v.description}" for v in problems.items))
        if data.kind is not BlobKind.URL:
            return BlobContent(data.content(), data.mime_type)
        try:
            fetched = await self._fetcher.fetch(data.value)
        except FetchError as error:
            raise BlobUnreadable(str(error)) from None
        return BlobContent(fetched.content, fetched.content_type)
