"""The one bootstrap (seeded resamples of paired rows, percentile intervals) and the AUROC.

Every interval the product reports (the controls' AUROCs, the scoreboard's means and paired
differences) comes from these resamples: one random stream per seed (``rng(seed,
"bootstrap")``), :data:`N_RESAMPLES` resamples of the ``n`` rows drawn with replacement, and the
percentile method (the interval is the ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles of
the resampled statistic, numpy's linear interpolation between order statistics; Efron &
Tibshirani 1993, ch. 13). Resamples whose statistic is undefined (NaN) are left out.

The AUROC (:func:`auroc`, the Mann-Whitney rank statistic) is computed from weighted cumulative
sums, so :func:`paired_auroc_interval` gets the same resamples' AUROCs in one pass instead of
ranking every resample again.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from manifoldviz.arrays import FloatArray
from manifoldviz.seeding import rng

#: Resamples per interval: the percentile ends of a 95% interval move by well under a tenth of
#: its width between seeds at this count.
N_RESAMPLES = 2000
LEVEL = 0.95


def resample_rows(n: int, *, seed: int, n_resamples: int = N_RESAMPLES) -> npt.NDArray[np.int64]:
    """``(n_resamples, n)`` row indices drawn with replacement, from the one seeded stream.

    Parameters
    ----------
    n
        How many rows there are.
    seed, n_resamples
        The stream's seed and how many resamples.

    Returns
    -------
    ndarray
        Row ``r`` holds the indices of resample ``r``.
    """
    return rng(seed, "bootstrap").integers(0, n, (n_resamples, n))


def resample_counts(
    n: int, *, seed: int, n_resamples: int = N_RESAMPLES
) -> npt.NDArray[np.float64]:
    """How often each row appears in each resample of :func:`resample_rows` (the same draws).

    Returns
    -------
    ndarray
        ``(n_resamples, n)`` counts, for statistics computed as weighted sums.
    """
    rows = resample_rows(n, seed=seed, n_resamples=n_resamples)
    offsets = np.arange(n_resamples)[:, None] * n
    counts = np.bincount((rows + offsets).ravel(), minlength=n_resamples * n)
    return counts.reshape(n_resamples, n).astype(np.float64)


def percentile_interval(draws: npt.ArrayLike, level: float = LEVEL) -> tuple[float, float]:
    """The percentile interval of resampled statistics (NaN draws left out; NaN if none)."""
    values = np.asarray(draws, np.float64)
    values = values[np.isfinite(values)]
    if not len(values):
        return float("nan"), float("nan")
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def bootstrap_interval(
    statistic: Callable[[npt.NDArray[np.int64]], float],
    n: int,
    *,
    seed: int,
    n_resamples: int = N_RESAMPLES,
    level: float = LEVEL,
) -> tuple[float, float]:
    """A percentile bootstrap interval of any statistic of ``n`` paired rows.

    Parameters
    ----------
    statistic
        ``statistic(indices)``: the statistic on the rows ``indices``.
    n
        How many rows there are.
    seed, n_resamples, level
        The stream's seed, the resamples and the interval's coverage.

    Returns
    -------
    tuple of float
        The interval's lower and upper ends.
    """
    rows = resample_rows(n, seed=seed, n_resamples=n_resamples)
    return percentile_interval([statistic(r) for r in rows], level)


def bootstrap_mean(
    values: npt.ArrayLike, *, seed: int, n_resamples: int = N_RESAMPLES, level: float = LEVEL
) -> tuple[float, float, float]:
    """The mean of ``values`` (NaNs dropped) and its percentile bootstrap interval.

    Returns
    -------
    tuple of float
        (mean, low, high); all NaN when no value is finite.
    """
    x = np.asarray(values, np.float64)
    x = x[np.isfinite(x)]
    if not len(x):
        return float("nan"), float("nan"), float("nan")
    means = resample_counts(len(x), seed=seed, n_resamples=n_resamples) @ x / len(x)
    low, high = percentile_interval(means, level)
    return float(x.mean()), low, high


def auroc(worse_control: FloatArray, worse_real: FloatArray) -> float:
    """P(a control image scores worse than a real one), ties counted half (Mann-Whitney U).

    Both arrays are oriented so that larger is worse
    (:meth:`~manifoldviz.interpolation.measures.Measure.worse`).
    """
    control, real = np.asarray(worse_control, np.float64), np.asarray(worse_real, np.float64)
    if not len(control) or not len(real):
        return float("nan")
    return float(
        _weighted_auroc(control, real, np.ones((1, len(control))), np.ones((1, len(real))))[0]
    )


def _weighted_auroc(
    control: npt.NDArray[np.float64],
    real: npt.NDArray[np.float64],
    control_weights: npt.NDArray[np.float64],
    real_weights: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """AUROC of each row of weights (R, n): every control and real value counted as often as
    its weight says, so R bootstrap resamples cost one sort and R cumulative sums. A row that
    counts a NaN score has no AUROC (NaN), as a rank statistic over a NaN has none."""
    undefined = (control_weights[:, np.isnan(control)] > 0).any(axis=1) | (
        real_weights[:, np.isnan(real)] > 0
    ).any(axis=1)
    control, real = np.nan_to_num(control), np.nan_to_num(real)  # weighed 0 where not NaN-free
    order = np.argsort(real, kind="stable")
    sorted_real = real[order]
    below_at = np.searchsorted(sorted_real, control, side="left")
    through_at = np.searchsorted(sorted_real, control, side="right")
    cumulative = np.zeros((len(real_weights), len(real) + 1))
    np.cumsum(real_weights[:, order], axis=1, out=cumulative[:, 1:])
    below = cumulative[:, below_at]
    ties = cumulative[:, through_at] - below
    u = (control_weights * (below + 0.5 * ties)).sum(axis=1)
    result = u / (control_weights.sum(axis=1) * real_weights.sum(axis=1))
    return np.where(undefined, np.nan, result)


def paired_auroc_interval(
    worse_control: FloatArray,
    worse_real: FloatArray,
    *,
    seed: int,
    n_resamples: int = N_RESAMPLES,
    level: float = LEVEL,
) -> tuple[float, float]:
    """The bootstrap interval of the :func:`auroc` of paired rows (each control image and the
    real digit it was made from): :func:`bootstrap_interval`'s draws, computed for all
    resamples at once.

    Parameters
    ----------
    worse_control, worse_real
        (n,) scores oriented so that larger is worse, row i of each from the same digit.
    seed, n_resamples, level
        As for :func:`bootstrap_interval`.

    Returns
    -------
    tuple of float
        The interval's lower and upper ends.
    """
    control = np.asarray(worse_control, np.float64)
    real = np.asarray(worse_real, np.float64)
    n = len(control)
    if not n:
        return float("nan"), float("nan")
    counts = resample_counts(n, seed=seed, n_resamples=n_resamples)
    return percentile_interval(_weighted_auroc(control, real, counts, counts), level)
