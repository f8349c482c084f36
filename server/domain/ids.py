"""Resource IDs: a type prefix and random letters and digits, as Mixpeek's (`col_` + 10)."""

import secrets
import string

_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str, length: int = 10) -> str:
    return f"{prefix}_" + "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_secret() -> str:
    """An API key secret: `sk_` and 40 random characters (about 238 bits)."""
    return new_id("sk", 40)
