"""Training-curve figures for the experiments: each draws on a given axis and returns it.

Every function takes an ``upto`` epoch count so the same drawing makes the static figure and
each frame of the animation of the curves growing, with axes fixed to the full run.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from manifoldviz.experiments.overfitting import regions
from manifoldviz.experiments.sweep import ExperimentResult
from manifoldviz.figures.frames import rasterise
from manifoldviz.figures.palette import OKABE_ITO

Curves = npt.NDArray[np.float64]
REGION_COLOURS = {
    "underfit": OKABE_ITO["sky"],
    "robust fit": OKABE_ITO["green"],
    "overfit": OKABE_ITO["orange"],
}


def _band(ax: Any, curves: Curves, upto: int, *, colour: str, label: str, style: str) -> None:
    """Mean over seeds as a line; with several seeds, the min-max range as a band."""
    epochs = np.arange(1, curves.shape[1] + 1)[:upto]
    mean = curves.mean(axis=0)[:upto]
    suffix = f" (mean of {len(curves)} seeds)" if len(curves) > 1 else ""
    ax.plot(epochs, mean, color=colour, linestyle=style, marker="o", label=label + suffix)
    if len(curves) > 1:
        ax.fill_between(
            epochs,
            curves.min(axis=0)[:upto],
            curves.max(axis=0)[:upto],
            color=colour,
            alpha=0.2,
            linewidth=0,
        )
    if upto >= curves.shape[1]:
        ax.annotate(
            f"{mean[-1]:.3f}",
            (epochs[-1], mean[-1]),
            xytext=(8, 0),
            textcoords="offset points",
            va="center",
            color=colour,
            fontsize=15,
            fontweight="bold",
        )


def _frame_axes(ax: Any, n_epochs: int, ylabel: str, title: str, ylim: tuple[float, float]) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.set_xlim(0.5, n_epochs + max(0.7, n_epochs * 0.15))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(*ylim)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.set_title(title)


def _limits(*arrays: Curves, pad: float = 0.05) -> tuple[float, float]:
    low = min(float(a.min()) for a in arrays)
    high = max(float(a.max()) for a in arrays)
    span = max(high - low, 1e-3)
    return low - pad * span, high + pad * span


def draw_noise_channels(ax: Any, result: ExperimentResult, upto: int | None = None) -> Any:
    """Validation accuracy per epoch: noise channels solid, zero channels dashed."""
    noise = result.curves("noise", "val_accuracy")
    zeros = result.curves("zeros", "val_accuracy")
    upto = upto or noise.shape[1]
    _band(
        ax,
        noise,
        upto,
        colour=OKABE_ITO["vermillion"],
        label="+784 white-noise channels",
        style="-",
    )
    _band(ax, zeros, upto, colour=OKABE_ITO["blue"], label="+784 all-zero channels", style="--")
    _frame_axes(
        ax,
        noise.shape[1],
        "validation accuracy",
        "Validation accuracy: noise vs zero channels",
        _limits(noise, zeros),
    )
    ax.legend(loc="lower right", frameon=False)
    return ax


def draw_shuffled_curves(ax: Any, result: ExperimentResult, upto: int | None = None) -> Any:
    """Training versus validation accuracy with the most corrupted labels: memorisation."""
    condition = max(result.conditions, key=_fraction)
    train = result.curves(condition, "accuracy")
    val = result.curves(condition, "val_accuracy")
    upto = upto or train.shape[1]
    _band(ax, train, upto, colour=OKABE_ITO["vermillion"], label="training accuracy", style="-")
    _band(ax, val, upto, colour=OKABE_ITO["blue"], label="validation accuracy", style="--")
    ax.axhline(0.1, color="black", linewidth=1.5, linestyle=":", label="chance (0.1)")
    high = max(0.3, float(train.max()) + 0.05)
    _frame_axes(
        ax,
        train.shape[1],
        "accuracy",
        f"Labels shuffled ({condition}): the model memorises",
        (0, min(1.02, high)),
    )
    ax.legend(loc="upper left", frameon=False)
    return ax


def _fraction(condition: str) -> float:
    """The corrupted fraction in a shuffled-labels condition name such as ``p=0.4``."""
    return float(condition.split("=")[1])


def draw_label_noise_sweep(ax: Any, result: ExperimentResult) -> Any:
    """Final training and test accuracy against the fraction of corrupted labels."""
    conditions = sorted(result.conditions, key=_fraction)
    fractions = [_fraction(c) for c in conditions]
    for name, colour, style, label in (
        ("train_accuracy", OKABE_ITO["vermillion"], "-", "training accuracy (noisy labels)"),
        ("test_accuracy", OKABE_ITO["blue"], "--", "test accuracy (true labels)"),
    ):
        values = [result.finals(c, name) for c in conditions]
        means = np.array([v.mean() for v in values])
        spread = np.array([[m - v.min(), v.max() - m] for m, v in zip(means, values, strict=True)])
        ax.errorbar(
            fractions,
            means,
            yerr=spread.T,
            color=colour,
            linestyle=style,
            marker="o",
            capsize=5,
            label=label,
        )
        for x, y in zip(fractions, means, strict=True):
            ax.annotate(
                f"{y:.2f}",
                (x, y),
                xytext=(0, 10),
                textcoords="offset points",
                ha="center",
                color=colour,
                fontsize=13,
            )
    ax.axhline(0.1, color="black", linewidth=1.5, linestyle=":", label="chance (0.1)")
    ax.set_xlabel("fraction of training labels shuffled")
    ax.set_ylabel("final accuracy")
    ax.set_ylim(0, 1.08)
    ax.set_title("Label noise: memorised, not generalized")
    ax.legend(loc="lower left", frameon=False)
    return ax


def draw_overfitting(ax: Any, result: ExperimentResult, upto: int | None = None) -> Any:
    """Training and validation loss, the best epoch, and the three regions named."""
    train = result.curves(result.conditions[0], "loss")
    val = result.curves(result.conditions[0], "val_loss")
    n_epochs = train.shape[1]
    upto = upto or n_epochs
    spans = regions(list(val.mean(axis=0)))
    best = spans["best_epoch"] + 1
    edges = [0.5, spans["robust_start"] + 0.5, spans["robust_end"] + 1.5, n_epochs + 0.5]
    low, high = _limits(train, val)
    for row, ((name, colour), left, right) in enumerate(
        zip(REGION_COLOURS.items(), edges[:-1], edges[1:], strict=True)
    ):
        if right > left:
            ax.axvspan(left, right, color=colour, alpha=0.12, linewidth=0)
            # Narrow regions sit side by side: stagger their names so they never overlap.
            height = high - (0.04 + 0.08 * (row % 2)) * (high - low)
            ax.text((left + right) / 2, height, name, ha="center", va="top", fontsize=15)
    _band(ax, train, upto, colour=OKABE_ITO["vermillion"], label="training loss", style="-")
    _band(ax, val, upto, colour=OKABE_ITO["blue"], label="validation loss", style="--")
    if upto >= best:
        ax.axvline(best, color="black", linewidth=1.5, linestyle=":")
        ax.annotate(
            f"best epoch {best}\n(early stopping)",
            (best, float(val.mean(axis=0).min())),
            xytext=(10, -40),
            textcoords="offset points",
            fontsize=14,
        )
    _frame_axes(ax, n_epochs, "loss", "Overfitting: validation loss turns back up", (low, high))
    ax.legend(loc="center right", frameon=False)
    return ax


def render_frames(
    draw: Callable[[Any, int], Any],
    n_epochs: int,
    *,
    size: tuple[float, float] = (10, 6),
    dpi: int = 80,
    max_frames: int = 40,
) -> list[npt.NDArray[np.uint8]]:
    """Render ``draw(ax, upto)`` for a growing number of epochs; return RGB frames."""
    steps = sorted(set(np.linspace(1, n_epochs, min(n_epochs, max_frames)).round().astype(int)))
    draws = [functools.partial(_draw_upto, draw, int(upto)) for upto in steps]
    return rasterise(draws, size=size, dpi=dpi)


def _draw_upto(draw: Callable[[Any, int], Any], upto: int, figure: Any) -> None:
    draw(figure.add_subplot(), upto)
