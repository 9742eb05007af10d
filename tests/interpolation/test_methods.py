"""The path stage: every method behind one call, on a tiny autoencoder whose geometry is known."""

from __future__ import annotations

import numpy as np
import pytest

from manifoldviz.choices import METHODS
from manifoldviz.errors import InvalidInputError
from manifoldviz.interpolation.methods import GraphSource, check_methods, path
from manifoldviz.store import Store


class LinearAutoencoder:
    """Codes are the first 8 principal directions of the data: decode(encode(x)) projects."""

    def __init__(self, x_flat: np.ndarray) -> None:
        self.mean = x_flat.mean(axis=0)
        _, _, vt = np.linalg.svd(x_flat - self.mean, full_matrices=False)
        self.basis = vt[:8].astype(np.float32)

    def encode(self, x: np.ndarray) -> np.ndarray:
        return ((np.asarray(x, np.float32) - self.mean) @ self.basis.T).astype(np.float32)

    def decode(self, z: np.ndarray) -> np.ndarray:
        return (np.asarray(z, np.float32) @ self.basis + self.mean).astype(np.float32)


@pytest.fixture(scope="module")
def digits(tiny_mnist):
    x = tiny_mnist.x_train.reshape(len(tiny_mnist.x_train), -1).astype(np.float32) / 255
    return x, LinearAutoencoder(x)


@pytest.mark.parametrize("method", [m for m in METHODS if m != "isomap"])
def test_every_method_gives_frames_in_range_with_its_endpoints(digits, method: str) -> None:
    x, ae = digits
    frames = path(method, ae, x[0], x[1], 7)
    assert frames.method == method and frames.frames.shape == (7, 784)
    assert frames.frames.dtype == np.float32
    assert frames.frames.min() >= 0 and frames.frames.max() <= 1
    if method in ("pixel", "transport"):
        np.testing.assert_array_equal(frames.frames[[0, -1]], x[:2])
        assert frames.codes is None
    else:
        ends = np.clip(ae.decode(ae.encode(x[:2])), 0, 1)
        np.testing.assert_allclose(frames.frames[[0, -1]], ends, atol=1e-5)
        assert frames.codes is not None and frames.codes.shape == (7, 8)


def test_a_geodesic_under_a_linear_decoder_is_the_straight_line(digits) -> None:
    x, ae = digits
    geodesic = path("geodesic", ae, x[0], x[1], 6)
    linear = path("linear", ae, x[0], x[1], 6)
    assert geodesic.converged is True and geodesic.note is None
    # Flat geometry, unclipped region aside: the same codes at even steps.
    np.testing.assert_allclose(geodesic.codes, linear.codes, atol=0.05 * np.ptp(linear.codes))


def test_an_unconverged_geodesic_says_so(digits, monkeypatch) -> None:
    from manifoldviz.interpolation import geodesic

    solve = geodesic.geodesic_curve
    monkeypatch.setattr(
        geodesic,
        "geodesic_curve",
        lambda *args, **kwargs: solve(*args, **{**kwargs, "max_iterations": 1, "tolerance": 1e-12}),
    )

    class Bent(LinearAutoencoder):
        def decode(self, z: np.ndarray) -> np.ndarray:
            return 1 / (1 + np.exp(-3 * super().decode(z)))

    x, _ = digits
    frames = path("geodesic", Bent(x), x[0], x[1], 5)
    assert frames.converged is False
    assert frames.note is not None and "not a geodesic" in frames.note
    assert frames.info["n_iterations"] == 1


def test_the_isomap_path_walks_through_training_digits(tiny_mnist, digits, tmp_path) -> None:
    x, ae = digits
    graph = GraphSource(tiny_mnist, Store(tmp_path))
    test = tiny_mnist.x_test.reshape(len(tiny_mnist.x_test), -1).astype(np.float32) / 255
    frames = path("isomap", ae, test[0], test[1], 9, graph=graph)
    assert frames.frames.shape == (9, 784) and len(frames.info["chain"]) >= 1
    assert all(0 <= i < len(x) for i in frames.info["chain"])
    # Every frame is close to the data: no farther from its nearest training digit than the
    # straight latent line's worst frame.
    linear = path("linear", ae, test[0], test[1], 9)

    def nearest(frames_: np.ndarray) -> np.ndarray:
        return np.sqrt(((frames_[:, None, :] - x[None]) ** 2).sum(-1)).min(axis=1)

    assert nearest(frames.frames).max() <= nearest(linear.frames).max() + 1e-6
    # Built once, then kept in the store.
    again = GraphSource(tiny_mnist, Store(tmp_path))
    np.testing.assert_array_equal(again.graph.indices, graph.graph.indices)


@pytest.mark.parametrize(
    ("methods", "message"),
    [
        ((), "at least one"),
        (("pixel", "wavelet"), "unknown method"),
        (("linear", "linear"), "twice"),
    ],
)
def test_bad_methods_are_one_line_naming_the_parameter(methods, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message) as raised:
        check_methods(methods)
    assert raised.value.param == "methods" and "\n" not in str(raised.value)


def test_isomap_without_a_graph_is_refused(digits) -> None:
    x, ae = digits
    with pytest.raises(InvalidInputError, match="graph"):
        path("isomap", ae, x[0], x[1], 4)


def test_a_training_set_smaller_than_k_still_gets_a_graph(tmp_path) -> None:
    from types import SimpleNamespace

    from manifoldviz.interpolation.methods import training_graph

    points = np.random.default_rng(0).integers(0, 256, (6, 784)).astype(np.uint8)
    data = SimpleNamespace(fingerprint=lambda: "six-images")
    graph = training_graph(data, points, store=Store(tmp_path))
    assert graph.k == 5 and graph.n == 6
