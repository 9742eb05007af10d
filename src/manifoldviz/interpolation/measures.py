"""How digit-like an image is, by several measures, and the controls that decide which to trust.

A measure enters a verdict only after it has been checked on controls whose answer is known:
real test digits, the same digits blurred, pixel blends of two real digits of different classes
at t = 0.5 (the ghosts a pixel path goes through) and the autoencoder's outputs. A measure is
kept when it ranks the blends worse than real digits (:data:`SEPARATES_BLENDS`) and does not rank
blurred digits better than real ones (:data:`REWARDS_BLUR`). The autoencoder's own
reconstruction error is never kept: it is near zero for anything its decoder draws, so it favours
the latent path by construction; it stays in the outputs, labelled for what it is.

Everything here is numpy; the density of latent codes is fitted with scikit-learn once, when the
judges are built, and evaluated with numpy afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from manifoldviz.arrays import FloatArray
from manifoldviz.interpolation.nearest import NearestIndex
from manifoldviz.seeding import rng
from manifoldviz.statistics import LEVEL, N_RESAMPLES, percentile_interval, resample_counts

#: A kept measure ranks a pixel blend below a real digit at least this often (AUROC).
SEPARATES_BLENDS = 0.75
#: Below this AUROC a measure ranks blurred digits better than real ones: it rewards blur.
REWARDS_BLUR = 0.5
#: Pixels at or above this value count as ink.
INK_LEVEL = 0.1
#: Ink pixels between these values are mid-grey: the half-strength strokes of a double exposure.
GREY_BAND = (0.25, 0.75)
CONTROL_GROUPS = ("real", "blurred", "blend", "decoded")
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
        # One BLAS thread: the products of a small mixture are too small to share (measured
        # twice as fast on two cores as two threads that wait on each other).
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


def blur(x_flat: FloatArray, *, sigma: float = 1.0) -> FloatArray:
    """Each 28×28 image smoothed with a Gaussian of ``sigma`` pixels (peak rescaled to the
    original's, so blur is not confused with fading)."""
    from scipy.ndimage import gaussian_filter

    images = np.asarray(x_flat, np.float32).reshape(-1, 28, 28)
    blurred = gaussian_filter(images, sigma=(0, sigma, sigma), mode="constant")
    peak = images.max(axis=(1, 2), keepdims=True) / np.maximum(
        blurred.max(axis=(1, 2), keepdims=True), 1e-6
    )
    return np.clip(blurred * peak, 0, 1).reshape(len(images), -1).astype(np.float32)


def control_pairs(
    y: npt.NDArray[np.integer], n_pairs: int, *, seed: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """``n_pairs`` index pairs (A, B) of images of different classes, seeded.

    Parameters
    ----------
    y
        Labels of the images to draw from.
    n_pairs
        How many pairs (at most ``len(y)``); every A is a different image.
    seed
        Seeds the draw.

    Returns
    -------
    tuple of ndarray
        Indices of A and of B.
    """
    generator = rng(seed, "control-pairs")
    first = generator.permutation(len(y))[: min(n_pairs, len(y))]
    second = np.empty_like(first)
    for i, index in enumerate(first):
        others = np.flatnonzero(y != y[index])
        second[i] = others[generator.integers(len(others))]
    return first, second


def control_images(
    x_flat: FloatArray,
    y: npt.NDArray[np.integer],
    reconstruct: Callable[[FloatArray], FloatArray],
    *,
    n_pairs: int,
    seed: int,
) -> tuple[dict[str, FloatArray], npt.NDArray[np.integer]]:
    """The four control groups built from the same real digits, and their endpoint classes.

    Parameters
    ----------
    x_flat, y
        Real test digits (flattened, in [0, 1]) and their labels.
    reconstruct
        The autoencoder's reconstruction (the decoder's outputs for these digits).
    n_pairs, seed
        How many pairs of digits of different classes, and the seed that draws them.

    Returns
    -------
    tuple
        ``{group: images}`` for :data:`CONTROL_GROUPS` (digit A; A blurred; 0.5 A + 0.5 B; A
        through the autoencoder) and the (n, 2) classes (A's, B's) every image is judged against.
    """
    first, second = control_pairs(y, n_pairs, seed=seed)
    a, b = x_flat[first], x_flat[second]
    groups = {
        "real": a,
        "blurred": blur(a),
        "blend": (0.5 * a + 0.5 * b).astype(np.float32),
        "decoded": np.clip(np.asarray(reconstruct(a), np.float32), 0, 1),
    }
    classes = np.stack([y[first], y[second]], axis=1).astype(np.int64)
    return groups, classes


def auroc(worse_control: FloatArray, worse_real: FloatArray) -> float:
    """P(a control image scores worse than a real one), ties counted half (Mann-Whitney U).

    Both arrays are oriented so that larger is worse (:meth:`Measure.worse`).
    """
    control, real = np.asarray(worse_control, np.float64), np.asarray(worse_real, np.float64)
    if not len(control) or not len(real):
        return float("nan")
    return float(
        _weighted_auroc(control, real, np.ones((1, len(control))), np.ones((1, len(real))))[0]
    )


def _weighted_auroc(
    control: npt.NDArray[np.float64],
    real: npt.NDArray[np.float64],
    control_weights: npt.NDArray[np.float64],
    real_weights: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """AUROC of each row of weights (R, n): every control and real value counted as often as
    its weight says, so R bootstrap resamples cost one sort and R cumulative sums. A row that
    counts a NaN score has no AUROC (NaN), as a rank statistic over a NaN has none."""
    undefined = (control_weights[:, np.isnan(control)] > 0).any(axis=1) | (
        real_weights[:, np.isnan(real)] > 0
    ).any(axis=1)
    control, real = np.nan_to_num(control), np.nan_to_num(real)  # weighed 0 where not NaN-free
    order = np.argsort(real, kind="stable")
    sorted_real = real[order]
    below_at = np.searchsorted(sorted_real, control, side="left")
    through_at = np.searchsorted(sorted_real, control, side="right")
    cumulative = np.zeros((len(real_weights), len(real) + 1))
    np.cumsum(real_weights[:, order], axis=1, out=cumulative[:, 1:])
    below = cumulative[:, below_at]
    ties = cumulative[:, through_at] - below
    u = (control_weights * (below + 0.5 * ties)).sum(axis=1)
    result = u / (control_weights.sum(axis=1) * real_weights.sum(axis=1))
    return np.where(undefined, np.nan, result)


def paired_auroc_interval(
    worse_control: FloatArray,
    worse_real: FloatArray,
    *,
    seed: int,
    n_resamples: int = N_RESAMPLES,
    level: float = LEVEL,
) -> tuple[float, float]:
    """The bootstrap interval of the :func:`auroc` of paired rows (each control image and the
    real digit it was made from): :func:`~manifoldviz.statistics.bootstrap_interval`'s draws,
    computed for all resamples at once.

    Parameters
    ----------
    worse_control, worse_real
        (n,) scores oriented so that larger is worse, row i of each from the same digit.
    seed, n_resamples, level
        As for :func:`~manifoldviz.statistics.bootstrap_interval`.

    Returns
    -------
    tuple of float
        The interval's lower and upper ends.
    """
    control = np.asarray(worse_control, np.float64)
    real = np.asarray(worse_real, np.float64)
    n = len(control)
    if not n:
        return float("nan"), float("nan")
    counts = resample_counts(n, seed=seed, n_resamples=n_resamples)
    return percentile_interval(_weighted_auroc(control, real, counts, counts), level)


@dataclass(frozen=True)
class MeasureCheck:
    """One measure on the controls: its group means, its AUROCs against real digits, and why
    it is kept or not.

    ``auroc[group]`` is the probability that an image of ``group`` scores worse than a real
    digit (0.5: no difference; above: the group looks worse). ``real_spread`` is the standard
    deviation over real digits: the unit in which a difference between paths is judged.
    """

    name: str
    label: str
    higher_is_better: bool
    means: dict[str, float]
    auroc: dict[str, float]
    auroc_interval: dict[str, tuple[float, float]]
    real_spread: float
    kept: bool
    reason: str


@dataclass(frozen=True)
class ControlStudy:
    """Every measure checked on the controls; :attr:`kept` are the ones verdicts may use.

    Parameters
    ----------
    checks
        One :class:`MeasureCheck` per measure, in :data:`MEASURES` order.
    n_images
        Images per control group.
    """

    checks: list[MeasureCheck]
    n_images: int

    @property
    def kept(self) -> list[str]:
        """Names of the measures that passed the controls."""
        return [c.name for c in self.checks if c.kept]

    def check(self, name: str) -> MeasureCheck:
        """The check of measure ``name``."""
        return next(c for c in self.checks if c.name == name)

    def table(self) -> str:
        """A text table: group means, AUROCs, and the decision for each measure.

        Returns
        -------
        str
            A header, a rule, and one line per measure.
        """
        header = (
            f"{'measure':<22}{'real':>9}{'blurred':>9}{'blend':>9}{'decoded':>9}"
            f"{'AUC blend':>11}{'AUC blur':>10}{'AUC dec':>9}  decision"
        )
        lines = [header, "-" * len(header)]
        for c in self.checks:
            means = "".join(f"{c.means[g]:9.3f}" for g in CONTROL_GROUPS)
            aucs = f"{c.auroc['blend']:11.2f}{c.auroc['blurred']:10.2f}{c.auroc['decoded']:9.2f}"
            lines.append(f"{c.name:<22}{means}{aucs}  {c.reason}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: every check, the kept measures and the rule that kept them.

        Returns
        -------
        dict
            ``rule``, ``n_images``, ``kept`` and ``checks``.
        """
        return {
            "rule": (
                f"kept if AUROC(blend worse than real) >= {SEPARATES_BLENDS} and "
                f"AUROC(blurred worse than real) >= {REWARDS_BLUR}; never a measure that "
                "favours one path by construction"
            ),
            "n_images": self.n_images,
            "kept": self.kept,
            "checks": [asdict(c) for c in self.checks],
        }

    @classmethod
    def from_dict(cls, saved: Mapping[str, Any]) -> ControlStudy:
        """Rebuild a study from :meth:`to_dict` (as stored in the cache)."""
        checks = [
            MeasureCheck(
                **{
                    **c,
                    "auroc_interval": {k: tuple(v) for k, v in c["auroc_interval"].items()},
                }
            )
            for c in saved["checks"]
        ]
        return cls(checks=checks, n_images=int(saved["n_images"]))


def check_measures(
    scores: Mapping[str, Mapping[str, FloatArray]], *, seed: int = 0
) -> ControlStudy:
    """Decide which measures to keep from their scores on the control groups.

    Parameters
    ----------
    scores
        ``scores[group][measure]`` for every group of :data:`CONTROL_GROUPS`, the groups built
        from the same digits in the same order (:func:`control_images`).
    seed
        Seeds the bootstrap intervals of the AUROCs.

    Returns
    -------
    ControlStudy
        Every measure's check; :attr:`ControlStudy.kept` lists the survivors.
    """
    checks = []
    n = len(scores["real"]["confidence"])
    for measure in MEASURES.values():
        worse = {g: measure.worse(scores[g][measure.name]) for g in CONTROL_GROUPS}
        aurocs = {g: auroc(worse[g], worse["real"]) for g in CONTROL_GROUPS if g != "real"}
        intervals = {g: paired_auroc_interval(worse[g], worse["real"], seed=seed) for g in aurocs}
        if measure.by_construction:
            kept, reason = False, "not used: favours the latent path by construction"
        elif not aurocs["blend"] >= SEPARATES_BLENDS:
            kept, reason = False, "dropped: does not rank blends below real digits"
        elif not aurocs["blurred"] >= REWARDS_BLUR:
            kept, reason = False, "dropped: rewards blur"
        else:
            kept, reason = True, "kept"
        checks.append(
            MeasureCheck(
                name=measure.name,
                label=measure.label,
                higher_is_better=measure.higher_is_better,
                means={
                    g: round(float(np.mean(scores[g][measure.name])), 5) for g in CONTROL_GROUPS
                },
                auroc={"real": 0.5, **{g: round(v, 4) for g, v in aurocs.items()}},
                auroc_interval={
                    g: (round(lo, 4), round(hi, 4)) for g, (lo, hi) in intervals.items()
                },
                real_spread=round(float(np.std(scores["real"][measure.name])), 5),
                kept=kept,
                reason=reason,
            )
        )
    return ControlStudy(checks=checks, n_images=n)
