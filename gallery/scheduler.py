"""Running gallery scripts in worker processes, ``jobs`` at a time.

Each :class:`ScriptWorker` drives one :mod:`manifoldviz_gallery.worker` process, which imports
the libraries once and runs scripts in turn; :func:`run_scripts` hands the waiting scripts to
the workers, one thread per worker, and collects what became of each.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from manifoldviz.progress import report_step

#: Scripts run at a time by default: two where there are two cores (see
#: :func:`~manifoldviz_gallery.build.build`).
DEFAULT_JOBS = min(2, os.cpu_count() or 1)
#: TensorFlow's threads within one operation, read from the environment when it starts.
TF_THREADS = "TF_NUM_INTRAOP_THREADS"


def tensorflow_threads(jobs: int) -> int:
    """TensorFlow threads per worker when ``jobs`` scripts share the cores: their share.

    Two trainings side by side on two cores finish sooner with one thread apiece than with two
    apiece, which wait on each other (``bench_training.py --parts threads``). A model's float
    rounding can depend on its thread count (the last digits of a loss curve), so the count
    follows the ``jobs`` asked for, not how many scripts a build has: the same ``jobs`` gives
    the same bytes, whether a script is built alone or with all the others.
    """
    return max(1, (os.cpu_count() or 1) // jobs)


def run_scripts(
    scripts: list[Path],
    *,
    env: dict[str, str],
    cwd: Path,
    jobs: int,
    progress: Callable[[str], None] | None = None,
) -> dict[Path, str | None]:
    """Run ``scripts`` in ``jobs`` workers (fewer if there are fewer scripts) and say how each
    went: None when it succeeded, else why not in one line. A script missing from the answer
    never ran (the build was interrupted); one script's trouble never stops the others."""
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
            stack.enter_context(ScriptWorker(env, cwd))
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
    return errors


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
