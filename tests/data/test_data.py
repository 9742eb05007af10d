"""Every loading path, in order, with the source reported; stratified subsets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from manifoldviz.data import sources as data_module
from manifoldviz.data.sources import load_mnist, plan_sources, stratified_subset
from manifoldviz.errors import InvalidInputError
from manifoldviz.store import cache_root


def _fake_mnist(path: Path, n: int = 40, fill: int = 7) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    y = (np.arange(n) % 10).astype(np.uint8)
    x = np.full((n, 28, 28), fill, np.uint8)
    np.savez(path, x_train=x, y_train=y, x_test=x[:20], y_test=y[:20])
    return path


def test_explicit_path_wins_over_everything(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MANIFOLDVIZ_MNIST", str(_fake_mnist(tmp_path / "env.npz", fill=1)))
    mnist = load_mnist(_fake_mnist(tmp_path / "mine.npz", fill=2))
    assert mnist.source.kind == "path"
    assert mnist.x_train[0, 0, 0] == 2


def test_environment_variable_is_next(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MANIFOLDVIZ_MNIST", str(_fake_mnist(tmp_path / "env.npz", fill=1)))
    mnist = load_mnist()
    assert (mnist.source.kind, int(mnist.x_train[0, 0, 0])) == ("env", 1)


def test_keras_cache_in_a_fresh_home(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    _fake_mnist(tmp_path / ".keras" / "datasets" / "mnist.npz", fill=3)
    mnist = load_mnist()
    assert mnist.source.kind == "keras-cache"
    assert mnist.source.location == str(tmp_path / ".keras" / "datasets" / "mnist.npz")


def test_keras_home_is_honoured(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    _fake_mnist(tmp_path / "kh" / "datasets" / "mnist.npz", fill=4)
    assert load_mnist().source.kind == "keras-cache"


def test_no_network_falls_back_to_sample_with_a_notice(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "empty"))
    monkeypatch.setenv("MANIFOLDVIZ_OFFLINE", "0")
    tried = []

    def no_network(address, timeout=None):
        tried.append(address)
        raise OSError("network unreachable")

    monkeypatch.setattr(data_module.socket, "create_connection", no_network)
    notices: list[str] = []
    mnist = load_mnist(progress=notices.append, limit=100)
    assert tried, "the download was not attempted"
    assert mnist.is_sample and len(notices) == 1 and "sample" in notices[0]


def test_offline_plan_skips_the_download() -> None:
    kinds = [s.kind for s in plan_sources(None, offline=True)]
    assert kinds == ["keras-cache", "sample"]
    assert [s.kind for s in plan_sources(None, offline=False)][1] == "keras-download"
    assert [s.kind for s in plan_sources("sample", offline=False)] == ["sample"]


def test_sample_is_real_mnist_and_cached(tmp_path: Path) -> None:
    (x_train, y_train), (x_test, _y_test) = load_mnist("sample")
    assert x_train.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28)
    assert np.bincount(y_train).tolist() == [400] * 10
    assert x_train.dtype == np.uint8 and x_train.max() == 255
    cached = cache_root() / "data" / "mnist-sample-5k-v2.npz"
    with np.load(cached, allow_pickle=False) as stored:
        np.testing.assert_array_equal(stored["x_train"], x_train)


def test_missing_path_is_an_input_error(tmp_path: Path, monkeypatch) -> None:
    with pytest.raises(InvalidInputError, match="does not exist"):
        load_mnist(tmp_path / "nope.npz")
    monkeypatch.setenv("MANIFOLDVIZ_MNIST", str(tmp_path / "gone.npz"))
    with pytest.raises(InvalidInputError, match="MANIFOLDVIZ_MNIST"):
        load_mnist()


def test_limit_is_class_stratified_and_seeded(tiny_mnist) -> None:
    assert len(tiny_mnist.y_train) == 300
    assert np.bincount(tiny_mnist.y_train).tolist() == [30] * 10
    again = load_mnist("sample", limit=300, seed=0)
    np.testing.assert_array_equal(again.x_train, tiny_mnist.x_train)
    assert again.fingerprint() == tiny_mnist.fingerprint()


def test_stratified_subset_keeps_shares(seed: int) -> None:
    y = np.repeat(np.arange(3), [600, 300, 100])
    chosen = stratified_subset(y, 100, seed=seed)
    assert len(chosen) == 100 and len(np.unique(chosen)) == 100
    assert np.bincount(y[chosen]).tolist() == [60, 30, 10]


def test_unpacks_like_keras(tiny_mnist) -> None:
    (x_train, _y_train), (_x_test, y_test) = tiny_mnist
    assert x_train is tiny_mnist.x_train and y_test is tiny_mnist.y_test
    assert tiny_mnist.describe()["source"] == "sample"
