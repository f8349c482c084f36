"""Writing the documents processing makes (server.domain.documents has the rules, the store keeps
them). The task engine hands over what a collection made of a batch of sources; the writer applies
the extractor's `document_output_handling` with as few vector-store calls as the batch allows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from server.domain import documents as rules
from server.domain.documents import Document, OutputHandling, Source
from server.storage.documents import DocumentStore


@dataclass(frozen=True)
class Made:
    """The documents a collection made of one source (possibly none)."""

    source: Source
    documents: Sequence[Document]


@dataclass(frozen=True)
class Written:
    upserted: int
    deleted: int


class DocumentWriter:
    def __init__(self, store: DocumentStore):
        self._store = store

    async def write(self, namespace_id: str, collection_id: str, handling: OutputHandling, made: Sequence[Made]) -> Written:
        """Writes what a collection made of some sources: one read of the documents with the same
        IDs (to keep `created_at`, and to merge for `enrich`), one of the sources' documents for
        `replace`, then upserts in batches and the deletes. Repeating a call leaves the same
        documents, so a resumed task may write a batch again."""
        new = [doc for item in made for doc in item.documents]
        existing = await self._store.get(namespace_id, collection_id, (d.document_id for d in new), vectors=handling is OutputHandling.ENRICH)
        of_sources: list[str] = []
        if handling is OutputHandling.REPLACE:
            of_sources = await self._store.ids_of_sources(namespace_id, collection_id, [item.source for item in made])
        plan = rules.plan_write(handling, new, existing, of_sources)
        await self._store.upsert(namespace_id, plan.upserts)
        await self._store.delete(namespace_id, plan.deletes)
        return Written(len(plan.upserts), len(plan.deletes))
