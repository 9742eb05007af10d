"""The chapter's transformations: seeded, shape-correct, and never touching their inputs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manifoldviz.data.transforms import (
    flatten_scaled,
    imbalanced_binary,
    shuffled_labels,
    with_noise_channels,
    with_zero_channels,
)
from manifoldviz.errors import InvalidInputError

labels = st.lists(st.integers(0, 9), min_size=1, max_size=300).map(lambda v: np.array(v, np.uint8))


def test_flatten_scaled(tiny_mnist) -> None:
    flat = flatten_scaled(tiny_mnist.x_train)
    assert flat.shape == (300, 784) and flat.dtype == np.float32
    assert flat.min() >= 0 and flat.max() == 1


def test_noise_channels_are_noise_and_leave_pixels_alone(tiny_mnist, seed: int) -> None:
    flat = flatten_scaled(tiny_mnist.x_train)
    before = flat.copy()
    noisy = with_noise_channels(flat, seed=seed)
    assert noisy.shape == (300, 1568) and noisy.dtype == np.float32
    np.testing.assert_array_equal(noisy[:, :784], before)
    np.testing.assert_array_equal(flat, before)
    noise = noisy[:, 784:]
    assert 0.07 < noise.var() < 0.10  # uniform [0, 1) has variance 1/12
    assert noise.std(axis=0).min() > 0  # every channel varies across images
    np.testing.assert_array_equal(noisy, with_noise_channels(flat, seed=seed))
    assert not np.array_equal(noise, with_noise_channels(flat, seed=seed + 1)[:, 784:])


def test_zero_channels(tiny_mnist) -> None:
    flat = flatten_scaled(tiny_mnist.x_train)
    zeros = with_zero_channels(flat)
    np.testing.assert_array_equal(zeros[:, :784], flat)
    assert zeros.shape == (300, 1568) and not zeros[:, 784:].any()


@settings(max_examples=60, deadline=None)
@given(y=labels, fraction=st.floats(0, 1), seed=st.integers(0, 2**32 - 1))
def test_shuffling_keeps_class_counts_and_the_callers_labels(y, fraction, seed) -> None:
    original = y.copy()
    shuffled = shuffled_labels(y, fraction=fraction, seed=seed)
    np.testing.assert_array_equal(y, original)  # the chapter's view slip does not happen here
    np.testing.assert_array_equal(
        np.bincount(shuffled, minlength=10), np.bincount(original, minlength=10)
    )
    assert (shuffled != original).sum() <= round(fraction * len(y))


def test_full_shuffle_breaks_the_labels(tiny_mnist, seed: int) -> None:
    shuffled = shuffled_labels(tiny_mnist.y_train, fraction=1.0, seed=seed)
    assert (shuffled == tiny_mnist.y_train).mean() < 0.3
    np.testing.assert_array_equal(
        shuffled_labels(tiny_mnist.y_train, fraction=0.0, seed=seed), tiny_mnist.y_train
    )


def test_label_noise_out_of_range() -> None:
    with pytest.raises(InvalidInputError, match=r"\[0, 1\]"):
        shuffled_labels(np.zeros(4, np.uint8), fraction=1.5, seed=0)


def test_imbalanced_binary_task(tiny_mnist, seed: int) -> None:
    x, y = imbalanced_binary(
        tiny_mnist.x_train, tiny_mnist.y_train, positive_digit=3, positive_fraction=0.1, seed=seed
    )
    assert len(x) == len(y) and set(np.unique(y)) == {0, 1}
    assert y.mean() == pytest.approx(0.1, abs=0.01)
    with pytest.raises(InvalidInputError):
        imbalanced_binary(x, y, positive_digit=3, positive_fraction=1.0, seed=seed)
