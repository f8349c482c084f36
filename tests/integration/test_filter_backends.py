"""The filter table through the real backends: every case compiled for MongoDB runs on the embedded
nx-27017, every case compiled for Qdrant runs on Qdrant local mode, and both must select exactly
the documents the reference semantics select."""

from __future__ import annotations

import pytest
from qdrant_client import models

from server.domain import filters
from server.domain.errors import Violations
from server.storage.mongo_filters import to_mongo
from server.storage.qdrant_filters import to_qdrant
from tests.support.filter_table import CASES, DOCS, mongo_doc

COLLECTION_ID = "col_filtertable"


@pytest.fixture(scope="module")
def backends(server):
    db = server.app.backends.db["filter_table"]
    store = server.app.backends.vectors
    qdrant_name = "filter_table__v1"

    async def load():
        await db.drop()
        await db.insert_many([mongo_doc(i, d) for i, d in DOCS.items()])
        if await store.client.collection_exists(qdrant_name):
            await store.client.delete_collection(qdrant_name)
        await store.client.create_collection(qdrant_name, vectors_config={})
        points = [models.PointStruct(id=i, vector={}, payload={**d, "collection_id": COLLECTION_ID}) for i, d in DOCS.items()]
        # A point of another collection that matches everything must never leak in.
        points.append(models.PointStruct(id=99, vector={}, payload={**DOCS[1], "collection_id": "col_other"}))
        await store.client.upsert(qdrant_name, points=points)

    async def unload():
        await db.drop()
        await store.client.delete_collection(qdrant_name)

    server.run(load())
    yield server, db, store, qdrant_name
    server.run(unload())


def compiled(case):
    problems = Violations()
    node = filters.parse(case.filter, case.fields, "f", problems)
    assert not problems, problems.items
    return node


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_mongodb_selects_what_the_reference_selects(backends, case):
    server, db, _, _ = backends
    compiled_filter = to_mongo(compiled(case))

    async def run():
        return {doc["_id"] async for doc in db.find(compiled_filter.query) if compiled_filter.exact or compiled_filter.matches(doc)}

    assert server.run(run()) == case.expected, compiled_filter.query


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_qdrant_selects_what_the_reference_selects(backends, case):
    server, _, store, name = backends
    document_filter = to_qdrant(compiled(case))

    async def superset():
        scope = models.FieldCondition(key="collection_id", match=models.MatchValue(value=COLLECTION_ID))
        selector = models.Filter(must=[scope, *([document_filter.filter] if document_filter.filter else [])])
        points, _ = await store.client.scroll(name, scroll_filter=selector, limit=100)
        return {p.id for p in points}

    narrowed = server.run(superset())
    assert narrowed >= case.expected  # Qdrant's part never loses a match
    if document_filter.exact:
        assert narrowed == case.expected
    found = server.run(store.find_documents(name, COLLECTION_ID, document_filter))
    assert {p.id for p in found} == case.expected
