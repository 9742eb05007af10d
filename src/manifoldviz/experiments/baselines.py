"""Common-sense baselines beside the chapter's MLP, on balanced and imbalanced tasks.

Three scikit-learn ``DummyClassifier`` strategies (uniform random, most frequent, stratified)
and the trained MLP, each scored by accuracy, balanced accuracy and per-class recall on:

- ``balanced``: the ten MNIST digits (chance is 0.1);
- ``imbalanced``: "is it the digit D?" with D making up a small fraction (10% by default), where
  always answering "no" already scores 90% accuracy, and only balanced accuracy and the
  minority class's recall show whether a model learned anything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from manifoldviz.data.sources import MnistData
from manifoldviz.data.transforms import flatten_scaled, imbalanced_binary
from manifoldviz.errors import InvalidInputError
from manifoldviz.experiments.sweep import ExperimentResult, Run, Settings, sweep
from manifoldviz.models.architectures import chapter_mlp
from manifoldviz.progress import Progress
from manifoldviz.runs.executor import Executor
from manifoldviz.training.loop import fit_classifier, predict_classes
from manifoldviz.training.pool import reusing

NAME = "baseline"
TASKS = ("balanced", "imbalanced")
STRATEGIES = ("uniform", "most_frequent", "stratified")
CLASSIFIERS = (*STRATEGIES, "mlp")


@dataclass(frozen=True)
class BaselineConfig(Settings):
    """The positive digit and its share in the imbalanced task."""

    n_epochs: int = 5
    digit: int = 8
    imbalance: float = 0.1

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0.0 < self.imbalance < 1.0:
            raise InvalidInputError(
                f"imbalance ratio must be in (0, 1), got {self.imbalance}", param="imbalance"
            )
        if not 0 <= self.digit <= 9:
            raise InvalidInputError(f"digit must be 0-9, got {self.digit}", param="digit")


def task_data(
    data: MnistData, task: str, settings: BaselineConfig, seed: int
) -> tuple[np.ndarray, ...]:
    """(x_train, y_train, x_test, y_test) for a task, images flattened to [0, 1]."""
    if task == "balanced":
        return (
            flatten_scaled(data.x_train),
            data.y_train,
            flatten_scaled(data.x_test),
            data.y_test,
        )
    x_train, y_train = imbalanced_binary(
        data.x_train,
        data.y_train,
        positive_digit=settings.digit,
        positive_fraction=settings.imbalance,
        seed=seed,
    )
    x_test, y_test = imbalanced_binary(
        data.x_test,
        data.y_test,
        positive_digit=settings.digit,
        positive_fraction=settings.imbalance,
        seed=seed + 1,
    )
    return flatten_scaled(x_train), y_train, flatten_scaled(x_test), y_test


def scores(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> dict[str, float]:
    """Accuracy, balanced accuracy and the recall of every class."""
    from sklearn.metrics import balanced_accuracy_score, recall_score

    labels = list(range(n_classes))
    recalls = recall_score(y_true, y_pred, labels=labels, average=None, zero_division=0)
    out = {
        "accuracy": float(np.mean(y_true == y_pred)),
        "balanced_accuracy": float(balanced_accuracy_score(y_true, y_pred)),
    }
    out.update({f"recall_{c}": float(r) for c, r in zip(labels, recalls, strict=True)})
    return out


def train_run(
    data: MnistData,
    settings: BaselineConfig,
    condition: str,
    seed: int,
    progress: Progress | None = None,
) -> Run:
    """Score the baselines and train the MLP on one task (module level: workers import it)."""
    from sklearn.dummy import DummyClassifier

    x_train, y_train, x_test, y_test = task_data(data, condition, settings, seed)
    n_classes = 10 if condition == "balanced" else 2
    final: dict[str, float] = {
        "n_test": float(len(y_test)),
        "positive_share": float(np.mean(y_test == 1)),
    }
    for strategy in STRATEGIES:
        dummy = DummyClassifier(strategy=strategy, random_state=seed).fit(x_train, y_train)
        for name, value in scores(y_test, dummy.predict(x_test), n_classes).items():
            final[f"{strategy}/{name}"] = value
    model = reusing(chapter_mlp(784, seed, n_classes=n_classes))
    history = fit_classifier(
        model,
        x_train,
        y_train,
        seed=seed,
        n_epochs=settings.n_epochs,
        batch_size=settings.batch_size,
        label=f"MLP on {condition} task",
        progress=progress,
    )
    predicted = predict_classes(model, x_test)
    for name, value in scores(y_test, predicted, n_classes).items():
        final[f"mlp/{name}"] = value
    return Run(condition, seed, history, final)


def run(
    config: BaselineConfig | None = None,
    *,
    out_dir: str | os.PathLike[str] | None = None,
    data: MnistData | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> ExperimentResult:
    """Both tasks for every seed: baselines and the trained MLP side by side."""
    config = config or BaselineConfig()
    return sweep(
        NAME,
        config,
        list(TASKS),
        train_run,
        out_dir=out_dir,
        data=data,
        progress=progress,
        executor=executor,
    )
