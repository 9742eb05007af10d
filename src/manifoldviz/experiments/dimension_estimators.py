"""Intrinsic-dimension estimators from nearest-neighbour distances (pure numpy).

Two established estimators, both needing only the distances from each point to its nearest
neighbours:

- TwoNN (Facco, d'Errico, Rodriguez and Laio, 2017): the ratio of the second to the first
  neighbour distance follows a Pareto law whose exponent is the dimension; fitted through the
  origin on the empirical CDF, discarding the largest 10% of ratios as the paper advises.
- Levina-Bickel maximum likelihood at neighbourhood size k (Levina and Bickel, 2004), averaged
  over points as MacKay and Ghahramani suggest (the mean of the inverse local estimates).

Points with a duplicate (a zero distance) carry no scale information and are left out.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from manifoldviz.errors import InvalidInputError

Distances = npt.NDArray[np.float64]


def neighbour_distances(x: npt.NDArray[np.floating], k: int, *, batch: int = 2048) -> Distances:
    """Sorted distances from each row of ``x`` to its ``k`` nearest *other* rows, (n, k).

    Exact, by blocks of ``batch`` rows: ``|a|² - 2 a·b + |b|²`` with one matrix product each.
    Columns that are zero in every row add nothing to any distance and are left out of the
    product (MNIST's border pixels; all of the zero-channel variant's extra columns). Within a
    row ``|a|²`` is the same for every candidate, so it is added only to the ``k`` chosen.
    """
    n = len(x)
    if k < 1 or k >= n:
        raise InvalidInputError(
            f"need more points ({n}) than neighbours ({k}); use a larger subsample",
            param="subsample",
        )
    data = np.asarray(x, dtype=np.float32).reshape(n, -1)
    data = data[:, np.flatnonzero(np.any(data != 0, axis=0))]
    squared_norms = np.einsum("ij,ij->i", data, data)
    out = np.empty((n, k), dtype=np.float64)
    for start in range(0, n, batch):
        block = data[start : start + batch]
        rows = np.arange(len(block))
        partial = (-2 * block) @ data.T  # -2 a·b, then + |b|², in place
        partial += squared_norms[None, :]
        partial[rows, start + rows] = np.inf  # a point is not its own neighbour
        partial.partition(k - 1, axis=1)
        nearest = partial[:, :k] + squared_norms[start : start + batch, None]
        out[start : start + batch] = np.sqrt(np.maximum(np.sort(nearest, axis=1), 0))
    return out


def twonn(distances: Distances, *, discard: float = 0.1) -> float:
    """TwoNN estimate from neighbour distances (at least two columns)."""
    r1, r2 = distances[:, 0], distances[:, 1]
    keep = r1 > 0
    mu = np.sort(r2[keep] / r1[keep])
    n = len(mu)
    if n < 3:
        raise InvalidInputError("too few distinct points for TwoNN", param="subsample")
    used = max(2, int(np.floor(n * (1 - discard))))
    x = np.log(mu[:used])
    y = -np.log(1 - np.arange(used) / n)
    return float(np.dot(x, y) / np.dot(x, x))


def mle_levina_bickel(distances: Distances, *, k: int) -> float:
    """Levina-Bickel maximum-likelihood estimate at neighbourhood size ``k``."""
    if not 2 <= k <= distances.shape[1]:
        raise InvalidInputError(
            f"k must be 2-{distances.shape[1]} for these distances, got {k}", param="k"
        )
    near = distances[:, :k]
    keep = near[:, 0] > 0
    logs = np.log(near[keep, k - 1 : k] / near[keep, : k - 1])
    inverse_local = logs.sum(axis=1) / (k - 1)
    return float(1.0 / inverse_local.mean())


def parse_estimator(name: str) -> tuple[str, int | None]:
    """``"twonn"`` or ``"mle-k10"`` (any k ≥ 2) into (kind, k)."""
    if name == "twonn":
        return "twonn", None
    if name.startswith("mle-k") and name[5:].isdigit() and int(name[5:]) >= 2:
        return "mle", int(name[5:])
    raise InvalidInputError(
        f"unknown estimator {name!r}; use twonn or mle-kN (e.g. mle-k10)", param="estimators"
    )


def estimate(x: npt.NDArray[np.floating], estimators: tuple[str, ...]) -> dict[str, float]:
    """Every named estimator on ``x``, sharing one nearest-neighbour search."""
    parsed = {name: parse_estimator(name) for name in estimators}
    k_max = max([2] + [k for _, k in parsed.values() if k is not None])
    distances = neighbour_distances(x, k_max)
    return {
        name: twonn(distances) if kind == "twonn" else mle_levina_bickel(distances, k=k or 2)
        for name, (kind, k) in parsed.items()
    }
