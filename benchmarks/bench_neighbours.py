"""Time the nearest-neighbour searches, each against the search it replaced, in the same run.

- ``nearest``: the interpolation's nearest-training-digit index against the brute-force scan,
  for one run's 24 frames and for 2,000 real test digits (the control study's scale); at least
  5 rounds, the parts being short.
- ``neighbours``: the intrinsic-dimension estimators' neighbour search (10,000 digits, k=20;
  plain, with 784 zero channels, with 784 noise channels) against the blocked search it
  replaced, which computed every column (kept below as the reference).

Both ways of each part give the same distances up to float rounding, checked in the same run.

Usage:  python benchmarks/bench_neighbours.py --data ../shared/data/mnist.npz
        [--parts nearest,neighbours] [--rounds 2]
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np
from timing import main, mnist, report, rounds


def nearest(args: argparse.Namespace) -> None:
    from manifoldviz.interpolation import paths
    from manifoldviz.interpolation.nearest import NearestIndex, nearest_distances

    data = mnist(args.data)
    n = max(args.rounds, 5)
    index = NearestIndex.build(data.x_train)
    x_test = data.x_test.reshape(len(data.x_test), -1).astype(np.float32) / 255
    a = x_test[np.flatnonzero(data.y_test == 3)[0]]
    b = x_test[np.flatnonzero(data.y_test == 8)[0]]
    frames = np.concatenate([paths.linear_path(a, b, 12), x_test[:12]])
    for label, queries in (("frames", frames), ("test digits", x_test[:2000])):
        timed = rounds(
            {
                "index": lambda q=queries: index.distances(q),
                "brute force": lambda q=queries: nearest_distances(q, data.x_train),
            },
            n,
        )
        gap = float(np.max(np.abs(timed["index"][1] - timed["brute force"][1])))
        report(f"nearest, {len(queries):,} {label}", timed, f"largest difference {gap:.1e}")


def _neighbour_distances_before(x: Any, k: int, batch: int = 2048) -> Any:
    """The blocked search over every column that the estimators used (the reference)."""
    n = len(x)
    data = np.asarray(x, dtype=np.float32).reshape(n, -1)
    squared_norms = np.einsum("ij,ij->i", data, data)
    out = np.empty((n, k), dtype=np.float64)
    for start in range(0, n, batch):
        block = data[start : start + batch]
        squared = (
            squared_norms[start : start + batch, None] - 2 * block @ data.T + squared_norms[None, :]
        )
        rows = np.arange(len(block))
        squared[rows, start + rows] = np.inf
        nearest = np.partition(squared, k - 1, axis=1)[:, :k]
        out[start : start + batch] = np.sqrt(np.maximum(np.sort(nearest, axis=1), 0))
    return out


def neighbours(args: argparse.Namespace) -> None:
    from manifoldviz.data.transforms import flatten_scaled
    from manifoldviz.experiments.dimension_estimators import neighbour_distances

    data = mnist(args.data)
    size = min(10_000, len(data.x_train))
    chosen = np.sort(np.random.default_rng(0).choice(len(data.x_train), size, replace=False))
    x = flatten_scaled(data.x_train[chosen])
    noise = np.random.default_rng(1).random(x.shape, dtype=np.float32)
    variants = {
        "plain": x,
        "784 zero channels": np.concatenate([x, np.zeros_like(x)], axis=1),
        "784 noise channels": np.concatenate([x, noise], axis=1),
    }
    for name, values in variants.items():
        timed = rounds(
            {
                "now": lambda v=values: neighbour_distances(v, 20),
                "before": lambda v=values: _neighbour_distances_before(v, 20),
            },
            args.rounds,
        )
        now, before = timed["now"][1], timed["before"][1]
        gap = float(np.max(np.abs(now - before) / np.maximum(before, 1e-12)))
        report(f"neighbours, {size:,} digits, {name}", timed, f"largest relative gap {gap:.1e}")


if __name__ == "__main__":
    main(
        __doc__.splitlines()[0],
        {"nearest": nearest, "neighbours": neighbours},
        data=True,
    )
