"""The embedded MongoDB child process: nx-27017's wire-protocol handler served on a unix socket.

nx-27017's own command line listens on TCP only and has no authentication, so any local process
could read or write every organization's data. A unix socket in a directory only vecplane's user
can enter (0700) is reachable by vecplane alone. Run as a script (no import of the `server` package):

    python nx_27017_child.py <socket path> <data dir> <log file>

It holds an exclusive lock on `<data dir>/nx-27017.lock` while it runs (the kernel drops it when the
process dies, even by SIGKILL), so two servers never share a data dir; it exits with
LOCKED_EXIT_CODE when another process holds it.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import signal
import sys
from pathlib import Path

from nx_27017.handler import NeoSQLiteHandler
from nx_27017.server import handle_client

LOCKED_EXIT_CODE = 75


async def _serve(socket_path: str, data_dir: str) -> None:
    handler = NeoSQLiteHandler(data_dir=data_dir)
    server = await asyncio.start_unix_server(lambda reader, writer: handle_client(reader, writer, handler), path=socket_path)
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    async with server:
        logging.getLogger("nx_27017").info("listening on %s", socket_path)
        await stopping.wait()


def main(socket_path: str, data_dir: str, log_file: str) -> int:
    logging.basicConfig(filename=log_file, level=logging.INFO, format="%(asctime)s %(levelname)s [%(process)d] %(message)s")
    lock = open(Path(data_dir) / "nx-27017.lock", "w")  # noqa: SIM115 - held for the life of the process
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        logging.error("%s is in use by another process", data_dir)
        return LOCKED_EXIT_CODE
    asyncio.run(_serve(socket_path, data_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
