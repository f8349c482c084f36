"""Processing objects whose blob is a URL: the blob is fetched through server.storage.fetch (its
limits and private-address rule; this server allows loopback, as a deployment lists its internal
networks) from a real HTTP server the test runs, and a URL that fails is a failure of its object
with the reason, while the others are written."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from tests.support.processing import (
    document_ids,
    expected_ids,
    namespace_rest,
    setup_bucket,
    text_collection,
    wait_task,
)
from tests.support.rest import Rest
from tests.support.servers import ADMIN_KEY, InProcessServer
from tests.support.servers import test_settings as settings_in

PAGES = {"/first.txt": "Qdrant keeps the vectors of every document.", "/second.txt": "MongoDB keeps the metadata of every object."}


class _Pages(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = PAGES.get(self.path)
        if body is None:
            self.send_error(404)
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture(scope="module")
def pages() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def rest(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rest]:
    server = InProcessServer(settings_in(tmp_path_factory.mktemp("urls"), blob_private_networks="127.0.0.0/8")).start()
    try:
        yield namespace_rest(f"http://127.0.0.1:{server.app.http_port}", ADMIN_KEY)
    finally:
        server.stop()


def _vector(rest: Rest, collection_id: str, document_id: str) -> np.ndarray:
    doc = rest.get(f"/v1/collections/{collection_id}/documents/{document_id}", params={"return_vectors": "true"}).json()
    return np.array(doc["_vectors"]["all_minilm_l6_v2"])


@pytest.mark.slow
def test_url_blobs_are_fetched_and_a_failing_url_fails_only_its_object(rest: Rest, pages: str) -> None:
    bucket_id, (inline,) = setup_bucket(rest, [PAGES["/first.txt"]])
    urls = [f"{pages}/first.txt", f"{pages}/second.txt", f"{pages}/missing.txt"]
    created = rest.post(f"/v1/buckets/{bucket_id}/objects/batch", json={"objects": [{"blobs": [{"property": "content", "type": "text", "data": url}]} for url in urls]})
    assert created.status_code == 200 and not created.json()["failed"], created.text
    first, second, missing = [s["object_id"] for s in sorted(created.json()["succeeded"], key=lambda s: s["object_index"])]
    collection_id = text_collection(rest, {"type": "bucket", "bucket_id": bucket_id})

    batch = rest.post(f"/v1/buckets/{bucket_id}/batches", json={"object_ids": [inline, first, second, missing], "auto_submit": True}).json()
    task = wait_task(rest, batch["task_id"])
    assert task["status"] == "COMPLETED_WITH_ERRORS", task
    (tier,) = task["additional_data"]["tiers"]
    assert (tier["processed"], tier["failed"], tier["documents_written"]) == (4, 1, 3)
    assert document_ids(rest, collection_id) == expected_ids(collection_id, bucket_id, [inline, first, second])
    (failure,) = rest.get(f"/v1/buckets/{bucket_id}/batches/{batch['batch_id']}/failed-documents").json()["results"]
    assert failure["object_id"] == missing and "missing.txt answered HTTP 404" in failure["error"], failure

    # The fetched text was embedded: the same vector as the inline object with that text.
    inline_doc, first_doc, second_doc = (expected_ids(collection_id, bucket_id, [o])[0] for o in (inline, first, second))
    assert np.allclose(_vector(rest, collection_id, first_doc), _vector(rest, collection_id, inline_doc), atol=1e-5)
    assert not np.allclose(_vector(rest, collection_id, second_doc), _vector(rest, collection_id, inline_doc), atol=1e-2)
