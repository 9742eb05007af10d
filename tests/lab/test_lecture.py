"""The lab in the lecture hall, in a real browser: the latent plane decoded under the cursor,
two models in one page, the view in the link, presenter mode and accessibility."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from lab_pages import open_page, page_of_shape

from manifoldviz.lab.page import ExplorePage

pytestmark = pytest.mark.slow
TWO_MODELS = (("dense", 16), ("vae", 2))


@pytest.fixture(scope="module")
def two_models(sample_mnist) -> ExplorePage:
    return page_of_shape(sample_mnist, n_map=400, n_graph=400, models=TWO_MODELS)


@pytest.fixture(scope="module")
def two_models_path(two_models: ExplorePage, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return two_models.save(tmp_path_factory.mktemp("lecture") / "explore.html")


def hover(opened: Any, x: float, y: float) -> list[int]:
    """Move the mouse to (x, y) in the map's canvas pixels; the tooltip digit's grey levels."""
    opened.page.locator("#map").scroll_into_view_if_needed()
    box = opened.page.locator("#map").bounding_box()
    scale = box["width"] / 640
    opened.page.mouse.move(box["x"] + x * scale, box["y"] + y * scale)
    assert opened.page.is_visible("#tooltip")
    rgba = opened.pixels("#tooltip canvas")
    return rgba[0::4]


def grey_levels(x: np.ndarray) -> np.ndarray:
    """What paintDigit draws for an image in [0, 1]: ink dark on white."""
    return 255 - np.round(255 * np.clip(x, 0, 1))


@pytest.mark.parametrize("model", [0, 1])
def test_hover_decodes_the_point_under_the_cursor_as_numpy_does(
    two_models: ExplorePage, two_models_path: Path, browser: Any, model: int
) -> None:
    opened = open_page(browser, two_models_path)
    opened.page.evaluate("name => lab.page.setModel(name)", two_models.models[model].name)
    seen = []
    for x, y in [(37.0, 41.0), (600.0, 590.0), (320.0, 80.0)]:
        if opened.page.evaluate("([x, y]) => lab.map.nearest(x, y, 5)", [x, y]) >= 0:
            continue  # on a test digit's dot the tooltip shows that digit instead
        shown = hover(opened, x, y)
        u, v = opened.page.evaluate("([x, y]) => lab.map.fromScreen(x, y)", [x, y])
        a_z, b_z = opened.page.evaluate(
            "[lab.state.endpoints.a.z, lab.state.endpoints.b.z].map(z => Array.from(z))"
        )
        origin, basis = two_models.plane(model, np.array(a_z), np.array(b_z))
        z = (origin + u * basis[0] + v * basis[1]).astype(np.float32)
        decoded = two_models.models[model].decoder(z[None])[0]
        assert np.abs(np.asarray(shown) - grey_levels(decoded)).max() <= 1
        label = int(np.argmax(two_models.classifier(decoded[None])[0]))
        assert f"looks like {label}" in opened.text("tooltip-text")
        seen.append(shown)
    assert len(seen) >= 2 and seen[0] != seen[1]  # another point, another digit
    opened.check_clean()


@pytest.mark.parametrize("model", [0, 1])
def test_every_model_runs_in_the_page_as_numpy_runs_its_float16_weights(
    two_models: ExplorePage, two_models_path: Path, browser: Any, sample_mnist, model: int
) -> None:
    chosen = two_models.models[model]
    generator = np.random.default_rng(model)
    x = sample_mnist.x_test[:40].reshape(40, -1).astype(np.float32) / 255
    z = chosen.map_z[generator.choice(len(chosen.map_z), 40)] + 0.5 * generator.standard_normal(
        (40, chosen.latent_dim)
    ).astype(np.float32)
    opened = open_page(browser, two_models_path)
    opened.page.evaluate("name => lab.page.setModel(name)", chosen.name)
    got = opened.page.evaluate(
        """([z, x]) => ({
          codes: x.map(v => Array.from(lab.nets.encode(v))),
          decoded: z.map(v => Array.from(lab.nets.decode(v))),
          probabilities: z.map(v => Array.from(lab.nets.classify(lab.nets.decode(v)))),
        })""",
        [z.tolist(), x.tolist()],
    )
    np.testing.assert_allclose(got["codes"], chosen.encoder(x), rtol=1e-5, atol=1e-4)
    assert np.abs(np.array(got["decoded"]) - chosen.decoder(z)).max() <= 1e-4
    want = two_models.classifier(chosen.decoder(z))
    assert np.abs(np.array(got["probabilities"]) - want).max() <= 1e-4
    opened.check_clean()


def test_the_map_plane_is_pythons(two_models: ExplorePage, two_models_path: Path, browser: Any):
    opened = open_page(browser, two_models_path)
    got = opened.page.evaluate(
        """() => {
          const p = lab.state.plane;
          const {a, b} = lab.state.endpoints;
          return {origin: Array.from(p.origin), e1: Array.from(p.e1), e2: Array.from(p.e2),
                  a: Array.from(a.z), b: Array.from(b.z), ends: lab.state.curves.ends};
        }"""
    )
    origin, basis = two_models.plane(0, np.array(got["a"]), np.array(got["b"]))
    np.testing.assert_allclose(got["origin"], origin, atol=1e-4)
    np.testing.assert_allclose([got["e1"], got["e2"]], basis, atol=1e-6)
    # A lies on the first axis, B in the plane: both at their own coordinates
    np.testing.assert_allclose(got["ends"][0][1], 0, atol=1e-6)
    opened.page.evaluate("lab.page.setModel('vae:2')")
    assert opened.page.evaluate("Array.from(lab.state.plane.e1)") == [1, 0]  # 2-D: z itself
    opened.check_clean()


def test_a_click_on_the_map_puts_the_decoded_point_in_the_slot(
    two_models_path: Path, browser: Any
) -> None:
    opened = open_page(browser, two_models_path)
    x, y = 20.0, 620.0
    assert opened.page.evaluate("([x, y]) => lab.map.nearest(x, y, 5)", [x, y]) < 0
    shown = hover(opened, x, y)
    box = opened.page.locator("#map").bounding_box()  # in view after the hover
    opened.page.mouse.click(box["x"] + x * box["width"] / 640, box["y"] + y * box["width"] / 640)
    assert opened.pixels("#slot-a canvas")[0::4] == shown
    assert "a decoded point of the map" in opened.text("what-a")
    assert opened.page.evaluate("lab.state.active") == "b"
    opened.check_clean()


def test_switching_models_keeps_the_pair_and_redraws_everything(
    two_models_path: Path, browser: Any
) -> None:
    opened = open_page(browser, two_models_path)
    before = opened.pixels("#frame-latent canvas")
    keys = opened.page.evaluate("[lab.state.endpoints.a.key, lab.state.endpoints.b.key]")
    opened.page.locator('input[name="model"][value="vae:2"]').check()
    assert opened.page.evaluate("lab.model.name") == "vae:2"
    assert opened.page.evaluate("[lab.state.endpoints.a.key, lab.state.endpoints.b.key]") == keys
    assert opened.page.evaluate("lab.state.endpoints.a.z.length") == 2
    assert opened.pixels("#frame-latent canvas") != before
    assert "VAE, latent 2" in opened.text("model-kind")
    assert "conv autoencoder" in opened.text("not-in-page")
    opened.check_clean()


def view_of(opened: Any) -> list[Any]:
    return opened.page.evaluate(
        """[lab.model.name, lab.state.pathKind, lab.state.t, lab.state.active, lab.state.grid,
            lab.state.endpoints.a.key.startsWith('test:') ? lab.state.endpoints.a.key : 'image',
            lab.state.endpoints.b.key, Array.from(lab.state.frames.latent.x)]"""
    )


def test_the_link_reopens_the_same_view_and_back_steps_through_picks(
    two_models_path: Path, browser: Any
) -> None:
    opened = open_page(browser, two_models_path)
    first = opened.page.url
    opened.page.evaluate("lab.page.setModel('vae:2')")
    opened.page.evaluate("lab.page.choose('a', lab.page.decodedPoint(0.4, -0.2), true)")
    opened.page.keyboard.press("2")  # slerp
    opened.page.evaluate("lab.page.setGrid(true)")
    opened.page.evaluate("lab.setT(0.3)")
    opened.page.wait_for_timeout(400)
    link = opened.page.url
    assert link != first and "model=vae%3A2" in link and "method=slerp" in link
    shown = view_of(opened)
    fragment = link[link.index("#") :]
    again = open_page(browser, two_models_path, fragment)  # a fresh load of the link
    restored = view_of(again)
    assert restored[:7] == shown[:7]
    # the decoded digit travels as 8-bit grey levels: its frames agree to a grey level
    assert np.abs(np.array(restored[7]) - np.array(shown[7])).max() < 0.01
    assert again.page.is_hidden("#link-note")
    opened.page.go_back()
    assert opened.page.evaluate("[lab.state.pathKind, lab.state.grid]") == ["slerp", False]
    opened.page.go_back()
    assert opened.page.evaluate("lab.state.pathKind") == "linear"
    opened.page.go_back()
    assert opened.page.evaluate("lab.state.endpoints.a.key").startswith("test:")
    opened.check_clean()
    again.check_clean()


def test_going_back_while_t_is_settling_keeps_each_step_its_own_view(
    two_models_path: Path, browser: Any
) -> None:
    opened = open_page(browser, two_models_path)
    page = opened.page
    page.keyboard.press("2")  # a step: the slerp path
    page.keyboard.press("ArrowRight")  # t moves; the step's link is updated a moment later
    page.go_back()
    page.wait_for_timeout(500)
    assert page.evaluate("lab.state.pathKind") == "linear"
    assert "method=linear" in page.url  # the pending update did not land on this step
    opened.check_clean()


@pytest.mark.parametrize(
    ("fragment", "reason"),
    [
        ("#v=1&model=dense%3A16&a=t999999&b=t1&t=0.5&method=linear", "does not carry test digit"),
        ("#v=1&model=conv%3A16&a=t0&b=t1&t=0.5&method=linear", "does not carry the model"),
        ("#v=1&model=dense%3A16&a=x!!&b=t1&t=0.5&method=linear", "damaged"),
        ("#v=1&model=dense%3A16&a=t0&b=t1&t=7&method=linear", "not between 0 and 1"),
        ("#garbage%%", "not made by this version"),
    ],
)
def test_a_damaged_link_opens_the_default_view_and_says_so(
    two_models_path: Path, browser: Any, fragment: str, reason: str
) -> None:
    opened = open_page(browser, Path(str(two_models_path)))
    default = view_of(opened)
    opened.page.goto(two_models_path.as_uri() + fragment)
    opened.page.reload()
    opened.page.wait_for_function("window.lab && window.lab.loaded")
    assert reason in opened.text("link-note")
    assert view_of(opened)[:7] == default[:7]
    opened.check_clean()


def test_presenter_mode_keeps_every_control_working_from_the_keyboard(
    two_models_path: Path, browser: Any
) -> None:
    opened = open_page(browser, two_models_path)
    page = opened.page
    page.set_viewport_size({"width": 1920, "height": 1080})  # a projector
    frame = page.locator("#frame-pixel canvas")
    small, small_map = frame.bounding_box()["width"], page.locator("#map").bounding_box()["width"]
    page.keyboard.press("p")
    assert page.evaluate("document.body.classList.contains('presenter')")
    assert page.is_hidden("#palette") and page.is_visible("#map") and page.is_visible("#slot-b")
    # the frames and the map grow to lecture size, side by side within one screen
    assert frame.bounding_box()["width"] >= 1.2 * small
    assert page.locator("#map").bounding_box()["width"] >= 1.3 * small_map
    for element in ("#frame-pixel canvas", "#frame-latent canvas", "#map"):
        box = page.locator(element).bounding_box()
        assert box["y"] + box["height"] <= 1080 + 1, element
    t = page.evaluate("lab.state.t")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("lab.state.t") == pytest.approx(t + 0.01)
    page.keyboard.press("b")
    assert page.evaluate("lab.state.active") == "b"
    page.keyboard.press("3")
    assert page.evaluate("lab.state.pathKind") == "isomap"
    page.keyboard.press(" ")
    assert page.evaluate("lab.player.playing")
    page.keyboard.press(" ")
    assert not page.evaluate("lab.player.playing")
    page.locator('input[name="model"][value="vae:2"]').check()
    assert page.evaluate("lab.model.name") == "vae:2"
    page.keyboard.press("b")  # the shortcuts still work with a radio focused
    assert page.evaluate("lab.state.active") == "b"
    page.keyboard.press("ArrowRight")  # ... but the radio keeps its arrows
    assert page.evaluate("lab.model.name") == "dense:16"
    page.locator("#grid").check()
    assert page.evaluate("lab.state.grid")
    page.keyboard.press("2")
    assert page.evaluate("lab.state.pathKind") == "slerp"
    page.keyboard.press(" ")  # the checkbox keeps its space
    assert not page.evaluate("lab.state.grid") and not page.evaluate("lab.player.playing")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.body.classList.contains('presenter')")
    assert frame.bounding_box()["width"] == small
    page.locator("#present").click()
    assert page.evaluate("document.body.classList.contains('presenter')")
    page.locator("#present").click()
    assert page.is_visible("#palette")
    opened.check_clean()


def test_the_reading_is_announced_and_every_control_is_labelled(
    two_models_path: Path, browser: Any
) -> None:
    opened = open_page(browser, two_models_path)
    page = opened.page
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(600)
    spoken = opened.text("announce")
    assert re.match(r"\d to \d, t = 0\.51\. pixel path: looks like \d \(\d+%\)\.", spoken)
    assert page.get_attribute("#announce", "aria-live") == "polite"
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('button, input, [role=img]')].filter(e => {
             const label = e.getAttribute('aria-label') || e.labels?.[0]?.textContent
               || e.textContent || e.title;
             return !(label && label.trim());
           }).map(e => e.outerHTML.slice(0, 80))"""
    )
    assert unlabelled == []
    # every palette digit is reachable from the keyboard
    page.locator("#palette .thumb").first.focus()
    page.keyboard.press("Enter")
    assert "test digit 0" in opened.text("what-a")
    opened.check_clean()


def test_axe_finds_no_accessibility_violation(two_models_path: Path, browser: Any) -> None:
    axe = pytest.importorskip("axe_playwright_python.sync_playwright")
    opened = open_page(browser, two_models_path)
    for presenting in (False, True):
        if presenting:
            opened.page.keyboard.press("p")
        results = axe.Axe().run(
            opened.page,
            options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}},
        )
        assert results.violations_count == 0, results.generate_report()
    opened.check_clean()
