"""The `vecplane` command."""

from __future__ import annotations

import argparse
import asyncio

from server import config, logs
from server.app import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="vecplane", description="gRPC control plane for multimodal vector collections")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the service (gRPC and the REST gateway)")
    config.add_arguments(serve_parser)
    args = parser.parse_args(argv)
    settings = config.load(args)
    logs.configure(settings.log_level, secrets=settings.secrets())
    try:
        asyncio.run(serve(settings))
    except config.StartupError as error:
        raise SystemExit(f"vecplane: {error}") from None


if __name__ == "__main__":
    main()
