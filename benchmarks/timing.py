"""What every ``bench_<subject>.py`` shares: taking turns, the one-line report, the command line.

A part times the new way and the way it replaced in the same process, after one untimed run of
each, taking turns round after round (a shared host's speed drifts), and says whether both gave
the same answer. The scripts import this module from their own folder (``python
benchmarks/bench_<subject>.py`` puts it first on the path).
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

#: One part of a benchmark, given the parsed command line (``--data``, ``--rounds``).
Part = Callable[[argparse.Namespace], None]


def rounds(ways: dict[str, Callable[[], Any]], n: int) -> dict[str, tuple[float, Any]]:
    """Median seconds of each way over ``n`` turns, and what it returned the last time. Each
    way runs once untimed first: a process's first training pays TensorFlow's start-up."""
    times: dict[str, list[float]] = {name: [] for name in ways}
    results: dict[str, Any] = {name: way() for name, way in ways.items()}
    for _ in range(n):
        for name, way in ways.items():
            start = time.perf_counter()
            results[name] = way()
            times[name].append(time.perf_counter() - start)
    return {name: (statistics.median(times[name]), results[name]) for name in ways}


def report(part: str, timed: dict[str, tuple[float, Any]], agreement: str) -> None:
    """One line: the first way (the new one) against the second (what it replaced), the ratio
    of their times, and how their answers compare."""
    (new, (t_new, _)), (old, (t_old, _)) = list(timed.items())[:2]
    print(f"[{part}] {new}: {t_new * 1000:.1f} ms; {old}: {t_old * 1000:.1f} ms; ", end="")
    print(f"ratio {t_new / t_old:.2f}; {agreement}", flush=True)


@functools.cache
def mnist(path: str) -> Any:
    """The MNIST at ``path`` (a .npz, or ``sample``), read once however many parts use it."""
    from manifoldviz.data.sources import load_mnist

    return load_mnist(path)


def main(description: str, parts: dict[str, Part], *, data: bool = False) -> None:
    """Run the ``parts`` named on the command line, in that order (all of them by default).

    Options: ``--parts`` (comma-separated), ``--rounds`` (timed turns per way, default 2) and,
    when ``data`` is true, ``--data`` (a full MNIST .npz, required). A bad argument is a usage
    error (exit 2), found before any part runs.
    """
    parser = argparse.ArgumentParser(description=description)
    if data:
        parser.add_argument("--data", required=True, help="full MNIST .npz")
    parser.add_argument("--parts", default=",".join(parts), help="comma-separated, in order")
    parser.add_argument("--rounds", type=int, default=2, help="timed turns per way")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    chosen = args.parts.split(",")
    for name in chosen:
        if name not in parts:
            parser.error(f"unknown part {name!r}; choose from {', '.join(parts)}")
    print(f"cpu cores: {os.cpu_count()}; rounds: {args.rounds}", flush=True)
    for name in chosen:
        parts[name](args)
