"""How digit-like an image is: the catalogue of measures and the judges that score frames.

:data:`MEASURES` declares every measure once (label, unit, direction, and whether it favours one
path by construction); :class:`Judges` scores images by all of them, with distances and ink
coverage calibrated on real test digits (:func:`calibration`, :func:`rescaled`). Which measures a
verdict may use is decided on controls in :mod:`~manifoldviz.interpolation.control_study`. The
autoencoder's own reconstruction error is scored but never kept: it is near zero for anything its
decoder draws, so it favours the latent path by construction; it stays in the outputs, labelled
for what it is.

Everything here is numpy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from manifoldviz.arrays import FloatArray
from manifoldviz.interpolation.density import GaussianMixtureDensity
from manifoldviz.interpolation.nearest import NearestIndex

#: Pixels at or above this value count as ink.
INK_LEVEL = 0.1
#: Ink pixels between these values are mid-grey: the half-strength strokes of a double exposure.
GREY_BAND = (0.25, 0.75)
RECONSTRUCTION_LABEL = "autoencoder's own error (favours the latent path by construction)"


@dataclass(frozen=True)
class Measure:
    """One way to score how digit-like an image is.

    Parameters
    ----------
    name
        Key in results files and :class:`~manifoldviz.interpolation.evidence.FrameEvidence`.
    label
        What a figure or a sentence calls it.
    unit
        What its values are in: probabilities for ``confidence`` and ``endpoint_mass``; nats
        for ``entropy`` (natural logarithm, everywhere, pages included); distances to the
        nearest training digit as multiples of a median real test digit's; ink coverage's
        distance from real digits' median in their interquartile ranges; the mid-grey share as
        a fraction of ink pixels.
    higher_is_better
        True when a larger value means more digit-like.
    by_construction
        True for a measure that favours one path by construction: shown, never kept.
    """

    name: str
    label: str
    unit: str
    higher_is_better: bool
    by_construction: bool = False

    def worse(self, values: npt.ArrayLike) -> FloatArray:
        """``values`` oriented so that larger is always worse (less digit-like)."""
        out = np.asarray(values, dtype=np.float32)
        return -out if self.higher_is_better else out


#: Every measure tried, in the order tables show them.
MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        Measure("confidence", "classifier confidence", "probability", True),
        Measure("entropy", "classifier entropy", "nats", False),
        Measure("endpoint_mass", "mass on the endpoint classes", "probability", True),
        Measure("feature_distance", "feature distance to training digits", "× median", False),
        Measure("nearest_distance", "pixel distance to training digits", "× median", False),
        Measure("ink_atypicality", "atypical ink coverage", "IQRs", False),
        Measure("grey_share", "mid-grey share of the ink", "share of ink", False),
        Measure("latent_nll", "latent code's negative log-density", "nats", False),
        Measure("reconstruction_error", RECONSTRUCTION_LABEL, "MSE", False, by_construction=True),
    )
}


def ink_coverage(x_flat: FloatArray) -> FloatArray:
    """Share of the image's pixels that carry ink (at least :data:`INK_LEVEL`)."""
    return np.mean(np.asarray(x_flat) >= INK_LEVEL, axis=1).astype(np.float32)


def grey_share(x_flat: FloatArray) -> FloatArray:
    """Share of the ink pixels that are mid-grey (:data:`GREY_BAND`): strokes at half strength.

    Real MNIST strokes are mostly near full strength with a thin anti-aliased rim; a 50/50 pixel
    blend draws every stroke that the two digits do not share at about half strength, and blur
    spreads every stroke into grey.
    """
    x = np.asarray(x_flat)
    ink = np.maximum((x >= INK_LEVEL).sum(axis=1), 1)
    grey = ((x >= GREY_BAND[0]) & (x <= GREY_BAND[1])).sum(axis=1)
    return (grey / ink).astype(np.float32)


def entropy(probabilities: FloatArray) -> FloatArray:
    """Shannon entropy of each row of class probabilities, in nats."""
    p = np.clip(np.asarray(probabilities, np.float64), 1e-12, 1.0)
    return (-(p * np.log(p)).sum(axis=1)).astype(np.float32)


@dataclass(frozen=True)
class Judges:
    """Everything that scores frames: the classifier, reference sets, the autoencoder, a density.

    Parameters
    ----------
    predict_proba, features
        The classifier's probabilities and its hidden-layer features of flattened images.
    feature_index
        Classifier features of training digits, indexed for each frame's nearest neighbour.
    pixel_index
        Training images (uint8), indexed for the nearest one in pixel space.
    encode, reconstruct
        The autoencoder used for the latent path (codes; its own reconstruction).
    density
        A density of the training digits' latent codes.
    scales
        Calibration on real test digits: median nearest-neighbour distances in features and
        pixels (so 1.0 means "as far as a typical real test digit"), and the median and IQR of
        their ink coverage.
    """

    predict_proba: Callable[[FloatArray], FloatArray]
    features: Callable[[FloatArray], FloatArray]
    feature_index: NearestIndex
    pixel_index: NearestIndex
    encode: Callable[[FloatArray], FloatArray]
    reconstruct: Callable[[FloatArray], FloatArray]
    density: GaussianMixtureDensity
    scales: dict[str, float] = field(default_factory=dict)

    def score(self, x_flat: FloatArray, classes: npt.NDArray[np.integer]) -> dict[str, FloatArray]:
        """Every measure of :data:`MEASURES` for each image.

        Parameters
        ----------
        x_flat
            (N, 784) images in [0, 1].
        classes
            (N, 2) the two endpoint classes each image is judged against (mass on them).

        Returns
        -------
        dict
            Measure name to an (N,) float32 array, plus ``predicted`` (the classifier's class).
        """
        x_flat = np.asarray(x_flat, np.float32).reshape(len(x_flat), -1)
        classes = np.asarray(classes).reshape(len(x_flat), 2)
        p = np.asarray(self.predict_proba(x_flat), np.float32)
        rows = np.arange(len(x_flat))
        mass = p[rows, classes[:, 0]] + np.where(
            classes[:, 0] != classes[:, 1], p[rows, classes[:, 1]], 0.0
        )
        features = self.feature_index.distances(np.asarray(self.features(x_flat)))
        pixels = self.pixel_index.distances(x_flat)
        coverage = ink_coverage(x_flat)
        codes = np.asarray(self.encode(x_flat), np.float32)
        reconstruction = np.asarray(self.reconstruct(x_flat), np.float32)
        raw = {
            "feature_distance": features,
            "nearest_distance": pixels,
            "ink_atypicality": coverage,
        }
        return {
            "confidence": p.max(axis=1),
            "entropy": entropy(p),
            "endpoint_mass": mass.astype(np.float32),
            **rescaled(raw, self.scales),
            "grey_share": grey_share(x_flat),
            "latent_nll": -self.density.log_density(codes),
            "reconstruction_error": np.mean((reconstruction - x_flat) ** 2, axis=1).astype(
                np.float32
            ),
            "predicted": np.argmax(p, axis=1).astype(np.float32),
        }


def rescaled(
    scores: Mapping[str, FloatArray], scales: Mapping[str, float]
) -> dict[str, FloatArray]:
    """The calibrated measures from the uncalibrated ones (a judge without scales scores ink
    atypicality as the raw ink coverage): distances in median real digits', ink coverage's
    distance from real digits' median in their IQRs.

    Parameters
    ----------
    scores
        ``feature_distance``, ``nearest_distance`` and ``ink_atypicality`` of judges without
        scales (other keys are left out).
    scales
        As measured by :func:`calibration`.

    Returns
    -------
    dict
        The three measures, calibrated.
    """
    return {
        "feature_distance": scores["feature_distance"]
        / np.float32(scales.get("feature_distance", 1.0)),
        "nearest_distance": scores["nearest_distance"]
        / np.float32(scales.get("nearest_distance", 1.0)),
        "ink_atypicality": (
            np.abs(scores["ink_atypicality"] - scales.get("ink_median", 0.0))
            / scales.get("ink_iqr", 1.0)
        ).astype(np.float32),
    }


def calibration(real_scores: Mapping[str, FloatArray]) -> dict[str, float]:
    """Scales measured on real test digits' scores by judges without scales.

    Parameters
    ----------
    real_scores
        :meth:`Judges.score` of real test digits (a few hundred are enough) by judges whose
        ``scales`` are empty.

    Returns
    -------
    dict
        Median nearest-neighbour distances in features and pixels (so 1.0 reads "as far as a
        typical real digit"), and the median and IQR of real digits' ink coverage.
    """
    q25, q50, q75 = np.percentile(real_scores["ink_atypicality"], [25, 50, 75])
    return {
        "feature_distance": float(np.median(real_scores["feature_distance"])) or 1.0,
        "nearest_distance": float(np.median(real_scores["nearest_distance"])) or 1.0,
        "ink_median": float(q50),
        "ink_iqr": float(q75 - q25) or 1.0,
    }
