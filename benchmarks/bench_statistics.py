"""Time the control study's statistics, each against what it replaced, in the same run.

- ``bootstrap``: the paired AUROC bootstrap interval (1,000 pairs, the bootstrap's resample
  count) computed in one pass against one rank statistic per resample; both draw the same
  resamples, so the intervals are equal.
- ``density``: the latent density's EM (10,000 codes, 10 full-covariance components) on one
  BLAS thread against OpenBLAS's default threads, which wait on each other on a busy host;
  same means up to float rounding.

Usage:  python benchmarks/bench_statistics.py [--parts bootstrap,density] [--rounds 2]
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np
from timing import main, report, rounds


def bootstrap(args: argparse.Namespace) -> None:
    from scipy.stats import rankdata

    from manifoldviz.statistics import N_RESAMPLES, bootstrap_interval, paired_auroc_interval

    generator = np.random.default_rng(0)
    control, real = generator.random(1000) + 0.3, generator.random(1000)

    def by_ranks(rows: np.ndarray) -> float:
        ranks = rankdata(np.concatenate([control[rows], real[rows]]))
        return float((ranks[: len(rows)].sum() - len(rows) * (len(rows) + 1) / 2) / len(rows) ** 2)

    timed = rounds(
        {
            "one pass": lambda: paired_auroc_interval(control, real, seed=0),
            "rank statistic per resample": lambda: bootstrap_interval(by_ranks, 1000, seed=0),
        },
        args.rounds,
    )
    same = np.allclose(timed["one pass"][1], timed["rank statistic per resample"][1], atol=1e-12)
    report(f"bootstrap, 1,000 pairs x {N_RESAMPLES:,} resamples", timed, f"same interval: {same}")


def density(args: argparse.Namespace) -> None:
    from sklearn.mixture import GaussianMixture

    from manifoldviz.interpolation.density import GaussianMixtureDensity

    generator = np.random.default_rng(0)
    codes = generator.normal(size=(10_000, 16)) + 3 * (generator.random((10_000, 1)) > 0.5)

    def default_threads() -> Any:
        return GaussianMixture(10, covariance_type="full", reg_covar=1e-4, random_state=0).fit(
            codes
        )

    timed = rounds(
        {
            "one BLAS thread": lambda: GaussianMixtureDensity.fit(codes, n_components=10, seed=0),
            "default threads": default_threads,
        },
        args.rounds,
    )
    one, default = timed["one BLAS thread"][1], timed["default threads"][1]
    gap = float(np.max(np.abs(one.means - default.means_)))
    report("density, 10,000 codes x 10 components", timed, f"largest mean difference {gap:.1e}")


if __name__ == "__main__":
    main(__doc__.splitlines()[0], {"bootstrap": bootstrap, "density": density})
