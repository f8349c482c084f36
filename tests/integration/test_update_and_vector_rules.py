"""One rule, seen from both sides: REST PATCH changes the fields present (issue 9 item 15), and the
definition of a sparse vector is judged the same way by Reconfigure and CreateCollection (item 20).

A server of its own, with a plugin that declares a sparse vector the way a catalogue may (with a
size and a distance, which a sparse vector does not have in the store)."""

from __future__ import annotations

import json
import shutil

import grpc
import pytest
from vecplane.v1 import namespace_pb2 as pb

from tests.support import resources as r
from tests.support.api import Api
from tests.support.rest import Rest, envelope
from tests.support.servers import ADMIN_KEY, PLUGINS, InProcessServer
from tests.support.servers import test_settings as settings_in

SPARSE = {"feature_extractor_name": "splade", "version": "v1"}
SPARSE_MANIFEST = {
    **SPARSE,
    "description": "Sparse lexical embedding (test plugin).",
    "input_schema": {"properties": {"text": {"type": "text", "description": "Text", "required": True}}},
    "output_schema": {"properties": {}},
    "supported_input_types": ["text", "string"],
    "required_vector_indexes": [
        {"name": "splade_v1_sparse", "description": "sparse", "type": "single", "index": {"type": "sparse", "dimensions": 30522, "distance": "dot"}}
    ],
}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    plugins = tmp_path_factory.mktemp("plugins")
    for manifest in [*PLUGINS.glob("*.json"), *PLUGINS.glob("*.py")]:  # manifests and the code they name
        shutil.copy(manifest, plugins)
    (plugins / "splade.json").write_text(json.dumps(SPARSE_MANIFEST))
    server = InProcessServer(settings_in(tmp_path_factory.mktemp("rules"), plugin_dir=plugins)).start()
    with grpc.insecure_channel(server.target) as channel:
        yield server, Api(channel, ADMIN_KEY), Rest(f"http://127.0.0.1:{server.app.http_port}", ADMIN_KEY)
    server.stop()


def test_patch_changes_the_fields_present_even_with_a_null_update_mask(served):
    _server, api, rest = served
    ns = r.namespace(api)
    error = envelope(rest.put(f"/v1/namespaces/{ns.namespace_id}", json={"feature_extractors": [], "update_mask": None}), 400, "BadRequestError")
    assert [v["field"] for v in error["details"]["field_violations"]] == ["feature_extractors"]
    assert "at least one feature extractor" in error["message"]
    changed = rest.patch(f"/v1/namespaces/{ns.namespace_id}", json={"description": "renamed shelf", "update_mask": None})
    assert changed.status_code == 200, changed.text
    assert changed.json()["description"] == "renamed shelf"
    cleared = rest.patch(f"/v1/namespaces/{ns.namespace_id}", json={"description": None, "update_mask": ""})
    assert cleared.status_code == 200 and cleared.json().get("description", "") == ""
    # Nothing present but the mask: 400 naming it, and nothing changed.
    error = envelope(rest.patch(f"/v1/namespaces/{ns.namespace_id}", json={"update_mask": None}), 400, "BadRequestError")
    assert [v["field"] for v in error["details"]["field_violations"]] == ["update_mask"]
    current = api.call(api.namespaces.GetNamespace, pb.GetNamespaceRequest(namespace_id=ns.namespace_id)).namespace
    assert [e.feature_extractor_name for e in current.feature_extractors] == ["text_extractor", "image_extractor"]


def test_a_sparse_vector_is_the_same_to_reconfigure_and_to_create_collection(served):
    server, api, _rest = served
    ns = r.namespace(api, extractors=(r.TEXT, SPARSE))
    stored = server.run(server.app.backends.vectors.vector_schema(ns.namespace_id))["splade_v1_sparse"]
    assert (stored.kind, stored.dimensions) == ("sparse", 0)  # the store knows no size for it
    done = api.call(api.namespaces.Reconfigure, pb.ReconfigureRequest(namespace_id=ns.namespace_id, confirm=True))
    assert done.status == pb.RECONFIGURE_STATUS_NO_CHANGES_NEEDED
    scoped = api.in_namespace(ns.namespace_id)
    r.bucket(scoped, name="texts", schema={"properties": {"body": {"type": "text"}}})
    created = r.collection(
        scoped,
        {"collection_name": "lexical", "source": {"type": "bucket", "bucket_id": "texts"}, "feature_extractors": [{**SPARSE, "input_mapping": {"text": "body"}}]},
    )
    assert [v.name for v in created.vector_indexes] == ["splade_v1_sparse"]
