"""The models a lab page carries: which ones, their rounding, and the size budget."""

from __future__ import annotations

import numpy as np
import pytest

from manifoldviz.errors import InvalidInputError
from manifoldviz.interpolation.latent_grid import plane_basis
from manifoldviz.lab.page import explore
from manifoldviz.lab.page_models import (
    PAGE_BUDGET_BYTES,
    check_budget,
    estimated_page_bytes,
    parse_models,
    rounded,
)
from manifoldviz.models.dense_runtime import DenseStack


def test_models_are_parsed_in_order() -> None:
    assert parse_models("dense:16,vae:2") == (("dense", 16), ("vae", 2))
    assert parse_models(" vae:2 ") == (("vae", 2),)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("conv:16", "its convolutions do not run in the page"),
        ("mlp:16", "unknown model 'mlp'"),
        ("dense:1", "latent size of dense must be 2-64"),
        ("dense:65", "latent size of dense must be 2-64"),
        ("dense", "each model is ARCHITECTURE:LATENT"),
        ("dense:x", "each model is ARCHITECTURE:LATENT"),
        ("dense:16,dense:16", "dense:16 is named twice"),
        ("dense:16,", "each model is ARCHITECTURE:LATENT"),
        ("dense:²", "each model is ARCHITECTURE:LATENT"),
    ],
)
def test_a_bad_model_list_is_one_clear_error(text: str, needle: str) -> None:
    with pytest.raises(InvalidInputError, match=needle) as caught:
        parse_models(text)
    assert caught.value.param == "models"


def test_two_models_fit_the_budget_and_three_do_not() -> None:
    sizes = {"map_points": 5000, "palette": 50, "graph_points": 3000}
    two = estimated_page_bytes((("dense", 16), ("vae", 2)), **sizes)
    assert two <= PAGE_BUDGET_BYTES
    check_budget((("dense", 16), ("vae", 2)), **sizes)
    with pytest.raises(InvalidInputError, match="over the 6 MB budget"):
        check_budget((("dense", 16), ("vae", 2), ("dense", 2)), **sizes)


def test_the_budget_is_checked_before_any_data_is_read() -> None:
    three = [("dense", 16), ("vae", 2), ("dense", 8)]
    with pytest.raises(InvalidInputError, match="over the 6 MB budget"):
        explore(3, 8, models=three, data="no-such-file.npz")


def test_rounded_weights_are_float16_values_and_rounding_is_idempotent(seed: int) -> None:
    generator = np.random.default_rng(seed)
    net = DenseStack(
        [generator.standard_normal((20, 5)).astype(np.float32), np.ones(5, np.float32)],
        ["relu"],
    )
    once = rounded(net)
    for w in once.weights:
        assert w.dtype == np.float32
        assert np.array_equal(w.astype(np.float16).astype(np.float32), w)
    twice = rounded(once).weights
    assert all(np.array_equal(a, b) for a, b in zip(twice, once.weights, strict=True))
    worst = max(np.abs(a - b).max() for a, b in zip(once.weights, net.weights, strict=True))
    assert 0 < worst <= 2e-3 * max(np.abs(w).max() for w in net.weights)


def test_the_plane_passes_through_a_b_and_the_mean(seed: int) -> None:
    generator = np.random.default_rng(seed)
    a, b, mean = generator.standard_normal((3, 16))
    basis = plane_basis(a, b, mean)
    np.testing.assert_allclose(basis @ basis.T, np.eye(2), atol=1e-12)
    for code in (a, b):
        inside = mean + (code - mean) @ basis.T @ basis
        np.testing.assert_allclose(inside, code, atol=1e-9)
    assert (a - mean) @ basis[1] == pytest.approx(0, abs=1e-12)  # A lies on the first axis
