"""The `vecplane` command."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from server import config, logs
from server.app import serve
from server.storage.migrate import migrate_local_mode


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="vecplane", description="gRPC control plane for multimodal vector collections")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the service (gRPC and the REST gateway)")
    config.add_arguments(serve_parser)
    migrate_parser = commands.add_parser(
        "migrate-vectors", help="copy the vectors of qdrant-client's local mode (<data dir>/qdrant) into Qdrant Edge"
    )
    migrate_parser.add_argument("--data-dir", type=Path, default=config.Settings.data_dir, help="the data dir [default .data]")
    args = parser.parse_args(argv)
    try:
        if args.command == "migrate-vectors":
            done = asyncio.run(migrate_local_mode(args.data_dir))
            print(f"copied {done.collections} collections, {done.points} points and {done.aliases} aliases into Qdrant Edge; the old store is now {done.moved_to}")
            return
        settings = config.load(args)
        logs.configure(settings.log_level, secrets=settings.secrets())
        asyncio.run(serve(settings))
    except config.StartupError as error:
        raise SystemExit(f"vecplane: {error}") from None


if __name__ == "__main__":
    main()
