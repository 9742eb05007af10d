"""The interpolation lab: what the page carries, the command, and the page in a real browser."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays
from lab_pages import OpenPage, open_page, page_of_shape

from manifoldviz.data.transforms import flatten_scaled
from manifoldviz.errors import InvalidInputError, ManifoldvizError, PathError
from manifoldviz.interpolation.control_study import ControlStudy, MeasureCheck
from manifoldviz.interpolation.isomap import NeighbourGraph
from manifoldviz.interpolation.measures import MEASURES
from manifoldviz.lab import payload
from manifoldviz.lab.page import ExplorePage, explore
from manifoldviz.lab.page_models import estimated_page_bytes
from manifoldviz.lab.payload import (
    GRAPH_POINTS,
    SHOWN_MEASURES,
    check_page_path,
    measures_payload,
    pack_array,
    pick_graph,
    pick_map,
    pick_palette,
    unpack_array,
)
from manifoldviz_cli.main import cli

TINY = ["--data", "sample", "--limit", "300", "--seed", "0"]
MAX_PAGE_BYTES = 6_000_000


# ---------------------------------------------------------------- packing and picking


SHAPES = array_shapes(min_dims=1, max_dims=3, max_side=12)


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float32, SHAPES, elements=st.floats(allow_nan=True, width=32))
    | arrays(np.float16, SHAPES, elements=st.floats(allow_nan=True, width=16))
    | arrays(np.int32, SHAPES)
    | arrays(np.uint8, SHAPES)
)
def test_packed_arrays_come_back_bit_for_bit(array: np.ndarray) -> None:
    back = unpack_array(pack_array(array))
    assert back.dtype == array.dtype and back.shape == array.shape
    assert back.tobytes() == array.tobytes()


def test_packing_refuses_other_dtypes() -> None:
    with pytest.raises(TypeError, match="float32, float16, int32 or uint8"):
        pack_array(np.zeros(3, np.float64))


def test_palette_offers_every_class_and_the_asked_pair(tiny_mnist, seed: int) -> None:
    y = tiny_mnist.y_test
    index, (a, b) = pick_palette(y, 3, 8, per_class=4, seed=seed)
    assert np.bincount(y[index], minlength=10).tolist() == [4] * 10
    assert (y[index[a]], y[index[b]]) == (3, 8)
    index, (a, b) = pick_palette(y, 5, 5, per_class=2, seed=seed)
    assert a != b and y[index[a]] == y[index[b]] == 5
    other, _ = pick_palette(y, 5, 5, per_class=2, seed=seed + 1)
    assert set(other) != set(index)  # a new seed, a new pick
    with pytest.raises(InvalidInputError, match="no other test image of digit 5"):
        pick_palette(y, 5, 5, per_class=1, seed=seed)


def test_map_is_a_stratified_seeded_subset(tiny_mnist, seed: int) -> None:
    y = tiny_mnist.y_test
    chosen = pick_map(y, 150, seed=seed)
    assert len(chosen) == 150 and len(set(chosen)) == 150 and np.all(np.diff(chosen) > 0)
    expected = np.bincount(y, minlength=10) * 150 / len(y)
    assert np.all(np.abs(np.bincount(y[chosen], minlength=10) - expected) <= 1)
    assert not np.array_equal(chosen, pick_map(y, 150, seed=seed + 1))
    assert np.array_equal(pick_map(y, 10_000, seed=seed), np.arange(len(y)))


def test_graph_digits_are_a_stratified_seeded_subset_of_their_own(tiny_mnist, seed: int) -> None:
    y = tiny_mnist.y_train
    chosen = pick_graph(y, 150, seed=seed)
    assert len(set(chosen)) == 150 and np.all(np.diff(chosen) > 0)
    expected = np.bincount(y, minlength=10) * 150 / len(y)
    assert np.all(np.abs(np.bincount(y[chosen], minlength=10) - expected) <= 1)
    assert not np.array_equal(chosen, pick_map(y, 150, seed=seed))  # not the map's stream
    assert np.array_equal(pick_graph(y, 10_000, seed=seed), np.arange(len(y)))


def test_every_method_is_offered_or_excused_in_the_figures_words() -> None:
    from manifoldviz.choices import METHODS
    from manifoldviz.figures.interpolation import METHOD_COLOURS, METHOD_LABELS

    shown = payload.methods_payload()
    offered = [shown["pixel"], *shown["latent"]]
    assert [m["name"] for m in shown["latent"]] == ["linear", "slerp", "isomap"]
    assert sorted(m["name"] for m in offered + shown["not_offered"]) == sorted(METHODS)
    for m in offered + shown["not_offered"]:
        assert (m["label"], m["colour"]) == (METHOD_LABELS[m["name"]], METHOD_COLOURS[m["name"]])
    reasons = {m["name"]: m["reason"] for m in shown["not_offered"]}
    assert "POT" in reasons["transport"] and "iterative" in reasons["geodesic"]


def test_a_method_neither_offered_nor_excused_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(payload, "NOT_OFFERED", {"transport": "no"})
    with pytest.raises(ManifoldvizError, match="neither offers nor excuses geodesic"):
        payload.methods_payload()


@pytest.mark.parametrize(
    ("name", "needle"),
    [("missing/lab.html", "does not exist"), ("lab.png", ".html"), (".", "folder")],
)
def test_page_path_is_checked(tmp_path: Path, name: str, needle: str) -> None:
    path = tmp_path / name if name != "." else tmp_path / "a.html"
    if name == ".":
        path.mkdir()
    with pytest.raises(InvalidInputError, match=re.escape(needle)):
        check_page_path(path)


def test_page_measures_are_the_catalogues() -> None:
    shown = measures_payload(None)
    assert [m["name"] for m in shown] == list(SHOWN_MEASURES)
    for m in shown:
        measure = MEASURES[m["name"]]
        assert (m["label"], m["higher_is_better"]) == (measure.label, measure.higher_is_better)
        assert m["unit"] == MEASURES[m["name"]].unit and not m["evidence"]  # nothing checked
    assert MEASURES["entropy"].unit == "nats"  # as measures.entropy computes it
    # with a study, evidence is what passed the controls, never a measure by construction
    checks = [
        MeasureCheck(name, m.label, m.higher_is_better, {}, {}, {}, 0.0, True, "kept")
        for name, m in MEASURES.items()
    ]
    evidence = {m["name"]: m["evidence"] for m in measures_payload(ControlStudy(checks, 1))}
    assert evidence == {name: not MEASURES[name].by_construction for name in SHOWN_MEASURES}
    assert not evidence["reconstruction_error"]
    dropped = [
        replace(c, kept=False, reason="dropped: rewards blur") if c.name == "entropy" else c
        for c in checks
    ]
    entropy = measures_payload(ControlStudy(dropped, 1))[SHOWN_MEASURES.index("entropy")]
    assert not entropy["evidence"] and entropy["reason"] == "dropped: rewards blur"


def test_conv_is_refused_before_any_data_is_read() -> None:
    with pytest.raises(InvalidInputError, match="conv autoencoder: its convolutions") as caught:
        explore(3, 8, model="conv", data="no-such-file.npz")
    assert caught.value.param == "model"  # the parameter the caller passed
    with pytest.raises(InvalidInputError, match="latent size of dense must be 2-64") as caught:
        explore(3, 8, latent_dim=1, data="no-such-file.npz")
    assert caught.value.param == "latent_dim"


# ---------------------------------------------------------------- the page, without training


def test_a_two_model_page_fits_the_size_budget(sample_mnist) -> None:
    page = page_of_shape(sample_mnist, n_map=5000, models=(("dense", 16), ("vae", 2)))
    assert page.graph.n == GRAPH_POINTS  # the default graph, on as many training digits
    text = page.html()
    size = len(text.encode("utf-8"))
    assert size < MAX_PAGE_BYTES
    assert text == page.html()  # same inputs, same bytes
    # the estimate that refuses a page before any training is close, and on the safe side
    estimate = estimated_page_bytes(
        (("dense", 16), ("vae", 2)), map_points=5000, palette=50, graph_points=GRAPH_POINTS
    )
    assert size <= estimate <= 1.15 * size


def test_page_graph_is_the_librarys(sample_mnist, tmp_path: Path) -> None:
    from manifoldviz.interpolation.methods import training_graph
    from manifoldviz.store import Store

    page = page_of_shape(sample_mnist, n_map=200, n_graph=400)
    built = training_graph(page.graph_data(), page.graph_x.reshape(400, -1), store=Store(tmp_path))
    shipped = page.payload()["graph"]
    assert np.array_equal(unpack_array(shipped["indices"]), built.indices)
    assert unpack_array(shipped["distances"]).tobytes() == built.distances.tobytes()
    assert (shipped["k"], shipped["cutoff"]) == (built.k, built.cutoff) == (10, page.graph.cutoff)
    assert np.array_equal(unpack_array(shipped["x"]).reshape(400, 28, 28), page.graph_x)
    assert np.array_equal(unpack_array(shipped["index"]), page.graph_index)
    assert page.graph_source().points.shape == (400, 784)


def test_page_is_one_self_contained_file(sample_mnist, tmp_path: Path) -> None:
    page = page_of_shape(sample_mnist, n_map=200)
    written = page.save(tmp_path / "lab.html")
    assert sorted(tmp_path.iterdir()) == [written]
    text = written.read_text("utf-8")
    assert "manifoldviz:" not in text  # every marker replaced
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=\"(?!data:)", text)
    assert "class DenseNet" in text and "function mnistFromInk" in text
    assert text.count("<script") == 2  # the data, then the code
    inline = page._repr_html_()
    assert inline.startswith("<iframe srcdoc=") and "&lt;script" in inline


# ---------------------------------------------------------------- the command


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--model", "mlp"], "--model"),
        (["--model", "conv"], "its convolutions do not run in the page"),
        (["--models", "conv:16"], "its convolutions do not run in the page"),
        (["--models", "dense:99"], "--models"),
        (["--models", "dense"], "ARCHITECTURE:LATENT"),
        (["--models", "dense:16,vae:2,dense:8"], "over the 6 MB budget"),
        (["--latent", "1"], "--latent"),
        (["--model", "conv"], "--model"),
        (["--models", "dense:16", "--latent", "8"], "not both"),
        (["--out", "missing-folder/lab.html"], "--out"),
        (["--out", "lab.png"], "--out"),
        (["--pair", "3", "10"], "--pair"),
        (["--pair", "-1", "8"], "--pair"),
        (["--per-class", "0"], "--per-class"),
        (["--map-points", "5"], "--map-points"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], needle: str, tmp_path: Path) -> None:
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = run("explore", *args, *TINY)
    finally:
        os.chdir(cwd)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and needle in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_bad_input_never_imports_tensorflow(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom manifoldviz_cli.main import cli\n"
        "for args in (['--model', 'conv'], ['--out', 'nope/x.html'], ['--pair', '3', '12']):\n"
        "    try:\n        cli.main(['explore', *args, '--data', 'sample'])\n"
        "    except SystemExit as exc:\n        assert exc.code == 2, exc.code\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, cwd=tmp_path)


def test_help_has_examples() -> None:
    result = run("explore", "--help")
    assert (
        result.exit_code == 0 and "Examples:" in result.output and "--model-seed" in result.output
    )


# ---------------------------------------------------------------- trained models (slow)


@pytest.fixture(scope="module")
def lab(tiny_mnist) -> ExplorePage:
    return explore(3, 8, data=tiny_mnist, map_points=300)


@pytest.fixture(scope="module")
def lab_path(lab: ExplorePage, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return lab.save(tmp_path_factory.mktemp("explore") / "explore.html")


@pytest.mark.slow
def test_command_writes_one_page(tmp_path: Path) -> None:
    out = tmp_path / "lab.html"
    result = run("explore", "--out", str(out), "--map-points", "300", "--quiet", *TINY)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines() == [result.output.strip()]
    assert f"wrote {out}" in result.output
    assert sorted(tmp_path.iterdir()) == [out]
    assert 'id="lab-data"' in out.read_text("utf-8")


@pytest.mark.slow
def test_a_new_pick_reuses_the_models(lab: ExplorePage, tiny_mnist) -> None:
    other = explore(3, 8, data=tiny_mnist, map_points=300, seed=1)
    assert other.settings["seed"] == 1 and other.settings["model_seed"] == 0
    assert other.encoder.weights[0].tobytes() == lab.encoder.weights[0].tobytes()
    assert set(other.palette_index) != set(lab.palette_index)


# ---------------------------------------------------------------- in a real browser (slow)


@pytest.mark.slow
def test_page_computes_what_python_computes(
    lab: ExplorePage, lab_path: Path, browser: Any, tiny_mnist, seed: int
) -> None:
    generator = np.random.default_rng(seed)
    x_all = flatten_scaled(tiny_mnist.x_test)
    z_all = lab.encoder(x_all)
    z = (z_all.mean(0) + 1.5 * z_all.std(0) * generator.standard_normal((100, 16))).astype(
        np.float32
    )
    x = x_all[generator.choice(len(x_all), 100, replace=False)]
    opened = open_page(browser, lab_path)
    got = opened.page.evaluate(
        """([z, x]) => {
          const n = window.lab.nets;
          const rows = (f, vs) => vs.map(v => Array.from(f(v)));
          return {
            decoded: rows(n.decode, z),
            decodedProbabilities: rows(v => n.classify(n.decode(v)), z),
            reconstructed: rows(n.reconstruct, x),
            probabilities: rows(n.classify, x),
            codes: rows(n.encode, x),
          };
        }""",
        [z.tolist(), x.tolist()],
    )
    expected = {
        "decoded": lab.decoder(z),
        "decodedProbabilities": lab.classifier(lab.decoder(z)),
        "reconstructed": lab.decoder(lab.encoder(x)),
        "probabilities": lab.classifier(x),
    }
    for name, want in expected.items():
        difference = np.abs(np.asarray(got[name]) - want).max()
        assert difference <= 1e-4, (name, difference)
    # codes are O(10): compare them relative to their scale
    np.testing.assert_allclose(got["codes"], lab.encoder(x), rtol=1e-5, atol=1e-4)
    opened.check_clean()


@pytest.mark.slow
def test_choosing_sliding_and_drawing_change_what_is_shown(lab_path: Path, browser: Any) -> None:
    opened = open_page(browser, lab_path)
    page = opened.page
    assert "test digit 3" in opened.text("what-a") and "test digit 8" in opened.text("what-b")
    assert opened.text("t-value") == "t = 0.50"
    before = {name: opened.pixels(f"#frame-{name} canvas") for name in ("pixel", "latent")}

    # the slider with its own keys, then the arrows anywhere on the page
    page.focus("#t")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    assert opened.text("t-value") == "t = 0.55"
    moved = {name: opened.pixels(f"#frame-{name} canvas") for name in ("pixel", "latent")}
    assert moved["pixel"] != before["pixel"] and moved["latent"] != before["latent"]
    page.click("h1")
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    assert opened.text("t-value") == "t = 0.45"
    page.focus("#t")
    page.keyboard.press("Home")
    assert opened.text("t-value") == "t = 0.00"
    # at t = 0 the pixel path shows A itself
    assert opened.pixels("#frame-pixel canvas") == opened.pixels("#slot-a canvas")

    # choosing a pair: A, then B, from the palette
    page.click('#palette .thumb[title^="test digit 1 "]')
    page.click('#palette .thumb[title^="test digit 7 "]')
    assert "test digit 1" in opened.text("what-a") and "test digit 7" in opened.text("what-b")
    assert opened.pixels("#frame-pixel canvas") == opened.pixels("#slot-a canvas")
    page.focus("#t")
    page.keyboard.press("End")
    assert opened.pixels("#frame-pixel canvas") == opened.pixels("#slot-b canvas")

    # typing two digits
    page.fill("#pair-input", "4 9")
    assert "test digit 4" in opened.text("what-a") and "test digit 9" in opened.text("what-b")
    page.fill("#pair-input", "4 x")
    assert "two digits" in opened.text("pair-hint")

    # lerp and slerp give different latent frames mid-way
    page.focus("#t")
    page.keyboard.press("Home")
    for _ in range(50):
        page.keyboard.press("ArrowRight")
    linear = opened.pixels("#frame-latent canvas")
    page.check('input[name="path"][value="slerp"]')
    assert opened.pixels("#frame-latent canvas") != linear

    # play moves t by itself; pause stops it
    page.click("#play")
    page.wait_for_timeout(400)
    page.click("#play")
    assert opened.text("t-value") != "t = 0.50" and "play" in opened.text("play")

    # drawing a stroke
    assert opened.text("drawn-verdict") == "nothing drawn yet"
    page.locator("#draw").scroll_into_view_if_needed()
    box = page.locator("#draw").bounding_box()
    page.mouse.move(box["x"] + 90, box["y"] + 60)
    page.mouse.down()
    for k in range(1, 21):  # a 7: across, then down to the left
        if k <= 8:
            page.mouse.move(box["x"] + 90 + 12 * k, box["y"] + 60)
        else:
            page.mouse.move(box["x"] + 186 - 6 * (k - 8), box["y"] + 60 + 14 * (k - 8))
    page.mouse.up()
    assert opened.text("drawn-verdict").startswith("looks like ")
    drawn = np.array(page.evaluate("Array.from(window.lab.state.drawn.x)")).reshape(28, 28)
    rows, cols = np.nonzero(drawn > 0)
    assert np.ptp(rows) < 20 and np.ptp(cols) < 20 and drawn.max() == pytest.approx(1.0)
    centre = np.array([(drawn.sum(1) * np.arange(28)).sum(), (drawn.sum(0) * np.arange(28)).sum()])
    assert np.all(np.abs(centre / drawn.sum() + 0.5 - 14) <= 1)
    assert page.is_enabled("#use-a")
    page.click("#use-a")
    assert opened.text("what-a").startswith("your drawing")
    page.focus("#t")
    page.keyboard.press("Home")
    assert opened.pixels("#frame-pixel canvas") == opened.pixels("#drawn")

    # the map: hovering a test digit's dot shows that digit, clicking it uses it
    page.click("#slot-b")
    page.locator("#map").scroll_into_view_if_needed()
    point = page.evaluate(
        "(() => { const c = document.getElementById('map'), r = c.getBoundingClientRect();"
        " const m = window.lab.map, s = r.width / c.width, i = m.nearest(m.screen[0], m.screen[1]);"
        " return [r.left + m.screen[0] * s, r.top + m.screen[1] * s, m.y[i]]; })()"
    )
    page.mouse.move(point[0], point[1])
    assert page.is_visible("#tooltip")
    assert opened.text("tooltip-text").startswith(f"test digit {point[2]} (#")
    page.mouse.click(point[0], point[1])
    assert opened.text("what-b").startswith(f"test digit {point[2]}")

    page.click("#clear")
    assert opened.text("drawn-verdict") == "nothing drawn yet" and not page.is_enabled("#use-a")
    opened.check_clean()


CHARTS = (
    "Array.from(document.querySelectorAll('#charts .chart'), c => "
    "[c.dataset.measure, c.querySelector('h3').textContent, c.dataset.evidence])"
)


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def test_measure_words_on_the_page_come_from_the_payload(
    sample_mnist, browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue = dict(payload.MEASURES)
    catalogue["entropy"] = replace(catalogue["entropy"], label="uncertainty, as the payload says")
    monkeypatch.setattr(payload, "MEASURES", catalogue)
    page = page_of_shape(sample_mnist, n_map=200)
    opened = open_page(browser, page.save(tmp_path / "lab.html"))
    charts = opened.page.evaluate(CHARTS)
    shown = page.payload()["models"][0]["measures"]
    assert [name for name, _, _ in charts] == [m["name"] for m in shown]
    for (_, title, evidence), m in zip(charts, shown, strict=True):
        assert title.startswith(capitalised(m["label"])) and evidence == "false"  # no study
    entropy = charts[[m["name"] for m in shown].index("entropy")]
    assert entropy[1] == "Uncertainty, as the payload says · nats"
    assert re.search(r"entropy \d\.\d\d nats", opened.text("detail-pixel"))
    # one namespace: nets.js hands lab.js MV, and nothing else leaks into the page's globals
    assert opened.page.evaluate("[typeof MV, typeof DenseNet, typeof lerp, typeof LabPage]") == [
        "object",
        *["undefined"] * 3,
    ]
    opened.check_clean()


def test_a_measure_the_page_cannot_compute_is_reported(
    sample_mnist, browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(payload, "SHOWN_MEASURES", (*SHOWN_MEASURES, "latent_nll"))
    path = page_of_shape(sample_mnist, n_map=200).save(tmp_path / "lab.html")
    page = browser.new_page()
    page.goto(path.as_uri())
    page.wait_for_function("document.getElementById('status').textContent.includes('could not')")
    assert "cannot compute latent_nll" in page.inner_text("#status")
    page.close()


@pytest.mark.slow
def test_page_measures_frames_as_python_does(
    lab: ExplorePage, lab_path: Path, browser: Any, tiny_mnist
) -> None:
    from manifoldviz.interpolation.morph import pair_models

    models = pair_models(tiny_mnist)  # the lab's models, judges and controls, from the cache
    opened = open_page(browser, lab_path)
    for t in (0.5, 0.3, 1.0):
        got = opened.page.evaluate(
            """t => {
              window.lab.setT(t);
              const s = window.lab.state;
              const frame = f => ({x: Array.from(f.x), scores: f.scores});
              return {classes: [s.endpoints.a.label, s.endpoints.b.label],
                      pixel: frame(s.frames.pixel), latent: frame(s.frames.latent)};
            }""",
            t,
        )
        for path in ("pixel", "latent"):
            x = np.asarray(got[path]["x"], np.float32)[None]
            want = models.judges.score(x, np.asarray([got["classes"]]))
            assert set(got[path]["scores"]) == set(SHOWN_MEASURES)
            for name, value in got[path]["scores"].items():
                assert abs(value - float(want[name][0])) <= 1e-4, (t, path, name)
            shown = re.search(r"entropy (\d\.\d\d) nats", opened.text(f"detail-{path}"))
            assert shown and abs(float(shown[1]) - float(want["entropy"][0])) <= 0.005 + 1e-4
    # the charts: the catalogue's labels; evidence as the controls decided
    evidence = {}
    for name, title, shown_evidence in opened.page.evaluate(CHARTS):
        assert title.startswith(capitalised(MEASURES[name].label))
        evidence[name] = shown_evidence == "true"
    assert evidence == {
        name: name in models.study.kept and not MEASURES[name].by_construction
        for name in SHOWN_MEASURES
    }
    assert lab.study is not None and lab.study.kept == models.study.kept
    opened.check_clean()


def test_gallery_index_links_the_lab_first(tmp_path: Path) -> None:
    from manifoldviz_gallery.build import Entry, write_index

    entries = []
    for name in ("plot_04_interpolation", "plot_11_explore"):
        (tmp_path / name).mkdir()
        entries.append(Entry(tmp_path / f"{name}.py", name, "Something. Shown."))
    (tmp_path / "plot_04_interpolation" / "strip.png").write_bytes(b"png")
    (tmp_path / "plot_11_explore" / "explore.html").write_text("<!doctype html>")
    write_index(tmp_path, entries, quick=True, seed=0)
    index = (tmp_path / "index.html").read_text()
    link = index.index('<a href="plot_11_explore/explore.html">Open the interpolation lab</a>')
    assert link < index.index("<section")
    assert "(plot_11_explore/explore.html)" in (tmp_path / "index.md").read_text()
    (tmp_path / "plot_11_explore" / "explore.html").unlink()
    write_index(tmp_path, entries, quick=True, seed=0)
    assert "interpolation lab" not in (tmp_path / "index.html").read_text()


@pytest.mark.slow
def test_inline_view_runs_the_lab_in_its_frame(
    lab: ExplorePage, browser: Any, tmp_path: Path
) -> None:
    host = tmp_path / "notebook.html"
    host.write_text(f"<!doctype html><html><body>{lab._repr_html_()}</body></html>", "utf-8")
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(host.as_uri())
    frame = page.frames[1]
    frame.wait_for_function("window.lab && window.lab.loaded", timeout=60_000)
    assert frame.inner_text("#verdict-latent").startswith("looks like ")
    # inside a notebook the lab keeps no link: its picks never crowd the notebook's history
    before = page.evaluate("history.length")
    frame.click("#swap")
    assert page.evaluate("history.length") == before
    assert not frame.evaluate("lab.page.linked")
    assert errors == []


# ---------------------------------------------------------------- the Isomap path in the page


def page_path(opened: OpenPage, method: str, n_steps: int) -> np.ndarray:
    """The frames the page shows for ``method`` at t = k / (n_steps - 1), as Python's path."""
    side = "pixel" if method == "pixel" else "latent"
    if side == "latent":
        opened.page.check(f'input[name="path"][value="{method}"]')
    frames = opened.page.evaluate(
        """([side, n]) => Array.from({length: n}, (_, k) => {
          window.lab.setT(k / (n - 1));
          return Array.from(window.lab.state.frames[side].x);
        })""",
        [side, n_steps],
    )
    return np.asarray(frames)


def assert_paths_match_python(opened: OpenPage, page: ExplorePage, pairs: list[str]) -> None:
    """For each typed pair, every method the page offers shows Python's ``path`` frames."""
    from manifoldviz.interpolation.methods import path

    autoencoder = SimpleNamespace(encode=page.encoder, decode=page.decoder)
    graph = page.graph_source()
    n_steps = 9
    for pair in pairs:
        opened.page.fill("#pair-input", pair)
        x_a, x_b = (
            np.asarray(opened.page.evaluate(f"Array.from(window.lab.state.endpoints.{s}.x)"))
            for s in "ab"
        )
        for method in ("pixel", "linear", "slerp", "isomap"):
            want = path(method, autoencoder, x_a, x_b, n_steps, graph=graph)
            got = page_path(opened, method, n_steps)
            difference = np.abs(got - want.frames).max()
            assert difference <= 1e-4, (pair, method, difference)
        chain = opened.page.evaluate("Array.from(window.lab.state.route.chain)")
        assert chain == want.info["chain"] and chain, pair


@pytest.fixture(scope="module")
def isomap_page(sample_mnist) -> ExplorePage:
    return page_of_shape(sample_mnist, n_map=200)


def test_isomap_path_in_the_page_is_pythons(
    isomap_page: ExplorePage, browser: Any, tmp_path: Path
) -> None:
    opened = open_page(browser, isomap_page.save(tmp_path / "lab.html"))
    assert opened.page.evaluate("window.lab.graph.n") == GRAPH_POINTS
    assert_paths_match_python(opened, isomap_page, ["3 8", "1 7", "0 6"])
    opened.check_clean()


def test_method_selector_is_labelled_keyboard_reachable_and_says_what_is_missing(
    isomap_page: ExplorePage, browser: Any, tmp_path: Path
) -> None:
    from manifoldviz.figures.interpolation import METHOD_COLOURS, METHOD_LABELS

    opened = open_page(browser, isomap_page.save(tmp_path / "lab.html"))
    page = opened.page
    labels = page.evaluate(
        "Array.from(document.querySelectorAll('#path-kind label'), l => "
        "[l.querySelector('input').value, l.textContent.trim()])"
    )
    assert labels == [[m, METHOD_LABELS[m]] for m in ("linear", "slerp", "isomap")]
    # Tab from the slider lands on the chosen method; the arrow keys move between methods
    page.focus("#t")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == "linear"
    latent_before = opened.pixels("#frame-latent canvas")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("window.lab.state.pathKind") == "isomap"
    assert opened.text("latent-label") == METHOD_LABELS["isomap"]
    assert opened.pixels("#frame-latent canvas") != latent_before
    colour = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--latent').trim()"
    )
    assert colour == METHOD_COLOURS["isomap"]
    # the training digits the path passes through, shown beside the frames
    chain = page.evaluate("window.lab.state.route.chain.length")
    assert page.locator("#route-digits canvas").count() == chain
    assert opened.text("route-text").startswith(f"A → {chain} training digit")
    # one line: what is missing, why, and the command that draws it
    note = opened.text("not-offered")
    assert "\n" not in note
    for name, reason in payload.NOT_OFFERED.items():
        assert f"{name} ({reason})" in note
        title = page.get_attribute(f"#not-offered abbr:text-is('{name}')", "title")
        assert title == METHOD_LABELS[name]
    assert note.endswith("manifoldviz interpolate 3 8 --methods transport,geodesic")
    lines = page.evaluate(
        "(() => { const e = document.getElementById('not-offered');"
        " return e.clientHeight / parseFloat(getComputedStyle(e).lineHeight); })()"
    )
    assert lines < 1.5  # at the test's 1320-pixel width
    page.fill("#pair-input", "4 9")
    assert "interpolate 4 9 --methods" in opened.text("not-offered")
    opened.check_clean()


def test_endpoints_the_graph_cannot_join_are_said_in_one_line(
    sample_mnist, browser: Any, tmp_path: Path
) -> None:
    from manifoldviz.interpolation.isomap import graph_path

    # the graph cut into one part per class: a 0 and a 1 cannot be joined
    whole = page_of_shape(sample_mnist, n_map=200, n_graph=600)
    labels = whole.graph_y
    cut = whole.graph.indices.copy()
    cut[(cut >= 0) & (labels[np.maximum(cut, 0)] != labels[:, None])] = -1
    distances = np.where(cut >= 0, whole.graph.distances, np.inf).astype(np.float32)
    graph = NeighbourGraph(cut, distances, whole.graph.k, whole.graph.cutoff)
    page = page_of_shape(sample_mnist, n_map=200, n_graph=600, graph=graph)
    opened = open_page(browser, page.save(tmp_path / "lab.html"))
    opened.page.check('input[name="path"][value="isomap"]')
    opened.page.fill("#pair-input", "0 1")
    x_a, x_b = (
        np.asarray(opened.page.evaluate(f"Array.from(window.lab.state.endpoints.{s}.x)"))
        for s in "ab"
    )
    with pytest.raises(PathError, match="does not connect"):
        graph_path(graph, page.graph_x, x_a, x_b)
    assert opened.text("verdict-latent") == "no Isomap path"
    detail = opened.text("detail-latent")
    assert "does not connect A to B" in detail and "\n" not in detail
    assert opened.page.is_hidden("#route")
    # the pixel path goes on; the charts and the map draw it alone
    assert opened.text("verdict-pixel").startswith("looks like ")
    opened.page.fill("#pair-input", "0 0")
    assert opened.text("verdict-latent").startswith("looks like ")
    # an endpoint farther than the cutoff from every training digit (a digit all ink)
    opened.page.evaluate("window.lab.page.setDrawn(new Float64Array(784).fill(1))")
    opened.page.click("#use-a")
    assert opened.text("verdict-latent") == "no Isomap path"
    assert re.fullmatch(
        r"A is \d+\.?\d* from its nearest training digit, beyond the graph's cutoff "
        r"\d+\.?\d* \(k = 10\)",
        opened.text("detail-latent"),
    )
    opened.check_clean()


@pytest.mark.slow
def test_trained_lab_shows_pythons_paths(lab: ExplorePage, lab_path: Path, browser: Any) -> None:
    opened = open_page(browser, lab_path)
    assert_paths_match_python(opened, lab, ["3 8", "1 7", "4 9", "2 5"])
    opened.check_clean()
