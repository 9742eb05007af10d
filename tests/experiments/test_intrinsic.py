"""Intrinsic-dimension estimators on data of known dimension, and the manifold command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from manifoldviz.errors import InvalidInputError
from manifoldviz.experiments.dimension_estimators import (
    estimate,
    neighbour_distances,
    parse_estimator,
)
from manifoldviz.experiments.intrinsic_dimension import ManifoldConfig, run
from manifoldviz.reports.intrinsic_dimension import save_report


def _curved(n: int, dim: int, ambient: int, seed: int) -> np.ndarray:
    generator = np.random.default_rng(seed)
    codes = generator.normal(size=(n, dim))
    return np.tanh(codes @ generator.normal(size=(dim, ambient)))


@pytest.mark.parametrize("dim", [2, 5, 8])
def test_estimators_recover_a_known_dimension(dim: int, seed: int) -> None:
    found = estimate(_curved(2000, dim, 40, seed), ("twonn", "mle-k10", "mle-k20"))
    for name, value in found.items():
        assert abs(value - dim) < 0.25 * dim + 0.5, (name, value)


def test_neighbour_distances_match_brute_force(seed: int) -> None:
    x = np.random.default_rng(seed).random((300, 7))
    brute = np.linalg.norm(x[:, None] - x[None], axis=2)
    np.fill_diagonal(brute, np.inf)
    expected = np.sort(brute, axis=1)[:, :4]
    np.testing.assert_allclose(neighbour_distances(x, 4, batch=64), expected, rtol=1e-4)


def test_all_zero_columns_change_no_distance(seed: int) -> None:
    x = np.random.default_rng(seed).random((200, 6)).astype(np.float32)
    x[:, 2] = 0  # a border pixel no digit touches
    padded = np.concatenate([x, np.zeros_like(x)], axis=1)  # the zero-channel variant
    brute = np.linalg.norm(x[:, None] - x[None], axis=2)
    np.fill_diagonal(brute, np.inf)
    expected = np.sort(brute, axis=1)[:, :5]
    for data in (x, padded):
        np.testing.assert_allclose(neighbour_distances(data, 5, batch=48), expected, rtol=1e-4)


def test_duplicates_do_not_break_the_estimate(seed: int) -> None:
    x = _curved(500, 3, 20, seed)
    x = np.concatenate([x, x[:50]])
    assert all(np.isfinite(v) for v in estimate(x, ("twonn", "mle-k5")).values())


def test_estimator_names() -> None:
    assert parse_estimator("mle-k12") == ("mle", 12)
    for bad in ("pca", "mle-k1", "mle-kx"):
        with pytest.raises(InvalidInputError):
            parse_estimator(bad)


def test_manifold_run_on_the_sample(tiny_mnist, tmp_path: Path) -> None:
    config = ManifoldConfig(subsample=280, n_repeats=2, estimators=("twonn", "mle-k5"))
    result = run(config, data=tiny_mnist)
    mnist, zeros, noise = (result.mean(v, "mle-k5") for v in ("mnist", "zeros", "noise"))
    assert 3 < mnist < 60
    assert zeros == pytest.approx(mnist, rel=1e-3)  # zero channels change no distance
    assert noise > 1.5 * mnist  # noise lies on no low-dimensional manifold
    assert set(result.digits) == {str(d) for d in range(10)}
    assert len(result.variants["mnist"]["twonn"]) == 2
    written = save_report(result, tmp_path)
    assert {p.name for p in written} == {
        "results.json",
        "variants.png",
        "variants.svg",
        "per_digit.png",
        "per_digit.svg",
    }
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["settings"]["subsample"] == 280 and saved["ambient"]["noise"] == 1568
    assert saved["published_mnist"]["estimates"]["mle-k5"] == 11
    published_row = result.summary_table().splitlines()[-2]
    assert published_row.startswith("MNIST, Pope et al. 2021")
    assert "11" in published_row and "-" in published_row  # mle-k5 quoted; none for TwoNN


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"subsample": 50, "estimators": ("mle-k20",)}, "subsample"),
        ({"estimators": ("pca",)}, "estimators"),
        ({"n_repeats": 0}, "n_repeats"),
        ({"latent_sizes": (0,)}, "latent_sizes"),
    ],
)
def test_bad_settings(kwargs, param) -> None:
    with pytest.raises(InvalidInputError) as info:
        ManifoldConfig(**kwargs)
    assert info.value.param == param


def test_subsample_larger_than_data(tiny_mnist) -> None:
    with pytest.raises(InvalidInputError, match="exceeds"):
        run(ManifoldConfig(subsample=5000), data=tiny_mnist)


def test_subsamples_resume_through_the_engine(tiny_mnist, tmp_path: Path) -> None:
    config = ManifoldConfig(subsample=280, n_repeats=2, estimators=("mle-k5",), per_digit=False)
    first = run(config, data=tiny_mnist, out_dir=tmp_path)
    saved = json.loads((tmp_path / "results.json").read_text())
    assert [u["repeat"] for u in saved["subsamples"]] == [0, 1]
    lines: list[str] = []
    again = run(config, data=tiny_mnist, out_dir=tmp_path, progress=lines.append)
    assert any("0 units to run (2 kept from before)" in line for line in lines)
    assert again.variants == first.variants
    more = ManifoldConfig(subsample=280, n_repeats=3, estimators=("mle-k5",), per_digit=False)
    with pytest.raises(InvalidInputError, match="other settings"):
        run(more, data=tiny_mnist, out_dir=tmp_path)
