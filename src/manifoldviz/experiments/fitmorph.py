"""From random model to robust fit to overfit, on a 2-D toy problem you can see whole.

The chapter's "why deep learning works" sequence: two noisy classes in the plane, a model
trained long enough to go from its random initial boundary, through a robust fit, to an overfit
boundary that carves around individual noisy points; then the test-time view of the robust and
the overfit model on fresh points from the same distribution. The robust snapshot is the one
with the lowest loss on a held-out set, the overfit one is the last.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from manifoldviz.arrays import FloatArray
from manifoldviz.errors import InvalidInputError
from manifoldviz.provenance import library_versions
from manifoldviz.seeding import rng


@dataclass(frozen=True)
class FitMorphConfig:
    """The toy data and a model big enough to overfit it."""

    seed: int = 0
    n_points: int = 200
    noise: float = 0.35
    n_epochs: int = 1500
    hidden: int = 128
    n_layers: int = 3
    learning_rate: float = 3e-3
    n_snapshots: int = 40
    grid: int = 160

    def __post_init__(self) -> None:
        if self.n_epochs < 1:
            raise InvalidInputError(
                f"epochs must be at least 1, got {self.n_epochs}", param="n_epochs"
            )
        if self.n_points < 20:
            raise InvalidInputError(
                f"points must be at least 20, got {self.n_points}", param="n_points"
            )
        if not 0 <= self.noise < 2:
            raise InvalidInputError(f"noise must be in [0, 2), got {self.noise}", param="noise")


def two_noisy_classes(n: int, noise: float, *, seed: int) -> tuple[FloatArray, np.ndarray]:
    """Two interleaved half-moons with Gaussian noise, standardised: (points, 0/1 labels)."""
    from sklearn.datasets import make_moons

    x, y = make_moons(
        n_samples=n, noise=noise, random_state=int(rng(seed, "moons").integers(2**31))
    )
    x = (x - np.array([0.5, 0.25])) / np.array([0.87, 0.5])
    return x.astype(np.float32), y.astype(np.int64)


@dataclass(frozen=True)
class FitMorphResult:
    """Decision-function snapshots on a grid, the data, and which snapshots tell the story."""

    settings: dict[str, Any]
    x_train: FloatArray
    y_train: np.ndarray
    x_test: FloatArray
    y_test: np.ndarray
    grid_x: FloatArray
    grid_y: FloatArray
    probabilities: FloatArray  # (n_snapshots, grid, grid): P(class 1)
    epochs: list[int]
    history: dict[str, list[float]] = field(default_factory=dict)
    robust: int = 0
    test_accuracy: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "epochs": self.epochs,
            "robust_snapshot_epoch": self.epochs[self.robust],
            "test_accuracy": self.test_accuracy,
            "history": self.history,
            "produced_by": library_versions(),
        }


def snapshot_epochs(n_epochs: int, n_snapshots: int) -> list[int]:
    """Epochs to snapshot, log-spaced (early change is fast), always with 0 and the last."""
    spaced = np.geomspace(1, n_epochs, max(2, n_snapshots - 1)).round().astype(int)
    return sorted({0, *spaced.tolist(), n_epochs})


def run(config: FitMorphConfig | None = None, *, progress: Any = None) -> FitMorphResult:
    """Train on the toy problem, snapshotting the decision function; pick robust and overfit."""
    from manifoldviz.models.architectures import chapter_mlp
    from manifoldviz.training.loop import accuracy, fit_classifier

    config = config or FitMorphConfig()
    x_train, y_train = two_noisy_classes(config.n_points, config.noise, seed=config.seed)
    x_val, y_val = two_noisy_classes(1000, config.noise, seed=config.seed + 1)
    x_test, y_test = two_noisy_classes(config.n_points, config.noise, seed=config.seed + 2)
    span = np.abs(np.concatenate([x_train, x_test])).max() * 1.1
    axis = np.linspace(-span, span, config.grid, dtype=np.float32)
    grid_x, grid_y = np.meshgrid(axis, axis)
    grid = np.stack([grid_x.ravel(), grid_y.ravel()], axis=1)
    model = chapter_mlp(
        2,
        config.seed,
        hidden=config.hidden,
        layers=config.n_layers,
        learning_rate=config.learning_rate,
        n_classes=2,
    )
    wanted = set(snapshot_epochs(config.n_epochs, config.n_snapshots))
    epochs, surfaces, val_losses = [], [], []

    def snap(epoch: int) -> None:
        probabilities = np.asarray(model(grid, training=False))[:, 1]
        surfaces.append(probabilities.reshape(config.grid, config.grid))
        epochs.append(epoch)
        predicted = np.asarray(model(x_val, training=False))
        val_losses.append(
            float(-np.mean(np.log(np.clip(predicted[np.arange(len(y_val)), y_val], 1e-7, 1))))
        )

    snap(0)
    history = fit_classifier(
        model,
        x_train,
        y_train,
        seed=config.seed,
        n_epochs=config.n_epochs,
        batch_size=len(x_train),
        label="toy MLP",
        progress=None,
        on_epoch_end=lambda epoch, logs: snap(epoch + 1) if epoch + 1 in wanted else None,
    )
    robust = int(np.argmin(val_losses))
    result = FitMorphResult(
        asdict(config),
        x_train,
        y_train,
        x_test,
        y_test,
        grid_x,
        grid_y,
        np.asarray(surfaces, dtype=np.float32),
        epochs,
        {k: v[:: max(1, len(v) // 200)] for k, v in history.items()},
        robust,
    )
    result = dataclasses.replace(
        result,
        test_accuracy={
            "overfit": accuracy(model, x_test, y_test),
            "robust": float(np.mean((surface_at(result, robust, x_test) > 0.5) == y_test)),
            "overfit_train": accuracy(model, x_train, y_train),
        },
    )
    if progress:
        progress(
            f"robust fit at epoch {epochs[robust]}; test accuracy robust "
            f"{result.test_accuracy['robust']:.2f}, overfit "
            f"{result.test_accuracy['overfit']:.2f}"
        )
    return result


def surface_at(result: FitMorphResult, index: int, points: FloatArray) -> np.ndarray:
    """P(class 1) of snapshot ``index`` at ``points``, read off its grid (nearest cell)."""
    axis = result.grid_x[0]
    cols = np.clip(np.searchsorted(axis, points[:, 0]), 0, len(axis) - 1)
    rows = np.clip(np.searchsorted(axis, points[:, 1]), 0, len(axis) - 1)
    return result.probabilities[index][rows, cols]
