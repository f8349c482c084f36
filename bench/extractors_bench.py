"""Text extractor benchmark, run by hand (not part of the test suite):

    .venv/bin/python bench/extractors_bench.py [--texts 1000] [--rounds 1]

On the same texts, the packaged model alone (tokenize + onnxruntime + pooling, `embed_sync`) is the
baseline; the extractor interface (`ExtractionUseCases.run`: request checks, the model in a worker
thread behind its lock, vector-size checks) is timed on batches of 1, 32 and 128 texts per call, and
its cost is reported as a ratio to the baseline measured in the same run. The two are timed call by
call, alternating (same texts, same moment), so load from other processes hits both alike. Also: p50 latency of one short text
both ways, model load time (hash checks included) and the process RSS after loading.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "clients" / "python")]

from server.domain.extraction import Limits, RawInput  # noqa: E402
from server.extractors.minilm import MiniLMEmbedder  # noqa: E402
from server.extractors.plugins import load_catalogue  # noqa: E402
from server.extractors.registry import build_registry  # noqa: E402
from server.storage.fetch import UrlFetcher  # noqa: E402
from server.usecases.extraction import ExtractionUseCases  # noqa: E402

EXTRACTOR = "minilm_text_extractor_v1"
COLOURS = ["red", "navy", "olive", "black", "ivory", "teal", "amber"]
THINGS = ["linen shirt", "leather tote bag", "trail running shoe", "merino scarf", "denim jacket", "silk dress"]


def texts(count: int) -> list[str]:
    return [
        f"{COLOURS[i % 7].capitalize()} {THINGS[i % 6]}, item {i}: "
        + " ".join(["durable", "lightweight", "handmade", "water-resistant", "slim-fit"][: 1 + i % 5])
        + f" with {i % 9} pockets, shipped from warehouse {i % 13}."
        for i in range(count)
    ]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def main(count: int, rounds: int) -> None:
    before = rss_mb()
    started = time.perf_counter()
    model = MiniLMEmbedder()
    model.session()
    load_seconds = time.perf_counter() - started
    after = rss_mb()
    catalogue = load_catalogue(None)
    registry = await build_registry(catalogue, providers={}, model_dir=None, plugin_dir=None)
    usecases = ExtractionUseCases(catalogue, registry, UrlFetcher(max_bytes=1, timeout_seconds=1), Limits(max_inputs=1024))
    corpus = texts(count)
    model.embed_sync(corpus[:8])  # warm up
    await usecases.run(EXTRACTOR, [RawInput(text=t) for t in corpus[:8]], {}, None)

    print(f"model load (hash checks + session): {load_seconds:.2f} s; RSS {before:.0f} -> {after:.0f} MB")
    print(f"{count} texts, {rounds} rounds; the two paths alternate call by call")
    print("batch  model alone texts/s  interface texts/s  interface cost")
    for batch in (1, 32, 128):
        alone, through = 0.0, 0.0
        for round_number in range(rounds):
            for number, i in enumerate(range(0, count, batch)):
                part = corpus[i : i + batch]
                # Alternate which goes first, so neither always runs on a warmer cache.
                for path in ("alone", "through") if (number + round_number) % 2 == 0 else ("through", "alone"):
                    started = time.perf_counter()
                    if path == "alone":
                        model.embed_sync(part)
                        alone += time.perf_counter() - started
                    else:
                        await usecases.run(EXTRACTOR, [RawInput(text=t) for t in part], {}, None)
                        through += time.perf_counter() - started
        done = count * rounds
        print(f"{batch:5d}  {done / alone:19.1f}  {done / through:17.1f}  {100 * (through / alone - 1):+13.1f} %")

    short = "red linen shirt"
    alone_ms, through_ms = [], []
    for _ in range(50):
        started = time.perf_counter()
        model.embed_sync([short])
        alone_ms.append(1000 * (time.perf_counter() - started))
        started = time.perf_counter()
        await usecases.run(EXTRACTOR, [RawInput(text=short)], {}, None)
        through_ms.append(1000 * (time.perf_counter() - started))
    print(f"one short text, p50: model alone {statistics.median(alone_ms):.2f} ms, interface {statistics.median(through_ms):.2f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(main(args.texts, args.rounds))
