"""A user's MNIST file is vetted once, then served from its unpacked copy until it changes."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from manifoldviz.data.sources import fingerprint_splits, load_mnist
from manifoldviz.errors import InvalidInputError
from manifoldviz.store import cache_root


@pytest.fixture
def mnist_file(tmp_path: Path, tiny_mnist) -> Path:
    path = tmp_path / "mnist.npz"
    np.savez_compressed(
        path,
        x_train=tiny_mnist.x_train,
        y_train=tiny_mnist.y_train,
        x_test=tiny_mnist.x_test,
        y_test=tiny_mnist.y_test,
    )
    return path


def _copies() -> list[Path]:
    return sorted((cache_root() / "data").glob("unpacked-*"))


def test_second_load_is_the_same_data_memory_mapped(mnist_file: Path, tiny_mnist) -> None:
    before = set(_copies())
    first = load_mnist(mnist_file)
    made = set(_copies()) - before
    assert len(made) == 1
    second = load_mnist(mnist_file)
    assert isinstance(second.x_train, np.memmap)
    np.testing.assert_array_equal(second.x_train, tiny_mnist.x_train)
    np.testing.assert_array_equal(second.y_test, tiny_mnist.y_test)
    assert second.fingerprint() == first.fingerprint() == tiny_mnist.fingerprint()


def test_an_edited_file_is_read_and_vetted_again(mnist_file: Path, tiny_mnist) -> None:
    load_mnist(mnist_file)
    x = tiny_mnist.x_train.copy()
    x[0] = 255 - x[0]
    np.savez(
        mnist_file,
        x_train=x,
        y_train=tiny_mnist.y_train,
        x_test=tiny_mnist.x_test,
        y_test=tiny_mnist.y_test,
    )
    os.utime(mnist_file, ns=(1, 1))  # even a file with an old timestamp is a new key
    again = load_mnist(mnist_file)
    np.testing.assert_array_equal(again.x_train[0], x[0])
    assert again.fingerprint() == fingerprint_splits(
        ((x, tiny_mnist.y_train), (tiny_mnist.x_test, tiny_mnist.y_test))
    )
    mnist_file.write_bytes(b"not a zip")
    with pytest.raises(InvalidInputError):
        load_mnist(mnist_file)


def test_a_damaged_copy_is_rebuilt_not_trusted(mnist_file: Path, tiny_mnist) -> None:
    before = set(_copies())
    load_mnist(mnist_file)
    (copy,) = set(_copies()) - before
    with open(copy / "x_train.npy", "r+b") as handle:
        handle.truncate(1000)
    again = load_mnist(mnist_file)
    np.testing.assert_array_equal(again.x_train, tiny_mnist.x_train)
    assert not isinstance(again.x_train, np.memmap)  # read from the file itself this time
    assert isinstance(load_mnist(mnist_file).x_train, np.memmap)  # and the copy is back
