"""API-key authentication and the bootstrap of the default organization's admin key."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from cachetools import TTLCache

from server.domain import clock
from server.domain.errors import Unauthenticated
from server.domain.ids import new_secret
from server.storage.errors import DuplicateKey
from server.storage.repositories import Accounts

log = logging.getLogger(__name__)

DEFAULT_ORGANIZATION = "org_default"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's organization, and whether the key is an admin key."""

    organization_id: str
    key_id: str
    admin: bool


def hash_secret(secret: str) -> str:
    # Secrets are 238-bit random strings, so a fast hash is safe; it lets a lookup be one query.
    return hashlib.sha256(secret.encode()).hexdigest()


class Authenticator:
    def __init__(self, accounts: Accounts, cache_seconds: float):
        self._accounts = accounts
        self._cache: TTLCache[str, Principal] | None = TTLCache(maxsize=10_000, ttl=cache_seconds) if cache_seconds > 0 else None

    async def authenticate(self, authorization: str | None) -> Principal:
        if not authorization:
            raise Unauthenticated("Missing API key: send 'authorization: Bearer <key>'.", reason="API_KEY_MISSING")
        scheme, _, secret = authorization.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Unauthenticated("Malformed authorization: expected 'Bearer <key>'.", reason="API_KEY_MALFORMED")
        digest = hash_secret(secret.strip())
        if self._cache is not None and digest in self._cache:
            return self._cache[digest]
        record = await self._accounts.find_key_by_hash(digest)
        if record is None:
            raise Unauthenticated("Invalid API key.", reason="API_KEY_INVALID")
        principal = Principal(record["organization_id"], record["_id"], bool(record.get("admin")))
        if self._cache is not None:
            self._cache[digest] = principal
        return principal

    def forget(self, key_id: str) -> None:
        """Drops a deleted key from this process's cache (other processes forget it within the TTL)."""
        if self._cache is not None:
            for digest, principal in list(self._cache.items()):
                if principal.key_id == key_id:
                    del self._cache[digest]


def _development_key(data_dir: Path) -> tuple[str, bool]:
    """The development key kept in the data dir, generated on first use; and whether it was now."""
    path = data_dir / "dev-api-key"
    if path.exists():
        return path.read_text().strip(), False
    secret = new_secret()
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret + "\n")
    return secret, True


async def ensure_bootstrap_key(accounts: Accounts, configured: str | None, data_dir: Path) -> tuple[str, bool]:
    """Makes sure the default organization and its admin key exist.

    The key is VECPLANE_API_KEY when set; otherwise a development key generated once and kept in
    `<data_dir>/dev-api-key`. Returns the key and whether it was generated here.
    """
    now = clock.now()
    await accounts.ensure_organization(
        {"_id": DEFAULT_ORGANIZATION, "organization_id": DEFAULT_ORGANIZATION, "organization_name": "default", "created_at": now}
    )
    secret, generated = (configured, False) if configured else await asyncio.to_thread(_development_key, data_dir)
    digest = hash_secret(secret)
    if await accounts.find_key_by_hash(digest) is None:
        with contextlib.suppress(DuplicateKey):  # another instance inserted it first
            await accounts.insert_key(
                {
                    "_id": "key_" + digest[:10],
                    "key_id": "key_" + digest[:10],
                    "organization_id": DEFAULT_ORGANIZATION,
                    "key_name": "bootstrap",
                    "admin": True,
                    "_key_hash": digest,
                    "created_at": now,
                }
            )
    return secret, generated
