"""Issue 9 item 6 through a real server process: 40 objects of 3.5 MB, then ListObjects(limit=1000).
Every list answer is bounded in bytes as well as in items, so the page stops early with a cursor
and the server's memory stays flat (it answered with 133 MB and grew to 1 GB before)."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

import grpc
import pytest
from vecplane.v1 import bucket_pb2, namespace_pb2

from server.domain.paging import MAX_PAGE_BYTES
from server.protojson import dict_to_message
from tests.support.api import Api
from tests.support.servers import ADMIN_KEY, ServerProcess

OBJECTS = 40
BLOB_CHARS = 3_500_000


def rss_bytes(pid: int) -> tuple[int, int]:
    """(current, peak) resident set size of a process."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) * 1024, int(fields["VmHWM"].split()[0]) * 1024


@pytest.mark.slow
def test_large_objects_are_listed_in_byte_bounded_pages_with_flat_memory(tmp_path):
    process = ServerProcess(tmp_path / "data").start()
    try:
        assert process.process is not None
        with grpc.insecure_channel(process.target, options=[("grpc.max_send_message_length", -1), ("grpc.max_receive_message_length", -1)]) as channel:
            api = Api(channel, ADMIN_KEY)
            namespace = api.call(api.namespaces.CreateNamespace, dict_to_message({"namespace_name": "big", "feature_extractors": [{"feature_extractor_name": "text_extractor", "version": "v1"}]}, namespace_pb2.CreateNamespaceRequest)).namespace
            api = api.in_namespace(namespace.namespace_id)
            bucket = api.call(api.buckets.CreateBucket, dict_to_message({"bucket_name": "blobs", "bucket_schema": {"properties": {"content": {"type": "text"}}}}, bucket_pb2.CreateBucketRequest)).bucket

            def create(i: int) -> None:
                body = {"bucket_id": bucket.bucket_id, "metadata": {"n": i}, "blobs": [{"property": "content", "type": "text", "data": chr(97 + i % 26) * BLOB_CHARS}]}
                api.call(api.buckets.CreateObject, dict_to_message(body, bucket_pb2.CreateObjectRequest), timeout=120)

            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                list(pool.map(create, range(OBJECTS)))
            _, peak_before = rss_bytes(process.process.pid)
            first = api.call(api.buckets.ListObjects, bucket_pb2.ListObjectsRequest(bucket_id=bucket.bucket_id, limit=1000), timeout=120)
            _, peak_after = rss_bytes(process.process.pid)
            assert 1 <= len(first.results) < OBJECTS
            assert first.ByteSize() <= MAX_PAGE_BYTES + 2 * BLOB_CHARS
            assert first.pagination.next_cursor
            assert peak_after - peak_before < 100 * 2**20, f"RSS peak grew by {(peak_after - peak_before) / 2**20:.0f} MB"
            # The cursor goes on where the page stopped (walking all 40 pages would re-read every
            # object on the embedded server each time: minutes; paging itself is tested on small data).
            second = api.call(api.buckets.ListObjects, bucket_pb2.ListObjectsRequest(bucket_id=bucket.bucket_id, limit=1000, cursor=first.pagination.next_cursor), timeout=120)
            firsts, seconds = {o.metadata["n"] for o in first.results}, {o.metadata["n"] for o in second.results}
            assert seconds and not firsts & seconds
    finally:
        process.stop()
