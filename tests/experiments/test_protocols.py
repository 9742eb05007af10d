"""Validation protocols and baselines: folds, estimates, figures and bad settings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manifoldviz.errors import InvalidInputError
from manifoldviz.experiments import baselines, validation
from manifoldviz.reports.experiments import save_report


@settings(max_examples=40, deadline=None)
@given(
    counts=st.lists(st.integers(5, 40), min_size=2, max_size=10),
    k=st.integers(2, 5),
    seed=st.integers(0, 10_000),
)
def test_folds_are_disjoint_cover_everything_and_keep_class_shares(counts, k, seed) -> None:
    y = np.repeat(np.arange(len(counts)), counts)
    folds = validation.fold_assignment(y, k, seed=seed)
    assert set(np.unique(folds)) == set(range(k))  # every sample in exactly one fold
    for digit, count in enumerate(counts):
        per_fold = np.bincount(folds[y == digit], minlength=k)
        assert per_fold.max() - per_fold.min() <= 1  # stratified
        assert per_fold.sum() == count


def test_k_larger_than_smallest_class() -> None:
    y = np.array([0] * 10 + [1] * 3)
    with pytest.raises(InvalidInputError, match="smallest class") as info:
        validation.fold_assignment(y, 4, seed=0)
    assert info.value.param == "k"


def test_protocol_runs_use_the_promised_number_of_models() -> None:
    config = validation.ValidationConfig(k=3, iterations=2, n_repeats=2)
    names = validation.run_names(config)
    protocols = [validation.parse_run_name(n)[0] for n in names]
    assert protocols.count("holdout") == 2
    assert protocols.count("kfold") == 2 * 3
    assert protocols.count("iterated") == 2 * 2 * 3


@pytest.mark.slow
def test_validation_end_to_end(tiny_mnist, tmp_path: Path) -> None:
    config = validation.ValidationConfig(limit=300, k=3, iterations=2, n_repeats=2, n_epochs=2)
    result = validation.run(config, data=tiny_mnist)
    estimates = result.extra["estimates"]
    assert set(estimates) == {"holdout", "kfold", "iterated"}
    assert estimates["iterated"]["n_models"] == [6, 6]
    assert all(0 <= e <= 1 for v in estimates.values() for e in v["estimate"])
    kfold = np.array(result.extra["fold_assignments_first_run"]["kfold"][0])
    assert len(kfold) == len(tiny_mnist.y_train) and set(kfold) == {0, 1, 2}
    names = {p.name for p in save_report(result, tmp_path)}
    assert {"protocol_spread.png", "fold_curves.gif", "split_diagram.svg"} <= names


@pytest.mark.slow
def test_baselines_show_that_accuracy_flatters(tiny_mnist) -> None:
    result = baselines.run(
        baselines.BaselineConfig(digit=3, imbalance=0.1, n_epochs=3), data=tiny_mnist
    )
    balanced, imbalanced = result.runs
    assert balanced.final["most_frequent/accuracy"] < 0.2
    assert imbalanced.final["most_frequent/accuracy"] == pytest.approx(0.9, abs=0.02)
    assert imbalanced.final["most_frequent/balanced_accuracy"] == pytest.approx(0.5)
    assert imbalanced.final["most_frequent/recall_1"] == 0
    assert balanced.final["mlp/accuracy"] > 0.5  # the trained model beats chance clearly


@pytest.mark.parametrize(
    ("make", "param"),
    [
        (lambda: validation.ValidationConfig(k=1), "k"),
        (lambda: validation.ValidationConfig(iterations=0), "iterations"),
        (lambda: validation.ValidationConfig(n_repeats=0), "n_repeats"),
        (lambda: baselines.BaselineConfig(imbalance=1.0), "imbalance"),
        (lambda: baselines.BaselineConfig(imbalance=0.0), "imbalance"),
    ],
)
def test_bad_settings(make, param) -> None:
    with pytest.raises(InvalidInputError) as info:
        make()
    assert info.value.param == param
