"""Reconfigure benchmark, run by hand (not part of the test suite):

    .venv/bin/python bench/reconfigure_bench.py [--sizes 1000 20000]

For each size, namespaces with `text_extractor` (1024-d) and that many points are given the
`fashionsiglip` plugin (768-d), then brought up to date three ways, each timed end to end through a
real gRPC call on the embedded backends (nx-27017 + Qdrant Edge):

- in place (LIVE): Reconfigure {confirm: true}; every point kept.
- RECREATE + re-insert: Reconfigure {confirm: true, mode: RECREATE}, then upserting every point again
  (what a Mixpeek user must do after its reconfigure; the cost of re-running the extractors, which
  dominates in real life, is not even counted).
- blue/green: Reconfigure {confirm: true} on a server forced to the copying strategy.

The in-place time is the baseline of the ratios, measured in the same run. Edge runs the engine
in-process without an HNSW index, so absolute numbers differ from a Qdrant server's; the shape
(flat vs linear in the points) is the point.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "clients" / "python")]

import grpc  # noqa: E402
from vecplane.v1 import namespace_pb2 as pb  # noqa: E402

from server.storage.vectors import Point  # noqa: E402
from tests.support.api import Api  # noqa: E402
from tests.support.points import E5, make_points, upsert  # noqa: E402
from tests.support.servers import ADMIN_KEY, InProcessServer, test_settings  # noqa: E402

TEXT = pb.NamespaceFeatureExtractor(feature_extractor_name="text_extractor", version="v1")
FASHION = pb.NamespaceFeatureExtractor(feature_extractor_name="fashionsiglip", version="v1")
T = TypeVar("T")


def prepare(server: InProcessServer, api: Api, name: str, points_count: int) -> tuple[str, list[Point]]:
    ns = api.call(api.namespaces.CreateNamespace, pb.CreateNamespaceRequest(namespace_name=name, feature_extractors=[TEXT])).namespace.namespace_id
    points = make_points(ns, points_count, {E5: 1024}, ["col_bench"])
    server.run(upsert(server.app.backends.vectors, ns, points), timeout=3600)
    api.call(api.namespaces.UpdateNamespace, pb.UpdateNamespaceRequest(namespace_id=ns, feature_extractors=[TEXT, FASHION]))
    return ns, points


def timed(call: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[float, T]:
    started = time.perf_counter()
    result = call(*args, **kwargs)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        live = InProcessServer(test_settings(Path(tmp) / "live", reconfigure_lease_seconds=30.0)).start()
        blue_green = InProcessServer(test_settings(Path(tmp) / "bg", reconfigure_strategy="blue_green", reconfigure_lease_seconds=30.0)).start()
        rows = []
        try:
            with grpc.insecure_channel(live.target) as live_channel, grpc.insecure_channel(blue_green.target) as bg_channel:
                live_api, bg_api = Api(live_channel, ADMIN_KEY), Api(bg_channel, ADMIN_KEY)
                for size in args.sizes:
                    print(f"preparing 3 namespaces with {size} points ...", flush=True)
                    in_place_ns, _ = prepare(live, live_api, f"in-place-{size}", size)
                    recreate_ns, recreate_points = prepare(live, live_api, f"recreate-{size}", size)
                    bg_ns, _ = prepare(blue_green, bg_api, f"blue-green-{size}", size)

                    request = pb.ReconfigureRequest(namespace_id=in_place_ns, confirm=True)
                    t_live, done = timed(live_api.call, live_api.namespaces.Reconfigure, request, timeout=3600)
                    assert done.strategy == pb.RECONFIGURE_STRATEGY_LIVE and done.points_preserved == size

                    request = pb.ReconfigureRequest(namespace_id=recreate_ns, confirm=True, mode=pb.RECONFIGURE_MODE_RECREATE)
                    t_recreate, done = timed(live_api.call, live_api.namespaces.Reconfigure, request, timeout=3600)
                    assert done.points_deleted == size
                    t_reinsert, _ = timed(live.run, upsert(live.app.backends.vectors, recreate_ns, recreate_points), timeout=3600)

                    request = pb.ReconfigureRequest(namespace_id=bg_ns, confirm=True)
                    t_bg, done = timed(bg_api.call, bg_api.namespaces.Reconfigure, request, timeout=3600)
                    assert done.strategy == pb.RECONFIGURE_STRATEGY_BLUE_GREEN and done.points_preserved == size
                    rows.append((size, t_live, t_recreate, t_reinsert, t_bg))
        finally:
            live.stop()
            blue_green.stop()

    print()
    print(f"{'points':>7} | {'in place':>9} | {'recreate':>9} | {'+ re-insert':>11} | {'= total':>9} | {'blue/green':>10} | {'recreate+ins / in place':>23} | {'blue/green / in place':>21}")
    for size, t_live, t_recreate, t_reinsert, t_bg in rows:
        total = t_recreate + t_reinsert
        print(
            f"{size:>7} | {t_live * 1000:>7.1f}ms | {t_recreate * 1000:>7.1f}ms | {t_reinsert * 1000:>9.1f}ms | {total * 1000:>7.1f}ms | "
            f"{t_bg * 1000:>8.1f}ms | {total / t_live:>22.1f}x | {t_bg / t_live:>20.1f}x"
        )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(
            f"\nfrom {first[0]} to {last[0]} points ({last[0] / first[0]:.0f}x): in place {last[1] / first[1]:.1f}x, "
            f"recreate + re-insert {(last[2] + last[3]) / (first[2] + first[3]):.1f}x, blue/green {last[4] / first[4]:.1f}x"
        )


if __name__ == "__main__":
    main()
