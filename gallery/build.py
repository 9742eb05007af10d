"""The lecture gallery: run every ``plot_NN_topic.py`` script and index what they drew.

Each script is a sphinx-gallery-style example (a titled docstring, ``# %%`` cells, library
calls only) that also runs on its own. :func:`build` runs them in worker processes that import the
libraries once (:mod:`manifoldviz_gallery.scheduler`; two scripts at a time on two cores or
more; a script that kills its worker is reported and the next runs in a new one), each writing
into its own folder of ``out_dir``, then writes ``index.html`` (thumbnail, title, explanation and
the exact command that reproduces each figure) and ``index.md``
(:mod:`manifoldviz_gallery.index`). A script that fails does not stop the others; the build
reports it by name with its last error line. Scripts learn where to write and whether to be
quick from :func:`script_settings` (:mod:`manifoldviz_gallery.scripts`).

This module is the gallery's public entry: the names scripts, the CLI and tests use are
importable from here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from manifoldviz_gallery.index import (
    IMAGE_SUFFIXES,
    LAB_PAGE,
    outputs_of,
    reproduce_command,
    write_index,
)
from manifoldviz_gallery.scheduler import (
    DEFAULT_JOBS,
    TF_THREADS,
    ScriptWorker,
    run_scripts,
    tensorflow_threads,
)
from manifoldviz_gallery.scripts import (
    ENV_OUT,
    ENV_QUICK,
    ENV_SEED,
    Entry,
    ScriptSettings,
    default_scripts_dir,
    find_scripts,
    read_entry,
    script_settings,
    settings_environment,
)

from manifoldviz.errors import InvalidInputError, ManifoldvizError
from manifoldviz.progress import report_step

__all__ = [
    "DEFAULT_JOBS",
    "ENV_OUT",
    "ENV_QUICK",
    "ENV_SEED",
    "IMAGE_SUFFIXES",
    "LAB_PAGE",
    "TF_THREADS",
    "BuildReport",
    "Entry",
    "ScriptSettings",
    "ScriptWorker",
    "build",
    "default_scripts_dir",
    "find_scripts",
    "outputs_of",
    "read_entry",
    "reproduce_command",
    "script_settings",
    "tensorflow_threads",
    "write_index",
]


@dataclass
class BuildReport:
    """What a build produced and what failed."""

    out_dir: Path
    built: list[Entry] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    index: list[Path] = field(default_factory=list)


def build(
    out_dir: str | os.PathLike[str],
    *,
    quick: bool = False,
    seed: int = 0,
    scripts_dir: Path | None = None,
    only: tuple[str, ...] = (),
    data: str | None = None,
    progress: Callable[[str], None] | None = None,
    jobs: int = DEFAULT_JOBS,
) -> BuildReport:
    """Run every gallery script into ``out_dir`` and write the index pages.

    ``jobs`` scripts run at a time, each in a worker of its own with its share of the cores for
    TensorFlow (:func:`tensorflow_threads`; ``TF_NUM_INTRAOP_THREADS`` set by the caller wins).
    Two on two cores beat one: much of a script is single-threaded (drawing frames and figures,
    UMAP's seeded layout, Python), and the other script's training fills the idle core. Scripts
    that need the same cached model wait for each other through the store's lock instead of
    training it twice.

    Raises
    ------
    ManifoldvizError
        After all scripts have run, if any failed (their names and reasons in the message).
    """
    if jobs < 1:
        raise InvalidInputError(f"jobs must be at least 1, got {jobs}", param="jobs")
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise InvalidInputError(f"{folder} is a file; give a folder", param="out")
    folder.mkdir(parents=True, exist_ok=True)
    scripts = find_scripts(scripts_dir or default_scripts_dir(), only)
    report = BuildReport(folder)
    env = settings_environment(folder, quick=quick, seed=seed, data=data)
    env.setdefault(TF_THREADS, str(tensorflow_threads(jobs)))
    entries = {script: read_entry(script) for script in scripts}
    errors = run_scripts(scripts, env=env, cwd=folder, jobs=jobs, progress=progress)
    for script in scripts:  # in name order, whichever finished first
        if script in errors and errors[script] is None:
            report.built.append(entries[script])
        else:
            report.failed[script.name] = errors.get(script) or "not run"
    report_step(
        progress,
        f"gallery: {len(report.built)} of {len(scripts)} figures built",
        label="gallery",
        done=len(scripts),
        total=len(scripts),
        unit="figure",
    )
    report.index = write_index(folder, report.built, quick=quick, seed=seed)
    if report.failed:
        reasons = "; ".join(f"{name}: {why}" for name, why in report.failed.items())
        raise ManifoldvizError(f"{len(report.failed)} gallery script(s) failed: {reasons}")
    return report
