"""The chapter's data transformations as pure, seeded functions that never touch their inputs."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

from manifoldviz.arrays import FloatArray
from manifoldviz.errors import InvalidInputError
from manifoldviz.seeding import rng

ScalarT = TypeVar("ScalarT", bound=np.generic)


def flatten_scaled(x: npt.NDArray[np.uint8]) -> FloatArray:
    """Images (N, 28, 28) uint8 to (N, 784) float32 in [0, 1], as the chapter feeds its MLP."""
    return (x.reshape(len(x), -1).astype(np.float32)) / np.float32(255.0)


def noise_channels(n_rows: int, *, seed: int, n_channels: int = 784) -> FloatArray:
    """White-noise features, uniform on [0, 1), float32: the extra columns of the experiment."""
    return rng(seed, "noise-channels").random((n_rows, n_channels), dtype=np.float32)


def with_noise_channels(x_flat: FloatArray, *, seed: int, n_channels: int = 784) -> FloatArray:
    """Append ``n_channels`` white-noise features (:func:`noise_channels`) to flattened images.

    The original columns are copied unchanged; the noise is float32 from the start (the chapter
    builds it in float64 and concatenates, holding three copies at once).
    """
    out = np.empty((len(x_flat), x_flat.shape[1] + n_channels), dtype=np.float32)
    out[:, : x_flat.shape[1]] = x_flat
    out[:, x_flat.shape[1] :] = noise_channels(len(x_flat), seed=seed, n_channels=n_channels)
    return out


def with_zero_channels(x_flat: FloatArray, *, n_channels: int = 784) -> FloatArray:
    """Append ``n_channels`` all-zero features (the chapter's control for the noise channels)."""
    out = np.zeros((len(x_flat), x_flat.shape[1] + n_channels), dtype=np.float32)
    out[:, : x_flat.shape[1]] = x_flat
    return out


def shuffled_labels(
    y: npt.NDArray[np.integer], *, fraction: float = 1.0, seed: int
) -> npt.NDArray[np.integer]:
    """Return a copy of ``y`` where a ``fraction`` of the labels are permuted among themselves.

    ``fraction=1`` is the chapter's full shuffle. Permuting (rather than drawing new labels)
    keeps every class count exactly. The caller's array is never modified: the chapter's own
    ``train_labels[:]`` is a view, and shuffling it in place corrupts the originals.
    """
    if not 0.0 <= fraction <= 1.0:
        raise InvalidInputError(
            f"label-noise fraction must be in [0, 1], got {fraction}", param="label_noise"
        )
    generator = rng(seed, "shuffled-labels")
    out = np.array(y, copy=True)
    n_corrupt = round(fraction * len(y))
    chosen = np.sort(generator.choice(len(y), size=n_corrupt, replace=False))
    out[chosen] = out[generator.permutation(chosen)]
    return out


def imbalanced_binary(
    x: npt.NDArray[ScalarT],
    y: npt.NDArray[np.integer],
    *,
    positive_digit: int,
    positive_fraction: float = 0.1,
    n: int | None = None,
    seed: int,
) -> tuple[npt.NDArray[ScalarT], npt.NDArray[np.uint8]]:
    """A binary task "is it ``positive_digit``?" where positives make up ``positive_fraction``.

    Returns the chosen images and 0/1 labels (1 = the positive digit), in a seeded order. With
    the default 0.1 a classifier that always answers 0 already scores 90% accuracy.
    """
    if not 0.0 < positive_fraction < 1.0:
        raise InvalidInputError(
            f"imbalance fraction must be in (0, 1), got {positive_fraction}", param="imbalance"
        )
    if not 0 <= positive_digit <= 9:
        raise InvalidInputError(f"digit must be 0-9, got {positive_digit}", param="digit")
    generator = rng(seed, "imbalanced-binary")
    positives = np.flatnonzero(y == positive_digit)
    negatives = np.flatnonzero(y != positive_digit)
    if len(positives) == 0 or len(negatives) == 0:
        raise InvalidInputError(
            f"digit {positive_digit} needs both positives and negatives", param="digit"
        )
    total_cap = min(len(positives) / positive_fraction, len(negatives) / (1 - positive_fraction))
    total = int(min(n if n is not None else total_cap, total_cap))
    n_pos = max(1, round(total * positive_fraction))
    n_neg = max(1, total - n_pos)
    chosen = np.concatenate(
        [
            generator.choice(positives, size=n_pos, replace=False),
            generator.choice(negatives, size=n_neg, replace=False),
        ]
    )
    chosen = generator.permutation(chosen)
    return x[chosen], (y[chosen] == positive_digit).astype(np.uint8)
