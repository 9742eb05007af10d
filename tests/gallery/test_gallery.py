"""The gallery: script format, a real quick build, the page in a real browser.

The chapter notebook is executed by the documentation build (``tests/docs/test_site.py``)."""

from __future__ import annotations

import ast
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from manifoldviz_gallery.build import build, default_scripts_dir, find_scripts, read_entry

from manifoldviz.errors import InvalidInputError, ManifoldvizError

SCRIPTS = find_scripts(default_scripts_dir())
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_scripts_follow_the_gallery_format(script: Path) -> None:
    source = script.read_text()
    entry = read_entry(script)
    sentences = len(re.findall(r"[.!?](?:\s|$)", entry.explanation))
    assert entry.title and 2 <= sentences <= 4 and "# %%" in source
    imported = {
        node.module.split(".")[0]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module
    }
    # the library, plus the gallery's own settings helper
    assert imported <= {"manifoldviz", "manifoldviz_gallery", "dataclasses"}, imported


def test_gallery_covers_the_chapter() -> None:
    names = " ".join(s.stem for s in SCRIPTS)
    for topic in (
        "overfitting",
        "noise_channels",
        "shuffled_labels",
        "interpolation",
        "fitmorph",
        "representation_trajectory",
        "weight_trajectory",
        "validation_protocols",
        "baselines",
        "intrinsic_dimension",
    ):
        assert topic in names


def test_a_broken_script_is_named_after_the_others_ran(tmp_path: Path) -> None:
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "plot_01_fine.py").write_text(
        '"""\nFine\n====\n\nWorks. Really.\n"""\n'
        "from manifoldviz_gallery.build import script_settings\n"
        "s = script_settings(__file__)\n(s.out_dir / 'a.png').write_bytes(b'x')\n"
    )
    (scripts / "plot_02_broken.py").write_text(
        '"""\nBroken\n======\n\nFails."""\nraise RuntimeError(\'no luck\')\n'
    )
    with pytest.raises(
        ManifoldvizError, match=re.escape("plot_02_broken.py: RuntimeError: no luck")
    ):
        build(tmp_path / "out", scripts_dir=scripts, quick=True)
    index = (tmp_path / "out" / "index.html").read_text()
    assert "Fine" in index and "Broken" not in index


def test_a_script_that_kills_its_worker_is_named_and_the_next_still_runs(tmp_path: Path) -> None:
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    header = '"""\nA script\n========\n\nFor the worker."""\nimport os, signal, sys\n'
    (scripts / "plot_01_talks.py").write_text(
        header + "print('epoch 1/1 loss 0.1', file=sys.stderr, flush=True)\n"
    )
    (scripts / "plot_02_killed.py").write_text(header + "os.kill(os.getpid(), signal.SIGKILL)\n")
    (scripts / "plot_03_dies.py").write_text(
        header + "print('state lost', file=sys.stderr, flush=True)\nos._exit(3)\n"
    )
    (scripts / "plot_04_fine.py").write_text(
        header + "from manifoldviz_gallery.build import script_settings\n"
        "s = script_settings(__file__)\n(s.out_dir / 'pid.txt').write_text(str(os.getpid()))\n"
    )
    with pytest.raises(ManifoldvizError) as failed:
        build(tmp_path / "out", scripts_dir=scripts, quick=True, jobs=1)
    # Each death is told by what that script left, never by an earlier script's output.
    assert "plot_02_killed.py: killed by signal 9" in str(failed.value)
    assert "plot_03_dies.py: state lost" in str(failed.value)
    assert "plot_01" not in str(failed.value)
    assert (tmp_path / "out" / "plot_04_fine" / "pid.txt").is_file()


def test_a_stopped_worker_starts_nothing(tmp_path: Path) -> None:
    from manifoldviz_gallery.build import ScriptWorker

    script = tmp_path / "plot_01_never.py"
    script.write_text("open('ran', 'w').close()\n")
    with ScriptWorker(dict(os.environ), tmp_path) as worker:
        worker.stop()  # what an interrupted build does before the next script is taken
        assert worker.run(script) == "not run: the build was stopped"
    assert not (tmp_path / "ran").exists()


def test_scripts_share_one_worker_and_start_as_in_a_fresh_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TF_NUM_INTRAOP_THREADS", raising=False)
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    for number in (1, 2):
        (scripts / f"plot_0{number}_state.py").write_text(
            f'"""\nState {number}\n=======\n\nWhat a script sees."""\n'
            "import json, os, sys\nimport keras\n"
            "from manifoldviz_gallery.build import script_settings\n"
            "s = script_settings(__file__)\n"
            "seen = {'pid': os.getpid(), 'layer': keras.layers.Dense(1).name, 'cwd': os.getcwd(),\n"
            "        'here': sys.path[0], 'main': __name__,\n"
            "        'threads': os.environ.get('TF_NUM_INTRAOP_THREADS')}\n"
            "(s.out_dir / 'seen.json').write_text(json.dumps(seen))\n"
            "os.chdir('/')\n"
        )
    build(tmp_path / "out", scripts_dir=scripts, quick=True, jobs=1)
    first, second = (
        json.loads((tmp_path / "out" / f"plot_0{n}_state" / "seen.json").read_text())
        for n in (1, 2)
    )
    assert first["pid"] == second["pid"]  # one process: the libraries are imported once
    for seen in (first, second):
        assert seen["layer"] == "dense"  # Keras's names restart, as in a new process
        assert seen["cwd"] == str((tmp_path / "out").resolve())  # the first one's chdir undone
        assert seen["here"] == str(scripts.resolve()) and seen["main"] == "__main__"
        assert seen["threads"] == str(os.cpu_count() or 1)  # one job: every core for TensorFlow


def test_two_jobs_run_two_scripts_at_once_and_list_them_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TF_NUM_INTRAOP_THREADS", raising=False)
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    for number, other in ((1, 2), (2, 1)):
        # Each script waits (up to a minute) for the other to have started: only two at once
        # can both finish quickly.
        (scripts / f"plot_0{number}_meet.py").write_text(
            f'"""\nMeet {number}\n======\n\nWaits for the other."""\n'
            "import time\nfrom pathlib import Path\n"
            "from manifoldviz_gallery.build import script_settings\n"
            "s = script_settings(__file__)\n"
            "import os\n"
            "(s.out_dir / 'started').write_text(os.environ['TF_NUM_INTRAOP_THREADS'])\n"
            f"other = s.out_dir.parent / 'plot_0{other}_meet' / 'started'\n"
            "deadline = time.time() + 60\n"
            "while not other.exists() and time.time() < deadline:\n    time.sleep(0.05)\n"
            "assert other.exists(), 'ran alone'\n"
        )
    said: list[str] = []
    report = build(tmp_path / "out", scripts_dir=scripts, quick=True, jobs=2, progress=said.append)
    assert [entry.name for entry in report.built] == ["plot_01_meet", "plot_02_meet"]
    threads = (tmp_path / "out" / "plot_01_meet" / "started").read_text()
    assert threads == str(max(1, (os.cpu_count() or 1) // 2))  # the cores shared out
    for name in ("plot_01_meet", "plot_02_meet"):  # each script's own time, for logs and benches
        assert any(re.fullmatch(rf"gallery: {name}\.py built in [0-9.]+ s", m) for m in said)
    with pytest.raises(InvalidInputError, match="jobs"):
        build(tmp_path / "out", scripts_dir=scripts, jobs=0)


class _Images(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "img":
            self.sources.append(dict(attrs)["src"])


@pytest.fixture(scope="module")
def quick_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gallery")
    report = build(out, quick=True, only=("interpolation", "fitmorph", "baselines"))
    assert len(report.built) == 3
    return out


@pytest.mark.slow
def test_quick_build_writes_figures_and_index(quick_build: Path) -> None:
    parser = _Images()
    parser.feed((quick_build / "index.html").read_text())
    assert len(parser.sources) >= 6
    assert all((quick_build / src).is_file() for src in parser.sources)
    assert any(src.endswith(".gif") for src in parser.sources)
    markdown = (quick_build / "index.md").read_text()
    assert "manifoldviz gallery --only plot_04_interpolation --quick --seed 0" in markdown


@pytest.mark.slow
def test_rebuild_gives_the_same_bytes(quick_build: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build(again, quick=True, only=("interpolation", "fitmorph", "baselines"))
    for path in sorted(p for p in quick_build.rglob("*") if p.is_file()):
        twin = again / path.relative_to(quick_build)
        assert twin.read_bytes() == path.read_bytes(), path.relative_to(quick_build)


@pytest.mark.slow
def test_a_script_built_alone_gives_the_bytes_it_gave_after_others(
    quick_build: Path, tmp_path: Path
) -> None:
    alone = tmp_path / "alone"
    build(alone, quick=True, only=("baselines",))
    files = sorted(p for p in (quick_build / "plot_09_baselines").rglob("*") if p.is_file())
    assert files
    for path in files:
        twin = alone / path.relative_to(quick_build)
        assert twin.read_bytes() == path.read_bytes(), path.relative_to(quick_build)


CHECK = """
<script>
window.__errors = [];
window.addEventListener('error', e => window.__errors.push(String(e.message || e.type)), true);
const _error = console.error;
console.error = (...args) => { window.__errors.push(args.join(' ')); _error(...args); };
window.addEventListener('load', () => {
  const broken = [...document.images].filter(i => !(i.complete && i.naturalWidth > 0));
  const out = document.createElement('pre');
  out.id = 'check';
  out.textContent = JSON.stringify({images: document.images.length,
    broken: broken.map(i => i.src), errors: window.__errors});
  document.body.appendChild(out);
});
</script>
"""


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (installed by .ci/run)")
def test_page_loads_in_a_real_browser(quick_build: Path, tmp_path: Path) -> None:
    import json

    page = (quick_build / "index.html").read_text()
    page = page.replace('loading="lazy"', "").replace("<head>", "<head>" + CHECK, 1)
    checked = quick_build / "check.html"
    checked.write_text(page)
    common = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--allow-file-access-from-files",
        "--virtual-time-budget=15000",
    ]
    dom = subprocess.run(
        [*common, "--dump-dom", checked.as_uri()], capture_output=True, text=True, timeout=120
    ).stdout
    found = re.search(r'<pre id="check">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    result = json.loads(html.unescape(found.group(1)))
    assert result["images"] >= 6 and result["broken"] == [] and result["errors"] == []
    shot = quick_build / "screenshot.png"
    subprocess.run(
        [
            *common,
            f"--screenshot={shot}",
            "--window-size=1300,2400",
            (quick_build / "index.html").as_uri(),
        ],
        capture_output=True,
        timeout=120,
    )
    from PIL import Image

    with Image.open(shot) as image:
        assert image.size == (1300, 2400)
        colours = image.convert("RGB").getcolors(1 << 20) or []
    assert len(colours) > 100  # figures rendered, not an empty or error page


def test_script_runs_on_its_own(tmp_path: Path) -> None:
    script = next(s for s in SCRIPTS if "fitmorph" in s.stem)
    env = dict(os.environ, MANIFOLDVIZ_GALLERY_QUICK="1", MANIFOLDVIZ_GALLERY_OUT=str(tmp_path))
    source = script.read_text().replace("n_epochs=400 if settings.quick", "n_epochs=30 if True")
    standalone = tmp_path / script.name
    standalone.write_text(source)
    subprocess.run([sys.executable, str(standalone)], env=env, check=True, capture_output=True)
    from PIL import Image

    with Image.open(tmp_path / script.stem / "fitmorph.png") as image:
        assert image.size[0] > 1500 and image.size[1] > 900  # the six-panel lecture figure
    with Image.open(tmp_path / script.stem / "fitmorph.gif") as gif:
        assert gif.n_frames > 2 and gif.info["loop"] == 0
