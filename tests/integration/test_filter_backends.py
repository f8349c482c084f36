"""The filter table through the real backends: every case compiled for MongoDB runs on the embedded
nx-27017, every case compiled for Qdrant runs on the server's vector store (Qdrant Edge by default;
tests/contract runs the table on every adapter), and both must select exactly the documents the
reference semantics select."""

from __future__ import annotations

import pytest

from server.domain import filters
from server.domain.errors import Violations
from server.storage.mongo_filters import to_mongo
from server.storage.vectors import Point, Where
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
        await store.drop_collection(qdrant_name)
        await store.create_collection(qdrant_name, [])
        points = [Point(id=i, payload={**d, "collection_id": COLLECTION_ID}) for i, d in DOCS.items()]
        # A point of another collection that matches everything must never leak in.
        points.append(Point(id=99, payload={**DOCS[1], "collection_id": "col_other"}))
        await store.upsert(qdrant_name, points)

    async def unload():
        await db.drop()
        await store.drop_collection(qdrant_name)

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
    where = Where(equals={"collection_id": COLLECTION_ID}, filter=compiled(case))
    lowered = store.lower(where)
    points, _ = server.run(store.raw_scroll(name, lowered.selector, None, 100, False, False))
    narrowed = {p.id for p in points}
    assert narrowed >= case.expected  # Qdrant's part never loses a match
    if lowered.exact:
        assert narrowed == case.expected
    found = server.run(store.find_documents(name, COLLECTION_ID, where.filter))
    assert {p.id for p in found} == case.expected
