"""What produced an output: the library versions stamped into every cache key and results file."""

from __future__ import annotations

import functools
import os
import re
import sys

_VERSIONED = ("manifoldviz", "numpy", "keras", "tensorflow", "scikit-learn")


def library_versions() -> dict[str, str]:
    """Versions that change what a cached model or result would be (read without importing)."""
    return dict(_read_versions())


def installed_version() -> str:
    """manifoldviz's own installed version ("0.0.0+unknown" when run from a source tree)."""
    return _read_versions()["manifoldviz"].replace("absent", "0.0.0+unknown")


@functools.cache
def _read_versions() -> dict[str, str]:
    # Installed metadata does not change while a process runs. The packages' own METADATA files
    # are found in one listing per sys.path folder; importlib.metadata (its import and one path
    # search per package) cost a warm run more than the listing; it stays the fallback for
    # other layouts.
    found = _dist_info_versions()
    versions = {}
    for name in _VERSIONED:
        version = found.get(_normalized(name))
        versions[name] = version if version is not None else _metadata_version(name)
    return versions


def _normalized(name: str) -> str:
    """A distribution name as the packaging specifications compare them."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _dist_info_versions() -> dict[str, str]:
    """Version of each wanted distribution from the first ``*.dist-info`` along ``sys.path``
    that names it, read from its METADATA (as importlib.metadata reads it)."""
    wanted = {_normalized(name) for name in _VERSIONED}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in names:
            if not entry.endswith(".dist-info"):
                continue
            name = _normalized(entry[: -len(".dist-info")].rsplit("-", 1)[0])
            if name in wanted and name not in found:
                version = _metadata_field(os.path.join(folder or ".", entry, "METADATA"))
                if version is not None:
                    found[name] = version
    return found


def _metadata_field(path: str) -> str | None:
    """The ``Version:`` header of a METADATA file, or None when it cannot be read."""
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("Version:"):
                    return line.split(":", 1)[1].strip()
                if not line.strip():  # the headers end at the first blank line
                    return None
    except OSError:
        return None
    return None


def _metadata_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"
