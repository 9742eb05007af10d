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
from manifoldviz.projection import project
from manifoldviz.recording import Trajectory
record = Trajectory.load(sys.argv[1])
start = time.perf_counter()
frames = project(record.representations, sys.argv[2], seed=0)
print(time.perf_counter() - start)
"""


def measure(record: Path, method: str) -> tuple[float, float, float]:
    """(projection seconds, process wall seconds, peak GB) in a fresh interpreter."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", PROJECT, str(record), method],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
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
    args = parser.parse_args()
    from manifoldviz.trajectory import TrajectoryConfig, run

    result = run(TrajectoryConfig(data=args.data, n_epochs=10, probe_size=2000))
    record = result.runs["true"]
    with tempfile.TemporaryDirectory() as folder:
        record.save(Path(folder) / "run")
        print(
            f"cpu cores: {os.cpu_count()}; {len(record.snapshots)} snapshots of "
            f"{record.representations.shape[1]} points x {record.representations.shape[2]}"
        )
        print(f"{'method':18}{'projection s':>14}{'process s':>11}{'peak GB':>9}", flush=True)
        for method in ("pca", "umap", "umap", "umap-procrustes", "aligned-umap"):
            inner, wall, peak = measure(Path(folder) / "run", method)
            print(f"{method:18}{inner:14.1f}{wall:11.1f}{peak:9.2f}", flush=True)
        print("(umap twice: the second process finds numba's compiled functions cached)")


if __name__ == "__main__":
    main()
