"""The gallery's scripts: finding them, reading their titles, and the settings they run with.

A build hands its settings to the scripts through the environment (:func:`settings_environment`)
and a script reads them back with :func:`script_settings`; run on its own, a script gets the
defaults instead.
"""

from __future__ import annotations

import ast
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from manifoldviz.errors import InvalidInputError

ENV_OUT = "MANIFOLDVIZ_GALLERY_OUT"
ENV_QUICK = "MANIFOLDVIZ_GALLERY_QUICK"
ENV_SEED = "MANIFOLDVIZ_GALLERY_SEED"
#: The MNIST source every script loads (the library's own variable, read by ``load_mnist``).
ENV_DATA = "MANIFOLDVIZ_MNIST"


@dataclass(frozen=True)
class ScriptSettings:
    """What a gallery script needs to know: its output folder, quick mode, seed, data."""

    out_dir: Path
    quick: bool
    seed: int
    data: str | None


def script_settings(script: str | None = None) -> ScriptSettings:
    """Settings for the gallery script at path ``script`` (by default the running one).

    The running script is ``sys.argv[0]``, which the gallery build, sphinx-gallery and
    ``python gallery/plot_NN_topic.py`` all set to the script's path.

    Run by :func:`~manifoldviz_gallery.build.build` they come from the environment; run on its
    own, a script writes into ``gallery_output/<script name>/`` in full mode with seed 0 and the
    default MNIST source.
    """
    name = Path(script if script is not None else sys.argv[0]).stem
    root = Path(os.environ.get(ENV_OUT, "gallery_output"))
    out_dir = root / name
    out_dir.mkdir(parents=True, exist_ok=True)
    quick = os.environ.get(ENV_QUICK, "") not in ("", "0")
    data = os.environ.get(ENV_DATA) or ("sample" if quick else None)
    return ScriptSettings(out_dir, quick, int(os.environ.get(ENV_SEED, "0")), data)


def settings_environment(
    out_dir: Path, *, quick: bool, seed: int, data: str | None
) -> dict[str, str]:
    """This process's environment with the settings :func:`script_settings` reads back."""
    env = dict(os.environ, **{ENV_OUT: str(out_dir.resolve()), ENV_SEED: str(seed)})
    env[ENV_QUICK] = "1" if quick else "0"
    if data:
        env[ENV_DATA] = data
    return env


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
