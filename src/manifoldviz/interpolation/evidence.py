"""Per-frame evidence of how far an interpolation frame is from the data manifold (pure).

Each frame gets the classifier's verdict and confidence, the autoencoder's reconstruction error
and the distance to the nearest training image; a path is summarised by these and compared.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

from manifoldviz.arrays import FloatArray


def nearest_distances(
    frames: FloatArray, reference: npt.NDArray[np.generic], *, batch: int = 8192
) -> FloatArray:
    """Euclidean distance from each frame to its nearest row of ``reference`` (both flattened).

    Computed as ``|f|² - 2 f·r + |r|²`` in blocks, so 60,000 training images need no more than
    a few tens of MB beyond the reference itself. A uint8 ``reference`` is read as value/255,
    converted one block at a time (no full float copy of the training set).
    """
    frames = frames.reshape(len(frames), -1).astype(np.float32)
    scale = np.float32(255.0) if reference.dtype == np.uint8 else np.float32(1.0)
    frames = frames * scale
    best = np.full(len(frames), np.inf, dtype=np.float32)
    frame_sq = np.einsum("ij,ij->i", frames, frames)
    for start in range(0, len(reference), batch):
        block = np.asarray(
            reference[start : start + batch].reshape(-1, frames.shape[1]), dtype=np.float32
        )
        block_sq = np.einsum("ij,ij->i", block, block)
        squared = frame_sq[:, None] - 2 * frames @ block.T + block_sq[None, :]
        best = np.minimum(best, squared.min(axis=1))
    return (np.sqrt(np.maximum(best, 0)) / scale).astype(np.float32)


@dataclass(frozen=True)
class FrameEvidence:
    """How digit-like one frame is."""

    t: float
    predicted: int
    confidence: float
    reconstruction_error: float
    nearest_distance: float


def frame_evidence(
    t: FloatArray,
    probabilities: FloatArray,
    reconstruction_error: FloatArray,
    nearest_distance: FloatArray,
) -> list[FrameEvidence]:
    """Bundle per-frame numbers: classifier verdict, distance to the manifold and to the data."""
    return [
        FrameEvidence(
            t=round(float(t[i]), 4),
            predicted=int(np.argmax(probabilities[i])),
            confidence=round(float(np.max(probabilities[i])), 4),
            reconstruction_error=round(float(reconstruction_error[i]), 5),
            nearest_distance=round(float(nearest_distance[i]), 4),
        )
        for i in range(len(t))
    ]


def path_summary(evidence: list[FrameEvidence]) -> dict[str, float]:
    """Means over the interior frames (the endpoints are real digits on both paths)."""
    inner = evidence[1:-1] or evidence
    return {
        "mean_confidence": round(float(np.mean([e.confidence for e in inner])), 4),
        "mean_reconstruction_error": round(
            float(np.mean([e.reconstruction_error for e in inner])), 5
        ),
        "mean_nearest_distance": round(float(np.mean([e.nearest_distance for e in inner])), 4),
    }


def verdict(pixel: dict[str, float], latent: dict[str, float]) -> str:
    """One sentence saying which path stays closer to the data manifold, with its numbers."""
    votes = sum(
        [
            latent["mean_reconstruction_error"] < pixel["mean_reconstruction_error"],
            latent["mean_nearest_distance"] < pixel["mean_nearest_distance"],
            latent["mean_confidence"] > pixel["mean_confidence"],
        ]
    )
    numbers = (
        f"reconstruction error {latent['mean_reconstruction_error']:.4f} vs "
        f"{pixel['mean_reconstruction_error']:.4f}, distance to nearest training digit "
        f"{latent['mean_nearest_distance']:.2f} vs {pixel['mean_nearest_distance']:.2f}, "
        f"classifier confidence {latent['mean_confidence']:.0%} vs {pixel['mean_confidence']:.0%}"
    )
    if votes >= 2:
        return f"The latent path stays on the data manifold more than the pixel path ({numbers})."
    return f"Here the pixel path looks as digit-like as the latent path ({numbers})."


def as_records(evidence: list[FrameEvidence]) -> list[dict[str, float | int]]:
    """Plain dicts for JSON."""
    return [asdict(e) for e in evidence]
