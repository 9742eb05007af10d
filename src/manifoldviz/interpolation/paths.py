"""Interpolation paths between two points: linear and spherical, endpoints exact (pure)."""

from __future__ import annotations

import numpy as np

from manifoldviz.arrays import FloatArray
from manifoldviz.errors import InvalidInputError

MAX_STEPS = 200


def check_steps(n_steps: int) -> None:
    """Reject step counts that make no path (< 2) or an absurd animation (> 200)."""
    if not 2 <= n_steps <= MAX_STEPS:
        raise InvalidInputError(
            f"steps must be between 2 and {MAX_STEPS}, got {n_steps}", param="n_steps"
        )


def step_times(n_steps: int) -> FloatArray:
    """``n_steps`` evenly spaced t values from 0 to 1 inclusive."""
    check_steps(n_steps)
    return np.linspace(0.0, 1.0, n_steps, dtype=np.float32)


def linear_path(a: FloatArray, b: FloatArray, n_steps: int) -> FloatArray:
    """``(1 - t) a + t b`` for each t; the first and last frames are exactly ``a`` and ``b``."""
    t = step_times(n_steps).reshape((-1,) + (1,) * np.ndim(a))
    path = (1 - t) * np.asarray(a, np.float32) + t * np.asarray(b, np.float32)
    path[0], path[-1] = a, b  # exact endpoints, whatever the rounding
    return path.astype(np.float32)


def slerp_path(a: FloatArray, b: FloatArray, n_steps: int) -> FloatArray:
    """Spherical interpolation, keeping the norm profile of Gaussian-like codes along the way.

    Falls back to the linear path when ``a`` and ``b`` are (anti)parallel, where the great
    circle is undefined.
    """
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    norms = np.linalg.norm(a) * np.linalg.norm(b)
    cos_omega = float(np.clip(np.dot(a.ravel(), b.ravel()) / norms, -1, 1)) if norms else 1.0
    omega = np.arccos(cos_omega)
    if abs(np.sin(omega)) < 1e-6:
        return linear_path(a.astype(np.float32), b.astype(np.float32), n_steps)
    t = step_times(n_steps).astype(np.float64).reshape((-1,) + (1,) * a.ndim)
    path = (np.sin((1 - t) * omega) * a + np.sin(t * omega) * b) / np.sin(omega)
    path[0], path[-1] = a, b
    return path.astype(np.float32)


PATHS = {"linear": linear_path, "slerp": slerp_path}
