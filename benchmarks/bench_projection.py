"""Projecting a recorded trajectory: PCA and the UMAP variants, time and peak memory.

Records one 10-epoch trajectory of the chapter's MLP (2,000-image probe set, hidden layer) on
the given data, then projects it with each method in a fresh process, measuring wall time
(training excluded) and peak memory, so the methods can be compared in one run.
Usage: python benchmarks/bench_projection.py --data ../shared/data/mnist.npz
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = """
import sys, time
from manifoldviz.trajectories import projection
from manifoldviz.training.recording import Trajectory
record = Trajectory.load(sys.argv[1])
start = time.perf_counter()
if sys.argv[2] == "reference":  # umap's own pipeline: NNDescent neighbours, nothing cached
    snapshots = projection.reduce_pooled(record.representations, n_components=50, seed=0)
    pooled = snapshots.reshape(-1, snapshots.shape[-1])
    projection.umap_module().UMAP(
        n_components=2, n_neighbors=15, min_dist=0.3, random_state=0, n_jobs=1
    ).fit_transform(pooled)
else:
    projection.project(record.representations, sys.argv[2], seed=0)
print(time.perf_counter() - start)
"""


def measure(record: Path, method: str, numba_cache: Path) -> tuple[float, float, float]:
    """(projection seconds, process wall seconds, peak GB) in a fresh interpreter."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", PROJECT, str(record), method],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NUMBA_CACHE_DIR": str(numba_cache)},
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    inner = float(child.stdout.read().decode().strip().splitlines()[-1])
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{method} failed")
    return inner, wall, usage.ru_maxrss / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument(
        "--aligned", action="store_true", help="also time AlignedUMAP (several minutes)"
    )
    args = parser.parse_args()
    from manifoldviz.trajectories.trajectory import TrajectoryConfig, run

    result = run(TrajectoryConfig(data=args.data, n_epochs=10, probe_size=2000))
    record = result.runs["true"]
    with tempfile.TemporaryDirectory() as folder:
        record.save(Path(folder) / "run")
        print(
            f"cpu cores: {os.cpu_count()}; {len(record.snapshots)} snapshots of "
            f"{record.representations.shape[1]} points x {record.representations.shape[2]}"
        )
        print(f"{'method':18}{'projection s':>14}{'process s':>11}{'peak GB':>9}", flush=True)
        methods = ["reference", "pca", "umap", "umap", "umap-procrustes"]
        methods += ["aligned-umap"] if args.aligned else []
        seconds: dict[str, float] = {}
        for method in methods:  # a fresh numba cache folder: the first umap compiles
            inner, wall, peak = measure(Path(folder) / "run", method, Path(folder) / "numba")
            seconds[method] = inner  # the second umap overwrites the first: warm cache
            print(f"{method:18}{inner:14.1f}{wall:11.1f}{peak:9.2f}", flush=True)
        print("reference: umap's own pipeline on the same pooled snapshots (NNDescent, no cache)")
        print("(umap twice: the second process finds umap's compiled functions cached on disk)")
        print(f"umap (cache warm) / reference: {seconds['umap'] / seconds['reference']:.2f}")
    neighbour_search(record.representations)
    layout_epochs_quality(record.representations, record.labels)


def neighbour_search(representations: object) -> None:
    """The UMAP graph's exact 15-neighbour search: scikit-learn's brute force (used) against
    the project's own blocked matrix-product search (the intrinsic-dimension estimators')."""
    from manifoldviz.experiments import dimension_estimators as intrinsic
    from manifoldviz.trajectories import projection

    snapshots = projection.reduce_pooled(representations, n_components=50, seed=0)
    pooled = snapshots.reshape(-1, snapshots.shape[-1])
    start = time.perf_counter()
    projection.exact_neighbours(pooled, 15)
    used = time.perf_counter() - start
    start = time.perf_counter()
    intrinsic.neighbour_distances(pooled, 14)  # distances only: less work than the graph needs
    own = time.perf_counter() - start
    print(
        f"neighbour search, {len(pooled)} x {pooled.shape[1]}: scikit-learn {used:.1f} s,"
        f" blocked matrix product {own:.1f} s (ratio {own / used:.2f})",
        flush=True,
    )


def layout_epochs_quality(representations: object, labels: object) -> None:
    """Time and quality of the pooled UMAP at several layout epochs (the default's evidence):
    10-NN digit accuracy on the last snapshot (5-fold) and trustworthiness of three snapshots."""
    import numpy as np
    from sklearn.manifold import trustworthiness
    from sklearn.model_selection import cross_val_score
    from sklearn.neighbors import KNeighborsClassifier

    from manifoldviz.trajectories import projection

    snapshots = projection.reduce_pooled(representations, n_components=50, seed=0)
    pooled = snapshots.reshape(-1, snapshots.shape[-1])
    print(f"{'layout epochs':>14}{'seconds':>9}{'10-NN accuracy':>16}{'trustworthiness':>17}")
    for epochs in (200, projection.POOLED_UMAP_EPOCHS, 60):
        start = time.perf_counter()
        frames = projection.umap_embedding(pooled, seed=0, n_epochs=epochs)
        seconds = time.perf_counter() - start
        frames = frames.reshape(len(snapshots), -1, 2)
        classifier = KNeighborsClassifier(n_neighbors=10)
        accuracy = cross_val_score(classifier, frames[-1], labels, cv=5).mean()
        trust = np.mean(
            [trustworthiness(snapshots[i], frames[i], n_neighbors=10) for i in (0, -7, -1)]
        )
        print(f"{epochs:>14}{seconds:9.1f}{accuracy:16.3f}{trust:17.3f}", flush=True)


if __name__ == "__main__":
    main()
