"""Helpers for processing tests: a namespace with the packaged MiniLM extractor, buckets of text
objects, text collections, waiting for tasks, and the documents a run must leave."""

from __future__ import annotations

import time
from typing import Any

from server.domain import documents as d
from tests.support import resources as r
from tests.support.rest import Rest

MINILM = {"feature_extractor_name": "minilm_text_extractor", "version": "v1"}
SCHEMA = {"properties": {"content": {"type": "text"}, "title": {"type": "string"}}}


def wait_task(rest: Rest, task_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        task = rest.get(f"/v1/tasks/{task_id}").json()
        if task["status"] in ("COMPLETED", "COMPLETED_WITH_ERRORS", "FAILED", "CANCELED") or time.monotonic() > deadline:
            return task
        time.sleep(0.1)


def document_ids(rest: Rest, collection_id: str) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        page = rest.post(f"/v1/collections/{collection_id}/documents/list", json={"limit": 1000, **({"cursor": cursor} if cursor else {})}).json()
        ids += [doc["document_id"] for doc in page["results"]]
        cursor = page["pagination"].get("next_cursor")
        if not cursor:
            return sorted(ids)


def expected_ids(collection_id: str, bucket_id: str, object_ids: list[str]) -> list[str]:
    return sorted(d.document_id(collection_id, d.Source.object(bucket_id, o), 0) for o in object_ids)


def setup_bucket(rest: Rest, texts: list[str | None]) -> tuple[str, list[str]]:
    """A bucket with one object per text (None: an object without the `content` blob), in order."""
    bucket = rest.post("/v1/buckets", json={"bucket_name": r.unique("bkt"), "bucket_schema": SCHEMA}).json()
    object_ids: list[str] = []
    for start in range(0, len(texts), 100):
        objects = [
            {"blobs": [{"property": "content", "type": "text", "data": text}] if text is not None else [], "metadata": {"title": f"t{start + i}"}}
            for i, text in enumerate(texts[start : start + 100])
        ]
        created = rest.post(f"/v1/buckets/{bucket['bucket_id']}/objects/batch", json={"objects": objects})
        assert created.status_code == 200 and not created.json().get("failed"), created.text
        object_ids += [s["object_id"] for s in sorted(created.json()["succeeded"], key=lambda s: s["object_index"])]
    return bucket["bucket_id"], object_ids


def text_collection(rest: Rest, source: dict[str, Any], input_path: str = "content") -> str:
    created = rest.post("/v1/collections", json={"collection_name": r.unique("col"), "source": source, "feature_extractors": [{**MINILM, "input_mapping": {"text": input_path}}]})
    assert created.status_code == 200, created.text
    return str(created.json()["collection_id"])


def namespace_rest(base_url: str, key: str) -> Rest:
    """REST client in a new namespace with the MiniLM extractor."""
    ns = Rest(base_url, key).post("/v1/namespaces", json={"namespace_name": r.unique("ns"), "feature_extractors": [MINILM]})
    assert ns.status_code == 200, ns.text
    return Rest(base_url, key, ns.json()["namespace_id"])
