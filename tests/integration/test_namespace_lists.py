"""What the collections work added to namespaces: LogicalOperator filters in ListNamespaces, and the
start-up sweep of resources whose namespace is gone."""

from __future__ import annotations

from vecplane.v1 import namespace_pb2

from server.protojson import dict_to_message
from tests.support import resources as r
from tests.support.api import expect_error


def list_namespaces(api, **fields):
    return api.call(api.namespaces.ListNamespaces, dict_to_message(fields, namespace_pb2.ListNamespacesRequest))


def test_list_namespaces_filters_over_namespace_fields(api):
    r.namespace(api, (r.TEXT,), name="texts-a")
    r.namespace(api, (r.TEXT, r.IMAGE), name="images-a")
    r.namespace(api, (r.IMAGE,), name="images-b")
    found = list_namespaces(api, query={"filters": {"AND": [{"field": "feature_extractors.feature_extractor_name", "value": "IMAGE_EXTRACTOR"}],
                                                    "NOT": [{"field": "namespace_name", "operator": "ends_with", "value": "-b"}]}})
    assert [n.namespace_name for n in found.results] == ["images-a"]
    found = list_namespaces(api, query={"filters": {"field": "namespace_name", "operator": "in", "value": ["texts-a", "images-b"]}}, include_total=True)
    assert found.total_count == 2
    error = expect_error(api.call, api.namespaces.ListNamespaces, dict_to_message({"query": {"filters": {"field": "vector_indexes.name", "value": "x"}}}, namespace_pb2.ListNamespacesRequest))
    assert "is not a field of a namespace" in error.violations["query.filters.field"]


def test_start_up_sweep_deletes_resources_of_missing_namespaces(api, server):
    ns = r.namespace(api)
    scoped = api.in_namespace(ns.namespace_id)
    r.bucket(scoped, name="kept")
    db = server.app.backends.db
    orphan = {"_id": "bkt_orphan0001", "_org": "org_x", "_ns": "ns_gone000000", "bucket_name": "orphan"}
    server.run(db["buckets"].insert_one(orphan))
    removed = server.run(server.app.usecases.namespaces.sweep_orphan_contents())
    assert removed == {"buckets": 1}
    assert server.run(db["buckets"].count_documents({"_ns": "ns_gone000000"})) == 0
    assert server.run(db["buckets"].count_documents({"_ns": ns.namespace_id})) == 1
