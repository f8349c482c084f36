"""RunFeatureExtractor over gRPC and REST on the session server (embedded defaults): the packaged
text model, the image fingerprint, the fashionsiglip plugin's ONNX encoder, URL inputs fetched from
a local HTTP server, and bad input named field by field."""

from __future__ import annotations

import base64
import http.server
import io
import threading
from typing import ClassVar

import grpc
import numpy as np
import pytest
from PIL import Image, ImageDraw
from vecplane.v1 import feature_extractor_pb2 as pb

from tests.support.api import Api, expect_error
from tests.support.rest import Rest, envelope
from tests.support.servers import ADMIN_KEY, InProcessServer, test_settings

TEXT_ID = "minilm_text_extractor_v1"
MINILM = "all_minilm_l6_v2"


@pytest.fixture
def rest(api, base_url) -> Rest:
    return Rest(base_url, api.key)


def run(api, extractor_id, inputs, **fields):
    return api.call(api.extractors.RunFeatureExtractor, pb.RunFeatureExtractorRequest(feature_extractor_id=extractor_id, inputs=inputs, **fields))


def vectors(response, name):
    return np.array([list(d.vectors[name].values) for d in response.documents])


def png(colour, size=(96, 64), square=None) -> bytes:
    image = Image.new("RGB", size, colour)
    if square:
        ImageDraw.Draw(image).rectangle(square, fill=(255 - colour[0], 255 - colour[1], 255 - colour[2]))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_the_packaged_text_model_embeds_by_meaning(api):
    texts = ["A cat sleeps on the sofa.", "A kitten is napping on the couch.", "Quarterly revenue grew by eight percent."]
    response = run(api, TEXT_ID, [pb.ExtractorInput(text=t) for t in texts])
    found = vectors(response, MINILM)
    assert found.shape == (3, 384) and np.allclose(np.linalg.norm(found, axis=1), 1, atol=1e-4)
    assert [d.input_index for d in response.documents] == [0, 1, 2]
    assert [d.fields["text"] for d in response.documents] == texts
    similar, unrelated = found[0] @ found[1], found[0] @ found[2]
    assert similar > 0.5 > unrelated


def test_batching_does_not_change_the_vectors(api):
    texts = [f"item {i}: a {'red' if i % 2 else 'blue'} shirt of size {i}" for i in range(70)]  # more than one model batch
    together = vectors(run(api, TEXT_ID, [pb.ExtractorInput(text=t) for t in texts]), MINILM)
    alone = np.stack([vectors(run(api, TEXT_ID, [pb.ExtractorInput(text=t)]), MINILM)[0] for t in texts[:3] + texts[-2:]])
    assert np.min(np.sum(together[[0, 1, 2, 68, 69]] * alone, axis=1)) > 0.999


def test_chunks_carry_their_text_and_offsets_over_rest(rest):
    text = "Vecplane stores vectors. It runs extractors. Chunks overlap by one sentence."
    response = rest.post(f"/v1/features/extractors/{TEXT_ID}/run", json={
        "inputs": [{"text": text}, {"text": "Short one."}],
        "parameters": {"split_by": "sentences", "chunk_size": 2, "chunk_overlap": 1},
    })
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["feature_extractor_id"] == TEXT_ID
    documents = body["documents"]
    assert [(d.get("input_index", 0), d["fields"]["chunk_index"]) for d in documents] == [(0, 0), (0, 1), (1, 0)]
    for document in documents:
        source = [text, "Short one."][document.get("input_index", 0)]
        fields = document["fields"]
        assert source[fields["start_offset"]:fields["end_offset"]] == fields["text"]
        assert len(document["vectors"][MINILM]["values"]) == 384
    assert documents[1]["fields"]["text"] == "It runs extractors. Chunks overlap by one sentence."


def test_the_image_fingerprint_finds_near_duplicates(api):
    original = png((200, 40, 40), square=(10, 10, 40, 40))
    resized = io.BytesIO()
    Image.open(io.BytesIO(original)).resize((192, 128)).convert("RGB").save(resized, format="JPEG", quality=85)
    other = png((30, 160, 220), square=(50, 5, 90, 60))
    response = run(api, "image_fingerprint_v1", [pb.ExtractorInput(base64=b64(data)) for data in (original, resized.getvalue(), other)])
    found = vectors(response, "image_fingerprint_v1")
    assert found.shape == (3, 128)
    assert found[0] @ found[1] > 0.9 > found[0] @ found[2]
    first = response.documents[0].fields
    assert (first["width"], first["height"]) == (96, 64) and len(first["phash"]) == 16


def test_the_fashionsiglip_plugin_runs_its_onnx_encoder(api, rest):
    response = run(api, "fashionsiglip_v1", [pb.ExtractorInput(base64=b64(png((250, 250, 250)))), pb.ExtractorInput(base64=b64(png((10, 10, 10))))],
                   parameters={"top_k_tags": 2})
    found = vectors(response, "fashionsiglip_v1_embedding")
    assert found.shape == (2, 768) and found[0] @ found[1] < 0.99
    assert len(response.documents[0].fields["style_tags"]) == 2
    catalogue = rest.get("/v1/features/extractors/fashionsiglip_v1").json()
    assert catalogue["availability"]["runnable"] is True
    assert catalogue["availability"]["models"][0]["runs_with"] == "plugin code (fashionsiglip_plugin)"


class _Files(http.server.BaseHTTPRequestHandler):
    files: ClassVar[dict[str, bytes]] = {}

    def do_GET(self):
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def files_url():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def loopback_api(tmp_path_factory):
    """A server that may fetch from loopback (VECPLANE_BLOB_PRIVATE_NETWORKS), where the files are served."""
    server = InProcessServer(test_settings(tmp_path_factory.mktemp("loopback"), blob_private_networks="127.0.0.1/32")).start()
    try:
        with grpc.insecure_channel(server.target) as channel:
            yield Api(channel, ADMIN_KEY)
    finally:
        server.stop()


def test_url_inputs_to_private_addresses_are_refused_by_default(api, files_url):
    _Files.files = {"/red.png": png((220, 10, 10))}
    for url in (f"{files_url}/red.png", "http://169.254.169.254/latest/meta-data"):
        error = expect_error(run, api, "image_fingerprint_v1", [pb.ExtractorInput(url=url)])
        assert error.code == grpc.StatusCode.INVALID_ARGUMENT and "private address" in error.violations["inputs[0].url"]


def test_images_by_url_are_fetched_within_limits(loopback_api, files_url):
    api = loopback_api
    _Files.files = {"/red.png": png((220, 10, 10)), "/huge.bin": b"\0" * (8 * 1024 * 1024 + 1), "/notes.txt": b"not an image"}
    response = run(api, "image_fingerprint_v1", [pb.ExtractorInput(url=f"{files_url}/red.png"), pb.ExtractorInput(base64=b64(png((220, 10, 10))))])
    found = vectors(response, "image_fingerprint_v1")
    assert found[0] @ found[1] > 0.999
    error = expect_error(run, api, "image_fingerprint_v1", [pb.ExtractorInput(url=f"{files_url}/missing.png")])
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT and "HTTP 404" in error.violations["inputs[0].url"]
    error = expect_error(run, api, "image_fingerprint_v1", [pb.ExtractorInput(url=f"{files_url}/huge.bin")])
    assert "at most 8388608" in error.violations["inputs[0].url"]
    error = expect_error(run, api, "image_fingerprint_v1", [pb.ExtractorInput(url=f"{files_url}/notes.txt")])
    assert "not a readable image" in error.violations["inputs[0].url"]
    error = expect_error(run, api, "image_fingerprint_v1", [pb.ExtractorInput(url="file:///etc/passwd")])
    assert "local files are not read" in error.violations["inputs[0].url"]


def test_bad_input_is_named_field_by_field(api, rest):
    error = expect_error(run, api, TEXT_ID, [pb.ExtractorInput(text=""), pb.ExtractorInput(base64=b64(png((1, 2, 3))))], parameters={"temperature": 0.2})
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(error.violations) == {"inputs[0].text", "inputs[1].base64", "parameters.temperature"}
    assert error.violations["inputs[0].text"] == "must not be empty"
    error = expect_error(run, api, "image_fingerprint_v1", [pb.ExtractorInput(text="a cat")])
    assert "send its bytes as base64 or a URL" in error.violations["inputs[0].text"]
    error = expect_error(run, api, "image_fingerprint_v1", [pb.ExtractorInput(base64=b64(b"GIF89a broken"))])
    assert "not a readable image" in error.violations["inputs[0].base64"]
    error = expect_error(run, api, "no_such_extractor_v1", [pb.ExtractorInput(text="x")])
    assert error.code == grpc.StatusCode.NOT_FOUND
    failed = envelope(rest.post(f"/v1/features/extractors/{TEXT_ID}/run", json={"inputs": [{"text": "x" * 100_001}]}), 400, "BadRequestError")
    assert "at most 100000" in str(failed["details"])
    envelope(rest.post(f"/v1/features/extractors/{TEXT_ID}/run", json={"inputs": [{"txt": "x"}]}), 422, "ValidationError")


def test_a_provider_that_is_down_is_unavailable_naming_the_model(api):
    # The test servers configure text_extractor's model against an address where nothing listens.
    error = expect_error(run, api, "text_extractor_v1", [pb.ExtractorInput(text="hello")])
    assert error.code == grpc.StatusCode.UNAVAILABLE and error.reason == "MODEL_FAILED"
    assert "multilingual_e5_large_instruct_v1" in error.message and "cannot reach" in error.message


def test_the_catalogue_says_what_runs_and_what_it_needs(rest):
    listed = {d["feature_extractor_id"]: d for d in rest.get("/v1/features/extractors").json()}
    text = listed[TEXT_ID]["availability"]
    assert text["runnable"] is True and text["models"][0]["runs_with"] == "onnxruntime (packaged, offline)"
    assert text["models"][0]["dimensions"] == 384 and "all-MiniLM-L6-v2" in text["models"][0]["model_id"]
    e5 = listed["text_extractor_v1"]["availability"]["models"][0]
    assert e5["model_id"] == "intfloat/multilingual-e5-large-instruct" and e5["dimensions"] == 1024
    assert "inference provider 'tests-unreachable'" in e5["runs_with"]
