"""Figures for the intrinsic-dimension results: each draws on a given axis and returns it."""

from __future__ import annotations

from typing import Any

import numpy as np

from manifoldviz.experiments.intrinsic_dimension import (
    AMBIENT,
    PUBLISHED_MNIST,
    VARIANT_LABELS,
    ManifoldResult,
)
from manifoldviz.figures.palette import OKABE_ITO

ESTIMATOR_COLOURS = [OKABE_ITO[c] for c in ("blue", "orange", "green", "purple", "sky")]


def _grouped_bars(
    ax: Any,
    groups: list[str],
    values: dict[str, dict[str, list[float]]],
    estimators: list[str],
    *,
    marked: dict[str, dict[str, float]] | None = None,
) -> None:
    """One group of bars per key of ``values``: a bar per estimator, min-max as error bars.

    ``marked[group][estimator]`` draws a black diamond at that value on the bar (a published
    estimate), with the bar's own number written above whichever is higher.
    """
    marked = marked or {}
    width = 0.8 / len(estimators)
    for i, name in enumerate(estimators):
        means = np.array([np.mean(values[g][name]) for g in groups])
        low = means - np.array([min(values[g][name]) for g in groups])
        high = np.array([max(values[g][name]) for g in groups]) - means
        positions = np.arange(len(groups)) + (i - (len(estimators) - 1) / 2) * width
        ax.bar(
            positions,
            means,
            width,
            yerr=[low, high],
            capsize=3,
            color=ESTIMATOR_COLOURS[i % len(ESTIMATOR_COLOURS)],
            label=name,
        )
        for group, x, y in zip(groups, positions, means, strict=True):
            mark = marked.get(group, {}).get(name)
            if mark is not None:
                ax.plot(x, mark, marker="D", markersize=10, color="black", zorder=4)
            ax.annotate(
                f"{y:.0f}",
                (x, max(y, mark or 0)),
                xytext=(0, 3 if mark is None else 8),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=12,
            )


def draw_variants(ax: Any, result: ManifoldResult) -> Any:
    """Estimated intrinsic dimension of MNIST, +zero channels and +noise channels, log scale."""
    groups = list(result.variants)
    estimators = list(result.settings["estimators"])
    published = PUBLISHED_MNIST["estimates"]
    same_k = {name: published[name] for name in estimators if name in published}
    _grouped_bars(ax, groups, result.variants, estimators, marked={"mnist": same_k})
    if same_k:
        ax.plot([], [], marker="D", color="black", linestyle="none", label="Pope et al., same k")
    for i, variant in enumerate(groups):
        ax.hlines(AMBIENT[variant], i - 0.45, i + 0.45, colors="black", linestyles="--")
        ax.annotate(
            f"ambient {AMBIENT[variant]}",
            (i, AMBIENT[variant]),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            fontsize=13,
        )
    if "mnist" in groups:
        _published_band(ax, groups.index("mnist"))
    ax.set_yscale("log")
    ax.set_ylim(1, 4000)
    ax.set_xticks(range(len(groups)), [VARIANT_LABELS[g] for g in groups])
    ax.set_ylabel("intrinsic dimension (log scale)")
    ax.set_title("Zero channels change nothing; noise channels leave the manifold")
    ax.legend(title="estimator", frameon=False, loc="center left")
    ax.grid(axis="x", visible=False)
    return ax


def _published_band(ax: Any, position: int) -> None:
    """Pope et al.'s published range for MNIST (MLE over their k) as a hatched band."""
    published = PUBLISHED_MNIST["estimates"]
    low, high = min(published.values()), max(published.values())
    ax.fill_between(
        [position - 0.45, position + 0.45],
        low,
        high,
        facecolor="none",
        edgecolor="0.3",
        hatch="//",
        zorder=3,
        label=f"Pope et al. 2021, MLE k=3-20: {low}-{high}",
    )


def draw_per_digit(ax: Any, result: ManifoldResult) -> Any:
    """Estimated intrinsic dimension of each digit alone and of all digits, beside 784."""
    estimators = list(result.settings["estimators"])
    values = {**result.digits, "all": result.variants["mnist"]}
    groups = [*result.digits, "all"]
    _grouped_bars(ax, groups, values, estimators)
    ax.axhline(784, color="black", linestyle="--")
    ax.annotate(
        "ambient dimension: 784 pixels",
        (len(groups) - 1, 784),
        xytext=(0, 5),
        textcoords="offset points",
        ha="right",
        fontsize=13,
    )
    ax.set_yscale("log")
    ax.set_ylim(1, 3000)
    ax.set_xticks(range(len(groups)), groups)
    ax.set_xlabel("digit")
    ax.set_ylabel("intrinsic dimension (log scale)")
    n = result.settings["subsample"]
    ax.set_title(f"MNIST lies on a low-dimensional manifold ({n:,} images per subsample)")
    ax.legend(title="estimator", frameon=False, loc="upper left", ncols=len(estimators))
    ax.grid(axis="x", visible=False)
    return ax


def draw_autoencoder_elbow(ax: Any, result: ManifoldResult) -> Any:
    """Autoencoder test loss against latent size, with the estimated dimension shaded."""
    sizes = sorted(int(s) for s in result.autoencoder)
    losses = [result.autoencoder[str(s)] for s in sizes]
    ax.plot(sizes, losses, marker="o", color=OKABE_ITO["blue"], label="test reconstruction loss")
    estimates = [result.mean("mnist", e) for e in result.settings["estimators"]]
    ax.axvspan(
        min(estimates),
        max(estimates),
        color=OKABE_ITO["orange"],
        alpha=0.25,
        label=f"estimated intrinsic dimension ({min(estimates):.0f}-{max(estimates):.0f})",
    )
    ax.set_xscale("log", base=2)
    ax.set_xticks(sizes, [str(s) for s in sizes])
    ax.set_xlabel("latent size")
    ax.set_ylabel("test loss (binary crossentropy)")
    ax.set_title("Past the intrinsic dimension, a bigger code buys little")
    ax.legend(frameon=False)
    return ax
