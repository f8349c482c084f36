"""Image encoders exported to ONNX, loaded from the model directory (VECPLANE_MODEL_DIR).

`<model dir>/<model>/` holds `model.onnx` (one NCHW float32 image input, first output the embedding,
shape (batch, dimensions)) and `model.json`:

    {"model_id": "google/siglip-base-patch16-224 (vision)", "sha256": "<of model.onnx>",
     "image_size": 224, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}

`<model>` is the catalogue model (the vector name), e.g. `google_siglip_base_v1`. The file's hash is
checked before it is loaded, and the embedding size is measured on a probe image."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime
from PIL import Image

from server.extractors.images import decode_image
from server.extractors.runtime import normalize


class OnnxModelError(Exception):
    """A model directory entry is incomplete or inconsistent; the message names the file."""


@dataclass(frozen=True)
class OnnxImageConfig:
    model_id: str
    sha256: str
    image_size: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]

    @classmethod
    def read(cls, path: Path) -> OnnxImageConfig:
        try:
            data = json.loads(path.read_text())
            config = cls(
                model_id=str(data["model_id"]),
                sha256=str(data["sha256"]).lower(),
                image_size=int(data["image_size"]),
                mean=tuple(float(v) for v in data.get("mean", (0.5, 0.5, 0.5))),  # type: ignore[arg-type]
                std=tuple(float(v) for v in data.get("std", (0.5, 0.5, 0.5))),  # type: ignore[arg-type]
            )
        except (OSError, ValueError, TypeError) as exc:
            raise OnnxModelError(f"{path}: {exc}") from None
        except KeyError as exc:
            raise OnnxModelError(f"{path}: {exc.args[0]} is required") from None
        if len(config.mean) != 3 or len(config.std) != 3 or not 1 <= config.image_size <= 4096:
            raise OnnxModelError(f"{path}: mean and std need 3 values, image_size 1-4096")
        return config


def model_files(model_dir: Path | None, model: str) -> Path | None:
    """The folder of `model` in the model directory, if it has a model.onnx."""
    if model_dir is None:
        return None
    folder = model_dir / model
    return folder if (folder / "model.onnx").is_file() else None


class OnnxImageEmbedder:
    """An ImageEmbedder: resize (bicubic) to a square, scale to [0, 1], normalize by mean/std, run,
    L2-normalize."""

    max_batch = 32

    def __init__(self, folder: Path, threads: int | None = None):
        self.config = OnnxImageConfig.read(folder / "model.json")
        model = (folder / "model.onnx").read_bytes()
        actual = hashlib.sha256(model).hexdigest()
        if actual != self.config.sha256:
            raise OnnxModelError(f"{folder / 'model.onnx'}: SHA-256 {actual} is not the {self.config.sha256} of model.json")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        self._input = self._session.get_inputs()[0].name
        self._lock = asyncio.Lock()
        self.model_id = self.config.model_id
        probe = self._run([Image.new("RGB", (self.config.image_size, self.config.image_size), (127, 127, 127))])
        if probe.ndim != 2:
            raise OnnxModelError(f"{folder / 'model.onnx'}: the first output has shape {probe.shape}; (batch, dimensions) is needed")
        self.dimensions = int(probe.shape[1])

    def _run(self, images: list[Image.Image]) -> np.ndarray:
        size = self.config.image_size
        mean = np.array(self.config.mean, dtype=np.float32)
        std = np.array(self.config.std, dtype=np.float32)
        pixels = np.stack([np.asarray(i.resize((size, size), Image.Resampling.BICUBIC), dtype=np.float32) / 255.0 for i in images])
        batch = ((pixels - mean) / std).transpose(0, 3, 1, 2)
        return np.asarray(self._session.run(None, {self._input: np.ascontiguousarray(batch)})[0])

    def embed_sync(self, images: Sequence[bytes]) -> np.ndarray:
        return normalize(self._run([decode_image(data, index) for index, data in enumerate(images)]))

    async def embed_images(self, images: Sequence[bytes]) -> np.ndarray:
        async with self._lock:
            return await asyncio.to_thread(self.embed_sync, images)
