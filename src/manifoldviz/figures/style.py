"""Lecture-hall figures: a shared style, figure functions that draw on given axes, and saving.

Figures are built with ``matplotlib.figure.Figure`` (no pyplot state, safe in notebooks and
threads) and saved without timestamps or version strings, so the same input gives the same bytes.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from manifoldviz.atomic import atomic_path
from manifoldviz.choices import FIGURE_FORMATS
from manifoldviz.errors import InvalidInputError
from manifoldviz.figures.palette import OKABE_ITO

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
    if figure_format not in FIGURE_FORMATS:
        raise InvalidInputError(
            f"figure format must be svg or pdf, got {figure_format}", param="figure_format"
        )
    base = Path(base)
    with lecture_style():
        figure = new_figure(*size)
        draw(figure)
        return [
            save_figure(figure, base.with_name(f"{base.name}.{suffix}"))
            for suffix in ("png", figure_format)
        ]
