"""Figures of the scoreboard: the table of paired differences, and pairs as small multiples."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from manifoldviz.figures.interpolation import draw_digit, method_colour

#: Cell colours: the latent path significantly better, the pixel path significantly better,
#: no significant difference, and a measure that did not pass the controls.
CELL_COLOURS = {
    "latent": "#CFE3F2",
    "pixel": "#F6D5C0",
    "none": "#FFFFFF",
    "excluded": "#EEEEEE",
}
SHORT = {
    "mean_confidence": "confidence",
    "mean_entropy": "entropy",
    "mean_endpoint_mass": "endpoint mass",
    "mean_feature_distance": "feature dist.",
    "mean_nearest_distance": "pixel dist.",
    "mean_ink_atypicality": "ink atypical",
    "mean_grey_share": "mid-grey",
    "mean_latent_nll": "latent NLL",
    "mean_reconstruction_error": "own error*",
    "distance": "distance",
    "mid_distance": "mid distance",
    "cosine_distance": "cosine dist.",
    "smoothness": "smoothness",
    "within_floor": "near floor",
    "relative_length": "rel. length",
}


def draw_difference_table(figure: Any, configs: Mapping[str, Mapping[str, Any]]) -> Any:
    """One table per kind of data: a row per configuration and compared path, a column per
    measure, each cell the path's mean advantage over the pixel path with its 95% interval
    (blue: the path significantly better; orange: the pixel path significantly better; grey:
    the measure did not pass the controls for this configuration).

    Parameters
    ----------
    figure
        A matplotlib figure.
    configs
        The ``configs`` of :func:`~manifoldviz.interpolation.scoreboard.summarise`.

    Returns
    -------
    Any
        ``figure``.
    """
    kinds = {
        "MNIST (measures that passed the controls; * favours latent by construction)": [
            c for c in configs if configs[c]["dataset"] == "mnist"
        ],
        "Known manifolds (exact; advantage over the pixel path, in each measure's direction)": [
            c for c in configs if configs[c]["dataset"] != "mnist"
        ],
    }
    # A configuration with no compared path (only the pixel path drawn, or a method that failed
    # on every pair) has no row.
    kinds = {
        title: [n for n in names if configs[n]["differences"]] for title, names in kinds.items()
    }
    kinds = {title: names for title, names in kinds.items() if names}
    if not kinds:
        figure.text(0.5, 0.5, "No path was compared with the pixel path.", ha="center")
        return figure
    heights = [len(names) * 2 + 1.5 for names in kinds.values()]
    axes = np.atleast_1d(figure.subplots(len(kinds), 1, gridspec_kw={"height_ratios": heights}))
    for ax, (title, names) in zip(axes, kinds.items(), strict=True):
        ax.axis("off")
        measures = list(next(iter(configs[names[0]]["differences"].values())))
        cells, colours, labels = [], [], []
        for name in names:
            entry = configs[name]
            for path, differences in entry["differences"].items():
                row, row_colours = [], []
                for key in measures:
                    d = differences[key]
                    if d["mean"] is None:
                        row.append("undefined")
                    else:
                        row.append(f"{d['mean']:+.3g} [{d['low']:+.2g}, {d['high']:+.2g}]")
                    kept = entry["kept"]
                    excluded = entry["dataset"] == "mnist" and (
                        kept is None or key.removeprefix("mean_") not in kept
                    )
                    if excluded:
                        row_colours.append(CELL_COLOURS["excluded"])
                    else:
                        row_colours.append(CELL_COLOURS[d["better"] or "none"])
                cells.append(row)
                colours.append(row_colours)
                labels.append(f"{name} {path} (n={entry['n_pairs']})")
        table = ax.table(
            cellText=cells,
            cellColours=colours,
            rowLabels=labels,
            colLabels=[SHORT.get(k, k) for k in measures],
            loc="center",
            cellLoc="center",
        )
        table.auto_set_font_size(False)
        table.set_fontsize(10)
        table.scale(1, 1.6)
        ax.set_title(title, fontsize=15)
    figure.suptitle(
        "Each path's advantage over the pixel path, paired by pair: mean [95% bootstrap interval]"
    )
    return figure


def draw_pair_multiples(
    figure: Any,
    examples: Sequence[tuple[str, Mapping[str, np.ndarray]]],
    t: Sequence[float],
    *,
    title: str,
    rows: Sequence[str] = ("pixel", "linear"),
) -> Any:
    """Small multiples: for each example pair, one strip per path.

    Parameters
    ----------
    figure
        A matplotlib figure.
    examples
        (label, {path: (n_steps, 28, 28) frames}) per pair, drawn top to bottom.
    t
        The frames' interpolation times.
    title
        The figure's title.
    rows
        Which paths each pair shows.

    Returns
    -------
    Any
        ``figure``.
    """
    n = len(t)
    axes = figure.subplots(len(examples) * len(rows), n, squeeze=False)
    for e, (label, frames) in enumerate(examples):
        for r, path in enumerate(rows):
            for c in range(n):
                draw_digit(
                    axes[e * len(rows) + r, c], frames[path][c], method_colour(path), linewidth=2
                )
            axes[e * len(rows) + r, 0].set_ylabel(path, fontsize=12, color=method_colour(path))
        axes[e * len(rows), n // 2].set_title(label, fontsize=13)
    figure.suptitle(title)
    return figure
