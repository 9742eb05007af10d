"""The scoreboard: statistics on many pairs, the run (resumable, any executor), the command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from manifoldviz.errors import InvalidInputError
from manifoldviz.interpolation import scoreboard
from manifoldviz.interpolation.measures import MEASURES


def _mnist_unit(seed: int, lerp_grey: float, kept: list[str]) -> dict:
    generator = np.random.default_rng(seed)
    pairs = []
    for p in range(40):
        values = {}
        for path in scoreboard.BOARD_METHODS:
            values[path] = {f"mean_{m}": float(generator.normal(0.5, 0.05)) for m in MEASURES}
            values[path]["mean_reconstruction_error"] = 0.001 if path != "pixel" else 0.03
        values["linear"]["mean_grey_share"] = values["pixel"]["mean_grey_share"] - lerp_grey
        values["slerp"] = dict(values["pixel"])  # no difference at all: never significant
        pairs.append({"pair": p, "values": values})
    checks = [{"name": m, "real_spread": 0.1} for m in MEASURES]
    return {
        "unit": {"dataset": "mnist", "model": "dense", "latent_dim": 2, "seed": seed},
        "pairs": pairs,
        "controls": {"kept": kept, "checks": checks},
    }


def test_summary_counts_only_measures_that_passed_the_controls_in_every_unit(seed: int) -> None:
    units = [
        _mnist_unit(seed, 0.2, ["grey_share", "confidence"]),
        _mnist_unit(seed + 1, 0.2, ["grey_share"]),
    ]
    summary = scoreboard.summarise(units, seed=seed)
    entry = summary["configs"]["mnist/dense-2"]
    assert entry["kept"] == ["grey_share"] and entry["n_pairs"] == 80
    grey = entry["differences"]["linear"]["mean_grey_share"]
    assert grey["significant"] and grey["better"] == "latent" and grey["low"] > 0
    own = entry["differences"]["linear"]["mean_reconstruction_error"]
    assert own["better"] == "latent"  # by construction: computed, shown, never counted
    counted = {(s["path"], s["measure"]) for s in summary["significant"]}
    assert counted == {("linear", "mean_grey_share")}
    assert summary["sentence"].startswith("Of 2 paired comparisons")
    assert "1 significantly favour the other path" in summary["sentence"]
    assert "mid-grey share of the ink" in summary["sentence"]


def test_a_worse_latent_path_is_reported_as_such(seed: int) -> None:
    summary = scoreboard.summarise([_mnist_unit(seed, -0.2, ["grey_share"])], seed=seed)
    assert "1 significantly favour the pixel path" in summary["sentence"]
    nothing = scoreboard.summarise([_mnist_unit(seed, 0.2, [])], seed=seed)
    assert nothing["sentence"].startswith("No measure passed the controls")


def test_the_sentence_names_each_paths_own_measures() -> None:
    configs = {
        "mnist/vae-2": {
            "dataset": "mnist",
            "kept": ["confidence", "entropy"],
            "differences": {"linear": {}, "slerp": {}},
        }
    }
    significant = [
        {"config": "mnist/vae-2", "path": "linear", "label": "entropy", "better": "pixel"},
        {"config": "mnist/vae-2", "path": "linear", "label": "confidence", "better": "pixel"},
        {"config": "mnist/vae-2", "path": "slerp", "label": "entropy", "better": "pixel"},
    ]
    said = scoreboard.sentence(configs, significant)
    assert "mnist/vae-2 linear: entropy, confidence; mnist/vae-2 slerp: entropy" in said
    assert "linear+slerp" not in said  # slerp is not worse on confidence
    both = [dict(s, path=p) for s in significant[:2] for p in ("linear", "slerp")]
    assert "mnist/vae-2 linear+slerp: entropy, confidence" in scoreboard.sentence(configs, both)


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"datasets": ("cifar",)}, "datasets"),
        ({"models": ("gan",)}, "models"),
        ({"latent_dims": (0,)}, "latent_dims"),
        ({"n_pairs": 0}, "n_pairs"),
        ({"endpoints": "midway"}, "endpoints"),
    ],
)
def test_bad_settings_are_refused_before_any_work(kwargs, param) -> None:
    from manifoldviz.reports.compare_paths import ScoreboardSettings

    with pytest.raises(InvalidInputError) as info:
        ScoreboardSettings(**kwargs)
    assert info.value.param == param


def board_arguments(data, out: Path, store) -> dict:
    """The small board every test here runs (and resumes)."""
    return {
        "models": ("dense",),
        "latent_dims": (2,),
        "datasets": ("mnist", "rotation"),
        "n_pairs": 4,
        "n_seeds": 1,
        "n_steps": 5,
        "data": data,
        "out_dir": out,
        "store": store,
        "quick": True,
    }


@pytest.fixture(scope="module")
def board(tiny_mnist, tmp_path_factory):
    from manifoldviz.reports.compare_paths import compare_paths
    from manifoldviz.store import Store

    out = tmp_path_factory.mktemp("board")
    store = Store(tmp_path_factory.mktemp("board-cache"))
    result = compare_paths(
        **board_arguments(tiny_mnist, out, store),
    )
    return result, out, store


@pytest.mark.slow
def test_compare_paths_writes_every_pair_the_summary_and_the_figures(board) -> None:
    result, out, _ = board
    saved = json.loads((out / "results.json").read_text())
    assert [u["unit"]["dataset"] for u in saved["units"]] == ["mnist", "rotation"]
    assert all(len(u["pairs"]) == 4 for u in saved["units"])
    assert set(saved["units"][0]["pairs"][0]["values"]) == {"pixel", "linear", "slerp"}
    assert set(saved["units"][1]["pairs"][0]["values"]) == {"pixel", "linear", "slerp", "true"}
    assert (
        saved["summary"]["sentence"] == result.sentence and "paired comparisons" in result.sentence
    )
    names = {p.name for p in result.written}
    assert {"table.png", "table.svg", "pairs.png", "known_sweep.png", "known_rotation.png"} <= names
    true_path = result.summary["configs"]["rotation/dense-2"]["paths"]["true"]["distance"]
    assert true_path[0] < 0.01  # the true path is on the manifold


@pytest.mark.slow
def test_a_board_saves_itself_as_the_command_writes_it(board, tiny_mnist, tmp_path) -> None:
    result, out, store = board
    written = result.save(tmp_path / "again", data=tiny_mnist, store=store)
    assert [p.name for p in written] == [p.name for p in result.written]
    assert (tmp_path / "again" / "results.json").read_bytes() == (out / "results.json").read_bytes()
    other = tiny_mnist.__class__(
        tiny_mnist.x_train[:-1],
        tiny_mnist.y_train[:-1],
        tiny_mnist.x_test,
        tiny_mnist.y_test,
        tiny_mnist.source,
    )
    with pytest.raises(InvalidInputError, match="data this board was computed on") as raised:
        result.save(tmp_path / "other", data=other, store=store)
    assert raised.value.param == "data" and not (tmp_path / "other").exists()


@pytest.mark.slow
def test_a_board_made_with_another_training_is_never_resumed_into(
    board, tiny_mnist, monkeypatch
) -> None:
    from manifoldviz.reports.compare_paths import compare_paths
    from manifoldviz.training import loop

    _, out, store = board
    before = (out / "results.json").read_bytes()
    monkeypatch.setattr(loop, "TRAINING_VERSION", loop.TRAINING_VERSION + 1)
    with pytest.raises(InvalidInputError, match="training") as raised:
        compare_paths(**board_arguments(tiny_mnist, out, store))
    assert "\n" not in str(raised.value) and raised.value.param == "out_dir"
    assert (out / "results.json").read_bytes() == before  # the old units are left as they were


@pytest.mark.slow
def test_an_interrupted_board_resumes_without_retraining(board, tiny_mnist) -> None:
    from manifoldviz.reports.compare_paths import compare_paths

    result, out, store = board
    messages: list[str] = []
    again = compare_paths(**board_arguments(tiny_mnist, out, store), progress=messages.append)
    assert sum("already done" in m for m in messages) == 2
    assert not any("epoch" in m for m in messages)
    assert again.summary == result.summary
    with pytest.raises(InvalidInputError, match="other settings"):
        compare_paths(
            ("dense",),
            (2,),
            datasets=("mnist",),
            n_pairs=3,
            n_seeds=1,
            data=tiny_mnist,
            out_dir=out,
            store=store,
        )


@pytest.mark.slow
def test_units_run_in_worker_processes_too(tiny_mnist, tmp_path: Path) -> None:
    from manifoldviz.reports.compare_paths import compare_paths
    from manifoldviz.runs.executor import make_executor
    from manifoldviz.store import Store

    result = compare_paths(
        ("dense",),
        (2,),
        datasets=("lines",),
        n_pairs=3,
        n_seeds=1,
        n_steps=5,
        data=tiny_mnist,
        store=Store(tmp_path),
        quick=True,
        executor=make_executor("processes", workers=1),
    )
    assert not result.failures and len(result.units[0]["pairs"]) == 3


def test_the_command_refuses_bad_lists_naming_the_option(tmp_path: Path) -> None:
    from manifoldviz_cli.main import cli

    runner = CliRunner()
    for args, option in (
        (["--models", "dense,gan"], "--models"),
        (["--latents", "2,x"], "--latents"),
        (["--datasets", "cifar"], "--datasets"),
    ):
        result = runner.invoke(cli, ["compare-paths", *args, "--out", str(tmp_path)])
        assert result.exit_code == 2 and option in result.output, result.output
    assert "Examples:" in runner.invoke(cli, ["compare-paths", "--help"]).output


def test_a_pair_a_method_could_not_draw_is_noted_and_left_out_of_its_statistics(seed) -> None:
    unit = _mnist_unit(seed, 0.2, ["grey_share"])
    del unit["pairs"][0]["values"]["linear"]
    unit["pairs"][0]["failed"] = {"linear": "the neighbour graph does not connect start to end"}
    entry = scoreboard.summarise([unit], seed=seed)["configs"]["mnist/dense-2"]
    grey = entry["differences"]["linear"]["mean_grey_share"]
    assert entry["n_pairs"] == 40 and grey["significant"] and grey["low"] > 0


@pytest.mark.slow
def test_a_board_of_the_pixel_path_alone_has_no_comparison_and_says_so(
    board, tiny_mnist, tmp_path: Path
) -> None:
    from manifoldviz.reports.compare_paths import compare_paths

    _, _, store = board
    arguments = {**board_arguments(tiny_mnist, tmp_path / "pixel", store), "methods": ("pixel",)}
    alone = compare_paths(**arguments)
    assert all(not entry["differences"] for entry in alone.summary["configs"].values())
    assert "table.png" in {p.name for p in alone.written}
    assert alone.sentence == "Only the pixel path was drawn, so no path was compared with it."
