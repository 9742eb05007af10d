"""Cached convolutional models run without TensorFlow: each layer as a few numpy products.

The convolutional autoencoder's layers (Reshape, Conv2D, Conv2DTranspose, Flatten, Dense) are
saved as plain arrays plus their settings, and run here when loaded from the cache, so a warm
``interpolate --model conv`` never imports TensorFlow (seconds on a 2-core machine). Each
convolution is a sum over the kernel's offsets of one strided slice times one kernel tap, with
TensorFlow's "same" padding (the extra row and column go after), so results match Keras to
float32 rounding.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from manifoldviz.arrays import FloatArray
from manifoldviz.models.dense_runtime import ACTIVATIONS

#: The Keras layer types this numpy runtime can run.
LAYERS = ("Reshape", "Flatten", "Dense", "Conv2D", "Conv2DTranspose")


def _same_padding(size_in: int, size_out: int, stride: int, kernel: int) -> int:
    """Rows TensorFlow pads *before* the input for "same" padding (the rest go after)."""
    return max((size_out - 1) * stride + kernel - size_in, 0) // 2


def conv2d(x: FloatArray, kernel: FloatArray, stride: int, padding: str) -> FloatArray:
    """Keras Conv2D (channels last, no dilation): (N, H, W, C) -> (N, H', W', F)."""
    n, height, width, _ = x.shape
    k_h, k_w, _, filters = kernel.shape
    if padding == "same":
        out_h, out_w = math.ceil(height / stride), math.ceil(width / stride)
        top, left = (
            _same_padding(height, out_h, stride, k_h),
            _same_padding(width, out_w, stride, k_w),
        )
    else:
        out_h, out_w = (height - k_h) // stride + 1, (width - k_w) // stride + 1
        top = left = 0
    padded = np.zeros(
        (n, (out_h - 1) * stride + k_h, (out_w - 1) * stride + k_w, x.shape[3]), np.float32
    )
    rows, cols = min(height, padded.shape[1] - top), min(width, padded.shape[2] - left)
    padded[:, top : top + rows, left : left + cols] = x[:, :rows, :cols]
    out = np.zeros((n, out_h, out_w, filters), np.float32)
    for i in range(k_h):
        for j in range(k_w):
            window = padded[:, i : i + stride * out_h : stride, j : j + stride * out_w : stride]
            out += window @ kernel[i, j]
    return out


def conv2d_transpose(x: FloatArray, kernel: FloatArray, stride: int, padding: str) -> FloatArray:
    """Keras Conv2DTranspose (channels last): (N, H, W, C) -> (N, H·s, W·s, F) for "same".

    The transpose of :func:`conv2d`: input pixel (i, j) adds ``x[i, j] @ kernel[a, b].T`` at
    output (i·s + a - top, j·s + b - left). Keras stores the kernel as (k_h, k_w, F, C).
    """
    n, height, width, _ = x.shape
    k_h, k_w, filters, _ = kernel.shape
    if padding == "same":
        out_h, out_w = height * stride, width * stride
    else:
        out_h, out_w = (height - 1) * stride + k_h, (width - 1) * stride + k_w
    top = _same_padding(out_h, height, stride, k_h) if padding == "same" else 0
    left = _same_padding(out_w, width, stride, k_w) if padding == "same" else 0
    # Room for every kernel tap and for the whole output (a stride larger than the kernel
    # leaves output rows no tap reaches: they stay at zero, plus the bias).
    full_h = max((height - 1) * stride + k_h, top + out_h)
    full_w = max((width - 1) * stride + k_w, left + out_w)
    full = np.zeros((n, full_h, full_w, filters), np.float32)
    for a in range(k_h):
        for b in range(k_w):
            full[:, a : a + stride * height : stride, b : b + stride * width : stride] += (
                x @ kernel[a, b].T
            )
    return full[:, top : top + out_h, left : left + out_w]


class LayerStack:
    """A sequence of Keras layers run with numpy (the layer types in :data:`LAYERS`)."""

    def __init__(self, layers: list[dict[str, Any]], weights: list[list[FloatArray]]):
        self.layers = layers
        self.weights = weights

    @classmethod
    def from_keras(cls, model: Any) -> LayerStack:
        """The layers of a Keras Sequential model: their settings and weights."""
        layers, weights = [], []
        for layer in model.layers:
            kind = type(layer).__name__
            if kind not in LAYERS:
                raise ValueError(f"no numpy runtime for a {kind} layer")
            config = layer.get_config()
            keep = ("target_shape", "activation", "strides", "padding")
            layers.append({"kind": kind, **{k: config[k] for k in keep if k in config}})
            weights.append([np.asarray(w, dtype=np.float32) for w in layer.get_weights()])
        return cls(layers, weights)

    def save(self, path: Path) -> None:
        """Plain arrays and one JSON string of layer settings, as an ``.npz`` (no pickles)."""
        arrays: dict[str, Any] = {"layers": np.array(json.dumps(self.layers))}
        for i, layer_weights in enumerate(self.weights):
            arrays.update({f"l{i}_w{j}": w for j, w in enumerate(layer_weights)})
        np.savez(path, **arrays)

    @classmethod
    def load(cls, path: Path) -> LayerStack:
        """Read a stack written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as arrays:
            layers = json.loads(str(arrays["layers"]))
            weights = [
                [arrays[f"l{i}_w{j}"] for j in range(_count(arrays.files, i))]
                for i in range(len(layers))
            ]
        return cls(layers, weights)

    def __call__(self, x: FloatArray) -> FloatArray:
        out = np.asarray(x, dtype=np.float32)
        for layer, weights in zip(self.layers, self.weights, strict=True):
            out = _apply(layer, weights, out)
        return out


def _count(names: list[str], layer: int) -> int:
    return sum(name.startswith(f"l{layer}_w") for name in names)


def _apply(layer: dict[str, Any], weights: list[FloatArray], x: FloatArray) -> FloatArray:
    kind = layer["kind"]
    if kind == "Reshape":
        return x.reshape(len(x), *layer["target_shape"])
    if kind == "Flatten":
        return x.reshape(len(x), -1)
    if kind == "Dense":
        out = x @ weights[0] + weights[1]
    elif kind == "Conv2D":
        out = conv2d(x, weights[0], int(layer["strides"][0]), layer["padding"]) + weights[1]
    else:
        out = (
            conv2d_transpose(x, weights[0], int(layer["strides"][0]), layer["padding"]) + weights[1]
        )
    return ACTIVATIONS[layer["activation"]](out.astype(np.float32, copy=False))
