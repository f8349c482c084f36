"""The list calls' shared machinery: scope, search, filters and Mixpeek's pagination envelope."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from server.domain import filters
from server.domain.errors import InvalidArgument, Violations
from server.domain.paging import PageParams, encode_cursor, page_params, value_at
from server.storage.repositories import Pageable


@dataclass(frozen=True)
class ListResult:
    items: list[dict[str, Any]]
    pagination: dict[str, Any]
    total: int | None


def list_params(request: dict[str, Any], sortable: dict[str, str], fields: filters.Fields) -> tuple[PageParams, dict[str, Any]]:
    """A list request's page parameters and its filters compiled to a MongoDB query (over `fields`),
    with every problem of both reported at once."""
    problems = Violations()
    node = filters.parse((request.get("query") or {}).get("filters"), fields, "query.filters", problems)
    try:
        params = page_params(request, sortable)
    except InvalidArgument as error:
        problems.items[:0] = error.violations
        params = None
    problems.raise_if_any()
    assert params is not None  # page_params raised otherwise
    return params, filters.to_mongo(node)


def search_query(search: str, fields: tuple[str, ...], case_sensitive: bool, *, prefix: bool = False) -> dict[str, Any]:
    pattern = {"$regex": ("^" if prefix else "") + re.escape(search)}
    if not case_sensitive:
        pattern["$options"] = "i"
    return {"$or": [{field: dict(pattern)} for field in fields]}


def pagination(params: PageParams, items: list[dict[str, Any]], has_more: bool, total: int | None) -> dict[str, Any]:
    page: dict[str, Any] = {"page": params.offset // params.limit + 1, "page_size": params.limit}
    if total is not None:
        page["total"] = total
        page["total_pages"] = math.ceil(total / params.limit)
    if has_more and items:
        last = items[-1]
        page["next_cursor"] = encode_cursor(params, value_at(last, params.sort_field), last["_id"])
        if params.after is None:
            page["next_page"] = f"?limit={params.limit}&offset={params.offset + params.limit}"
    if params.after is None and params.offset > 0:
        page["previous_page"] = f"?limit={params.limit}&offset={max(params.offset - params.limit, 0)}"
    return page


async def list_page(
    repository: Pageable,
    scope: dict[str, str],
    request: dict[str, Any],
    params: PageParams,
    searchable: tuple[str, ...],
    filter_query: dict[str, Any] | None = None,
) -> ListResult:
    """One page of `repository` in `scope`, narrowed by the request's search and a compiled filter."""
    query = (request.get("query") or {})
    clauses = [filter_query] if filter_query else []
    if query.get("search"):
        clauses.append(search_query(query["search"], searchable, bool(query.get("case_sensitive"))))
    mongo_query = {"$and": clauses} if len(clauses) > 1 else (clauses[0] if clauses else {})
    page = await repository.page(scope, mongo_query, params)
    return ListResult(page.items, pagination(params, page.items, page.has_more, page.total), page.total)
