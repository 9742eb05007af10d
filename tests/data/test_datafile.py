"""Bad data never gets through, never runs code and never allocates what a header claims."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

from manifoldviz.data.npz import load_mnist_file, read_npz_arrays
from manifoldviz.errors import DataFileError


def _good(n: int = 12) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {
        "x_train": rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
        "y_train": np.arange(n, dtype=np.uint8) % 10,
        "x_test": rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
        "y_test": np.arange(n, dtype=np.uint8) % 10,
    }


def test_keras_layout_round_trips(write_npz) -> None:
    arrays = _good()
    (x_train, y_train), (_x_test, y_test) = load_mnist_file(write_npz(**arrays))
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8


@pytest.mark.parametrize(
    "convert",
    [
        lambda x: x.reshape(len(x), 784),
        lambda x: x[..., None],
        lambda x: x.astype(np.float32) / 255,
        lambda x: x.astype(np.float64),
    ],
    ids=["flat", "channel", "float01", "float255"],
)
def test_accepted_image_layouts_become_uint8_28x28(write_npz, convert) -> None:
    arrays = _good()
    expected = arrays["x_train"].copy()
    arrays["x_train"] = convert(arrays["x_train"])
    (x_train, _), _ = load_mnist_file(write_npz(**arrays))
    assert x_train.shape == (12, 28, 28) and x_train.dtype == np.uint8
    np.testing.assert_array_equal(x_train, expected)


def test_x_y_file_is_split_per_class(write_npz) -> None:
    arrays = _good(60)
    (_x_train, y_train), (_x_test, y_test) = load_mnist_file(
        write_npz(x=arrays["x_train"], y=arrays["y_train"])
    )
    assert len(y_train) + len(y_test) == 60
    assert set(np.unique(y_test)) == set(range(10))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a.pop("y_test"), "needs keys"),
        (lambda a: a.update(x_train=np.zeros((12, 27, 28), np.uint8)), "'x_train': shape"),
        (lambda a: a.update(y_train=np.full(12, 10)), "'y_train': labels span"),
        (lambda a: a.update(y_train=np.full(12, 1.5)), "whole numbers"),
        (lambda a: a.update(y_test=np.zeros(11, np.uint8)), "11 labels"),
        (lambda a: a.update(x_test=np.full((12, 28, 28), np.nan)), "NaN"),
        (lambda a: a.update(x_test=np.full((12, 28, 28), 300.0)), "values span"),
        (lambda a: a.update(x_test=np.full((12, 28, 28), -1.0)), "values span"),
        (lambda a: a.update(y_test=np.array(["a"] * 12)), "not numeric"),
    ],
    ids=[
        "missing-key",
        "shape",
        "label-range",
        "label-float",
        "length",
        "nan",
        "over255",
        "negative",
        "strings",
    ],
)
def test_bad_content_is_one_clear_error(write_npz, change, message) -> None:
    arrays = _good()
    change(arrays)
    with pytest.raises(DataFileError, match=message) as info:
        load_mnist_file(write_npz(**arrays))
    assert "\n" not in str(info.value)


def _npy_bytes(header: str, payload: bytes = b"") -> bytes:
    header_bytes = header.encode("latin1")
    pad = 64 - (10 + len(header_bytes) + 1) % 64
    header_bytes += b" " * pad + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header_bytes).to_bytes(2, "little") + header_bytes + payload


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_object_array_is_refused_without_unpickling(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    path = _zip(tmp_path / "pickle.npz", {"x_train.npy": buffer.getvalue()})
    with pytest.raises(DataFileError, match="not numeric"):
        read_npz_arrays(path)


def test_terabyte_header_is_refused_before_allocating(tmp_path: Path) -> None:
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000, 784), }"
    path = _zip(tmp_path / "huge.npz", {"x_train.npy": _npy_bytes(header)})
    with pytest.raises(DataFileError, match="over the"):
        read_npz_arrays(path)


def test_truncated_member_is_refused(tmp_path: Path) -> None:
    header = "{'descr': '|u1', 'fortran_order': False, 'shape': (100, 28, 28), }"
    path = _zip(tmp_path / "short.npz", {"x_train.npy": _npy_bytes(header, b"\0" * 1000)})
    with pytest.raises(DataFileError, match="truncated"):
        read_npz_arrays(path)


def test_path_traversal_member_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(3))
    path = _zip(tmp_path / "evil.npz", {"../x.npy": buffer.getvalue()})
    with pytest.raises(DataFileError, match="not a plain array name"):
        read_npz_arrays(path)


def test_corrupt_zip_and_non_zip_are_refused(tmp_path: Path, write_npz) -> None:
    good = write_npz(**_good()).read_bytes()
    broken = tmp_path / "broken.npz"
    broken.write_bytes(good[: len(good) // 2])
    text = tmp_path / "text.npz"
    text.write_text("hello")
    for path in (broken, text):
        with pytest.raises(DataFileError):
            load_mnist_file(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no such file"):
        load_mnist_file(tmp_path / "nope.npz")
    with pytest.raises(DataFileError, match="folder"):
        load_mnist_file(tmp_path)


@pytest.mark.parametrize(
    "header",
    [
        "{'descr': '|u1', 'fortran_order': False, 'shape': (3, 28, 28, }",  # numpy: TokenError
        "{'descr': '|u1', 'fortran_order': False, 'shape': (3, 28, 28), ",
        "{'descr': '|u1', 'fortran_order': False, 'shape': (-3, 28, 28), }",
        "{'descr': '|u1', 'fortran_order': False, 'shape': __import__('os'), }",
        "{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (3,), }",
    ],
    ids=["unclosed", "no-brace", "negative", "code", "structured"],
)
def test_malformed_header_is_one_data_error(tmp_path: Path, header: str) -> None:
    path = _zip(tmp_path / "bad.npz", {"x_train.npy": _npy_bytes(header, b"\0" * 2352)})
    with pytest.raises(DataFileError) as info:
        read_npz_arrays(path)
    assert str(info.value).startswith(f"{path}: 'x_train': ") and "\n" not in str(info.value)


def test_x_y_file_too_small_to_split_is_refused(write_npz) -> None:
    arrays = _good(10)  # one image per digit: a sixth of each class rounds to none
    with pytest.raises(DataFileError, match="too few images per digit"):
        load_mnist_file(write_npz(x=arrays["x_train"], y=arrays["y_train"]))
