"""Run an experiment by name and write its results, figures and animations into a folder.

For each experiment: ``results.json`` (every run's full Keras history, the settings, the data
source and library versions), each figure as PNG and SVG (or PDF), and a looping GIF of the
curves growing epoch by epoch.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from manifoldviz.atomic import write_json_atomic
from manifoldviz.choices import FIGURE_FORMATS
from manifoldviz.errors import InvalidInputError
from manifoldviz.experiments import (
    baselines,
    noise_channels,
    overfitting,
    shuffled_labels,
    validation,
)
from manifoldviz.experiments.sweep import RESULTS, ExperimentResult, Settings
from manifoldviz.figures import curves
from manifoldviz.figures import protocols as figures
from manifoldviz.figures.frames import write_animation


@dataclass(frozen=True)
class Figure:
    """One figure of a report: its file stem, drawing function and whether it animates."""

    stem: str
    draw: Callable[..., Any]
    animated: bool = True
    size: tuple[float, float] = (11, 6.5)


def _noise_channels_figures(result: ExperimentResult) -> list[Figure]:
    return [Figure("val_accuracy", curves.draw_noise_channels)]


def _shuffled_labels_figures(result: ExperimentResult) -> list[Figure]:
    shown = [Figure("memorisation", curves.draw_shuffled_curves)]
    if len(result.conditions) > 1:
        shown.append(Figure("label_noise_sweep", curves.draw_label_noise_sweep, False))
    return shown


def _overfitting_figures(result: ExperimentResult) -> list[Figure]:
    return [Figure("loss_curves", curves.draw_overfitting)]


def _validation_figures(result: ExperimentResult) -> list[Figure]:
    return [
        Figure("protocol_spread", figures.draw_protocol_spread, False),
        Figure("fold_curves", figures.draw_fold_curves),
        Figure("split_diagram", figures.draw_split_diagram, False, (12, 7)),
    ]


def _baseline_figures(result: ExperimentResult) -> list[Figure]:
    return [
        Figure(
            f"baselines_{task}",
            functools.partial(figures.draw_baselines, task=task),
            False,
            (13, 6.5),
        )
        for task in ("balanced", "imbalanced")
    ]


@dataclass(frozen=True)
class Experiment:
    """One chapter experiment: the module that runs it and the figures its result is drawn as.

    ``module`` holds ``run(config, *, out_dir, data, progress, executor)`` and the config class.
    """

    name: str
    module: ModuleType
    figures: Callable[[ExperimentResult], list[Figure]]

    def run(self, settings: Settings, **kwargs: Any) -> ExperimentResult:
        """Run the experiment with ``settings`` (its config) and the sweep's keyword arguments."""
        result: ExperimentResult = self.module.run(settings, **kwargs)
        return result


#: The one registry of the chapter's experiments: adding an experiment is one entry here.
EXPERIMENTS: dict[str, Experiment] = {
    e.name: e
    for e in (
        Experiment("noise-channels", noise_channels, _noise_channels_figures),
        Experiment("shuffled-labels", shuffled_labels, _shuffled_labels_figures),
        Experiment("overfitting", overfitting, _overfitting_figures),
        Experiment("validation", validation, _validation_figures),
        Experiment("baseline", baselines, _baseline_figures),
    )
}


def experiment(name: str) -> Experiment:
    """The registered experiment called ``name``; an unknown name is the caller's error."""
    if name not in EXPERIMENTS:
        raise InvalidInputError(
            f"unknown experiment {name!r}; choose from {', '.join(EXPERIMENTS)}",
            param="experiment",
        )
    return EXPERIMENTS[name]


def figures_for(result: ExperimentResult) -> list[Figure]:
    """The figures an experiment's result is drawn as."""
    return experiment(result.experiment).figures(result)


def _up_to_epoch(draw: Callable[..., Any], result: ExperimentResult) -> Callable[[Any, int], Any]:
    """``draw(axes, result, upto)`` as the ``(axes, upto)`` function an animation renders."""
    return lambda ax, upto: draw(ax, result, upto)


def save_report(
    result: ExperimentResult,
    out_dir: str | os.PathLike[str],
    *,
    figure_format: str = "svg",
) -> list[Path]:
    """Write results.json, every figure as PNG plus ``figure_format``, and the GIFs."""
    from manifoldviz.figures.style import on_new_axes, save_drawing

    if figure_format not in FIGURE_FORMATS:
        raise InvalidInputError(
            f"figure format must be svg or pdf, got {figure_format}", param="figure_format"
        )
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = [write_json_atomic(folder / RESULTS, result.to_dict())]
    if not result.runs:
        return written  # every run failed: results.json says so, there is nothing to draw
    n_epochs = len(result.runs[0].history["loss"])
    for figure in figures_for(result):
        written += save_drawing(
            on_new_axes(figure.draw, result),
            folder / figure.stem,
            size=figure.size,
            figure_format=figure_format,
        )
        if figure.animated:
            frames = curves.render_frames(
                _up_to_epoch(figure.draw, result), n_epochs, size=figure.size
            )
            durations = [350] * len(frames)
            durations[-1] = 2500  # rest on the finished picture before looping
            written.append(write_animation(folder / f"{figure.stem}.gif", frames, durations))
    return written
