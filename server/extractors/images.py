"""Image decoding and the built-in offline image model: a perceptual-hash plus colour-histogram
fingerprint for near-duplicate search. It is not a semantic embedding (a red dress and a red car
with the same colours are close; the same dress photographed differently is not)."""

from __future__ import annotations

import asyncio
import io
import warnings
from collections.abc import Sequence

import imagehash
import numpy as np
from PIL import Image

from server.extractors.runtime import BadInput, normalize

MAX_PIXELS = 64_000_000  # refuse decompression bombs before decoding them
HASH_BITS = 64  # 8x8 DCT perceptual hash
HISTOGRAM_LEVELS = 4  # per channel: 4 x 4 x 4 = 64 RGB bins
FINGERPRINT_DIMENSIONS = HASH_BITS + HISTOGRAM_LEVELS**3
FINGERPRINT_MODEL_ID = "pHash-64 + RGB histogram-64 (imagehash, Pillow)"


def decode_image(data: bytes, index: int) -> Image.Image:
    """The image in `data` as RGB; BadInput if it is not a readable image or is too large."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise BadInput(index, f"image is {image.width}x{image.height}; at most {MAX_PIXELS} pixels are accepted")
            image.load()
    except BadInput:
        raise
    except (OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise BadInput(index, f"not a readable image ({exc.__class__.__name__})") from None
    return image.convert("RGB")


def fingerprint(image: Image.Image) -> tuple[np.ndarray, str]:
    """The fingerprint vector and the hash in hex. The two halves have equal weight: cosine of two
    fingerprints = (share of equal hash bits * 2 - 1 + histogram cosine) / 2."""
    phash = imagehash.phash(image, hash_size=8)
    bits = np.where(phash.hash.flatten(), 1.0, -1.0)
    small = np.asarray(image.resize((64, 64)), dtype=np.int64) * HISTOGRAM_LEVELS // 256
    bins = (small[..., 0] * HISTOGRAM_LEVELS + small[..., 1]) * HISTOGRAM_LEVELS + small[..., 2]
    histogram = np.bincount(bins.ravel(), minlength=HISTOGRAM_LEVELS**3).astype(np.float64)
    parts = normalize(np.stack([np.pad(bits, (0, len(histogram))), np.pad(histogram, (len(bits), 0))]))
    vector = (parts[0] + parts[1]) / np.sqrt(2)
    return vector.astype(np.float32), str(phash)


class FingerprintEmbedder:
    """ImageEmbedder for the fingerprint; `fingerprint_all` also gives each image's hash and size."""

    model_id = FINGERPRINT_MODEL_ID
    dimensions = FINGERPRINT_DIMENSIONS
    max_batch = 64

    def fingerprint_all(self, images: Sequence[bytes]) -> tuple[np.ndarray, list[str], list[tuple[int, int]]]:
        vectors, hashes, sizes = [], [], []
        for index, data in enumerate(images):
            image = decode_image(data, index)
            vector, hashed = fingerprint(image)
            vectors.append(vector)
            hashes.append(hashed)
            sizes.append(image.size)
        return np.stack(vectors), hashes, sizes

    async def embed_images(self, images: Sequence[bytes]) -> np.ndarray:
        vectors, _hashes, _sizes = await asyncio.to_thread(self.fingerprint_all, images)
        return vectors
