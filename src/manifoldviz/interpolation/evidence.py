"""Per-frame evidence of how digit-like an interpolation frame is, and the verdict it supports.

Each frame gets every measure of :mod:`~manifoldviz.interpolation.measures`; a path is summarised
by their means (and worst values) over its interior frames; the verdict compares the two paths
only on the measures that passed the controls, and says so when they disagree or favour the
pixel path. The autoencoder's own reconstruction error is reported, labelled as favouring the
latent path by construction, and never votes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from manifoldviz.arrays import FloatArray
from manifoldviz.interpolation.control_study import ControlStudy
from manifoldviz.interpolation.measures import MEASURES, RECONSTRUCTION_LABEL
from manifoldviz.interpolation.nearest import nearest_distances

__all__ = [
    "FrameEvidence",
    "PathComparison",
    "as_records",
    "compare_paths",
    "frame_evidence",
    "nearest_distances",
    "path_summary",
    "verdict",
]

#: A difference between the paths smaller than this many real-digit standard deviations is a tie.
TIE = 0.1


@dataclass(frozen=True)
class FrameEvidence:
    """How digit-like one frame is, by every measure (see
    :data:`~manifoldviz.interpolation.measures.MEASURES`).

    Distances are in units of a median real test digit's; ``reconstruction_error`` is the
    autoencoder's own error, which favours the latent path by construction.
    """

    t: float
    predicted: int
    confidence: float
    entropy: float
    endpoint_mass: float
    feature_distance: float
    nearest_distance: float
    ink_atypicality: float
    grey_share: float
    latent_nll: float
    reconstruction_error: float


def frame_evidence(t: FloatArray, scores: dict[str, FloatArray]) -> list[FrameEvidence]:
    """Bundle per-frame scores (from :meth:`Judges.score
    <manifoldviz.interpolation.measures.Judges.score>`) into one record per frame."""
    return [
        FrameEvidence(
            t=round(float(t[i]), 4),
            predicted=int(scores["predicted"][i]),
            **{name: round(float(scores[name][i]), 5) for name in MEASURES},
        )
        for i in range(len(t))
    ]


def path_summary(evidence: list[FrameEvidence]) -> dict[str, float]:
    """Mean and worst value of every measure over the interior frames (the endpoints are the
    same kind of image on both paths).

    Returns
    -------
    dict
        ``mean_<measure>`` and ``worst_<measure>`` for every measure.
    """
    inner = evidence[1:-1] or evidence
    summary = {}
    for name, measure in MEASURES.items():
        values = np.array([getattr(e, name) for e in inner], dtype=np.float64)
        worst = values.min() if measure.higher_is_better else values.max()
        summary[f"mean_{name}"] = round(float(values.mean()), 5)
        summary[f"worst_{name}"] = round(float(worst), 5)
    return summary


@dataclass(frozen=True)
class PathComparison:
    """One kept measure's comparison of the two paths' interior means.

    ``advantage`` is how much better the latent path does, in standard deviations of the
    measure over real digits (positive: latent better); ``winner`` is ``"latent"``, ``"pixel"``
    or ``"tie"`` (within :data:`TIE`).
    """

    name: str
    label: str
    pixel: float
    latent: float
    advantage: float
    winner: str


def compare_paths(
    pixel: dict[str, float], latent: dict[str, float], study: ControlStudy
) -> list[PathComparison]:
    """Compare two path summaries on each measure that passed the controls.

    Parameters
    ----------
    pixel, latent
        :func:`path_summary` of each path.
    study
        The control study that says which measures to use and their spread on real digits.

    Returns
    -------
    list of PathComparison
        One per kept measure.
    """
    out = []
    for name in study.kept:
        check = study.check(name)
        key = f"mean_{name}"
        sign = 1.0 if check.higher_is_better else -1.0
        spread = check.real_spread or 1e-9
        advantage = sign * (latent[key] - pixel[key]) / spread
        winner = "tie" if abs(advantage) < TIE else ("latent" if advantage > 0 else "pixel")
        out.append(
            PathComparison(
                name, check.label, pixel[key], latent[key], round(float(advantage), 3), winner
            )
        )
    return out


def _numbers(comparisons: list[PathComparison]) -> str:
    return "; ".join(f"{c.label} {c.latent:.3g} vs {c.pixel:.3g}" for c in comparisons)


def verdict(
    pixel: dict[str, float],
    latent: dict[str, float],
    study: ControlStudy,
    *,
    names: tuple[str, str] = ("pixel", "latent"),
) -> str:
    """One plain sentence on what the measures that passed the controls say about two paths.

    It names the measures and their numbers (the second path vs the first, interior means),
    says when they disagree or favour the first, and reports the autoencoder's own error
    separately.

    Parameters
    ----------
    pixel, latent
        :func:`path_summary` of the reference path and of the path judged against it.
    study
        Which measures passed the controls.
    names
        What the two paths are called in the sentence (``"pixel"``, ``"geodesic"``...).

    Returns
    -------
    str
        The verdict.
    """
    first, second = names
    own_error = (
        f" The {RECONSTRUCTION_LABEL}: {latent['mean_reconstruction_error']:.4f} vs "
        f"{pixel['mean_reconstruction_error']:.4f}."
    )
    comparisons = compare_paths(pixel, latent, study)
    if not comparisons:
        return "No measure passed the controls on this data, so there is no verdict." + own_error
    winners = {c.winner for c in comparisons}
    numbers = f"({_numbers(comparisons)}, {second} vs {first})"
    better = [c.label for c in comparisons if c.winner == "latent"]
    worse = [c.label for c in comparisons if c.winner == "pixel"]
    even = [c.label for c in comparisons if c.winner == "tie"]
    no_difference = f"; no difference by {', '.join(even)}" if even else ""
    if winners == {"tie"}:
        head = "By the measures that passed the controls, the two paths look equally digit-like"
    elif winners <= {"latent", "tie"}:
        head = (
            f"By the measures that passed the controls, the {second} path stays closer to real "
            f"digits than the {first} path: better by {', '.join(better)}{no_difference}"
        )
    elif winners <= {"pixel", "tie"}:
        head = (
            f"By the measures that passed the controls, the {second} path does not stay closer "
            f"to real digits than the {first} path: the {first} path does better by "
            f"{', '.join(worse)}{no_difference}"
        )
    else:
        head = (
            f"The evidence is mixed: the {second} path does better by {', '.join(better)}, the "
            f"{first} path by {', '.join(worse)}{no_difference}"
        )
    return f"{head} {numbers}.{own_error}"


def as_records(evidence: list[FrameEvidence]) -> list[dict[str, float | int]]:
    """Plain dicts for JSON."""
    return [asdict(e) for e in evidence]
