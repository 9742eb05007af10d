"""What produced an output: the library versions stamped into every cache key and results file."""

from __future__ import annotations

from importlib import metadata

_VERSIONED = ("manifoldviz", "numpy", "keras", "tensorflow", "scikit-learn")


def library_versions() -> dict[str, str]:
    """Versions that change what a cached model or result would be (read without importing)."""
    versions = {}
    for name in _VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions
