"""The density of latent codes: a Gaussian mixture fitted by scikit-learn, evaluated with numpy.

The judges score a frame by its latent code's negative log-density under a mixture fitted to
training digits' codes (``latent_nll``). The mixture is fitted once, when the judges are built,
and its parameters are kept in the model store; evaluating it afterwards needs numpy only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from manifoldviz.arrays import FloatArray


class GaussianMixtureDensity:
    """A Gaussian mixture's log-density evaluated with numpy (fitted by scikit-learn).

    Parameters
    ----------
    weights, means, precisions_cholesky
        scikit-learn's ``weights_``, ``means_`` and ``precisions_cholesky_`` of a full-covariance
        mixture: (K,), (K, D) and (K, D, D).
    """

    def __init__(
        self, weights: npt.ArrayLike, means: npt.ArrayLike, precisions_cholesky: npt.ArrayLike
    ):
        self.weights = np.asarray(weights, np.float64)
        self.means = np.asarray(means, np.float64)
        self.precisions_cholesky = np.asarray(precisions_cholesky, np.float64)

    @classmethod
    def fit(cls, z: FloatArray, *, n_components: int, seed: int) -> GaussianMixtureDensity:
        """Fit a full-covariance mixture to codes ``z`` (N, D)."""
        from sklearn.mixture import GaussianMixture
        from threadpoolctl import threadpool_limits

        n_components = max(1, min(n_components, len(z) // 20))
        # One BLAS thread: the products of a small mixture are too small to share
        # (``bench_statistics.py --parts density``).
        with threadpool_limits(1, user_api="blas"):
            mixture = GaussianMixture(
                n_components, covariance_type="full", reg_covar=1e-4, random_state=seed % 2**32
            ).fit(np.asarray(z, np.float64))
        return cls(mixture.weights_, mixture.means_, mixture.precisions_cholesky_)

    def log_density(self, z: FloatArray) -> FloatArray:
        """Log-density of each row of ``z`` under the mixture."""
        z = np.asarray(z, np.float64)
        dim = z.shape[1]
        per_component = []
        for weight, mean, chol in zip(
            self.weights, self.means, self.precisions_cholesky, strict=True
        ):
            y = (z - mean) @ chol
            log_det = np.sum(np.log(np.diag(chol)))
            per_component.append(
                np.log(weight) + log_det - 0.5 * (dim * np.log(2 * np.pi) + np.sum(y * y, axis=1))
            )
        stacked = np.stack(per_component, axis=1)
        top = stacked.max(axis=1, keepdims=True)
        return (top[:, 0] + np.log(np.exp(stacked - top).sum(axis=1))).astype(np.float32)

    def mean(self) -> FloatArray:
        """The mixture's mean (for a fitted mixture, the training codes' mean)."""
        return (self.weights @ self.means).astype(np.float32)

    def covariance(self) -> FloatArray:
        """The mixture's overall covariance matrix."""
        mean = self.weights @ self.means
        total = -np.outer(mean, mean)
        for weight, centre, chol in zip(
            self.weights, self.means, self.precisions_cholesky, strict=True
        ):
            total += weight * (np.linalg.inv(chol @ chol.T) + np.outer(centre, centre))
        return total.astype(np.float32)

    def to_arrays(self) -> dict[str, Any]:
        """The parameters as arrays, for an .npz file."""
        return {
            "weights": self.weights,
            "means": self.means,
            "precisions_cholesky": self.precisions_cholesky,
        }
