"""The VAE: trained through the one loop with its KL term, cached, usable everywhere; its map."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from manifoldviz.data.transforms import flatten_scaled
from manifoldviz.interpolation.latent_grid import QUANTILES, latent_grid


def test_plane_grid_goes_through_both_endpoints_and_the_mean(seed: int) -> None:
    generator = np.random.default_rng(seed)
    a, b, mean = generator.normal(size=(3, 6))
    codes = np.stack([a + t * (b - a) for t in np.linspace(0, 1, 5)])
    seen: list[np.ndarray] = []

    def decode(z: np.ndarray) -> np.ndarray:
        seen.append(z)
        return np.zeros((len(z), 784), np.float32)

    grid = latent_grid(decode, codes, mean=mean, spread=np.ones(6), variational=False, n=9)
    assert grid.kind == "plane" and grid.images.shape == (9, 9, 28, 28)
    # Rebuild A and B from their plane coordinates: the plane holds them exactly.
    grid_codes = seen[0].reshape(9, 9, 6)
    first = (grid_codes[0, 1] - grid_codes[0, 0]) / (grid.u[1] - grid.u[0])
    second = (grid_codes[1, 0] - grid_codes[0, 0]) / (grid.v[1] - grid.v[0])
    for name, code in (("A", a), ("B", b)):
        u, v = grid.marks[name]
        np.testing.assert_allclose(mean + u * first + v * second, code, atol=1e-4)
    np.testing.assert_allclose(grid.path[0], grid.marks["A"], atol=1e-5)
    assert grid.u[0] < min(0, grid.marks["A"][0], grid.marks["B"][0])  # all inside, margin round


def test_two_dimensional_grid_follows_the_prior_quantiles() -> None:
    from scipy.stats import norm

    codes = np.array([[0.0, 0.0], [1.0, 1.0]])
    decode = lambda z: np.zeros((len(z), 784), np.float32)  # noqa: E731
    grid = latent_grid(decode, codes, mean=np.ones(2), spread=np.ones(2), variational=True, n=5)
    np.testing.assert_allclose(grid.u, norm.ppf(np.linspace(*QUANTILES, 5)), rtol=1e-5)
    assert grid.kind == "prior"
    near = np.array([[3.0, 0.0], [3.5, 0.5]])
    shifted = latent_grid(
        decode, near, mean=np.array([3.0, 0.0]), spread=np.array([2.0, 1.0]), variational=False
    )
    assert shifted.u.mean() == pytest.approx(3.0, abs=1e-5)  # a plain autoencoder's stand-in
    far = latent_grid(
        decode,
        np.array([[0.0, 0.0], [0.0, -4.0]]),
        mean=np.zeros(2),
        spread=np.ones(2),
        variational=True,
        n=5,
    )
    assert far.v[0] < -4.0 < far.v[1]  # the grid widens to reach an endpoint in the tail


@pytest.mark.slow
def test_vae_trains_through_the_loop_with_its_kl_term(tiny_mnist, seed: int) -> None:
    import keras

    from manifoldviz.models.architectures import autoencoder
    from manifoldviz.models.dense_runtime import DenseStack
    from manifoldviz.seeding import seed_everything
    from manifoldviz.training.loop import fit

    seed_everything(seed)
    model, encoder, decoder = autoencoder("vae", 2)
    x_test = flatten_scaled(tiny_mnist.x_test)
    history = fit(
        model,
        tiny_mnist.x_train.reshape(len(tiny_mnist.x_train), -1),
        task="reconstruct",
        n_epochs=6,
        batch_size=32,
        seed=seed,
        validation_data=(x_test, None),
    )
    assert history["val_loss"][-1] < history["val_loss"][0]
    reconstruction = float(keras.losses.BinaryCrossentropy()(x_test, model(x_test)))
    kl_share = history["val_loss"][-1] - reconstruction
    assert 0.001 < kl_share < 0.05  # KL/784 of a 2-D code: a few nats per image
    z = DenseStack.from_keras(encoder)(x_test)
    np.testing.assert_allclose(z, encoder.predict(x_test, verbose=0), rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(
        DenseStack.from_keras(decoder)(z), decoder.predict(z, verbose=0), atol=1e-4
    )


@pytest.fixture(scope="module")
def vae_morph(tiny_mnist):
    from manifoldviz.reports.interpolation import interpolate

    return interpolate(0, 6, n_steps=5, data=tiny_mnist, model="vae", latent_dim=2)


@pytest.mark.slow
def test_interpolate_with_the_vae_and_its_latent_map(vae_morph, tmp_path: Path) -> None:
    assert vae_morph.settings["autoencoder"]["architecture"] == "vae"
    assert vae_morph.latent.shape == (5, 28, 28)
    assert vae_morph.grid is not None and vae_morph.grid.kind == "prior"
    path = vae_morph.save_latent_grid(tmp_path / "map.png")
    with Image.open(path) as image:
        assert image.size[0] > 800 and len(image.convert("RGB").getcolors(1 << 16) or []) > 50
    again = vae_morph.save_latent_grid(tmp_path / "map.png").read_bytes()
    assert again == path.read_bytes()


@pytest.mark.slow
def test_vae_is_cached_and_runs_without_tensorflow_next_time(tiny_mnist, vae_morph) -> None:
    from manifoldviz.reports.interpolation import interpolate

    messages: list[str] = []
    again = interpolate(
        0, 6, n_steps=5, data=tiny_mnist, model="vae", latent_dim=2, progress=messages.append
    )
    assert not any("epoch" in m for m in messages)
    np.testing.assert_array_equal(again.latent, vae_morph.latent)


@pytest.mark.slow
def test_a_larger_latent_gets_the_plane_through_a_and_b(tiny_mnist, tmp_path: Path) -> None:
    from manifoldviz.reports.interpolation import interpolate

    result = interpolate(2, 7, n_steps=4, data=tiny_mnist, model="vae", latent_dim=8)
    assert result.grid is not None and result.grid.kind == "plane"
    assert result.grid.marks["mean"] == (0.0, 0.0)
    assert result.save_latent_grid(tmp_path / "plane.svg").stat().st_size > 10_000


@pytest.mark.slow
def test_trajectory_of_the_vae_records_its_mean_code(tiny_mnist, tmp_path: Path) -> None:
    from manifoldviz.store import Store
    from manifoldviz.trajectories.trajectory import TrajectoryConfig, run

    config = TrajectoryConfig(model="vae", n_epochs=2, probe_size=40, first_epoch_snapshots=1)
    result = run(config, data=tiny_mnist, store=Store(tmp_path))
    record = result.runs["true"]
    assert record.representations.shape[1:] == (40, 16)
    assert result.frames["true"].shape[-1] == 2
