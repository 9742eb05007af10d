"""Sweeps on the executors: worker-process speed-up and Ray's overhead per task.

1. Iterated K-fold (K=4, P=3, one run: 12 models) on 12,000 MNIST images with the local
   process executor, 1 worker versus 2 (the ratio is the speed-up).
2. Ray's overhead per task, against the local process executor on the same sweep of tiny
   tasks (a sleep of fixed length, so only scheduling is measured), both with 2 workers.
Usage: python benchmarks/bench_executors.py --data ../shared/data/mnist.npz
"""

from __future__ import annotations

import argparse
import os
import time

from manifoldviz.data.sources import MnistData, load_mnist
from manifoldviz.experiments import validation
from manifoldviz.runs.executor import make_executor


def nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def iterated_kfold(data: MnistData, workers: int) -> float:
    config = validation.ValidationConfig(limit=12_000, k=4, iterations=3, n_repeats=1)
    items = [
        (name, {"condition": name, "seed": 0})
        for name in validation.run_names(config)
        if name.startswith("iterated")
    ]
    executor = make_executor("processes", workers=workers, retries=0)
    start = time.perf_counter()
    outcomes = executor.map(
        validation.train_run, {"data": data, "settings": config}, items, lambda outcome: None
    )
    assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok]
    return time.perf_counter() - start


def overhead(kind: str, n_tasks: int = 200, nap_s: float = 0.01) -> float:
    executor = make_executor(kind, workers=2, retries=0)
    items = [(str(i), {"seconds": nap_s}) for i in range(n_tasks)]
    executor.map(nap, {}, items[:2], lambda outcome: None)  # warm-up: start the pool
    start = time.perf_counter()
    executor.map(nap, {}, items, lambda outcome: None)
    elapsed = time.perf_counter() - start
    return (elapsed - n_tasks * nap_s / 2) / n_tasks  # beyond the ideal 2-way parallel time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    args = parser.parse_args()
    data = load_mnist(args.data, limit=12_000)
    one = iterated_kfold(data, 1)
    two = iterated_kfold(data, 2)
    print(f"cpu cores: {os.cpu_count()}")
    print(f"iterated K-fold (12 models, 12,000 images), 1 worker:  {one:.1f} s")
    print(f"iterated K-fold (12 models, 12,000 images), 2 workers: {two:.1f} s")
    print(f"speed-up: {one / two:.2f}x")
    local = overhead("processes")
    print(f"overhead per task, local processes: {local * 1000:.1f} ms")
    try:
        ray = overhead("ray")
        print(
            f"overhead per task, Ray (local cluster): {ray * 1000:.1f} ms "
            f"({ray / local:.1f}x the local executor's)"
        )
    except Exception as exc:  # Ray is optional
        print(f"Ray not measured: {exc}")


if __name__ == "__main__":
    main()
