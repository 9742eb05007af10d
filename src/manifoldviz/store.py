"""The on-disk cache of trained models and computed results.

An entry is a folder named ``<kind>-<key>``, where the key hashes everything that determines the
content (its spec, plus package and library versions). It is built in a temporary folder beside
its final place, its ``manifest.json`` (sizes and SHA-256 of every file) written last, and then
renamed into place in one step, so a reader sees a whole entry or none. A lock file makes two
processes asking for the same entry build it once. An entry whose files do not match their
manifest is reported and rebuilt, never loaded.

Hashing every file on every load would cost a warm run tens of milliseconds, so once an entry has
been hashed whole, a stamp beside its files records each file's size, inode and modification and
change times; later loads hash again only when one of these differs. Any write to a file changes
them (restoring a modification time by hand changes the change time), so what the stamp lets
through unhashed is damage that no write made: bit rot on the disk, or a file system that keeps
no change times (FAT, exFAT).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from manifoldviz.errors import CacheEntryError, ManifoldvizError
from manifoldviz.progress import Progress
from manifoldviz.provenance import library_versions

ENV_CACHE = "MANIFOLDVIZ_CACHE"
MANIFEST = "manifest.json"
#: The record of the files' metadata when the entry was last hashed whole.
STAMP = ".verified.json"
#: A file changed less than this many seconds before hashing is not stamped: a later write in
#: the same tick of a coarse file-system clock would leave its times unchanged.
STAMP_SETTLE_S = 2.0
#: Seconds to wait for another process's build before saying that we are waiting for it.
WAIT_NOTICE_S = 2.0


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
    """Cache entries under ``root`` (default :func:`~manifoldviz.store.cache_root`).

    Parameters
    ----------
    root
        The cache folder.
    progress
        Receives one-line notices (a corrupt entry being rebuilt).
    """

    def __init__(
        self,
        root: Path | None = None,
        *,
        progress: Progress | None = None,
    ):
        self.root = Path(root) if root is not None else cache_root()
        self.notify = progress or (lambda message: None)

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
        entry = self._verified(path)
        if entry is not None or not path.exists():
            return entry
        with self._locked(path):  # only the lock holder may remove an entry
            return self._get_locked(path)

    def _verified(self, path: Path) -> Entry | None:
        """The entry at ``path`` if it is whole; None if missing or damaged (nothing removed)."""
        try:
            return verify_entry(path) if path.exists() else None
        except CacheEntryError:
            return None

    def _get_locked(self, path: Path) -> Entry | None:
        """Like :meth:`get`, holding the entry's lock: a damaged entry is reported and removed."""
        if not path.exists():
            return None
        try:
            return verify_entry(path)
        except CacheEntryError as exc:
            self.notify(f"cache entry {path.name} is damaged ({exc}); rebuilding it")
            _remove_tree(path)
            return None

    @contextlib.contextmanager
    def _locked(self, final: Path) -> Iterator[None]:
        """Hold the entry's lock (saying so if another process has it), then sweep leftovers.

        The lock is an OS file lock, released by the kernel when its process dies, so a build
        killed half way never blocks the next one. Staging and removal folders of this entry
        that a killed process left behind are removed here, where nobody else can be using them.
        """
        import filelock

        try:
            self.root.mkdir(parents=True, exist_ok=True)
            lock = filelock.FileLock(str(self.root / f".{final.name}.lock"))
            try:
                lock.acquire(timeout=WAIT_NOTICE_S)
            except filelock.Timeout:
                self.notify(f"another process is building {final.name}; waiting for it")
                lock.acquire()
        except OSError as exc:
            raise _unwritable(self.root, exc) from None
        try:
            for leftover in self.root.glob(f".{final.name}.*-*"):
                if leftover.is_dir():
                    shutil.rmtree(leftover, ignore_errors=True)
            yield
        finally:
            lock.release()

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
        final = self.entry_path(kind, spec)
        entry = self._verified(final)
        if entry is not None:
            return entry
        with self._locked(final):
            entry = self._get_locked(final)  # another process may have built it meanwhile
            if entry is not None:
                return entry
            try:
                staging = Path(tempfile.mkdtemp(dir=self.root, prefix=f".{final.name}.building-"))
            except OSError as exc:
                raise _unwritable(self.root, exc) from None
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
                _fsync_folder(self.root)
            except OSError as exc:
                _remove_tree(staging)
                if exc.errno == errno.ENOSPC:
                    # Name the cache folder, not a file in a staging folder that is now gone.
                    raise OSError(errno.ENOSPC, exc.strerror, str(self.root)) from None
                raise
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
    """Read an entry's manifest and check every file's size and hash against it (the hashes
    only when the files' metadata differ from the stamp of the last whole check).

    Parameters
    ----------
    path
        The entry's folder.

    Returns
    -------
    Entry
        The entry, when every file listed matches its size and SHA-256.

    Raises
    ------
    CacheEntryError
        One line saying what is missing, truncated or altered.
    """
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
        manifest["kind"]
        listed = [(str(name), int(f["size"]), str(f["sha256"])) for name, f in files.items()]
    except FileNotFoundError:
        raise CacheEntryError("no manifest") from None
    except (ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise CacheEntryError(f"unreadable manifest ({type(exc).__name__})") from None
    for name, _, _ in listed:
        if Path(name).name != name or name in ("", ".", ".."):
            raise CacheEntryError(f"manifest names {name!r}, not a file of the entry")
    seen = _file_stats(path, [MANIFEST, *(name for name, _, _ in listed)])
    if seen is not None and _read_stamp(path) == seen:
        return Entry(path, manifest)
    for name, size, sha256 in listed:
        file = path / name
        try:
            if not file.is_file():
                raise CacheEntryError(f"{name} is missing")
            actual = file.stat().st_size
            if actual != size:
                what = "truncated" if actual < size else f"{actual - size} bytes too long"
                raise CacheEntryError(f"{name} is {what}")
            if _sha256(file) != sha256:
                raise CacheEntryError(f"{name} does not match its checksum")
        except OSError as exc:
            raise CacheEntryError(f"{name} is unreadable ({exc.strerror})") from None
    if seen is not None:
        _write_stamp(path, seen)
    return Entry(path, manifest)


def _file_stats(folder: Path, names: list[str]) -> dict[str, list[int]] | None:
    """Size, inode, modification and change times of each file; None if one is missing."""
    try:
        stats = {name: os.stat(folder / name) for name in names}
    except OSError:
        return None
    return {
        name: [st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns] for name, st in stats.items()
    }


def _read_stamp(folder: Path) -> dict[str, list[int]] | None:
    """The stamp of the entry's last whole hash, or None when there is none readable."""
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) else None


def _write_stamp(folder: Path, seen: dict[str, list[int]]) -> None:
    """Record the metadata of files just hashed whole (best effort: a read-only cache still
    works, hashing on every load), unless a file changed too recently to be told apart."""
    import time

    settled = time.time_ns() - int(STAMP_SETTLE_S * 1e9)
    if any(max(mtime, ctime) > settled for _, _, mtime, ctime in seen.values()):
        return
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f"{STAMP}.", suffix=".tmp")
    except OSError:
        return  # a read-only cache: every load hashes
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stamp:
            json.dump(seen, stamp)
        os.replace(temporary, folder / STAMP)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _describe_files(folder: Path) -> dict[str, dict[str, Any]]:
    """Size and SHA-256 of every file, each flushed to disk before the manifest names it."""
    described = {}
    for file in sorted(folder.iterdir()):
        if file.is_file() and file.name != MANIFEST:
            with open(file, "rb") as handle:
                os.fsync(handle.fileno())
            described[file.name] = {"size": file.stat().st_size, "sha256": _sha256(file)}
    return described


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the OS allows opening folders)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _unwritable(root: Path, exc: OSError) -> ManifoldvizError | OSError:
    """A cache folder we cannot write to, as one line saying how to choose another."""
    if exc.errno == errno.ENOSPC:
        return OSError(errno.ENOSPC, exc.strerror, str(root))
    return ManifoldvizError(
        f"cannot write to the model cache {root} ({exc.strerror or exc}); "
        f"set {ENV_CACHE} to a folder you can write"
    )


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
