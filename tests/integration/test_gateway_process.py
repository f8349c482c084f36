"""`python -m server serve` serves REST on VECPLANE_HTTP_PORT next to gRPC, and on SIGTERM lets a
REST call that is still running finish (the gateway stops before the gRPC server it calls)."""

from __future__ import annotations

import concurrent.futures
import re
import socket
import time

import httpx
import pytest

from server.config import StartupError
from tests.support.servers import ADMIN_KEY, InProcessServer, ServerProcess
from tests.support.servers import test_settings as settings_for


@pytest.mark.slow  # a server process or a build; over 5 s
def test_serve_answers_rest_and_finishes_running_calls_on_sigterm(tmp_path):
    process = ServerProcess(tmp_path / "data", env={"VECPLANE_FAULTS": "rpc.ListFeatureExtractors=sleep:1.5"}).start()
    try:
        base = f"http://127.0.0.1:{process.http_port}"
        headers = {"authorization": f"Bearer {ADMIN_KEY}"}
        created = httpx.post(f"{base}/v1/namespaces", headers=headers, json={"namespace_name": "proc", "feature_extractors": [{"feature_extractor_name": "text_extractor", "version": "v1"}]})
        assert created.status_code == 200, created.text
        assert httpx.get(f"{base}/v1/namespaces/proc", headers=headers).json()["namespace_id"] == created.json()["namespace_id"]
        assert httpx.get(f"{base}/openapi.json").json()["openapi"] == "3.1.0"

        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            slow = pool.submit(httpx.get, f"{base}/v1/features/extractors", headers=headers, timeout=30)
            # SIGTERM only once the call is inside the server (sleeping at its fault point).
            deadline = time.monotonic() + 20
            while not re.search(r'^vecplane_rpc_in_flight\{transport="rest"\} 1\.0$', httpx.get(f"{base}/metrics").text, re.MULTILINE):
                assert time.monotonic() < deadline, "the call never reached the server"
                time.sleep(0.02)
            assert process.stop() == 0
            response = slow.result(30)
        assert response.status_code == 200, response.text
        assert "text_extractor_v1" in {item["feature_extractor_id"] for item in response.json()}
    finally:
        process.kill()


def test_http_port_in_use_fails_the_start_and_releases_everything(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = InProcessServer(settings_for(tmp_path, http_port=port))
        server.thread.start()
        try:
            with pytest.raises(StartupError, match=f"^VECPLANE_HTTP_PORT: cannot listen on 127.0.0.1:{port} "):
                server.run(server.app.start())
            assert server.app._server is None and server.app.gateway is None
        finally:
            server.loop.call_soon_threadsafe(server.loop.stop)
            server.thread.join(10)
    # The data dir is free again: a server on it starts (its embedded MongoDB was stopped).
    again = InProcessServer(settings_for(tmp_path)).start()
    try:
        assert httpx.get(f"http://127.0.0.1:{again.app.http_port}/openapi.json").status_code == 200
    finally:
        again.stop()
