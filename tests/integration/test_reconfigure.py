"""NamespaceService.Reconfigure through a real channel on the embedded backends: the seed scenario,
in place / blue-green / recreate, prune, dry run, validation, concurrency, and failures mid-way.
(Crashes by SIGKILL are in test_reconfigure_crash.py.)"""

from __future__ import annotations

import concurrent.futures
import threading
import time

import grpc
import pytest
from vecplane.v1 import namespace_pb2 as pb

from tests.conftest import new_org_api
from tests.integration.test_namespaces import FASHION as FASHION_EXTRACTOR
from tests.integration.test_namespaces import TEXT as TEXT_EXTRACTOR
from tests.integration.test_namespaces import create
from tests.support import resources, servers
from tests.support.api import Api, expect_error
from tests.support.points import (
    DIMENSIONS,
    E5,
    FACE,
    FASHION,
    assert_points_kept,
    make_points,
    seed,
    stored_points,
)
from tests.support.servers import ADMIN_KEY, InProcessServer

FACE_EXTRACTOR = pb.NamespaceFeatureExtractor(feature_extractor_name="face_identity", version="v1")
WRITES = ("insert", "update", "delete", "findAndModify", "createIndexes")


def reconfigure(api, namespace_id, **fields):
    return api.call(api.namespaces.Reconfigure, pb.ReconfigureRequest(namespace_id=namespace_id, **fields), timeout=300)


def enable(api, namespace_id, *extractors):
    api.call(api.namespaces.UpdateNamespace, pb.UpdateNamespaceRequest(namespace_id=namespace_id, feature_extractors=list(extractors)))


def schema(server, namespace_id):
    return {name: spec.dimensions for name, spec in server.run(server.app.backends.vectors.vector_schema(namespace_id)).items()}


def physical(server, namespace_id):
    vectors = server.app.backends.vectors
    return server.run(vectors.physical_collection(namespace_id)), server.run(vectors.physical_collections(namespace_id))


def operations(server, namespace_id):
    return server.run(server.app.usecases.reconfigure._operations.of_namespace(namespace_id))


def writes(server):
    server.settle()  # background writes (queued execution records) are not the call's
    return sum(server.app.backends.counter.counts[name] for name in WRITES)


def populated(server, api, name, extractors, vectors, count, collection_ids=("col_none",)):
    namespace = create(api, name, extractors)
    points = make_points(namespace.namespace_id, count, {v: DIMENSIONS[v] for v in vectors}, list(collection_ids))
    seed(server, namespace.namespace_id, points)
    return namespace.namespace_id, points


def text_collections(api, ns, *names, reading=None):
    """Text collections created through the API: the first from a bucket (or from `reading`), each
    next one reading from the one before."""
    scoped = api.in_namespace(ns)
    if reading is None:
        resources.bucket(scoped, name="products")
    made, source = [], {"type": "collection", "collection_id": reading} if reading else {"type": "bucket", "bucket_id": "products"}
    for name in names:
        body = resources.text_collection_body(source, name=name)
        if source["type"] == "collection":
            body["feature_extractors"][0]["input_mapping"] = {"text": "text"}
        made.append(resources.collection(scoped, body).collection_id)
        source = {"type": "collection", "collection_id": name}
    return made


def test_seed_scenario_in_place_adds_the_plugin_vector_and_keeps_all_1500_points(api, server):
    ns = create(api, "seed-in-place", (TEXT_EXTRACTOR,)).namespace_id
    texts, downstream = text_collections(api, ns, "texts", "texts-again")
    points = make_points(ns, 1500, {E5: 1024}, [texts, downstream])
    seed(server, ns, points)
    enable(api, ns, TEXT_EXTRACTOR, FASHION_EXTRACTOR)
    before = physical(server, ns)

    done = reconfigure(api, ns, confirm=True)

    assert done.namespace_id == ns
    assert done.status == pb.RECONFIGURE_STATUS_RECONFIGURED
    assert list(done.vectors_added) == [FASHION]
    assert done.previous_points_count == 1500
    assert list(done.vectors_total) == [E5, FASHION]
    # No collection produces the new vector yet (creating one needs it in the store), and every
    # existing document keeps its vectors: nothing to reprocess, unlike Mixpeek.
    assert list(done.collections_to_reprocess) == []
    assert (done.points_preserved, done.points_deleted) == (1500, 0)
    assert (done.mode, done.strategy, done.dry_run) == (pb.RECONFIGURE_MODE_IN_PLACE, pb.RECONFIGURE_STRATEGY_LIVE, False)
    assert not done.vectors_changed and not done.vectors_removed and not done.vectors_undeclared
    assert "1 vector added" in done.message and "1500 of 1500 points preserved" in done.message
    assert schema(server, ns) == {E5: 1024, FASHION: 768}
    assert physical(server, ns) == before  # the same collection, changed in place
    assert_points_kept(stored_points(server, ns), points, kept=[E5], gone=[FASHION])
    (op,) = operations(server, ns)
    assert op["_id"] == done.operation_id and op["state"] == "done" and op["step"] == "done"
    assert op["strategy"] == "live" and op["previous_points_count"] == 1500
    assert op["plan"]["added"] == [FASHION] and isinstance(op["lease_expires_at"], float)
    assert op["result"]["status"] == "reconfigured"

    # The plugin's vector is there now, so a collection can use it.
    fashion = resources.collection(
        api.in_namespace(ns),
        {"collection_name": "looks", "source": {"type": "bucket", "bucket_id": "products"},
         "feature_extractors": [{**resources.FASHION, "input_mapping": {"image": "image"}}]},
    )
    assert [v.name for v in fashion.vector_indexes] == [FASHION]

    writes_before = writes(server)
    again = reconfigure(api, ns, confirm=True)
    assert writes(server) == writes_before  # nothing written, not even an operation
    assert again.status == pb.RECONFIGURE_STATUS_NO_CHANGES_NEEDED
    assert not again.vectors_added and not again.collections_to_reprocess and not again.operation_id
    assert again.strategy == pb.RECONFIGURE_STRATEGY_UNSPECIFIED
    assert list(again.vectors_total) == [E5, FASHION] and again.previous_points_count == 1500
    assert again.message.startswith("No changes needed")
    assert physical(server, ns) == before and len(operations(server, ns)) == 1


def test_seed_scenario_with_recreate_deletes_the_1500_points_and_lists_every_collection(api, server):
    ns = create(api, "seed-recreate", (TEXT_EXTRACTOR,)).namespace_id
    texts, downstream = text_collections(api, ns, "texts", "texts-again")
    (reads_texts,) = text_collections(api, ns, "reads-texts", reading="texts")
    unrelated = resources.collection(api.in_namespace(ns), resources.text_collection_body({"type": "bucket", "bucket_id": "products"}, name="unrelated"))
    seed(server, ns, make_points(ns, 1500, {E5: 1024}, [texts, downstream]))
    enable(api, ns, TEXT_EXTRACTOR, FASHION_EXTRACTOR)
    old, _ = physical(server, ns)

    done = reconfigure(api, ns, confirm=True, mode=pb.RECONFIGURE_MODE_RECREATE)

    assert done.status == pb.RECONFIGURE_STATUS_RECONFIGURED
    assert list(done.vectors_added) == [FASHION] and list(done.vectors_total) == [E5, FASHION]
    assert done.previous_points_count == 1500
    assert (done.points_preserved, done.points_deleted) == (0, 1500)
    assert (done.mode, done.strategy) == (pb.RECONFIGURE_MODE_RECREATE, pb.RECONFIGURE_STRATEGY_RECREATE)
    # Every collection that had points (their documents are gone) and everything downstream of them,
    # in creation order; `unrelated` had no points and produces no new vector.
    assert list(done.collections_to_reprocess) == [texts, downstream, reads_texts]
    assert unrelated.collection_id not in done.collections_to_reprocess
    assert "1500 deleted" in done.message and "3 listed collections" in done.message
    assert server.run(server.app.backends.vectors.count(ns)) == 0
    assert schema(server, ns) == {E5: 1024, FASHION: 768}
    alias_target, collections = physical(server, ns)
    assert alias_target != old and collections == [alias_target]  # a new collection; the old one dropped


def test_prune_deletes_undeclared_vectors_only_when_asked(api, server):
    ns, points = populated(server, api, "prune-me", (TEXT_EXTRACTOR, FACE_EXTRACTOR), [E5, FACE], 120)
    enable(api, ns, TEXT_EXTRACTOR)

    kept = reconfigure(api, ns, confirm=True)
    assert kept.status == pb.RECONFIGURE_STATUS_NO_CHANGES_NEEDED
    assert list(kept.vectors_undeclared) == [FACE] and not kept.vectors_removed
    assert list(kept.vectors_total) == [E5, FACE]
    assert "set prune to delete them" in kept.message
    assert schema(server, ns) == {E5: 1024, FACE: 512}

    pruned = reconfigure(api, ns, confirm=True, prune=True)
    assert pruned.status == pb.RECONFIGURE_STATUS_RECONFIGURED
    assert list(pruned.vectors_removed) == [FACE] and not pruned.vectors_undeclared and not pruned.vectors_added
    assert list(pruned.vectors_total) == [E5] and pruned.points_preserved == 120
    assert schema(server, ns) == {E5: 1024}
    assert_points_kept(stored_points(server, ns), points, kept=[E5], gone=[FACE])


def test_dry_run_computes_the_outcome_and_writes_nothing(api, server):
    ns, points = populated(server, api, "dry", (TEXT_EXTRACTOR,), [E5], 40)
    enable(api, ns, TEXT_EXTRACTOR, FASHION_EXTRACTOR)
    before, writes_before = physical(server, ns), writes(server)

    preview = reconfigure(api, ns, dry_run=True)  # no confirm needed
    recreate_preview = reconfigure(api, ns, dry_run=True, mode=pb.RECONFIGURE_MODE_RECREATE)

    assert writes(server) == writes_before and physical(server, ns) == before
    assert schema(server, ns) == {E5: 1024} and not operations(server, ns)
    assert_points_kept(stored_points(server, ns), points, kept=[E5])
    assert preview.dry_run and preview.status == pb.RECONFIGURE_STATUS_RECONFIGURED and not preview.operation_id
    assert list(preview.vectors_added) == [FASHION] and preview.strategy == pb.RECONFIGURE_STRATEGY_LIVE
    assert (preview.points_preserved, preview.points_deleted) == (40, 0)
    assert preview.message.startswith("Dry run:") and "would be reconfigured" in preview.message
    assert (recreate_preview.points_preserved, recreate_preview.points_deleted) == (0, 40)
    # The real run does what the preview said.
    real = reconfigure(api, ns, confirm=True)
    for field in ("status", "vectors_added", "vectors_total", "previous_points_count", "points_preserved", "strategy"):
        assert getattr(real, field) == getattr(preview, field)


def test_confirm_missing_is_invalid_argument_and_changes_nothing(api, server):
    ns, _ = populated(server, api, "unconfirmed", (TEXT_EXTRACTOR,), [E5], 5)
    enable(api, ns, TEXT_EXTRACTOR, FASHION_EXTRACTOR)
    error = expect_error(reconfigure, api, ns)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert "confirm=true not set" in error.violations["confirm"]
    bad_mode = expect_error(reconfigure, api, ns, confirm=True, mode=7)
    assert bad_mode.code == grpc.StatusCode.INVALID_ARGUMENT and "mode" in bad_mode.violations
    assert schema(server, ns) == {E5: 1024} and not operations(server, ns)


def test_unknown_or_foreign_namespace_is_not_found(api, root):
    error = expect_error(reconfigure, api, "ns_doesnotexist", confirm=True)
    assert error.code == grpc.StatusCode.NOT_FOUND and error.reason == "NAMESPACE_NOT_FOUND"
    assert error.resource.resource_name == "ns_doesnotexist"
    mine = create(api, "not-yours").namespace_id
    other = new_org_api(root)
    for ident in (mine, "not-yours"):
        assert expect_error(reconfigure, other, ident, confirm=True).code == grpc.StatusCode.NOT_FOUND


def test_reconfigure_accepts_the_namespace_name(api, server):
    ns, _ = populated(server, api, "by-name", (TEXT_EXTRACTOR,), [E5], 3)
    enable(api, ns, TEXT_EXTRACTOR, FASHION_EXTRACTOR)
    assert reconfigure(api, "by-name", confirm=True).namespace_id == ns


@pytest.mark.slow  # 4-6 s in a loaded fast-subset run
def test_a_second_reconfigure_while_one_runs_is_aborted_naming_it(api, server):
    ns, points = populated(server, api, "busy", (TEXT_EXTRACTOR,), [E5], 30)
    enable(api, ns, TEXT_EXTRACTOR, FASHION_EXTRACTOR)
    # The first one pauses after recording its operation for longer than the lease (2 s in tests),
    # and the second comes after the first lease would have run out: it is still ABORTED only
    # because the lease is renewed while the first works (else the second would take it over).
    lease = server.app.settings.reconfigure_lease_seconds
    server.app.faults.arm("reconfigure.after_record", f"sleep:{2 * lease}")
    first: dict = {}
    thread = threading.Thread(target=lambda: first.update(response=reconfigure(api, ns, confirm=True)))
    try:
        thread.start()
        deadline = time.monotonic() + 30
        while not [op for op in operations(server, ns) if op["state"] == "running" and "plan" in op]:
            assert time.monotonic() < deadline, "the first reconfigure never recorded its operation"
            time.sleep(0.05)
        (running,) = operations(server, ns)
        time.sleep(lease * 1.25)  # waiting past the first lease, not measuring anything
        error = expect_error(reconfigure, api, ns, confirm=True)
        preview = expect_error(reconfigure, api, ns, dry_run=True)
    finally:
        thread.join(60)
        server.app.faults.disarm("reconfigure.after_record")
    assert error.code == grpc.StatusCode.ABORTED and preview.code == grpc.StatusCode.ABORTED
    assert error.reason == "RECONFIGURE_IN_PROGRESS"
    assert error.metadata["operation_id"] == running["_id"] and running["_id"] in error.message
    assert first["response"].operation_id == running["_id"]
    assert first["response"].status == pb.RECONFIGURE_STATUS_RECONFIGURED
    assert [op["state"] for op in operations(server, ns)] == ["done"]
    assert reconfigure(api, ns, confirm=True).status == pb.RECONFIGURE_STATUS_NO_CHANGES_NEEDED
    assert_points_kept(stored_points(server, ns), points, kept=[E5])


def test_concurrent_reconfigures_change_the_store_exactly_once(api, server):
    ns, points = populated(server, api, "stampede", (TEXT_EXTRACTOR,), [E5], 30)
    enable(api, ns, TEXT_EXTRACTOR, FASHION_EXTRACTOR)

    def attempt(_):
        try:
            return reconfigure(api, ns, confirm=True).status
        except grpc.RpcError as error:
            return error.code()

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(attempt, range(6)))
    assert outcomes.count(pb.RECONFIGURE_STATUS_RECONFIGURED) == 1, outcomes
    assert set(outcomes) <= {pb.RECONFIGURE_STATUS_RECONFIGURED, pb.RECONFIGURE_STATUS_NO_CHANGES_NEEDED, grpc.StatusCode.ABORTED}
    ops = operations(server, ns)
    assert all(op["state"] == "done" for op in ops)
    assert [op["result"]["status"] for op in ops].count("reconfigured") == 1
    assert schema(server, ns) == {E5: 1024, FASHION: 768}
    assert_points_kept(stored_points(server, ns), points, kept=[E5])


# --- blue/green, forced on the local engine (which could change vectors in place)


@pytest.fixture(scope="module")
def blue_green(tmp_path_factory):
    running = InProcessServer(servers.test_settings(tmp_path_factory.mktemp("blue-green"), reconfigure_strategy="blue_green")).start()
    yield running
    running.stop()


@pytest.fixture
def bg_api(blue_green):
    with grpc.insecure_channel(blue_green.target) as channel:
        yield new_org_api(Api(channel, ADMIN_KEY))


def test_blue_green_copies_every_point_into_a_new_collection_and_switches_the_alias(blue_green, bg_api):
    server, api = blue_green, bg_api
    ns, points = populated(server, api, "bg-copy", (TEXT_EXTRACTOR, FACE_EXTRACTOR), [E5, FACE], 600)
    enable(api, ns, TEXT_EXTRACTOR, FASHION_EXTRACTOR)
    old, _ = physical(server, ns)

    done = reconfigure(api, ns, confirm=True)

    assert done.strategy == pb.RECONFIGURE_STRATEGY_BLUE_GREEN and done.status == pb.RECONFIGURE_STATUS_RECONFIGURED
    assert list(done.vectors_added) == [FASHION] and list(done.vectors_undeclared) == [FACE]
    assert (done.previous_points_count, done.points_preserved, done.points_deleted) == (600, 600, 0)
    alias_target, collections = physical(server, ns)
    assert alias_target == f"{ns}__v2" != old and collections == [alias_target]
    assert schema(server, ns) == {E5: 1024, FASHION: 768, FACE: 512}
    assert_points_kept(stored_points(server, ns), points, kept=[E5, FACE], gone=[FASHION])
    (op,) = operations(server, ns)
    assert op["progress"]["copied"] == 600 and op["step"] == "done"
    assert op["source_collection"] == old and op["target_collection"] == alias_target

    pruned = reconfigure(api, ns, confirm=True, prune=True)
    assert pruned.strategy == pb.RECONFIGURE_STRATEGY_BLUE_GREEN and list(pruned.vectors_removed) == [FACE]
    assert physical(server, ns) == (f"{ns}__v3", [f"{ns}__v3"])
    assert_points_kept(stored_points(server, ns), points, kept=[E5], gone=[FACE, FASHION])


def test_a_failed_reconfigure_is_completed_by_the_next_one(blue_green, bg_api):
    server, api = blue_green, bg_api
    ns, points = populated(server, api, "bg-fail", (TEXT_EXTRACTOR,), [E5], 300)
    enable(api, ns, TEXT_EXTRACTOR, FASHION_EXTRACTOR)
    old, _ = physical(server, ns)
    server.app.faults.arm("reconfigure.after_copy", "fail")
    try:
        failed = expect_error(reconfigure, api, ns, confirm=True)
    finally:
        server.app.faults.disarm("reconfigure.after_copy")
    assert failed.code == grpc.StatusCode.INTERNAL
    # Half done: the copy exists, but the alias still points at the old, whole collection.
    (op,) = operations(server, ns)
    assert op["state"] == "running" and op["lease_expires_at"] == 0 and "FaultInjected" in op["last_error"]
    assert physical(server, ns) == (old, sorted([old, f"{ns}__v2"]))
    assert schema(server, ns) == {E5: 1024}
    assert_points_kept(stored_points(server, ns), points, kept=[E5])
    # A dry run does not complete it (that would be a write) and says so.
    interrupted = expect_error(reconfigure, api, ns, dry_run=True)
    assert interrupted.code == grpc.StatusCode.FAILED_PRECONDITION and interrupted.metadata["operation_id"] == op["_id"]

    after = reconfigure(api, ns, confirm=True)

    assert after.status == pb.RECONFIGURE_STATUS_NO_CHANGES_NEEDED  # the completed operation did the change
    assert f"First completed the interrupted reconfigure {op['_id']}" in after.message
    (op,) = operations(server, ns)
    assert op["state"] == "done" and op["attempts"] == 1 and op["result"]["vectors_added"] == [FASHION]
    assert physical(server, ns) == (f"{ns}__v2", [f"{ns}__v2"])
    assert schema(server, ns) == {E5: 1024, FASHION: 768}
    assert_points_kept(stored_points(server, ns), points, kept=[E5])
