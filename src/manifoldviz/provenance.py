"""What produced an output: the library versions stamped into every cache key and results file."""

from __future__ import annotations

import functools
from importlib import metadata

_VERSIONED = ("manifoldviz", "numpy", "keras", "tensorflow", "scikit-learn")


def library_versions() -> dict[str, str]:
    """Versions that change what a cached model or result would be (read without importing)."""
    return dict(_read_versions())


def installed_version() -> str:
    """manifoldviz's own installed version ("0.0.0+unknown" when run from a source tree)."""
    return _read_versions()["manifoldviz"].replace("absent", "0.0.0+unknown")


@functools.cache
def _read_versions() -> dict[str, str]:
    # Installed metadata does not change while a process runs; reading it costs tens of ms.
    versions = {}
    for name in _VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions
