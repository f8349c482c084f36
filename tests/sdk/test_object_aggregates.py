"""Aggregating a bucket's objects through Mixpeek's SDK's typed API (BucketObjectsApi.aggregate_objects_buckets):
Mixpeek's field names (custom fields at the root, `created_at`), date truncation, a filter, and a
refusal that names the field. Every answer parses into the SDK's models."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import mixpeek
import pytest
from mixpeek.exceptions import ApiException

from tests.sdk.conftest import TypedSdk

MINILM = {"feature_extractor_name": "minilm_text_extractor", "version": "v1"}


def _count(alias: str) -> mixpeek.AggregationOperation:
    return mixpeek.AggregationOperation(function=mixpeek.AggregationFunction.COUNT, alias=alias)


def test_aggregate_objects_through_the_typed_api(typed: TypedSdk) -> None:
    typed.api(mixpeek.NamespacesApi).create_namespace(mixpeek.CreateNamespaceRequest(namespace_name="agg-ns", feature_extractors=[mixpeek.BaseFeatureExtractorModelInput(**MINILM)]))
    scoped = typed.in_namespace("agg-ns")
    properties = {"content": mixpeek.BucketSchemaFieldInput(type="text"), "category": mixpeek.BucketSchemaFieldInput(type="string"), "stock": mixpeek.BucketSchemaFieldInput(type="integer")}
    scoped.api(mixpeek.BucketsApi).create_bucket(mixpeek.BucketCreateRequest(bucket_name="shelf", bucket_schema=mixpeek.BucketSchemaInput(properties=properties)))
    objects = scoped.api(mixpeek.BucketObjectsApi)
    created = [
        objects.create_object_buckets("shelf", mixpeek.CreateObjectRequest.from_dict(
            {"key_prefix": "/items", "blobs": [{"property": "content", "type": "text", "data": f"item {i}"}], "category": ("tools", "toys")[i % 2], "stock": i},
        ))
        for i in range(5)
    ]

    by_category = objects.aggregate_objects_buckets("shelf", mixpeek.ObjectAggregationRequest(
        group_by=[mixpeek.GroupByField(field="category")],
        aggregations=[_count("n"), mixpeek.AggregationOperation(function=mixpeek.AggregationFunction.SUM, field="stock", alias="stock")],
        sort_by="n", sort_direction="desc",
    ))
    assert isinstance(by_category, mixpeek.ObjectAggregationResponse) and by_category.total_groups == 2
    assert [(row.group["category"], row.metrics["n"], row.metrics["stock"]) for row in by_category.results] == [("tools", 3, 0 + 2 + 4), ("toys", 2, 1 + 3)]

    days = Counter(o.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT00:00:00Z") for o in created[2:])
    daily = objects.aggregate_objects_buckets("shelf", mixpeek.ObjectAggregationRequest(
        group_by=[mixpeek.GroupByField(field="created_at", alias="day", date_trunc=mixpeek.DateTruncUnit.DAY)],
        aggregations=[_count("uploads")],
        filters={"AND": [{"field": "stock", "operator": "gte", "value": 2}]},
    ))
    assert {row.group["day"]: row.metrics["uploads"] for row in daily.results} == days and sum(days.values()) == 3

    with pytest.raises(ApiException) as caught:
        objects.aggregate_objects_buckets("shelf", mixpeek.ObjectAggregationRequest(group_by=[mixpeek.GroupByField(field="content")], aggregations=[_count("n")]))
    assert caught.value.status == 400 and "group_by[0].field" in caught.value.body
    with pytest.raises(ApiException) as caught:
        objects.aggregate_objects_buckets("missing", mixpeek.ObjectAggregationRequest(group_by=[mixpeek.GroupByField(field="category")], aggregations=[_count("n")]))
    assert caught.value.status == 404
