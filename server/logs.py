"""Structured logging: one JSON object per line, with the `extra` fields of each record; warnings
and errors rate-limited per message, so a failure that repeats on every event (a refused accept, a
backend that is down) cannot fill the disk."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """`secrets` (configured keys, passwords) are replaced by `***` wherever they would appear, so
    no code path (an exception message, a driver's error text) can write one to the log."""

    def __init__(self, secrets: tuple[str, ...] = ()):
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        text = json.dumps(line, default=str)
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text


class RateLimit(logging.Filter):
    """Lets through at most `burst` warnings or errors with the same logger and message per
    `window` seconds; the next one let through says how many were dropped (`suppressed`).
    `clock` (seconds, monotonic) is for tests that move time themselves."""

    def __init__(self, burst: int = 10, window: float = 10.0, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self._burst = burst
        self._window = window
        self._clock = clock
        self._seen: dict[tuple[str, str], tuple[float, int, int]] = {}  # key -> (start, passed, dropped)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        key = (record.name, str(record.msg))
        now = self._clock()
        start, passed, dropped = self._seen.get(key, (now, 0, 0))
        if now - start >= self._window:
            start, passed = now, 0
        if passed >= self._burst:
            self._seen[key] = (start, passed, dropped + 1)
            return False
        if dropped:
            record.suppressed = dropped
        if len(self._seen) > 10_000:  # messages that vary without end: start over
            self._seen.clear()
        self._seen[key] = (start, passed + 1, 0)
        return True


def configure(level: str, secrets: tuple[str, ...] = ()) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter(secrets))
    handler.addFilter(RateLimit())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "pymongo"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
