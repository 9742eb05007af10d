"""A training trajectory written out: records, results.json, the GIF and the static figures."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from manifoldviz.atomic import write_json_atomic
from manifoldviz.figures import trajectory as figures
from manifoldviz.figures.frames import write_animation
from manifoldviz.figures.style import save_drawing
from manifoldviz.trajectories.trajectory import TrajectoryResult


def save_report(
    result: TrajectoryResult,
    out_dir: str | os.PathLike[str],
    *,
    figure_format: str = "svg",
    representations_only: bool = False,
) -> list[Any]:
    """Records, results.json, the representation GIF, small multiples and weight-space figure.

    ``representations_only`` writes just results.json, the GIF and the small multiples: for a
    second projection of runs whose records and weight figure are already written elsewhere.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Any] = [write_json_atomic(folder / "results.json", result.to_dict())]
    if not representations_only:
        for name, run_record in result.runs.items():
            written += list(run_record.save(folder / f"trajectory-{name}"))
    frames, durations = figures.animation_frames(result)
    written.append(write_animation(folder / "representations.gif", frames, durations))
    drawings = [("snapshots", figures.draw_small_multiples, (16, 4.8 * len(result.runs)))]
    if not representations_only and result.weight_paths:  # run(weight_space=False) has none
        drawings.append(("weights", figures.draw_weight_space, (15, 6.5 * len(result.runs))))
    for stem, draw, size in drawings:
        written += save_drawing(
            functools.partial(draw, result=result),
            folder / stem,
            size=size,
            figure_format=figure_format,
        )
    return written
