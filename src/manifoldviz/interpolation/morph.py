"""Pixel-space versus latent-space interpolation between two MNIST digits, with evidence.

:func:`morph` loads the data, gets the trained models from the store (training them once
if needed), picks the endpoint images and returns a :class:`Morph` holding both
paths and, per frame, every measure of :mod:`~manifoldviz.interpolation.measures`, the control
study that says which of them a verdict may use, and the verdict.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from manifoldviz.arrays import FloatArray
from manifoldviz.data.sources import MnistData, load_mnist
from manifoldviz.data.transforms import flatten_scaled
from manifoldviz.errors import InvalidInputError
from manifoldviz.interpolation import evidence, paths
from manifoldviz.interpolation.controls import judges_for
from manifoldviz.interpolation.evidence import FrameEvidence
from manifoldviz.interpolation.latent_grid import LatentGrid, latent_grid
from manifoldviz.models.cached import AutoencoderSpec, ClassifierSpec, autoencoder, classifier
from manifoldviz.progress import Progress
from manifoldviz.seeding import rng
from manifoldviz.store import Store

PATH_NAMES = ("pixel", "latent")
#: Where the pixel path starts and ends: the test images, or the autoencoder's reconstructions of
#: them (then both paths share their endpoints, and any difference is the path's own).
ENDPOINTS = ("original", "reconstructed")


@dataclass(frozen=True)
class Morph:
    """Both interpolation paths and the per-frame evidence (plain data).

    ``pixel`` and ``latent`` are float32 arrays (n_steps, 28, 28) in [0, 1]; ``pixel`` starts
    and ends exactly at the two endpoint images (their reconstructions, with
    ``endpoints="reconstructed"``). ``evidence`` maps each path name to one
    :class:`~manifoldviz.interpolation.evidence.FrameEvidence` per frame; ``controls`` is the
    control study (:meth:`~manifoldviz.interpolation.measures.ControlStudy.to_dict`) that chose
    the measures the verdict rests on; ``grid`` is the decoder's latent map with the latent
    path on it (:mod:`~manifoldviz.interpolation.latent_grid`).
    """

    pixel: FloatArray
    latent: FloatArray
    t: FloatArray
    evidence: dict[str, list[FrameEvidence]]
    summary: dict[str, dict[str, float]]
    verdict: str
    settings: dict[str, Any] = field(default_factory=dict)
    controls: dict[str, Any] = field(default_factory=dict)
    grid: LatentGrid | None = field(default=None, repr=False, compare=False)

    @property
    def digits(self) -> tuple[int, int]:
        return int(self.settings["digit_a"]), int(self.settings["digit_b"])

    def table(self) -> str:
        """A short text table of the per-frame evidence for both paths.

        Columns: predicted class and confidence, probability on the two endpoint classes,
        nearest training digit in classifier features (1.0 = a median real digit), share of
        mid-grey ink, and the autoencoder's own error (favours the latent path by construction).
        Measures that passed the controls are marked ``*``.

        Returns
        -------
        str
            One header line, a rule, one line per frame, and the key.
        """
        kept = set(self.controls.get("kept", []))
        columns = [
            ("confidence", "conf"),
            ("endpoint_mass", "mass"),
            ("feature_distance", "feat"),
            ("grey_share", "grey"),
            ("reconstruction_error", "own-err"),
        ]
        names = [f"{short}{'*' if name in kept else ''}" for name, short in columns]
        half = "pred " + " ".join(f"{n:>8}" for n in names)
        header = f"{'t':>5} | pixel:  {half} | latent: {half}"
        lines = [header, "-" * len(header)]
        for p, q in zip(self.evidence["pixel"], self.evidence["latent"], strict=True):
            cells = []
            for e in (p, q):
                values = " ".join(f"{getattr(e, name):8.3f}" for name, _ in columns)
                cells.append(f"{e.predicted:>4d} {values}")
            lines.append(f"{p.t:5.2f} |        {cells[0]} |         {cells[1]}")
        lines.append(
            "* passed the controls; own-err is the autoencoder's own error (favours the latent "
            "path by construction)"
        )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Everything a results file needs: settings, per-frame evidence, summary, verdict.

        Returns
        -------
        dict
            JSON-able: ``settings``, ``evidence`` (per path, per frame), ``summary``, ``verdict``.
        """
        return {
            "settings": self.settings,
            "evidence": {k: evidence.as_records(v) for k, v in self.evidence.items()},
            "summary": self.summary,
            "verdict": self.verdict,
            "controls": self.controls,
        }


def check_digit(value: int, name: str) -> int:
    """A digit argument must be an integer 0-9."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value <= 9:
        raise InvalidInputError(f"{name} must be a digit 0-9, got {value!r}", param=name)
    return int(value)


def pick_endpoints(
    y: npt.NDArray[np.integer],
    a: int,
    b: int,
    *,
    seed: int,
    index_a: int | None = None,
    index_b: int | None = None,
) -> tuple[int, int]:
    """Indices of the two endpoint images: given ones (checked), else a seeded pick per digit.

    When ``a == b`` the two picks are different images of that digit.
    """
    chosen: list[int] = []
    for digit, index, name in ((a, index_a, "index_a"), (b, index_b, "index_b")):
        if index is not None:
            if not 0 <= index < len(y):
                raise InvalidInputError(f"{name} must be 0-{len(y) - 1}, got {index}", param=name)
            if int(y[index]) != digit:
                raise InvalidInputError(
                    f"{name}={index} is a {int(y[index])}, not a {digit}", param=name
                )
            chosen.append(int(index))
            continue
        is_candidate = y == digit
        is_candidate[chosen] = False
        candidates = np.flatnonzero(is_candidate)
        if len(candidates) == 0:
            raise InvalidInputError(
                f"no other test image of digit {digit} in this data", param=name
            )
        chosen.append(int(rng(seed, "endpoint", name).choice(candidates)))
    return chosen[0], chosen[1]


def morph(
    a: int,
    b: int,
    *,
    n_steps: int = 12,
    seed: int = 0,
    model_seed: int = 0,
    data: str | os.PathLike[str] | MnistData | None = None,
    limit: int | None = None,
    model: str = "dense",
    latent_dim: int = 16,
    path: str = "linear",
    endpoints: str = "original",
    index_a: int | None = None,
    index_b: int | None = None,
    store: Store | None = None,
    progress: Progress | None = None,
) -> Morph:
    """Interpolate from a test image of digit ``a`` to one of digit ``b``, both ways.

    Parameters
    ----------
    a, b
        The endpoint digits (0-9); may be equal (two different images of that digit).
    n_steps
        Frames on each path, endpoints included (2-200).
    seed
        Picks the endpoint images (a new seed is a new pair; the models stay the same).
    model_seed
        Seeds the training of the cached models and the ``limit`` subset: changing the pair
        never retrains.
    data, limit
        The MNIST source and subset size (see :func:`manifoldviz.load_mnist`), or loaded data.
    model, latent_dim
        Autoencoder architecture (``"dense"``, ``"conv"`` or ``"vae"``) and latent size; a VAE's
        paths use its encoder's mean code.
    path
        Latent-space path: ``"linear"`` or ``"slerp"``.
    endpoints
        ``"original"``: the pixel path runs between the two test images; ``"reconstructed"``:
        between the autoencoder's reconstructions of them, where the latent path starts and
        ends too, so the two paths differ only in the path itself.
    index_a, index_b
        Exact test-set indices of the endpoint images instead of a seeded pick.

    Examples
    --------
    >>> result = interpolate(3, 8, n_steps=10, data="sample")   # doctest: +SKIP
    >>> result.save_gif("morph.gif")                             # doctest: +SKIP
    """
    a, b = check_digit(a, "a"), check_digit(b, "b")
    paths.check_steps(n_steps)
    latent_path = paths.latent_path_fn(path)
    if endpoints not in ENDPOINTS:
        raise InvalidInputError(
            f"endpoints must be one of {', '.join(ENDPOINTS)}, got {endpoints!r}",
            param="endpoints",
        )
    ae_spec = AutoencoderSpec(architecture=model, latent_dim=latent_dim)
    if not isinstance(data, MnistData):
        data = load_mnist(data, limit=limit, seed=model_seed, progress=progress)
    i_a, i_b = pick_endpoints(data.y_test, a, b, seed=seed, index_a=index_a, index_b=index_b)

    store = store or Store(progress=progress)
    ae = autoencoder(data, ae_spec, seed=model_seed, store=store, progress=progress)
    mlp = classifier(data, ClassifierSpec(), seed=model_seed, store=store, progress=progress)

    judges, study = judges_for(data, ae, mlp, model_seed=model_seed, store=store, progress=progress)

    images = flatten_scaled(data.x_test[[i_a, i_b]])
    codes = ae.encode(images)
    path_codes = latent_path(codes[0], codes[1], n_steps)
    latent = np.clip(ae.decode(path_codes), 0, 1)
    if endpoints == "reconstructed":
        # The latent path's own first and last frames: decoded from exactly these codes.
        images = np.clip(ae.decode(path_codes[[0, -1]]), 0, 1).astype(np.float32)
    pixel = paths.linear_path(images[0], images[1], n_steps)
    t = paths.step_times(n_steps)

    classes = np.tile([a, b], (2 * n_steps, 1))
    scores = judges.score(np.concatenate([pixel, latent]), classes)
    per_path = {
        name: evidence.frame_evidence(
            t, {k: v[i * n_steps : (i + 1) * n_steps] for k, v in scores.items()}
        )
        for i, name in enumerate(PATH_NAMES)
    }
    summary = {name: evidence.path_summary(ev) for name, ev in per_path.items()}
    settings = {
        "digit_a": a,
        "digit_b": b,
        "index_a": i_a,
        "index_b": i_b,
        "n_steps": n_steps,
        "seed": seed,
        "model_seed": model_seed,
        "path": path,
        "endpoints": endpoints,
        "autoencoder": asdict(ae_spec),
        "autoencoder_test_loss": ae.info.get("test_loss"),
        "classifier_test_accuracy": mlp.info.get("test_accuracy"),
        "data": data.describe(),
    }
    return Morph(
        pixel=pixel.reshape(-1, 28, 28),
        latent=latent.reshape(-1, 28, 28).astype(np.float32),
        t=t,
        evidence=per_path,
        summary=summary,
        verdict=evidence.verdict(summary["pixel"], summary["latent"], study),
        settings=settings,
        controls=study.to_dict(),
        grid=latent_grid(
            ae.decode,
            path_codes,
            mean=judges.density.mean(),
            spread=np.sqrt(np.diag(judges.density.covariance())),
            variational=model == "vae",
            seed=seed,
        ),
    )
