"""Figures of interpolation on a known manifold: the paths beside the true one, the distances,
and how the latent path's distance changes with the latent size."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from manifoldviz.figures.interpolation import METHOD_COLOURS, draw_digit
from manifoldviz.figures.palette import OKABE_ITO
from manifoldviz.interpolation.known_manifold import FLOOR_FACTOR

#: Every path's colour and name in these figures (each method as everywhere, the truth black).
KNOWN_COLOURS = {**METHOD_COLOURS, "true": OKABE_ITO["black"]}
KNOWN_LABELS = {
    "pixel": "pixel path",
    "transport": "optimal transport",
    "linear": "latent path (linear)",
    "slerp": "latent path (slerp)",
    "geodesic": "latent geodesic",
    "isomap": "Isomap graph path",
    "true": "true path on the manifold",
}


def draw_known_example(
    figure: Any,
    frames: Mapping[str, np.ndarray],
    distances: Mapping[str, Sequence[float]],
    t: Sequence[float],
    *,
    title: str,
    rows: Sequence[str] = ("true", "pixel", "linear"),
    floor: float | None = None,
) -> Any:
    """Strips of the paths (one row each, each frame captioned with its distance to the
    manifold) and, below, every path's distance to the manifold against t.

    Parameters
    ----------
    figure
        A matplotlib figure to draw on.
    frames
        Per path, (n_steps, 28, 28) images.
    distances
        Per path, each frame's RMS distance to the manifold.
    t
        The frames' interpolation times.
    title
        The figure's title.
    rows
        Which paths get a strip, top to bottom.
    floor
        The model's floor on this pair (its reconstructions of the true path), drawn as a
        line with the 1.5× band a frame must be within to count as reaching it.

    Returns
    -------
    Any
        ``figure``.
    """
    n = len(t)
    grid = figure.add_gridspec(len(rows) + 1, n, height_ratios=[1] * len(rows) + [2.2])
    for r, name in enumerate(rows):
        for c in range(n):
            ax = draw_digit(figure.add_subplot(grid[r, c]), frames[name][c], KNOWN_COLOURS[name])
            ax.set_xlabel(f"{distances[name][c]:.3f}", fontsize=12)
            if c == 0:
                ax.set_ylabel(name, fontsize=15, color=KNOWN_COLOURS[name])
            if r == 0:
                ax.set_title(f"t={t[c]:.2f}", fontsize=12)
    ax = figure.add_subplot(grid[len(rows), :])
    for name, values in distances.items():
        ax.plot(
            t,
            values,
            color=KNOWN_COLOURS[name],
            label=KNOWN_LABELS[name],
            marker="o",
            linestyle="--" if name in ("pixel", "transport") else "-",
        )
    if floor is not None:
        ax.axhspan(0, FLOOR_FACTOR * floor, color=OKABE_ITO["yellow"], alpha=0.25, lw=0)
        ax.axhline(
            floor, color=OKABE_ITO["black"], linestyle=":", label="floor (own reconstructions)"
        )
    ax.set_xlabel("interpolation t")
    ax.set_ylabel("RMS distance to the manifold")
    ax.legend(frameon=False, ncols=2)
    figure.suptitle(title)
    return figure


def draw_latent_sweep(
    ax: Any,
    sweep: Mapping[str, Mapping[int, tuple[float, float, float]]],
    pixel: tuple[float, float, float],
    *,
    title: str,
    ylabel: str = "mid-path RMS distance to the manifold",
) -> Any:
    """The latent path's distance to the manifold against the latent size, one line per model,
    with the pixel path's as a band.

    Parameters
    ----------
    ax
        A matplotlib axes.
    sweep
        Per model, per latent size: (mean, low, high) of the latent path's distance.
    pixel
        (mean, low, high) of the pixel path's distance (the same for every model).
    title, ylabel
        The axes' title and y label.

    Returns
    -------
    Any
        ``ax``.
    """
    markers = ["o", "s", "D", "^"]
    sizes: list[int] = sorted({size for per_size in sweep.values() for size in per_size})
    ax.axhspan(pixel[1], pixel[2], color=KNOWN_COLOURS["pixel"], alpha=0.15, lw=0)
    ax.axhline(pixel[0], color=KNOWN_COLOURS["pixel"], linestyle="--", label="pixel path")
    shades = [OKABE_ITO["blue"], OKABE_ITO["purple"], OKABE_ITO["orange"], OKABE_ITO["black"]]
    for i, (model, per_size) in enumerate(sweep.items()):
        xs = sorted(per_size)
        means = np.array([per_size[x][0] for x in xs])
        low = np.array([per_size[x][1] for x in xs])
        high = np.array([per_size[x][2] for x in xs])
        colour = shades[i % len(shades)]
        ax.errorbar(
            xs,
            means,
            yerr=[means - low, high - means],
            color=colour,
            marker=markers[i % len(markers)],
            capsize=5,
            label=f"latent path, {model}",
        )
    ax.set_xscale("log", base=2)
    ax.set_xticks(sizes, [str(s) for s in sizes])
    ax.set_xlabel("latent size")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(frameon=False)
    return ax
