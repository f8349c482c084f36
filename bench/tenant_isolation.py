"""Another organization's latency while one organization attacks with a catastrophic regex
(issue 9 item 2), in one run against a real `python -m server serve` process on the embedded
defaults:

    .venv/bin/python bench/tenant_isolation.py            # options: --requests 200 --attackers 2

The victim organization calls ListNamespaces `--requests` times in a row: alone (the baseline),
then while `--attackers` threads of another organization call ListObjects in a loop over a stored
value of 28 `a`s and `!`, first with a benign regex (`^a+!$`: what any busy neighbour costs), then
with the catastrophic `^(a+)+$`. Reported: the victim's p50/p99/max latency per phase and its ratio
to the baseline, and how long the loaders' calls took. Before RE2 (vecplane evaluating user regexes itself), one attack call stalled the
embedded MongoDB for about 33 s and the victim's calls failed UNAVAILABLE.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "clients" / "python")]

import grpc  # noqa: E402
from vecplane.v1 import admin_pb2, bucket_pb2, namespace_pb2  # noqa: E402

from server.protojson import dict_to_message  # noqa: E402
from tests.support.api import Api  # noqa: E402
from tests.support.servers import ADMIN_KEY, ServerProcess  # noqa: E402

TEXT = {"feature_extractor_name": "text_extractor", "version": "v1"}


def organization(root: Api, name: str) -> Api:
    org = root.call(root.admin.CreateOrganization, admin_pb2.CreateOrganizationRequest(organization_name=name))
    key = root.call(root.admin.CreateApiKey, admin_pb2.CreateApiKeyRequest(organization_id=org.organization.organization_id, key_name="bench"))
    return Api(root.channel, key.secret)


def victim_latencies(victim: Api, requests: int) -> list[float]:
    """Seconds per ListNamespaces; a failed call counts as its full duration."""
    found = []
    for _ in range(requests):
        started = time.perf_counter()
        try:
            victim.call(victim.namespaces.ListNamespaces, namespace_pb2.ListNamespacesRequest(limit=10), timeout=60)
        except grpc.RpcError as error:
            print(f"  victim call failed: {error.code().name}")
        found.append(time.perf_counter() - started)
    return found


def summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "max": ordered[-1] * 1000,
    }


def under_load(caller: Api, request: bucket_pb2.ListObjectsRequest, threads: int, measure: Callable[[], list[float]]) -> tuple[list[float], list[float]]:
    """`measure()` while `threads` threads send `request` in a loop; returns its result and the
    load calls' durations."""
    stop = threading.Event()
    durations: list[float] = []

    def load() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                caller.call(caller.buckets.ListObjects, request, timeout=60)
            except grpc.RpcError as error:
                print(f"  load call failed: {error.code().name}")
            durations.append(time.perf_counter() - started)

    workers = [threading.Thread(target=load) for _ in range(threads)]
    for worker in workers:
        worker.start()
    time.sleep(0.2)
    try:
        return measure(), durations
    finally:
        stop.set()
        for worker in workers:
            worker.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--attackers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        process = ServerProcess(Path(data)).start()
        try:
            with grpc.insecure_channel(process.target) as channel:
                root = Api(channel, ADMIN_KEY)
                attacker, victim = organization(root, "attacker"), organization(root, "victim")
                for api, name in ((attacker, "attacker-ns"), (victim, "victim-ns")):
                    request = dict_to_message({"namespace_name": name, "feature_extractors": [TEXT]}, namespace_pb2.CreateNamespaceRequest)
                    api.call(api.namespaces.CreateNamespace, request)
                attacker = attacker.in_namespace("attacker-ns")
                bucket = attacker.call(attacker.buckets.CreateBucket, bucket_pb2.CreateBucketRequest(bucket_name="victims")).bucket
                body = {"bucket_id": bucket.bucket_id, "metadata": {"title": "a" * 28 + "!"}}
                attacker.call(attacker.buckets.CreateObject, dict_to_message(body, bucket_pb2.CreateObjectRequest))
                victim_latencies(victim, 20)  # warm-up
                phases: dict[str, tuple[list[float], list[float]]] = {"alone": (victim_latencies(victim, args.requests), [])}
                for phase, pattern in (("benign load", "^a+!$"), ("attack", "^(a+)+$")):
                    request = dict_to_message(
                        {"bucket_id": bucket.bucket_id, "query": {"filters": {"field": "metadata.title", "operator": "regex", "value": pattern}}},
                        bucket_pb2.ListObjectsRequest,
                    )
                    phases[phase] = under_load(attacker, request, args.attackers, lambda: victim_latencies(victim, args.requests))
        finally:
            process.stop()
    base = summary(phases["alone"][0])
    print(f"victim ListNamespaces, {args.requests} calls per phase (ms); ratios against the victim alone:")
    for phase, (victim_seconds, load_seconds) in phases.items():
        found = summary(victim_seconds)
        print(
            f"  {phase:12s} p50 {found['p50']:7.2f} ({found['p50'] / base['p50']:5.2f}x)  p99 {found['p99']:7.2f} ({found['p99'] / base['p99']:5.2f}x)"
            f"  max {found['max']:7.2f}"
            + (f"  | {args.attackers} loaders: {len(load_seconds)} ListObjects, p50 {summary(load_seconds)['p50']:.2f} ms, max {summary(load_seconds)['max']:.2f} ms" if load_seconds else "")
        )


if __name__ == "__main__":
    main()
