"""A REST update that sends a field the resource has but no update may change (issue 15: PATCH
with `source` said "unknown field"): 422 naming the field and saying it cannot be changed, and
nothing changes."""

from __future__ import annotations

from tests.support import resources as r
from tests.support.api import Api
from tests.support.rest import Rest


def test_patching_a_collections_source_says_it_cannot_be_changed(api: Api, base_url: str) -> None:
    ns = r.namespace(api, extractors=[r.TEXT])
    ns_api = api.in_namespace(ns.namespace_id)
    bucket = r.bucket(ns_api)
    other = r.bucket(ns_api)
    collection = r.collection(ns_api, r.text_collection_body({"type": "bucket", "bucket_id": bucket.bucket_id}))
    rest = Rest(base_url, api.key, ns.namespace_id)
    path = f"/v1/collections/{collection.collection_id}"
    before = rest.get(path).json()

    answer = rest.patch(path, json={"source": {"type": "bucket", "bucket_id": other.bucket_id}, "no_such_field": 1})
    assert answer.status_code == 422, answer.text
    issues = {tuple(i["location"]): i for i in answer.json()["error"]["details"]["validation_errors"]}
    assert issues[("body", "source")]["message"] == "cannot be changed (it is set when the collection is created)"
    assert issues[("body", "no_such_field")]["message"] == "unknown field"  # not a field of a collection either
    assert "body.source: cannot be changed" in answer.json()["error"]["message"]
    assert rest.get(path).json() == before
