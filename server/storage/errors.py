"""What the storage layer tells its callers about failures, independent of the drivers."""

from __future__ import annotations

import httpx
import pymongo.errors
from qdrant_client.http.exceptions import ResponseHandlingException


class DuplicateKey(Exception):
    """A unique index refused the write: the name is taken in its scope."""


class Conflict(Exception):
    """A compare-and-set write lost: the document kept changing under every attempt."""


def is_unavailable(error: BaseException) -> bool:
    """Whether the error means a backing store could not be reached (safe to retry)."""
    return isinstance(
        error,
        (pymongo.errors.ConnectionFailure, pymongo.errors.ServerSelectionTimeoutError, ResponseHandlingException, httpx.TransportError),
    )
