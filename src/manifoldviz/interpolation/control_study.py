"""Which measures to trust, decided on controls whose answer is known.

A measure enters a verdict only after it has been checked on controls: real test digits, the
same digits blurred, pixel blends of two real digits of different classes at t = 0.5 (the ghosts
a pixel path goes through) and the autoencoder's outputs (:func:`control_images`). A measure is
kept when it ranks the blends worse than real digits (:data:`SEPARATES_BLENDS`) and does not rank
blurred digits better than real ones (:data:`REWARDS_BLUR`); a measure that favours one path by
construction (the autoencoder's own reconstruction error) is never kept. The AUROCs and their
paired bootstrap intervals come from :mod:`manifoldviz.statistics`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from manifoldviz.arrays import FloatArray
from manifoldviz.interpolation.measures import MEASURES
from manifoldviz.seeding import rng
from manifoldviz.statistics import auroc, paired_auroc_interval

#: A kept measure ranks a pixel blend below a real digit at least this often (AUROC).
SEPARATES_BLENDS = 0.75
#: Below this AUROC a measure ranks blurred digits better than real ones: it rewards blur.
REWARDS_BLUR = 0.5
#: The control images every measure is checked on, in the order tables show them.
CONTROL_GROUPS = ("real", "blurred", "blend", "decoded")


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
    """Every measure checked on the controls; ``kept`` are the ones verdicts may use.

    Parameters
    ----------
    checks
        One :class:`MeasureCheck` per measure, in
        :data:`~manifoldviz.interpolation.measures.MEASURES` order.
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
