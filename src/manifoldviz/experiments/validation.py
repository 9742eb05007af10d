"""Validation protocols on scarce data: hold-out, K-fold and iterated K-fold, and their spread.

Each protocol is run ``n_repeats`` times from scratch with different random splits; its
estimate is the mean final validation accuracy over its folds. With little data one hold-out
split gives a jumpy estimate; K-fold averages K of them, and iterated K-fold (P shufflings of K
folds, P×K models) averages more, so the estimates from repeated runs agree more closely. Every
model is also scored on the untouched test set, for comparison. The split diagram is drawn from
the fold indices actually used (recorded in the results), not from a schematic.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from manifoldviz.data.sources import MnistData, load_mnist
from manifoldviz.data.transforms import flatten_scaled
from manifoldviz.errors import InvalidInputError
from manifoldviz.experiments.sweep import ExperimentResult, Run, Settings, sweep
from manifoldviz.models.architectures import chapter_mlp
from manifoldviz.progress import Progress
from manifoldviz.runs.executor import Executor
from manifoldviz.seeding import rng
from manifoldviz.training.loop import accuracy, fit_classifier
from manifoldviz.training.pool import reusing

NAME = "validation"
PROTOCOLS = ("holdout", "kfold", "iterated")
PROTOCOL_LABELS = {
    "holdout": "hold-out",
    "kfold": "K-fold",
    "iterated": "iterated K-fold",
}

Indices = npt.NDArray[np.intp]


#: Most folds K (fold numbers are int8; more folds than that is leave-almost-one-out anyway).
MAX_K = 100
#: Most shufflings P and most repeats of a protocol.
MAX_REPEATS = 100


@dataclass(frozen=True)
class ValidationConfig(Settings):
    """Scarce data by default (1,000 training images), K=4, P=2, each protocol repeated 3×."""

    limit: int | None = 1000
    k: int = 4
    iterations: int = 2
    n_repeats: int = 3
    holdout_fraction: float = 0.25

    def __post_init__(self) -> None:
        super().__post_init__()
        # Checked here, before any run is listed: K x P x repeats names are made up front, and
        # folds are stored as int8.
        if not 2 <= self.k <= MAX_K:
            raise InvalidInputError(f"K must be 2-{MAX_K}, got {self.k}", param="k")
        if not 1 <= self.iterations <= MAX_REPEATS:
            raise InvalidInputError(
                f"repetitions must be 1-{MAX_REPEATS}, got {self.iterations}", param="iterations"
            )
        if not 1 <= self.n_repeats <= MAX_REPEATS:
            raise InvalidInputError(
                f"repeats must be 1-{MAX_REPEATS}, got {self.n_repeats}", param="n_repeats"
            )
        if not 0 < self.holdout_fraction < 1:
            raise InvalidInputError(
                f"hold-out fraction must be in (0, 1), got {self.holdout_fraction}",
                param="holdout_fraction",
            )


def fold_assignment(y: npt.NDArray[np.integer], k: int, *, seed: int) -> npt.NDArray[np.int8]:
    """For each sample, the fold (0..k-1) whose validation set holds it: stratified, shuffled.

    Each class is shuffled and dealt round-robin into the folds, so every fold keeps the class
    proportions (what scikit-learn's StratifiedKFold guarantees too).
    """
    counts = np.bincount(y)
    smallest = int(counts[counts > 0].min())
    if k > smallest:
        raise InvalidInputError(
            f"K={k} is larger than the smallest class ({smallest} images); use a smaller K or "
            "more data",
            param="k",
        )
    generator = rng(seed, "folds")
    folds = np.empty(len(y), dtype=np.int8)
    offset = 0
    for digit in np.flatnonzero(counts):
        members = generator.permutation(np.flatnonzero(y == digit))
        folds[members] = (np.arange(len(members)) + offset) % k
        offset += len(members)
    return folds


def protocol_folds(
    y: npt.NDArray[np.integer], protocol: str, repeat: int, config: ValidationConfig
) -> list[npt.NDArray[np.int8]]:
    """The fold assignments one run of ``protocol`` uses (one per shuffling).

    Hold-out is a single split into validation (fold 0) and training (fold 1).
    """
    base = config.seed * 1000 + repeat * 100
    if protocol == "holdout":
        k = round(1 / config.holdout_fraction)
        folds = fold_assignment(y, k, seed=base)
        return [np.where(folds == 0, 0, 1).astype(np.int8)]
    if protocol == "kfold":
        return [fold_assignment(y, config.k, seed=base + 1)]
    return [fold_assignment(y, config.k, seed=base + 2 + i) for i in range(config.iterations)]


def run_name(protocol: str, repeat: int, iteration: int, fold: int) -> str:
    return f"{protocol}/r{repeat}/i{iteration}/f{fold}"


def parse_run_name(name: str) -> tuple[str, int, int, int]:
    protocol, repeat, iteration, fold = name.split("/")
    return protocol, int(repeat[1:]), int(iteration[1:]), int(fold[1:])


def train_run(
    data: MnistData,
    settings: ValidationConfig,
    condition: str,
    seed: int,
    progress: Progress | None = None,
) -> Run:
    """Train one model on one fold of one protocol run (module level: workers import it)."""
    protocol, repeat, iteration, fold = parse_run_name(condition)
    folds = protocol_folds(data.y_train, protocol, repeat, settings)[iteration]
    validation = np.flatnonzero(folds == fold)
    training = np.flatnonzero(folds != fold)
    x = flatten_scaled(data.x_train)
    model = reusing(chapter_mlp(784, seed + repeat * 100 + iteration * 10 + fold))
    history = fit_classifier(
        model,
        x[training],
        data.y_train[training],
        seed=seed,
        n_epochs=settings.n_epochs,
        batch_size=settings.batch_size,
        validation_data=(x[validation], data.y_train[validation]),
        label=f"{PROTOCOL_LABELS[protocol]} run {repeat + 1}, fold {fold + 1}",
        progress=progress,
    )
    test_accuracy = accuracy(model, flatten_scaled(data.x_test), data.y_test)
    final = {"val_accuracy": history["val_accuracy"][-1], "test_accuracy": test_accuracy}
    return Run(condition, seed, history, final)


def run_names(config: ValidationConfig) -> list[str]:
    """Every model the three protocols train, in a stable order."""
    names = []
    for protocol in PROTOCOLS:
        for repeat in range(config.n_repeats):
            if protocol == "holdout":
                names.append(run_name(protocol, repeat, 0, 0))
                continue
            iterations = config.iterations if protocol == "iterated" else 1
            names += [
                run_name(protocol, repeat, i, f) for i in range(iterations) for f in range(config.k)
            ]
    return names


def estimates(result: ExperimentResult) -> dict[str, dict[str, list[float]]]:
    """Per protocol, one estimate per repeat (mean over its folds) and the matching test score."""
    grouped: dict[tuple[str, int], list[Run]] = {}
    for run in result.runs:
        protocol, repeat, _, _ = parse_run_name(run.condition)
        grouped.setdefault((protocol, repeat), []).append(run)
    out: dict[str, dict[str, list[float]]] = {}
    for (protocol, _), runs in sorted(grouped.items(), key=lambda kv: kv[0][1]):
        slot = out.setdefault(protocol, {"estimate": [], "test_accuracy": [], "n_models": []})
        slot["estimate"].append(float(np.mean([r.final["val_accuracy"] for r in runs])))
        slot["test_accuracy"].append(float(np.mean([r.final["test_accuracy"] for r in runs])))
        slot["n_models"].append(len(runs))
    return {p: out[p] for p in PROTOCOLS if p in out}


def run(
    config: ValidationConfig | None = None,
    *,
    out_dir: str | os.PathLike[str] | None = None,
    data: MnistData | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> ExperimentResult:
    """Run the three protocols ``n_repeats`` times each; record folds, curves and estimates."""
    config = config or ValidationConfig()
    if config.n_seeds != 1:
        raise InvalidInputError(
            "validation repeats protocols with --repeats, not --seeds", param="n_seeds"
        )
    if data is None:
        data = load_mnist(config.data, limit=config.limit, seed=config.seed, progress=progress)
    result = sweep(
        NAME,
        config,
        run_names(config),
        train_run,
        out_dir=out_dir,
        data=data,
        progress=progress,
        executor=executor,
    )
    diagram: dict[str, Any] = {
        protocol: [f.tolist() for f in protocol_folds(data.y_train, protocol, 0, config)]
        for protocol in PROTOCOLS
    }
    extra = {"estimates": estimates(result), "fold_assignments_first_run": diagram}
    return ExperimentResult(
        result.experiment,
        result.settings,
        result.data,
        result.runs,
        result.key,
        result.failures,
        extra,
    )
