"""Run gallery scripts one after another in one process: TensorFlow, Keras, matplotlib and the
data are imported and read once per build instead of once per script (7 s each on 2 cores).

:func:`manifoldviz_gallery.build.build` starts this as a child process and writes one script
path per line to its standard input; for each, the worker runs the script as ``__main__`` (as
``python script.py`` would), then answers one JSON line on its standard output: ``{"ok": true}``
or ``{"ok": false, "error": "<the exception's last line>"}``. What scripts print goes to the
worker's standard error, never into the answers. Between scripts the worker puts back what a
script could leave behind (Keras's session and names, kept models, open figures, working
folder, module search path), so every script starts as it would in a fresh process and draws
the same bytes: tested against a script built on its own.
"""

from __future__ import annotations

import gc
import json
import os
import runpy
import sys
from pathlib import Path
from typing import IO


def run_script(path: str) -> str | None:
    """Run one script as ``__main__``; None when it succeeded, else its error's last line."""
    saved_path, saved_argv, saved_cwd = list(sys.path), list(sys.argv), os.getcwd()
    sys.path.insert(0, str(Path(path).resolve().parent))
    sys.argv = [path]
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as exit_:
        if exit_.code not in (None, 0):
            return f"exit {exit_.code}"
    except BaseException as exc:  # a script's failure is reported, the next still runs
        if isinstance(exc, KeyboardInterrupt):
            raise
        lines = str(exc).strip().splitlines()
        return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    finally:
        sys.path[:], sys.argv = saved_path, saved_argv
        os.chdir(saved_cwd)
        reset()
    return None


def reset() -> None:
    """Put back the process-wide state a script can change, as a fresh process has it."""
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    if "manifoldviz.training.pool" in sys.modules:
        sys.modules["manifoldviz.training.pool"].forget()
    if "keras" in sys.modules:  # layer names restart at dense, dense_1, ... as in a new process
        sys.modules["keras"].backend.clear_session()
    gc.collect()


def serve(requests: IO[str], answers: IO[str]) -> None:
    """Answer every script path read from ``requests`` until it closes."""
    for line in requests:
        path = line.strip()
        if path:
            error = run_script(path)
            answers.write(json.dumps({"ok": error is None, "error": error}) + "\n")
            answers.flush()


def main() -> None:
    # Answers go on the real standard output; anything a script prints, from Python or from
    # native code, goes to standard error with the rest of the log.
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    serve(sys.stdin, answers)


if __name__ == "__main__":
    main()
