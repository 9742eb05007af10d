"""The intrinsic-dimension study written out: results.json and its figures."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from manifoldviz.atomic import write_json_atomic
from manifoldviz.experiments.intrinsic_dimension import ManifoldResult
from manifoldviz.figures import dimension as figures
from manifoldviz.figures.style import on_new_axes, save_drawing


def save_report(
    result: ManifoldResult, out_dir: str | os.PathLike[str], *, figure_format: str = "svg"
) -> list[Any]:
    """Write results.json and the figures (PNG plus SVG or PDF) into ``out_dir``."""

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = [write_json_atomic(folder / "results.json", result.to_dict())]
    drawings = [("variants", figures.draw_variants)]
    if result.digits:
        drawings.append(("per_digit", figures.draw_per_digit))
    if result.autoencoder:
        drawings.append(("autoencoder_elbow", figures.draw_autoencoder_elbow))
    for stem, draw in drawings:
        written += save_drawing(
            on_new_axes(draw, result),
            folder / stem,
            size=(12, 6.5),
            figure_format=figure_format,
        )
    return written
