"""NamespaceService through a real channel, on the embedded backends."""

from __future__ import annotations

import concurrent.futures

import grpc
import pytest
from google.protobuf import field_mask_pb2
from vecplane.v1 import indexes_pb2, namespace_pb2

from tests.conftest import new_org_api
from tests.support.api import expect_error

TEXT = namespace_pb2.NamespaceFeatureExtractor(feature_extractor_name="text_extractor", version="v1")
FASHION = namespace_pb2.NamespaceFeatureExtractor(feature_extractor_name="fashionsiglip", version="v1")


def create(api, name, extractors=(TEXT,), **fields):
    request = namespace_pb2.CreateNamespaceRequest(namespace_name=name, feature_extractors=list(extractors), **fields)
    return api.call(api.namespaces.CreateNamespace, request).namespace


def vector_schema(server, namespace_id):
    return server.run(server.app.backends.vectors.vector_schema(namespace_id))


def test_create_returns_the_namespace_and_builds_its_vector_store(api, server):
    created = create(
        api,
        "catalog",
        (TEXT, FASHION),
        description="product catalogue",
        payload_indexes=[indexes_pb2.PayloadIndex(field_name="metadata.brand", type=indexes_pb2.PAYLOAD_INDEX_TYPE_KEYWORD)],
    )
    assert created.namespace_id.startswith("ns_") and len(created.namespace_id) == 13
    assert created.namespace_name == "catalog" and created.description == "product catalogue"
    assert {v.name: v.index.dimensions for v in created.vector_indexes} == {
        "multilingual_e5_large_instruct_v1": 1024,
        "fashionsiglip_v1_embedding": 768,
    }
    assert created.created_at.seconds > 0
    schema = vector_schema(server, created.namespace_id)
    assert {name: (spec.dimensions, spec.distance) for name, spec in schema.items()} == {
        "multilingual_e5_large_instruct_v1": (1024, "cosine"),
        "fashionsiglip_v1_embedding": (768, "cosine"),
    }


def test_get_by_id_and_by_name_return_the_same_namespace(api):
    created = create(api, "lookup-me")
    by_id = api.call(api.namespaces.GetNamespace, namespace_pb2.GetNamespaceRequest(namespace_id=created.namespace_id))
    by_name = api.call(api.namespaces.GetNamespace, namespace_pb2.GetNamespaceRequest(namespace_id="lookup-me"))
    assert by_id.namespace == created
    assert by_name.namespace == created


def test_unknown_namespace_is_not_found_with_resource_info(api):
    error = expect_error(api.call, api.namespaces.GetNamespace, namespace_pb2.GetNamespaceRequest(namespace_id="nope"))
    assert error.code == grpc.StatusCode.NOT_FOUND
    assert error.reason == "NAMESPACE_NOT_FOUND"
    assert error.resource.resource_type == "namespace" and error.resource.resource_name == "nope"


def test_duplicate_name_is_already_exists(api):
    create(api, "twice")
    error = expect_error(create, api, "twice")
    assert error.code == grpc.StatusCode.ALREADY_EXISTS
    assert error.reason == "NAMESPACE_ALREADY_EXISTS"
    assert error.resource.resource_name == "twice"


@pytest.mark.slow  # 4-6 s in a loaded fast-subset run
def test_concurrent_duplicate_creates_yield_exactly_one_namespace(api, server):
    def attempt(_):
        try:
            return create(api, "race").namespace_id
        except grpc.RpcError as error:
            return error.code()

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(attempt, range(8)))
    winners = [o for o in outcomes if isinstance(o, str)]
    assert len(winners) == 1
    assert outcomes.count(grpc.StatusCode.ALREADY_EXISTS) == 7
    listed = api.call(api.namespaces.ListNamespaces, namespace_pb2.ListNamespacesRequest(include_total=True))
    assert [n.namespace_id for n in listed.results] == winners
    # The losers' vector stores were dropped: only the winner's remains.
    stores = server.run(server.app.backends.vectors.store_aliases())
    assert winners[0] in stores


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "is required"),
        ("ab", "at least 3"),
        ("x" * 101, "at most 100"),
        ("bad name!", "may contain only"),
        ("-leading", "may contain only"),
    ],
)
def test_invalid_names_are_invalid_argument_naming_the_field(api, name, problem):
    error = expect_error(create, api, name)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert problem in error.violations["namespace_name"]


def test_unknown_extractor_is_named_and_nothing_is_created(api, server):
    before = server.run(server.app.backends.vectors.store_aliases())
    unknown = namespace_pb2.NamespaceFeatureExtractor(feature_extractor_name="made_up", version="v9")
    error = expect_error(create, api, "with-unknown", (TEXT, unknown))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert "'made_up' version 'v9' is not in the catalogue" in error.violations["feature_extractors[1].feature_extractor_name"]
    assert server.run(server.app.backends.vectors.store_aliases()) == before
    assert not api.call(api.namespaces.ListNamespaces, namespace_pb2.ListNamespacesRequest()).results


def test_every_problem_of_a_request_is_reported_at_once(api):
    bad_params = namespace_pb2.NamespaceFeatureExtractor(feature_extractor_name="text_extractor", version="v1")
    bad_params.params.update({"split_by": "lines", "unknown": 1})
    error = expect_error(
        create,
        api,
        "x",
        (bad_params,),
        payload_indexes=[indexes_pb2.PayloadIndex(field_name="not a path", type=indexes_pb2.PAYLOAD_INDEX_TYPE_KEYWORD)],
    )
    assert set(error.violations) == {
        "namespace_name",
        "feature_extractors[0].params.split_by",
        "feature_extractors[0].params.unknown",
        "payload_indexes[0].field_name",
    }


def test_no_extractor_is_invalid(api):
    error = expect_error(create, api, "empty", ())
    assert "at least one" in error.violations["feature_extractors"]


@pytest.mark.slow  # 4-6 s in a loaded fast-subset run
def test_list_paginates_with_offsets_and_cursors(api):
    names = [f"page-{i:02d}" for i in range(7)]
    for name in names:
        create(api, name)
    request = namespace_pb2.ListNamespacesRequest(limit=3, include_total=True)
    first = api.call(api.namespaces.ListNamespaces, request)
    assert [n.namespace_name for n in first.results] == names[:3]
    assert first.total_count == 7 and first.pagination.total_pages == 3
    assert first.pagination.next_page == "?limit=3&offset=3"
    seen, cursor = [], ""
    while True:
        page = api.call(api.namespaces.ListNamespaces, namespace_pb2.ListNamespacesRequest(limit=3, cursor=cursor))
        seen += [n.namespace_name for n in page.results]
        if not page.pagination.HasField("next_cursor"):
            break
        cursor = page.pagination.next_cursor
    assert seen == names
    by_offset = api.call(api.namespaces.ListNamespaces, namespace_pb2.ListNamespacesRequest(limit=3, offset=6))
    assert [n.namespace_name for n in by_offset.results] == names[6:]


def test_list_sorts_and_searches(api):
    for name in ("alpha-one", "beta-two", "alpha-three"):
        create(api, name)
    request = namespace_pb2.ListNamespacesRequest()
    request.query.search = "ALPHA"
    request.query.sort.field = "namespace_name"
    request.query.sort.direction = 2  # desc
    found = api.call(api.namespaces.ListNamespaces, request)
    assert [n.namespace_name for n in found.results] == ["alpha-three", "alpha-one"]


def test_list_rejects_bad_paging(api):
    error = expect_error(api.call, api.namespaces.ListNamespaces, namespace_pb2.ListNamespacesRequest(limit=5000, cursor="junk"))
    assert set(error.violations) == {"limit", "cursor"}


def test_update_with_mask_changes_only_the_masked_fields(api):
    created = create(api, "before", description="old")
    request = namespace_pb2.UpdateNamespaceRequest(
        namespace_id=created.namespace_id,
        namespace_name="after",
        description="ignored because not in the mask",
        update_mask=field_mask_pb2.FieldMask(paths=["namespace_name"]),
    )
    updated = api.call(api.namespaces.UpdateNamespace, request).namespace
    assert updated.namespace_name == "after" and updated.description == "old"
    assert updated.updated_at.ToDatetime() >= created.updated_at.ToDatetime()


def test_update_enables_a_plugin_without_touching_the_vector_store(api, server):
    created = create(api, "grow")
    request = namespace_pb2.UpdateNamespaceRequest(namespace_id="grow", feature_extractors=[TEXT, FASHION])
    updated = api.call(api.namespaces.UpdateNamespace, request).namespace
    assert {v.name for v in updated.vector_indexes} == {"multilingual_e5_large_instruct_v1", "fashionsiglip_v1_embedding"}
    assert set(vector_schema(server, created.namespace_id)) == {"multilingual_e5_large_instruct_v1"}


def test_update_rejects_unknown_mask_paths_and_name_clashes(api):
    create(api, "first")
    create(api, "second")
    bad_mask = namespace_pb2.UpdateNamespaceRequest(namespace_id="first", update_mask=field_mask_pb2.FieldMask(paths=["namespace_id"]))
    error = expect_error(api.call, api.namespaces.UpdateNamespace, bad_mask)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT and "update_mask.paths[0]" in error.violations
    clash = namespace_pb2.UpdateNamespaceRequest(namespace_id="first", namespace_name="second")
    assert expect_error(api.call, api.namespaces.UpdateNamespace, clash).code == grpc.StatusCode.ALREADY_EXISTS


def test_delete_removes_the_namespace_and_its_vector_store(api, server):
    created = create(api, "doomed")
    deleted = api.call(api.namespaces.DeleteNamespace, namespace_pb2.DeleteNamespaceRequest(namespace_id="doomed"))
    assert deleted.namespace_id == created.namespace_id
    assert expect_error(api.call, api.namespaces.GetNamespace, namespace_pb2.GetNamespaceRequest(namespace_id="doomed")).code == grpc.StatusCode.NOT_FOUND
    assert created.namespace_id not in server.run(server.app.backends.vectors.store_aliases())
    # The name is free again.
    assert create(api, "doomed").namespace_id != created.namespace_id


def test_organizations_cannot_see_each_others_namespaces(api, root):
    mine = create(api, "private")
    other = new_org_api(root)
    for ident in (mine.namespace_id, "private"):
        error = expect_error(other.call, other.namespaces.GetNamespace, namespace_pb2.GetNamespaceRequest(namespace_id=ident))
        assert error.code == grpc.StatusCode.NOT_FOUND
    assert expect_error(other.call, other.namespaces.DeleteNamespace, namespace_pb2.DeleteNamespaceRequest(namespace_id=mine.namespace_id)).code == grpc.StatusCode.NOT_FOUND
    assert not other.call(other.namespaces.ListNamespaces, namespace_pb2.ListNamespacesRequest()).results
    # The same name is free in another organization.
    assert create(other, "private").namespace_id != mine.namespace_id


def test_patch_namespace_appends_extractors_and_refuses_bad_ones_changing_nothing(api):
    created = create(api, "appending")
    patch = namespace_pb2.PatchNamespaceRequest(namespace_id="appending", feature_extractors=[TEXT, FASHION], update_mask=field_mask_pb2.FieldMask(paths=["feature_extractors"]))
    patched = api.call(api.namespaces.PatchNamespace, patch).namespace
    assert [e.feature_extractor_id for e in patched.feature_extractors] == ["text_extractor_v1", "fashionsiglip_v1"]
    assert {v.name for v in patched.vector_indexes} == {"multilingual_e5_large_instruct_v1", "fashionsiglip_v1_embedding"}
    unknown = namespace_pb2.NamespaceFeatureExtractor(feature_extractor_name="nope", version="v1")
    error = expect_error(api.call, api.namespaces.PatchNamespace, namespace_pb2.PatchNamespaceRequest(namespace_id=created.namespace_id, description="x", feature_extractors=[unknown]))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT and list(error.violations) == ["feature_extractors[0].feature_extractor_name"]
    after = api.call(api.namespaces.GetNamespace, namespace_pb2.GetNamespaceRequest(namespace_id="appending")).namespace
    assert after.description == "" and len(after.feature_extractors) == 2


def test_namespace_extractors_and_stats_over_grpc(api, root):
    created = create(api, "counted", (TEXT, FASHION))
    listed = api.call(api.namespaces.ListNamespaceExtractors, namespace_pb2.ListNamespaceExtractorsRequest(namespace_id="counted"))
    assert [e.feature_extractor_id for e in listed.extractors] == ["text_extractor_v1", "fashionsiglip_v1"]
    assert (listed.builtin_count, listed.custom_count, listed.namespace_id) == (1, 1, created.namespace_id)
    assert all(e.HasField("availability") for e in listed.extractors)
    error = expect_error(api.call, api.namespaces.GetNamespaceExtractor, namespace_pb2.GetNamespaceExtractorRequest(namespace_id="counted"))
    assert error.violations == {"extractor_id": "is required"}

    stats = api.call(api.namespaces.GetNamespaceStats, namespace_pb2.GetNamespaceStatsRequest(namespace_id="counted")).stats
    assert (stats.namespace_id, stats.bucket_count, stats.collection_count, stats.object_count, stats.document_count_complete) == (created.namespace_id, 0, 0, 0, True)
    theirs = create(new_org_api(root), "theirs")
    batch = api.call(api.namespaces.BatchGetNamespaceStats, namespace_pb2.BatchGetNamespaceStatsRequest(namespace_ids=[created.namespace_id, theirs.namespace_id]))
    assert list(batch.stats) == [created.namespace_id]  # another organization's namespace is left out
    error = expect_error(api.call, api.namespaces.BatchGetNamespaceStats, namespace_pb2.BatchGetNamespaceStatsRequest(namespace_ids=[created.namespace_id] * 101))
    assert list(error.violations) == ["namespace_ids"]
    assert expect_error(api.call, api.namespaces.BatchGetNamespaceStats, namespace_pb2.BatchGetNamespaceStatsRequest()).violations == {"namespace_ids": "is required: at least one namespace ID"}


def test_ensure_indexes_creates_a_declared_index_the_store_lacks(api, server):
    created = create(api, "repairable")
    # A payload index declared but missing from the vector store, as a failure between the two writes leaves it.
    index = {"field_name": "metadata.brand", "type": "keyword"}
    server.run(server.app.backends.db["namespaces"].update_one({"_id": created.namespace_id}, {"$set": {"payload_indexes": [index]}}))
    assert "metadata.brand" not in server.run(server.app.backends.vectors.payload_indexes(created.namespace_id))
    repaired = api.call(api.namespaces.EnsureNamespaceIndexes, namespace_pb2.EnsureNamespaceIndexesRequest(namespace_id="repairable"))
    assert list(repaired.created) == ["metadata.brand"] and "metadata.brand" in repaired.ensured
    assert server.run(server.app.backends.vectors.payload_indexes(created.namespace_id))["metadata.brand"] == "keyword"
    again = api.call(api.namespaces.EnsureNamespaceIndexes, namespace_pb2.EnsureNamespaceIndexesRequest(namespace_id="repairable"))
    assert list(again.created) == [] and list(again.ensured) == list(repaired.ensured)
    error = expect_error(api.call, api.namespaces.EnsureNamespaceIndexes, namespace_pb2.EnsureNamespaceIndexesRequest(namespace_id="repairable", force_rebuild=True))
    assert list(error.violations) == ["force_rebuild"]
