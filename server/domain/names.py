"""Resource names: 3-100 letters, digits, `_` or `-`, starting with a letter or digit (Mixpeek's
rule for collection names, applied to every named resource)."""

import re

from server.domain.errors import Violations

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{2,99}$"
NAME_FIELDS = frozenset({"namespace_name", "bucket_name", "collection_name"})  # what check_name guards
_NAME = re.compile(NAME_PATTERN)


def check_name(problems: Violations, field: str, value: str | None) -> None:
    if not value:
        problems.add(field, "is required")
    elif len(value) > 100:
        problems.add(field, f"must be at most 100 characters (got {len(value)})")
    elif len(value) < 3:
        problems.add(field, "must be at least 3 characters")
    elif not _NAME.match(value):
        problems.add(field, "may contain only letters, digits, '_' and '-', and must start with a letter or digit")
