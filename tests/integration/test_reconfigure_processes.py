"""Reconfigure across server processes: a crash (SIGKILL at a fault point) at every step, completed
by the restarted server; and a plugin whose manifest changes a vector between two runs.

Points are seeded and inspected through an in-process server on the same data dir (only one process
may open a Qdrant local-mode dir at a time); the run that crashes is a real `python -m server` child."""

from __future__ import annotations

import json
import shutil
import signal
import time
from pathlib import Path
from typing import Any

import grpc
import pytest
from vecplane.v1 import namespace_pb2 as pb

from tests.integration.test_namespaces import FASHION as FASHION_EXTRACTOR
from tests.integration.test_namespaces import TEXT as TEXT_EXTRACTOR
from tests.integration.test_namespaces import create
from tests.integration.test_reconfigure import (
    FACE_EXTRACTOR,
    enable,
    operations,
    physical,
    reconfigure,
    schema,
)
from tests.support import resources, servers
from tests.support.api import Api, expect_error
from tests.support.onnx_models import build_image_encoder
from tests.support.points import E5, FACE, FASHION, assert_points_kept, make_points, seed, stored_points
from tests.support.processing import (
    MINILM,
    document_ids,
    expected_ids,
    setup_bucket,
    text_collection,
    wait_task,
)
from tests.support.rest import Rest
from tests.support.servers import ADMIN_KEY, InProcessServer, ServerProcess

POINTS = 300  # more than one blue/green copy batch (256), so a crash can fall between two batches
MODES = {"in_place": pb.RECONFIGURE_MODE_IN_PLACE, "recreate": pb.RECONFIGURE_MODE_RECREATE}


class Running:
    """An in-process server on a data dir, with a root client, as a context manager."""

    def __init__(self, data: Path, **settings):
        self.server = InProcessServer(servers.test_settings(data, **settings))

    def __enter__(self):
        self.server.start()
        self.channel = grpc.insecure_channel(self.server.target)
        return self.server, Api(self.channel, ADMIN_KEY)

    def __exit__(self, *exc):
        self.channel.close()
        self.server.stop()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A stopped server's data dir: namespace `crashy` with text_extractor + face_identity, 300 points
    with both vectors, then switched to text_extractor + fashionsiglip. Reconfigure with prune adds
    fashionsiglip's vector and deletes face_identity's. Each test runs on a copy."""
    data = tmp_path_factory.mktemp("crash-template")
    with Running(data) as (server, api):
        ns = create(api, "crashy", (TEXT_EXTRACTOR, FACE_EXTRACTOR)).namespace_id
        points = make_points(ns, POINTS, {E5: 1024, FACE: 512}, ["col_crash"])
        seed(server, ns, points)
        enable(api, ns, TEXT_EXTRACTOR, FASHION_EXTRACTOR)
    return data, ns, points


def crash_during_reconfigure(data: Path, ns: str, mode: str, env: dict[str, str]) -> None:
    """Runs a server process with a `kill` fault armed and calls Reconfigure, which kills it."""
    process = ServerProcess(data, env=env).start()
    try:
        with grpc.insecure_channel(process.target) as channel:
            error = expect_error(reconfigure, Api(channel, ADMIN_KEY), ns, confirm=True, prune=True, mode=MODES[mode])
        assert error.code == grpc.StatusCode.UNAVAILABLE, error
        assert process.wait_exit() == -signal.SIGKILL
    finally:
        process.kill()


def assert_completed(server, api, ns, points, strategy: str, mode: str) -> None:
    """The operation is done, the alias points at the one whole collection with the target schema,
    and every point is there (in place) or none is (recreate)."""
    (op,) = operations(server, ns)
    assert op["state"] == "done" and op["step"] == "done", op
    assert op["attempts"] == 1 and op["owner"] == server.app.usecases.reconfigure.owner  # completed by the restart
    alias_target, collections = physical(server, ns)
    assert collections == [alias_target]
    assert alias_target == (f"{ns}__v1" if strategy == "live" else f"{ns}__v2")
    assert schema(server, ns) == {E5: 1024, FASHION: 768}
    result = op["result"]
    assert result["vectors_added"] == [FASHION] and result["vectors_removed"] == [FACE]
    assert result["previous_points_count"] == POINTS
    if mode == "recreate":
        assert server.run(server.app.backends.vectors.count(ns)) == 0
        assert (result["points_preserved"], result["points_deleted"]) == (0, POINTS)
    else:
        assert_points_kept(stored_points(server, ns), points, kept=[E5], gone=[FACE, FASHION])
        assert (result["points_preserved"], result["points_deleted"]) == (POINTS, 0)
    if strategy == "blue_green":
        # Resumed from the recorded offset: a restart from scratch would count the first batch twice.
        assert op["progress"]["copied"] == POINTS
    again = reconfigure(api, ns, confirm=True, prune=True)
    assert again.status == pb.RECONFIGURE_STATUS_NO_CHANGES_NEEDED


# Every fault point of server.usecases.reconfigure at least once, each where it means most: LIVE has
# after_record, after_vector (between two vector changes) and before_done; BLUE_GREEN the steps of
# the copy and the switch; RECREATE the switch to an empty collection. (A server process start
# costs about 3 s, so the cases that would repeat a path are left out.)
@pytest.mark.crash
@pytest.mark.parametrize(
    ("setting", "mode", "point", "strategy"),
    [
        ("auto", "in_place", "reconfigure.after_record", "live"),
        ("auto", "in_place", "reconfigure.after_vector", "live"),
        ("auto", "in_place", "reconfigure.before_done", "live"),
        ("blue_green", "in_place", "reconfigure.after_create", "blue_green"),
        ("blue_green", "in_place", "reconfigure.after_batch", "blue_green"),
        ("blue_green", "in_place", "reconfigure.after_copy", "blue_green"),
        ("blue_green", "in_place", "reconfigure.after_alias_switch", "blue_green"),
        ("blue_green", "in_place", "reconfigure.after_drop", "blue_green"),
        ("auto", "recreate", "reconfigure.after_alias_switch", "recreate"),
    ],
)
@pytest.mark.slow  # a server process or a build; over 5 s
def test_a_crash_at_any_step_is_completed_when_the_server_restarts(template, tmp_path, setting, mode, point, strategy):
    source, ns, points = template
    data = tmp_path / "data"
    shutil.copytree(source, data)
    crash_during_reconfigure(
        data, ns, mode, {"VECPLANE_FAULTS": f"{point}=kill", "VECPLANE_RECONFIGURE_STRATEGY": setting, "VECPLANE_RECONFIGURE_LEASE": "0.5"}
    )
    time.sleep(0.6)  # let the dead process's 0.5 s lease run out (a wait, not a measurement)
    # Restarted without the fault: the start-up itself completes the operation, before serving.
    with Running(data, reconfigure_strategy=setting) as (server, api):
        assert_completed(server, api, ns, points, strategy, mode)


@pytest.mark.crash
@pytest.mark.slow  # a server process or a build; over 5 s
def test_a_crashed_operation_whose_lease_is_still_live_is_completed_when_it_runs_out(template, tmp_path):
    source, ns, points = template
    data = tmp_path / "data"
    shutil.copytree(source, data)
    crash_during_reconfigure(
        data, ns, "in_place",
        {"VECPLANE_FAULTS": "reconfigure.after_copy=kill", "VECPLANE_RECONFIGURE_STRATEGY": "blue_green", "VECPLANE_RECONFIGURE_LEASE": "6"},
    )
    # Restarted at once: the lease of the dead process is still live, so the server does not take
    # the operation at start; it waits in the background for the lease to run out.
    with Running(data, reconfigure_strategy="blue_green") as (server, api):
        deadline = time.monotonic() + 60
        while operations(server, ns)[0]["state"] != "done":
            assert time.monotonic() < deadline, "the interrupted operation was never completed"
            time.sleep(0.2)
        assert_completed(server, api, ns, points, "blue_green", "in_place")


# --- a plugin whose manifest changes between two runs


def write_plugin(folder: Path, name: str, vector: str, dimensions: int) -> None:
    manifest = {
        "feature_extractor_name": name,
        "version": "v1",
        "description": f"test plugin {name}",
        "input_schema": {"properties": {"image": {"type": "image", "description": "An image", "required": True}}},
        "output_schema": {"properties": {}},
        "supported_input_types": ["image"],
        "required_vector_indexes": [
            {"name": vector, "description": "embedding", "type": "single", "index": {"dimensions": dimensions, "type": "dense", "distance": "cosine"}}
        ],
    }
    (folder / f"{name}.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize(("setting", "strategy"), [("auto", pb.RECONFIGURE_STRATEGY_LIVE), ("blue_green", pb.RECONFIGURE_STRATEGY_BLUE_GREEN)])
@pytest.mark.slow  # a server process or a build; over 5 s
def test_a_vector_whose_size_changed_is_recreated_and_only_its_values_are_lost(tmp_path, setting, strategy):
    plugins, data = tmp_path / "plugins", tmp_path / "data"
    plugins.mkdir()
    resizer = "resizer_v1_embedding"
    write_plugin(plugins, "resizer", resizer, 64)
    write_plugin(plugins, "shifty", "shifty_v1_embedding", 32)
    resizer_extractor = pb.NamespaceFeatureExtractor(feature_extractor_name="resizer", version="v1")
    shifty_extractor = pb.NamespaceFeatureExtractor(feature_extractor_name="shifty", version="v1")
    build_image_encoder(servers.built_models(data), resizer, 64)  # so the collection below can be made
    with Running(data, plugin_dir=plugins) as (server, api):
        ns = create(api, "resized", (TEXT_EXTRACTOR, resizer_extractor)).namespace_id
        # Collections through the API: one applies the resizer, one reads from it, one does neither.
        scoped = api.in_namespace(ns)
        resources.bucket(scoped, name="products")
        bucket = {"type": "bucket", "bucket_id": "products"}
        images = resources.collection(scoped, {"collection_name": "images", "source": bucket,
                                               "feature_extractors": [{"feature_extractor_name": "resizer", "version": "v1", "input_mapping": {"image": "image"}}]})
        captions = resources.collection(scoped, resources.text_collection_body({"type": "collection", "collection_id": "images"}, name="captions"))
        resources.collection(scoped, resources.text_collection_body(bucket, name="titles"))
        points = make_points(ns, 200, {E5: 1024, resizer: 64}, [images.collection_id])
        seed(server, ns, points)
        create(api, "clashing", (TEXT_EXTRACTOR, shifty_extractor))

    # New plugin versions: resizer's vector grows; shifty now declares text_extractor's vector, differently.
    write_plugin(plugins, "resizer", resizer, 128)
    write_plugin(plugins, "shifty", E5, 512)
    build_image_encoder(servers.built_models(data), resizer, 128)
    process = ServerProcess(data, env={"VECPLANE_PLUGIN_DIR": str(plugins), "VECPLANE_RECONFIGURE_STRATEGY": setting}).start()
    try:
        with grpc.insecure_channel(process.target) as channel:
            api = Api(channel, ADMIN_KEY)
            done = reconfigure(api, "resized", confirm=True)
            clash = expect_error(reconfigure, api, "clashing", confirm=True)
        assert process.stop() == 0
    finally:
        process.kill()

    assert done.status == pb.RECONFIGURE_STATUS_RECONFIGURED and done.strategy == strategy
    assert list(done.vectors_changed) == [resizer] and not done.vectors_added and not done.vectors_removed
    # The collection that produces the changed vector and the one downstream of it, not `titles`.
    assert list(done.collections_to_reprocess) == [images.collection_id, captions.collection_id]
    assert list(done.vectors_total) == [E5, resizer]
    assert (done.previous_points_count, done.points_preserved, done.points_deleted) == (200, 200, 0)
    assert "1 changed" in done.message
    assert clash.code == grpc.StatusCode.INVALID_ARGUMENT and clash.reason == "VECTOR_CONFLICT"
    assert "'text_extractor_v1'" in clash.violations["feature_extractors"] and "'shifty_v1'" in clash.violations["feature_extractors"]
    with Running(data, plugin_dir=plugins) as (server, api):
        assert schema(server, ns) == {E5: 1024, resizer: 128}
        assert_points_kept(stored_points(server, ns), points, kept=[E5], gone=[resizer])
        clashing = server.run(server.app.backends.db.namespaces.find_one({"namespace_name": "clashing"}))["_id"]
        assert schema(server, clashing) == {E5: 1024, "shifty_v1_embedding": 32}  # untouched


# --- reconfigure, then trigger: a plugin whose new version declares a second vector

LAYERED_CODE = '''
"""Test plugin `layered`: one deterministic unit vector per declared vector, from its name and the text."""
import hashlib

import numpy as np

from server.extractors.runtime import ExtractedDocument


def vector(name, text, dimensions):
    seed = int.from_bytes(hashlib.sha256(f"{name}\\x1f{text}".encode()).digest()[:8], "little")
    values = np.random.default_rng(seed).standard_normal(dimensions).astype(np.float32)
    return values / np.linalg.norm(values)


class Layered:
    def __init__(self, definition):
        self.definition = definition
        self.model_id = "layered-test"
        self.max_batch = 32

    async def extract(self, batch, parameters, output_type):
        return [[ExtractedDocument(vectors={v.name: vector(v.name, str(item["text"]), v.dimensions) for v in self.definition.vectors})] for item in batch]


def create_extractor(definition, context):
    return Layered(definition)
'''
WORDS, CHARS = "layered_v1_words", "layered_v1_chars"


def write_layered(folder: Path, vectors: dict[str, int]) -> None:
    (folder / "layered_plugin.py").write_text(LAYERED_CODE)
    manifest = {
        "feature_extractor_name": "layered",
        "version": "v1",
        "description": "test plugin layered",
        "input_schema": {"properties": {"text": {"type": "text", "description": "A text", "required": True}}},
        "output_schema": {"properties": {}},
        "supported_input_types": ["text"],
        "required_vector_indexes": [
            {"name": name, "description": name, "type": "single", "index": {"dimensions": size, "type": "dense", "distance": "cosine"}} for name, size in vectors.items()
        ],
        "plugin_module": "layered_plugin",
    }
    (folder / "layered.json").write_text(json.dumps(manifest))


def _vectors(rest, collection_id: str) -> dict[str, dict[str, list[float]]]:
    """Each document of the collection: its vectors by name."""
    return {doc_id: rest.get(f"/v1/collections/{collection_id}/documents/{doc_id}", params={"return_vectors": "true"}).json()["_vectors"] for doc_id in document_ids(rest, collection_id)}


@pytest.mark.slow
def test_an_in_place_vector_add_then_a_trigger_fills_the_new_vector_and_keeps_the_rest(tmp_path):
    plugins, data = tmp_path / "plugins", tmp_path / "data"
    plugins.mkdir()
    write_layered(plugins, {WORDS: 16})
    texts = [f"layered text number {i}" for i in range(5)]
    layered = {"feature_extractor_name": "layered", "version": "v1"}
    with Running(data, plugin_dir=plugins) as (server, _api):
        base_url = f"http://127.0.0.1:{server.app.http_port}"
        ns = Rest(base_url, ADMIN_KEY).post("/v1/namespaces", json={"namespace_name": "layers", "feature_extractors": [MINILM, layered]}).json()["namespace_id"]
        rest = Rest(base_url, ADMIN_KEY, ns)
        bucket_id, object_ids = setup_bucket(rest, texts)
        source = {"type": "bucket", "bucket_id": bucket_id}
        layers = rest.post("/v1/collections", json={"collection_name": "layers", "source": source, "feature_extractors": [{**layered, "input_mapping": {"text": "content"}}]}).json()["collection_id"]
        downstream = text_collection(rest, {"type": "collection", "collection_id": layers})
        minis = text_collection(rest, source)
        for collection_id in (layers, minis):
            assert wait_task(rest, rest.post(f"/v1/collections/{collection_id}/trigger", json={}).json()["task_id"])["status"] == "COMPLETED"
        before = {c: _vectors(rest, c) for c in (layers, downstream, minis)}
    assert sorted(before[layers]) == expected_ids(layers, bucket_id, object_ids)
    assert all(set(v) == {WORDS} for v in before[layers].values()) and len(before[downstream]) == 5

    write_layered(plugins, {WORDS: 16, CHARS: 8})  # the new version also declares a chars vector
    with Running(data, plugin_dir=plugins) as (server, _api):
        rest = Rest(f"http://127.0.0.1:{server.app.http_port}", ADMIN_KEY, ns)
        done = rest.post(f"/v1/namespaces/{ns}/plugins/reconfigure", json={"confirm": True})
        assert done.status_code == 200, done.text
        assert done.json()["vectors_added"] == [CHARS]
        # The collection whose extractor makes the new vector, and the one that reads it; not `minis`.
        assert done.json()["collections_to_reprocess"] == [layers, downstream]
        assert _vectors(rest, layers) == before[layers]  # in place: every document kept as it was
        task = wait_task(rest, rest.post(f"/v1/collections/{layers}/trigger", json={}).json()["task_id"])
        assert task["status"] == "COMPLETED", task
        assert [t["collection_ids"] for t in task["additional_data"]["tiers"]] == [[layers], [downstream]]
        after = {c: _vectors(rest, c) for c in (layers, downstream, minis)}
    assert sorted(after[layers]) == sorted(before[layers])  # the same documents, none added
    by_text = {expected_ids(layers, bucket_id, [object_id])[0]: text for object_id, text in zip(object_ids, texts, strict=True)}
    for doc_id, vectors in after[layers].items():
        assert set(vectors) == {WORDS, CHARS}
        assert vectors[WORDS] == pytest.approx(before[layers][doc_id][WORDS], abs=1e-6)  # kept
        assert len(vectors[CHARS]) == 8 and vectors[CHARS] != pytest.approx(vectors[WORDS][:8], abs=1e-3)
        assert vectors[CHARS] == pytest.approx(_layered_vector(CHARS, by_text[doc_id], 8), abs=1e-6)  # filled from the text
    assert after[minis] == before[minis]  # a collection not listed is untouched
    assert sorted(after[downstream]) == sorted(before[downstream])  # re-run downstream: the same documents


def _layered_vector(name: str, text: str, dimensions: int) -> list[float]:
    namespace: dict[str, Any] = {}
    exec(compile(LAYERED_CODE, "layered_plugin", "exec"), namespace)  # the plugin's own function
    return [float(x) for x in namespace["vector"](name, text, dimensions)]
