"""A server with neither inference providers nor a model directory: the catalogue says what each
extractor needs, extractors that cannot run are refused (collections and direct calls) naming the
model and the setting, and the offline ones run. A plugin whose model returns another vector size
than it declares stops the start."""

from __future__ import annotations

import subprocess

import grpc
import pytest
from vecplane.v1 import collection_pb2
from vecplane.v1 import feature_extractor_pb2 as pb

from tests.conftest import new_org_api
from tests.support import resources as r
from tests.support.api import Api, expect_error
from tests.support.onnx_models import build_image_encoder
from tests.support.servers import (
    ADMIN_KEY,
    REPO,
    SERVE,
    InProcessServer,
    free_port,
    server_env,
    test_settings,
)


@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    data = tmp_path_factory.mktemp("bare")
    (data / "no-models").mkdir()
    running = InProcessServer(test_settings(data, providers=None, model_dir=data / "no-models")).start()
    channel = grpc.insecure_channel(running.target)
    yield new_org_api(Api(channel, ADMIN_KEY))
    channel.close()
    running.stop()


def availability(api, extractor_id):
    return api.call(api.extractors.GetFeatureExtractor, pb.GetFeatureExtractorRequest(feature_extractor_id=extractor_id)).feature_extractor.availability


def test_the_catalogue_names_what_each_extractor_needs(bare):
    text = availability(bare, "text_extractor_v1")
    assert not text.runnable and text.needs == "an inference provider for model 'multilingual_e5_large_instruct_v1' (VECPLANE_PROVIDERS)"
    assert (text.models[0].model_id, text.models[0].dimensions) == ("intfloat/multilingual-e5-large-instruct", 1024)
    image = availability(bare, "image_extractor_v1")
    assert not image.runnable and "VECPLANE_MODEL_DIR/google_siglip_base_v1/" in image.needs and "VECPLANE_PROVIDERS" in image.needs
    assert availability(bare, "fashionsiglip_v1").needs == "an ONNX image encoder in VECPLANE_MODEL_DIR/fashionsiglip_v1_embedding/"
    assert availability(bare, "minilm_text_extractor_v1").runnable and availability(bare, "image_fingerprint_v1").runnable


def test_a_collection_needing_a_provider_is_refused_and_nothing_is_written(bare):
    scoped = bare.in_namespace(r.namespace(bare, extractors=(r.TEXT,)).namespace_id)
    bucket = r.bucket(scoped)
    error = expect_error(r.collection, scoped, r.text_collection_body({"type": "bucket", "bucket_id": bucket.bucket_id}))
    assert error.code == grpc.StatusCode.FAILED_PRECONDITION and error.reason == "EXTRACTOR_NOT_RUNNABLE"
    assert "multilingual_e5_large_instruct_v1" in error.message and "VECPLANE_PROVIDERS" in error.message
    listed = scoped.call(scoped.collections.ListCollections, collection_pb2.ListCollectionsRequest())
    assert not listed.results


def test_a_direct_run_of_an_extractor_that_cannot_run_is_refused(bare):
    request = pb.RunFeatureExtractorRequest(feature_extractor_id="text_extractor_v1", inputs=[pb.ExtractorInput(text="hello")])
    error = expect_error(bare.call, bare.extractors.RunFeatureExtractor, request)
    assert error.code == grpc.StatusCode.FAILED_PRECONDITION and "VECPLANE_PROVIDERS" in error.message
    request = pb.RunFeatureExtractorRequest(feature_extractor_id="minilm_text_extractor_v1", inputs=[pb.ExtractorInput(text="hello")])
    assert len(bare.call(bare.extractors.RunFeatureExtractor, request).documents[0].vectors["all_minilm_l6_v2"].values) == 384


@pytest.mark.slow  # a server process or a build; over 5 s
def test_a_plugin_whose_model_returns_another_size_stops_the_start(tmp_path):
    build_image_encoder(tmp_path / "models", "fashionsiglip_v1_embedding", 512)  # the manifest declares 768
    env = server_env(tmp_path / "data", free_port(), free_port(), {"VECPLANE_MODEL_DIR": str(tmp_path / "models"), "HF_HUB_OFFLINE": "1"})
    done = subprocess.run(SERVE, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "plugin fashionsiglip_v1: vector 'fashionsiglip_v1_embedding' is declared with 768 dimensions but the model returns 512" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "data" / "mongo").exists()  # stopped before any backend started
