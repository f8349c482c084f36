"""The list calls' shared machinery: scope, search, filters and Mixpeek's pagination envelope."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from server.domain import filters
from server.domain.errors import InvalidArgument, Violations
from server.domain.paging import Cursors, PageParams, page_params
from server.storage.paging import Page
from server.storage.repositories import Pageable


@dataclass(frozen=True)
class ListResult:
    items: list[dict[str, Any]]
    pagination: dict[str, Any]
    total: int | None  # the lists of MongoDB resources always have one (see `known_total`)


MAX_SELECT = 100
_SELECT_PATH = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}(\.[A-Za-z0-9_]{1,64}){0,7}$")


def list_params(
    request: dict[str, Any], sortable: dict[str, str], fields: filters.Fields, cursors: Cursors, *, selectable: bool = False
) -> tuple[PageParams, filters.Node | None]:
    """A list request's page parameters and its filter (over `fields`), with every problem of
    both reported at once; `query.select` is checked where the list can select fields."""
    problems = Violations()
    query = request.get("query") or {}
    node = filters.parse(query.get("filters"), fields, "query.filters", problems)
    select = query.get("select") or []
    if select and not selectable:
        problems.add("query.select", "is not supported by this list (the object list selects fields)")
    elif len(select) > MAX_SELECT:
        problems.add("query.select", f"names {len(select)} fields; at most {MAX_SELECT}")
    else:
        for index, path in enumerate(select):
            if not _SELECT_PATH.match(path):
                problems.add(f"query.select[{index}]", "must be a field path such as 'metadata.title' (letters, digits and '_', parts joined by '.')")
    if len(query.get("search") or "") > filters.MAX_VALUE_CHARS:
        problems.add("query.search", f"is longer than the limit of {filters.MAX_VALUE_CHARS} characters")
    params = None
    try:
        params = page_params(request, sortable, cursors)
    except InvalidArgument as error:
        problems.items[:0] = error.violations
    problems.raise_if_any()
    assert params is not None
    return params, node


def pagination(params: PageParams, page: Page, cursors: Cursors) -> dict[str, Any]:
    """Mixpeek's pagination: the next page by cursor (always) and by offset (for offset pages)."""
    found: dict[str, Any] = {"page": params.offset // params.limit + 1, "page_size": params.limit}
    if params.include_total and page.total is not None:
        found["total"] = page.total
        found["total_pages"] = math.ceil(page.total / params.limit)
    if page.next is not None:
        found["next_cursor"] = cursors.encode(params, page.next)
        if params.after is None and page.next.skip == 0:
            found["next_page"] = f"?limit={params.limit}&offset={params.offset + len(page.items)}"
    if params.after is None and params.offset > 0:
        found["previous_page"] = f"?limit={params.limit}&offset={max(params.offset - params.limit, 0)}"
    return found


async def list_page(
    repository: Pageable,
    scope: dict[str, str],
    request: dict[str, Any],
    params: PageParams,
    cursors: Cursors,
    searchable: tuple[str, ...],
    node: filters.Node | None = None,
) -> ListResult:
    """One page of `repository` in `scope`, narrowed by the request's search and a filter."""
    query = request.get("query") or {}
    if query.get("search"):
        node = filters.all_of(node, filters.search(query["search"], searchable, bool(query.get("case_sensitive"))))
    page = await repository.page(scope, node, params)
    return ListResult(page.items, pagination(params, page, cursors), known_total(params, page))


def selected(item: dict[str, Any], paths: list[str], always: tuple[str, ...]) -> dict[str, Any]:
    """The item with only the `always` keys and the fields at `paths` (dotted; a path it does not
    have is left out)."""
    out = {key: item[key] for key in always if key in item}
    for path in paths:
        *parents, leaf = path.split(".")
        source: Any = item
        for part in parents:
            source = source.get(part) if isinstance(source, dict) else None
        if isinstance(source, dict) and leaf in source:
            target = out
            for part in parents:
                target = target.setdefault(part, {})
            target[leaf] = source[leaf]
    return out


def known_total(params: PageParams, page: Page) -> int:
    """The list's total (Mixpeek's `total_count`, a number in every answer): the count, or, when
    the request did not ask for one (`include_total`) and counting was beyond the work budget, the
    least it can be: the matches skipped by the offset and those on this page."""
    if page.total is not None:
        return page.total
    skipped = params.offset if params.after is None and page.items else 0
    return skipped + len(page.items)
