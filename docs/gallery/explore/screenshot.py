"""Take the README's screenshot of the interpolation lab with headless Chromium.

Usage:  manifoldviz explore --data ../shared/data/mnist.npz --out /tmp/explore.html
        python docs/gallery/explore/screenshot.py /tmp/explore.html docs/gallery/explore/explore.png

Debian's ``chromium`` is driven through playwright; the page is shot at 1320 px wide as it
opens (3 → 8, t = 0.5, a stroke drawn on the pad), then scaled to 1000 px and stored with a
256-colour palette to keep the PNG small.
"""

from __future__ import annotations

import itertools
import shutil
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright


def main(page_path: Path, png_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("needs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1320, "height": 1000})
        page.goto(page_path.resolve().as_uri())
        page.wait_for_function("window.lab && window.lab.loaded", timeout=120_000)
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
        page.evaluate("window.scrollTo(0, 0)")
        raw = png_path.with_suffix(".raw.png")
        page.screenshot(path=str(raw), full_page=True)
        browser.close()
    with Image.open(raw) as image:
        small = image.convert("RGB").resize((1000, round(image.height * 1000 / image.width)))
    small.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(png_path, optimize=True)
    raw.unlink()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
