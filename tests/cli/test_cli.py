"""The command line as a user meets it: help, version, exit codes, one-line errors, outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from manifoldviz_cli.main import cli

COMMANDS = [
    [],
    ["interpolate"],
    ["cache"],
    ["cache", "list"],
    ["cache", "clear"],
    ["data"],
    ["experiment"],
    ["experiment", "noise-channels"],
    ["experiment", "shuffled-labels"],
    ["experiment", "overfitting"],
    ["experiment", "validation"],
    ["experiment", "baseline"],
    ["manifold"],
    ["trajectory"],
    ["fitmorph"],
    ["explore"],
    ["gallery"],
]
TINY = ["--data", "sample", "--limit", "300", "--seed", "0"]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "top")
def test_every_help_has_examples(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "Examples:" in result.output and "manifoldviz" in result.output


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.output.startswith("manifoldviz, version ")


def _modules_after_help(args: list[str]) -> list[str]:
    """The modules a fresh interpreter has loaded after ``manifoldviz ARGS --help``."""
    code = (
        "import sys; from manifoldviz_cli.main import cli\n"
        f"try:\n    cli.main({[*args, '--help']!r})\nexcept SystemExit:\n    pass\n"
        "print('\\n'.join(sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return run.stdout.splitlines()


def test_help_does_not_import_tensorflow() -> None:
    loaded = _modules_after_help(["interpolate"])
    heavy = [m for m in ("tensorflow", "keras", "umap", "matplotlib") if m in loaded]
    assert not heavy, heavy


def test_a_command_imports_only_its_own_module() -> None:
    loaded = sorted(m for m in _modules_after_help(["data"]) if m.endswith("_cmd"))
    assert loaded == ["manifoldviz_cli.data_cmd"]


def test_a_mistyped_command_gets_a_suggestion() -> None:
    result = run("interpolat", "3", "8")
    assert result.exit_code == 2 and "No such command 'interpolat'" in result.output
    if hasattr(click.exceptions, "NoSuchCommand"):  # Click suggests commands from 8.4 on
        assert "interpolate" in result.output.split("No such command", 1)[1]


def test_python_dash_m() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "manifoldviz", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "manifoldviz, version" in done.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["interpolate", "3", "11"], "'B'"),
        (["interpolate", "three", "8"], "'A'"),
        (["interpolate", "3", "8", "--steps", "1"], "--steps"),
        (["interpolate", "3", "8", "--steps", "100000"], "--steps"),
        (["interpolate", "3", "8", "--model", "gan"], "--model"),
        (["interpolate", "3", "8", "--path", "cubic"], "--path"),
        (["interpolate", "3", "8", "--methods", "pixel,wavelet"], "--methods"),
        (["interpolate", "3", "8", "--methods", ","], "--methods"),
        (["interpolate", "3", "8", "--methods", "pixel,isomap", "--path", "slerp"], "--path"),
        (["interpolate", "3", "8", "--out", "missing-folder/x.gif"], "--out"),
        (["interpolate", "3", "8", "--out", "."], "--out"),
        (["interpolate", "3", "8", "--out", "x.png"], "--out"),
        (["interpolate", "3", "8", "--strip", "x.txt"], "--strip"),
        (["interpolate", "3", "8", "--data", "no-such.npz"], "--data"),
        (["interpolate", "3", "8", "--bogus"], "--bogus"),
        (["data", "--limit", "3"], "--limit"),
        (["compare-paths", "--orbit", "3:x"], "--orbit"),
        (["compare-paths", "--orbit", "12"], "--orbit"),
        (["compare-paths", "--methods", "pixel,wavelet"], "--methods"),
        (
            ["compare-paths", "--datasets", "rotation", "--orbit", "3:99999", "--data", "sample"],
            "--orbit",
        ),
    ],
)
def test_usage_errors_are_one_line_exit_2(args: list[str], needle: str, tmp_path: Path) -> None:
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = run(*args)
    finally:
        os.chdir(cwd)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and needle in lines[0]
    assert list(tmp_path.iterdir()) == []  # nothing written, nothing trained


def test_bad_data_file_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    np.savez(bad, x_train=np.zeros((3, 5)), y_train=np.zeros(3))
    result = run("data", "--data", str(bad))
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "--data" in result.output


def test_data_command_reports_the_source() -> None:
    result = run("data", *TINY)
    assert result.exit_code == 0
    assert "source: sample" in result.output and "train: 300 images" in result.output


@pytest.mark.slow
def test_interpolate_end_to_end(tmp_path: Path) -> None:
    out, strip, metrics, plot = (tmp_path / n for n in ("m.gif", "s.pdf", "m.json", "p.svg"))
    args = [
        "interpolate",
        "3",
        "8",
        "--steps",
        "6",
        "--scale",
        "3",
        *TINY,
        "--out",
        str(out),
        "--strip",
        str(strip),
        "--metrics",
        str(metrics),
        "--plot",
        str(plot),
    ]
    result = run(*args)
    assert result.exit_code == 0, result.output
    with Image.open(out) as gif:
        assert gif.n_frames == 10 and gif.info["loop"] == 0  # 6 forward, 4 back
    assert strip.read_bytes().startswith(b"%PDF-") and b"/Type /Page" in strip.read_bytes()
    svg = plot.read_text()
    assert svg.lstrip().startswith("<?xml") and svg.rstrip().endswith("</svg>")
    assert "latent path" in result.output and f"wrote {out}" in result.output
    recorded = json.loads(metrics.read_text())
    assert recorded["settings"]["data"]["source"] == "sample"
    assert len(recorded["evidence"]["linear"]) == 6
    first = out.read_bytes()
    assert run(*args, "--quiet").exit_code == 0
    assert out.read_bytes() == first  # same seed, same bytes


@pytest.mark.slow
def test_cache_list_and_clear(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MANIFOLDVIZ_CACHE", str(tmp_path / "cache"))
    assert "(empty)" in run("cache", "list").output
    from manifoldviz.store import Store

    Store().get_or_build("toy", {"a": 1}, lambda folder: (folder / "f").write_bytes(b"x") and None)
    listed = run("cache", "list")
    assert listed.exit_code == 0 and "toy-" in listed.output
    cleared = run("cache", "clear", "--yes")
    assert cleared.exit_code == 0 and "removed 1" in cleared.output


def test_runtime_errors_exit_1(monkeypatch) -> None:
    from manifoldviz.data import sources as data_module
    from manifoldviz.errors import ManifoldvizError

    def broken(*args, **kwargs):
        raise ManifoldvizError("the disk said no")

    monkeypatch.setattr(data_module, "load_mnist", broken)
    result = run("data")
    assert result.exit_code == 1 and result.output.strip() == "Error: the disk said no"


def test_interrupt_exits_130_without_traceback(monkeypatch) -> None:
    from manifoldviz.data import sources as data_module

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(data_module, "load_mnist", interrupted)
    result = run("data")
    assert result.exit_code == 130 and "Traceback" not in result.output


def test_full_disk_is_one_line(monkeypatch) -> None:
    import errno

    from manifoldviz.data import sources as data_module

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(data_module, "load_mnist", full)
    result = run("data")
    assert result.exit_code == 1 and result.output.startswith("Error: disk full")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["experiment", "nonsense"], "nonsense"),
        (["experiment", "noise-channels", "--seeds", "0"], "--seeds"),
        (["experiment", "noise-channels", "--epochs", "0"], "--epochs"),
        (["experiment", "shuffled-labels", "--label-noise", "0,1.5"], "--label-noise"),
        (["experiment", "shuffled-labels", "--label-noise", "a,b"], "--label-noise"),
        (["experiment", "overfitting", "--out", "afile"], "--out"),
        (["experiment", "validation", "--k", "1"], "--k"),
        (["experiment", "validation", "--repetitions", "0"], "--repetitions"),
        (["experiment", "baseline", "--imbalance", "1.5"], "--imbalance"),
        (["experiment", "baseline", "--executor", "dask"], "--executor"),
        (["experiment", "baseline", "--executor", "ray", "--address", "127.0.0.1:1"], "--address"),
        (["trajectory", "--projection", "tsne"], "--projection"),
        (["trajectory", "--layer", "conv1"], "--layer"),
        (["trajectory", "--epochs", "0"], "--epochs"),
        (["trajectory", "--probe-size", "5"], "--probe-size"),
        (["trajectory", *TINY, "--probe-size", "5000"], "--probe-size"),
        (["fitmorph", "--epochs", "0"], "--epochs"),
        (["manifold", "--estimators", "pca"], "--estimators"),
        (["manifold", "--subsample", "20"], "--subsample"),
        (["manifold", "--latent-sizes", "a,b"], "--latent-sizes"),
        (["manifold", "--out", "afile"], "--out"),
    ],
)
def test_experiment_usage_errors(args: list[str], needle: str, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("keep me")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = run(*args)
    finally:
        os.chdir(cwd)
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1 and needle in result.output
    assert (tmp_path / "afile").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


@pytest.mark.slow
def test_experiment_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "noise"
    result = run("experiment", "noise-channels", *TINY, "--epochs", "1", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "results.json",
        "val_accuracy.gif",
        "val_accuracy.png",
        "val_accuracy.svg",
    ]
    assert "noise: val_accuracy" in result.output


def test_manifold_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "m"
    result = run(
        "manifold",
        *TINY,
        "--subsample",
        "250",
        "--repeats",
        "1",
        "--estimators",
        "twonn,mle-k5",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "+784 noise channels" in result.output
    recorded = json.loads((out / "results.json").read_text())
    assert set(recorded["variants"]) == {"mnist", "zeros", "noise"}
    with Image.open(out / "variants.png") as image:
        assert image.size[0] > 800 and image.size[1] > 400
