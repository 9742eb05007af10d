"""The one engine under every study that sweeps: plan, resume, run, record, checkpoint.

A study hands :func:`run_units` its units (a key and the keyword arguments of one call), a
module-level function that evaluates one unit, and the arguments every unit shares. The engine
says the plan up front (how many units, how many already done, how many models to train), runs
what is left on the executor, hands each finished value or failure back to the study as it
arrives, and after each one asks the study to checkpoint (rewrite its ``results.json``
atomically), so a kill at any moment loses at most the unit in flight. The results file's key and
reading are in :mod:`~manifoldviz.runs.results_file`; where units run, in
:mod:`~manifoldviz.runs.executor`.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from manifoldviz.progress import Progress, report_step
from manifoldviz.runs.executor import Executor, Outcome, SequentialExecutor


@dataclass(frozen=True)
class Plan:
    """What a run of a study has ahead of it, said before any work starts.

    Parameters
    ----------
    study
        The study's name.
    n_units
        Units in all.
    n_done
        Units already in the results file (kept, not run again).
    n_trainings
        Models the remaining units may train (None when the study cannot tell).
    """

    study: str
    n_units: int
    n_done: int
    n_trainings: int | None = None

    @property
    def n_todo(self) -> int:
        return self.n_units - self.n_done

    def sentence(self) -> str:
        """One line: ``"compare-paths: 54 units to run (0 kept from before); up to 54 models to
        train"``."""
        units = "unit" if self.n_todo == 1 else "units"
        text = f"{self.study}: {self.n_todo} {units} to run ({self.n_done} kept from before)"
        if self.n_trainings is not None:
            text += f"; up to {self.n_trainings} model{'s' * (self.n_trainings != 1)} to train"
        return text


def _estimate(started: float, n_finished: int, n_todo: int) -> str:
    """``"about 12 min left"`` from the mean time of the units finished so far."""
    left = (time.perf_counter() - started) / n_finished * (n_todo - n_finished)
    if left < 90:
        return f"about {left:.0f} s left"
    if left < 90 * 60:
        return f"about {left / 60:.0f} min left"
    return f"about {left / 3600:.1f} h left"


def run_units(
    plan: Plan,
    evaluate: Callable[..., Any],
    shared: Mapping[str, Any],
    todo: Sequence[tuple[str, Mapping[str, Any]]],
    *,
    on_value: Callable[[str, Any], None],
    on_failure: Callable[[str, str, int], None],
    checkpoint: Callable[[], None],
    executor: Executor | None = None,
    progress: Progress | None = None,
    unit_name: str = "unit",
) -> None:
    """Evaluate every unit of ``todo`` on ``executor``, checkpointing after each.

    Parameters
    ----------
    plan
        What is ahead (said through ``progress`` before any work).
    evaluate
        A module-level function called as ``evaluate(**shared, **kwargs)`` (worker processes and
        Ray import it).
    shared
        Arguments every unit shares (the data, the settings, the cache folder).
    todo
        ``(key, kwargs)`` of each unit still to run.
    on_value
        Receives ``(key, value)`` of a unit that finished.
    on_failure
        Receives ``(key, error, attempts)`` of a unit that failed after its retry.
    checkpoint
        Called after each unit (the study rewrites its results file).
    executor
        Where units run (default: this process).
    progress
        Receives the plan, one counted step per finished unit with the time left, and failures.
    unit_name
        What a unit is called in progress lines (``"run"``, ``"unit"``).
    """
    if progress:
        progress(plan.sentence())
    executor = executor or SequentialExecutor()
    started = time.perf_counter()
    n_finished = 0

    def finished(outcome: Outcome) -> None:
        nonlocal n_finished
        n_finished += 1
        if outcome.ok:
            on_value(outcome.key, outcome.value)
            report_step(
                progress,
                f"{plan.study}: {outcome.key} finished; "
                f"{_estimate(started, n_finished, len(todo))}",
                label=f"{plan.study} {unit_name}s",
                done=n_finished,
                total=len(todo),
                unit=unit_name,
            )
        else:
            error = outcome.error or ""
            on_failure(outcome.key, error, outcome.attempts)
            if progress:
                first_line = error.splitlines()[0] if error else "unknown error"
                progress(f"{plan.study}: {outcome.key} FAILED: {first_line}")
        checkpoint()
        # The last unit's model and tensors go before the next is built. What survives (the
        # libraries the first unit imported, kept models) is frozen: a full collection walks
        # every tracked object, and frozen ones are skipped, so each collection sees only what
        # the next unit makes.
        gc.collect()
        if freezing:
            gc.freeze()

    freezing = gc.get_freeze_count() == 0  # a caller's own freeze is left alone
    try:
        executor.map(evaluate, shared, list(todo), finished)
    finally:
        if freezing:
            gc.unfreeze()
