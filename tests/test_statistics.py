"""The one bootstrap (resamples from one stream, percentile intervals, means) and the AUROC."""

from __future__ import annotations

import math

import numpy as np
import pytest

from manifoldviz.statistics import (
    auroc,
    bootstrap_interval,
    bootstrap_mean,
    paired_auroc_interval,
    resample_counts,
    resample_rows,
)


def test_bootstrap_mean_brackets_the_mean_and_skips_undefined(seed: int) -> None:
    values = np.random.default_rng(seed).normal(1.0, 0.5, 200)
    mean, low, high = bootstrap_mean(values, seed=seed)
    assert low < mean < high and mean == pytest.approx(values.mean())
    assert 0.08 < high - low < 0.2  # about 4 standard errors of 0.035
    with_gaps = bootstrap_mean([1.0, float("nan"), 3.0], seed=seed)
    assert with_gaps[0] == 2.0
    assert all(math.isnan(v) for v in bootstrap_mean([float("nan")], seed=seed))


def test_bootstrap_interval_brackets_the_statistic(seed: int) -> None:
    values = np.random.default_rng(seed).normal(2.0, 1.0, 400)
    low, high = bootstrap_interval(lambda rows: float(values[rows].mean()), 400, seed=seed)
    assert low < values.mean() < high
    assert 0.1 < high - low < 0.4  # about 4 standard errors of 0.05


def test_counts_are_the_rows_draws(seed: int) -> None:
    rows = resample_rows(30, seed=seed, n_resamples=7)
    counts = resample_counts(30, seed=seed, n_resamples=7)
    assert counts.shape == (7, 30) and (counts.sum(axis=1) == 30).all()
    for r in range(7):
        assert (np.bincount(rows[r], minlength=30) == counts[r]).all()


def test_the_mean_interval_is_the_generic_interval_of_the_mean(seed: int) -> None:
    values = np.random.default_rng(seed).exponential(1.0, 120)
    _, low, high = bootstrap_mean(values, seed=seed, n_resamples=300)
    generic = bootstrap_interval(
        lambda rows: float(values[rows].mean()), 120, seed=seed, n_resamples=300
    )
    assert (low, high) == pytest.approx(generic, abs=1e-12)


def _auroc_by_ranks(control: np.ndarray, real: np.ndarray) -> float:
    from scipy.stats import rankdata

    ranks = rankdata(np.concatenate([control, real]))
    u = ranks[: len(control)].sum() - len(control) * (len(control) + 1) / 2
    return float(u / (len(control) * len(real)))


def test_auroc_counts_how_often_controls_score_worse() -> None:
    assert auroc(np.array([3.0, 4.0]), np.array([1.0, 2.0])) == 1.0
    assert auroc(np.array([1.0, 2.0]), np.array([3.0, 4.0])) == 0.0
    assert auroc(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.5
    assert auroc(np.array([2.0, 5.0]), np.array([1.0, 3.0])) == 0.75


def test_auroc_equals_the_rank_statistic_with_ties(seed: int) -> None:
    generator = np.random.default_rng(seed)
    control, real = generator.integers(0, 12, 150) * 1.0, generator.integers(0, 10, 90) * 1.0
    assert auroc(control, real) == pytest.approx(_auroc_by_ranks(control, real), abs=1e-12)


def test_a_nan_score_has_no_auroc_and_only_its_resamples_lose_theirs(seed: int) -> None:
    generator = np.random.default_rng(seed)
    control, real = generator.random(60), generator.random(60)
    control[7] = np.nan
    assert np.isnan(auroc(control, real))
    plain = bootstrap_interval(
        lambda rows: _auroc_by_ranks(control[rows], real[rows]), 60, seed=seed, n_resamples=50
    )
    fast = paired_auroc_interval(control, real, seed=seed, n_resamples=50)
    assert fast == pytest.approx(plain, abs=1e-12)


def test_paired_auroc_interval_has_the_plain_bootstraps_draws(seed: int) -> None:
    generator = np.random.default_rng(seed)
    control, real = generator.integers(0, 30, 200) * 1.0, generator.integers(0, 25, 200) * 1.0
    plain = bootstrap_interval(
        lambda rows: _auroc_by_ranks(control[rows], real[rows]), 200, seed=seed, n_resamples=50
    )
    fast = paired_auroc_interval(control, real, seed=seed, n_resamples=50)
    assert fast == pytest.approx(plain, abs=1e-12)
