"""Time stamps: RFC 3339 strings in UTC to the millisecond (`2026-11-23T11:08:25.123Z`), as the API
shows them, and integer milliseconds for ordering.

Not BSON dates: the embedded nx-27017 compares dates to the second only and turns a date written by
`$set` into a string. Storage keeps the millisecond form next to the string for sorting."""

import datetime as dt


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_millis(stamp: str) -> int:
    return int(dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1000)
