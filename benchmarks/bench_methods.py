"""Time ``manifoldviz interpolate 3 8 --methods M`` warm, each method against the default paths.

Every method is timed end to end through the console command with a warm cache (models,
judges and the Isomap graph already built), in turns with ``--methods pixel,linear`` (the
reference, the default command), and reported as seconds and as the extra time over the
reference: the cost of the method itself. The one-off cost of the Isomap graph (the exact
10-nearest-neighbour graph of the training images) is timed once, on an empty graph entry.
Then, in this process on the same warm cache, each method's path stage alone over ``--pairs``
test pairs, against the linear latent path's (the reference: encode, a straight line, decode).

Usage:  python benchmarks/bench_methods.py --data ../shared/data/mnist.npz [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

METHODS = ("transport", "geodesic", "isomap")
REFERENCE = "pixel,linear"


def command(methods: str, data: str, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "manifoldviz",
        "interpolate",
        "3",
        "8",
        "--methods",
        methods,
        "--data",
        data,
        "--out",
        str(out),
        "--quiet",
    ]


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def path_stage_times(data: str, n_pairs: int) -> None:
    """Median seconds of each method's path stage over ``n_pairs`` test pairs, against linear."""
    from manifoldviz.data.transforms import flatten_scaled
    from manifoldviz.interpolation.methods import path
    from manifoldviz.interpolation.morph import pair_models

    models = pair_models(data)
    assert models.graph.graph.n > 0  # loaded before timing: the one-off load is no path's cost
    generator = np.random.default_rng(0)
    pairs = generator.choice(len(models.data.y_test), (n_pairs, 2), replace=False)
    times: dict[str, list[float]] = {m: [] for m in ("linear", *METHODS)}
    converged = 0
    for a, b in pairs:
        x = flatten_scaled(models.data.x_test[[a, b]])
        for method in times:
            start = time.perf_counter()
            drawn = path(method, models.autoencoder, x[0], x[1], 12, graph=models.graph)
            times[method].append(time.perf_counter() - start)
            converged += drawn.converged is True
    reference = statistics.median(times["linear"])
    print(f"\npath stage alone, median of {n_pairs} test pairs, 12 frames:")
    print(f"  linear (reference)  {1000 * reference:8.1f} ms")
    for method in METHODS:
        median = statistics.median(times[method])
        print(f"  {method:<19} {1000 * median:8.1f} ms  ({median / reference:.1f}x linear)")
    print(f"  geodesic converged on {converged} of {n_pairs} pairs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="sample", help="MNIST .npz (or 'sample')")
    parser.add_argument("--rounds", type=int, default=5, help="timed runs of each")
    parser.add_argument("--pairs", type=int, default=20, help="pairs for the path stage alone")
    options = parser.parse_args()
    if options.rounds < 1 or options.pairs < 1:
        parser.error("--rounds and --pairs must be at least 1")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        env = {**os.environ, "MANIFOLDVIZ_CACHE": str(work / "cache"), "MANIFOLDVIZ_OFFLINE": "1"}
        out = work / "morph.gif"
        print("warming the cache (models, judges) ...", flush=True)
        timed(command(REFERENCE, options.data, out), env)
        graph_seconds = timed(command("pixel,isomap", options.data, out), env)
        graph_entries = list((work / "cache").glob("isomap-graph-*"))
        print(f"first isomap run (builds the graph): {graph_seconds:.1f} s", flush=True)
        shutil.rmtree(graph_entries[0])
        rebuilt = timed(command("pixel,isomap", options.data, out), env)
        print(f"again with the graph entry removed: {rebuilt:.1f} s", flush=True)
        times: dict[str, list[float]] = {REFERENCE: [], **{m: [] for m in METHODS}}
        for _ in range(options.rounds):
            for name in times:
                methods = name if name == REFERENCE else f"{REFERENCE},{name}"
                times[name].append(timed(command(methods, options.data, out), env))
        reference = statistics.median(times[REFERENCE])
        print(f"\nwarm, median of {options.rounds} rounds, run in turns:")
        print(f"  --methods {REFERENCE:<28} {reference:6.2f} s")
        for name in METHODS:
            median = statistics.median(times[name])
            print(
                f"  --methods {REFERENCE + ',' + name:<28} {median:6.2f} s  "
                f"(+{median - reference:.2f} s, {median / reference:.2f}x the reference)"
            )
        os.environ.update(MANIFOLDVIZ_CACHE=str(work / "cache"), MANIFOLDVIZ_OFFLINE="1")
        path_stage_times(options.data, options.pairs)


if __name__ == "__main__":
    main()
