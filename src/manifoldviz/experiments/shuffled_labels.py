"""Memorising shuffled labels (the chapter's listing 5.3) and a label-noise sweep.

With every training label shuffled, the chapter's MLP still drives its training accuracy up
epoch after epoch while validation stays at chance: it memorises. Sweeping the corrupted
fraction (after Zhang et al. 2017, "Understanding deep learning requires rethinking
generalization") shows test accuracy on the true labels falling as the fraction rises.
Labels are permuted on a copy: the chapter's ``train_labels[:]`` is a view, and shuffling it
in place silently shuffles the originals too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from manifoldviz.data.sources import MnistData
from manifoldviz.data.transforms import flatten_scaled, shuffled_labels
from manifoldviz.errors import InvalidInputError
from manifoldviz.experiments.sweep import ExperimentResult, Run, Settings, sweep
from manifoldviz.models.architectures import chapter_mlp
from manifoldviz.progress import Progress
from manifoldviz.runs.executor import Executor
from manifoldviz.training.loop import accuracy, fit_classifier
from manifoldviz.training.pool import reusing

NAME = "shuffled-labels"


@dataclass(frozen=True)
class ShuffledLabelsConfig(Settings):
    """``label_noise`` lists the corrupted fractions; the chapter's run is ``(1.0,)``."""

    label_noise: tuple[float, ...] = (1.0,)
    validation_split: float = 0.2

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.label_noise:
            raise InvalidInputError("give at least one label-noise value", param="label_noise")
        for value in self.label_noise:
            if not 0.0 <= value <= 1.0:
                raise InvalidInputError(
                    f"label-noise values must be in [0, 1], got {value}", param="label_noise"
                )


def condition_name(fraction: float) -> str:
    return f"p={fraction:g}"


def train_run(
    data: MnistData,
    settings: ShuffledLabelsConfig,
    condition: str,
    seed: int,
    progress: Progress | None = None,
) -> Run:
    """Train one model for ``condition`` and ``seed`` (module level: workers import it)."""
    x = flatten_scaled(data.x_train)
    fraction = float(condition.removeprefix("p="))
    y = shuffled_labels(data.y_train, fraction=fraction, seed=seed)
    model = reusing(chapter_mlp(x.shape[1], seed))
    history = fit_classifier(
        model,
        x,
        y,
        seed=seed,
        n_epochs=settings.n_epochs,
        batch_size=settings.batch_size,
        validation_split=settings.validation_split,
        label=f"labels shuffled {condition}, seed {seed}",
        progress=progress,
    )
    test_accuracy = accuracy(model, flatten_scaled(data.x_test), data.y_test)
    final = {
        "label_noise": fraction,
        "train_accuracy": history["accuracy"][-1],
        "val_accuracy": history["val_accuracy"][-1],
        "test_accuracy": test_accuracy,
    }
    return Run(condition, seed, history, final)


def run(
    config: ShuffledLabelsConfig | None = None,
    *,
    out_dir: str | os.PathLike[str] | None = None,
    data: MnistData | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> ExperimentResult:
    """Train on labels with each corrupted fraction; record curves and true-label test accuracy."""
    config = config or ShuffledLabelsConfig()
    conditions = [condition_name(p) for p in config.label_noise]
    return sweep(
        NAME,
        config,
        conditions,
        train_run,
        out_dir=out_dir,
        data=data,
        progress=progress,
        executor=executor,
    )
