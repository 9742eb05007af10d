"""The one registry of every study, and ``run_study(name, config, out_dir)``: one calling style.

A study is a frozen config (its choices declared in :mod:`manifoldviz.choices`), a computation
that returns a plain result, and a writer that only writes (``results.json``, figures, GIFs).
:func:`run_study` runs any of them the same way and returns a :class:`StudyReport` (the result
and the files written) that shows its first figure inline in Jupyter. The command line and the
gallery call it, or a study's own top-level function (``interpolate``, ``compare_paths``,
``five_ways``, ``explore``) where the study returns a richer result.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from manifoldviz.choices import FIGURE_FORMATS
from manifoldviz.errors import InvalidInputError
from manifoldviz.progress import Progress
from manifoldviz.runs.executor import Executor
from manifoldviz.runs.results_file import check_out_dir


@dataclass(frozen=True)
class Study:
    """One study: its name, config type, how it runs and how its result is written.

    Parameters
    ----------
    name
        The name the command line and ``run_study`` use.
    config
        The frozen config class (its defaults are the study's defaults).
    run
        ``run(config, *, out_dir, progress, executor, figure_format) -> result``.
    save
        ``save(result, out_dir, figure_format) -> written files``; writes only.
    """

    name: str
    config: type
    run: Callable[..., Any]
    save: Callable[[Any, Path, str], list[Path]]


@dataclass(frozen=True)
class StudyReport:
    """What :func:`run_study` gives back: the study's result and every file it wrote.

    Parameters
    ----------
    study
        The study's name.
    result
        Its result (``results.json`` holds the same, with what produced it).
    written
        The files written, ``results.json`` first.
    """

    study: str
    result: Any
    written: list[Path] = field(default_factory=list)

    @property
    def failures(self) -> list[dict[str, Any]]:
        """Units that failed after their retry (sweeping studies; empty otherwise)."""
        return list(getattr(self.result, "failures", []) or [])

    def save(self, out_dir: str | os.PathLike[str], *, figure_format: str = "svg") -> list[Path]:
        """Write the report again into ``out_dir``, as :func:`run_study` wrote it.

        Parameters
        ----------
        out_dir
            The folder (made if missing); each file is replaced atomically.
        figure_format
            The vector format written beside each PNG (``svg`` or ``pdf``).

        Returns
        -------
        list of Path
            The files written, ``results.json`` first.
        """
        folder = check_out_dir(out_dir)
        if figure_format not in FIGURE_FORMATS:
            raise InvalidInputError(
                f"figure format must be svg or pdf, got {figure_format}", param="figure_format"
            )
        folder.mkdir(parents=True, exist_ok=True)
        return study(self.study).save(self.result, folder, figure_format)

    def _repr_html_(self) -> str:
        """The first figure written, inline in Jupyter, and where the rest went."""
        pictures = [p for p in self.written if p.suffix in (".png", ".gif")]
        where = f"<p>{self.study}: {len(self.written)} files in {self.written[0].parent}</p>"
        if not pictures:
            return where
        encoded = base64.b64encode(pictures[0].read_bytes()).decode("ascii")
        kind = "gif" if pictures[0].suffix == ".gif" else "png"
        return f'<img src="data:image/{kind};base64,{encoded}" style="max-width:100%"/>{where}'


def _chapter(name: str) -> Study:
    from manifoldviz.reports import experiments

    entry = experiments.EXPERIMENTS[name]

    def run(config: Any, *, out_dir: Path, progress: Progress | None, **_: Any) -> Any:
        return entry.run(config, out_dir=out_dir, progress=progress, executor=_.get("executor"))

    def save(result: Any, out_dir: Path, figure_format: str) -> list[Path]:
        return experiments.save_report(result, out_dir, figure_format=figure_format)

    # Each experiment module declares exactly one config class (a Settings subclass).
    configs = [
        v
        for k, v in vars(entry.module).items()
        if k.endswith("Config") and getattr(v, "__module__", None) == entry.module.__name__
    ]
    return Study(name, configs[0], run, save)


def _single(
    name: str, module: str, config_name: str, report: str, *, resumable: bool = False
) -> Study:
    """A study whose computation is ``module.run(config, progress=)`` (and, when it is
    ``resumable``, ``out_dir=`` and ``executor=``: its units go through the engine)."""
    from importlib import import_module

    computation = import_module(module)
    writer = import_module(report)

    def run(
        config: Any, *, progress: Progress | None, out_dir: Path, executor: Any, **_: Any
    ) -> Any:
        if resumable:
            return computation.run(config, progress=progress, out_dir=out_dir, executor=executor)
        return computation.run(config, progress=progress)

    def save(result: Any, out_dir: Path, figure_format: str) -> list[Path]:
        return list(writer.save_report(result, out_dir, figure_format=figure_format))

    return Study(name, getattr(computation, config_name), run, save)


def _scoreboard() -> Study:
    from manifoldviz.reports import compare_paths as board

    def run(
        config: Any,
        *,
        out_dir: Path,
        progress: Progress | None,
        executor: Any,
        figure_format: str,
    ) -> Any:
        return board.compare_paths(
            **asdict(config),
            out_dir=out_dir,
            progress=progress,
            executor=executor,
            figure_format=figure_format,
        )

    def save(result: Any, out_dir: Path, figure_format: str) -> list[Path]:
        return list(result.written)  # compare_paths writes as its units finish

    return Study("compare-paths", board.ScoreboardSettings, run, save)


#: Every study that ``run_study`` runs, by name (built on first use: each imports its own code).
STUDY_NAMES = (
    "noise-channels",
    "shuffled-labels",
    "overfitting",
    "validation",
    "baseline",
    "intrinsic-dimension",
    "trajectory",
    "fitmorph",
    "compare-paths",
)


def study(name: str) -> Study:
    """The registered study called ``name``; an unknown name is the caller's error.

    Parameters
    ----------
    name
        One of :data:`STUDY_NAMES`.

    Returns
    -------
    Study
        Its config type, computation and writer.
    """
    if name not in STUDY_NAMES:
        raise InvalidInputError(
            f"unknown study {name!r}; choose from {', '.join(STUDY_NAMES)}", param="name"
        )
    if name == "intrinsic-dimension":
        return _single(
            name,
            "manifoldviz.experiments.intrinsic_dimension",
            "ManifoldConfig",
            "manifoldviz.reports.intrinsic_dimension",
            resumable=True,
        )
    if name == "trajectory":
        return _single(
            name,
            "manifoldviz.trajectories.trajectory",
            "TrajectoryConfig",
            "manifoldviz.reports.trajectory",
        )
    if name == "fitmorph":
        return _single(
            name,
            "manifoldviz.experiments.fitmorph",
            "FitMorphConfig",
            "manifoldviz.reports.fitmorph",
        )
    if name == "compare-paths":
        return _scoreboard()
    return _chapter(name)


def run_study(
    name: str,
    config: Any = None,
    out_dir: str | os.PathLike[str] | None = None,
    *,
    figure_format: str = "svg",
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> StudyReport:
    """Run study ``name`` with ``config`` and write its report into ``out_dir``.

    Parameters
    ----------
    name
        One of :data:`STUDY_NAMES`.
    config
        The study's frozen config (``study(name).config``); None takes its defaults.
    out_dir
        Where ``results.json`` and the figures go (default ``results/NAME``); a sweeping study
        resumes there.
    figure_format
        The vector format written beside each PNG (``svg`` or ``pdf``).
    progress, executor
        Progress lines, and where a sweeping study's units run (default: this process).

    Returns
    -------
    StudyReport
        The result and every file written.

    Examples
    --------
    >>> from manifoldviz.experiments.overfitting import OverfittingConfig  # doctest: +SKIP
    >>> run_study("overfitting", OverfittingConfig(n_epochs=20), "overfit/")  # doctest: +SKIP
    """
    from manifoldviz.choices import FIGURE_FORMATS
    from manifoldviz.runs.results_file import check_out_dir

    chosen = study(name)
    if figure_format not in FIGURE_FORMATS:
        raise InvalidInputError(
            f"figure format must be svg or pdf, got {figure_format}", param="figure_format"
        )
    config = chosen.config() if config is None else config
    if not isinstance(config, chosen.config):
        raise InvalidInputError(
            f"{name} takes a {chosen.config.__name__}, got {type(config).__name__}",
            param="config",
        )
    folder = check_out_dir(out_dir if out_dir is not None else Path("results") / name)
    result = chosen.run(
        config,
        out_dir=folder,
        progress=progress,
        executor=executor,
        figure_format=figure_format,
    )
    written = chosen.save(result, folder, figure_format)
    return StudyReport(name, result, written)
