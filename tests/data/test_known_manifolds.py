"""Known manifolds: exact distances, Berthelot et al.'s smoothness, and the study on them."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manifoldviz.data import known_manifolds as km
from manifoldviz.interpolation.known_manifold import smoothness


@pytest.fixture(scope="module")
def lines() -> km.KnownManifold:
    return km.lines_manifold(grid_size=1440)


def test_a_line_points_where_its_angle_says(lines) -> None:
    for angle in (0.0, math.pi / 2, 2.0, 4.5):
        image = km.line_images([angle])[0]
        ys, xs = np.nonzero(image > 0.5)
        direction = math.atan2(13.5 - ys.mean(), xs.mean() - 13.5) % (2 * math.pi)  # centres
        assert abs((direction - angle + math.pi) % (2 * math.pi) - math.pi) < 0.1
        assert 0.3 < image.max() <= 1.0 and image.sum() > 20


def test_points_on_the_manifold_are_at_distance_zero_and_blends_are_not(lines) -> None:
    angles = lines.grid[[10, 500, 1000]]
    rms, cosine, found = lines.nearest(lines.images[[10, 500, 1000]])
    np.testing.assert_allclose(rms, 0, atol=1e-6)
    np.testing.assert_allclose(cosine, 0, atol=1e-5)
    np.testing.assert_allclose(found, angles)
    blend = 0.5 * lines.images[100] + 0.5 * lines.images[400]
    assert lines.nearest(blend[None])[0][0] > 0.05


def test_the_rotation_orbit_recovers_the_angle(tiny_mnist) -> None:
    orbit = km.rotation_manifold(tiny_mnist.x_train[0], grid_size=720)
    np.testing.assert_allclose(
        km.rotated_images(orbit.digit, [0.0])[0], orbit.digit, atol=1e-6
    )  # no rotation, no change
    rms, _, found = orbit.nearest(orbit.image_at([1.0, 4.0]))
    assert rms.max() < 0.02
    np.testing.assert_allclose(found, [1.0, 4.0], atol=0.01)


def test_smoothness_of_even_steps_and_of_one_jump() -> None:
    assert smoothness(np.linspace(0.3, 2.0, 9)) == pytest.approx(0.0, abs=1e-9)
    jump = [0.0] * 5 + [1.0] * 4
    assert smoothness(jump) == pytest.approx(1 - 1 / 8)
    assert math.isnan(smoothness([1.0, 1.0, 1.0]))


@settings(max_examples=60, deadline=None)
@given(
    start=st.floats(0, 2 * math.pi),
    end=st.floats(0, 2 * math.pi),
    n_steps=st.integers(3, 30),
)
def test_the_true_path_is_short_even_and_perfectly_smooth(start, end, n_steps) -> None:
    arc = km.shorter_arc(start, end, n_steps)
    assert abs(arc[-1] - arc[0]) <= math.pi + 1e-5
    assert math.isclose(math.cos(arc[-1]), math.cos(end), abs_tol=1e-4)
    if abs(arc[-1] - arc[0]) > 1e-2:
        assert smoothness(arc % (2 * math.pi)) == pytest.approx(0.0, abs=1e-4)


def test_samples_as_training_data(lines) -> None:
    data = km.as_mnist_data(lines, n_train=50, n_test=20, seed=0)
    assert data.x_train.shape == (50, 28, 28) and data.x_train.dtype == np.uint8
    assert data.source.kind == "known-manifold" and set(data.y_train) <= set(range(10))
    on_grid = km.as_mnist_data(lines, n_train=8, n_test=4, seed=0, train_on_grid=True)
    np.testing.assert_array_equal(on_grid.y_train, [0, 1, 2, 3, 5, 6, 7, 8])


@pytest.mark.slow
def test_study_on_lines_measures_every_path(tiny_mnist, tmp_path) -> None:
    from manifoldviz.interpolation.known_manifold import evaluate_known, path_means
    from manifoldviz.store import Store

    result = evaluate_known(
        "lines",
        "dense",
        2,
        seed=0,
        mnist=tiny_mnist,
        n_pairs=6,
        n_steps=7,
        store=Store(tmp_path),
        quick=True,
    )
    assert len(result["pairs"]) == 6 and set(result["frames"][0]) == {
        "pixel",
        "linear",
        "slerp",
        "true",
    }
    true = path_means(result["pairs"], "true", "distance")
    pixel = path_means(result["pairs"], "pixel", "mid_distance")
    assert true.max() < 0.01  # the true path is on the manifold (up to the grid)
    assert pixel.min() > 0.05  # a blend of two lines is not a line
    assert np.nanmax(path_means(result["pairs"], "true", "smoothness")) < 0.05
    # A blend keeps the nearest line at one end until half way, then jumps: not smooth.
    assert np.nanmean(path_means(result["pairs"], "pixel", "smoothness")) > 0.3


@pytest.mark.slow
def test_every_method_on_a_known_manifold_against_the_floor(tiny_mnist, tmp_path) -> None:
    from manifoldviz.choices import METHODS
    from manifoldviz.interpolation.known_manifold import evaluate_known, path_means
    from manifoldviz.store import Store

    result = evaluate_known(
        "rotation",
        "dense",
        16,
        seed=0,
        mnist=tiny_mnist,
        n_pairs=4,
        n_steps=7,
        methods=METHODS,
        orbit=(3, 1),
        store=Store(tmp_path),
        quick=True,
    )
    pairs = result["pairs"]
    assert set(result["frames"][0]) == {*METHODS, "true"}
    assert all(p["floor"] > 0 for p in pairs)
    assert all(set(p["converged"]) == {"geodesic"} for p in pairs)
    linear = path_means(pairs, "linear", "relative_length")
    np.testing.assert_allclose(linear, 1.0)  # the reference of every relative length
    for method in METHODS:
        share = path_means(pairs, method, "within_floor")
        assert ((share >= 0) & (share <= 1)).all()
    # The graph path walks through training rotations: it reaches the floor more often than
    # the pixel blend of two rotations, which leaves the orbit in the middle.
    isomap = path_means(pairs, "isomap", "within_floor").mean()
    assert isomap > path_means(pairs, "pixel", "within_floor").mean()
    assert (
        path_means(pairs, "isomap", "mid_distance").mean()
        < path_means(pairs, "pixel", "mid_distance").mean()
    )


def test_an_orbit_index_the_data_lacks_is_one_line(tiny_mnist) -> None:
    from manifoldviz.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="no index") as raised:
        km.known_manifold("rotation", tiny_mnist, digit=3, index=10_000)
    assert raised.value.param == "orbit"
