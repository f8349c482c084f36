"""API-key authentication and the bootstrap of the operator key."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
from pathlib import Path

from cachetools import TTLCache

from server.domain import clock
from server.domain.accounts import ApiKey, Organization, Principal, Role
from server.domain.errors import Unauthenticated
from server.domain.ids import new_secret
from server.storage.errors import DuplicateKey
from server.storage.repositories import Accounts

__all__ = ["DEFAULT_ORGANIZATION", "Authenticator", "Principal", "ensure_bootstrap_key", "hash_secret"]

log = logging.getLogger(__name__)

DEFAULT_ORGANIZATION = "org_default"


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
        key = await self._accounts.find_key_by_hash(digest)
        if key is None:
            raise Unauthenticated("Invalid API key.", reason="API_KEY_INVALID")
        principal = Principal(key.organization_id, key.key_id, key.role)
        if self._cache is not None:
            self._cache[digest] = principal
        return principal

    def forget(self, key_id: str) -> None:
        """Drops a deleted key from this process's cache (other processes forget it within the TTL)."""
        if self._cache is not None:
            for digest, principal in list(self._cache.items()):
                if principal.key_id == key_id:
                    del self._cache[digest]


def _dev_key(data_dir: Path) -> tuple[str, bool]:
    """The development key kept in `<data_dir>/dev-api-key` (0600), generated on first use."""
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
    """Makes sure the default organization and its operator key exist.

    The key is VECPLANE_API_KEY when set; otherwise a development key generated once and kept in
    `<data_dir>/dev-api-key`. Returns the key and whether it was generated here.
    """
    now = clock.now()
    await accounts.ensure_organization(Organization(DEFAULT_ORGANIZATION, "default", now))
    secret, generated = (configured, False) if configured else await asyncio.to_thread(_dev_key, data_dir)
    digest = hash_secret(secret)
    existing = await accounts.find_key_by_hash(digest)
    if existing is None:
        key = ApiKey("key_" + digest[:10], DEFAULT_ORGANIZATION, "bootstrap", Role.OPERATOR, now)
        with contextlib.suppress(DuplicateKey):  # another instance inserted it first
            await accounts.insert_key(key, digest)
    elif existing.role is not Role.OPERATOR:  # written as an admin key before roles existed
        await accounts.set_role(existing.key_id, Role.OPERATOR)
    return secret, generated
