"""The fit-to-overfit figures: six panels like the chapter's, and the boundary animation."""

from __future__ import annotations

import functools
from typing import Any

from manifoldviz.experiments.fitmorph import FitMorphResult
from manifoldviz.figures.frames import rasterise
from manifoldviz.figures.palette import OKABE_ITO

CLASS_COLOURS = (OKABE_ITO["blue"], OKABE_ITO["orange"])


def draw_boundary(
    ax: Any, result: FitMorphResult, index: int, *, test: bool = False, title: str = ""
) -> Any:
    """Class regions and the 0.5 boundary of snapshot ``index``, over the training points
    (or fresh test points)."""
    from matplotlib.colors import ListedColormap

    probabilities = result.probabilities[index]
    ax.contourf(
        result.grid_x,
        result.grid_y,
        probabilities,
        levels=[0, 0.5, 1],
        cmap=ListedColormap([CLASS_COLOURS[0], CLASS_COLOURS[1]]),
        alpha=0.18,
    )
    ax.contour(
        result.grid_x, result.grid_y, probabilities, levels=[0.5], colors="black", linewidths=2.5
    )
    x, y = (result.x_test, result.y_test) if test else (result.x_train, result.y_train)
    for label, marker in ((0, "o"), (1, "s")):
        mine = y == label
        ax.scatter(
            x[mine, 0],
            x[mine, 1],
            s=30,
            color=CLASS_COLOURS[label],
            marker=marker,
            edgecolors="black",
            linewidths=0.6,
            label=f"class {label}",
        )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_aspect("equal")
    ax.grid(False)
    ax.set_title(title, fontsize=17)
    return ax


def draw_six_panels(figure: Any, result: FitMorphResult) -> Any:
    """Training data; random model; early training; robust fit; overfit; then test time."""
    axes = figure.subplots(2, 3).ravel()
    last = len(result.epochs) - 1
    early = max(1, min(result.robust // 2, last))
    draw_boundary(axes[0], result, 0, title="Before training: a random model")
    draw_boundary(
        axes[1], result, early, title=f"Beginning of training (epoch {result.epochs[early]})"
    )
    draw_boundary(
        axes[2], result, result.robust, title=f"Robust fit (epoch {result.epochs[result.robust]})"
    )
    draw_boundary(axes[3], result, last, title=f"Overfitting (epoch {result.epochs[last]})")
    accuracy = result.test_accuracy
    draw_boundary(
        axes[4],
        result,
        result.robust,
        test=True,
        title=f"Test time, robust model: {accuracy['robust']:.0%}",
    )
    draw_boundary(
        axes[5],
        result,
        last,
        test=True,
        title=f"Test time, overfit model: {accuracy['overfit']:.0%}",
    )
    axes[0].legend(loc="lower left", frameon=True, fontsize=13)
    figure.suptitle(
        "From a random model to a robust fit to an overfit model "
        f"(overfit model: {accuracy['overfit_train']:.0%} on its training points)"
    )
    return figure


def animation_frames(result: FitMorphResult, *, dpi: int = 70) -> tuple[list, list[int]]:
    """One frame per snapshot: the boundary moving from random, through robust, to overfit."""

    def stage(index: int) -> str:
        if index == result.robust:
            return "robust fit"
        return "overfitting" if index > result.robust else "fitting"

    draws = [
        functools.partial(_draw_snapshot, result, index, f"epoch {epoch}: {stage(index)}")
        for index, epoch in enumerate(result.epochs)
    ]
    frames = rasterise(draws, size=(7.5, 7.5), dpi=dpi)
    held = (result.robust, len(result.epochs) - 1)
    durations = [1500 if index in held else 150 for index in range(len(frames))]
    durations[-1] = 2500
    return frames, durations


def _draw_snapshot(result: FitMorphResult, index: int, title: str, figure: Any) -> None:
    draw_boundary(figure.add_subplot(), result, index, title=title)
