"""``manifoldviz manifold`` default run against scikit-learn's neighbour search, same data.

The default run: 10,000-image subsamples, three repeats, TwoNN + MLE (k=10, 20), three
variants (MNIST, +zeros, +noise) and the ten digits. The reference is the part any
implementation must do: the same nine exact 20-neighbour searches with
``sklearn.neighbors.NearestNeighbors`` (brute force, all cores), nothing else.
Usage: python benchmarks/bench_manifold.py --data ../shared/data/mnist.npz
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    args = parser.parse_args()
    exe = Path(sys.executable).with_name("manifoldviz")
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        subprocess.run(
            [str(exe), "manifold", "--data", args.data, "--out", folder, "--quiet"],
            check=True,
            capture_output=True,
        )
        ours = time.perf_counter() - start

    import numpy as np
    from sklearn.neighbors import NearestNeighbors

    from manifoldviz.data.sources import load_mnist
    from manifoldviz.data.transforms import flatten_scaled, with_noise_channels, with_zero_channels

    data = load_mnist(args.data)
    start = time.perf_counter()
    for repeat in range(3):
        chosen = np.random.default_rng(repeat).choice(60_000, 10_000, replace=False)
        x = flatten_scaled(data.x_train[chosen])
        for variant in (x, with_zero_channels(x), with_noise_channels(x, seed=repeat)):
            NearestNeighbors(n_neighbors=21, algorithm="brute", n_jobs=-1).fit(variant).kneighbors(
                variant
            )
    reference = time.perf_counter() - start
    print(f"cpu cores: {os.cpu_count()}")
    print(f"manifoldviz manifold (default run, end to end): {ours:.1f} s   target < 60 s")
    print(f"reference: sklearn kNN searches alone:         {reference:.1f} s")
    print(f"ratio ours / reference:                         {ours / reference:.2f}")


if __name__ == "__main__":
    main()
