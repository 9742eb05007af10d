"""Optimal-transport displacement interpolation: exact endpoints, moving mass, an analytic case."""

from __future__ import annotations

import math

import numpy as np
import pytest

from manifoldviz.data.known_manifolds import line_images
from manifoldviz.errors import InvalidInputError
from manifoldviz.interpolation.paths import linear_path
from manifoldviz.interpolation.transport import transport_path, transport_plan

CENTRE = 13.5  # the image centre in the module's coordinates: pixel (i, j) is centred at (i, j)


@pytest.fixture(scope="module")
def digits(tiny_mnist) -> tuple[np.ndarray, np.ndarray]:
    """A real 3 and a real 8, flat float32 in [0, 1]."""
    x, y = tiny_mnist.x_test, tiny_mnist.y_test
    three, eight = x[np.flatnonzero(y == 3)[0]], x[np.flatnonzero(y == 8)[0]]
    return (three.reshape(-1) / np.float32(255)), (eight.reshape(-1) / np.float32(255))


def test_frames_have_exact_endpoints_and_interpolate_the_ink(digits) -> None:
    x_a, x_b = digits
    frames = transport_path(x_a, x_b, 12)
    assert frames.shape == (12, 784) and frames.dtype == np.float32
    assert frames.min() >= 0.0 and frames.max() <= 1.0
    np.testing.assert_array_equal(frames[0], x_a)
    np.testing.assert_array_equal(frames[-1], x_b)
    t = np.linspace(0, 1, 12)
    expected = (1 - t) * x_a.sum() + t * x_b.sum()
    np.testing.assert_allclose(frames.sum(axis=1), expected, rtol=0.01)
    # Strokes keep the endpoints' pen: the middle frame is as bright as they are, not dimmed.
    assert frames[6].max() >= 0.9 * min(x_a.max(), x_b.max())
    square = transport_path(x_a.reshape(28, 28), x_b.reshape(28, 28), 12)
    np.testing.assert_array_equal(square, frames)


def test_ink_is_kept_when_a_thin_digit_spreads_into_a_fat_one(tiny_mnist) -> None:
    """The middle frames have fewer pixels with mass than the fat digit has ink: no ink lost."""
    x = tiny_mnist.x_test.reshape(len(tiny_mnist.x_test), -1) / np.float32(255)
    inked = (x > 0).sum(axis=1)
    thin, fat = x[inked.argmin()], x[inked.argmax()]
    assert (fat > 0).sum() > 3 * (thin > 0).sum()
    frames = transport_path(thin, fat, 12)
    t = np.linspace(0, 1, 12)
    expected = (1 - t) * thin.sum() + t * fat.sum()
    np.testing.assert_allclose(frames.sum(axis=1), expected, rtol=0.01)
    assert frames.max() <= 1.0


def test_random_images_keep_endpoints_range_and_ink(seed: int) -> None:
    generator = np.random.default_rng(seed)
    images = np.zeros((2, 784), np.float32)
    for image in images:
        inked = generator.choice(784, 60, replace=False)
        image[inked] = generator.uniform(0.05, 0.6, 60).astype(np.float32)
    frames = transport_path(images[0], images[1], 7)
    np.testing.assert_array_equal(frames[[0, -1]], images)
    assert frames.min() >= 0.0 and frames.max() <= 1.0
    t = np.linspace(0, 1, 7)
    expected = (1 - t) * images[0].sum() + t * images[1].sum()
    np.testing.assert_allclose(frames.sum(axis=1), expected, rtol=0.03)


def test_a_single_pixel_travels_instead_of_fading() -> None:
    x_a, x_b = np.zeros((28, 28), np.float32), np.zeros((28, 28), np.float32)
    x_a[5, 5], x_b[5, 21] = 0.8, 0.8
    frames = transport_path(x_a, x_b, 17).reshape(17, 28, 28)
    middle = frames[8]
    rows, cols = np.indices((28, 28))
    centre_of_mass = ((middle * rows).sum() / middle.sum(), (middle * cols).sum() / middle.sum())
    np.testing.assert_allclose(centre_of_mass, (5.0, 13.0), atol=1e-6)
    assert middle[5, 5] == 0 and middle[5, 21] == 0
    assert not np.allclose(middle, 0.5 * (x_a + x_b))
    # 16 pixels in 16 steps: every frame is the same pixel, one column further along.
    for k, frame in enumerate(frames):
        expected = np.zeros((28, 28), np.float32)
        expected[5, 5 + k] = 0.8
        np.testing.assert_allclose(frame, expected, atol=1e-6)


def test_the_plan_moves_all_the_ink_between_pixel_centres() -> None:
    x_a, x_b = np.zeros(784, np.float32), np.zeros(784, np.float32)
    x_a[[5 * 28 + 5, 6 * 28 + 5]] = [0.2, 0.6]
    x_b[5 * 28 + 21] = 0.5
    positions_a, positions_b, plan = transport_plan(x_a, x_b)
    np.testing.assert_array_equal(positions_a, [[5.0, 5.0], [6.0, 5.0]])
    np.testing.assert_array_equal(positions_b, [[5.0, 21.0]])
    assert plan.dtype == np.float64
    np.testing.assert_allclose(plan, [[0.25], [0.75]])


def _direction_and_radius(image: np.ndarray) -> tuple[float, float, float]:
    """Direction (radians, y up) of the mass's mean offset from the centre, its mass-weighted
    mean radius, and its mass-weighted mean distance from the line through the centre at that
    direction."""
    weights = image.reshape(28, 28).astype(np.float64)
    weights = weights / weights.sum()
    rows, cols = np.indices((28, 28))
    dx, dy = cols - CENTRE, CENTRE - rows
    direction = math.atan2((weights * dy).sum(), (weights * dx).sum())
    radius = (weights * np.hypot(dx, dy)).sum()
    spread = (weights * np.abs(dy * math.cos(direction) - dx * math.sin(direction))).sum()
    return direction, radius, spread


def _radius(points: np.ndarray) -> np.ndarray:
    return np.hypot(points[:, 0] - CENTRE, points[:, 1] - CENTRE)


@pytest.mark.parametrize(("a", "b"), [(0.3, 1.3), (2.0, 2.8), (4.0, 5.0)])
def test_between_two_lines_the_midpoint_is_a_shorter_line_on_the_bisector(a, b) -> None:
    """Matching radius to radius, a point at radius r lands at r·cos((b - a)/2) on the bisector."""
    line_a, line_b, bisector = line_images([a, b, (a + b) / 2]).reshape(3, -1)
    shrink = math.cos((b - a) / 2)
    # The plan itself: mass-weighted radius of the midpoints over that of the matched pairs.
    positions_a, positions_b, plan = transport_plan(line_a, line_b)
    i, j = np.nonzero(plan)
    mass = plan[i, j]
    midpoints = (positions_a[i] + positions_b[j]) / 2
    matched = (_radius(positions_a[i]) + _radius(positions_b[j])) / 2
    assert abs((mass * _radius(midpoints)).sum() / (mass * matched).sum() - shrink) < 0.02
    # The frame: on the bisector, one thin line, shortened like the plan says.
    middle = transport_path(line_a, line_b, 3)[1]
    direction, radius, spread = _direction_and_radius(middle)
    _, bisector_radius, bisector_spread = _direction_and_radius(bisector)
    off_by = (direction - (a + b) / 2 + math.pi) % (2 * math.pi) - math.pi
    assert abs(math.degrees(off_by)) < 3.0
    assert abs(radius / bisector_radius - shrink) < 0.05
    assert spread < bisector_spread + 0.5
    # The same measures tell a fade apart: on the bisector on average, but full length and split.
    fade = linear_path(line_a, line_b, 3)[1]
    _, fade_radius, fade_spread = _direction_and_radius(fade)
    assert abs(fade_radius / bisector_radius - shrink) > 0.05
    assert fade_spread > bisector_spread + 1.5


@pytest.mark.parametrize("param", ["x_a", "x_b"])
def test_an_image_without_ink_cannot_be_transported(param: str) -> None:
    ink, blank = np.full(784, 0.5, np.float32), np.zeros(784, np.float32)
    images = {"x_a": ink, "x_b": ink, param: blank}
    with pytest.raises(InvalidInputError, match="no ink") as raised:
        transport_path(images["x_a"], images["x_b"], 5)
    assert raised.value.param == param


@pytest.mark.parametrize("n_steps", [0, 1, 201])
def test_step_counts_outside_2_to_200_are_refused(n_steps: int) -> None:
    ink = np.full(784, 0.5, np.float32)
    with pytest.raises(InvalidInputError, match="steps"):
        transport_path(ink, ink, n_steps)


def test_images_of_the_wrong_size_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="pixels") as raised:
        transport_path(np.ones(784, np.float32), np.ones(100, np.float32), 5)
    assert raised.value.param == "x_b"
