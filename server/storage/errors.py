"""What the storage layer tells its callers about failures, independent of the drivers."""

from __future__ import annotations

import errno
import sqlite3

import httpx
import pymongo.errors
from qdrant_client.http.exceptions import ResponseHandlingException, UnexpectedResponse


class DuplicateKey(Exception):
    """A unique index refused the write: the name is taken in its scope."""


class Conflict(Exception):
    """A compare-and-set write lost: the document kept changing under every attempt."""


_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_FULL_MESSAGES = ("database or disk is full", "no space left on device", "disk quota exceeded", "outofdiskspace")
_MONGO_OUT_OF_DISK_SPACE = 14031


def is_storage_full(error: BaseException) -> bool:
    """Whether the error means a backing store has no room left to write: a full disk (or quota)
    under the process itself (Qdrant local mode), under the embedded nx-27017 (its SQLite reports
    it), or under a MongoDB or Qdrant server (which say it in their error)."""
    if isinstance(error, OSError) and error.errno in _FULL_ERRNOS:
        return True
    if isinstance(error, pymongo.errors.OperationFailure) and error.code == _MONGO_OUT_OF_DISK_SPACE:
        return True
    if isinstance(error, (sqlite3.OperationalError, pymongo.errors.PyMongoError, UnexpectedResponse)):
        return any(text in str(error).lower() for text in _FULL_MESSAGES)
    return False


def unavailable_backend(error: BaseException) -> str | None:
    """Which backing store could not be reached ('MongoDB' or 'Qdrant'; safe to retry), if the
    error says that one could not."""
    if isinstance(error, (pymongo.errors.ConnectionFailure, pymongo.errors.ServerSelectionTimeoutError)):
        return "MongoDB"
    if isinstance(error, (ResponseHandlingException, httpx.TransportError)):
        return "Qdrant"
    return None
