"""Tiny ONNX image encoders built by the tests (no weights ship in any package): the mean colour of
the image, projected to `dimensions` by a fixed random matrix. Real onnxruntime runs them through the
same code path as a real encoder exported to ONNX."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

IMAGE_SIZE = 16


def build_image_encoder(model_dir: Path, model: str, dimensions: int, *, seed: int = 7) -> Path:
    """Writes `<model_dir>/<model>/model.onnx` and its model.json; returns the folder."""
    weights = np.random.default_rng(seed).standard_normal((3, dimensions)).astype(np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("GlobalAveragePool", ["pixel_values"], ["pooled"]),
            helper.make_node("Flatten", ["pooled"], ["colour"]),
            helper.make_node("MatMul", ["colour", "projection"], ["projected"]),
            helper.make_node("Tanh", ["projected"], ["image_embeds"]),
        ],
        "tiny_image_encoder",
        [helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["batch", 3, IMAGE_SIZE, IMAGE_SIZE])],
        [helper.make_tensor_value_info("image_embeds", TensorProto.FLOAT, ["batch", dimensions])],
        initializer=[numpy_helper.from_array(weights, "projection")],
    )
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(proto)
    folder = model_dir / model
    folder.mkdir(parents=True, exist_ok=True)
    data = proto.SerializeToString()
    (folder / "model.onnx").write_bytes(data)
    config = {"model_id": f"tiny test encoder ({dimensions}-d)", "sha256": hashlib.sha256(data).hexdigest(), "image_size": IMAGE_SIZE, "mean": [0.5] * 3, "std": [0.5] * 3}
    (folder / "model.json").write_text(json.dumps(config))
    return folder
