"""Figures of an interpolation: the strip of both paths and the per-frame evidence panels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from manifoldviz.figures.palette import OKABE_ITO
from manifoldviz.interpolation.methods import PIXEL_METHODS, sole_straight_latent

#: Pixel-space and latent-space colours used everywhere (vermillion and blue: CVD-safe pair).
PATH_COLOURS = {"pixel": OKABE_ITO["vermillion"], "latent": OKABE_ITO["blue"]}
PATH_LABELS = {"pixel": "pixel space", "latent": "latent space"}
#: Each path method's colour (Okabe-Ito) and name on figures.
METHOD_COLOURS = {
    "pixel": OKABE_ITO["vermillion"],
    "transport": OKABE_ITO["orange"],
    "linear": OKABE_ITO["blue"],
    "slerp": OKABE_ITO["sky"],
    "geodesic": OKABE_ITO["green"],
    "isomap": OKABE_ITO["purple"],
}
#: Each path method's name on figures and in legends.
METHOD_LABELS = {
    "pixel": "pixel space",
    "transport": "optimal transport",
    "linear": "latent linear",
    "slerp": "latent slerp",
    "geodesic": "latent geodesic",
    "isomap": "Isomap graph",
}


def method_label(method: str, methods: Sequence[str]) -> str:
    """A method's name on a figure: ``latent space`` for the one straight latent path of the
    classic two-path figure, else its own name."""
    if sole_straight_latent(method, methods):
        return PATH_LABELS["latent"]
    return METHOD_LABELS.get(method, PATH_LABELS.get(method, method))


def draw_digit(ax: Any, image: np.ndarray, colour: str, *, linewidth: float = 2.5) -> Any:
    """One 28×28 frame as dark ink on white, no ticks, framed in its path's colour."""
    ax.imshow(image, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color(colour)
        spine.set_linewidth(linewidth)
    return ax


def method_colour(method: str) -> str:
    return METHOD_COLOURS.get(method, PATH_COLOURS.get(method, OKABE_ITO["black"]))


def draw_strip(
    figure: Any,
    rows: dict[str, np.ndarray],
    t: Sequence[float],
    captions: Mapping[str, Sequence[str]],
    *,
    title: str,
) -> Any:
    """Draw each row of frames (n_steps, 28, 28) as a labelled strip; return the figure."""
    n_cols = len(t)
    axes = figure.subplots(len(rows), n_cols, squeeze=False)
    for r, (name, frames) in enumerate(rows.items()):
        for c in range(n_cols):
            ax = draw_digit(axes[r, c], frames[c], method_colour(name))
            ax.set_xlabel(captions[name][c], fontsize=13)
            if r == 0:
                ax.set_title(f"t={t[c]:.2f}", fontsize=13)
        axes[r, 0].set_ylabel(
            method_label(name, list(rows)), fontsize=17, color=method_colour(name)
        )
    figure.suptitle(title)
    return figure


def draw_path_metric(
    ax: Any,
    t: Sequence[float],
    series: Mapping[str, Sequence[float]],
    *,
    ylabel: str,
    title: str,
) -> Any:
    """One panel of per-frame evidence: a line per path against t; return the axis."""
    for name, values in series.items():
        ax.plot(
            t,
            values,
            color=method_colour(name),
            label=method_label(name, list(series)),
            linestyle="--" if name in PIXEL_METHODS else "-",
            marker="o",
        )
    ax.set_xlabel("interpolation t")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(frameon=False)
    return ax
