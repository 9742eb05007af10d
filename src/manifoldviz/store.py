"""The on-disk cache of trained models and computed results.

An entry is a folder named ``<kind>-<key>``, where the key hashes everything that determines the
content (its spec, plus package and library versions). It is built in a temporary folder beside
its final place, its ``manifest.json`` (sizes and SHA-256 of every file) written last, and then
renamed into place in one step, so a reader sees a whole entry or none. A lock file makes two
processes asking for the same entry build it once. An entry whose files do not match their
manifest is reported and rebuilt, never loaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from manifoldviz.errors import CacheEntryError
from manifoldviz.progress import Progress, progress_or_notify
from manifoldviz.provenance import library_versions

ENV_CACHE = "MANIFOLDVIZ_CACHE"
MANIFEST = "manifest.json"


def cache_root() -> Path:
    """The cache folder: ``$MANIFOLDVIZ_CACHE``, else the per-user cache folder of this OS."""
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("manifoldviz", appauthor=False))


def cache_key(kind: str, spec: Mapping[str, Any]) -> str:
    """A stable hash of ``kind``, ``spec`` and the library versions."""
    payload = json.dumps(
        {"kind": kind, "spec": spec, "versions": library_versions()}, sort_keys=True, default=str
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True)
class Entry:
    """A complete, verified cache entry: its folder and manifest."""

    path: Path
    manifest: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.manifest["kind"])

    @property
    def info(self) -> dict[str, Any]:
        """What the builder recorded about the entry (metrics, training history...)."""
        return dict(self.manifest.get("info", {}))

    def file(self, name: str) -> Path:
        return self.path / name

    def size_bytes(self) -> int:
        return sum(int(f["size"]) for f in self.manifest["files"].values())


Builder = Callable[[Path], Mapping[str, Any] | None]


class Store:
    """Cache entries under ``root`` (default :func:`cache_root`).

    Parameters
    ----------
    root
        The cache folder.
    progress
        Receives one-line notices (a corrupt entry being rebuilt). (``notify`` is its
        deprecated old name.)
    """

    def __init__(
        self,
        root: Path | None = None,
        *,
        progress: Progress | None = None,
        notify: Progress | None = None,
    ):
        self.root = Path(root) if root is not None else cache_root()
        self.notify = progress_or_notify(progress, notify) or (lambda message: None)

    def entry_path(self, kind: str, spec: Mapping[str, Any]) -> Path:
        """Where the entry for ``spec`` lives (whether or not it exists yet).

        Parameters
        ----------
        kind, spec
            The entry's kind and what determines its contents.

        Returns
        -------
        Path
            ``root / "<kind>-<key>"``, the key a hash of kind, spec and library versions.
        """
        return self.root / f"{kind}-{cache_key(kind, spec)}"

    def get(self, kind: str, spec: Mapping[str, Any]) -> Entry | None:
        """The verified entry for ``spec``, or None (a damaged one is reported and removed).

        Parameters
        ----------
        kind, spec
            The entry's kind (``"autoencoder-dense"``...) and what determines its contents.

        Returns
        -------
        Entry or None
            The entry, its files checked against the manifest; None when there is none.
        """
        path = self.entry_path(kind, spec)
        if not path.exists():
            return None
        try:
            return verify_entry(path)
        except CacheEntryError as exc:
            self.notify(f"cache entry {path.name} is damaged ({exc}); rebuilding it")
            _remove_tree(path)
            return None

    def get_or_build(self, kind: str, spec: Mapping[str, Any], build: Builder) -> Entry:
        """Return the entry for ``spec``, building it with ``build(folder)`` if needed.

        ``build`` writes its files into the folder it is given and may return a JSON-able
        mapping stored as the manifest's ``info``. Only one process builds a given entry.

        Parameters
        ----------
        kind, spec
            The entry's kind and what determines its contents (hashed into its folder name).
        build
            ``build(folder) -> info``: writes the entry's files into ``folder``.

        Returns
        -------
        Entry
            The verified entry, built and published atomically if it was missing.
        """
        entry = self.get(kind, spec)
        if entry is not None:
            return entry
        import filelock

        self.root.mkdir(parents=True, exist_ok=True)
        final = self.entry_path(kind, spec)
        with filelock.FileLock(str(self.root / f".{final.name}.lock")):
            entry = self.get(kind, spec)  # another process may have built it meanwhile
            if entry is not None:
                return entry
            staging = Path(tempfile.mkdtemp(dir=self.root, prefix=f".{final.name}.building-"))
            try:
                info = build(staging) or {}
                manifest = {
                    "kind": kind,
                    "key": final.name.rsplit("-", 1)[1],
                    "spec": dict(spec),
                    "versions": library_versions(),
                    "info": dict(info),
                    "files": _describe_files(staging),
                }
                with open(staging / MANIFEST, "w", encoding="utf-8") as handle:
                    json.dump(manifest, handle, indent=2, sort_keys=True, default=str)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.rename(staging, final)
            except BaseException:
                _remove_tree(staging)
                raise
        return verify_entry(final)

    def entries(self) -> list[Entry | Path]:
        """Every entry folder: an :class:`Entry` when it verifies, else its bare path.

        Returns
        -------
        list of Entry or Path
            In name order; a bare path marks a damaged entry.
        """
        if not self.root.is_dir():
            return []
        found: list[Entry | Path] = []
        for path in sorted(self.root.iterdir()):
            if path.name.startswith(".") or not path.is_dir() or path.name == "data":
                continue
            try:
                found.append(verify_entry(path))
            except CacheEntryError:
                found.append(path)
        return found

    def clear(self) -> int:
        """Remove every entry, leftover staging folder and lock.

        Returns
        -------
        int
            How many entries were removed.
        """
        if not self.root.is_dir():
            return 0
        removed = 0
        for path in self.root.iterdir():
            if path.is_dir():
                removed += not path.name.startswith(".") and path.name != "data"
                _remove_tree(path)
            else:
                path.unlink(missing_ok=True)
        return removed


def verify_entry(path: Path) -> Entry:
    """Read an entry's manifest and check every file's size and hash against it."""
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
        manifest["kind"]
    except FileNotFoundError:
        raise CacheEntryError("no manifest") from None
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise CacheEntryError(f"unreadable manifest: {exc}") from None
    for name, expected in files.items():
        file = path / name
        if not file.is_file():
            raise CacheEntryError(f"{name} is missing")
        if file.stat().st_size != expected["size"]:
            raise CacheEntryError(f"{name} is truncated")
        if _sha256(file) != expected["sha256"]:
            raise CacheEntryError(f"{name} does not match its checksum")
    return Entry(path, manifest)


def _describe_files(folder: Path) -> dict[str, dict[str, Any]]:
    return {
        file.name: {"size": file.stat().st_size, "sha256": _sha256(file)}
        for file in sorted(folder.iterdir())
        if file.is_file() and file.name != MANIFEST
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _remove_tree(path: Path) -> None:
    """Move aside first, so the entry's name is free at once even if deletion is slow."""
    if not path.exists():
        return
    doomed = path.with_name(f".{path.name}.removing-{os.getpid()}")
    try:
        os.rename(path, doomed)
    except OSError:
        doomed = path
    shutil.rmtree(doomed, ignore_errors=True)
