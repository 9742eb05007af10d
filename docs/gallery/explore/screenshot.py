"""Take the guide's screenshots of the interpolation lab with headless Chromium.

Usage:  manifoldviz explore --models dense:16,vae:2 --data ../shared/data/mnist.npz \
            --out /tmp/explore.html
        python docs/gallery/explore/screenshot.py /tmp/explore.html docs/gallery/explore/explore.png
        python docs/gallery/explore/screenshot.py /tmp/explore.html \
            docs/gallery/explore/presenter.png --presenter

Debian's ``chromium`` is driven through playwright. The page is shot at 1320 px wide as it
opens (3 → 8, t = 0.5, a stroke drawn on the pad, the mouse over the map); with
``--presenter``, at 1920 × 1080 in presenter mode with the VAE's decoded grid painted and the
mouse over its plane. Each is scaled to 1000 px wide and stored with a 256-colour palette to
keep the PNG small.
"""

from __future__ import annotations

import itertools
import shutil
import sys
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import sync_playwright


def hover_map(page: Any, u: float, v: float) -> None:
    """Move the mouse to the fraction (u, v) of the map's width and height."""
    box = page.locator("#map").bounding_box()
    page.mouse.move(box["x"] + u * box["width"], box["y"] + v * box["height"])


def presenter(page: Any, png_path: Path) -> None:
    page.evaluate("lab.page.setModel('vae:2')")
    page.keyboard.press("p")
    page.evaluate("lab.page.setGrid(true)")
    hover_map(page, 0.8, 0.72)
    page.screenshot(path=str(png_path))


def main(page_path: Path, png_path: Path, presenting: bool = False) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("needs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        size = {"width": 1920, "height": 1080} if presenting else {"width": 1320, "height": 1000}
        page = browser.new_page(viewport=size)
        page.goto(page_path.resolve().as_uri())
        page.wait_for_function("window.lab && window.lab.loaded", timeout=120_000)
        raw = png_path.with_suffix(".raw.png")
        if presenting:
            presenter(page, raw)
            browser.close()
            shrink(raw, png_path)
            return
        pad = page.locator("#draw")
        pad.scroll_into_view_if_needed()
        box = pad.bounding_box()
        assert box is not None
        stroke = [(95, 70), (190, 70), (160, 140), (130, 215)]  # a 7
        page.mouse.move(box["x"] + stroke[0][0], box["y"] + stroke[0][1])
        page.mouse.down()
        for (x0, y0), (x1, y1) in itertools.pairwise(stroke):
            for k in range(1, 11):
                page.mouse.move(
                    box["x"] + x0 + (x1 - x0) * k / 10, box["y"] + y0 + (y1 - y0) * k / 10
                )
        page.mouse.up()
        page.locator("#map").scroll_into_view_if_needed()
        hover_map(page, 0.62, 0.3)
        page.screenshot(path=str(raw), full_page=True)
        browser.close()
    shrink(raw, png_path)


def shrink(raw: Path, png_path: Path) -> None:
    with Image.open(raw) as image:
        small = image.convert("RGB").resize((1000, round(image.height * 1000 / image.width)))
    small.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(png_path, optimize=True)
    raw.unlink()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), "--presenter" in sys.argv[3:])
