"""The MongoDB adapters under the repository contracts (server.storage.repositories), on every
server available: the embedded nx-27017 always, and a real MongoDB when `MONGODB_URI` is set
(skipped with the reason otherwise). Each test gets a database of its own, with the indexes the
service creates at start."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from server.storage.accounts import AccountRepository
from server.storage.buckets import BucketRepository
from server.storage.collections import CollectionRepository
from server.storage.counters import Counters
from server.storage.embedded_mongo import EmbeddedMongo
from server.storage.executions import ExecutionRepository
from server.storage.mongo import CommandCounter, connect
from server.storage.namespaces import NamespaceRepository
from server.storage.objects import ObjectRepository
from server.storage.operations import OperationRepository
from tests.support.explain import as_finds, full_scans

T = TypeVar("T")


@pytest.fixture(scope="session", params=["nx-27017", "mongodb"])
def mongo_uri(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "mongodb":
        uri = os.environ.get("MONGODB_URI")
        if not uri:
            pytest.skip("MONGODB_URI is not set: no real MongoDB server to hold the contract against")
        yield uri
        return
    embedded = EmbeddedMongo(Path(tmp_path_factory.mktemp("contract-mongo")))
    embedded.start()
    try:
        yield embedded.uri
    finally:
        embedded.stop()


@dataclass
class Stores:
    """The adapters on a fresh database, and a way to run their coroutines (one event loop)."""

    runner: asyncio.Runner
    client: AsyncMongoClient
    db: AsyncDatabase
    counter: CommandCounter
    namespaces: NamespaceRepository
    buckets: BucketRepository
    objects: ObjectRepository
    collections: CollectionRepository
    accounts: AccountRepository
    operations: OperationRepository
    counters: Counters
    executions: ExecutionRepository

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.runner.run(coroutine)

    def full_scans(self, commands: list[tuple[str, dict[str, Any]]]) -> dict[str, list[str]]:
        """The recorded commands (on this database) that read a whole collection, with the plan."""
        finds = [find for name, command in commands if name == self.db.name for find in as_finds(command)]
        assert finds, "no query was recorded"
        return {str(find): scan for find in finds if (scan := self.run(full_scans(self.db, find)))}


@pytest.fixture
def stores(mongo_uri: str) -> Iterator[Stores]:
    runner = asyncio.Runner()
    counter = CommandCounter()

    async def open_stores() -> Stores:
        client = connect(mongo_uri, counter)
        db = client[f"contract_{uuid.uuid4().hex[:12]}"]
        made = Stores(runner, client, db, counter, NamespaceRepository(db), BucketRepository(db), ObjectRepository(db),
                      CollectionRepository(db), AccountRepository(db), OperationRepository(db), Counters(db), ExecutionRepository(db))
        for repository in (made.namespaces, made.buckets, made.objects, made.collections, made.accounts, made.operations, made.counters, made.executions):
            await repository.ensure_indexes()
        return made

    opened = runner.run(open_stores())
    try:
        yield opened
    finally:
        runner.run(opened.client.drop_database(opened.db.name))
        runner.run(opened.client.close())
        runner.close()


@pytest.fixture
def recorded(stores: Stores) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """The commands sent while the test body runs."""
    stores.counter.recording = []
    yield stores.counter.recording
    stores.counter.recording = None
