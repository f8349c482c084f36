"""The log's rate limit (issue 9 item 7: a refused accept repeated on every loop turn wrote 107 MB
in 30 s): the same warning passes `burst` times per window, the first one after says how many were
dropped, and other messages and INFO lines are not limited."""

from __future__ import annotations

import io
import json
import logging

from server.logs import JsonFormatter, RateLimit


def logger_into(stream: io.StringIO, limit: RateLimit) -> logging.Logger:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(limit)
    logger = logging.getLogger(f"test.ratelimit.{id(stream)}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_repeated_warning_passes_burst_times_per_window_then_reports_what_it_dropped():
    stream = io.StringIO()
    now = [100.0]
    logger = logger_into(stream, RateLimit(burst=3, window=10, clock=lambda: now[0]))
    for _ in range(1000):
        logger.error("socket.accept() out of system resource")
    assert len(lines(stream)) == 3
    now[0] += 9.9
    logger.error("socket.accept() out of system resource")
    assert len(lines(stream)) == 3  # still the same window
    now[0] += 0.1
    logger.error("socket.accept() out of system resource")
    written = lines(stream)
    assert len(written) == 4 and written[-1]["suppressed"] == 998


def test_other_messages_and_info_lines_are_not_limited():
    stream = io.StringIO()
    logger = logger_into(stream, RateLimit(burst=2, window=60))
    for index in range(5):
        logger.warning("first")
        logger.warning("second")
        logger.info("call", extra={"n": index})
    messages = [line["msg"] for line in lines(stream)]
    assert messages.count("first") == 2 and messages.count("second") == 2 and messages.count("call") == 5
