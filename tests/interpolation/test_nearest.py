"""The nearest-neighbour index gives the brute-force answer, for images and for features."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from manifoldviz.interpolation import nearest
from manifoldviz.interpolation.nearest import NearestIndex, load_index


def _exact(frames: np.ndarray, reference: np.ndarray) -> np.ndarray:
    scale = 255.0 if reference.dtype == np.uint8 else 1.0
    rows = reference.reshape(len(reference), -1).astype(np.float64) / scale
    flat = frames.reshape(len(frames), -1).astype(np.float64)
    return np.sqrt(((flat[:, None, :] - rows[None]) ** 2).sum(axis=2)).min(axis=1)


def test_index_matches_brute_force_on_real_digits_and_blends(tiny_mnist, seed: int) -> None:
    x_test = tiny_mnist.x_test.reshape(-1, 784).astype(np.float32) / 255
    blends = 0.5 * (x_test[:20] + x_test[20:40])
    noise = np.random.default_rng(seed).random((5, 784), dtype=np.float32)
    frames = np.concatenate(
        [x_test[:20], blends, noise, tiny_mnist.x_train[:3].reshape(3, 784) / np.float32(255)]
    )
    index = NearestIndex.build(tiny_mnist.x_train, directions=24, seed=seed)
    found = index.distances(frames)
    np.testing.assert_allclose(found, _exact(frames, tiny_mnist.x_train), rtol=1e-5, atol=1e-5)
    assert found[-3:].max() < 1e-3  # training digits themselves are at distance zero


def test_index_over_float_features_reads_few_rows(seed: int, monkeypatch) -> None:
    generator = np.random.default_rng(seed)
    centres = generator.normal(0, 5, (10, 64))
    reference = centres[generator.integers(0, 10, 2000)] + generator.normal(0, 1, (2000, 64))
    reference = reference.astype(np.float16)
    frames = (centres[:4] + generator.normal(0, 1, (4, 64))).astype(np.float32)
    read: list[int] = []
    real = nearest._lower_to_exact

    def counting(best, x, rows, queries, candidates):
        read.append(len(candidates))
        return real(best, x, rows, queries, candidates)

    monkeypatch.setattr(nearest, "_lower_to_exact", counting)
    index = NearestIndex.build(reference, directions=16, seed=seed)
    np.testing.assert_allclose(index.distances(frames), _exact(frames, reference), rtol=1e-5)
    assert sum(read) < len(reference) * len(frames) / 4  # the bounds spared most of the rows


def test_saved_index_loads_memory_mapped_and_answers_the_same(tiny_mnist, tmp_path: Path) -> None:
    index = NearestIndex.build(tiny_mnist.x_train, directions=8)
    nearest.save_index(index, tmp_path, "pixels")
    loaded = load_index(tiny_mnist.x_train, tmp_path, "pixels")
    assert isinstance(loaded.coordinates, np.memmap)
    frames = tiny_mnist.x_test[:5] / np.float32(255)
    np.testing.assert_array_equal(loaded.distances(frames), index.distances(frames))
    with pytest.raises(ValueError, match="not 10 of width 784"):
        load_index(tiny_mnist.x_train[:10], tmp_path, "pixels")
    as_floats = tiny_mnist.x_train.reshape(300, 784).astype(np.float32) / 255
    with pytest.raises(ValueError, match="scale 1"):
        load_index(as_floats, tmp_path, "pixels")


def test_one_reference_row_and_none() -> None:
    row = np.arange(784, dtype=np.float32).reshape(1, 784) / 784
    frames = np.stack([row[0], 1 - row[0]])
    np.testing.assert_allclose(
        NearestIndex.build(row).distances(frames), _exact(frames, row), rtol=1e-5
    )
    with pytest.raises(ValueError, match="at least one"):
        NearestIndex.build(np.zeros((0, 784), np.float32))


def test_no_frames_no_distances(tiny_mnist) -> None:
    index = NearestIndex.build(tiny_mnist.x_train, directions=4)
    assert index.distances(np.zeros((0, 784), np.float32)).shape == (0,)
