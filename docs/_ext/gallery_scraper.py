"""Show what a gallery script wrote to its output folder under the code that wrote it.

The gallery scripts save their figures and animations to files (the lecturer's export,
``manifoldviz gallery``, keeps those files), so sphinx-gallery's matplotlib scraper would find
no open figure. This scraper takes, after each code block, the PNG and GIF files the block
created or changed in the script's output folder, in the order they were written, and hands
them to sphinx-gallery as the block's images (GIFs stay animated); a page it wrote (the lab) is
offered as a download, since it is a whole application rather than a picture.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from manifoldviz_gallery.scheduler import DEFAULT_JOBS, TF_THREADS, tensorflow_threads
from manifoldviz_gallery.scripts import ENV_OUT, settings_environment
from sphinx_gallery.scrapers import figure_rst

#: What a page shows; SVG and PDF copies of a PNG are left to the export.
SHOWN_SUFFIXES = (".png", ".gif")
#: What a page offers as a download.
OFFERED_SUFFIXES = (".html",)


def gallery_environment(out_dir: Path) -> dict[str, str]:
    """The environment ``manifoldviz gallery --quick`` gives its scripts, writing to ``out_dir``.

    That includes TensorFlow's thread count of a default build's workers (a model's last digits
    can depend on it), so the site shows the bytes the export writes on the same machine.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    env = settings_environment(out_dir, quick=True, seed=0, data=None)
    chosen = {key: env[key] for key in env if key.startswith("MANIFOLDVIZ_GALLERY_")}
    chosen[TF_THREADS] = os.environ.get(TF_THREADS, str(tensorflow_threads(DEFAULT_JOBS)))
    return chosen


class ClearScriptOutputs:
    """A ``reset_modules`` step: empty a script's output folder before it runs, so a page shows
    only what this build's run of the script wrote."""

    def __repr__(self) -> str:  # sphinx-gallery hashes the configuration through repr
        return "ClearScriptOutputs()"

    def __call__(self, gallery_conf: dict[str, Any], fname: str, when: str = "before") -> None:
        if when == "before":
            shutil.rmtree(Path(os.environ[ENV_OUT]) / Path(fname).stem, ignore_errors=True)


class GalleryFileScraper:
    """An image scraper (see sphinx-gallery's custom scrapers) over each script's output folder."""

    def __init__(self) -> None:
        self._seen: dict[Path, float] = {}

    def __repr__(self) -> str:  # sphinx-gallery hashes the configuration through repr
        return "GalleryFileScraper()"

    def __call__(self, block: Any, block_vars: dict[str, Any], gallery_conf: dict[str, Any]) -> str:
        out_dir = Path(os.environ[ENV_OUT]) / Path(block_vars["src_file"]).stem
        if not out_dir.is_dir():
            return ""
        fresh = []
        for path in sorted(out_dir.rglob("*"), key=lambda p: (p.stat().st_mtime_ns, p.name)):
            if path.suffix not in SHOWN_SUFFIXES + OFFERED_SUFFIXES or not path.is_file():
                continue
            stamp = path.stat().st_mtime
            if self._seen.get(path) == stamp:
                continue
            self._seen[path] = stamp
            fresh.append(path)
        shown = [path for path in fresh if path.suffix in SHOWN_SUFFIXES]
        offered = [path for path in fresh if path.suffix in OFFERED_SUFFIXES]
        image_paths = []
        for path, target in zip(shown, block_vars["image_path_iterator"], strict=False):
            target = Path(target).with_suffix(path.suffix)
            shutil.copyfile(path, target)
            image_paths.append(str(target))
        rst = figure_rst(image_paths, gallery_conf["src_dir"])
        for path in offered:
            images_dir = Path(gallery_conf["src_dir"]) / "examples" / "images"
            copy = images_dir / f"{Path(block_vars['src_file']).stem}_{path.name}"
            shutil.copyfile(path, copy)
            where = copy.relative_to(gallery_conf["src_dir"]).as_posix()
            rst += f"\n\n:download:`Download {path.name} (opens offline in a browser) </{where}>`\n"
        return rst
