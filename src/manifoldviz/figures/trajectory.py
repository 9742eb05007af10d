"""Figures and animation frames for training trajectories."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from manifoldviz.figures.frames import rasterise
from manifoldviz.figures.palette import OKABE_ITO
from manifoldviz.trajectories.projection import tween
from manifoldviz.trajectories.trajectory import TrajectoryResult

#: Ten digit colours: Paul Tol's colour-blind-safe "muted" set, with black for the tenth.
DIGIT_COLOURS = [
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
    "#000000",
]
RUN_TITLES = {"true": "true labels", "shuffled": "shuffled labels"}


def _title(result: TrajectoryResult, name: str, epoch: float, index: int) -> str:
    snapshot = result.runs[name].snapshots[index]
    numbers = ""
    if "accuracy" in snapshot:
        numbers = (
            f"\ntrain acc {snapshot['accuracy']:.2f}, "
            f"val acc {snapshot.get('val_accuracy', float('nan')):.2f}"
        )
    elif "loss" in snapshot:
        numbers = f"\nloss {snapshot['loss']:.3f}, val loss {snapshot.get('val_loss', 0):.3f}"
    return f"{RUN_TITLES[name]}: epoch {epoch:.2f}{numbers}"


def _scatter(ax: Any, points: np.ndarray, labels: np.ndarray, limits: tuple) -> None:
    """Each digit's points in its colour. Markers of a line, not a scatter collection: every
    point has the same size and colour, so the renderer stamps one marker image per point
    instead of drawing each as a path: the same pixels in less time
    (``benchmarks/bench_drawing.py --parts markers``)."""
    for digit in range(10):
        mine = labels == digit
        ax.plot(
            points[mine, 0],
            points[mine, 1],
            linestyle="none",
            marker="o",
            markersize=7**0.5,  # the area of the scatter's s=7
            markeredgewidth=0,
            color=DIGIT_COLOURS[digit],
            label=str(digit),
            alpha=0.8,
        )
    ax.set_xlim(*limits[0])
    ax.set_ylim(*limits[1])
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


def _limits(frames: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]]:
    low, high = frames.reshape(-1, 2).min(axis=0), frames.reshape(-1, 2).max(axis=0)
    pad = 0.05 * (high - low)
    return (low[0] - pad[0], high[0] + pad[0]), (low[1] - pad[1], high[1] + pad[1])


def animation_frames(result: TrajectoryResult, *, dpi: int = 70) -> tuple[list, list[int]]:
    """RGB frames of the probe digits moving (runs side by side, fixed axes) and durations."""
    names = list(result.runs)
    times = [s["epoch"] for s in result.runs[names[0]].snapshots]
    n_between = int(result.settings["tween"])
    tweened = {n: tween(result.frames[n], times, n_between) for n in names}
    limits = {n: _limits(result.frames[n]) for n in names}
    n_frames = len(tweened[names[0]][0])

    def draw(k: int, figure: Any) -> None:
        axes = figure.subplots(1, len(names), squeeze=False)[0]
        snapshot_index = k // (n_between + 1)
        for ax, name in zip(axes, names, strict=True):
            points, epochs = tweened[name]
            _scatter(ax, points[k], result.runs[name].labels, limits[name])
            ax.set_title(_title(result, name, epochs[k], snapshot_index), fontsize=16)
        axes[-1].legend(
            title="digit",
            loc="center left",
            bbox_to_anchor=(1, 0.5),
            markerscale=3,
            frameon=False,
        )

    draws = [functools.partial(draw, k) for k in range(n_frames)]
    images = rasterise(draws, size=(7 * len(names), 7.4), dpi=dpi)
    durations = [120] * len(images)
    durations[-1] = 2500
    return images, durations


def draw_small_multiples(figure: Any, result: TrajectoryResult) -> Any:
    """Five chosen snapshots per run: start, inside epoch 1, end of epoch 1, middle, end."""
    names = list(result.runs)
    snapshots = result.runs[names[0]].snapshots
    n = len(snapshots)
    epoch_one = next((i for i, s in enumerate(snapshots) if s["epoch"] >= 1), n - 1)
    # Halfway between the end of epoch 1 and the last (index 8 of 14 by default; a run of one
    # epoch has fewer snapshots than the default's fixed midpoint assumed).
    chosen = sorted({0, min(2, n - 1), epoch_one, (epoch_one + n - 1) // 2, n - 1})
    axes = figure.subplots(len(names), len(chosen), squeeze=False)
    for row, name in enumerate(names):
        limits = _limits(result.frames[name])
        for col, index in enumerate(chosen):
            ax = axes[row, col]
            _scatter(ax, result.frames[name][index], result.runs[name].labels, limits)
            ax.set_title(f"epoch {snapshots[index]['epoch']:.2f}", fontsize=15)
        axes[row, 0].set_ylabel(RUN_TITLES[name], fontsize=17)
    beside = (1, 0.5) if len(names) == 1 else (1, 0.0)  # centred on one row, between two
    axes[0, -1].legend(
        title="digit", loc="center left", bbox_to_anchor=beside, markerscale=3, frameon=False
    )
    method = result.settings["projection"]
    figure.suptitle(
        f"Held-out digits' {result.settings['layer'] or 'hidden'} representations"
        f" through training ({method})"
    )
    return figure


def draw_weight_space(figure: Any, result: TrajectoryResult) -> Any:
    """Per run: the weight path over the loss surface, and the matched random walk's path."""
    names = list(result.runs)
    axes = figure.subplots(len(names), 2, squeeze=False)
    for row, name in enumerate(names):
        path, control = result.weight_paths[name], result.control_paths[name]
        ax = axes[row, 0]
        if name in result.surfaces:
            xs, ys, surface = result.surfaces[name]
            contour = ax.contourf(xs, ys, np.log10(surface), levels=14, cmap="cividis")
            figure.colorbar(contour, ax=ax, label="log10 training loss")
        _path(ax, path.coords, OKABE_ITO["vermillion"])
        ax.set_title(f"{RUN_TITLES[name]}: weights during training")
        _axis_labels(ax, path.explained)
        ax = axes[row, 1]
        _path(ax, control.coords, OKABE_ITO["blue"])
        ax.set_title("control: random walk, same step lengths")
        _axis_labels(ax, control.explained)
    figure.suptitle(
        "Weight space on its top-2 principal directions (smoothness alone proves "
        "little: compare the control)",
        fontsize=17,
    )
    return figure


def _path(ax: Any, coords: np.ndarray, colour: str) -> None:
    ax.plot(coords[:, 0], coords[:, 1], color=colour, marker="o", markersize=5)
    ax.annotate("start", coords[0], xytext=(6, 6), textcoords="offset points", fontsize=14)
    ax.annotate("end", coords[-1], xytext=(6, -14), textcoords="offset points", fontsize=14)
    ax.grid(False)


def _axis_labels(ax: Any, explained: tuple[float, float]) -> None:
    ax.set_xlabel(f"PC 1 ({explained[0]:.0%} of variance)")
    ax.set_ylabel(f"PC 2 ({explained[1]:.0%} of variance)")
