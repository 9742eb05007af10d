"""Decoded digits on a grid of latent codes: the book's latent-space map, and its plane version.

With a 2-D latent space the grid covers the whole space, spaced by the prior's inverse CDF (the
book's chapter-12 figure): for a VAE the prior is the unit Gaussian; for a plain autoencoder,
which has none, a Gaussian with the training codes' mean and spread stands in. With a larger
latent space the same grid is drawn on the plane through the two endpoint codes A and B and the
mean code, so the straight latent path from A to B lies in the picture.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from manifoldviz.arrays import FloatArray
from manifoldviz.errors import InvalidInputError
from manifoldviz.seeding import rng

#: Quantiles of the prior the 2-D grid spans (the book uses 0.05 to 0.95).
QUANTILES = (0.05, 0.95)


@dataclass(frozen=True)
class LatentGrid:
    """Decoded images on an ``n`` × ``n`` grid of codes, and where the paths' codes fall.

    Parameters
    ----------
    images
        (n, n, 28, 28) float32 in [0, 1]; ``images[i, j]`` is decoded at ``(u[j], v[i])``.
    u, v
        The grid's coordinates along its two axes (rows of ``images`` go with ``v``).
    kind
        ``"prior"`` (the whole 2-D space, inverse-CDF spacing) or ``"plane"`` (the plane
        through A, B and the mean code).
    path
        (n_steps, 2) coordinates of the latent path's codes in the grid's plane.
    marks
        Named points in grid coordinates: ``"A"``, ``"B"`` and ``"mean"``.
    axis_labels
        What the two axes are.
    """

    images: FloatArray
    u: FloatArray
    v: FloatArray
    kind: str
    path: FloatArray
    marks: dict[str, tuple[float, float]]
    axis_labels: tuple[str, str]


def prior_axes(
    n: int, *, centre: npt.ArrayLike, scale: npt.ArrayLike, include: npt.ArrayLike | None = None
) -> tuple[FloatArray, FloatArray]:
    """Per-axis grid values ``centre + scale * Φ⁻¹(q)`` for ``n`` evenly spaced quantiles q.

    The quantiles span :data:`QUANTILES`, widened on an axis when a code of ``include`` lies
    beyond them, so that the path's endpoints are on the map.

    Parameters
    ----------
    n
        Grid points per axis.
    centre, scale
        The prior's mean and standard deviation on each of the two axes.
    include
        (M, 2) codes the grid must reach.

    Returns
    -------
    tuple of ndarray
        The two axes' values.
    """
    from scipy.stats import norm

    centre, scale = np.asarray(centre, np.float64), np.asarray(scale, np.float64)
    axes = []
    for k in range(2):
        low, high = QUANTILES
        reach_codes = np.zeros((0, 2)) if include is None else np.asarray(include, np.float64)
        if len(reach_codes):
            reach = norm.cdf((reach_codes[:, k] - centre[k]) / scale[k])
            low = min(low, 0.6 * float(reach.min()))
            high = max(high, 1 - 0.6 * (1 - float(reach.max())))
        quantiles = norm.ppf(np.linspace(low, high, n))
        axes.append((float(centre[k]) + float(scale[k]) * quantiles).astype(np.float32))
    return axes[0], axes[1]


def plane_basis(
    a: npt.ArrayLike, b: npt.ArrayLike, mean: npt.ArrayLike, *, seed: int = 0
) -> npt.NDArray[np.float64]:
    """Two orthonormal directions spanning the plane through codes ``a``, ``b`` and ``mean``.

    The first points from the mean towards A, the second towards B at right angles (the lab
    page computes the same in ``MV.planeBasis``). When A, B and the mean are on one line the
    second direction is a seeded random one, at right angles to the first (the page takes the
    coordinate axis least along the first instead: only then do the two differ).

    Parameters
    ----------
    a, b, mean
        Latent codes (latent_dim,).
    seed
        Seeds the second direction in the degenerate case.

    Returns
    -------
    numpy.ndarray
        (2, latent_dim) float64, orthonormal rows.
    """
    a, b, mean = (np.asarray(v, np.float64) for v in (a, b, mean))
    first = a - mean
    if np.linalg.norm(first) < 1e-9:
        first = b - mean
    first = first / max(float(np.linalg.norm(first)), 1e-12)
    second = (b - mean) - np.dot(b - mean, first) * first
    if np.linalg.norm(second) < 1e-6 * max(float(np.linalg.norm(b - mean)), 1e-12):
        second = rng(seed, "grid-plane").normal(size=len(first))
        second -= np.dot(second, first) * first
    second = second / np.linalg.norm(second)
    return np.stack([first, second])


def _decode_grid(
    decode: Callable[[FloatArray], FloatArray], codes: FloatArray, n: int
) -> FloatArray:
    images = np.clip(np.asarray(decode(codes.astype(np.float32)), np.float32), 0, 1)
    return images.reshape(n, n, 28, 28)


def latent_grid(
    decode: Callable[[FloatArray], FloatArray],
    path_codes: FloatArray,
    *,
    mean: FloatArray,
    spread: FloatArray,
    variational: bool,
    n: int = 15,
    seed: int = 0,
) -> LatentGrid:
    """The latent map of a decoder, with the path from A to B marked on it.

    Parameters
    ----------
    decode
        The decoder: codes (N, latent) to flattened images.
    path_codes
        (n_steps, latent) codes of the latent path, A first and B last.
    mean, spread
        Mean and per-dimension standard deviation of the training codes.
    variational
        True for a VAE: a 2-D grid then follows its unit Gaussian prior.
    n
        Grid points per axis (2-40).
    seed
        Picks the plane's second direction when A, B and the mean are on one line.

    Returns
    -------
    LatentGrid
        The decoded grid, the path's coordinates and the marks.
    """
    if not 2 <= n <= 40:
        raise InvalidInputError(f"grid size must be 2-40, got {n}", param="grid_size")
    path_codes = np.asarray(path_codes, np.float64)
    mean = np.asarray(mean, np.float64)
    dim = path_codes.shape[1]
    if dim == 2:
        centre = np.zeros(2) if variational else mean
        scale = np.ones(2) if variational else np.asarray(spread, np.float64)
        u, v = prior_axes(
            n, centre=centre, scale=scale, include=path_codes[[0, -1]].astype(np.float32)
        )
        uu, vv = np.meshgrid(u, v)
        codes = np.stack([uu.ravel(), vv.ravel()], axis=1)
        marks = {
            "A": (float(path_codes[0, 0]), float(path_codes[0, 1])),
            "B": (float(path_codes[-1, 0]), float(path_codes[-1, 1])),
            "mean": (float(mean[0]), float(mean[1])),
        }
        return LatentGrid(
            images=_decode_grid(decode, codes, n),
            u=u,
            v=v,
            kind="prior",
            path=path_codes.astype(np.float32),
            marks=marks,
            axis_labels=("z₁", "z₂"),
        )
    basis = plane_basis(path_codes[0], path_codes[-1], mean, seed=seed)
    first, second = basis
    coords = (path_codes - mean) @ basis.T
    points = np.concatenate([coords, np.zeros((1, 2))])
    low, high = points.min(axis=0), points.max(axis=0)
    pad = 0.25 * np.maximum(high - low, 1e-6)
    u = np.linspace(low[0] - pad[0], high[0] + pad[0], n).astype(np.float32)
    v = np.linspace(low[1] - pad[1], high[1] + pad[1], n).astype(np.float32)
    uu, vv = np.meshgrid(u, v)
    codes = mean + uu.reshape(-1, 1) * first + vv.reshape(-1, 1) * second
    marks = {
        "A": (float(coords[0, 0]), float(coords[0, 1])),
        "B": (float(coords[-1, 0]), float(coords[-1, 1])),
        "mean": (0.0, 0.0),
    }
    return LatentGrid(
        images=_decode_grid(decode, codes, n),
        u=u,
        v=v,
        kind="plane",
        path=coords.astype(np.float32),
        marks=marks,
        axis_labels=("towards A from the mean code", "towards B, at right angles"),
    )
