"""The MongoDB connection: one async pymongo client for the embedded server and real ones alike."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pymongo
from pymongo import AsyncMongoClient, monitoring

from server import tracing
from server.storage.embedded_mongo import EmbeddedMongo


class CommandCounter(monitoring.CommandListener):
    """Counts the commands (round trips) sent to MongoDB, by command name. Cheap enough to stay on;
    tests and benchmarks read it to check how many round trips an RPC costs. While `recording` is a
    list, the commands themselves are kept in it too (tests explain them)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.recording: list[tuple[str, dict[str, Any]]] | None = None

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        with self._lock:
            self.counts[event.command_name] += 1
            if self.recording is not None:
                self.recording.append((event.database_name, dict(event.command)))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def total(self, exclude: tuple[str, ...] = ("hello", "isMaster", "ismaster", "ping", "endSessions")) -> int:
        with self._lock:
            return sum(n for name, n in self.counts.items() if name not in exclude)


class CommandSpans(monitoring.CommandListener):
    """A client span per MongoDB command, from pymongo's command events (named by the command;
    its contents, which may hold user data, are not recorded)."""

    def __init__(self) -> None:
        self._open: dict[tuple[int, object], Any] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        span = tracing.start(
            f"mongodb {event.command_name}",
            attributes={"db.system.name": "mongodb", "db.operation.name": event.command_name, "db.namespace": event.database_name},
        )
        if span is not None:
            self._open[(event.request_id, event.connection_id)] = span

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        tracing.end(self._open.pop((event.request_id, event.connection_id), None))

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        tracing.end(self._open.pop((event.request_id, event.connection_id), None), failure=f"{event.command_name} failed")


def connect(uri: str, counter: CommandCounter) -> AsyncMongoClient:
    listeners: list[monitoring.CommandListener] = [counter, CommandSpans()] if tracing.enabled() else [counter]
    return AsyncMongoClient(
        uri,
        tz_aware=True,
        event_listeners=listeners,
        serverSelectionTimeoutMS=5000,
        appname="vecplane",
    )


class MongoPing:
    """The MongoDB backend's health probe: a `ping` command, bounded by pymongo's own timeout, and
    for the embedded server first a look at whether its process is running at all."""

    def __init__(self, client: AsyncMongoClient, backend_name: str, embedded: EmbeddedMongo | None = None, timeout: float = 2.0):
        self._client = client
        self.backend_name = backend_name
        self._embedded = embedded
        self._timeout = timeout

    async def ping(self) -> None:
        if self._embedded is not None and not self._embedded.running:
            raise ConnectionError("the nx-27017 process is not running")
        with pymongo.timeout(self._timeout):
            await self._client.admin.command("ping")
