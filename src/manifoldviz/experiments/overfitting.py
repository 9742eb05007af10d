"""The canonical overfitting curve (the chapter's figure 5.1) from a real run.

A large MLP (two hidden layers of 1,024) trained on a small subset of MNIST with a fixed
validation set: validation loss falls, bottoms out, then climbs while training loss keeps
falling. The best epoch (where early stopping would stop) and the underfit / robust-fit /
overfit regions come from the run itself, not from a drawing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from manifoldviz.data.sources import MnistData, stratified_subset
from manifoldviz.data.transforms import flatten_scaled
from manifoldviz.errors import InvalidInputError
from manifoldviz.experiments.sweep import ExperimentResult, Run, Settings, sweep
from manifoldviz.models.architectures import chapter_mlp
from manifoldviz.progress import Progress
from manifoldviz.runs.executor import Executor
from manifoldviz.training.loop import fit_classifier
from manifoldviz.training.pool import reusing

NAME = "overfitting"


@dataclass(frozen=True)
class OverfittingConfig(Settings):
    """A small training set and a big model, so it overfits within a few epochs."""

    n_epochs: int = 30
    batch_size: int = 32
    train_size: int = 1000
    validation_size: int = 5000
    hidden: int = 1024
    n_layers: int = 2
    learning_rate: float = 1e-3

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.train_size < 10 or self.validation_size < 10:
            raise InvalidInputError(
                "train and validation sizes must be at least 10", param="train_size"
            )


def regions(val_loss: list[float], *, tolerance: float = 0.1) -> dict[str, int]:
    """The best epoch and the robust-fit span around it (0-based, inclusive).

    Robust fit: the contiguous epochs around the minimum whose validation loss is within
    ``tolerance`` of the drop from the first epoch to the minimum. Before it the model
    underfits; after it, it overfits.
    """
    losses = np.asarray(val_loss, dtype=float)
    best = int(np.argmin(losses))
    threshold = losses[best] + tolerance * max(losses[0] - losses[best], 1e-12)
    start = best
    while start > 0 and losses[start - 1] <= threshold:
        start -= 1
    end = best
    while end < len(losses) - 1 and losses[end + 1] <= threshold:
        end += 1
    return {"best_epoch": best, "robust_start": start, "robust_end": end}


def train_run(
    data: MnistData,
    settings: OverfittingConfig,
    condition: str,
    seed: int,
    progress: Progress | None = None,
) -> Run:
    """Train one model for ``condition`` and ``seed`` (module level: workers import it)."""
    train = stratified_subset(data.y_train, settings.train_size, seed=seed)
    held = stratified_subset(data.y_test, settings.validation_size, seed=seed + 1)
    model = reusing(
        chapter_mlp(
            784,
            seed,
            hidden=settings.hidden,
            layers=settings.n_layers,
            learning_rate=settings.learning_rate,
        )
    )
    history = fit_classifier(
        model,
        flatten_scaled(data.x_train[train]),
        data.y_train[train],
        seed=seed,
        n_epochs=settings.n_epochs,
        batch_size=settings.batch_size,
        validation_data=(flatten_scaled(data.x_test[held]), data.y_test[held]),
        label=f"overfitting, seed {seed}",
        progress=progress,
    )
    final = {k: float(v) for k, v in regions(history["val_loss"]).items()}
    final["min_val_loss"] = float(min(history["val_loss"]))
    return Run(condition, seed, history, final)


def run(
    config: OverfittingConfig | None = None,
    *,
    out_dir: str | os.PathLike[str] | None = None,
    data: MnistData | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> ExperimentResult:
    """Train the large MLP on a small subset; record the curves and where they turn."""
    config = config or OverfittingConfig()
    return sweep(
        NAME,
        config,
        ["large-mlp"],
        train_run,
        out_dir=out_dir,
        data=data,
        progress=progress,
        executor=executor,
    )
