"""``run_study``: every study through one registry and one calling style."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from manifoldviz.errors import InvalidInputError
from manifoldviz.reports.studies import STUDY_NAMES, run_study, study


def test_every_study_has_a_config_with_defaults() -> None:
    for name in STUDY_NAMES:
        chosen = study(name)
        assert chosen.name == name
        chosen.config()  # the defaults are a valid config


@pytest.mark.slow
def test_run_study_writes_the_report_and_resumes(tmp_path: Path) -> None:
    from manifoldviz.experiments.fitmorph import FitMorphConfig
    from manifoldviz.experiments.overfitting import OverfittingConfig

    config = OverfittingConfig(data="sample", limit=300, n_epochs=2)
    report = run_study("overfitting", config, tmp_path / "overfit")
    assert report.written[0].name == "results.json" and not report.failures
    assert json.loads(report.written[0].read_text())["experiment"] == "overfitting"
    assert "<img" in report._repr_html_()
    lines: list[str] = []
    again = run_study("overfitting", config, tmp_path / "overfit", progress=lines.append)
    assert any("kept from before" in line for line in lines)
    assert again.result.runs == report.result.runs
    # the report saves itself elsewhere, the same files with the same results
    copied = report.save(tmp_path / "copy", figure_format="pdf")
    assert copied[0].name == "results.json" and any(p.suffix == ".pdf" for p in copied)
    saved = json.loads(copied[0].read_text())
    assert saved["runs"] == json.loads(report.written[0].read_text())["runs"]
    with pytest.raises(InvalidInputError, match="is a file"):
        report.save(report.written[0])
    with pytest.raises(InvalidInputError, match="svg or pdf") as raised:
        report.save(tmp_path / "eps", figure_format="eps")
    assert raised.value.param == "figure_format" and not (tmp_path / "eps").exists()
    toy = run_study(
        "fitmorph", FitMorphConfig(n_epochs=20, grid=20, n_snapshots=3), tmp_path / "fm"
    )
    assert {p.suffix for p in toy.written} >= {".json", ".png", ".gif"}
