"""What a blob's `data` holds, decided once when the object is created:
- an http or https URL (fetched when the blob is read, within the limits of
  server.storage.fetch: size, time, and no private address unless allowed);
- the content as base64, bare or as a `data:<mime>;base64,` URI (any file type);
- for `text` blobs, the text itself.
Other URL schemes (file, s3, ftp, ...) are refused: vecplane reads no local file and holds no
cloud credentials (a presigned https URL works)."""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import ipaddress
import re
import urllib.parse
from dataclasses import dataclass

from server.domain.errors import Violations

MAX_URL_CHARS = 2083
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_DATA_URI = re.compile(r"^data:(?P<mime>[\w.+\-]+/[\w.+\-]+)?(?:;[\w\-]+=[\w.\-]+)*;base64,(?P<data>.*)$", re.DOTALL)
_LOCAL_NAMES = ("localhost", "localhost.localdomain")


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class BlobLimits:
    """The deployment's blob settings: the most bytes a blob may hold, and the private networks
    blob URLs may still point into (none by default)."""

    max_bytes: int = 64 * 1024 * 1024
    allowed_networks: tuple[Network, ...] = ()


class BlobKind(enum.StrEnum):
    URL = "url"
    BASE64 = "base64"
    TEXT = "text"


@dataclass(frozen=True)
class BlobData:
    """A blob's data as classified: `value` is the URL, the base64 text or the text; `size_bytes`
    and `sha256` describe the content when it is inline (None for a URL, unknown until fetched)."""

    kind: BlobKind
    value: str
    mime_type: str | None = None
    size_bytes: int | None = None
    sha256: str | None = None

    def content(self) -> bytes | str:
        """The inline content: bytes for base64, the text for text (never called for URLs)."""
        if self.kind is BlobKind.BASE64:
            return base64.b64decode(self.value)
        assert self.kind is BlobKind.TEXT
        return self.value

    def details(self) -> dict[str, str | int]:
        """The blob's `details` as stored and answered (BlobDetails)."""
        found: dict[str, str | int] = {"source": str(self.kind)}
        if self.size_bytes is not None:
            found["size_bytes"] = self.size_bytes
        if self.mime_type:
            found["mime_type"] = self.mime_type
        if self.sha256:
            found["hash"] = "sha256:" + self.sha256
        return found


def _literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether an address is on the public internet (not loopback, private, link-local, ...)."""
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return (mapped or address).is_global


def check_url(url: str, allowed: tuple[Network, ...] = ()) -> str | None:
    """Why vecplane will not fetch `url` (None: it may). Hostnames are checked again, address by
    address, when they are resolved for the fetch."""
    if len(url) > MAX_URL_CHARS:
        return f"is a URL of {len(url)} characters; at most {MAX_URL_CHARS}"
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError as error:
        return f"is not a valid URL ({error})"
    if parts.scheme.lower() not in ("http", "https"):
        return f"is a {parts.scheme}: URL; only http and https URLs are fetched (send a presigned https URL, or the content inline or as base64)"
    host = (parts.hostname or "").lower()
    if not host:
        return "is a URL without a host"
    if parts.username or parts.password:
        return "is a URL with credentials in it; vecplane does not send them"
    address = _literal_address(host)
    if host in _LOCAL_NAMES or host.endswith(".localhost"):
        return "names this machine (localhost); vecplane does not fetch from private addresses"
    if address is not None and not is_public(address) and not any(address in net for net in allowed):
        return f"names the private address {address}; vecplane does not fetch from private addresses"
    return None


def classify(problems: Violations, path: str, blob_type: str, data: object, limits: BlobLimits) -> BlobData | None:
    """The blob's data classified, or None with the problem added at `path`."""
    max_bytes = limits.max_bytes
    if not isinstance(data, str) or not data:
        problems.add(path, "must be a non-empty string: an http(s) URL, the content as base64, or (text blobs) the text")
        return None
    scheme = _SCHEME.match(data)
    if scheme and scheme[1].lower() == "data":
        match = _DATA_URI.match(data)
        if match is None:
            problems.add(path, "is a data: URI that is not base64 (write data:<mime type>;base64,<content>)")
            return None
        return _base64(problems, path, match["data"], match["mime"], max_bytes)
    # A text that starts like a URL but holds whitespace is prose; other types have no prose.
    if scheme and data[scheme.end() : scheme.end() + 2] == "//" and (blob_type != "text" or not any(c.isspace() for c in data)):
        why = check_url(data, limits.allowed_networks)
        if why:
            problems.add(path, why)
            return None
        return BlobData(BlobKind.URL, data)
    if blob_type == "text":
        raw = data.encode()
        if len(raw) > max_bytes:
            problems.add(path, f"is {len(raw)} bytes of text; a blob holds at most {max_bytes} bytes")
            return None
        return BlobData(BlobKind.TEXT, data, "text/plain", len(raw), hashlib.sha256(raw).hexdigest())
    return _base64(problems, path, data, None, max_bytes)


def _base64(problems: Violations, path: str, text: str, mime: str | None, max_bytes: int) -> BlobData | None:
    compact = "".join(text.split())
    if 3 * (len(compact) // 4) > max_bytes + 2:
        problems.add(path, f"is more than {max_bytes} bytes once decoded; a blob holds at most {max_bytes} bytes (send a URL instead)")
        return None
    try:
        raw = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        problems.add(path, "must be an http(s) URL or the content as base64 (this is neither)")
        return None
    if len(raw) > max_bytes:
        problems.add(path, f"is {len(raw)} bytes once decoded; a blob holds at most {max_bytes} bytes (send a URL instead)")
        return None
    return BlobData(BlobKind.BASE64, compact, mime, len(raw), hashlib.sha256(raw).hexdigest())


def content_hash(blobs: list[tuple[str, BlobData]]) -> str:
    """One hash of an object's blobs (property, kind and content hash or URL), for skip_duplicates."""
    digest = hashlib.sha256()
    for prop, blob in sorted(blobs, key=lambda item: item[0]):
        digest.update(f"{prop}\x1f{blob.kind}\x1f{blob.sha256 or blob.value}\x1e".encode())
    return digest.hexdigest()
