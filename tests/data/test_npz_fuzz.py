"""The ``.npz`` reader fuzzed: any damage to a valid file loads correctly or is one data error.

Each example starts from a valid MNIST-like file (numpy's own writer or ours; stored or
deflated; ``.npy`` header versions 1, 2 and 3; split or x/y layout; uint8 or float images) and
damages it the ways a hostile or broken file can be damaged. The reader must then either return
validated digits or raise :class:`DataFileError` with one line naming the file; nothing else is
allowed: no other exception, no unpickling, no allocation beyond the (lowered) caps.

CI runs a few hundred examples; ``MANIFOLDVIZ_FUZZ_EXAMPLES=20000`` runs a long campaign, and
``MANIFOLDVIZ_FUZZ_REPORT=PATH`` writes how each mutation class ended (used by
``benchmarks/reliability.py``).
"""

from __future__ import annotations

import collections
import io
import json
import os
import pickle
import subprocess
import sys
import time
import tracemalloc
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from manifoldviz.data import npz
from manifoldviz.data.npz import load_mnist_file
from manifoldviz.errors import DataFileError

EXAMPLES_ENV = "MANIFOLDVIZ_FUZZ_EXAMPLES"
REPORT_ENV = "MANIFOLDVIZ_FUZZ_REPORT"
N_EXAMPLES = int(os.environ.get(EXAMPLES_ENV, "300"))
settings.register_profile(
    "npz-fuzz",
    max_examples=N_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile("npz-fuzz")

# Lowered caps for the fuzz, so "no allocation beyond the caps" is measurable in a test.
ARRAY_CAP = 512 * 1024
TOTAL_CAP = 1024 * 1024
# The reader holds every array (at most TOTAL_CAP) plus one chunk being copied; the content
# check converts one image array to uint8. Twice the total cap plus working space bounds it.
PEAK_LIMIT = 2 * TOTAL_CAP + 512 * 1024

OUTCOMES: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)


# --- valid starting points -------------------------------------------------------------------


def _images(n: int, kind: str, rng: np.random.Generator) -> np.ndarray:
    x = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    if kind == "float01":
        return (x / 255).astype(np.float32)
    if kind == "flat":
        return x.reshape(n, 784)
    if kind == "big-endian":
        return x.astype(">f4")
    return x


def _npy(array: np.ndarray, version: tuple[int, int] | None) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, version=version, allow_pickle=False)
    return buffer.getvalue()


Members = list[tuple[str, bytes]]


def _zip(members: Members, compress: bool) -> bytes:
    buffer = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # duplicate names are one of the mutations
        with zipfile.ZipFile(buffer, "w", compression=method) as archive:
            for name, data in members:
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = method
                archive.writestr(info, data)
    return buffer.getvalue()


@dataclass(frozen=True)
class Recipe:
    """A valid MNIST-like file, small enough to read in a failure report."""

    n: int
    seed: int
    images: str
    version: tuple[int, int] | None
    labels: str
    split: bool
    compress: bool

    def members(self) -> Members:
        rng = np.random.default_rng(self.seed)
        labels = (np.arange(self.n) % 10).astype(self.labels)
        if self.split:
            arrays = {
                "x_train": _images(self.n, self.images, rng),
                "y_train": labels,
                "x_test": _images(self.n, self.images, rng),
                "y_test": labels,
            }
        else:
            arrays = {"x": _images(self.n, self.images, rng), "y": labels}
        return [(f"{key}.npy", _npy(value, self.version)) for key, value in arrays.items()]


recipes = st.builds(
    Recipe,
    n=st.integers(40, 60),  # x/y files need a few digits per class to split
    seed=st.integers(0, 2**16),
    images=st.sampled_from(["uint8", "float01", "flat", "big-endian"]),
    version=st.sampled_from([None, (1, 0), (2, 0), (3, 0)]),
    labels=st.sampled_from(["u1", "<i8", ">i4"]),
    split=st.booleans(),
    compress=st.booleans(),
)


# --- mutations: each a named function with its parameters (readable when an example fails) ---


def _header_span(data: bytes) -> tuple[int, int]:
    """Where the header text of a (valid) .npy starts and ends."""
    size = 2 if data[6] == 1 else 4
    length = int.from_bytes(data[8 : 8 + size], "little")
    return 8 + size, 8 + size + length


def _with_header(data: bytes, text: bytes, *, fix_length: bool = True) -> bytes:
    start, end = _header_span(data)
    size = start - 8
    length = min(len(text) if fix_length else end - start, 256**size - 1)
    return data[:8] + length.to_bytes(size, "little") + text + data[end:]


def truncate_header(data: bytes, *, cut: float, fix_length: bool) -> bytes:
    start, end = _header_span(data)
    text = data[start:end]
    return _with_header(data, text[: int(cut * len(text))], fix_length=fix_length)


def junk_in_header(data: bytes, *, where: float, junk: bytes, fix_length: bool) -> bytes:
    start, end = _header_span(data)
    text = data[start:end]
    at = int(where * len(text))
    replaced = text[:at] + junk + text[at + len(junk) :]
    if not fix_length:
        replaced = replaced[: len(text)]
    return _with_header(data, replaced, fix_length=fix_length)


def rewrite_header(data: bytes, *, text: bytes) -> bytes:
    return _with_header(data, text)


def set_byte(data: bytes, *, position: int, value: int) -> bytes:
    return data[:position] + bytes([value]) + data[position + 1 :]


def truncate_member(data: bytes, *, cut: float) -> bytes:
    return data[: int(cut * len(data))]


def replace_with_array(data: bytes, *, array: np.ndarray) -> bytes:
    return _npy(array, None)


def header_texts() -> st.SearchStrategy[bytes]:
    """Header dicts that are almost right: absurd or negative sizes, odd dtypes, odd syntax."""
    sizes = st.one_of(
        st.integers(-5, 40),
        st.integers(-(2**70), 2**70),
        st.sampled_from([28, 784, 2**31, 2**32 + 28, 2**63 - 1, 2**63, 2**64]),
    )
    shape = st.one_of(
        st.lists(sizes, max_size=40).map(lambda s: "(" + ", ".join(map(str, s)) + ",)"),
        st.lists(sizes, min_size=1, max_size=4).map(lambda s: "(" + ", ".join(map(str, s)) + ")"),
        st.sampled_from(["()", "(,)", "(12, 28, 28", "[12, 28, 28]", "12", "None", "((1,),)"]),
        st.sampled_from(["(12L, 28L, 28L)", "(1e3, 28)", "(-0, 28, 28)", "(12, 28, 28,,)"]),
    )
    descr = st.one_of(
        st.sampled_from(
            [
                "'|u1'",
                "'<f4'",
                "'<f2'",
                "'>f8'",
                "'|O'",
                "'<U3'",
                "'|S4'",
                "'|V8'",
                "'<c16'",
                "'<M8[ns]'",
                "'<f16'",
                "'<i3'",
                "'|b1'",
                "'u1'",
                "''",
                '"<u1"',
                "[('a', '<i4'), ('b', '<f8')]",
                "[('x', '|O')]",
                "('<u1', (2,))",
                "'<u1' '<u1'",
                "'\\x00'",
            ]
        ),
        st.text(max_size=12).map(repr),
    )
    fortran = st.sampled_from(["False", "True", "0", "None", "'False'", "false"])
    extra = st.sampled_from(["", " 'extra': 1,", " 'shape': (1,),", " 'descr': '<u1',"])

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        values = {"descr": draw(descr), "fortran_order": draw(fortran), "shape": draw(shape)}
        order = draw(st.permutations(["descr", "fortran_order", "shape"]))
        if draw(st.booleans()):
            order = order[: draw(st.integers(0, 2))]
        body = ", ".join(f"'{key}': {values[key]}" for key in order)
        text = "{" + body + "," + draw(extra) + " }" + " " * draw(st.integers(0, 80)) + "\n"
        encoding = draw(st.sampled_from(["latin1", "utf-8"]))
        return text.encode(encoding, errors="replace")

    return build()


ODD_ARRAYS = [
    np.zeros(3, dtype=[("a", "<i4"), ("b", "<f8")]),
    np.array(["a", "bc"]),
    np.array([b"ab"]),
    np.zeros(2, dtype=complex),
    np.array(["2020-01-01"], dtype="datetime64[D]"),
    np.zeros(2, dtype="V4"),
    np.zeros((2, 2), dtype=np.float16),
    np.zeros(0, dtype=np.uint8),
    np.zeros((12, 28, 28), dtype=bool),
    np.zeros((), dtype=np.int64),
]

member_mutations = st.one_of(
    st.tuples(
        st.just("header truncated"),
        st.builds(partial, st.just(truncate_header), cut=st.floats(0, 1), fix_length=st.booleans()),
    ),
    st.tuples(
        st.just("header random bytes"),
        st.builds(
            partial,
            st.just(junk_in_header),
            where=st.floats(0, 1),
            junk=st.binary(min_size=1, max_size=12),
            fix_length=st.booleans(),
        ),
    ),
    st.tuples(
        st.just("header dict rewritten"),
        st.builds(partial, st.just(rewrite_header), text=header_texts()),
    ),
    st.tuples(
        st.just("magic/version bytes"),
        st.builds(
            partial, st.just(set_byte), position=st.integers(0, 9), value=st.integers(0, 255)
        ),
    ),
    st.tuples(
        st.just("member truncated"),
        st.builds(partial, st.just(truncate_member), cut=st.floats(0, 1, exclude_max=True)),
    ),
    st.tuples(
        st.just("dtype replaced"),
        st.builds(partial, st.just(replace_with_array), array=st.sampled_from(ODD_ARRAYS)),
    ),
)


def damage_member(
    members: Members, compress: bool, *, index: int, mutate: Callable[[bytes], bytes]
) -> bytes:
    index %= len(members)
    changed = list(members)
    changed[index] = (members[index][0], mutate(members[index][1]))
    return _zip(changed, compress)


def flip_directory_bit(members: Members, compress: bool, *, where: float, bit: int) -> bytes:
    data = _zip(members, compress)
    start = zipfile.ZipFile(io.BytesIO(data)).start_dir
    return _flip(data, start + int(where * (len(data) - start)), bit)


def flip_data_bit(
    members: Members, compress: bool, *, which: float, where: float, bit: int
) -> bytes:
    data = _zip(members, compress)
    spans = list(_member_data_spans(data))
    start, end = spans[int(which * len(spans))]
    return _flip(data, start + int(where * (end - start)), bit)


def set_random_bytes(
    members: Members, compress: bool, *, changes: list[tuple[float, int]]
) -> bytes:
    data = bytearray(_zip(members, compress))
    for where, value in changes:
        data[int(where * len(data))] = value
    return bytes(data)


def truncate_archive(members: Members, compress: bool, *, cut: float) -> bytes:
    data = _zip(members, compress)
    return data[: int(cut * len(data))]


def duplicate_member(members: Members, compress: bool, *, which: float, same: bool) -> bytes:
    name, data = members[int(which * len(members))]
    return _zip([*members, (name, data if same else members[-1][1])], compress)


def rename_member(members: Members, compress: bool, *, which: float, name: str) -> bytes:
    index = int(which * len(members))
    changed = list(members)
    changed[index] = (name, members[index][1])
    return _zip(changed, compress)


def add_members(members: Members, compress: bool, *, n_extra: int) -> bytes:
    tiny = _npy(np.zeros(1, np.uint8), None)
    return _zip([*members, *((f"extra{i}.npy", tiny) for i in range(n_extra))], compress)


ODD_NAMES = [
    "../x_train.npy",
    "/x_train.npy",
    "x_train.npy/",
    "sub/x_train.npy",
    "x_train.npy\n",
    "x_train.NPY",
    "x_train",
    " x_train.npy",
    "x_train.npy.npy",
    ".npy",
    "x train.npy",
    "x_tr\u0430in.npy",  # a Cyrillic a
    "x_train.npy\x00.txt",
    "C:\\x_train.npy",
    "a" * 300 + ".npy",
]
unit = st.floats(0, 1, exclude_max=True)

archive_mutations = st.one_of(
    member_mutations.flatmap(
        lambda named: st.tuples(
            st.just(named[0]),
            st.builds(
                partial, st.just(damage_member), index=st.integers(0, 3), mutate=st.just(named[1])
            ),
        )
    ),
    st.tuples(
        st.just("zip directory bit flip"),
        st.builds(partial, st.just(flip_directory_bit), where=unit, bit=st.integers(0, 7)),
    ),
    st.tuples(
        st.just("member data bit flip"),
        st.builds(partial, st.just(flip_data_bit), which=unit, where=unit, bit=st.integers(0, 7)),
    ),
    st.tuples(
        st.just("random bytes anywhere"),
        st.builds(
            partial,
            st.just(set_random_bytes),
            changes=st.lists(st.tuples(unit, st.integers(0, 255)), min_size=1, max_size=4),
        ),
    ),
    st.tuples(
        st.just("archive truncated"),
        st.builds(partial, st.just(truncate_archive), cut=unit),
    ),
    st.tuples(
        st.just("duplicated member"),
        st.builds(partial, st.just(duplicate_member), which=unit, same=st.booleans()),
    ),
    st.tuples(
        st.just("odd member name"),
        st.builds(
            partial,
            st.just(rename_member),
            which=unit,
            name=st.one_of(st.sampled_from(ODD_NAMES), st.text(min_size=1, max_size=30)),
        ),
    ),
    st.tuples(
        st.just("too many members"),
        st.builds(
            partial,
            st.just(add_members),
            n_extra=st.integers(npz.MAX_MEMBERS - 3, npz.MAX_MEMBERS + 5),
        ),
    ),
)


def _flip(data: bytes, position: int, bit: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 1 << bit
    return bytes(changed)


def _member_data_spans(data: bytes) -> Iterator[tuple[int, int]]:
    """(start, end) of each member's stored bytes, read from the local headers."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            local = data[info.header_offset : info.header_offset + 30]
            name_length = int.from_bytes(local[26:28], "little")
            extra_length = int.from_bytes(local[28:30], "little")
            start = info.header_offset + 30 + name_length + extra_length
            yield start, start + info.compress_size


# --- the oracle ------------------------------------------------------------------------------


def _refuse_pickle(*args: object, **kwargs: object) -> None:
    raise AssertionError("the reader tried to unpickle")


def check_outcome(path: Path) -> tuple[str, tuple[np.ndarray, ...]]:
    """Load ``path``; return ("loaded", arrays) or ("refused", ()), failing on anything else."""
    with (
        mock.patch.object(npz, "MAX_ARRAY_BYTES", ARRAY_CAP),
        mock.patch.object(npz, "MAX_TOTAL_BYTES", TOTAL_CAP),
        mock.patch.object(pickle, "loads", _refuse_pickle),
        mock.patch.object(pickle, "load", _refuse_pickle),
        mock.patch.object(pickle, "Unpickler", _refuse_pickle),
    ):
        tracemalloc.start()
        try:
            (x_train, y_train), (x_test, y_test) = load_mnist_file(path)
        except DataFileError as exc:
            message = str(exc)
            assert message.startswith(f"{path}: "), message
            assert "\n" not in message and len(message) < 400, message
            assert exc.param == "data"
            return "refused", ()
        finally:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            assert peak <= PEAK_LIMIT, f"peak allocation {peak} bytes over {PEAK_LIMIT}"
    for x, y in ((x_train, y_train), (x_test, y_test)):
        assert x.dtype == np.uint8 and x.shape[1:] == (28, 28)
        assert y.dtype == np.uint8 and len(x) == len(y) and y.max() <= 9
    return "loaded", (x_train, y_train, x_test, y_test)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("fuzz")
    report = os.environ.get(REPORT_ENV)
    if report:
        Path(report).write_text(
            json.dumps({kind: dict(counts) for kind, counts in OUTCOMES.items()}, indent=2)
        )


def _write(folder: Path, data: bytes) -> Path:
    path = folder / "fuzzed.npz"
    path.write_bytes(data)
    return path


# Damage the zip's CRC-32 or structure guards: if such a file still loads (a flip that leaves
# the inflated bytes as they were, a renamed member nobody needs), it loads the original digits.
# Header rewrites may legitimately describe other valid arrays, so they only need to be valid.
CONTENT_GUARDED = {
    "zip directory bit flip",
    "member data bit flip",
    "random bytes anywhere",
    "archive truncated",
    "member truncated",
    "duplicated member",
    "odd member name",
    "too many members",
}


@FUZZ
@given(recipe=recipes, mutation=archive_mutations)
def test_any_damage_loads_correctly_or_is_one_data_error(
    fuzz_dir: Path, recipe: Recipe, mutation: tuple[str, Callable[[Members, bool], bytes]]
) -> None:
    kind, damage = mutation
    started = time.perf_counter()
    outcome, loaded = check_outcome(_write(fuzz_dir, damage(recipe.members(), recipe.compress)))
    OUTCOMES[kind][outcome] += 1
    OUTCOMES[kind]["ms"] += round(1000 * (time.perf_counter() - started))
    if outcome == "loaded" and kind in CONTENT_GUARDED:
        _, original = check_outcome(_write(fuzz_dir, _zip(recipe.members(), recipe.compress)))
        for got, expected in zip(loaded, original, strict=True):
            np.testing.assert_array_equal(got, expected)
        OUTCOMES[kind]["loaded the original digits"] += 1


@settings(FUZZ, max_examples=max(20, N_EXAMPLES // 10))
@given(recipe=recipes)
def test_every_valid_starting_point_loads(fuzz_dir: Path, recipe: Recipe) -> None:
    started = time.perf_counter()
    outcome, _ = check_outcome(_write(fuzz_dir, _zip(recipe.members(), recipe.compress)))
    OUTCOMES["valid file (control)"][outcome] += 1
    OUTCOMES["valid file (control)"]["ms"] += round(1000 * (time.perf_counter() - started))
    assert outcome == "loaded"


# --- the same files through the command line -------------------------------------------------


def _valid_members() -> Members:
    rng = np.random.default_rng(0)
    labels = (np.arange(12) % 10).astype(np.uint8)
    arrays = {"x": _images(12, "uint8", rng), "y": labels}
    return [(f"{key}.npy", _npy(value, None)) for key, value in arrays.items()]


def _reported_bug(members: Members) -> Members:
    """The filed case: a header dict missing its closing parenthesis (numpy: TokenError)."""
    name, data = members[0]
    start, end = _header_span(data)
    text = data[start:end].replace(b"28, 28)", b"28, 28 ")
    return [(name, _with_header(data, text)), *members[1:]]


HOSTILE = {
    "unclosed-shape": lambda m: _zip(_reported_bug(m), False),
    "negative-size": lambda m: _zip(
        [
            (
                m[0][0],
                _with_header(
                    m[0][1], b"{'descr': '|u1', 'fortran_order': False, 'shape': (-12, 28, 28), }\n"
                ),
            ),
            m[1],
        ],
        False,
    ),
    "pickle": lambda m: _zip([(m[0][0], _npy_object()), m[1]], False),
    "duplicate": lambda m: _zip([*m, m[0]], False),
}


def _npy_object() -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    return buffer.getvalue()


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_file_is_one_line_exit_2_on_the_command_line(case: str, tmp_path: Path) -> None:
    path = tmp_path / f"{case}.npz"
    path.write_bytes(HOSTILE[case](_valid_members()))
    command = ["interpolate", "3", "8"] if case == "unclosed-shape" else ["data"]
    result = subprocess.run(
        [sys.executable, "-m", "manifoldviz", *command, "--data", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "--data" in lines[0] and str(path) in lines[0]
