"""Optimal-transport displacement interpolation between two grayscale images (pure).

Each image is a mass distribution over its pixel centres; McCann's displacement interpolation
moves the mass along straight lines from one image to the other instead of fading one out and
the other in, so a stroke travels, turns or bends rather than cross-dissolving.

The plan is POT's exact solver :func:`ot.emd` on the inked pixels only (an MNIST digit has
about 150, so the problem takes milliseconds). Exact, not entropic: a Sinkhorn plan or a
convolutional Wasserstein barycenter spreads every pixel's mass over a neighbourhood, which
blurs the middle frames by an amount set by the regularisation, while an exact plan moves each
unit of mass to one place and keeps the frames sharp.

Intensity: the moved mass is splatted bilinearly onto the pixel grid, which spreads a point
over up to four pixels and would dim and widen the strokes of the middle frames. Each frame
therefore keeps the splat's *ordering* of pixels (which are brighter) but takes its grey
levels from the interpolated intensity histogram of the two endpoints (the sorted pixel values
of both, mixed ``(1 - t) : t``), so strokes keep the endpoints' pen; where the mass covers
fewer pixels than that histogram inks, the frame is brightened until its total ink is the
linear mix of the endpoints' totals. The price is sub-pixel: the remapping can move the frame's
mass-weighted position by a fraction of a pixel, which :func:`transport_plan`'s own positions
do not suffer.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np
import numpy.typing as npt

from manifoldviz.arrays import FloatArray
from manifoldviz.errors import InvalidInputError
from manifoldviz.interpolation.paths import step_times

Positions = npt.NDArray[np.float64]
#: A pixel with less splatted mass than this (of 1) received none: only rounding put it there.
_NO_MASS = 1e-9


def transport_plan(
    x_a: npt.ArrayLike, x_b: npt.ArrayLike, *, shape: tuple[int, int] = (28, 28)
) -> tuple[Positions, Positions, npt.NDArray[np.float64]]:
    """The exact optimal-transport plan between the ink of two images.

    Each image is normalised to unit mass over its pixels > 0; the cost is the squared
    Euclidean distance between pixel centres.

    Parameters
    ----------
    x_a, x_b
        Images of ``shape`` pixels, flat or 2-D, values in [0, 1].
    shape
        (height, width) of the images.

    Returns
    -------
    positions_a, positions_b
        (n, 2) and (m, 2) float64: the (row, col) centres of the inked pixels of each image;
        pixel (i, j) has its centre at (i, j), so a 28×28 image's centre is (13.5, 13.5).
    plan
        (n, m) float64: the mass moved from each inked pixel of ``x_a`` to each of ``x_b``
        (sums to 1).

    Raises
    ------
    InvalidInputError
        When an image has the wrong size, non-finite values, or no ink.
    """
    (pos_a, mass_a), (pos_b, mass_b) = _ink(x_a, shape, "x_a"), _ink(x_b, shape, "x_b")
    diff = pos_a[:, None, :] - pos_b[None, :, :]
    cost = np.einsum("nmk,nmk->nm", diff, diff)
    plan = _ot().emd(mass_a, mass_b, cost, numItermax=1_000_000)
    return pos_a, pos_b, np.asarray(plan, np.float64)


def transport_path(
    x_a: FloatArray, x_b: FloatArray, n_steps: int, *, shape: tuple[int, int] = (28, 28)
) -> FloatArray:
    """Frames of the displacement interpolation from ``x_a`` to ``x_b``.

    For frame t, each entry (i, j) of :func:`transport_plan` places its mass at
    ``(1 - t) p_i + t q_j``; the masses are splatted bilinearly onto the grid and given the
    grey levels of the interpolated intensity histogram (see the module's notes); the frame's
    total ink is ``(1 - t) ink_a + t ink_b`` (its pixels are brightened to give back the ink of
    levels that found no pixel with mass, as long as they can hold it).

    Parameters
    ----------
    x_a, x_b
        The two images, flat (H*W,) or (H, W), float in [0, 1], each with some ink.
    n_steps
        Number of frames, 2 to 200, endpoints included.
    shape
        (height, width) of the images.

    Returns
    -------
    ndarray
        (n_steps, H*W) float32 in [0, 1]; the first and last frames are exactly ``x_a`` and
        ``x_b``.

    Raises
    ------
    InvalidInputError
        For a bad ``n_steps``, an image of the wrong size or with no ink.
    """
    t = step_times(n_steps).astype(np.float64)
    pos_a, pos_b, plan = transport_plan(x_a, x_b, shape=shape)
    a = np.asarray(x_a, np.float32).reshape(-1)
    b = np.asarray(x_b, np.float32).reshape(-1)
    i, j = np.nonzero(plan)  # an exact plan has at most n + m - 1 entries
    moved = (1 - t)[:, None, None] * pos_a[i] + t[:, None, None] * pos_b[j]  # (T, K, 2)
    splat = _splat(moved, plan[i, j], shape)  # (T, H*W), each row sums to 1
    levels = (1 - t)[:, None] * np.sort(a)[None, :] + t[:, None] * np.sort(b)[None, :]
    frames = np.empty_like(splat)
    np.put_along_axis(frames, np.argsort(splat, axis=1, kind="stable"), levels, axis=1)
    frames[splat <= _NO_MASS] = 0.0  # no ink where no mass arrived (ties among empty pixels)
    ink = (1 - t) * float(a.sum()) + t * float(b.sum())
    path = _fill(np.clip(frames, 0.0, 1.0), ink).astype(np.float32)
    path[0], path[-1] = a, b  # exact endpoints, whatever the rounding
    return path


def _ink(
    x: npt.ArrayLike, shape: tuple[int, int], param: str
) -> tuple[Positions, npt.NDArray[np.float64]]:
    """The (row, col) centres of ``x``'s pixels > 0 and their values normalised to sum to 1."""
    image = np.asarray(x, np.float64)
    if image.size != shape[0] * shape[1]:
        raise InvalidInputError(
            f"{param} has {image.size} pixels, expected {shape[0]}×{shape[1]}", param=param
        )
    if not np.all(np.isfinite(image)):
        raise InvalidInputError(f"{param} has non-finite values", param=param)
    image = image.reshape(shape)
    inked = image > 0
    total = image[inked].sum()
    if total <= 0:
        raise InvalidInputError(
            f"{param} has no ink; transport needs mass in both images", param=param
        )
    return np.argwhere(inked).astype(np.float64), image[inked] / total


def _splat(
    points: Positions, mass: npt.NDArray[np.float64], shape: tuple[int, int]
) -> npt.NDArray[np.float64]:
    """Bilinear splat of ``mass`` (K,) at ``points`` (T, K, 2) onto T grids of ``shape``."""
    height, width = shape
    frames = points.shape[0]
    # Anchor at the upper-left of the 2×2 cell (clamped, so the last row/column gets weight 1).
    r0 = np.clip(np.floor(points[..., 0]), 0, max(height - 2, 0)).astype(np.intp)
    c0 = np.clip(np.floor(points[..., 1]), 0, max(width - 2, 0)).astype(np.intp)
    fr = np.clip(points[..., 0] - r0, 0.0, 1.0)
    fc = np.clip(points[..., 1] - c0, 0.0, 1.0)
    base = np.arange(frames)[:, None] * (height * width)
    index, weight = [], []
    for dr, wr in ((0, 1 - fr), (1, fr)):
        for dc, wc in ((0, 1 - fc), (1, fc)):
            rows, cols = np.minimum(r0 + dr, height - 1), np.minimum(c0 + dc, width - 1)
            index.append(base + rows * width + cols)
            weight.append(mass[None, :] * wr * wc)
    out = np.bincount(
        np.concatenate(index, axis=None),
        np.concatenate(weight, axis=None),
        minlength=frames * height * width,
    )
    return out.astype(np.float64, copy=False).reshape(frames, height * width)


def _fill(frames: npt.NDArray[np.float64], ink: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Scale each frame (values in [0, 1]) up until its ink, clipped at 1, reaches ``ink``.

    Histogram levels that found no pixel with mass leave a frame short of ink; the factor that
    gives it back is found by bisection (all inked pixels at 1 if even that is not enough).
    """
    positive = np.where(frames > 0, frames, np.inf).min(axis=1)
    low, high = np.ones(len(frames)), np.maximum(1.0 / positive, 1.0)
    for _ in range(60):
        mid = (low + high) / 2
        short = np.minimum(frames * mid[:, None], 1.0).sum(axis=1) < ink
        low, high = np.where(short, mid, low), np.where(short, high, mid)
    return np.minimum(frames * high[:, None], 1.0)


def _ot() -> Any:
    """Import POT; without TensorFlow's backend unless TensorFlow is already loaded.

    POT imports every array library it finds to offer it as a backend; here it only sees NumPy,
    and importing TensorFlow for it would cost seconds and bypass
    :mod:`manifoldviz.keras_import`'s quiet door.
    """
    if "ot" in sys.modules:
        return sys.modules["ot"]
    key = "POT_BACKEND_DISABLE_TENSORFLOW"
    saved = os.environ.get(key)
    if "tensorflow" not in sys.modules:
        os.environ[key] = "1"
    try:
        import ot
    finally:
        if saved is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = saved
    return ot
