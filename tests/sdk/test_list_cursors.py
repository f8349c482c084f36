"""Cursor paging through Mixpeek's SDK's typed API: a bucket's batches (`list_batches_buckets`), the
organization's (`list_all_batches`) and the tasks (`list_tasks`, whose cursor goes in the query
string under any of its three names); every answer parsed into the SDK's models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mixpeek
import pytest
from mixpeek.exceptions import ApiException

from tests.sdk.conftest import TypedSdk
from tests.support.api import Api
from tests.support.processing import namespace_rest, setup_bucket, text_collection, wait_task


def _by_cursor(page: Callable[[str | None], tuple[list[str], str | None]]) -> list[list[str]]:
    pages, cursor = [], None
    while len(pages) < 20:
        ids, cursor = page(cursor)
        pages.append(ids)
        if not cursor:
            break
    return pages


def test_batch_and_task_lists_page_by_cursor_through_the_typed_api(typed: TypedSdk, base_url: str, sdk_org: Api) -> None:
    rest = namespace_rest(base_url, sdk_org.key)
    bucket_id, object_ids = setup_bucket(rest, ["one"])
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})
    for _ in range(3):
        assert rest.post(f"/v1/buckets/{bucket_id}/batches", json={"object_ids": object_ids}).status_code == 200
    for _ in range(3):
        wait_task(rest, rest.post(f"/v1/collections/{collection_id}/trigger", json={}).json()["task_id"])

    batches = typed.api(mixpeek.BatchesApi)
    in_bucket = typed.in_namespace(rest.client.headers["x-namespace"]).api(mixpeek.BucketBatchesApi)
    whole = [b.batch_id for b in batches.list_all_batches(mixpeek.ListBatchesRequest(limit=100)).results]

    def org_page(cursor: str | None) -> tuple[list[str], str | None]:
        answer = batches.list_all_batches(mixpeek.ListBatchesRequest(limit=2, cursor=cursor))
        assert isinstance(answer, mixpeek.ListBatchesResponse) and answer.total_count == 3
        return [b.batch_id for b in answer.results], (answer.pagination or {}).get("next_cursor")

    def bucket_page(cursor: str | None) -> tuple[list[str], str | None]:
        answer = in_bucket.list_batches_buckets(bucket_id, mixpeek.ListBatchesRequest(limit=2, cursor=cursor))
        return [b.batch_id for b in answer.results], (answer.pagination or {}).get("next_cursor")

    assert _by_cursor(org_page) == _by_cursor(bucket_page) == [whole[:2], whole[2:]] and len(whole) == 3

    tasks = typed.api(mixpeek.TasksApi)
    all_tasks = [t.task_id for t in tasks.list_tasks(limit=100).results]
    assert len(all_tasks) == 3
    for name in ("cursor", "next_cursor", "after"):

        def task_page(cursor: str | None, name: str = name) -> tuple[list[str], str | None]:
            answer = tasks.list_tasks(limit=2, **({name: cursor} if cursor else {}))
            assert isinstance(answer, mixpeek.ListTasksResponse)
            return [t.task_id for t in answer.results], answer.pagination.next_cursor

        assert _by_cursor(task_page) == [all_tasks[:2], all_tasks[2:]], name

    kwargs: dict[str, Any] = {"cursor": "forged.cursor"}
    with pytest.raises(ApiException) as bad:
        tasks.list_tasks(**kwargs)
    assert bad.value.status == 400 and "cursor" in str(bad.value.body)
    with pytest.raises(ApiException) as bad:
        batches.list_all_batches(mixpeek.ListBatchesRequest(**kwargs))
    assert bad.value.status == 400 and "cursor" in str(bad.value.body)
