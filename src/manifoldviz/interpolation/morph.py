"""Interpolation between two MNIST digits by several methods, with evidence, in stages.

The stages can be called one by one (the scoreboard and the lab reuse them):

1. :func:`pair_models`: the data, the autoencoder, the classifier, the judges and the control
   study that says which measures to trust, got once (trained and cached on first use);
2. :func:`pick_endpoints`: the two test images;
3. :func:`~manifoldviz.interpolation.methods.path`: each method's frames;
4. :func:`measure`: every measure of every frame.

:func:`morph` runs them all and returns a :class:`Morph`.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from manifoldviz.arrays import FloatArray
from manifoldviz.choices import ENDPOINTS
from manifoldviz.data.sources import MnistData, load_mnist
from manifoldviz.data.transforms import flatten_scaled
from manifoldviz.errors import InvalidInputError
from manifoldviz.interpolation import evidence, paths
from manifoldviz.interpolation.control_study import ControlStudy
from manifoldviz.interpolation.controls import judges_for
from manifoldviz.interpolation.evidence import FrameEvidence
from manifoldviz.interpolation.latent_grid import LatentGrid, latent_grid
from manifoldviz.interpolation.measures import Judges
from manifoldviz.interpolation.methods import (
    DEFAULT_METHODS,
    LATENT_METHODS,
    GraphSource,
    check_methods,
    draw_paths,
    sole_straight_latent,
)
from manifoldviz.models.cached import (
    AutoencoderSpec,
    ClassifierSpec,
    TrainedAutoencoder,
    TrainedClassifier,
    autoencoder,
    classifier,
)
from manifoldviz.progress import Progress
from manifoldviz.seeding import rng
from manifoldviz.store import Store


@dataclass(frozen=True)
class PairModels:
    """Everything a pair of digits is interpolated and judged with, got once.

    Parameters
    ----------
    data
        The MNIST data.
    autoencoder, classifier
        The cached models.
    judges, study
        What scores frames, and the control study that says which measures a verdict may use.
    graph
        The training images' neighbour graph, loaded on first use (Isomap paths).
    model_seed
        The seed the models were trained with.
    """

    data: MnistData
    autoencoder: TrainedAutoencoder
    classifier: TrainedClassifier
    judges: Judges
    study: ControlStudy
    graph: GraphSource
    model_seed: int


def pair_models(
    data: str | os.PathLike[str] | MnistData | None = None,
    *,
    model: str = "dense",
    latent_dim: int = 16,
    model_seed: int = 0,
    limit: int | None = None,
    store: Store | None = None,
    progress: Progress | None = None,
) -> PairModels:
    """Load the data and get the models, judges and control study (trained once, then cached).

    Parameters
    ----------
    data, limit
        The MNIST source and subset size (see :func:`manifoldviz.load_mnist`), or loaded data.
    model, latent_dim
        Autoencoder architecture (``"dense"``, ``"conv"`` or ``"vae"``) and latent size.
    model_seed
        Seeds the models' training and the ``limit`` subset.
    store, progress
        The model cache and progress lines.

    Returns
    -------
    PairModels
        What :func:`~manifoldviz.interpolation.methods.path` and :func:`measure` need.
    """
    spec = AutoencoderSpec(architecture=model, latent_dim=latent_dim)
    if not isinstance(data, MnistData):
        data = load_mnist(data, limit=limit, seed=model_seed, progress=progress)
    store = store or Store(progress=progress)
    ae = autoencoder(data, spec, seed=model_seed, store=store, progress=progress)
    mlp = classifier(data, ClassifierSpec(), seed=model_seed, store=store, progress=progress)
    judges, study = judges_for(data, ae, mlp, model_seed=model_seed, store=store, progress=progress)
    graph = GraphSource(data, store, progress)
    return PairModels(data, ae, mlp, judges, study, graph, model_seed)


def measure(
    models: PairModels, frames: dict[str, FloatArray], t: FloatArray, digits: tuple[int, int]
) -> dict[str, list[FrameEvidence]]:
    """Every measure of every frame of each path, scored in one batch.

    Parameters
    ----------
    models
        :func:`pair_models`.
    frames
        Method -> (n_steps, 784) frames.
    t
        The frames' interpolation parameter.
    digits
        The endpoint classes (the endpoint-mass measure's two classes).

    Returns
    -------
    dict
        Method -> one :class:`~manifoldviz.interpolation.evidence.FrameEvidence` per frame.
    """
    n = len(t)
    stacked = np.concatenate([np.asarray(f, np.float32).reshape(n, -1) for f in frames.values()])
    scores = models.judges.score(stacked, np.tile(digits, (len(stacked), 1)))
    return {
        name: evidence.frame_evidence(t, {k: v[i * n : (i + 1) * n] for k, v in scores.items()})
        for i, name in enumerate(frames)
    }


def path_noun(method: str, methods: tuple[str, ...]) -> str:
    """What a verdict calls a method's path: ``latent`` for the one straight latent path of the
    classic comparison, else the method's own name."""
    return "latent" if sole_straight_latent(method, methods) else method


def verdicts(
    summary: dict[str, dict[str, float]], methods: tuple[str, ...], study: ControlStudy
) -> str:
    """The verdict of every method against the pixel path (or the first method asked for)."""
    reference = "pixel" if "pixel" in methods else methods[0]
    others = [m for m in methods if m != reference]
    if not others:
        return f"Only the {reference} path was drawn, so there is nothing to compare."
    sentences = [
        evidence.verdict(
            summary[reference],
            summary[m],
            study,
            names=(path_noun(reference, methods), path_noun(m, methods)),
        )
        for m in others
    ]
    return "\n".join(sentences)


@dataclass(frozen=True)
class Morph:
    """Each method's path between two test digits and the per-frame evidence (plain data).

    ``frames`` maps each method (:data:`~manifoldviz.choices.METHODS`) to a float32
    array (n_steps, 28, 28) in [0, 1]; pixel-space paths start and end exactly at the two
    endpoint images (their reconstructions, with ``endpoints="reconstructed"``). ``evidence``
    maps each method to one :class:`~manifoldviz.interpolation.evidence.FrameEvidence` per
    frame; ``controls`` is the control study
    (:meth:`~manifoldviz.interpolation.control_study.ControlStudy.to_dict`) that chose the measures
    the verdict rests on; ``grid`` is the decoder's latent map with the first latent path on it
    (:mod:`~manifoldviz.interpolation.latent_grid`); ``notes`` says where a method did not do
    what it says (an unconverged geodesic).
    """

    frames: dict[str, FloatArray]
    t: FloatArray
    evidence: dict[str, list[FrameEvidence]]
    summary: dict[str, dict[str, float]]
    verdict: str
    settings: dict[str, Any] = field(default_factory=dict)
    controls: dict[str, Any] = field(default_factory=dict)
    grid: LatentGrid | None = field(default=None, repr=False, compare=False)
    notes: tuple[str, ...] = ()

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(self.frames)

    @property
    def pixel(self) -> FloatArray:
        """The pixel path's frames (when it was asked for)."""
        return self._frames_of(("pixel",), "pixel")

    @property
    def latent(self) -> FloatArray:
        """The first latent method's frames (``linear`` by default)."""
        return self._frames_of(LATENT_METHODS, "latent")

    def _frames_of(self, kinds: tuple[str, ...], what: str) -> FloatArray:
        for method in self.frames:
            if method in kinds:
                return self.frames[method]
        raise InvalidInputError(
            f"no {what} path among the methods drawn ({', '.join(self.frames)})", param="methods"
        )

    @property
    def digits(self) -> tuple[int, int]:
        return int(self.settings["digit_a"]), int(self.settings["digit_b"])

    def table(self) -> str:
        """A short text table of the evidence: per frame for two paths, per path for more.

        Columns: predicted class and confidence, probability on the two endpoint classes,
        nearest training digit in classifier features (1.0 = a median real digit), share of
        mid-grey ink, and the autoencoder's own error (favours latent paths by construction).
        With more than two paths, one row per path holds each measure's mean over the interior
        frames. Measures that passed the controls are marked ``*``.

        Returns
        -------
        str
            One header line, a rule, the rows, and the key.
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
        nouns = {m: path_noun(m, self.methods) for m in self.methods}
        if len(self.methods) > 2:
            header = f"{'path':<10}" + "".join(f"{n:>9}" for n in names)
            lines = [header, "-" * len(header)]
            for m in self.methods:
                means = "".join(f"{self.summary[m][f'mean_{name}']:9.3f}" for name, _ in columns)
                lines.append(f"{nouns[m]:<10}{means}")
            lines.append("means over the interior frames")
        else:
            half = "pred " + " ".join(f"{n:>8}" for n in names)
            width = max(len(n) for n in nouns.values()) + 1
            header = f"{'t':>5} | " + " | ".join(
                f"{nouns[m] + ':':<{width}} {half}" for m in self.methods
            )
            lines = [header, "-" * len(header)]
            for i, t in enumerate(self.t):
                cells = []
                for m in self.methods:
                    e = self.evidence[m][i]
                    values = " ".join(f"{getattr(e, name):8.3f}" for name, _ in columns)
                    cells.append(f"{'':<{width}} {e.predicted:>4d} {values}")
                lines.append(f"{t:5.2f} | " + " | ".join(cells))
        lines.append(
            "* passed the controls; own-err is the autoencoder's own error (favours latent "
            "paths by construction)"
        )
        lines += list(self.notes)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Everything a results file needs: settings, per-frame evidence, summary, verdict.

        Returns
        -------
        dict
            JSON-able: ``settings``, ``evidence`` (per method, per frame), ``summary``,
            ``verdict``, ``controls`` and ``notes``.
        """
        return {
            "settings": self.settings,
            "evidence": {k: evidence.as_records(v) for k, v in self.evidence.items()},
            "summary": self.summary,
            "verdict": self.verdict,
            "controls": self.controls,
            "notes": list(self.notes),
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
    methods: tuple[str, ...] | list[str] = DEFAULT_METHODS,
    n_steps: int = 12,
    seed: int = 0,
    model_seed: int = 0,
    data: str | os.PathLike[str] | MnistData | None = None,
    limit: int | None = None,
    model: str = "dense",
    latent_dim: int = 16,
    endpoints: str = "original",
    index_a: int | None = None,
    index_b: int | None = None,
    store: Store | None = None,
    progress: Progress | None = None,
) -> Morph:
    """Interpolate from a test image of digit ``a`` to one of digit ``b`` by several methods.

    Parameters
    ----------
    a, b
        The endpoint digits (0-9); may be equal (two different images of that digit).
    methods
        The paths to draw, in order, from :data:`~manifoldviz.choices.METHODS`:
        ``"pixel"`` (cross-fade), ``"transport"`` (optimal transport), ``"linear"`` and
        ``"slerp"`` (straight latent paths), ``"geodesic"`` (the decoder's shortest curve),
        ``"isomap"`` (through the training images' neighbour graph).
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
    endpoints
        ``"original"``: pixel-space paths run between the two test images; ``"reconstructed"``:
        between the autoencoder's reconstructions of them, where latent paths start and end
        too, so the paths differ only in the path itself.
    index_a, index_b
        Exact test-set indices of the endpoint images instead of a seeded pick.
    store
        The model cache (default: the per-user cache, or ``$MANIFOLDVIZ_CACHE``).
    progress
        Receives one line per step of long work (loading, training epochs).

    Returns
    -------
    Morph
        Each method's frames, their per-frame evidence and the verdict.

    Examples
    --------
    >>> result = morph(3, 8, methods=("pixel", "linear", "isomap"), data="sample")  # doctest: +SKIP
    >>> result.frames["isomap"].shape                                              # doctest: +SKIP
    (12, 28, 28)
    """
    a, b = check_digit(a, "a"), check_digit(b, "b")
    chosen = check_methods(methods)
    paths.check_steps(n_steps)
    if endpoints not in ENDPOINTS:
        raise InvalidInputError(
            f"endpoints must be one of {', '.join(ENDPOINTS)}, got {endpoints!r}",
            param="endpoints",
        )
    if not isinstance(data, MnistData):
        data = load_mnist(data, limit=limit, seed=model_seed, progress=progress)
    # The pair is checked before any model is loaded or trained: a bad index is one line.
    i_a, i_b = pick_endpoints(data.y_test, a, b, seed=seed, index_a=index_a, index_b=index_b)
    models = pair_models(
        data,
        model=model,
        latent_dim=latent_dim,
        model_seed=model_seed,
        store=store,
        progress=progress,
    )
    ae = models.autoencoder
    computed = draw_paths(
        chosen,
        ae,
        flatten_scaled(models.data.x_test[[i_a, i_b]]),
        n_steps,
        endpoints=endpoints,
        graph=models.graph,
    )
    t = paths.step_times(n_steps)
    per_path = measure(models, {m: p.frames for m, p in computed.items()}, t, (a, b))
    summary = {name: evidence.path_summary(ev) for name, ev in per_path.items()}
    settings = {
        "digit_a": a,
        "digit_b": b,
        "index_a": i_a,
        "index_b": i_b,
        "n_steps": n_steps,
        "seed": seed,
        "model_seed": model_seed,
        "methods": list(chosen),
        "endpoints": endpoints,
        "autoencoder": asdict(ae.spec),
        "autoencoder_test_loss": ae.info.get("test_loss"),
        "classifier_test_accuracy": models.classifier.info.get("test_accuracy"),
        "data": models.data.describe(),
        "method_info": {m: p.info for m, p in computed.items() if p.info},
    }
    latent_codes = next((p.codes for p in computed.values() if p.codes is not None), None)
    grid = None
    if latent_codes is not None:
        grid = latent_grid(
            ae.decode,
            latent_codes,
            mean=models.judges.density.mean(),
            spread=np.sqrt(np.diag(models.judges.density.covariance())),
            variational=model == "vae",
            seed=seed,
        )
    return Morph(
        frames={m: p.frames.reshape(-1, 28, 28).astype(np.float32) for m, p in computed.items()},
        t=t,
        evidence=per_path,
        summary=summary,
        verdict=verdicts(summary, chosen, models.study),
        settings=settings,
        controls=models.study.to_dict(),
        grid=grid,
        notes=tuple(p.note for p in computed.values() if p.note),
    )
