"""An HTTP client for the REST gateway (httpx), with a key and a namespace as headers."""

from __future__ import annotations

from typing import Any

import httpx


class Rest:
    def __init__(self, base_url: str, key: str | None = None, namespace: str | None = None):
        headers: dict[str, str] = {}
        if key is not None:
            headers["authorization"] = f"Bearer {key}"
        if namespace is not None:
            headers["x-namespace"] = namespace
        self.base_url = base_url
        self.key = key
        self.client = httpx.Client(base_url=base_url, headers=headers, timeout=60)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.request(method, path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.post(path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.patch(path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.put(path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.delete(path, **kwargs)

    def in_namespace(self, namespace: str) -> Rest:
        return Rest(self.base_url, self.key, namespace)


def envelope(response: httpx.Response, status: int, error_type: str) -> dict[str, Any]:
    """Asserts Mixpeek's error envelope with that status and type; returns its `error`."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["success"] is False and body["status"] == status, body
    assert body["error"]["type"] == error_type, body
    assert body["error"]["message"]
    return body["error"]
