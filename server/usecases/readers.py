"""The one delete-with-readers path: deleting a bucket or a collection that other collections read.

Refused while collections read the source, unless forced. Forced: the readers are disabled and
marked FAILED first (so a failure part-way never leaves a collection silently reading nothing), then
the source's content and definition go (`remove`), then a second pass catches collections created
from the source meanwhile (CollectionUseCases.create re-reads its source after its insert: the other
half of that race)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from server.domain import clock
from server.domain.errors import Aborted, FailedPrecondition
from server.storage.errors import Conflict
from server.storage.repositories import Collections


def describe_collections(found: list[dict[str, Any]]) -> str:
    return ", ".join(f"'{c['collection_name']}' ({c['_id']})" for c in found)


async def delete_read_source(
    collections: Collections,
    scope: dict[str, str],
    source_type: str,
    source_id: str,
    source_name: str,
    force: bool,
    remove: Callable[[], Awaitable[int]],
) -> tuple[int, list[str]]:
    """Deletes a source (`source_type` bucket or collection) through `remove`, which returns how many
    items went with it; returns that count and the IDs of the readers disabled."""
    readers = await collections.reading(scope, source_type, source_id)
    if readers and not force:
        raise FailedPrecondition(
            f"{source_type.capitalize()} '{source_name}' is the source of collection(s) {describe_collections(readers)}; "
            f"delete them first, or pass force=true to disable them and delete the {source_type} anyway.",
            reason=f"{source_type.upper()}_IN_USE",
        )
    message = f"Source {source_type} '{source_name}' ({source_id}) was deleted."
    try:
        disabled = await collections.mark_failed(scope, [c["_id"] for c in readers], message, clock.now())
        removed = await remove()
        late = [c["_id"] for c in await collections.reading(scope, source_type, source_id) if c["_id"] not in disabled]
        disabled += await collections.mark_failed(scope, late, message, clock.now())
    except Conflict as conflict:
        raise Aborted(f"{conflict}; the delete changed nothing that a retry cannot finish: retry it.", reason="CONCURRENT_MODIFICATION") from None
    return removed, disabled
