"""The fit-to-overfit toy problem written out: results.json, the six-panel figure and the GIF."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from manifoldviz.atomic import write_json_atomic
from manifoldviz.experiments.fitmorph import FitMorphResult
from manifoldviz.figures import fitmorph as figures
from manifoldviz.figures.frames import write_animation
from manifoldviz.figures.style import save_drawing


def save_report(
    result: FitMorphResult, out_dir: str | os.PathLike[str], *, figure_format: str = "svg"
) -> list[Any]:
    """results.json, the six-panel figure (PNG plus SVG or PDF) and the boundary GIF."""

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Any] = [write_json_atomic(folder / "results.json", result.to_dict())]
    written += save_drawing(
        lambda canvas: figures.draw_six_panels(canvas, result),
        folder / "fitmorph",
        size=(18, 11),
        figure_format=figure_format,
    )
    frames, durations = figures.animation_frames(result)
    written.append(write_animation(folder / "fitmorph.gif", frames, durations))
    return written
