"""``five_ways``: every method on a known manifold and on an MNIST pair, one figure and GIF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from manifoldviz.reports.five_ways import five_ways
from manifoldviz.store import Store

pytestmark = pytest.mark.slow


def test_five_ways_writes_the_figure_the_gif_and_the_numbers(tiny_mnist, tmp_path: Path) -> None:
    methods = ("pixel", "transport", "linear", "isomap")
    ways = five_ways(
        3, 8, methods=methods, n_steps=5, data=tiny_mnist, quick=True, store=Store(tmp_path)
    )
    assert ways.methods == methods
    distances = ways.distances()
    assert set(distances) == {*methods, "true"} and max(distances["true"]) < 0.01
    # Through the training rotations, every frame of the graph path stays near the floor;
    # the pixel blend leaves the orbit in the middle.
    assert max(distances["isomap"]) <= 1.5 * ways.floor + 0.01
    assert max(distances["pixel"]) > 3 * ways.floor
    written = {p.name for p in ways.save(tmp_path / "out", scale=2)}
    assert written == {"results.json", "five_ways.png", "five_ways.svg", "five_ways.gif"}
    with Image.open(tmp_path / "out" / "five_ways.gif") as gif:
        assert gif.info["loop"] == 0 and gif.n_frames > 5
    saved = json.loads((tmp_path / "out" / "results.json").read_text())
    assert saved["settings"]["methods"] == list(methods)
    assert saved["known"]["pair"]["floor"] == pytest.approx(ways.floor)
    assert set(saved["mnist"]["evidence"]) == set(methods)
