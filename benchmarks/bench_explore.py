"""Time the interpolation lab: building the page, and the slider in a real browser.

Build: ``manifoldviz explore`` end to end as the console command with the models cached,
against warm ``manifoldviz interpolate 3 8`` in the same run (the same data and models, one GIF
instead of one page); also the library call alone (``explore(...).save(...)``) in-process.

Slider: the built page in headless Chromium (Debian's ``chromium`` through playwright), the
slider moved with the arrow keys; for each key the page records the time from the input
event to the end of its repaint work (both frames computed and drawn, the charts and the map
redrawn), and to the next animation frame. The reference, in the same browser, is a bare page
whose slider handler does nothing: what the browser itself costs per key. A new pair (the
evidence curves recomputed) is timed by clicking palette digits, with the straight latent path
and then with the Isomap path; for the latter the page also records the Isomap path alone
(attaching A and B to the graph, Dijkstra, encoding the chain, decoding the dense polyline and
measuring its arc length: ``lab.routeTimings``), the part that is new when A or B changes.

Usage:  python benchmarks/bench_explore.py --data ../shared/data/mnist.npz [--keys 300]
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BARE_PAGE = """<!doctype html><html><body>
<input id="t" type="range" min="0" max="1" step="0.01" value="0.5">
<canvas id="map" width="640" height="640"></canvas>
<script>
window.timings = [];
document.getElementById("t").addEventListener("input", (event) => {
  const timing = { sinceEvent: performance.now() - event.timeStamp, toFrame: null };
  window.timings.push(timing);
  requestAnimationFrame(() => { timing.toFrame = performance.now() - event.timeStamp; });
});
const map = document.getElementById("map");
window.hovers = [];
map.addEventListener("mousemove", (event) => {
  window.hovers.push({ sinceEvent: performance.now() - event.timeStamp });
});
window.lab = { loaded: true, get timings() { return window.timings; },
               get hoverTimings() { return window.hovers; } };
</script></body></html>
"""


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def sweep_slider(page: Any, n_keys: int) -> list[dict[str, float]]:
    """Press the arrow keys on the focused slider, back and forth across [0, 1]."""
    page.focus("#t")
    page.keyboard.press("Home")
    page.evaluate("window.lab.timings.length = 0")
    for k in range(n_keys):
        page.keyboard.press("ArrowRight" if (k // 100) % 2 == 0 else "ArrowLeft")
    page.wait_for_timeout(200)  # let the last animation frame land
    return list(page.evaluate("window.lab.timings.map(t => ({...t}))"))


def sweep_map(page: Any, n_moves: int) -> list[dict[str, float]]:
    """Move the mouse over the map on a spiral of points; the page's timing of each hover."""
    page.locator("#map").scroll_into_view_if_needed()
    box = page.locator("#map").bounding_box()
    page.evaluate("window.lab.hoverTimings.length = 0")
    for k in range(n_moves):
        angle, radius = 0.37 * k, 0.45 * (k + 1) / n_moves
        x = box["x"] + box["width"] * (0.5 + radius * math.cos(angle))
        y = box["y"] + box["height"] * (0.5 + radius * math.sin(angle))
        page.mouse.move(x, y)
    return list(page.evaluate("window.lab.hoverTimings.map(t => ({...t}))"))


def click_palette(page: Any, n_clicks: int) -> list[float]:
    """Click palette digits in turn (a new A, then a new B...); milliseconds per click."""
    return [
        page.evaluate(
            """k => { const thumbs = document.querySelectorAll('#palette .thumb');
            const t0 = performance.now(); thumbs[(7 * k) % thumbs.length].click();
            return performance.now() - t0; }""",
            k,
        )
        for k in range(n_clicks)
    ]


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    return f"median {statistics.median(ordered):6.2f} ms   p90 {p90:6.2f} ms   (n={len(ordered)})"


def browser_timings(lab_path: Path, bare_path: Path, n_keys: int) -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("no chromium: slider not measured")
        return
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1320, "height": 1000})
        start = time.perf_counter()
        page.goto(lab_path.as_uri())
        page.wait_for_function("window.lab && window.lab.loaded", timeout=120_000)
        print(f"page load to ready (wall):              {time.perf_counter() - start:.2f} s")
        print(f"page ready after navigation (in page):  {page.evaluate('lab.loadedAt'):.0f} ms")
        sweep_slider(page, 20)  # warm the JIT
        lab = sweep_slider(page, n_keys)
        clicks = click_palette(page, 12)
        page.check('input[name="path"][value="isomap"]')
        click_palette(page, 6)  # warm the JIT
        page.evaluate("window.lab.routeTimings.length = 0")
        isomap_clicks = click_palette(page, 40)
        routes = list(page.evaluate("window.lab.routeTimings.slice()"))
        chains = page.evaluate("window.lab.graph.n")
        sweep_map(page, 20)  # warm the JIT
        hovers = sweep_map(page, n_keys)
        models = page.evaluate("lab.page.models.map(m => m.name)")
        other = {}
        for name in models[1:]:
            page.evaluate("name => lab.page.setModel(name)", name)
            sweep_map(page, 20)
            other[name] = sweep_map(page, n_keys)
        bare = browser.new_page()
        bare.goto(bare_path.as_uri())
        sweep_slider(bare, 20)
        reference = sweep_slider(bare, n_keys)
        sweep_map(bare, 20)
        bare_hovers = sweep_map(bare, n_keys)
        browser.close()
    print(f"slider event -> repaint done (lab):     {summary([t['sinceEvent'] for t in lab])}")
    print(f"  of which the repaint work:            {summary([t['work'] for t in lab])}")
    print(f"slider event -> next frame (lab):       {summary([t['toFrame'] for t in lab])}")
    print(
        f"reference, empty handler -> handled:    {summary([t['sinceEvent'] for t in reference])}"
    )
    print(f"reference, empty handler -> next frame: {summary([t['toFrame'] for t in reference])}")
    print(f"new pair (curves recomputed):           {summary(clicks)}")
    print(f"new pair, Isomap path + curves:         {summary(isomap_clicks)}")
    print(f"  of which the Isomap path ({chains:,} digits): {summary(routes)}")
    since = {models[0]: [t["sinceEvent"] for t in hovers]}
    since.update({name: [t["sinceEvent"] for t in timings] for name, timings in other.items()})
    for name, values in since.items():
        print(f"hover -> decoded digit shown ({name}): {summary(values)}")
    print(f"  of which decode, classify, paint:     {summary([t['work'] for t in hovers])}")
    bare = [t["sinceEvent"] for t in bare_hovers]
    print(f"reference, empty hover handler:         {summary(bare)}")
    ratio = statistics.median(since[models[0]]) / max(statistics.median(bare), 1e-3)
    print(f"ratio hover / empty handler:            {ratio:.1f} (target: median under 16 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="full MNIST .npz")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--keys", type=int, default=300)
    parser.add_argument("--cache", default=None, help="model cache (default: a fresh one)")
    parser.add_argument("--models", default="dense:16,vae:2", help="the page's models")
    args = parser.parse_args()
    data = str(Path(args.data).resolve())
    exe = Path(sys.executable).with_name("manifoldviz")
    workdir = Path(tempfile.mkdtemp(prefix="mv-bench-explore-"))
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env["MANIFOLDVIZ_CACHE"] = args.cache or str(workdir / "cache")
    lab_path = workdir / "explore.html"
    explore_cmd = [
        *(str(exe), "explore", "--data", data, "--models", args.models),
        *("--out", str(lab_path), "--quiet"),
    ]
    interpolate_cmd = [
        *(str(exe), "interpolate", "3", "8", "--data", data),
        *("--out", str(workdir / "x.gif"), "--quiet"),
    ]
    try:
        timed(explore_cmd, env)  # trains the models once if the cache is cold
        built = [timed(explore_cmd, env) for _ in range(args.repeats)]
        reference = [timed(interpolate_cmd, env) for _ in range(args.repeats)]
        library = subprocess.run(
            [
                sys.executable,
                "-c",
                "import time; t = time.perf_counter()\n"
                "from manifoldviz import explore\n"
                "from manifoldviz.lab.page_models import parse_models\n"
                f"models = parse_models({args.models!r})\n"
                f"explore(3, 8, data={data!r}, models=models).save({str(workdir / 'lib.html')!r})\n"
                "print(time.perf_counter() - t)",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        print(f"cpu cores: {os.cpu_count()}")
        print(f"page size:                              {lab_path.stat().st_size / 1e6:.2f} MB")
        median_built = statistics.median(built)
        print(f"warm `manifoldviz explore`, median of {args.repeats}: {median_built:.2f} s")
        print(f"reference warm `interpolate 3 8`:       {statistics.median(reference):.2f} s")
        print(
            f"ratio explore / interpolate:            "
            f"{statistics.median(built) / statistics.median(reference):.2f}"
        )
        print(f"library import + explore() + save():    {float(library.stdout):.2f} s")
        bare_path = workdir / "bare.html"
        bare_path.write_text(BARE_PAGE)
        browser_timings(lab_path, bare_path, args.keys)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
