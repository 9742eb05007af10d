"""The weight-space view of training, after Li et al. (2018), with a random-walk control.

The flattened weights at each snapshot are projected on the top two principal directions of
their differences from the final weights; the loss is evaluated on that plane (a grid of weight
vectors ``final + a·pc1 + b·pc2``) and drawn as contours under the path. Because PCA makes
almost any high-dimensional random walk look like a smooth, low-dimensional curve (Antognini
and Sohl-Dickstein, 2018), the same projection of a random walk with the same step lengths is
computed as a control, so the picture is not over-read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from manifoldviz.seeding import rng

Float64Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class WeightPath:
    """A path projected on its two principal directions, with their explained variance."""

    coords: Float64Array
    explained: tuple[float, float]
    directions: Float64Array


def principal_path(weights: npt.NDArray[np.floating]) -> WeightPath:
    """Project snapshots (n_snapshots, n_parameters) on the top-2 PCA directions of
    ``weights - weights[-1]`` (the final weights at the origin)."""
    deltas = np.asarray(weights, dtype=np.float64) - np.asarray(weights[-1], dtype=np.float64)
    centred = deltas - deltas.mean(axis=0)
    _, singular, vt = np.linalg.svd(centred, full_matrices=False)
    variance = singular**2
    explained = variance[:2] / max(float(variance.sum()), 1e-300)
    directions = vt[:2]
    return WeightPath(deltas @ directions.T, (float(explained[0]), float(explained[1])), directions)


def matched_random_walk(weights: npt.NDArray[np.floating], *, seed: int) -> Float64Array:
    """A random walk from the same start with the same step lengths, in random directions."""
    steps = np.linalg.norm(np.diff(np.asarray(weights, dtype=np.float64), axis=0), axis=1)
    generator = rng(seed, "random-walk")
    directions = generator.standard_normal((len(steps), weights.shape[1]))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    walk = np.concatenate(
        [np.zeros((1, weights.shape[1])), np.cumsum(directions * steps[:, None], axis=0)]
    )
    return walk + np.asarray(weights[0], dtype=np.float64)


def loss_surface(
    path: WeightPath,
    final: npt.NDArray[np.floating],
    loss_of: Callable[[npt.NDArray[np.float32]], float],
    *,
    n_grid: int = 17,
    margin: float = 0.25,
) -> tuple[Float64Array, Float64Array, Float64Array]:
    """Loss on an ``n_grid`` × ``n_grid`` grid of the plane around the path: (xs, ys, loss)."""
    low, high = path.coords.min(axis=0), path.coords.max(axis=0)
    pad = margin * np.maximum(high - low, 1e-6)
    xs = np.linspace(low[0] - pad[0], high[0] + pad[0], n_grid)
    ys = np.linspace(low[1] - pad[1], high[1] + pad[1], n_grid)
    surface = np.empty((n_grid, n_grid))
    base = np.asarray(final, dtype=np.float64)
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            point = base + x * path.directions[0] + y * path.directions[1]
            surface[i, j] = loss_of(point.astype(np.float32))
    return xs, ys, surface


def dense_loss(
    shapes: list[tuple[int, ...]],
    activations: list[str],
    x: npt.NDArray[np.float32],
    y: npt.NDArray[np.integer],
) -> Callable[[npt.NDArray[np.float32]], float]:
    """Crossentropy of a dense stack whose weights come as one flat vector (numpy, fast)."""
    from manifoldviz.models.dense_runtime import DenseStack

    sizes = [int(np.prod(s)) for s in shapes]
    offsets = np.cumsum([0, *sizes])

    def loss_of(flat: npt.NDArray[np.float32]) -> float:
        weights = [flat[offsets[i] : offsets[i + 1]].reshape(shapes[i]) for i in range(len(shapes))]
        probabilities = DenseStack(weights, activations)(x)
        picked = probabilities[np.arange(len(y)), y]
        return float(-np.mean(np.log(np.clip(picked, 1e-7, 1.0))))

    return loss_of
