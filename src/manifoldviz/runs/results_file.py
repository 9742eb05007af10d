"""A study's resumable ``results.json``: what its units were made with, and which are done.

The key of a results file names what changes what a unit would compute: the study, its
settings, the data's fingerprint, the training loop's version, the cached models' recipe, the
library versions, and whatever versions and constants the study passes (the scoreboard: its
judges, its Isomap graph, its paths' constants and the known manifolds' recipes). A folder
whose results file has another key is never resumed into (one line, naming ``out_dir``): units
made two different ways never mix in one file.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, overload

from manifoldviz.errors import InvalidInputError
from manifoldviz.models.cached import TRAINING_RECIPE
from manifoldviz.provenance import library_versions
from manifoldviz.training import loop

RESULTS = "results.json"


def settings_key(
    study: str,
    settings: Mapping[str, Any],
    data: Mapping[str, Any],
    versions: Mapping[str, int] | None = None,
) -> str:
    """What a results file's units were made with, as 16 hex digits.

    Parameters
    ----------
    study
        The study's name (``"noise-channels"``, ``"compare-paths"``, ...).
    settings
        The study's settings as plain data.
    data
        :meth:`~manifoldviz.data.sources.MnistData.describe` of the data (its fingerprint).
    versions
        The study's own versions and constants of what it computes and caches.

    Returns
    -------
    str
        A hash of the study, settings, data fingerprint, training version, model recipe and
        library versions.
    """
    described = [
        study,
        settings,
        data["fingerprint"],
        loop.TRAINING_VERSION,
        TRAINING_RECIPE,
        library_versions(),
        dict(versions or {}),
    ]
    text = json.dumps(described, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@overload
def check_out_dir(out_dir: None) -> None: ...
@overload
def check_out_dir(out_dir: str | os.PathLike[str]) -> Path: ...
def check_out_dir(out_dir: str | os.PathLike[str] | None) -> Path | None:
    """An output folder may not be an existing file (the report writer creates it if missing).

    It, or the nearest folder above it that exists, must be writable: checked now, before any
    unit runs, rather than when the first result is saved.
    """
    if out_dir is None:
        return None
    path = Path(out_dir)
    if path.exists() and not path.is_dir():
        raise InvalidInputError(f"{path} is a file; give a folder", param="out_dir")
    existing = path.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise InvalidInputError(f"{existing} is a file; cannot make {path} there", param="out_dir")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InvalidInputError(f"folder {existing} is not writable", param="out_dir")
    return path


def load_finished(folder: Path | None, study: str, key: str, field: str) -> list[dict[str, Any]]:
    """The finished units saved under ``field`` in ``folder/results.json``, for exactly ``key``.

    Parameters
    ----------
    folder
        The output folder (None: nothing to resume).
    study
        The study's name, as the file records it.
    key
        :func:`settings_key` of this run.
    field
        The list of finished units in the file (``"runs"``, ``"units"``).

    Returns
    -------
    list of dict
        The saved units (empty when there is no file).

    Raises
    ------
    InvalidInputError
        The file is not JSON, or was made by another study or with other settings, library
        versions or training.
    """
    if folder is None or not (folder / RESULTS).is_file():
        return []
    try:
        saved = json.loads((folder / RESULTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InvalidInputError(
            f"{folder / RESULTS} is not readable JSON; move it away", param="out_dir"
        ) from None
    if not isinstance(saved, dict):
        raise InvalidInputError(f"{folder / RESULTS} is not a results file", param="out_dir")
    if saved.get("experiment") != study or saved.get("settings_key") != key:
        raise InvalidInputError(
            f"{folder / RESULTS} holds a {saved.get('experiment', 'different')} run with other "
            "settings, data, training or library versions; choose another output folder or "
            "remove it",
            param="out_dir",
        )
    records = saved.get(field, [])
    return list(records) if isinstance(records, list) else []
