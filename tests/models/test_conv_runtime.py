"""The numpy runtime of convolutional models computes what Keras computes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from manifoldviz.models.conv_runtime import LayerStack, conv2d, conv2d_transpose


def _with_random_biases(model, seed: int) -> None:
    """Give every layer non-zero biases, so the comparison exercises them too."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        weights = layer.get_weights()
        if len(weights) == 2:
            layer.set_weights([weights[0], rng.normal(0, 0.1, weights[1].shape)])


@pytest.mark.parametrize("latent_dim", [2, 16])
def test_conv_autoencoder_matches_keras(latent_dim: int, seed: int, tmp_path: Path) -> None:
    from manifoldviz.models.architectures import conv_autoencoder
    from manifoldviz.seeding import seed_everything

    seed_everything(seed)
    _, encoder, decoder = conv_autoencoder(latent_dim)
    _with_random_biases(encoder, seed)
    _with_random_biases(decoder, seed + 1)
    x = np.random.default_rng(seed).random((7, 784)).astype(np.float32)
    z = np.asarray(encoder(x))
    for model, inputs in ((encoder, x), (decoder, z)):
        LayerStack.from_keras(model).save(tmp_path / "stack.npz")
        ours = LayerStack.load(tmp_path / "stack.npz")(inputs)
        np.testing.assert_allclose(ours, np.asarray(model(inputs)), atol=1e-5)


@pytest.mark.parametrize(("size", "stride", "kernel"), [(7, 2, 3), (8, 2, 3), (5, 1, 3), (6, 3, 2)])
def test_transposed_convolution_is_the_adjoint_of_convolution(size, stride, kernel) -> None:
    # <conv(x), y> == <x, conv_transpose(y)> for every x, y: the defining property.
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(kernel, kernel, 3, 4)).astype(np.float32)
    x = rng.normal(size=(2, size * stride, size * stride, 3)).astype(np.float32)
    y_shape = conv2d(x, weights, stride, "same").shape
    y = rng.normal(size=y_shape).astype(np.float32)
    back = conv2d_transpose(y, weights, stride, "same")  # Keras keeps (k, k, out, in) here
    assert back.shape == x.shape
    forward = float(np.sum(conv2d(x, weights, stride, "same") * y))
    assert forward == pytest.approx(float(np.sum(x * back)), rel=1e-4)


def test_unknown_layers_are_refused() -> None:
    from manifoldviz.keras_import import keras_module

    keras = keras_module()
    model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.MaxPooling2D()])
    with pytest.raises(ValueError, match="MaxPooling2D"):
        LayerStack.from_keras(model)


@pytest.mark.slow
def test_a_cached_conv_autoencoder_runs_without_tensorflow(tiny_mnist) -> None:
    from manifoldviz.models.cached import AutoencoderSpec, autoencoder

    spec = AutoencoderSpec(architecture="conv", latent_dim=8, n_epochs=1)
    trained = autoencoder(tiny_mnist, spec)
    code = (
        "import sys\n"
        "from manifoldviz.data.sources import load_mnist\n"
        "from manifoldviz.models.cached import AutoencoderSpec, autoencoder\n"
        "data = load_mnist('sample', limit=300, seed=0)\n"
        "ae = autoencoder(data, AutoencoderSpec(architecture='conv', latent_dim=8, n_epochs=1))\n"
        "import numpy as np\n"
        "np.save(sys.argv[1], ae.reconstruct(data.x_test[:4].reshape(4, -1) / np.float32(255)))\n"
        "assert 'tensorflow' not in sys.modules, 'TensorFlow was imported'\n"
    )
    out = Path(subprocess.run(["mktemp", "-d"], capture_output=True, text=True).stdout.strip())
    subprocess.run([sys.executable, "-c", code, str(out / "r.npy")], check=True)
    expected = trained.reconstruct(tiny_mnist.x_test[:4].reshape(4, -1) / np.float32(255))
    np.testing.assert_allclose(np.load(out / "r.npy"), expected, atol=1e-5)
