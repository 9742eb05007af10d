"""``interpolate`` end to end on 300 real digits: paths, evidence, outputs, caching."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from manifoldviz.errors import InvalidInputError
from manifoldviz.interpolation.morph import pick_endpoints
from manifoldviz.reports.interpolation import interpolate
from manifoldviz.store import Store

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def result(tiny_mnist):
    return interpolate(3, 8, n_steps=6, data=tiny_mnist, seed=0)


def test_paths_have_the_promised_shape_and_endpoints(result, tiny_mnist) -> None:
    for frames in (result.pixel, result.latent):
        assert frames.shape == (6, 28, 28) and frames.dtype == np.float32
        assert frames.min() >= 0 and frames.max() <= 1
    i_a, i_b = result.settings["index_a"], result.settings["index_b"]
    assert tiny_mnist.y_test[i_a] == 3 and tiny_mnist.y_test[i_b] == 8
    np.testing.assert_array_equal(result.pixel[0], tiny_mnist.x_test[i_a] / np.float32(255))
    np.testing.assert_array_equal(result.pixel[-1], tiny_mnist.x_test[i_b] / np.float32(255))


def test_evidence_and_a_verdict_on_measures_that_passed_the_controls(result) -> None:
    assert [len(result.evidence[k]) for k in ("pixel", "linear")] == [6, 6]
    pixel, latent = result.summary["pixel"], result.summary["linear"]
    # The autoencoder's own error favours the latent path by construction: reported, never kept.
    assert latent["mean_reconstruction_error"] < pixel["mean_reconstruction_error"]
    assert "reconstruction_error" not in result.controls["kept"]
    assert "by construction" in result.verdict
    kept = result.controls["kept"]
    assert kept and all(label in result.verdict for label in _labels(kept))
    assert "t" in result.table() and len(result.table().splitlines()) == 9
    recorded = result.to_dict()
    assert recorded["settings"]["data"]["source"] == "sample"
    assert recorded["settings"]["seed"] == 0


def _labels(names: list[str]) -> list[str]:
    from manifoldviz.interpolation.measures import MEASURES

    return [MEASURES[name].label for name in names]


def test_gif_loops_holds_and_is_reproducible(result, tmp_path: Path) -> None:
    path = result.save_gif(tmp_path / "morph.gif", fps=10, scale=3)
    with Image.open(path) as gif:
        assert gif.info["loop"] == 0
        assert gif.n_frames == 10  # 6 forward, 4 back (bounce)
        assert gif.info["duration"] >= 500  # held at the start
    first = path.read_bytes()
    result.save_gif(path, fps=10, scale=3)  # replaces the existing file
    assert path.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["morph.gif"]


def test_strip_and_evidence_figures_are_byte_stable(result, tmp_path: Path) -> None:
    for name in ("strip.svg", "strip.png"):
        first = result.save_strip(tmp_path / name).read_bytes()
        assert result.save_strip(tmp_path / name).read_bytes() == first
    evidence = result.plot_evidence(tmp_path / "evidence.png").read_bytes()
    assert result.plot_evidence(tmp_path / "evidence.png").read_bytes() == evidence
    with Image.open(tmp_path / "evidence.png") as image:
        width, height = image.size
        colours = image.convert("RGB").getcolors(1 << 16) or []
    assert width > height > 600  # 2 x 3 panels, large enough to project
    assert len(colours) > 50  # drawn lines and text, not a blank canvas
    assert b"Date" not in (tmp_path / "strip.svg").read_bytes()[:2000]


def test_second_call_is_served_from_the_cache(tiny_mnist, result) -> None:
    messages: list[str] = []
    again = interpolate(3, 8, n_steps=6, data=tiny_mnist, seed=0, progress=messages.append)
    assert not any("epoch" in m for m in messages)
    assert sum("loaded from cache" in m for m in messages) == 2
    assert sum("controls from cache" in m for m in messages) == 1
    np.testing.assert_array_equal(again.latent, result.latent)


def test_notebook_display(result) -> None:
    html = result._repr_html_()
    assert html.startswith('<img src="data:image/gif;base64,') and result.verdict in html


def test_same_digit_twice_gives_two_images(tiny_mnist, seed: int) -> None:
    i_a, i_b = pick_endpoints(tiny_mnist.y_test, 4, 4, seed=seed)
    assert i_a != i_b and tiny_mnist.y_test[i_a] == tiny_mnist.y_test[i_b] == 4
    assert pick_endpoints(tiny_mnist.y_test, 4, 4, seed=seed) == (i_a, i_b)


def test_training_is_reproducible_for_a_seed(tiny_mnist, tmp_path: Path) -> None:
    runs = [
        interpolate(1, 7, n_steps=3, data=tiny_mnist, seed=5, store=Store(tmp_path / name))
        for name in ("one", "two")
    ]
    np.testing.assert_array_equal(runs[0].latent, runs[1].latent)


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"a": 10, "b": 1}, "a"),
        ({"a": 1.5, "b": 1}, "a"),
        ({"a": 1, "b": 2, "n_steps": 1}, "n_steps"),
        ({"a": 1, "b": 2, "methods": ("pixel", "cubic")}, "methods"),
        ({"a": 1, "b": 2, "methods": ()}, "methods"),
        ({"a": 1, "b": 2, "methods": ("linear", "linear")}, "methods"),
        ({"a": 1, "b": 2, "model": "gan"}, "model"),
        ({"a": 1, "b": 2, "index_a": 10**6}, "index_a"),
        ({"a": 1, "b": 2, "endpoints": "decoded"}, "endpoints"),
    ],
)
def test_bad_input_is_refused_before_training(tiny_mnist, kwargs, param) -> None:
    with pytest.raises(InvalidInputError) as info:
        interpolate(data=tiny_mnist, store=Store(Path("/nonexistent/never-created")), **kwargs)
    assert info.value.param == param


def test_mp4_when_imageio_ffmpeg_is_installed(result, tmp_path: Path) -> None:
    pytest.importorskip("imageio_ffmpeg")
    path = result.save_gif(tmp_path / "morph.mp4", scale=3)
    assert path.stat().st_size > 1000 and path.read_bytes()[4:8] == b"ftyp"


def test_another_pair_never_retrains(tiny_mnist, result) -> None:
    messages: list[str] = []
    other = interpolate(3, 8, n_steps=6, data=tiny_mnist, seed=1, progress=messages.append)
    assert not any("epoch" in m for m in messages)  # both models came from the cache
    assert sum("loaded from cache" in m for m in messages) == 2
    picked = (other.settings["index_a"], other.settings["index_b"])
    assert picked != (result.settings["index_a"], result.settings["index_b"])
    assert other.settings["seed"] == 1 and other.settings["model_seed"] == 0


def test_a_new_model_seed_trains_new_models(tiny_mnist, tmp_path: Path) -> None:
    messages: list[str] = []
    store = Store(tmp_path / "cache")
    interpolate(3, 8, n_steps=4, data=tiny_mnist, model_seed=1, store=store)
    again = interpolate(
        3, 8, n_steps=4, data=tiny_mnist, model_seed=1, store=store, progress=messages.append
    )
    assert again.settings["model_seed"] == 1
    assert sum("loaded from cache" in m for m in messages) == 2
    # One autoencoder, one classifier and their judges (control study) for model seed 1.
    assert len(store.entries()) == 3


def test_reconstructed_endpoints_are_shared_by_both_paths(tiny_mnist, result) -> None:
    fair = interpolate(3, 8, n_steps=6, data=tiny_mnist, seed=0, endpoints="reconstructed")
    assert fair.settings["endpoints"] == "reconstructed"
    np.testing.assert_allclose(fair.pixel[[0, -1]], fair.latent[[0, -1]], atol=1e-6)
    np.testing.assert_array_equal(fair.latent, result.latent)  # the latent path is unchanged
    assert not np.allclose(fair.pixel[0], result.pixel[0])  # a reconstruction, not the image
    t = fair.t[3]
    blend = (1 - t) * fair.latent[0] + t * fair.latent[-1]
    np.testing.assert_allclose(fair.pixel[3], blend, atol=1e-5)


def test_every_method_in_one_result_one_row_each(tiny_mnist, tmp_path: Path) -> None:
    methods = ("pixel", "transport", "linear", "geodesic", "isomap")
    five = interpolate(3, 8, methods=methods, n_steps=5, data=tiny_mnist, seed=0)
    assert tuple(five.frames) == methods and five.methods == methods
    for frames in five.frames.values():
        assert frames.shape == (5, 28, 28) and frames.dtype == np.float32
        assert frames.min() >= 0 and frames.max() <= 1
    np.testing.assert_array_equal(five.pixel, five.frames["pixel"])
    np.testing.assert_array_equal(five.latent, five.frames["linear"])
    assert len(five.verdict.splitlines()) == len(methods) - 1
    assert all(f"the {m} path" in five.verdict for m in ("transport", "geodesic", "isomap"))
    assert set(five.to_dict()["evidence"]) == set(methods)
    for line in five.table().splitlines()[2:7]:
        assert line.split()[0] in methods
    with (
        Image.open(five.save_gif(tmp_path / "five.gif", scale=2)) as gif,
        Image.open(
            interpolate(3, 8, n_steps=5, data=tiny_mnist).save_gif(tmp_path / "two.gif", scale=2)
        ) as two,
    ):
        assert gif.size[0] > 2 * two.size[0]  # five panels side by side, not two
    five.save_strip(tmp_path / "five.png")


def test_a_result_without_a_latent_path_says_so(tiny_mnist) -> None:
    only_pixels = interpolate(2, 5, methods=("pixel", "transport"), n_steps=3, data=tiny_mnist)
    assert only_pixels.grid is None
    with pytest.raises(InvalidInputError, match="no latent path"):
        _ = only_pixels.latent


def test_save_writes_every_output_into_one_folder(result, tmp_path: Path) -> None:
    written = result.save(tmp_path / "out", scale=2)
    names = [p.name for p in written]
    assert names[0] == "results.json"
    assert set(names) == {
        "results.json",
        "morph.gif",
        "strip.png",
        "strip.svg",
        "evidence.png",
        "latent_map.png",
    }
    assert all(p.stat().st_size > 0 for p in written)
