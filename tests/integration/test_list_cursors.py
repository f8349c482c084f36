"""Cursor paging of the batch lists (a bucket's and the organization's) and of the task list, over
REST: pages follow one another without duplicates or gaps while items are added, a bad cursor is
400 naming `cursor`, and another organization's cursor reveals nothing of it."""

from __future__ import annotations

from typing import Any

from tests.conftest import new_org_api
from tests.support.api import Api
from tests.support.processing import namespace_rest, setup_bucket, text_collection, wait_task
from tests.support.rest import Rest


def _pages(post: Any, path: str, body: dict[str, Any], between: Any = None) -> list[list[str]]:
    """Every page of a list by cursor (`between` runs after the first page), as lists of IDs."""
    pages, cursor = [], None
    while True:
        answer = post(path, {**body, **({"cursor": cursor} if cursor else {})})
        pages.append([item.get("batch_id") or item["task_id"] for item in answer["results"]])
        cursor = answer["pagination"].get("next_cursor")
        if between is not None and len(pages) == 1:
            between()
        if not cursor:
            return pages
        assert len(pages) < 20, "the cursor does not move on"


def _post(rest: Rest) -> Any:
    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = rest.post(path, json=body)
        assert response.status_code == 200, response.text
        return dict(response.json())

    return post


def test_batch_lists_page_by_cursor(api: Api, root: Api, base_url: str) -> None:
    rest = namespace_rest(base_url, api.key)
    bucket_id, object_ids = setup_bucket(rest, ["one", "two"])
    text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})

    def batch() -> str:
        made = rest.post(f"/v1/buckets/{bucket_id}/batches", json={"object_ids": object_ids[:1]})
        assert made.status_code == 200, made.text
        return str(made.json()["batch_id"])

    for _ in range(5):
        batch()
    added: list[str] = []
    for path in (f"/v1/buckets/{bucket_id}/batches/list", "/v1/batches/list"):
        whole = [b["batch_id"] for b in _post(rest)(path, {"limit": 100})["results"]]
        pages = _pages(_post(rest), path, {"limit": 2}, between=lambda: added.extend(batch() for _ in range(2)))
        # The batches made meanwhile are newer than the first page: the pages go on where it ended.
        assert all(len(p) == 2 for p in pages[:-1]) and [i for p in pages for i in p] == whole and len(whole) >= 5, pages
        after = [b["batch_id"] for b in _post(rest)(path, {"limit": 100})["results"]]
        assert after[2:] == whole and set(after[:2]) == set(added)
        added.clear()
    first = rest.post("/v1/batches/list", json={"limit": 3}).json()
    assert first["total_count"] == 9 and first["pagination"]["page_size"] == 3 and first["pagination"]["next_cursor"]
    offset = rest.post("/v1/batches/list", json={"limit": 3, "offset": 3}).json()
    by_cursor = rest.post("/v1/batches/list", json={"limit": 3, "offset": 5, "cursor": first["pagination"]["next_cursor"]}).json()
    assert [b["batch_id"] for b in by_cursor["results"]] == [b["batch_id"] for b in offset["results"]]  # offset ignored with a cursor

    for path in (f"/v1/buckets/{bucket_id}/batches/list", "/v1/batches/list"):
        bad = rest.post(path, json={"cursor": "not-a-cursor"})
        assert bad.status_code == 400 and "cursor" in bad.text, bad.text
    # Another organization's cursor: a position in this organization's own list, nothing of the other's.
    stranger = namespace_rest(base_url, new_org_api(root).key)
    mine_bucket, mine_objects = setup_bucket(stranger, ["mine"])
    text_collection(stranger, {"type": "bucket", "bucket_id": mine_bucket})
    mine = stranger.post(f"/v1/buckets/{mine_bucket}/batches", json={"object_ids": mine_objects}).json()["batch_id"]
    seen = stranger.post("/v1/batches/list", json={"cursor": first["pagination"]["next_cursor"]})
    assert seen.status_code == 200 and [b["batch_id"] for b in seen.json()["results"]] in ([], [mine])
    assert stranger.post(f"/v1/buckets/{bucket_id}/batches/list", json={"cursor": first["pagination"]["next_cursor"]}).status_code == 404


def test_the_task_list_pages_by_cursor(api: Api, root: Api, base_url: str) -> None:
    rest = namespace_rest(base_url, api.key)
    bucket_id, _ = setup_bucket(rest, ["one"])
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})

    def trigger() -> str:
        made = rest.post(f"/v1/collections/{collection_id}/trigger", json={})
        assert made.status_code == 202, made.text
        return str(wait_task(rest, made.json()["task_id"])["task_id"])  # a trigger while one is queued is that one

    for _ in range(5):
        trigger()
    whole = [t["task_id"] for t in _post(rest)("/v1/tasks/list", {})["results"]]
    added: list[str] = []
    pages = _pages(_post(rest), "/v1/tasks/list", {"limit": 2}, between=lambda: added.extend(trigger() for _ in range(2)))
    assert [len(p) for p in pages] == [2, 2, 1] and [i for p in pages for i in p] == whole, pages
    after = [t["task_id"] for t in _post(rest)("/v1/tasks/list", {})["results"]]
    assert after[2:] == whole and set(after[:2]) == set(added)
    # Mixpeek's SDK sends the cursor in the query string, under any of its three names.
    first = _post(rest)("/v1/tasks/list", {"limit": 3})
    assert first["pagination"]["page_size"] == 3 and first["pagination"]["next_page"] == "?limit=3&offset=3"
    for name in ("cursor", "next_cursor", "after"):
        page = rest.post(f"/v1/tasks/list?limit=3&{name}={first['pagination']['next_cursor']}", json={})
        assert page.status_code == 200 and [t["task_id"] for t in page.json()["results"]] == after[3:6], (name, page.text)
    bad = rest.post("/v1/tasks/list", json={"cursor": "x.y"})
    assert bad.status_code == 400 and "cursor" in bad.text, bad.text
    stranger = Rest(base_url, new_org_api(root).key)
    seen = stranger.post("/v1/tasks/list", json={"cursor": first["pagination"]["next_cursor"]})
    assert seen.status_code == 200 and seen.json()["results"] == [], seen.text
