"""Figures for validation protocols and baselines: each draws on a given axis and returns it."""

from __future__ import annotations

from typing import Any

import numpy as np

from manifoldviz.experiments.baselines import CLASSIFIERS
from manifoldviz.experiments.sweep import ExperimentResult
from manifoldviz.experiments.validation import PROTOCOL_LABELS, parse_run_name
from manifoldviz.figures.palette import OKABE_ITO

PROTOCOL_COLOURS = {
    "holdout": OKABE_ITO["vermillion"],
    "kfold": OKABE_ITO["blue"],
    "iterated": OKABE_ITO["green"],
}
CLASSIFIER_LABELS = {
    "uniform": "uniform random",
    "most_frequent": "always the majority",
    "stratified": "random, class shares",
    "mlp": "trained MLP",
}


def draw_protocol_spread(ax: Any, result: ExperimentResult, upto: int | None = None) -> Any:
    """Each protocol's estimate from every repeat (dots), their mean and spread (±1 sd)."""
    estimates = result.extra["estimates"]
    for i, (protocol, values) in enumerate(estimates.items()):
        points = np.array(values["estimate"])
        colour = PROTOCOL_COLOURS[protocol]
        n_models = values["n_models"][0]
        models = "1 model" if n_models == 1 else f"{n_models} models"
        ax.scatter(
            np.full(len(points), i),
            points,
            s=90,
            color=colour,
            zorder=3,
            label=f"{PROTOCOL_LABELS[protocol]} ({models} per run)",
        )
        ax.errorbar(
            i + 0.18,
            points.mean(),
            yerr=points.std(),
            fmt="D",
            color="black",
            capsize=8,
            markersize=7,
        )
        ax.annotate(f"sd {points.std():.3f}", (i + 0.25, points.mean()), fontsize=14, va="center")
    test = np.mean([np.mean(v["test_accuracy"]) for v in estimates.values()])
    ax.axhline(
        test,
        color="black",
        linestyle=":",
        linewidth=1.5,
        label=f"accuracy on the untouched test set ({test:.3f})",
    )
    ax.set_xticks(range(len(estimates)), [PROTOCOL_LABELS[p] for p in estimates])
    ax.set_xlim(-0.5, len(estimates) - 0.2)
    ax.set_ylabel("estimated accuracy")
    n = result.data["n_train"]
    ax.set_title(f"Same data ({n:,} images), repeated runs: how much do estimates vary?")
    ax.legend(frameon=False, loc="lower right", fontsize=12)
    ax.grid(axis="x", visible=False)
    return ax


def draw_fold_curves(ax: Any, result: ExperimentResult, upto: int | None = None) -> Any:
    """Validation accuracy per epoch for each fold of the first K-fold run, and their mean."""
    runs = [r for r in result.runs if parse_run_name(r.condition)[:3] == ("kfold", 0, 0)]
    curves = np.array([r.history["val_accuracy"] for r in runs])
    epochs = np.arange(1, curves.shape[1] + 1)
    upto = upto or len(epochs)
    palette = list(OKABE_ITO.values())
    for fold, curve in enumerate(curves):
        ax.plot(
            epochs[:upto],
            curve[:upto],
            color=palette[fold % len(palette)],
            alpha=0.8,
            linewidth=2,
            label=f"fold {fold + 1}",
        )
    ax.plot(
        epochs[:upto],
        curves.mean(axis=0)[:upto],
        color="black",
        linewidth=4,
        label="mean over folds",
    )
    if upto >= len(epochs):
        ax.annotate(
            f"{curves.mean(axis=0)[-1]:.3f}",
            (epochs[-1], curves.mean(axis=0)[-1]),
            xytext=(8, 0),
            textcoords="offset points",
            fontsize=15,
            fontweight="bold",
        )
    ax.set_xlim(0.5, len(epochs) + max(0.8, 0.15 * len(epochs)))
    ax.set_ylim(float(curves.min()) - 0.02, float(curves.max()) + 0.02)
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation accuracy")
    ax.set_title(f"K-fold: one validation curve per fold (K={len(curves)})")
    ax.legend(frameon=False, loc="lower right", ncols=2)
    return ax


def draw_split_diagram(ax: Any, result: ExperimentResult, upto: int | None = None) -> Any:
    """Which samples validated which model, from the fold indices actually used.

    One row per model; samples ordered by their K-fold fold so the book's blocks appear, and the
    iterated K-fold's reshuffles show as scattered stripes.
    """
    from matplotlib.colors import ListedColormap

    folds = result.extra["fold_assignments_first_run"]
    kfold = np.array(folds["kfold"][0])
    order = np.argsort(kfold, kind="stable")
    rows, labels = [], []
    holdout = np.array(folds["holdout"][0])
    rows.append(holdout[order] == 0)
    labels.append("hold-out")
    for fold in range(kfold.max() + 1):
        rows.append(kfold[order] == fold)
        labels.append(f"K-fold {fold + 1}")
    for i, assignment in enumerate(folds["iterated"]):
        assignment = np.array(assignment)
        for fold in range(assignment.max() + 1):
            rows.append(assignment[order] == fold)
            labels.append(f"shuffle {i + 1}, fold {fold + 1}")
    image = np.array(rows, dtype=float)
    colours = ListedColormap([OKABE_ITO["sky"], OKABE_ITO["vermillion"]])
    ax.imshow(image, aspect="auto", cmap=colours, interpolation="nearest", vmin=0, vmax=1)
    ax.set_yticks(range(len(labels)), labels, fontsize=12)
    ax.set_xlabel(f"training images ({image.shape[1]:,}), ordered by K-fold fold")
    ax.set_title("Validation (red) and training (blue) samples of each model")
    ax.grid(False)
    return ax


def draw_baselines(ax: Any, result: ExperimentResult, task: str) -> Any:
    """Accuracy beside balanced accuracy for each baseline and the MLP on one task."""
    runs = [r for r in result.runs if r.condition == task]
    bars = [
        ("accuracy", OKABE_ITO["blue"], "accuracy"),
        ("balanced_accuracy", OKABE_ITO["orange"], "balanced accuracy"),
    ]
    if task == "imbalanced":
        bars.append(("recall_1", OKABE_ITO["green"], "recall of the minority class"))
    width = 0.8 / len(bars)
    for j, (metric, colour, label) in enumerate(bars):
        means = [np.mean([r.final[f"{c}/{metric}"] for r in runs]) for c in CLASSIFIERS]
        positions = np.arange(len(CLASSIFIERS)) + (j - (len(bars) - 1) / 2) * width
        ax.bar(positions, means, width, color=colour, label=label)
        for x, y in zip(positions, means, strict=True):
            ax.annotate(
                f"{y:.2f}",
                (x, y),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                fontsize=13,
            )
    majority = np.mean([r.final["most_frequent/accuracy"] for r in runs])
    ax.axhline(
        majority,
        color="black",
        linestyle=":",
        linewidth=1.5,
        label=f"always the majority: {majority:.2f}",
    )
    ax.set_xticks(range(len(CLASSIFIERS)), [CLASSIFIER_LABELS[c] for c in CLASSIFIERS])
    ax.set_ylim(0, 1.2)
    ax.set_ylabel("score on the test set")
    if task == "balanced":
        ax.set_title("Ten balanced digits: chance is 0.1")
    else:
        share = np.mean([r.final["positive_share"] for r in runs])
        digit = result.settings["digit"]
        ax.set_title(f"'Is it a {digit}?' with {share:.0%} positives: accuracy flatters")
    ax.legend(frameon=False, loc="upper left", ncols=2, fontsize=12)
    ax.grid(axis="x", visible=False)
    return ax
