"""Image-content queries: a `content` query (base64 bytes or a URL) is embedded by the collection's own
image extractor (the test plugin `fashionsiglip`, a tiny encoder that real onnxruntime runs from the
model directory, through server.extractors.onnx_image), as processing embeds the stored images.
Queries of the wrong modality name `query.input_mode`; a server that cannot run the extractor
answers FAILED_PRECONDITION naming the model directory it needs."""

from __future__ import annotations

import base64
import io
from typing import Any

import grpc
import pytest
from PIL import Image
from vecplane.v1 import retriever_pb2 as pb

from server.domain import documents as d
from server.domain.extraction import RawInput
from server.protojson import dict_to_message
from server.usecases.documents import DocumentWriter, Made
from tests.conftest import new_org_api
from tests.integration.test_retrievers import URI as TEXT_URI
from tests.support import resources as r
from tests.support.api import Api, expect_error
from tests.support.rest import Rest, envelope
from tests.support.servers import ADMIN_KEY, InProcessServer, test_settings

FASHION_ID = "fashionsiglip_v1"
IMAGE_URI = "mixpeek://fashionsiglip@v1/fashionsiglip_v1_embedding"
MINILM = {"feature_extractor_name": "minilm_text_extractor", "version": "v1"}
COLOURS = {"red": (220, 30, 30), "green": (30, 200, 40), "blue": (30, 40, 210), "yellow": (230, 220, 40), "white": (245, 245, 245), "black": (15, 15, 15)}


def png(rgb: tuple[int, int, int], size: int = 24) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), rgb).save(out, format="PNG")
    return out.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def write_images(server: InProcessServer, namespace_id: str, collection_id: str, bucket_id: str) -> dict[str, str]:
    """One document per colour, embedded by the extractor itself (as processing does); colour -> ID."""
    names = list(COLOURS)
    made_inputs = [RawInput(name="image", base64=b64(png(COLOURS[name]))) for name in names]
    extracted = server.run(server.app.usecases.extraction.run(FASHION_ID, made_inputs, {}, "single"))
    made, ids = [], {}
    for i, (name, item) in enumerate(zip(names, extracted, strict=True)):
        base = d.Lineage.of_object(bucket_id, f"obj_{i:010d}")
        docs = d.make_documents(
            namespace_id=namespace_id, collection_id=collection_id, feature_extractor_id=FASHION_ID, base=base,
            outputs=[d.Output(0, {"colour": name}, {k: [float(x) for x in v] for k, v in item.document.vectors.items()})], now="2024-01-01T00:00:00Z",
        )
        made.append(Made(base.source, docs))
        ids[name] = docs[0].document_id
    server.run(DocumentWriter(server.app.document_store).write(namespace_id, collection_id, d.OutputHandling.CREATE_NEW, made))
    return ids


def search(uri: str, query: dict[str, Any], **fields: Any) -> list[dict[str, Any]]:
    return [{"stage_name": "search", "config": {"stage_id": "feature_search", "parameters": {"searches": [{"feature_uri": uri, "query": query}], **fields}}}]


@pytest.fixture(scope="module")
def images(root: Api, server: InProcessServer) -> tuple[Rest, str, str, dict[str, str]]:
    api = new_org_api(root)
    ns = r.namespace(api, extractors=[r.FASHION, MINILM])
    scoped = api.in_namespace(ns.namespace_id)
    bucket = r.bucket(scoped, {"properties": {"image": {"type": "image"}, "text": {"type": "text"}}})
    body = {"collection_name": r.unique("col"), "source": {"type": "bucket", "bucket_id": bucket.bucket_id}, "feature_extractors": [{**r.FASHION, "input_mapping": {"image": "image"}}]}
    collection_id = r.collection(scoped, body).collection_id
    text_body = {**body, "collection_name": r.unique("col"), "feature_extractors": [{**MINILM, "input_mapping": {"text": "text"}}]}
    text_collection_id = r.collection(scoped, text_body).collection_id
    ids = write_images(server, ns.namespace_id, collection_id, bucket.bucket_id)
    return Rest(f"http://127.0.0.1:{server.app.http_port}", api.key, ns.namespace_id), collection_id, text_collection_id, ids


def adhoc(rest: Rest, collection_id: str, stages: list[dict[str, Any]], **body: Any) -> Any:
    return rest.post("/v1/retrievers/execute", json={"collection_identifiers": [collection_id], "stages": stages, **body})


def test_an_image_query_by_base64_finds_the_nearest_colour_first(images: tuple[Rest, str, str, dict[str, str]]) -> None:
    rest, collection_id, _, ids = images
    for name in ("red", "blue", "yellow"):
        near = tuple(min(255, channel + 12) for channel in COLOURS[name])  # not the stored bytes
        answer = adhoc(rest, collection_id, search(IMAGE_URI, {"input_mode": "content", "content": {"base64": b64(png(near, size=40))}}, final_top_k=3))
        assert answer.status_code == 200, answer.text
        documents = answer.json()["documents"]
        assert documents[0]["document_id"] == ids[name] and documents[0]["colour"] == name and len(documents) == 3
        assert documents[0]["score"] > documents[1]["score"]
    # the same bytes as `value` through an input of a saved retriever, over gRPC
    created = rest.post(
        "/v1/retrievers",
        json={"retriever_name": r.unique("ret"), "collection_identifiers": [collection_id], "stages": search(IMAGE_URI, {"input_mode": "content", "value": "{{INPUT.image}}"}), "input_schema": {"image": {"type": "image", "required": True}}},
    ).json()
    executed = rest.post(f"/v1/retrievers/{created['retriever_id']}/execute", json={"inputs": {"image": b64(png(COLOURS["green"]))}})
    assert executed.json()["documents"][0]["document_id"] == ids["green"]
    assert executed.json()["documents"][0]["score"] == pytest.approx(1.0, abs=1e-4)


def test_content_queries_are_checked_naming_the_field(images: tuple[Rest, str, str, dict[str, str]]) -> None:
    rest, collection_id, text_collection_id, _ = images
    where = "stages[0].config.parameters.searches[0].query"

    def violation(collection: str, uri: str, query: dict[str, Any]) -> str:
        return str(envelope(adhoc(rest, collection, search(uri, query)), 400, "BadRequestError"))

    image_to_text = violation(text_collection_id, TEXT_URI, {"input_mode": "content", "content": {"base64": b64(png(COLOURS["red"]))}})
    assert f"{where}.input_mode" in image_to_text and "minilm_text_extractor_v1 embeds text" in image_to_text
    text_to_image = violation(collection_id, IMAGE_URI, {"input_mode": "text", "value": "a red dress"})
    assert f"{where}.input_mode" in text_to_image and "fashionsiglip_v1 embeds image" in text_to_image
    assert f"{where}.content" in violation(collection_id, IMAGE_URI, {"input_mode": "content", "content": {"base64": "AAAA", "url": "https://example.com/a.png"}})
    assert f"{where}.content.base64" in violation(collection_id, IMAGE_URI, {"input_mode": "content", "content": {"base64": "not base64!"}})
    assert f"{where}.content.base64" in violation(collection_id, IMAGE_URI, {"input_mode": "content", "content": {"base64": b64(b"these bytes are no image")}})
    # URLs go through the server's fetcher and its rules: a private address is never fetched
    private = violation(collection_id, IMAGE_URI, {"input_mode": "content", "content": {"url": "http://127.0.0.1:9/red.png"}})
    assert f"{where}.content.url" in private and "private" in private


@pytest.mark.slow  # two server starts
def test_a_search_whose_extractor_cannot_run_here_is_failed_precondition(tmp_path: Any) -> None:
    """A server restarted without the image model: the saved retriever's search says what it needs."""
    data = tmp_path / "data"
    first = InProcessServer(test_settings(data)).start()
    try:
        with grpc.insecure_channel(first.target) as channel:
            api = new_org_api(Api(channel, ADMIN_KEY))
            ns = r.namespace(api, extractors=[r.FASHION])
            scoped = api.in_namespace(ns.namespace_id)
            bucket = r.bucket(scoped, {"properties": {"image": {"type": "image"}}})
            body = {"collection_name": r.unique("col"), "source": {"type": "bucket", "bucket_id": bucket.bucket_id}, "feature_extractors": [{**r.FASHION, "input_mapping": {"image": "image"}}]}
            collection_id = r.collection(scoped, body).collection_id
            request = {"retriever_name": "by_image", "collection_identifiers": [collection_id], "stages": search(IMAGE_URI, {"input_mode": "content", "value": "{{INPUT.image}}"})}
            retriever_id = scoped.call(scoped.retrievers.CreateRetriever, dict_to_message(request, pb.CreateRetrieverRequest)).retriever.retriever_id
    finally:
        first.stop()
    (tmp_path / "no-models").mkdir()
    second = InProcessServer(test_settings(data, model_dir=tmp_path / "no-models")).start()
    try:
        with grpc.insecure_channel(second.target) as channel:
            scoped = Api(channel, api.key).in_namespace(ns.namespace_id)
            execute = dict_to_message({"retriever_id": retriever_id, "inputs": {"image": b64(png(COLOURS["red"]))}}, pb.ExecuteRetrieverRequest)
            error = expect_error(scoped.call, scoped.retrievers.ExecuteRetriever, execute)
    finally:
        second.stop()
    assert error.code == grpc.StatusCode.FAILED_PRECONDITION and error.reason == "EXTRACTOR_NOT_RUNNABLE"
    assert "fashionsiglip_v1" in error.message and "VECPLANE_MODEL_DIR/fashionsiglip_v1_embedding/" in error.message
