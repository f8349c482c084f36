"""The MongoDB connection: one async pymongo client for the embedded server and real ones alike."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from pymongo import AsyncMongoClient, monitoring


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


def connect(uri: str, counter: CommandCounter) -> AsyncMongoClient:
    return AsyncMongoClient(
        uri,
        tz_aware=True,
        event_listeners=[counter],
        serverSelectionTimeoutMS=5000,
        appname="vecplane",
    )
