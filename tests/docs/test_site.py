"""The documentation site: built offline with warnings as errors, then read in a real browser."""

from __future__ import annotations

import functools
import http.server
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
#: The pages a newcomer opens first: the front page, an API page, the CLI, two examples.
PAGES = (
    "index.html",
    "getting-started.html",
    "api/generated/manifoldviz.interpolate.html",
    "cli.html",
    "examples/index.html",
    "examples/plot_04_interpolation.html",
    "examples/plot_15_five_ways.html",
    "notebooks/chapter5.html",
)

#: The Makefile's command: nitpicky, warnings are errors, every warning reported before failing.
SPHINX_BUILD = (sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n", "-q")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as ``make -C docs html`` builds it (nitpicky, warnings are errors)."""
    pytest.importorskip("sphinx_gallery")
    out = tmp_path_factory.mktemp("site")
    built = subprocess.run(
        [*SPHINX_BUILD, str(DOCS), str(out)],
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert built.returncode == 0, (built.stdout + built.stderr)[-6000:]
    return out


def test_every_page_named_exists_and_nothing_is_fetched_from_outside(site: Path) -> None:
    for name in PAGES:
        assert (site / name).is_file(), name
    for page in site.rglob("*.html"):
        source = page.read_text(encoding="utf-8")
        external = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?://[^"]+)"', source)
        assert external == [], (page.relative_to(site), external)


def test_gallery_examples_carry_code_figures_downloads_and_run_times(site: Path) -> None:
    page = (site / "examples/plot_04_interpolation.html").read_text(encoding="utf-8")
    assert 'class="highlight-Python' in page and "Total running time of the script" in page
    # the code calls the API, and each name it calls links to its reference page
    assert re.search(r"interpolate</span>(</a>)?\s*<span[^>]*>\(", page)
    assert 'href="../api/generated/manifoldviz.interpolate.html' in page
    assert re.search(r"<img[^>]+sphx_glr_plot_04_interpolation_\d+\.gif", page)
    for download in re.findall(r'href="(\.\./_downloads/[^"]+\.(?:py|ipynb|zip))"', page):
        assert (site / "examples" / download).resolve().is_file(), download
    assert len(re.findall(r"\.\./_downloads/[^\"]+\.(py|ipynb)\"", page)) >= 2
    index = (site / "examples/index.html").read_text(encoding="utf-8")
    assert index.count("sphx-glr-thumbcontainer") >= 15


def test_no_example_takes_over_a_minute_in_quick_mode(site: Path) -> None:
    pages = sorted((site / "examples").glob("plot_*.html"))
    assert len(pages) >= 15
    for page in pages:
        found = re.search(
            r"Total running time of the script:\s*\(\s*(\d+) minutes\s*([\d.]+) seconds\)",
            re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")),
        )
        assert found, page.name
        assert 60 * int(found.group(1)) + float(found.group(2)) < 60, page.name


def test_api_pages_link_back_to_the_examples_that_use_them(site: Path) -> None:
    page = (site / "api/generated/manifoldviz.interpolate.html").read_text(encoding="utf-8")
    assert "Examples using" in page and "plot_04_interpolation.html" in page


def test_cli_reference_is_the_commands_own_help(site: Path) -> None:
    from click.testing import CliRunner

    from manifoldviz_cli.main import cli

    page = (site / "cli.html").read_text(encoding="utf-8")
    help_text = CliRunner().invoke(cli, ["compare-paths", "--help"]).output
    for option in re.findall(r"(--[a-z][a-z-]+)", help_text):
        assert option in page, option


def test_the_notebook_is_rendered_executed(site: Path) -> None:
    # myst-nb runs gallery/chapter5.ipynb top to bottom and fails the build on any error
    page = (site / "notebooks/chapter5.html").read_text(encoding="utf-8")
    assert "best epoch:" in page and "data:image/gif" in page


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static file handler that keeps the test output clean."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    """A page closed mid-download (search fetches excerpts) is not an error of the site."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """The site on a local static server, as any static host serves it (search needs http)."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    thread.join()


def visit(browser: Any, url: str) -> tuple[Any, list[str], list[str]]:
    """Open ``url``; the page, its console errors and every request it made."""
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url, wait_until="load")
    return page, errors, requests


@pytest.mark.parametrize("name", PAGES)
def test_page_opens_with_every_image_and_no_error(served: str, browser: Any, name: str) -> None:
    page, errors, requests = visit(browser, served + name)
    page.evaluate("() => document.querySelectorAll('img').forEach(i => i.loading = 'eager')")
    page.wait_for_function("[...document.images].every(i => i.complete)", timeout=30_000)
    broken = page.evaluate("[...document.images].filter(i => i.naturalWidth === 0).map(i => i.src)")
    page.close()
    assert broken == [] and errors == []
    assert [url for url in requests if not url.startswith((served, "data:"))] == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [("interpolate", "manifoldviz.interpolate.html"), ("compare-paths", "cli.html")],
)
def test_search_finds_the_api_and_the_command(
    served: str, browser: Any, query: str, expected: str
) -> None:
    page, errors, requests = visit(browser, f"{served}search.html?q={query}")
    page.wait_for_selector("#search-results li a", timeout=30_000)
    links = page.evaluate("[...document.querySelectorAll('#search-results li a')].map(a => a.href)")
    page.close()
    assert any(expected in link for link in links), links
    assert errors == []
    assert [url for url in requests if not url.startswith((served, "data:"))] == []
