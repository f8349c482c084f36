"""Aggregations and distinct values of a collection's documents over gRPC and REST: the answers are
checked against the same figures computed here from the documents written."""

from __future__ import annotations

import statistics
from typing import Any

import grpc
import pytest
from google.protobuf import json_format
from vecplane.v1 import document_pb2 as pb

from server.domain import aggregation
from server.domain import documents as d
from server.protojson import dict_to_message
from server.usecases.documents import Made
from tests.conftest import new_org_api
from tests.integration.test_documents_api import Setup, _write
from tests.support import resources as r
from tests.support.api import Api, expect_error
from tests.support.rest import Rest, envelope
from tests.support.servers import InProcessServer

CATEGORIES = ("shoes", "hats", "bags")
SCHEMA = {"properties": {**r.PRODUCT_SCHEMA["properties"], "metadata": {"type": "object", "properties": {**r.PRODUCT_SCHEMA["properties"]["metadata"]["properties"], "category": {"type": "string"}}}}}


def _fields(i: int) -> dict[str, Any]:
    fields: dict[str, Any] = {"text": f"Item {i}", "metadata": {"title": f"Item {i}", "category": CATEGORIES[i % 3], "tags": ["sale", "new"] if i % 4 == 0 else ["new"]}}
    if i % 5:
        fields["metadata"]["price"] = i  # every fifth has no price
    return fields


def _made(namespace_id: str, collection_id: str, bucket_id: str, i: int, vector: str, dims: int) -> Made:
    base = d.Lineage.of_object(bucket_id, f"obj_{i:010d}")
    now = f"2026-11-{1 + i % 3:02d}T{i:02d}:30:00Z"
    docs = d.make_documents(
        namespace_id=namespace_id, collection_id=collection_id, feature_extractor_id="text_extractor_v1", base=base,
        outputs=[d.Output(0, _fields(i), {vector: [1.0] + [0.0] * (dims - 1)})], now=now,
    )
    return Made(base.source, docs)


@pytest.fixture
def setup(api: Api, base_url: str, server: InProcessServer) -> Setup:
    ns = r.namespace(api, extractors=[r.TEXT])
    ns_api = api.in_namespace(ns.namespace_id)
    bucket = r.bucket(ns_api, SCHEMA)
    collection = r.collection(ns_api, r.text_collection_body({"type": "bucket", "bucket_id": bucket.bucket_id}))
    (spec,) = server.run(server.app.backends.vectors.vector_schema(ns.namespace_id)).values()
    made = [_made(ns.namespace_id, collection.collection_id, bucket.bucket_id, i, spec.name, spec.dimensions) for i in range(24)]
    _write(server, ns.namespace_id, collection.collection_id, made)
    return Setup(ns_api, Rest(base_url, api.key, ns.namespace_id), ns.namespace_id, bucket.bucket_id, collection.collection_id, spec.name, [m.documents[0] for m in made])


def _aggregate(s: Setup, **fields: Any) -> dict[str, Any]:
    answer = s.api.call(s.api.documents.AggregateDocuments, dict_to_message({"collection_id": s.collection_id, **fields}, pb.AggregateDocumentsRequest))
    return json_format.MessageToDict(answer, preserving_proto_field_name=True)


def _distinct(s: Setup, **fields: Any) -> dict[str, Any]:
    answer = s.api.call(s.api.documents.DistinctDocumentValues, dict_to_message({"collection_id": s.collection_id, **fields}, pb.DistinctDocumentValuesRequest))
    return json_format.MessageToDict(answer, preserving_proto_field_name=True)


def test_grpc_groups_with_every_metric_having_sort_and_limit(setup: Setup) -> None:
    s = setup
    metrics = [
        {"function": "count", "alias": "n"},
        {"function": "sum", "field": "metadata.price", "alias": "total"},
        {"function": "avg", "field": "metadata.price", "alias": "mean"},
        {"function": "min", "field": "metadata.price", "alias": "low"},
        {"function": "max", "field": "metadata.title", "alias": "last_title"},
        {"function": "count_distinct", "field": "metadata.tags", "alias": "tag_sets"},
    ]
    answer = _aggregate(s, group_by=[{"field": "metadata.category", "alias": "category"}], aggregations=metrics)
    assert answer["total_groups"] == 3 and answer["query_info"]["documents_scanned"] == 24
    by_category = {row["group"]["category"]: row["metrics"] for row in answer["results"]}
    assert [row["group"]["category"] for row in answer["results"]] == sorted(CATEGORIES)  # by key without sort_by
    for c in CATEGORIES:
        mine = [_fields(i)["metadata"] for i in range(24) if CATEGORIES[i % 3] == c]
        prices = [m["price"] for m in mine if "price" in m]
        assert by_category[c]["n"] == len(mine)
        assert by_category[c]["total"] == sum(prices) and by_category[c]["low"] == min(prices)
        assert by_category[c]["mean"] == pytest.approx(statistics.mean(prices))
        assert by_category[c]["last_title"] == max(m["title"] for m in mine)
        assert by_category[c]["tag_sets"] == len({tuple(m["tags"]) for m in mine})

    top = _aggregate(
        s, group_by=[{"field": "metadata.category"}], aggregations=[{"function": "sum", "field": "metadata.price", "alias": "total"}],
        having=[{"field": "total", "operator": "lt", "value": 100}], sort_by="total", sort_direction="asc", limit=1,
    )
    totals = sorted((sum(_fields(i)["metadata"].get("price", 0) for i in range(24) if CATEGORIES[i % 3] == c), c) for c in CATEGORIES)
    assert top["results"] == [{"group": {"metadata.category": totals[0][1]}, "metrics": {"total": totals[0][0]}}] and totals[0][0] < 100
    assert top["query_info"]["groups"] == 3


def test_grpc_filters_unwind_dates_and_counts(setup: Setup) -> None:
    s = setup
    where = {"AND": [{"field": "metadata.category", "operator": "eq", "value": "shoes"}]}
    counted = _aggregate(s, aggregations=[{"function": "count", "alias": "total"}], filters=where)
    assert counted["results"] == [{"group": {}, "metrics": {"total": 8}}] and counted["query_info"]["documents_scanned"] == 0  # one count query
    none = _aggregate(s, aggregations=[{"function": "count", "alias": "total"}, {"function": "sum", "field": "metadata.price", "alias": "sum"}], filters={"AND": [{"field": "metadata.category", "operator": "eq", "value": "socks"}]})
    assert none["results"] == [{"group": {}, "metrics": {"total": 0, "sum": 0}}]

    tags = _aggregate(s, group_by=[{"field": "metadata.tags", "alias": "tag"}], aggregations=[{"function": "count", "alias": "n"}], unwind="metadata.tags", sort_by="n")
    assert [(row["group"]["tag"], row["metrics"]["n"]) for row in tags["results"]] == [("new", 24), ("sale", 6)]

    days = _aggregate(s, group_by=[{"field": "created_at", "alias": "day", "date_trunc": "day"}, {"field": "created_at", "alias": "weekday", "date_part": "dayOfWeek"}], aggregations=[{"function": "count", "alias": "n"}])
    # 2026-11-01 is a Sunday (MongoDB's dayOfWeek 1)
    assert [(row["group"]["day"], row["group"]["weekday"], row["metrics"]["n"]) for row in days["results"]] == [
        ("2026-11-01T00:00:00Z", 1, 8), ("2026-11-02T00:00:00Z", 2, 8), ("2026-11-03T00:00:00Z", 3, 8),
    ]


def test_grpc_distinct_values(setup: Setup) -> None:
    s = setup
    answer = _distinct(s, field="metadata.tags")
    assert answer["field"] == "metadata.tags" and answer["values"] == [{"value": "new", "count": "24"}, {"value": "sale", "count": "6"}]  # proto3 JSON: int64 as strings
    assert answer["total_distinct"] == 2 and "truncated" not in answer["query_info"]
    top = _distinct(s, field="metadata.category", limit=2, filters={"AND": [{"field": "metadata.price", "operator": "gte", "value": 10}]})
    expected = sorted({c: sum(1 for i in range(10, 24) if i % 5 and CATEGORIES[i % 3] == c) for c in CATEGORIES}.items(), key=lambda kv: (-kv[1], kv[0]))
    assert [(v["value"], int(v["count"])) for v in top["values"]] == expected[:2]
    prices = _distinct(s, field="metadata.price")
    assert sorted(v["value"] for v in prices["values"]) == [i for i in range(24) if i % 5]  # missing left out


def test_caps_are_named_never_silent(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    s = setup
    monkeypatch.setattr(aggregation, "MAX_DISTINCT", 3)
    cut = _distinct(s, field="text")
    assert len(cut["values"]) == 3 and cut["query_info"]["truncated"] is True and "3" in cut["query_info"]["warning"]
    assert "truncated" not in _distinct(s, field="text", limit=2)["query_info"]  # a limit asked for is no truncation
    monkeypatch.setattr(aggregation, "MAX_GROUPS", 5)
    error = expect_error(_aggregate, s, group_by=[{"field": "text"}], aggregations=[{"function": "count", "alias": "n"}])
    assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "QUERY_TOO_COSTLY") and "group_by" in error.violations
    monkeypatch.setattr(aggregation, "MAX_SCANNED", 10)
    error = expect_error(_distinct, s, field="text")
    assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "QUERY_TOO_COSTLY") and "24" in error.violations["filters"]
    assert _aggregate(s, aggregations=[{"function": "count", "alias": "n"}])["results"][0]["metrics"]["n"] == 24  # a count reads nothing


def test_bad_requests_name_the_field(setup: Setup) -> None:
    s = setup
    error = expect_error(
        _aggregate, s,
        group_by=[{"field": "metadata.category", "date_trunc": "fortnight"}],
        aggregations=[{"function": "push", "field": "text", "alias": "all"}, {"function": "sum", "alias": "s"}, {"function": "count", "alias": "s"}],
        having=[{"field": "nope", "operator": "gt", "value": 1}], sort_by="zzz", sort_direction="up", limit=0,
    )
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert {"group_by[0].date_trunc", "aggregations[0].function", "aggregations[1].field", "having[0].field", "sort_by", "sort_direction", "limit"} <= set(error.violations)
    assert "push is not supported" in error.violations["aggregations[0].function"]
    error = expect_error(_aggregate, s, aggregations=[])
    assert "aggregations" in error.violations
    error = expect_error(_distinct, s, field="", limit=20_000)
    assert {"field", "limit"} <= set(error.violations)
    error = expect_error(_distinct, s, field="metadata.colour")
    assert "names no field" in error.violations["field"]


def test_rest_paths_refusals_and_tenancy(setup: Setup, root: Api, base_url: str) -> None:
    s = setup
    base = f"/v1/collections/{s.collection_id}/documents"
    answer = s.rest.post(f"{base}/aggregate", json={"group_by": [{"field": "metadata.category"}], "aggregations": [{"function": "count", "alias": "n"}], "sort_by": "n", "limit": 2})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["total_groups"] == 2 and all(row["metrics"]["n"] == 8 for row in body["results"])
    distinct = s.rest.post(f"{base}/distinct", json={"field": "metadata.tags"}).json()
    assert distinct["values"] == [{"value": "new", "count": 24}, {"value": "sale", "count": 6}] and distinct["total_distinct"] == 2
    refused = envelope(s.rest.post(f"{base}/aggregate", json={"aggregations": [{"function": "count", "alias": "n"}], "range_buckets": [{"field": "metadata.price", "boundaries": [10]}]}), 422, "ValidationError")
    assert "range_buckets" in str(refused)

    other = new_org_api(root)
    r.namespace(other, extractors=[r.TEXT], name=r.unique("other"))
    stranger = Rest(base_url, other.key, s.namespace_id)
    envelope(stranger.post(f"{base}/aggregate", json={"aggregations": [{"function": "count", "alias": "n"}]}), 404, "NotFoundError")
    envelope(stranger.post(f"{base}/distinct", json={"field": "text"}), 404, "NotFoundError")
