"""The total every list answers (Mixpeek's `total_count` is always a number)."""

from __future__ import annotations

from server.domain.paging import Cursors, PageParams, Position
from server.storage.paging import Page
from server.usecases.listing import known_total, pagination

CURSORS = Cursors(b"0123456789abcdef")


def params(offset: int = 0, after: Position | None = None, include_total: bool = False) -> PageParams:
    return PageParams(limit=2, offset=offset, after=after, include_total=include_total, sort_field="_created_ms", descending=False)


def test_a_count_is_the_total_and_shows_in_the_pagination_only_when_asked_for() -> None:
    page = Page(items=[{"_id": "a"}, {"_id": "b"}], next=Position(1, "b"), total=7)
    assert known_total(params(), page) == 7
    assert "total" not in pagination(params(), page, cursors=CURSORS)
    assert pagination(params(include_total=True), page, cursors=CURSORS)["total"] == 7


def test_without_a_count_the_total_is_the_least_it_can_be() -> None:
    two = [{"_id": "a"}, {"_id": "b"}]
    assert known_total(params(offset=4), Page(items=two, next=Position(1, "b"), total=None)) == 6
    # after a cursor the items before are unknown; an empty page may not have skipped the offset
    assert known_total(params(after=Position(1, "z")), Page(items=two, next=None, total=None)) == 2
    assert known_total(params(offset=4), Page(items=[], next=Position(1, "q", skip=3), total=None)) == 0
