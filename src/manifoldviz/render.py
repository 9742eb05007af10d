"""Lecture-hall figures: a shared style, figure functions that draw on given axes, and saving.

Figures are built with ``matplotlib.figure.Figure`` (no pyplot state, safe in notebooks and
threads) and saved without timestamps or version strings, so the same input gives the same bytes.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from manifoldviz.animation import OKABE_ITO, check_output_path
from manifoldviz.atomic import atomic_path
from manifoldviz.errors import InvalidInputError

FIGURE_SUFFIXES = (".png", ".svg", ".pdf")
LECTURE_STYLE = {
    "font.size": 16,
    "axes.titlesize": 19,
    "axes.labelsize": 17,
    "xtick.labelsize": 14,
    "ytick.labelsize": 14,
    "legend.fontsize": 14,
    "figure.titlesize": 21,
    "lines.linewidth": 2.8,
    "lines.markersize": 7,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.prop_cycle": None,  # filled in lecture_style()
    "svg.hashsalt": "manifoldviz",
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
}
#: Pixel-space and latent-space colours used everywhere (vermillion and blue: CVD-safe pair).
PATH_COLOURS = {"pixel": OKABE_ITO["vermillion"], "latent": OKABE_ITO["blue"]}
PATH_LABELS = {"pixel": "pixel space", "latent": "latent space"}


@contextlib.contextmanager
def lecture_style() -> Iterator[None]:
    """Large type, labelled grids and the Okabe-Ito colour cycle, for the duration of a block."""
    import matplotlib
    from cycler import cycler

    style: dict[str, Any] = {**LECTURE_STYLE}
    style["axes.prop_cycle"] = cycler(color=list(OKABE_ITO.values()))
    with matplotlib.rc_context(style):  # type: ignore[arg-type]  # rc keys are Literal-typed
        yield


def new_figure(width: float, height: float) -> Any:
    """A pyplot-free Figure of the given size in inches."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def check_figure_path(path: str | os.PathLike[str], *, param: str) -> Path:
    """A figure path must end in .png, .svg or .pdf and be writable."""
    path = Path(path)
    if path.suffix.lower() not in FIGURE_SUFFIXES:
        raise InvalidInputError(
            f"{path}: figures are written as {', '.join(FIGURE_SUFFIXES)}", param=param
        )
    return check_output_path(path, param=param)


def save_figure(figure: Any, path: str | os.PathLike[str]) -> Path:
    """Save atomically, format from the extension, with no timestamp or version metadata."""
    path = Path(path)
    suffix = path.suffix.lower()
    metadata: dict[str, Any] = {
        ".png": {"Software": None},
        ".svg": {"Date": None, "Creator": None},
        ".pdf": {"CreationDate": None, "Creator": None, "Producer": None},
    }[suffix]
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format=suffix[1:], metadata=metadata)
    return path


def on_new_axes(draw: Callable[..., Any], *args: Any) -> Callable[[Any], Any]:
    """``draw(axes, *args)`` on one new axes of a figure: the form ``save_drawing`` takes."""
    return lambda figure: draw(figure.add_subplot(), *args)


def save_drawing(
    draw: Callable[[Any], Any],
    base: str | os.PathLike[str],
    *,
    size: tuple[float, float],
    figure_format: str = "svg",
) -> list[Path]:
    """Draw a lecture-style figure with ``draw(figure)`` and save it as PNG plus SVG or PDF.

    ``base`` is the path without extension; returns the two files written.
    """
    if figure_format not in ("svg", "pdf"):
        raise InvalidInputError(
            f"figure format must be svg or pdf, got {figure_format}", param="format"
        )
    base = Path(base)
    with lecture_style():
        figure = new_figure(*size)
        draw(figure)
        return [
            save_figure(figure, base.with_name(f"{base.name}.{suffix}"))
            for suffix in ("png", figure_format)
        ]


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
            ax = axes[r, c]
            ax.imshow(frames[c], cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set_visible(True)
                spine.set_color(PATH_COLOURS.get(name, "black"))
                spine.set_linewidth(2.5)
            ax.set_xlabel(captions[name][c], fontsize=13)
            if r == 0:
                ax.set_title(f"t={t[c]:.2f}", fontsize=13)
        axes[r, 0].set_ylabel(
            PATH_LABELS.get(name, name), fontsize=17, color=PATH_COLOURS.get(name, "black")
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
            color=PATH_COLOURS[name],
            label=PATH_LABELS[name],
            linestyle="-" if name == "latent" else "--",
            marker="o",
        )
    ax.set_xlabel("interpolation t")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(frameon=False)
    return ax
