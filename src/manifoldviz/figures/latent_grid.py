"""The latent map: decoded digits on a grid of codes, with the path from A to B drawn over it."""

from __future__ import annotations

from typing import Any

import numpy as np

from manifoldviz.figures.palette import OKABE_ITO
from manifoldviz.interpolation.latent_grid import LatentGrid


def _cell(values: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """Grid coordinates to mosaic cell positions (centres at i + 0.5), linear beyond the ends."""
    index = np.arange(len(axis), dtype=np.float64)
    inside = np.interp(values, axis, index)
    below, above = values < axis[0], values > axis[-1]
    first_step = (axis[1] - axis[0]) or 1.0
    last_step = (axis[-1] - axis[-2]) or 1.0
    inside = np.where(below, (values - axis[0]) / first_step, inside)
    inside = np.where(above, len(axis) - 1 + (values - axis[-1]) / last_step, inside)
    return inside + 0.5


def _tick(value: float) -> str:
    """A short tick label; tiny values read 0 (never -1.4e-16)."""
    return f"{round(float(value), 2) + 0.0:g}"


def draw_latent_grid(ax: Any, grid: LatentGrid, *, title: str) -> Any:
    """Draw the decoded grid as one mosaic, the latent path as a line, A, B and the mean code.

    Parameters
    ----------
    ax
        A matplotlib axes.
    grid
        The :class:`~manifoldviz.interpolation.latent_grid.LatentGrid` to draw.
    title
        The axes title.

    Returns
    -------
    Any
        ``ax``.
    """
    n = len(grid.u)
    mosaic = grid.images[::-1].transpose(0, 2, 1, 3).reshape(n * 28, n * 28)
    ax.imshow(mosaic, cmap="gray_r", vmin=0, vmax=1, extent=(0, n, 0, n), origin="upper")
    ax.grid(False)
    x = _cell(grid.path[:, 0].astype(np.float64), grid.u.astype(np.float64))
    y = _cell(grid.path[:, 1].astype(np.float64), grid.v.astype(np.float64))
    ax.plot(
        x, y, color=OKABE_ITO["blue"], linewidth=3, marker="o", markersize=5, label="latent path"
    )
    for name, colour in (("A", OKABE_ITO["vermillion"]), ("B", OKABE_ITO["vermillion"])):
        mx = _cell(np.array([grid.marks[name][0]]), grid.u.astype(np.float64))[0]
        my = _cell(np.array([grid.marks[name][1]]), grid.v.astype(np.float64))[0]
        ax.plot(mx, my, marker="s", markersize=13, color=colour, markerfacecolor="none", mew=3)
        ax.annotate(
            name,
            (mx, my),
            xytext=(8, 8),
            textcoords="offset points",
            color=colour,
            fontsize=18,
            fontweight="bold",
        )
    mx = _cell(np.array([grid.marks["mean"][0]]), grid.u.astype(np.float64))[0]
    my = _cell(np.array([grid.marks["mean"][1]]), grid.v.astype(np.float64))[0]
    ax.plot(mx, my, marker="+", markersize=18, mew=3, color=OKABE_ITO["green"], label="mean code")
    ticks = np.unique(np.linspace(0, n - 1, min(n, 5)).round().astype(int))
    ax.set_xticks(ticks + 0.5, [_tick(grid.u[i]) for i in ticks])
    ax.set_yticks(ticks + 0.5, [_tick(grid.v[i]) for i in ticks])
    ax.set_xlim(0, n)
    ax.set_ylim(0, n)
    ax.set_xlabel(grid.axis_labels[0])
    ax.set_ylabel(grid.axis_labels[1])
    ax.set_title(title)
    ax.legend(loc="upper right", framealpha=0.85)
    return ax
