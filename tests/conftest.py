"""Shared fixtures: an isolated cache and HOME, no network, a seed, and tiny real MNIST."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

SEED_ENV = "MANIFOLDVIZ_TEST_SEED"


@pytest.fixture(scope="session", autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Never touch the user's cache, Keras folder or the network; never read ../shared."""
    root = tmp_path_factory.mktemp("env")
    os.environ["MANIFOLDVIZ_CACHE"] = str(root / "cache")
    os.environ["MANIFOLDVIZ_OFFLINE"] = "1"
    os.environ["KERAS_HOME"] = str(root / "keras-home")
    (root / "home").mkdir()
    os.environ["HOME"] = str(root / "home")  # nothing a test starts writes into the real one
    os.environ.pop("MANIFOLDVIZ_MNIST", None)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture
def seed() -> int:
    """A seed the test must pass for; set MANIFOLDVIZ_TEST_SEED to reproduce another one."""
    return int(os.environ.get(SEED_ENV, "0"))


@pytest.fixture(scope="session")
def tiny_mnist():
    """300 train / 300 test real MNIST digits from the embedded sample (class-balanced)."""
    from manifoldviz.data.sources import load_mnist

    return load_mnist("sample", limit=300, seed=0)


@pytest.fixture
def write_npz(tmp_path: Path):
    """Write arrays as an .npz in a temp folder and return its path."""

    def write(name: str = "data.npz", **arrays: np.ndarray) -> Path:
        path = tmp_path / name
        np.savez(path, **arrays)
        return path

    return write
