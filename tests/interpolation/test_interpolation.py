"""Interpolation paths and distances (pure functions, property-tested)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from manifoldviz.errors import InvalidInputError
from manifoldviz.interpolation import evidence, paths

vectors = arrays(np.float32, 16, elements=st.floats(-5, 5, width=32))


@settings(max_examples=80, deadline=None)
@given(a=vectors, b=vectors, n_steps=st.integers(2, 40))
def test_linear_path_endpoints_are_exact(a, b, n_steps) -> None:
    path = paths.linear_path(a, b, n_steps)
    assert path.shape == (n_steps, 16)
    np.testing.assert_array_equal(path[0], a)
    np.testing.assert_array_equal(path[-1], b)


@settings(max_examples=80, deadline=None)
@given(a=vectors, b=vectors, n_steps=st.integers(2, 40))
def test_slerp_endpoints_and_norms(a, b, n_steps) -> None:
    path = paths.slerp_path(a, b, n_steps)
    np.testing.assert_allclose(path[0], a, atol=1e-5)
    np.testing.assert_allclose(path[-1], b, atol=1e-5)
    assert np.all(np.isfinite(path))


def test_slerp_keeps_norm_between_equal_norm_codes() -> None:
    a, b = np.array([3.0, 0.0], np.float32), np.array([0.0, 3.0], np.float32)
    norms = np.linalg.norm(paths.slerp_path(a, b, 9), axis=1)
    np.testing.assert_allclose(norms, 3.0, rtol=1e-5)
    assert np.linalg.norm(paths.linear_path(a, b, 9), axis=1).min() < 2.2


@pytest.mark.parametrize("n_steps", [0, 1, 201])
def test_step_bounds(n_steps: int) -> None:
    with pytest.raises(InvalidInputError, match="steps"):
        paths.linear_path(np.zeros(2), np.ones(2), n_steps)


def test_nearest_distances_match_brute_force(seed: int) -> None:
    generator = np.random.default_rng(seed)
    reference = generator.integers(0, 256, (500, 784), dtype=np.uint8)
    frames = generator.random((7, 784), dtype=np.float32)
    brute = np.linalg.norm(frames[:, None, :] - reference[None] / 255.0, axis=2).min(axis=1)
    fast = evidence.nearest_distances(frames, reference, batch=64)
    np.testing.assert_allclose(fast, brute, rtol=1e-4)
    on_float = evidence.nearest_distances(frames, reference.astype(np.float32) / 255, batch=128)
    np.testing.assert_allclose(on_float, brute, rtol=1e-4)
    assert evidence.nearest_distances(reference[:3] / np.float32(255), reference).max() < 1e-2
