"""The lecture gallery: run every ``plot_NN_topic.py`` script and index what they drew.

Each script is a sphinx-gallery-style example (a titled docstring, ``# %%`` cells, library
calls only) that also runs on its own. :func:`build` runs them in worker processes that import the
libraries once (:mod:`manifoldviz_gallery.worker`; two scripts at a time on two cores or more;
a script that kills its worker is reported and the next runs in a new one), each writing into
its own folder of ``out_dir``, then writes ``index.html`` (thumbnail, title,
explanation and the exact command that reproduces each figure) and ``index.md``. A script that
fails does not stop the others; the build reports it by name with its last error line.
Scripts learn where to write and whether to be quick from :func:`script_settings`.
"""

from __future__ import annotations

import ast
import contextlib
import html
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from manifoldviz.atomic import write_bytes_atomic
from manifoldviz.errors import InvalidInputError, ManifoldvizError
from manifoldviz.progress import report_step

ENV_OUT = "MANIFOLDVIZ_GALLERY_OUT"
ENV_QUICK = "MANIFOLDVIZ_GALLERY_QUICK"
ENV_SEED = "MANIFOLDVIZ_GALLERY_SEED"
IMAGE_SUFFIXES = (".png", ".gif")
#: Scripts run at a time by default: two where there are two cores (see :func:`build`).
DEFAULT_JOBS = min(2, os.cpu_count() or 1)
#: TensorFlow's threads within one operation, read from the environment when it starts.
TF_THREADS = "TF_NUM_INTRAOP_THREADS"


def tensorflow_threads(jobs: int) -> int:
    """TensorFlow threads per worker when ``jobs`` scripts share the cores: their share.

    Two trainings side by side on two cores took 0.90 of the time with one thread apiece as
    with two apiece, which wait on each other (``bench_components.py --parts threads``). A
    model's float rounding can depend on its thread count (the last digits of a loss curve),
    so the count follows the ``jobs`` asked for, not how many scripts a build has: the same
    ``jobs`` gives the same bytes, whether a script is built alone or with all the others.
    """
    return max(1, (os.cpu_count() or 1) // jobs)


#: A script that writes this file has built the interpolation lab; the index links it first.
LAB_PAGE = "explore.html"


@dataclass(frozen=True)
class ScriptSettings:
    """What a gallery script needs to know: its output folder, quick mode, seed, data."""

    out_dir: Path
    quick: bool
    seed: int
    data: str | None


def script_settings(script: str) -> ScriptSettings:
    """Settings for the gallery script at path ``script`` (pass ``__file__``).

    Run by :func:`build` they come from the environment; run on its own, a script writes into
    ``gallery_output/<script name>/`` in full mode with seed 0 and the default MNIST source.
    """
    name = Path(script).stem
    root = Path(os.environ.get(ENV_OUT, "gallery_output"))
    out_dir = root / name
    out_dir.mkdir(parents=True, exist_ok=True)
    quick = os.environ.get(ENV_QUICK, "") not in ("", "0")
    data = os.environ.get("MANIFOLDVIZ_MNIST") or ("sample" if quick else None)
    return ScriptSettings(out_dir, quick, int(os.environ.get(ENV_SEED, "0")), data)


@dataclass(frozen=True)
class Entry:
    """One gallery script: its file, title and explanation (from its docstring)."""

    path: Path
    title: str
    explanation: str

    @property
    def name(self) -> str:
        return self.path.stem


def read_entry(path: Path) -> Entry:
    """Title (first docstring line, underline dropped) and explanation (the rest)."""
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or path.stem
    lines = [line for line in docstring.strip().splitlines()]
    title = lines[0].strip()
    body = [line for line in lines[1:] if line.strip() and set(line.strip()) - set("=-~")]
    return Entry(path, title, " ".join(line.strip() for line in body))


def default_scripts_dir() -> Path:
    """The installed gallery scripts: this package's folder (``gallery/`` in the source tree)."""
    return Path(__file__).resolve().parent


def find_scripts(scripts_dir: Path, only: tuple[str, ...] = ()) -> list[Path]:
    """``plot_*.py`` scripts in name order, optionally only those whose name contains a word."""
    scripts = sorted(scripts_dir.glob("plot_*.py"))
    if only:
        scripts = [s for s in scripts if any(word in s.stem for word in only)]
        if not scripts:
            raise InvalidInputError(f"no gallery script matches {', '.join(only)}", param="only")
    return scripts


@dataclass
class BuildReport:
    """What a build produced and what failed."""

    out_dir: Path
    built: list[Entry] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    index: list[Path] = field(default_factory=list)


def build(
    out_dir: str | os.PathLike[str],
    *,
    quick: bool = False,
    seed: int = 0,
    scripts_dir: Path | None = None,
    only: tuple[str, ...] = (),
    data: str | None = None,
    progress: Callable[[str], None] | None = None,
    jobs: int = DEFAULT_JOBS,
) -> BuildReport:
    """Run every gallery script into ``out_dir`` and write the index pages.

    ``jobs`` scripts run at a time, each in a worker of its own with its share of the cores for
    TensorFlow (:func:`tensorflow_threads`; ``TF_NUM_INTRAOP_THREADS`` set by the caller wins).
    Two on two cores beat one: much of a script is single-threaded (drawing frames and figures,
    UMAP's seeded layout, Python), and the other script's training fills the idle core. Scripts
    that need the same cached model wait for each other through the store's lock instead of
    training it twice.

    Raises
    ------
    ManifoldvizError
        After all scripts have run, if any failed (their names and reasons in the message).
    """
    if jobs < 1:
        raise InvalidInputError(f"jobs must be at least 1, got {jobs}", param="jobs")
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise InvalidInputError(f"{folder} is a file; give a folder", param="out")
    folder.mkdir(parents=True, exist_ok=True)
    scripts = find_scripts(scripts_dir or default_scripts_dir(), only)
    report = BuildReport(folder)
    env = dict(os.environ, **{ENV_OUT: str(folder.resolve()), ENV_SEED: str(seed)})
    env[ENV_QUICK] = "1" if quick else "0"
    if data:
        env["MANIFOLDVIZ_MNIST"] = data
    env.setdefault(TF_THREADS, str(tensorflow_threads(jobs)))
    entries = {script: read_entry(script) for script in scripts}
    waiting = list(scripts)
    errors: dict[Path, str | None] = {}
    lock = threading.Lock()

    def serve(worker: ScriptWorker) -> None:
        """Take the next waiting script until none is left (one thread per worker)."""
        while True:
            with lock:
                if not waiting:
                    return
                script = waiting.pop(0)
                report_step(
                    progress,
                    f"gallery: running {script.name}",
                    label="gallery",
                    done=len(errors),
                    total=len(scripts),
                    unit="figure",
                )
            started = time.perf_counter()
            try:
                error = worker.run(script)
            except Exception as exc:  # one script's trouble is reported, never raised
                error = f"{type(exc).__name__}: {exc}"
            with lock:
                errors[script] = error
                if progress and error is None:
                    seconds = time.perf_counter() - started
                    progress(f"gallery: {script.name} built in {seconds:.1f} s")
                elif progress:
                    progress(f"gallery: {script.name} FAILED: {error}")

    with contextlib.ExitStack() as stack:
        workers = [
            stack.enter_context(ScriptWorker(env, folder))
            for _ in range(max(1, min(jobs, len(scripts))))
        ]
        threads = [threading.Thread(target=serve, args=(w,), daemon=True) for w in workers]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                thread.join()
        finally:  # interrupted: nothing more is started, and the workers are stopped
            with lock:
                waiting.clear()
            for worker in workers:
                worker.stop()
    for script in scripts:  # in name order, whichever finished first
        if script in errors and errors[script] is None:
            report.built.append(entries[script])
        else:
            report.failed[script.name] = errors.get(script) or "not run"
    report_step(
        progress,
        f"gallery: {len(report.built)} of {len(scripts)} figures built",
        label="gallery",
        done=len(scripts),
        total=len(scripts),
        unit="figure",
    )
    report.index = write_index(folder, report.built, quick=quick, seed=seed)
    if report.failed:
        reasons = "; ".join(f"{name}: {why}" for name, why in report.failed.items())
        raise ManifoldvizError(f"{len(report.failed)} gallery script(s) failed: {reasons}")
    return report


class ScriptWorker:
    """A :mod:`manifoldviz_gallery.worker` process that runs scripts in turn, restarted when a
    script kills it (the error then is the last line that script wrote, or how it ended).
    Once stopped it starts no new process: a build being interrupted runs nothing more."""

    #: Seconds a worker has to finish on its own when stopped before it is terminated.
    STOP_GRACE_S = 5.0

    def __init__(self, env: dict[str, str], cwd: Path):
        self.env, self.cwd = env, cwd
        self.process: subprocess.Popen[str] | None = None
        self.stopped = False
        self.lock = threading.Lock()
        handle, name = tempfile.mkstemp(prefix="manifoldviz-gallery-", suffix=".log")
        os.close(handle)
        self.log = Path(name)

    def __enter__(self) -> ScriptWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self.log.unlink(missing_ok=True)

    def run(self, script: Path) -> str | None:
        """Run ``script``; None when it succeeded, else why not, in one line."""
        with self.lock:
            if self.stopped:
                return "not run: the build was stopped"
            process = self.process or self._start()
        assert process.stdin is not None and process.stdout is not None
        logged = self.log.stat().st_size  # what this script writes comes after
        try:
            process.stdin.write(f"{script}\n")
            process.stdin.flush()
            answer = process.stdout.readline()
        except (BrokenPipeError, ValueError):  # the worker died, or was stopped meanwhile
            answer = ""
        if answer:
            return json.loads(answer)["error"]
        code = process.wait()
        with self.lock:
            if self.process is process:
                self.process = None
        lines = [line for line in self._log_text(logged).splitlines() if line.strip()]
        if lines:
            return lines[-1]
        return f"killed by signal {-code}" if code < 0 else f"exit {code}"

    def stop(self) -> None:
        """Close the worker's input and let it end; terminate it if it does not in time."""
        with self.lock:
            self.stopped = True
            process, self.process = self.process, None
        if process is None:
            return
        assert process.stdin is not None
        with contextlib.suppress(OSError):
            process.stdin.close()
        try:
            process.wait(timeout=self.STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout=self.STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _start(self) -> subprocess.Popen[str]:
        with self.log.open("wb") as log:  # the child keeps its own handle
            self.process = subprocess.Popen(
                [sys.executable, str(Path(__file__).with_name("worker.py"))],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                env=self.env,
                cwd=self.cwd,
                text=True,
            )
        return self.process

    def _log_text(self, start: int) -> str:
        with self.log.open("rb") as log:
            log.seek(start)
            return log.read().decode("utf-8", errors="replace")


def outputs_of(folder: Path, entry: Entry) -> list[Path]:
    """The files a script wrote, in a stable order."""
    base = folder / entry.name
    return sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else []


def reproduce_command(entry: Entry, *, quick: bool, seed: int) -> str:
    flags = " --quick" if quick else ""
    return f"manifoldviz gallery --only {entry.name}{flags} --seed {seed}"


def write_index(folder: Path, entries: list[Entry], *, quick: bool, seed: int) -> list[Path]:
    """``index.html`` and ``index.md`` listing every built figure (no timestamps)."""
    cards, sections = [], []
    for entry in entries:
        files = outputs_of(folder, entry)
        # Static figures first, then their animations.
        images = sorted(
            (p for p in files if p.suffix in IMAGE_SUFFIXES),
            key=lambda p: (p.suffix != ".png", p.as_posix()),
        )
        others = [p for p in files if p.suffix not in IMAGE_SUFFIXES]
        command = reproduce_command(entry, quick=quick, seed=seed)
        figures_html = "".join(
            f'<a href="{html.escape(p.relative_to(folder).as_posix())}">'
            f'<img src="{html.escape(p.relative_to(folder).as_posix())}" '
            f'alt="{html.escape(entry.title)}: {html.escape(p.stem)}" loading="lazy"></a>'
            for p in images
        )
        links = " · ".join(
            f'<a href="{html.escape(p.relative_to(folder).as_posix())}">{html.escape(p.name)}</a>'
            for p in others
        )
        cards.append(
            f'<section id="{entry.name}"><h2>{html.escape(entry.title)}</h2>'
            f"<p>{html.escape(entry.explanation)}</p><div class=figs>{figures_html}</div>"
            f"<p class=cmd><code>{html.escape(command)}</code></p>"
            f"<p class=files>{links}</p></section>"
        )
        md_images = "\n".join(
            f"![{entry.title}: {p.stem}]({p.relative_to(folder).as_posix()})" for p in images
        )
        sections.append(
            f"## {entry.title}\n\n{entry.explanation}\n\n{md_images}\n\nReproduce: `{command}`\n"
        )
    mode = "quick build (embedded sample, fewer epochs)" if quick else "full build"
    lab_html, lab_md = "", ""
    lab = next((p for e in entries for p in outputs_of(folder, e) if p.name == LAB_PAGE), None)
    if lab is not None:
        href = lab.relative_to(folder).as_posix()
        invitation = (
            "pick any two digits, drag t, or draw your own digit, and watch both paths "
            "computed live (one page that works offline)."
        )
        lab_html = (
            f'<p class=lab><a href="{html.escape(href)}">Open the interpolation lab</a>: '
            f"{html.escape(invitation)}</p>\n"
        )
        lab_md = f"[Open the interpolation lab]({href}): {invitation}\n\n"
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>manifoldviz gallery</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1200px; margin: 2em auto;
       padding: 0 1em; font-size: 18px; line-height: 1.5; color: #111; }}
h1 {{ font-size: 2.2em; }} h2 {{ margin-top: 2em; border-bottom: 2px solid #0072B2; }}
.figs img {{ max-width: 100%; margin: 0.5em 0; border: 1px solid #ddd; }}
.cmd code {{ background: #f3f3f3; padding: 0.2em 0.4em; }}
.files {{ font-size: 0.85em; }}
.lab {{ font-size: 1.15em; background: #eef5fb; padding: 0.6em 0.9em;
        border-left: 4px solid #0072B2; }}
</style></head><body>
<h1>manifoldviz gallery</h1>
<p>Figures for chapter 5 of <em>Deep Learning with Python</em>: generalization, the manifold
hypothesis, interpolation, validation and baselines. {html.escape(mode)}, seed {seed}.
Each figure's folder holds its results file with the data source and settings.</p>
{lab_html}{"".join(cards)}
</body></html>
"""
    markdown = f"# manifoldviz gallery\n\n{mode}, seed {seed}.\n\n{lab_md}" + "\n".join(sections)
    return [
        write_bytes_atomic(folder / "index.html", page.encode("utf-8")),
        write_bytes_atomic(folder / "index.md", markdown.encode("utf-8")),
    ]
