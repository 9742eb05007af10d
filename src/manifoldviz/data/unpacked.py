"""A user's MNIST file read once: kept unpacked in the cache, memory-mapped on every later run.

Reading a compressed 55 MB ``.npz`` and hashing it costs about half a second on every run; a
lecturer asking for another pair waits for it each time. The first read goes through the vetted
reader (:mod:`manifoldviz.data.npz`); its arrays are then written, with their fingerprint, into
``<cache>/data/unpacked-<key>/`` as plain ``.npy`` files. The key is the file's resolved path,
size and modification time, so an edited or replaced file is read and vetted again. A copy that
is missing a file, truncated or unlike its record (shapes, dtype) is rebuilt; the copy's bytes
are not hashed on every run, which is the cost it exists to avoid.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from manifoldviz.data.npz import Split

NAMES = ("x_train", "y_train", "x_test", "y_test")
FINGERPRINT = "fingerprint.json"


def unpacked_key(path: Path) -> str:
    """A key that changes whenever the file at ``path`` is replaced or edited."""
    stat = path.stat()
    identity = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    return hashlib.blake2b(identity.encode("utf-8"), digest_size=10).hexdigest()


def load_unpacked(
    path: Path,
    read: Callable[[Path], tuple[Split, Split]],
    fingerprint: Callable[[tuple[Split, Split]], str],
    cache_dir: Path,
) -> tuple[tuple[Split, Split], str]:
    """The splits of ``path`` and their fingerprint: from the unpacked copy, or read and kept.

    Parameters
    ----------
    path
        The user's ``.npz``.
    read
        The vetted reader, used when there is no good copy yet.
    fingerprint
        Computes the fingerprint of freshly read splits.
    cache_dir
        Where unpacked copies live (``<cache>/data``).

    Returns
    -------
    tuple
        ``((x_train, y_train), (x_test, y_test))`` (memory-mapped when from the copy) and the
        fingerprint of those arrays.
    """
    folder = cache_dir / f"unpacked-{unpacked_key(path)}"
    found = _read_copy(folder)
    if found is not None:
        return found
    splits = read(path)
    digest = fingerprint(splits)
    with contextlib.suppress(OSError):  # a read-only or full cache just means no copy
        _write_copy(folder, splits, digest)
    return splits, digest


def _read_copy(folder: Path) -> tuple[tuple[Split, Split], str] | None:
    """The copy in ``folder``, or None when it is missing or does not match its record."""
    try:
        record = json.loads((folder / FINGERPRINT).read_text(encoding="utf-8"))
        arrays = {
            name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            for name in NAMES
        }
        for name in NAMES:
            if list(arrays[name].shape) != record["shapes"][name] or arrays[name].dtype != np.uint8:
                raise ValueError(f"{name} does not match its record")
    except (OSError, ValueError, KeyError, TypeError):
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        return None
    splits = (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
    return splits, str(record["fingerprint"])


def _write_copy(folder: Path, splits: tuple[Split, Split], digest: str) -> None:
    """Write the copy into a staging folder, then rename it into place (never half-written)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.building-"))
    try:
        (x_train, y_train), (x_test, y_test) = splits
        arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
        for name, array in arrays.items():
            np.save(staging / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
        record = {"fingerprint": digest, "shapes": {k: list(v.shape) for k, v in arrays.items()}}
        (staging / FINGERPRINT).write_text(json.dumps(record), encoding="utf-8")
        os.rename(staging, folder)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not folder.exists():
            raise
