"""Read a user's MNIST-like ``.npz`` safely: check the zip and each array header before reading.

``np.load`` trusts the file: a hostile header can ask for terabytes, an object array can carry a
pickle, a member name can point outside the archive, and a malformed header dict makes numpy's own
parser raise whatever Python's tokenizer raises. Here the ``.npy`` header is parsed by a small
strict grammar of our own (a dict of three keys: a plain dtype string, a boolean and a tuple of
non-negative integers), every member is vetted from its header first (name, dtype, shape, declared
size against the bytes actually stored, limits on size and count) and only then read, in bounded
chunks, with its CRC checked; pickles are never involved. Every way a file can be wrong ends in
one :class:`~manifoldviz.errors.DataFileError` naming the file. Then the content is checked the way
the rest of the library needs it: images (N, 28, 28) in [0, 255], labels integers 0-9, lengths that
match.
"""

from __future__ import annotations

import lzma
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Collection
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt

from manifoldviz.errors import DataFileError

#: Largest array we agree to allocate from a user file (a full MNIST float64 copy is ~0.4 GB).
MAX_ARRAY_BYTES = 2 * 1024**3
#: Largest total of all arrays in one file.
MAX_TOTAL_BYTES = 4 * 1024**3
#: Most members one archive may hold (an MNIST file has four).
MAX_MEMBERS = 64
#: Longest ``.npy`` header we parse (numpy's own limit for untrusted files).
MAX_HEADER_BYTES = 10_000
_MAX_DIMS = 32
_CHUNK = 1 << 20
_MAGIC = b"\x93NUMPY"
_SAFE_MEMBER = re.compile(r"[A-Za-z0-9_]{1,64}\.npy")
_PLAIN_DTYPE = re.compile(r"[<>|=]?[biuf][1-9][0-9]?")
_SPLIT_KEYS = ("x_train", "y_train", "x_test", "y_test")
_PLAIN_KEYS = ("x", "y")
# Everything the zip layer can raise on damaged bytes: a bad directory, a failed decompression,
# an encrypted member, an unsupported compression method, offsets out of range.
_ZIP_FAILURES = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    ValueError,
    RuntimeError,
    NotImplementedError,
    struct.error,
    OverflowError,
)

Split = tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]


def read_npz_arrays(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Return every array of an ``.npz`` after vetting the archive and each header.

    Parameters
    ----------
    path
        The ``.npz`` file.

    Returns
    -------
    dict
        Member name (without ``.npy``) to array.

    Raises
    ------
    DataFileError
        For anything that is not a plain, complete ``.npz`` of numeric arrays within the limits
        (:data:`MAX_ARRAY_BYTES`, :data:`MAX_TOTAL_BYTES`, :data:`MAX_MEMBERS`).
    """
    path = Path(path)
    if path.is_dir():
        raise DataFileError(f"{path}: is a folder, not an .npz file")
    if path.exists() and not path.is_file():
        raise DataFileError(f"{path}: not a regular file")
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such file") from None
    except PermissionError:
        raise DataFileError(f"{path}: not readable (permission denied)") from None
    except _ZIP_FAILURES as exc:
        raise DataFileError(f"{path}: not an .npz archive ({_brief(exc)})") from None
    arrays: dict[str, np.ndarray] = {}
    total = 0
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise DataFileError(
                f"{path}: holds {len(members)} members, over the {MAX_MEMBERS} limit"
            )
        for info in members:
            name = info.filename
            if not _SAFE_MEMBER.fullmatch(name):
                raise DataFileError(f"{path}: member {name!r} is not a plain array name")
            key = name[: -len(".npy")]
            if key in arrays:
                raise DataFileError(f"{path}: member {name!r} appears more than once")
            array = _read_member(archive, info, f"{path}: {key!r}", budget=MAX_TOTAL_BYTES - total)
            total += array.nbytes
            arrays[key] = array
    return arrays


class _HeaderError(Exception):
    """A malformed ``.npy`` header (turned into a DataFileError naming the member)."""


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, *, budget: int
) -> np.ndarray:
    try:
        with archive.open(info) as handle:
            header_start = _read_exact(handle, 8, "magic")
            if header_start[:6] != _MAGIC:
                raise _HeaderError("not a .npy array (bad magic bytes)")
            version = (header_start[6], header_start[7])
            if version == (1, 0):
                length_size, encoding = 2, "latin1"
            elif version in ((2, 0), (3, 0)):
                length_size, encoding = 4, "latin1" if version == (2, 0) else "utf-8"
            else:
                raise _HeaderError(f"unsupported .npy version {version[0]}.{version[1]}")
            header_length = int.from_bytes(_read_exact(handle, length_size, "header"), "little")
            if header_length > MAX_HEADER_BYTES:
                raise _HeaderError(
                    f"header of {header_length} bytes, over the {MAX_HEADER_BYTES}-byte limit"
                )
            raw = _read_exact(handle, header_length, "header")
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                raise _HeaderError("header is not valid UTF-8") from None
            shape, fortran, dtype = _parse_npy_header(text)
            n_bytes = dtype.itemsize
            for dim in shape:
                n_bytes *= dim
            if n_bytes > min(MAX_ARRAY_BYTES, budget):
                limit = MAX_ARRAY_BYTES if n_bytes > MAX_ARRAY_BYTES else budget
                raise DataFileError(
                    f"{where}: header declares shape {shape} ({n_bytes / 1024**3:.3g} GiB), "
                    f"over the {limit / 1024**3:.3g} GiB limit"
                )
            stored = info.file_size - (8 + length_size + header_length)
            if n_bytes > stored:
                raise DataFileError(
                    f"{where}: truncated (header needs {n_bytes} bytes, member holds "
                    f"{max(stored, 0)})"
                )
            if n_bytes < stored:
                raise DataFileError(
                    f"{where}: {stored - n_bytes} bytes beyond what the header declares"
                )
            buffer = bytearray(n_bytes)
            view = memoryview(buffer)
            filled = 0
            while filled < n_bytes:
                chunk = handle.read(min(_CHUNK, n_bytes - filled))
                if not chunk:
                    raise DataFileError(f"{where}: truncated ({filled} of {n_bytes} bytes)")
                view[filled : filled + len(chunk)] = chunk
                filled += len(chunk)
            # Reading to the end makes zipfile check the member's CRC: a flipped bit is caught.
            if handle.read(1):
                raise DataFileError(f"{where}: more bytes than the zip directory declares")
    except DataFileError:
        raise
    except _UnsupportedDtype as exc:
        raise DataFileError(f"{where}: {exc}") from None
    except _HeaderError as exc:
        raise DataFileError(f"{where}: malformed .npy header ({exc})") from None
    except _ZIP_FAILURES as exc:
        raise DataFileError(f"{where}: unreadable ({_brief(exc)})") from None
    array = np.frombuffer(buffer, dtype=dtype)
    return array.reshape(shape, order="F" if fortran else "C")


def _read_exact(handle: IO[bytes], n: int, what: str) -> bytes:
    data = handle.read(n)
    if len(data) != n:
        raise _HeaderError(f"member ends inside the {what}")
    return data


_TOKEN = re.compile(
    r"\s*(?:(?P<punct>[{}():,\[\]])"
    r"|'(?P<sq>[^'\\\n]*)'"
    r'|"(?P<dq>[^"\\\n]*)"'
    r"|(?P<int>-?[0-9]+)L?"
    r"|(?P<name>[A-Za-z_]+))"
)
_HEADER_KEYS = ("descr", "fortran_order", "shape")
Token = tuple[str, object]


class _UnsupportedDtype(_HeaderError):
    """A well-formed header whose dtype we do not read (objects, strings, structures...)."""


def _parse_npy_header(text: str) -> tuple[tuple[int, ...], bool, np.dtype]:
    """Parse a ``.npy`` header dict by a strict grammar; return ``(shape, fortran_order, dtype)``.

    Only what numpy writes for a plain numeric array is accepted: ``{'descr': '<f4',
    'fortran_order': False, 'shape': (3, 28, 28), }`` with any spacing and key order (and the
    ``3L`` sizes of Python 2 files). Nothing is evaluated, so no header can run code or exhaust
    the parser; anything else raises ``_HeaderError`` with one line saying what.
    """
    fields = _HeaderParser(_tokenize(text)).parse_dict()
    if sorted(fields) != sorted(_HEADER_KEYS):
        raise _HeaderError(
            f"keys {', '.join(sorted(fields)) or 'none'}; expected descr, fortran_order, shape"
        )
    descr, fortran, shape = fields["descr"], fields["fortran_order"], fields["shape"]
    if isinstance(descr, list):
        raise _UnsupportedDtype("dtype is structured, not numeric (pickles are refused)")
    if not isinstance(descr, str):
        raise _HeaderError(f"descr is {descr!r}, not a dtype string")
    if not isinstance(fortran, bool):
        raise _HeaderError(f"fortran_order is {fortran!r}, not True or False")
    if not isinstance(shape, tuple) or not all(isinstance(size, int) for size in shape):
        raise _HeaderError(f"shape is {str(shape)[:40]}, not a tuple of sizes")
    if any(size < 0 for size in shape):
        raise _HeaderError(f"shape {shape} has a negative size")
    if len(shape) > _MAX_DIMS:
        raise _HeaderError(f"shape has {len(shape)} dimensions, over the {_MAX_DIMS} limit")
    return shape, fortran, _plain_dtype(descr)


def _tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position, end = 0, len(text.rstrip())
    while position < end:
        match = _TOKEN.match(text, position)
        if match is None:
            raise _HeaderError(f"unexpected character {text[position:].lstrip()[:1]!r}")
        position = match.end()
        if match["punct"] is not None:
            tokens.append(("punct", match["punct"]))
        elif match["sq"] is not None or match["dq"] is not None:
            tokens.append(("str", match["sq"] if match["sq"] is not None else match["dq"]))
        elif match["int"] is not None:
            digits = match["int"]
            if len(digits.lstrip("-")) > 20:
                raise _HeaderError(f"the size {digits[:12]}... has too many digits")
            tokens.append(("int", int(digits)))
        else:
            tokens.append(("name", match["name"]))
    return tokens


class _HeaderParser:
    """Recursive descent over the tokens of one header: a flat dict of strings, booleans,
    integers, tuples of integers, and lists (only so a structured dtype can be named as such).
    Nesting is bounded: tuples and lists hold scalars or one more level of tuples."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.position = 0

    def take(self) -> Token:
        if self.position >= len(self.tokens):
            raise _HeaderError("header dict ends early")
        token = self.tokens[self.position]
        self.position += 1
        return token

    def expect(self, punct: str) -> None:
        kind, value = self.take()
        if kind != "punct" or value != punct:
            raise _HeaderError(f"expected {punct!r}, found {_show(kind, value)}")

    def parse_dict(self) -> dict[str, object]:
        self.expect("{")
        fields: dict[str, object] = {}
        while True:
            kind, value = self.take()
            if kind == "punct" and value == "}":
                break
            if kind != "str":
                raise _HeaderError(f"expected a key, found {_show(kind, value)}")
            key = str(value)
            if key in fields:
                raise _HeaderError(f"key {key!r} appears twice")
            self.expect(":")
            fields[key] = self.parse_value(depth=0)
            kind, value = self.take()
            if kind == "punct" and value == "}":
                break
            if kind != "punct" or value != ",":
                raise _HeaderError(f"expected ',' or '}}', found {_show(kind, value)}")
        if self.position != len(self.tokens):
            raise _HeaderError("text after the header dict")
        return fields

    def parse_value(self, depth: int) -> object:
        kind, value = self.take()
        if kind in ("str", "int"):
            return value
        if kind == "name" and value in ("True", "False"):
            return value == "True"
        if kind == "punct" and value in ("(", "[") and depth < 2:
            closing = ")" if value == "(" else "]"
            items: list[object] = []
            while True:
                if self.peek() == ("punct", closing):
                    self.position += 1
                    break
                items.append(self.parse_value(depth + 1))
                if len(items) > _MAX_DIMS * 4:
                    raise _HeaderError("a tuple or list in the header is too long")
                kind, value = self.take()
                if kind == "punct" and value == closing:
                    break
                if kind != "punct" or value != ",":
                    raise _HeaderError(f"expected ',' or {closing!r}, found {_show(kind, value)}")
            return tuple(items) if closing == ")" else items
        raise _HeaderError(f"unexpected {_show(kind, value)}")

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None


def _plain_dtype(descr: str) -> np.dtype:
    if not _PLAIN_DTYPE.fullmatch(descr):
        raise _UnsupportedDtype(f"dtype {descr[:40]!r} is not numeric (pickles are refused)")
    try:
        return np.dtype(descr)
    except (TypeError, ValueError):
        raise _UnsupportedDtype(f"dtype {descr!r} does not exist") from None


def _show(kind: str, value: object) -> str:
    return repr(value) if kind != "str" else f"the string {str(value)[:20]!r}"


def _brief(exc: BaseException) -> str:
    """One line, bounded: zip errors can quote whole byte strings."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def write_npz(
    path: str | os.PathLike[str],
    *,
    compress: bool | Collection[str] = False,
    **arrays: np.ndarray,
) -> None:
    """Write arrays as an ``.npz`` whose bytes depend only on the arrays.

    ``np.savez`` stamps each zip member with the current time, so the same arrays saved twice
    differ; here every member gets a fixed date, which makes outputs reproducible byte for byte.
    ``compress`` deflates every member (True) or only the named ones, at zlib's fastest level:
    float weights barely shrink at any level, and level 6 costs several times level 1's time for
    a few percent more on arrays that do shrink (a recorded trajectory with only its
    representations deflated at level 1: 0.21 of the time of everything at level 6, a file 7%
    larger; ``bench_recording.py --parts recording``).
    """
    deflated = set(arrays) if compress is True else set(compress or ())
    with zipfile.ZipFile(path, "w", compresslevel=1) as archive:
        for key, value in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED if key in deflated else zipfile.ZIP_STORED
            # An info object's level is not taken from the archive; ``_compresslevel`` is the
            # name every supported Python accepts (3.13 adds ``compress_level`` beside it).
            info._compresslevel = 1  # type: ignore[attr-defined]
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
        train, test = split_by_class(x, y, test_fraction=1 / 6)
        if len(test[1]) == 0:
            raise DataFileError(
                f"{path}: 'x' has too few images per digit ({len(y)} in all) to set a sixth "
                "aside for testing; give x_train/x_test or more images"
            )
        return train, test
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
    # Converted a block of rows at a time, so a large float file never needs a float64 copy.
    rows = max(1, _CHUNK // (784 * 8))
    low, high = 0.0, 0.0
    for start in range(0, len(x), rows):
        block = x[start : start + rows]
        if x.dtype.kind == "f" and not np.all(np.isfinite(block)):
            raise DataFileError(f"{where}: contains NaN or infinite values")
        low = min(low, float(block.min())) if start else float(block.min())
        high = max(high, float(block.max())) if start else float(block.max())
    if low < 0 or high > 255:
        raise DataFileError(
            f"{where}: values span [{low:g}, {high:g}], expected [0, 1] or [0, 255]"
        )
    scale = 255.0 if high <= 1.0 and x.dtype.kind == "f" else 1.0
    out = np.empty(x.shape, dtype=np.uint8)
    for start in range(0, len(x), rows):
        block = x[start : start + rows].astype(np.float64)
        out[start : start + rows] = np.rint(block * scale)
    return out


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
