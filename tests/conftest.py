"""Shared fixtures: an isolated cache and HOME, no network, a seed, tiny real MNIST, and a
real headless browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by playwright, one per test module (skipped without it)."""
    if CHROMIUM is None:
        pytest.skip("needs Debian's chromium (installed by .ci/run)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()
