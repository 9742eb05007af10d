"""Checks on where a figure or animation will be written, made before any work is done.

A wrong suffix, a missing folder or a folder where a file is wanted is reported as one line
naming the option, before a model is trained or TensorFlow imported.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from manifoldviz.errors import InvalidInputError

ANIMATION_SUFFIXES = (".gif", ".mp4")
FIGURE_SUFFIXES = (".png", ".svg", ".pdf")


def check_animation_path(path: str | os.PathLike[str], *, param: str = "out") -> Path:
    """Reject an animation path we cannot write (unknown format, missing folder, a folder)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in ANIMATION_SUFFIXES:
        raise InvalidInputError(
            f"{path}: animations are written as {' or '.join(ANIMATION_SUFFIXES)}", param=param
        )
    if suffix == ".mp4" and importlib.util.find_spec("imageio_ffmpeg") is None:
        raise InvalidInputError(
            f"{path}: .mp4 needs imageio-ffmpeg (pip install imageio-ffmpeg)", param=param
        )
    check_output_path(path, param=param)
    return path


def check_output_path(path: str | os.PathLike[str], *, param: str = "out") -> Path:
    """An output file path must not be a folder and its folder must exist and be writable."""
    path = Path(path)
    if path.is_dir():
        raise InvalidInputError(f"{path} is a folder; give a file name", param=param)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidInputError(f"folder {folder} does not exist", param=param)
    if not os.access(folder, os.W_OK):
        raise InvalidInputError(f"folder {folder} is not writable", param=param)
    return path


def check_figure_path(path: str | os.PathLike[str], *, param: str) -> Path:
    """A figure path must end in .png, .svg or .pdf and be writable."""
    path = Path(path)
    if path.suffix.lower() not in FIGURE_SUFFIXES:
        raise InvalidInputError(
            f"{path}: figures are written as {', '.join(FIGURE_SUFFIXES)}", param=param
        )
    return check_output_path(path, param=param)
