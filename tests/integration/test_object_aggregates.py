"""Aggregations of a bucket's objects (BucketService.AggregateObjects) over gRPC and REST: the answers
are checked against the same figures computed here from the objects created."""

from __future__ import annotations

import statistics
from typing import Any

import grpc
import pytest
from google.protobuf import json_format
from vecplane.v1 import bucket_pb2 as pb

from server.domain import aggregation
from server.protojson import dict_to_message
from tests.conftest import new_org_api
from tests.support import resources as r
from tests.support.api import Api, expect_error
from tests.support.rest import Rest

BRANDS = ("Northwind", "Southwind")


@pytest.fixture
def made(api: Api) -> tuple[Api, str, list[pb.Object]]:
    ns = r.namespace(api)
    ns_api = api.in_namespace(ns.namespace_id)
    bucket = r.bucket(ns_api)
    objects = [
        r.product(
            ns_api, bucket.bucket_id, f"Item {i}", price=None if i % 4 == 0 else i * 10, key_prefix="/shoes" if i % 3 == 0 else "/bags",
            tags=["sale", "new"] if i % 2 else ["new"], released=f"2026-{1 + i % 3:02d}-15T10:00:00Z", brand={"name": BRANDS[i % 2]},
        )
        for i in range(9)
    ]
    return ns_api, bucket.bucket_id, objects


def _aggregate(api: Api, bucket_id: str, **fields: Any) -> dict[str, Any]:
    answer = api.call(api.buckets.AggregateObjects, dict_to_message({"bucket_id": bucket_id, **fields}, pb.AggregateObjectsRequest))
    return json_format.MessageToDict(answer, preserving_proto_field_name=True)


def test_metadata_fields_every_metric_having_sort_and_limit(made: tuple[Api, str, list[pb.Object]]) -> None:
    api, bucket_id, objects = made
    metrics = [
        {"function": "count", "alias": "n"},
        {"function": "sum", "field": "metadata.price", "alias": "total"},
        {"function": "avg", "field": "metadata.price", "alias": "mean"},
        {"function": "min", "field": "metadata.price", "alias": "low"},
        {"function": "max", "field": "metadata.title", "alias": "last_title"},
        {"function": "count_distinct", "field": "key_prefix", "alias": "prefixes"},
    ]
    answer = _aggregate(api, bucket_id, group_by=[{"field": "metadata.brand.name", "alias": "brand"}], aggregations=metrics)
    assert answer["total_groups"] == 2 and answer["query_info"]["objects_scanned"] == 9
    assert [row["group"]["brand"] for row in answer["results"]] == list(BRANDS)  # by group key without sort_by
    for row in answer["results"]:
        mine = [o for o in objects if o.metadata["brand"]["name"] == row["group"]["brand"]]
        prices = [o.metadata["price"] for o in mine if "price" in o.metadata]
        assert row["metrics"] == {
            "n": len(mine), "total": sum(prices), "mean": statistics.mean(prices), "low": min(prices),
            "last_title": max(o.metadata["title"] for o in mine), "prefixes": len({o.key_prefix for o in mine}),
        }
    top = _aggregate(
        api, bucket_id, group_by=[{"field": "key_prefix"}], aggregations=[{"function": "count", "alias": "n"}],
        having=[{"field": "n", "operator": "gte", "value": 3}], sort_by="n", limit=1,
    )
    assert [(row["group"], row["metrics"]) for row in top["results"]] == [({"key_prefix": "/bags"}, {"n": 6})]
    tags = _aggregate(api, bucket_id, group_by=[{"field": "metadata.tags", "alias": "tag"}], aggregations=[{"function": "count", "alias": "n"}], unwind="metadata.tags")
    assert {row["group"]["tag"]: row["metrics"]["n"] for row in tags["results"]} == {"new": 9, "sale": 4}


def test_dates_created_at_and_filters(made: tuple[Api, str, list[pb.Object]]) -> None:
    api, bucket_id, objects = made
    months = _aggregate(api, bucket_id, group_by=[{"field": "metadata.released", "alias": "month", "date_trunc": "month"}], aggregations=[{"function": "count", "alias": "n"}])
    assert [(row["group"]["month"], row["metrics"]["n"]) for row in months["results"]] == [(f"2026-{m:02d}-01T00:00:00Z", 3) for m in (1, 2, 3)]
    created = [o.created_at.ToDatetime() for o in objects]
    days = _aggregate(api, bucket_id, group_by=[{"field": "created_at", "alias": "day", "date_trunc": "day"}], aggregations=[{"function": "min", "field": "object_id", "alias": "first"}])
    expected_days = sorted({c.strftime("%Y-%m-%dT00:00:00Z") for c in created})
    assert [row["group"]["day"] for row in days["results"]] == expected_days and days["results"][0]["metrics"]["first"] == min(o.object_id for o in objects)
    hours = _aggregate(api, bucket_id, group_by=[{"field": "created_at", "alias": "hour", "date_part": "hour"}], aggregations=[{"function": "count", "alias": "n"}])
    assert sum(row["metrics"]["n"] for row in hours["results"]) == 9 and {row["group"]["hour"] for row in hours["results"]} == {c.hour for c in created}
    # A filter over a metadata field and created_at (to the millisecond), before grouping.
    cut = objects[4].created_at.ToJsonString()
    filters = {"AND": [{"field": "key_prefix", "operator": "eq", "value": "/bags"}, {"field": "created_at", "operator": "lte", "value": cut}]}
    narrowed = _aggregate(api, bucket_id, aggregations=[{"function": "count", "alias": "n"}, {"function": "sum", "field": "metadata.price", "alias": "total"}], filters=filters)
    chosen = [o for o in objects if o.key_prefix == "/bags" and o.created_at.ToDatetime() <= objects[4].created_at.ToDatetime()]
    assert narrowed["results"] == [{"group": {}, "metrics": {"n": len(chosen), "total": sum(o.metadata["price"] for o in chosen if "price" in o.metadata)}}]
    assert narrowed["query_info"]["objects_scanned"] == len(chosen)
    whole = _aggregate(api, bucket_id, aggregations=[{"function": "count", "alias": "n"}])
    assert whole["results"][0]["metrics"]["n"] == 9 and whole["query_info"]["objects_scanned"] == 0  # the bucket's counter
    nothing = _aggregate(api, bucket_id, group_by=[{"field": "key_prefix"}], aggregations=[{"function": "count", "alias": "n"}], filters={"field": "metadata.price", "operator": "gt", "value": 1000})
    assert "results" not in nothing and "total_groups" not in nothing  # none (proto3 JSON leaves empty fields out)


def test_over_rest_and_the_caps(made: tuple[Api, str, list[pb.Object]], base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    api, bucket_id, _ = made
    rest = Rest(base_url, api.key, api.namespace)
    body = {"group_by": [{"field": "metadata.brand.name", "alias": "brand"}], "aggregations": [{"function": "count", "alias": "n"}], "sort_by": "brand", "sort_direction": "asc"}
    response = rest.post(f"/v1/buckets/{bucket_id}/objects/aggregate", json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert [(row["group"]["brand"], row["metrics"]["n"]) for row in answer["results"]] == [("Northwind", 5), ("Southwind", 4)]
    refused = rest.post(f"/v1/buckets/{bucket_id}/objects/aggregate", json={**body, "group_by": [{"field": "metadata.colour"}]})
    assert refused.status_code == 400 and "group_by[0].field" in refused.text
    monkeypatch.setattr(aggregation, "MAX_SCANNED", 5)
    error = expect_error(_aggregate, api, bucket_id, group_by=[{"field": "key_prefix"}], aggregations=[{"function": "count", "alias": "n"}])
    assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "QUERY_TOO_COSTLY") and "9 objects match" in error.violations["filters"]
    error = expect_error(_aggregate, api, bucket_id, aggregations=[{"function": "count", "alias": "n"}], filters={"field": "metadata.tags", "value": "new"})
    assert error.reason == "QUERY_TOO_COSTLY" and "more than 5 objects" in error.violations["filters"]
    assert _aggregate(api, bucket_id, aggregations=[{"function": "count", "alias": "n"}])["results"][0]["metrics"]["n"] == 9  # a count reads nothing


def test_bad_requests_name_the_field_and_other_organizations_see_nothing(made: tuple[Api, str, list[pb.Object]], root: Api) -> None:
    api, bucket_id, _ = made
    error = expect_error(
        _aggregate, api, bucket_id,
        group_by=[{"field": "image"}, {"field": "metadata.colour"}],
        aggregations=[{"function": "push", "field": "metadata.title", "alias": "all"}, {"function": "sum", "alias": "s"}],
        sort_direction="up",
    )
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert "names no field of the bucket's objects" in error.violations["group_by[0].field"] and "image" not in error.violations["group_by[0].field"].split("fields:")[1]
    assert {"group_by[1].field", "aggregations[0].function", "aggregations[1].field", "sort_direction"} <= set(error.violations)
    error = expect_error(_aggregate, api, bucket_id, aggregations=[{"function": "count", "alias": "n"}], filters={"field": "metadata.colour", "value": "red"})
    assert "filters.field" in error.violations
    other = new_org_api(root)
    r.namespace(other)
    for who in (other.in_namespace(api.namespace), api.in_namespace(r.namespace(api).namespace_id)):
        assert expect_error(_aggregate, who, bucket_id, aggregations=[{"function": "count", "alias": "n"}]).code == grpc.StatusCode.NOT_FOUND
