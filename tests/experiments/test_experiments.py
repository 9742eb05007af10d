"""The experiments' mechanics on a few hundred real digits: histories, resume, reports."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from manifoldviz.errors import InvalidInputError
from manifoldviz.experiments import noise_channels, overfitting, shuffled_labels
from manifoldviz.experiments.sweep import RESULTS
from manifoldviz.reports.experiments import save_report
from manifoldviz.reports.studies import run_study

pytestmark = pytest.mark.slow
KEYS = {"loss", "accuracy", "val_loss", "val_accuracy"}


def test_noise_channels_records_full_histories_and_resumes(tiny_mnist, tmp_path: Path) -> None:
    config = noise_channels.NoiseChannelsConfig(n_epochs=2, n_seeds=2)
    result = noise_channels.run(config, out_dir=tmp_path, data=tiny_mnist)
    assert [(r.condition, r.seed) for r in result.runs] == [
        ("noise", 0),
        ("noise", 1),
        ("zeros", 0),
        ("zeros", 1),
    ]
    for run in result.runs:
        assert set(run.history) == KEYS and all(len(v) == 2 for v in run.history.values())
    saved = json.loads((tmp_path / RESULTS).read_text())
    assert saved["settings"]["validation_split"] == 0.2 and saved["data"]["source"] == "sample"
    assert len(saved["runs"]) == 4

    messages: list[str] = []
    again = noise_channels.run(config, out_dir=tmp_path, data=tiny_mnist, progress=messages.append)
    assert not any("epoch" in m for m in messages)  # nothing retrained
    assert again.runs == result.runs


def test_zero_channels_train_exactly_as_the_pixels_alone(tiny_mnist) -> None:
    from manifoldviz.training.loop import fit_classifier

    trained = {}
    for full_width in (True, False):
        model = noise_channels.initial_model("zeros", 3, 784, full_width=full_width)
        x = noise_channels.input_blocks(tiny_mnist, "zeros", 3, 784, full_width=full_width)
        history = fit_classifier(
            model, x, tiny_mnist.y_train, seed=3, n_epochs=2, batch_size=64, validation_split=0.2
        )
        trained[full_width] = (model.get_weights(), history)
    (wide, wide_history), (narrow, narrow_history) = trained[True], trained[False]
    start = noise_channels.initial_model("zeros", 3, 784, full_width=True).get_weights()
    np.testing.assert_array_equal(wide[0][784:], start[0][784:])  # the zero channels never move
    np.testing.assert_allclose(wide[0][:784], narrow[0], atol=1e-6)
    for a, b in zip(wide[1:], narrow[1:], strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)
    for key in KEYS:
        np.testing.assert_allclose(wide_history[key], narrow_history[key], atol=1e-5)


def test_interrupted_sweep_keeps_finished_runs(tiny_mnist, tmp_path: Path) -> None:
    config = noise_channels.NoiseChannelsConfig(n_epochs=1)
    calls = []

    def interrupt_second(message: str) -> None:
        calls.append(message)
        if message.startswith("zeros channels"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        noise_channels.run(config, out_dir=tmp_path, data=tiny_mnist, progress=interrupt_second)
    saved = json.loads((tmp_path / RESULTS).read_text())  # still valid JSON
    assert [r["condition"] for r in saved["runs"]] == ["noise"]
    resumed = noise_channels.run(config, out_dir=tmp_path, data=tiny_mnist)
    assert [r.condition for r in resumed.runs] == ["noise", "zeros"]


def test_other_settings_never_overwrite_results(tiny_mnist, tmp_path: Path) -> None:
    noise_channels.run(
        noise_channels.NoiseChannelsConfig(n_epochs=1), out_dir=tmp_path, data=tiny_mnist
    )
    before = (tmp_path / RESULTS).read_bytes()
    with pytest.raises(InvalidInputError, match="other settings"):
        noise_channels.run(
            noise_channels.NoiseChannelsConfig(n_epochs=2), out_dir=tmp_path, data=tiny_mnist
        )
    assert (tmp_path / RESULTS).read_bytes() == before


def test_shuffled_labels_memorise_and_leave_labels_alone(tiny_mnist) -> None:
    labels_before = tiny_mnist.y_train.copy()
    config = shuffled_labels.ShuffledLabelsConfig(n_epochs=12, label_noise=(0.0, 1.0))
    result = shuffled_labels.run(config, data=tiny_mnist)
    np.testing.assert_array_equal(tiny_mnist.y_train, labels_before)
    shuffled_run = result.runs[1]
    assert shuffled_run.condition == "p=1"
    accuracy = shuffled_run.history["accuracy"]
    assert accuracy[-1] > accuracy[0] + 0.1  # memorising
    assert shuffled_run.final["test_accuracy"] < 0.3  # no generalization
    assert result.runs[0].final["test_accuracy"] > shuffled_run.final["test_accuracy"] + 0.3


def test_overfitting_regions() -> None:
    spans = overfitting.regions([1.0, 0.6, 0.42, 0.40, 0.41, 0.5, 0.7])
    assert spans == {"best_epoch": 3, "robust_start": 2, "robust_end": 4}


def test_overfitting_run_turns_back_up(tiny_mnist) -> None:
    config = overfitting.OverfittingConfig(n_epochs=15, train_size=200, validation_size=200)
    result = overfitting.run(config, data=tiny_mnist)
    val = result.runs[0].history["val_loss"]
    best = int(result.runs[0].final["best_epoch"])
    assert best < len(val) - 1 and val[-1] > min(val)


def test_report_files(tiny_mnist, tmp_path: Path) -> None:
    config = shuffled_labels.ShuffledLabelsConfig(n_epochs=2, label_noise=(0.0, 1.0))
    result = shuffled_labels.run(config, data=tiny_mnist)
    written = save_report(result, tmp_path, figure_format="pdf")
    names = sorted(p.name for p in written)
    assert names == sorted(
        [
            RESULTS,
            "memorisation.png",
            "memorisation.pdf",
            "memorisation.gif",
            "label_noise_sweep.png",
            "label_noise_sweep.pdf",
        ]
    )
    with Image.open(tmp_path / "memorisation.gif") as gif:
        assert gif.info["loop"] == 0 and gif.n_frames == 2
    first = (tmp_path / "memorisation.png").read_bytes()
    save_report(result, tmp_path, figure_format="pdf")
    assert (tmp_path / "memorisation.png").read_bytes() == first


@pytest.mark.parametrize(
    ("make", "param"),
    [
        (lambda: noise_channels.NoiseChannelsConfig(n_seeds=0), "n_seeds"),
        (lambda: noise_channels.NoiseChannelsConfig(n_epochs=0), "n_epochs"),
        (lambda: shuffled_labels.ShuffledLabelsConfig(label_noise=(1.5,)), "label_noise"),
        (lambda: run_study("bogus", noise_channels.NoiseChannelsConfig(), "x"), "name"),
        (lambda: run_study("overfitting", noise_channels.NoiseChannelsConfig(), "x"), "config"),
    ],
)
def test_bad_settings(make, param) -> None:
    with pytest.raises(InvalidInputError) as info:
        make()
    assert info.value.param == param


class _Cycle:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_sweep_frees_each_runs_cycles_and_leaves_the_collector_as_it_was(tiny_mnist) -> None:
    import gc
    import weakref

    from manifoldviz.experiments.sweep import Run, Settings, sweep

    made: list[weakref.ref] = []
    seen: list[tuple[int, bool]] = []

    def train_run(data, settings, condition, seed, progress=None) -> Run:
        # The previous run's garbage is gone before this one starts; what it kept is frozen.
        seen.append((gc.get_freeze_count(), all(ref() is None for ref in made)))
        made.append(weakref.ref(_Cycle()))
        return Run(condition, seed, {"loss": [0.0]})

    sweep("cycles", Settings(n_seeds=3), ["a"], train_run, data=tiny_mnist)
    assert [alive for _, alive in seen] == [True, True, True]
    assert all(count > 0 for count, _ in seen[1:])  # what the first run left is frozen
    assert gc.get_freeze_count() == 0
