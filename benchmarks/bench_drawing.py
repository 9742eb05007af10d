"""Time how figures and animation frames are drawn, each against what it replaced, in one run.

- ``frames``: 30 frames of a training-curve animation laid out once (the fullest frame's
  layout kept for all) against each frame laid out on its own; frames compared pixel by pixel.
- ``markers``: ten trajectory frames of 2,000 points in ten colours (one 7-inch panel at
  70 dpi) drawn as line markers, which the renderer stamps, against scatter collections, drawn
  point by point as paths; mean pixel difference.

Usage:  python benchmarks/bench_drawing.py [--parts frames,markers] [--rounds 2]
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np
from timing import main, report, rounds


def frames(args: argparse.Namespace) -> None:
    from manifoldviz.experiments.sweep import ExperimentResult, Run
    from manifoldviz.figures import curves
    from manifoldviz.figures.frames import rasterise

    generator = np.random.default_rng(0)
    epochs = np.arange(30)
    runs = [
        Run(
            "p=1",
            seed,
            {
                "accuracy": list(0.1 + 0.8 * epochs / 29 + generator.normal(0, 0.01, 30)),
                "val_accuracy": list(0.1 + generator.normal(0, 0.01, 30)),
            },
        )
        for seed in range(3)
    ]
    result = ExperimentResult("shuffled-labels", {}, {}, runs)
    draws = [
        lambda figure, upto=upto: curves.draw_shuffled_curves(figure.add_subplot(), result, upto)
        for upto in range(1, 31)
    ]

    def one_by_one() -> list[Any]:
        return [rasterise([draw], size=(10, 6), dpi=80)[0] for draw in draws]

    timed = rounds(
        {
            "laid out once": lambda: rasterise(draws, size=(10, 6), dpi=80),
            "each laid out": one_by_one,
        },
        args.rounds,
    )
    once, each = timed["laid out once"][1], timed["each laid out"][1]
    same = sum(np.array_equal(a, b) for a, b in zip(once, each, strict=True))
    report("30 curve frames", timed, f"{same} of 30 frames identical in every pixel")


def markers(args: argparse.Namespace) -> None:
    from manifoldviz.figures.frames import rasterise
    from manifoldviz.figures.trajectory import DIGIT_COLOURS, _scatter

    generator = np.random.default_rng(0)
    labels = generator.integers(0, 10, 2000)
    points = generator.normal(0, 1, (2000, 2)) + labels[:, None]
    limits = ((-4.0, 14.0), (-4.0, 14.0))

    def as_markers(figure: Any) -> None:
        _scatter(figure.add_subplot(), points, labels, limits)

    def as_collections(figure: Any) -> None:
        ax = figure.add_subplot()
        for digit in range(10):
            mine = labels == digit
            ax.scatter(*points[mine].T, s=7, color=DIGIT_COLOURS[digit], alpha=0.8, linewidths=0)
        ax.set_xlim(*limits[0])
        ax.set_ylim(*limits[1])
        ax.set_xticks([])  # the rest as _scatter draws it
        ax.set_yticks([])
        ax.grid(False)

    def draw(way: Any) -> Any:
        return rasterise([way] * 10, size=(7, 7.4), dpi=70)

    timed = rounds(
        {"markers": lambda: draw(as_markers), "scatter": lambda: draw(as_collections)},
        args.rounds,
    )
    gap = np.mean(np.abs(timed["markers"][1][0].astype(int) - timed["scatter"][1][0].astype(int)))
    report("ten frames of 2,000 points", timed, f"mean pixel difference {gap:.2f} of 255")


if __name__ == "__main__":
    main(__doc__.splitlines()[0], {"frames": frames, "markers": markers})
