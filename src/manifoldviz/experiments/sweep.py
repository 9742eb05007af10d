"""What every chapter experiment shares: settings, runs, and the sweep over conditions × seeds.

A sweep is a list of (condition, seed) runs handed to the one engine
(:func:`manifoldviz.runs.engine.run_units`): each finished run is appended to ``results.json``
(rewritten atomically), so an interrupted sweep resumes where it stopped and a half-finished
run never corrupts the file. A results file made with other settings is never overwritten.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from manifoldviz.atomic import write_json_atomic
from manifoldviz.data.sources import MnistData, load_mnist
from manifoldviz.errors import InvalidInputError
from manifoldviz.progress import Progress
from manifoldviz.provenance import library_versions
from manifoldviz.runs.engine import Plan, run_units
from manifoldviz.runs.executor import Executor, SequentialExecutor
from manifoldviz.runs.results_file import RESULTS, check_out_dir, load_finished, settings_key

__all__ = ["RESULTS", "ExperimentResult", "Run", "Settings", "check_out_dir", "sweep"]


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
            raise InvalidInputError(
                f"seeds must be at least 1, got {self.n_seeds}", param="n_seeds"
            )
        if self.n_epochs < 1:
            raise InvalidInputError(
                f"epochs must be at least 1, got {self.n_epochs}", param="n_epochs"
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
    described = data.describe()
    plain = asdict(settings)
    key = settings_key(experiment, plain, described)
    runs = [Run(**run) for run in load_finished(folder, experiment, key, "runs")]
    failures: list[dict[str, Any]] = []
    done = {(run.condition, run.seed) for run in runs}
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    todo, units = [], {}
    for condition in conditions:
        for seed in settings.seeds:
            unit = f"{condition}, seed {seed}"
            if (condition, seed) in done:
                if progress:
                    progress(f"{experiment}: {unit} already done; kept")
            else:
                units[unit] = (condition, seed)
                todo.append((unit, {"condition": condition, "seed": seed}))

    def failed(unit: str, error: str, attempts: int) -> None:
        condition, seed = units[unit]
        failures.append(
            {"condition": condition, "seed": seed, "error": error, "attempts": attempts}
        )

    def checkpoint() -> None:
        if folder is not None:
            partial = ExperimentResult(experiment, plain, described, list(runs), key, failures)
            write_json_atomic(folder / RESULTS, partial.to_dict())

    in_process = executor is None or isinstance(executor, SequentialExecutor)
    run_units(
        Plan(experiment, len(conditions) * len(settings.seeds), len(done), len(todo)),
        train_run,
        {"data": data, "settings": settings, "progress": progress if in_process else None},
        todo,
        on_value=lambda _unit, run: runs.append(run),
        on_failure=failed,
        checkpoint=checkpoint,
        executor=executor,
        progress=progress,
        unit_name="run",
    )
    order = {
        (c, s): i for i, (c, s) in enumerate((c, s) for c in conditions for s in settings.seeds)
    }
    runs.sort(key=lambda run: order.get((run.condition, run.seed), len(order)))
    return ExperimentResult(experiment, plain, described, runs, key, failures)
