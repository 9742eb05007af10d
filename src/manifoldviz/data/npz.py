"""Read a user's MNIST-like ``.npz`` safely: check the zip and each array header before reading.

``np.load`` trusts the file: a hostile header can ask for terabytes, an object array can carry a
pickle, a member name can point outside the archive. Here every member is vetted from its header
first (name, dtype, shape, declared size against the bytes actually stored) and only then read,
with pickles refused. Then the content is checked the way the rest of the library needs it:
images (N, 28, 28) in [0, 255], labels integers 0-9, lengths that match.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

from manifoldviz.errors import DataFileError

#: Largest array we agree to allocate from a user file (a full MNIST float64 copy is ~0.4 GB).
MAX_ARRAY_BYTES = 2 * 1024**3
_SAFE_MEMBER = re.compile(r"^[A-Za-z0-9_]+\.npy$")
_SPLIT_KEYS = ("x_train", "y_train", "x_test", "y_test")
_PLAIN_KEYS = ("x", "y")

Split = tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]


def read_npz_arrays(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Return every array of an ``.npz`` after vetting the archive and each header.

    Raises
    ------
    DataFileError
        For anything that is not a plain, complete ``.npz`` of numeric arrays.
    """
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataFileError(f"{path}: is a folder, not an .npz file") from None
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DataFileError(f"{path}: not an .npz archive ({exc})") from None
    arrays: dict[str, np.ndarray] = {}
    with archive:
        for info in archive.infolist():
            name = info.filename
            if not _SAFE_MEMBER.match(name):
                raise DataFileError(f"{path}: member {name!r} is not a plain array name")
            key = name[: -len(".npy")]
            arrays[key] = _read_member(archive, info, f"{path}: {key!r}")
    return arrays


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> np.ndarray:
    try:
        with archive.open(info) as handle:
            version = np.lib.format.read_magic(handle)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(handle)
            elif version in ((2, 0), (3, 0)):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(handle)
            else:
                raise DataFileError(f"{where}: unsupported .npy version {version}")
            if dtype.hasobject or dtype.kind not in "biuf":
                raise DataFileError(f"{where}: dtype {dtype} is not numeric (pickles are refused)")
            n_items = int(np.prod(shape, dtype=object)) if shape else 1
            n_bytes = n_items * dtype.itemsize
            if n_bytes > MAX_ARRAY_BYTES:
                raise DataFileError(
                    f"{where}: header declares shape {shape} ({n_bytes / 1024**3:.3g} GiB), "
                    f"over the {MAX_ARRAY_BYTES // 1024**3} GiB limit"
                )
            if n_bytes > info.file_size:
                raise DataFileError(
                    f"{where}: truncated (header needs {n_bytes} bytes, member holds "
                    f"{info.file_size})"
                )
            data = handle.read(n_bytes)
            if len(data) != n_bytes:
                raise DataFileError(f"{where}: truncated ({len(data)} of {n_bytes} bytes)")
    except DataFileError:
        raise
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, KeyError) as exc:
        raise DataFileError(f"{where}: unreadable ({exc})") from None
    array = np.frombuffer(data, dtype=dtype)
    return array.reshape(shape, order="F" if fortran else "C").copy()


def write_npz(
    path: str | os.PathLike[str], *, compress: bool = False, **arrays: np.ndarray
) -> None:
    """Write arrays as an ``.npz`` whose bytes depend only on the arrays.

    ``np.savez`` stamps each zip member with the current time, so the same arrays saved twice
    differ; here every member gets a fixed date, which makes outputs reproducible byte for byte.
    """
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for key, value in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            with archive.open(info, "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(value), allow_pickle=False)


def load_mnist_file(path: str | os.PathLike[str]) -> tuple[Split, Split]:
    """Load and validate an MNIST-like ``.npz``; return ``(x_train, y_train), (x_test, y_test)``.

    Accepted keys: ``x_train``/``y_train``/``x_test``/``y_test``, or ``x``/``y`` (then split
    deterministically, the last sixth of each class becoming the test set). Images may be
    (N, 28, 28), (N, 28, 28, 1) or (N, 784), uint8 or float in [0, 1] or [0, 255]; they come back
    as uint8 (N, 28, 28) and labels as uint8 (N,).
    """
    arrays = read_npz_arrays(path)
    if all(key in arrays for key in _SPLIT_KEYS):
        train = _checked_pair(arrays, "x_train", "y_train", path)
        test = _checked_pair(arrays, "x_test", "y_test", path)
        return train, test
    if all(key in arrays for key in _PLAIN_KEYS):
        x, y = _checked_pair(arrays, "x", "y", path)
        return split_by_class(x, y, test_fraction=1 / 6)
    raise DataFileError(
        f"{path}: needs keys x_train, y_train, x_test, y_test (or x, y); found "
        f"{', '.join(sorted(arrays)) or 'none'}"
    )


def _checked_pair(
    arrays: dict[str, np.ndarray], x_key: str, y_key: str, path: str | os.PathLike[str]
) -> Split:
    x = checked_images(arrays[x_key], f"{path}: {x_key!r}")
    y = checked_labels(arrays[y_key], f"{path}: {y_key!r}")
    if len(x) != len(y):
        raise DataFileError(f"{path}: {x_key!r} has {len(x)} images but {y_key!r} {len(y)} labels")
    if len(x) == 0:
        raise DataFileError(f"{path}: {x_key!r} is empty")
    return x, y


def checked_images(x: np.ndarray, where: str) -> npt.NDArray[np.uint8]:
    """Validate images and return them as uint8 (N, 28, 28)."""
    if x.ndim == 4 and x.shape[1:] == (28, 28, 1):
        x = x[..., 0]
    elif x.ndim == 2 and x.shape[1] == 784:
        x = x.reshape(-1, 28, 28)
    if x.ndim != 3 or x.shape[1:] != (28, 28):
        raise DataFileError(
            f"{where}: shape {x.shape}, expected (N, 28, 28), (N, 28, 28, 1) or (N, 784)"
        )
    if x.dtype == np.uint8:
        return np.ascontiguousarray(x)
    if x.dtype.kind == "b":
        raise DataFileError(f"{where}: boolean images; expected uint8 or float")
    values = x.astype(np.float64, copy=False)
    if not np.all(np.isfinite(values)):
        raise DataFileError(f"{where}: contains NaN or infinite values")
    low, high = (float(values.min()), float(values.max())) if values.size else (0.0, 0.0)
    if low < 0 or high > 255:
        raise DataFileError(
            f"{where}: values span [{low:g}, {high:g}], expected [0, 1] or [0, 255]"
        )
    scale = 255.0 if high <= 1.0 and x.dtype.kind == "f" else 1.0
    return np.rint(values * scale).astype(np.uint8)


def checked_labels(y: np.ndarray, where: str) -> npt.NDArray[np.uint8]:
    """Validate digit labels (integers 0-9, shape (N,) or (N, 1)) and return them as uint8."""
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise DataFileError(f"{where}: shape {y.shape}, expected (N,) labels")
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
            raise DataFileError(f"{where}: labels must be whole numbers 0-9")
    elif y.dtype.kind not in "iu":
        raise DataFileError(f"{where}: dtype {y.dtype}, expected integer labels 0-9")
    if y.size and (y.min() < 0 or y.max() > 9):
        raise DataFileError(f"{where}: labels span {y.min():g}..{y.max():g}, expected 0-9")
    return y.astype(np.uint8)


def split_by_class(
    x: npt.NDArray[np.uint8], y: npt.NDArray[np.uint8], *, test_fraction: float
) -> tuple[Split, Split]:
    """Split deterministically, per class, the last ``test_fraction`` of each class to test."""
    test_mask = np.zeros(len(y), dtype=bool)
    for digit in np.unique(y):
        members = np.flatnonzero(y == digit)
        n_test = round(len(members) * test_fraction)
        if n_test:
            test_mask[members[-n_test:]] = True
    return (x[~test_mask], y[~test_mask]), (x[test_mask], y[test_mask])
