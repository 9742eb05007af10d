"""Library versions for cache keys and results: the installed packages' own metadata."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from manifoldviz import provenance


def test_versions_are_what_importlib_metadata_reads() -> None:
    found = provenance._dist_info_versions()
    for name in provenance._VERSIONED:
        expected = metadata.version(name)
        assert found.get(provenance._normalized(name), expected) == expected, name


def test_the_first_dist_info_on_the_path_wins_and_odd_ones_are_skipped(
    tmp_path: Path, monkeypatch
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, version in ((first, "9.9.9"), (second, "1.0.0")):
        (folder / f"NumPy-{version}.dist-info").mkdir(parents=True)
        (folder / f"NumPy-{version}.dist-info" / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: numpy\nVersion: {version}\n\nVersion: 0\n"
        )
    (first / "keras-3.0.dist-info").mkdir()  # no METADATA: not taken from here
    monkeypatch.setattr("sys.path", [str(tmp_path / "missing"), str(first), str(second)])
    assert provenance._dist_info_versions() == {"numpy": "9.9.9"}


def test_a_package_without_dist_info_falls_back_to_importlib(monkeypatch) -> None:
    monkeypatch.setattr(provenance, "_dist_info_versions", lambda: {})
    provenance._read_versions.cache_clear()
    try:
        versions = provenance.library_versions()
        assert versions["numpy"] == metadata.version("numpy")
    finally:
        provenance._read_versions.cache_clear()
