"""Server secrets kept in MongoDB (collection `secrets`), so every server of a deployment shares
them: the first server to start creates each one, the others read it."""

from __future__ import annotations

import contextlib
import secrets

import pymongo.errors
from pymongo.asynchronous.database import AsyncDatabase

CURSOR_SECRET = "cursor_hmac"


async def ensure_secret(db: AsyncDatabase, name: str, size: int = 32) -> bytes:
    """The secret called `name`, created (random, `size` bytes) if there is none yet."""
    collection = db["secrets"]
    with contextlib.suppress(pymongo.errors.DuplicateKeyError):  # another server (or an earlier start) made it
        await collection.insert_one({"_id": name, "value": secrets.token_bytes(size)})
    found = await collection.find_one({"_id": name})
    if found is None or not isinstance(found.get("value"), bytes):
        raise RuntimeError(f"the secret {name!r} in MongoDB collection 'secrets' is missing or not binary")
    return bytes(found["value"])
