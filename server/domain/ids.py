"""Resource IDs: a type prefix and random letters and digits, as Mixpeek's (`col_` + 10)."""

import re
import secrets
import string

_ALPHABET = string.ascii_letters + string.digits
_LENGTH = 10
_SHAPE = re.compile(rf"^[a-z]+_[A-Za-z0-9]{{{_LENGTH}}}$")


def new_id(prefix: str, length: int = _LENGTH) -> str:
    # length + 8 random bytes read as base-62 digits: at least 64 bits more than the digits need, so
    # no character is likelier than another by more than 2**-64 (secrets.choice per character
    # costs about 5x more).
    number = int.from_bytes(secrets.token_bytes(length + 8), "big")
    letters = []
    for _ in range(length):
        number, digit = divmod(number, len(_ALPHABET))
        letters.append(_ALPHABET[digit])
    return f"{prefix}_" + "".join(letters)


def looks_like_id(prefix: str, ident: str) -> bool:
    """Whether `ident` has the shape new_id(prefix) produces. Names may have that shape too (a
    collection may be *named* `col_abcdefghij`), so a caller looks an ID-shaped value up by ID first
    and by name only if that finds nothing; any other value is a name and is never looked up by ID."""
    return ident.startswith(prefix + "_") and _SHAPE.match(ident) is not None


def new_secret() -> str:
    """An API key secret: `sk_` and 40 random characters (about 238 bits)."""
    return new_id("sk", 40)
