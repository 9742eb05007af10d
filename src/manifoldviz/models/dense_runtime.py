"""Cached models run without TensorFlow: dense stacks as numpy matrix products.

Dense models are saved as plain weight arrays and run with numpy when loaded from the cache, so a
warm ``interpolate`` never imports TensorFlow (seconds on a 2-core machine). Other models load
through Keras with ``safe_mode=True`` (:class:`KerasNet`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from manifoldviz.arrays import FloatArray


class DenseStack:
    """A stack of dense layers run with numpy: ``x @ W + b`` then the activation, in turn."""

    def __init__(self, weights: list[FloatArray], activations: list[str]):
        self.weights = weights
        self.activations = activations

    @classmethod
    def from_keras(cls, model: Any) -> DenseStack:
        weights, activations = [], []
        for layer in model.layers:
            kernel, bias = (np.asarray(w, dtype=np.float32) for w in layer.get_weights())
            weights += [kernel, bias]
            activations.append(layer.get_config()["activation"])
        return cls(weights, activations)

    @classmethod
    def load(cls, path: Path) -> DenseStack:
        with np.load(path, allow_pickle=False) as arrays:
            n_layers = int(arrays["n_layers"])
            weights = [arrays[f"w{i}"] for i in range(2 * n_layers)]
            activations = [str(arrays[f"activation{i}"]) for i in range(n_layers)]
        return cls(weights, activations)

    def save(self, path: Path) -> None:
        arrays: dict[str, Any] = {"n_layers": np.array(len(self.activations))}
        arrays.update({f"w{i}": w for i, w in enumerate(self.weights)})
        arrays.update({f"activation{i}": np.array(a) for i, a in enumerate(self.activations)})
        np.savez(path, **arrays)

    def head(self, n_layers: int) -> DenseStack:
        """The first ``n_layers`` layers alone (a classifier's hidden features, say)."""
        return DenseStack(self.weights[: 2 * n_layers], self.activations[:n_layers])

    def __call__(self, x: FloatArray) -> FloatArray:
        out = np.asarray(x, dtype=np.float32)
        for i, activation in enumerate(self.activations):
            out = out @ self.weights[2 * i] + self.weights[2 * i + 1]
            out = ACTIVATIONS[activation](out)
        return out


def _softmax(x: FloatArray) -> FloatArray:
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def _sigmoid(x: FloatArray) -> FloatArray:
    # exp(-x) overflows to inf for very negative x, where 1 / (1 + inf) = 0 is the right answer.
    with np.errstate(over="ignore"):
        return (1 / (1 + np.exp(-x))).astype(np.float32, copy=False)


ACTIVATIONS: dict[str, Callable[[FloatArray], FloatArray]] = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "sigmoid": _sigmoid,
    "softmax": _softmax,
}


class KerasNet:
    """A saved Keras model loaded safely (``safe_mode=True``) and called on numpy arrays."""

    def __init__(self, path: Path):
        from manifoldviz.keras_import import keras_module

        self.model = keras_module().saving.load_model(path, safe_mode=True, compile=False)

    def __call__(self, x: FloatArray) -> FloatArray:
        return np.asarray(self.model.predict(np.asarray(x, np.float32), verbose=0), np.float32)
