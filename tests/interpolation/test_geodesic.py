"""Geodesics under a decoder's pull-back metric: straight where the decoder is flat, round
obstacles where it is not, honest about convergence; arc-length resampling evens the steps."""

from __future__ import annotations

import numpy as np
import pytest

from manifoldviz.errors import InvalidInputError
from manifoldviz.interpolation import geodesic
from manifoldviz.interpolation.geodesic import geodesic_curve, resample_by_arclength


def _linear_decoder(seed: int):
    generator = np.random.default_rng(seed)
    weights = generator.normal(size=(3, 784)).astype(np.float32)
    offset = generator.random(784, dtype=np.float32)
    return lambda z: (z @ weights + offset).astype(np.float32)


def _bump(z: np.ndarray, height: float = 3.0, width: float = 0.5) -> np.ndarray:
    """``[z, height · exp(-|z|² / width²)]`` padded to 784: a hill at the origin to go round."""
    z = np.asarray(z, np.float32)
    out = np.zeros((len(z), 784), np.float32)
    out[:, :2] = z
    out[:, 2] = height * np.exp(-(z**2).sum(axis=1) / width**2)
    return out


def _dense_decoder(seed: int, latent: int = 16):
    """A random dense decoder latent→256→784, relu then sigmoid, like the project's."""
    generator = np.random.default_rng(seed)
    w1 = generator.normal(0, latent**-0.5, (latent, 256)).astype(np.float32)
    b1 = generator.normal(0, 0.1, 256).astype(np.float32)
    w2 = generator.normal(0, 3 / 16, (256, 784)).astype(np.float32)
    b2 = generator.normal(0, 0.5, 784).astype(np.float32)

    def decode(z: np.ndarray) -> np.ndarray:
        hidden = np.maximum(z @ w1 + b1, 0)
        return (1 / (1 + np.exp(-(hidden @ w2 + b2)))).astype(np.float32)

    return decode


def test_straight_line_is_the_geodesic_of_a_linear_decoder(seed: int) -> None:
    decode = _linear_decoder(seed)
    z_a, z_b = np.array([0.3, -1.0, 0.5]), np.array([2.0, 0.5, -0.7])
    solution = geodesic_curve(decode, z_a, z_b, n_points=12)
    assert solution.converged and solution.reason == "gradient"
    assert solution.energy <= solution.initial_energy * (1 + 1e-9)
    line = z_a + np.linspace(0, 1, 12)[:, None] * (z_b - z_a)
    np.testing.assert_allclose(solution.z, line, atol=1e-3 * np.abs(z_b - z_a).max())
    assert solution.z.dtype == np.float32 and solution.z.shape == (12, 3)
    np.testing.assert_array_equal(solution.z[[0, -1]], np.float32([z_a, z_b]))


def test_geodesic_goes_round_a_bump_the_straight_line_climbs() -> None:
    z_a, z_b = np.array([-1.0, 0.1]), np.array([1.0, 0.05])
    solution = geodesic_curve(_bump, z_a, z_b)
    assert solution.converged
    assert solution.energy < 0.25 * solution.initial_energy
    straight_mid = np.linalg.norm((z_a + z_b) / 2)
    assert np.linalg.norm(solution.z[len(solution.z) // 2]) > straight_mid + 0.4
    np.testing.assert_array_equal(solution.z[[0, -1]], np.float32([z_a, z_b]))
    # A minimiser of the energy moves at constant speed: its decoded steps are even.
    steps = np.linalg.norm(np.diff(_bump(solution.z), axis=0), axis=1)
    assert steps.max() / steps.min() < 1.1


def test_running_out_of_iterations_is_reported() -> None:
    solution = geodesic_curve(_bump, [-1.0, 0.1], [1.0, 0.05], max_iterations=2)
    assert not solution.converged
    assert solution.reason == "max_iterations" and solution.n_iterations == 2
    assert solution.gradient_norm >= 1e-3
    assert solution.energy < solution.initial_energy


def test_relu_decoder_converges_in_few_iterations(seed: int) -> None:
    decode = _dense_decoder(seed)
    generator = np.random.default_rng(seed)
    solution = geodesic_curve(decode, generator.normal(size=16), generator.normal(size=16))
    assert solution.converged and solution.n_iterations <= 60
    assert solution.energy < solution.initial_energy


def test_decoded_images_may_be_square_and_the_gradient_matches_the_energy(seed: int) -> None:
    generator = np.random.default_rng(seed)
    weights = generator.normal(0, 0.5, (2, 784))

    def decode(z: np.ndarray) -> np.ndarray:
        return np.tanh(z.astype(np.float64) @ weights).reshape(-1, 28, 28).astype(np.float32)

    z = generator.normal(size=(6, 2))
    ends = geodesic._decode(decode, generator.normal(size=(2, 2)))
    state = geodesic._evaluate(decode, z, ends, geodesic.FD_STEP)
    direction = generator.normal(size=z.shape)
    h = 1e-2
    plus = geodesic._evaluate(decode, z + h * direction, ends, geodesic.FD_STEP).energy
    minus = geodesic._evaluate(decode, z - h * direction, ends, geodesic.FD_STEP).energy
    np.testing.assert_allclose((plus - minus) / (2 * h), np.sum(state.gradient * direction), 1e-2)


def test_bad_arguments_are_rejected() -> None:
    with pytest.raises(InvalidInputError, match="n_points"):
        geodesic_curve(_bump, [0.0, 0.0], [1.0, 1.0], n_points=2)
    with pytest.raises(InvalidInputError, match="one length"):
        geodesic_curve(_bump, [0.0, 0.0], [1.0, 1.0, 1.0])
    with pytest.raises(InvalidInputError, match="rows"):
        geodesic_curve(lambda z: _bump(z)[:1], [0.0, 0.0], [1.0, 1.0])


def _warped(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, np.float64)
    return np.stack([np.exp(z[:, 0]), z[:, 1], np.sin(z[:, 0] + 2 * z[:, 1])], axis=1)


def test_resampling_evens_the_decoded_steps_and_keeps_the_endpoints() -> None:
    t = np.linspace(0, 1, 300) ** 3  # crowded at the start, sparse at the end
    z = np.stack([1.5 * t, np.sin(2 * t)], axis=1).astype(np.float32)
    images = _warped(z)
    before = np.linalg.norm(np.diff(_warped(z[::30]), axis=0), axis=1)
    assert before.max() / before.min() > 10
    resampled = resample_by_arclength(z, images, 12)
    assert resampled.shape == (12, 2) and resampled.dtype == np.float32
    np.testing.assert_array_equal(resampled[[0, -1]], z[[0, -1]])
    steps = np.linalg.norm(np.diff(_warped(resampled), axis=0), axis=1)
    assert steps.max() / steps.min() < 1.05  # equal arcs; chords of the bends are shorter


def test_resampling_a_curve_of_no_pixel_length_uses_latent_length() -> None:
    z = np.float32([[0, 0], [0.1, 0], [1, 0]])
    resampled = resample_by_arclength(z, np.zeros((3, 784), np.float32), 5)
    np.testing.assert_allclose(resampled[:, 0], [0, 0.25, 0.5, 0.75, 1], atol=1e-6)
    with pytest.raises(InvalidInputError, match="rows"):
        resample_by_arclength(z, np.zeros((2, 784), np.float32), 5)
