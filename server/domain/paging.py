"""List parameters (Mixpeek's limit, offset, cursor, include_total, sort) checked once for every list
call, and the keyset cursor: where the next page starts (a sort value and an id, plus how many
matches are still to skip), bound to the sort it came from and signed by the server.

Cursors are HMAC-SHA256 signed with a per-deployment secret (kept in MongoDB, so every server of
a deployment accepts every other's cursors), and the signature is checked before anything in the
token is parsed: a forged, edited or malformed token is INVALID_ARGUMENT naming `cursor`, and
never reaches a query. The decoded position is typed strictly as well (a string or a 64-bit
integer sort value, a string id)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from server.domain.errors import Violations

MAX_LIMIT = 1000
MAX_OFFSET = 10000
DEFAULT_LIMIT = 10
# The most bytes of stored documents one page carries; a page stops early (with a next cursor)
# rather than go beyond it, and always carries at least one item.
MAX_PAGE_BYTES = 4 * 1024 * 1024
MAX_CURSOR_CHARS = 1024
_SIGNATURE_BYTES = 16
_INT64 = 2**63


@dataclass(frozen=True)
class Position:
    """Where a cursor points: after the item with this sort value and id, then `skip` more matches
    to pass over (what is left of an offset when a page stopped early)."""

    value: str | int | None
    id: str
    skip: int = 0


@dataclass(frozen=True)
class PageParams:
    limit: int
    offset: int
    after: Position | None
    include_total: bool
    sort_field: str
    descending: bool


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Cursors:
    """Signs and checks cursors with the deployment's secret."""

    def __init__(self, secret: bytes):
        if len(secret) < 16:
            raise ValueError("the cursor secret must have at least 16 bytes")
        self._secret = secret

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]

    def encode(self, params: PageParams, position: Position) -> str:
        fields: dict[str, Any] = {"f": params.sort_field, "d": params.descending, "v": position.value, "i": position.id}
        if position.skip:
            fields["s"] = position.skip
        payload = json.dumps(fields, separators=(",", ":")).encode()
        return f"{_b64(payload)}.{_b64(self._sign(payload))}"

    def decode(self, cursor: str, sort_field: str, descending: bool) -> Position | None:
        """The position a cursor of this server and this sort points at, or None."""
        if len(cursor) > MAX_CURSOR_CHARS or cursor.count(".") != 1:
            return None
        body, signature = cursor.split(".")
        try:
            payload, claimed = _unb64(body), _unb64(signature)
        except (ValueError, binascii.Error):
            return None
        if not hmac.compare_digest(self._sign(payload), claimed):
            return None
        try:
            fields = json.loads(payload)
        except ValueError:
            return None
        if not isinstance(fields, dict) or fields.get("f") != sort_field or fields.get("d") is not descending:
            return None
        value, ident, skip = fields.get("v"), fields.get("i"), fields.get("s", 0)
        typed_value = value is None or isinstance(value, str) or (type(value) is int and -_INT64 <= value < _INT64)
        if not typed_value or not isinstance(ident, str) or type(skip) is not int or not 0 <= skip <= MAX_OFFSET:
            return None
        return Position(value, ident, skip)


def _given(request: dict[str, Any], query: dict[str, Any], names: tuple[str, ...], default: int) -> tuple[str, int]:
    """The first of these page fields that is set (0 counts as unset), on the request itself (the
    query string) before the body's `query`, with where it came from; ("", default) when none is.
    Mixpeek's lists take the page in either place and call the size `limit` or `page_size`."""
    for where, source in (("", request), ("query.", query)):
        for name in names:
            if source.get(name):
                return where + name, int(source[name])
    return "", default


def page_params(
    request: dict[str, Any], sortable: dict[str, str], cursors: Cursors, default_sort: str = "created_at", default_limit: int = DEFAULT_LIMIT
) -> PageParams:
    """Checks a list request (as its Mixpeek-style dict). `sortable` maps the sort names callers
    may use to the stored field paths."""
    problems = Violations()
    query = request.get("query") or {}
    size_field, limit = _given(request, query, ("limit", "page_size"), default_limit)
    offset_field, offset = _given(request, query, ("offset",), 0)
    page_field, page = _given(request, query, ("page",), 0)
    if not 1 <= limit <= MAX_LIMIT:
        problems.add(size_field, f"must be between 1 and {MAX_LIMIT}")
    if page_field and not offset_field:
        if page < 1:
            problems.add(page_field, "must be 1 or more")
        else:
            offset_field, offset = page_field, (page - 1) * limit
    if not 0 <= offset <= MAX_OFFSET:
        problems.add(offset_field, f"must be between 0 and {MAX_OFFSET}" + (" (page - 1 times the page size)" if offset_field == page_field else ""))
    cursor = request.get("cursor") or query.get("cursor") or ""
    cursor_field = "cursor" if request.get("cursor") else "query.cursor"
    sort = query.get("sort") or {}
    sort_name = sort.get("field") or default_sort
    if sort_name not in sortable:
        problems.add("query.sort.field", f"cannot sort on '{sort_name:.100}'; use one of: {', '.join(sorted(sortable))}")
    descending = sort.get("direction") == "desc"
    after = None
    if cursor:
        after = cursors.decode(cursor, sortable.get(sort_name, ""), descending)
        if after is None:
            problems.add(cursor_field, "is not a cursor returned by this list with the same sort")
    problems.raise_if_any()
    return PageParams(
        limit=limit,
        offset=after.skip if after else offset,
        after=after,
        include_total=bool(request.get("include_total")),
        sort_field=sortable[sort_name],
        descending=descending,
    )


def value_at(doc: dict[str, Any], path: str) -> Any:
    """The value at a dot path in a document, or None."""
    found: Any = doc
    for part in path.split("."):
        if not isinstance(found, dict):
            return None
        found = found.get(part)
    return found
