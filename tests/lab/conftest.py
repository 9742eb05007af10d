"""Fixtures of the lab's tests: the embedded MNIST sample (the browser is the suite's)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def sample_mnist():
    from manifoldviz.data.sources import load_mnist

    return load_mnist("sample")
