"""What every experiment shares: settings, runs, the resumable results file and the sweep loop.

A sweep is a list of (condition, seed) runs. Each finished run is appended to ``results.json``
(rewritten atomically), so an interrupted sweep resumes where it stopped and a half-finished
run never corrupts the file. A results file made with other settings is never overwritten.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from manifoldviz.atomic import write_json_atomic
from manifoldviz.data.sources import MnistData, load_mnist
from manifoldviz.errors import InvalidInputError
from manifoldviz.experiments.executor import Executor, Outcome, SequentialExecutor
from manifoldviz.progress import Progress, report_step
from manifoldviz.provenance import library_versions
from manifoldviz.training.loop import TRAINING_VERSION

RESULTS = "results.json"


@dataclass(frozen=True)
class Settings:
    """Settings every experiment has. ``seed`` is the first seed; run i uses ``seed + i``."""

    data: str | None = None
    limit: int | None = None
    seed: int = 0
    n_seeds: int = 1
    n_epochs: int = 10
    batch_size: int = 128

    def __post_init__(self) -> None:
        if self.n_seeds < 1:
            raise InvalidInputError(f"seeds must be at least 1, got {self.n_seeds}", param="seeds")
        if self.n_epochs < 1:
            raise InvalidInputError(
                f"epochs must be at least 1, got {self.n_epochs}", param="epochs"
            )
        if self.batch_size < 1:
            raise InvalidInputError(
                f"batch size must be at least 1, got {self.batch_size}", param="batch_size"
            )

    @property
    def seeds(self) -> list[int]:
        return [self.seed + i for i in range(self.n_seeds)]


@dataclass(frozen=True)
class Run:
    """One trained model: its condition, seed, full Keras history and any final numbers."""

    condition: str
    seed: int
    history: dict[str, list[float]]
    final: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ExperimentResult:
    """Every run of an experiment plus what produced it (settings, data, versions)."""

    experiment: str
    settings: dict[str, Any]
    data: dict[str, Any]
    runs: list[Run]
    key: str = ""
    failures: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def conditions(self) -> list[str]:
        return list(dict.fromkeys(run.condition for run in self.runs))

    def curves(self, condition: str, metric: str) -> npt.NDArray[np.float64]:
        """One row per seed: ``metric`` per epoch for ``condition``."""
        return np.array([r.history[metric] for r in self.runs if r.condition == condition])

    def finals(self, condition: str, name: str) -> npt.NDArray[np.float64]:
        """One value per seed of a final number (e.g. ``test_accuracy``)."""
        return np.array([r.final[name] for r in self.runs if r.condition == condition])

    def to_dict(self) -> dict[str, Any]:
        return {
            "experiment": self.experiment,
            "settings": self.settings,
            "data": self.data,
            "produced_by": library_versions(),
            "settings_key": self.key,
            "runs": [asdict(run) for run in self.runs],
            "failures": self.failures,
            **({"extra": self.extra} if self.extra else {}),
        }


def settings_key(experiment: str, settings: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    """What a results file's runs were made with: experiment, settings, data, training version."""
    described = [experiment, settings, data["fingerprint"], TRAINING_VERSION]
    text = json.dumps(described, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@overload
def check_out_dir(out_dir: None) -> None: ...
@overload
def check_out_dir(out_dir: str | os.PathLike[str]) -> Path: ...
def check_out_dir(out_dir: str | os.PathLike[str] | None) -> Path | None:
    """An output folder may not be an existing file (the report writer creates it if missing).

    It, or the nearest folder above it that exists, must be writable: checked now, before any
    run is trained, rather than when the first result is saved.
    """
    if out_dir is None:
        return None
    path = Path(out_dir)
    if path.exists() and not path.is_dir():
        raise InvalidInputError(f"{path} is a file; give a folder", param="out")
    existing = path.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise InvalidInputError(f"{existing} is a file; cannot make {path} there", param="out")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InvalidInputError(f"folder {existing} is not writable", param="out")
    return path


def load_finished(path: Path | None, experiment: str, key: str) -> list[Run]:
    """Runs already in ``path/results.json`` for exactly these settings (for resuming)."""
    if path is None or not (path / RESULTS).is_file():
        return []
    try:
        saved = json.loads((path / RESULTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InvalidInputError(
            f"{path / RESULTS} is not readable JSON; move it away", param="out"
        ) from None
    if saved.get("experiment") != experiment or saved.get("settings_key") != key:
        raise InvalidInputError(
            f"{path / RESULTS} holds a {saved.get('experiment', 'different')} run with other "
            "settings; choose another --out folder or remove it",
            param="out",
        )
    return [Run(**run) for run in saved.get("runs", [])]


def sweep(
    experiment: str,
    settings: Settings,
    conditions: list[str],
    train_run: Callable[..., Run],
    *,
    out_dir: str | os.PathLike[str] | None = None,
    data: MnistData | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> ExperimentResult:
    """Run ``train_run(data, settings, condition, seed, progress)`` for every condition and seed.

    ``train_run`` must be a module-level function so that worker processes and Ray can import
    it. Finished runs in ``out_dir`` are kept (resume); each new one is appended to
    ``results.json`` as it arrives; a run that still fails after its retry is recorded under
    ``failures``.
    """
    folder = check_out_dir(out_dir)
    if data is None:
        data = load_mnist(
            settings.data, limit=settings.limit, seed=settings.seed, progress=progress
        )
    executor = executor or SequentialExecutor()
    in_process = isinstance(executor, SequentialExecutor)
    described = data.describe()
    plain = asdict(settings)
    key = settings_key(experiment, plain, described)
    runs = load_finished(folder, experiment, key)
    failures: list[dict[str, Any]] = []
    done = {(run.condition, run.seed) for run in runs}
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    todo = []
    for condition in conditions:
        for seed in settings.seeds:
            if (condition, seed) in done:
                if progress:
                    progress(f"{experiment}: {condition}, seed {seed} already done; kept")
            else:
                todo.append((f"{condition}|{seed}", {"condition": condition, "seed": seed}))

    n_finished = 0

    def finished(outcome: Outcome) -> None:
        nonlocal n_finished
        n_finished += 1
        condition, seed = outcome.key.rsplit("|", 1)
        if outcome.ok:
            runs.append(outcome.value)
            report_step(
                progress,
                f"{experiment}: {condition}, seed {seed} finished",
                label=f"{experiment} runs",
                done=n_finished,
                total=len(todo),
                unit="run",
            )
        else:
            failures.append(
                {
                    "condition": condition,
                    "seed": int(seed),
                    "error": outcome.error,
                    "attempts": outcome.attempts,
                }
            )
            if progress:
                first_line = (outcome.error or "").splitlines()[0]
                progress(f"{experiment}: {condition}, seed {seed} FAILED: {first_line}")
        if folder is not None:
            partial = ExperimentResult(experiment, plain, described, list(runs), key, failures)
            write_json_atomic(folder / RESULTS, partial.to_dict())
        # The last run's model and tensors go before the next is built. What survives (the
        # libraries the first run imported, kept models) is frozen: a full collection walks
        # every tracked object, 0.18 s each time once TensorFlow and Keras are in; frozen ones
        # are skipped, so each collection sees only what the next run makes.
        gc.collect()
        if freezing:
            gc.freeze()

    shared = {"data": data, "settings": settings, "progress": progress if in_process else None}
    freezing = gc.get_freeze_count() == 0  # a caller's own freeze is left alone
    try:
        executor.map(train_run, shared, todo, finished)
    finally:
        if freezing:
            gc.unfreeze()
    order = {
        (c, s): i for i, (c, s) in enumerate((c, s) for c in conditions for s in settings.seeds)
    }
    runs.sort(key=lambda run: order.get((run.condition, run.seed), len(order)))
    return ExperimentResult(experiment, plain, described, runs, key, failures)
