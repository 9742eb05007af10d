"""The "ways from A to B" figure: every method on a manifold known exactly, beside an MNIST pair."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from manifoldviz.figures.interpolation import METHOD_COLOURS, METHOD_LABELS, draw_digit
from manifoldviz.figures.palette import OKABE_ITO
from manifoldviz.interpolation.known_manifold import FLOOR_FACTOR


def draw_five_ways(
    figure: Any,
    known: Mapping[str, np.ndarray],
    distances: Mapping[str, Sequence[float]],
    floor: float,
    mnist: Mapping[str, np.ndarray],
    captions: Mapping[str, Sequence[str]],
    t: Sequence[float],
    *,
    known_title: str,
    mnist_title: str,
) -> Any:
    """One row per method: its frames on the known manifold, each captioned with its exact
    distance to the manifold (bold when within 1.5× the model's floor), then its frames
    between two MNIST digits, each captioned with the classifier's reading.

    Parameters
    ----------
    figure
        A matplotlib figure.
    known, distances, floor
        Per method, the known-manifold frames (n_steps, 28, 28) and each frame's RMS distance
        to the manifold; the model's floor on that pair.
    mnist, captions
        Per method, the MNIST frames and a caption per frame.
    t
        The frames' interpolation times.
    known_title, mnist_title
        The two halves' headings.

    Returns
    -------
    Any
        ``figure``.
    """
    methods = list(mnist)
    n = len(t)
    axes = figure.subplots(len(methods), 2 * n + 1, squeeze=False)
    for r, method in enumerate(methods):
        colour = METHOD_COLOURS.get(method, OKABE_ITO["black"])
        for half, (frames, texts) in enumerate(
            (
                (known[method], [f"{d:.3f}" for d in distances[method]]),
                (mnist[method], list(captions[method])),
            )
        ):
            for c in range(n):
                ax = draw_digit(axes[r, half * (n + 1) + c], frames[c], colour)
                near = half == 0 and distances[method][c] <= FLOOR_FACTOR * floor
                ax.set_xlabel(texts[c], fontsize=12, fontweight="bold" if near else "normal")
                if r == 0:
                    ax.set_title(f"t={t[c]:.2f}", fontsize=12)
        axes[r, 0].set_ylabel(METHOD_LABELS.get(method, method), fontsize=15, color=colour)
        axes[r, n].axis("off")
    figure.suptitle(
        f"Left, {known_title}: each frame's exact distance to the manifold (bold: within "
        f"{FLOOR_FACTOR:g}× the model's floor, {floor:.3f})\nRight, {mnist_title}: what the "
        "classifier reads",
        fontsize=17,
    )
    return figure
