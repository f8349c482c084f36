"""Builders for namespaces, buckets, objects and collections from Mixpeek-shaped JSON, so tests read
like the seeds' requests."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from google.protobuf.message import Message
from vecplane.v1 import bucket_pb2, collection_pb2, namespace_pb2

from server.protojson import dict_to_message, message_to_dict
from tests.support.api import Api

_names = itertools.count()

TEXT = {"feature_extractor_name": "text_extractor", "version": "v1"}
IMAGE = {"feature_extractor_name": "image_extractor", "version": "v1"}
FASHION = {"feature_extractor_name": "fashionsiglip", "version": "v1"}
MULTIMODAL = {"feature_extractor_name": "multimodal_extractor", "version": "v1"}

PRODUCT_SCHEMA = {
    "properties": {
        "image": {"type": "image", "required": True},
        "metadata": {
            "type": "object",
            "properties": {
                "title": {"type": "string", "required": True},
                "price": {"type": "number"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "released": {"type": "datetime"},
                "brand": {"type": "object", "properties": {"name": {"type": "string"}}},
            },
        },
    }
}


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_names)}"


def namespace(api: Api, extractors: Iterable[dict[str, str]] = (TEXT, IMAGE), name: str | None = None) -> namespace_pb2.Namespace:
    request = dict_to_message({"namespace_name": name or unique("ns"), "feature_extractors": list(extractors)}, namespace_pb2.CreateNamespaceRequest)
    return api.call(api.namespaces.CreateNamespace, request).namespace


def bucket(api: Api, schema: dict[str, Any] | None = PRODUCT_SCHEMA, name: str | None = None, **fields: Any) -> bucket_pb2.Bucket:
    body = {"bucket_name": name or unique("bucket"), **({"bucket_schema": schema} if schema is not None else {}), **fields}
    return api.call(api.buckets.CreateBucket, dict_to_message(body, bucket_pb2.CreateBucketRequest)).bucket


def product(api: Api, bucket_id: str, title: str, price: float | None = None, key_prefix: str = "/products", **metadata: Any) -> bucket_pb2.Object:
    body = {
        "bucket_id": bucket_id,
        "key_prefix": key_prefix,
        "metadata": {"title": title, **({"price": price} if price is not None else {}), **metadata},
        "blobs": [{"property": "image", "type": "image", "data": f"https://img.example/{title}.png"}],
    }
    return api.call(api.buckets.CreateObject, dict_to_message(body, bucket_pb2.CreateObjectRequest)).object


def collection_request(body: dict[str, Any]) -> collection_pb2.CreateCollectionRequest:
    return dict_to_message(body, collection_pb2.CreateCollectionRequest)


def text_collection_body(source: dict[str, Any], name: str | None = None, **fields: Any) -> dict[str, Any]:
    return {
        "collection_name": name or unique("col"),
        "source": source,
        "feature_extractors": [{**TEXT, "input_mapping": {"text": "metadata.title"}}],
        **fields,
    }


def collection(api: Api, body: dict[str, Any]) -> collection_pb2.Collection:
    return api.call(api.collections.CreateCollection, collection_request(body)).collection


def as_json(message: Message) -> dict[str, Any]:
    return message_to_dict(message)
