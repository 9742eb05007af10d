"""The judges of a pair of models, and their check on controls, built once and cached.

For an autoencoder and a classifier trained on some data, :func:`judges_for` returns the
:class:`~manifoldviz.interpolation.measures.Judges` that score interpolation frames and the
:class:`~manifoldviz.interpolation.control_study.ControlStudy` that says which of their measures a
verdict may use. The density of latent codes, the calibration on real digits and the control
study are computed once per models and data and kept in the model store.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

import numpy as np

from manifoldviz.data.sources import MnistData
from manifoldviz.data.transforms import flatten_scaled
from manifoldviz.errors import ManifoldvizError
from manifoldviz.interpolation.control_study import (
    CONTROL_GROUPS,
    ControlStudy,
    check_measures,
    control_images,
)
from manifoldviz.interpolation.density import GaussianMixtureDensity
from manifoldviz.interpolation.measures import Judges, calibration, rescaled
from manifoldviz.interpolation.nearest import NearestIndex, load_index, save_index
from manifoldviz.models.cached import TrainedAutoencoder, TrainedClassifier
from manifoldviz.progress import Progress
from manifoldviz.seeding import rng
from manifoldviz.store import Store

#: Part of the cache key: a change to how judges are built or checked never reuses old ones.
JUDGES_VERSION = 6
#: Pairs of real test digits in each control group.
N_CONTROL_PAIRS = 500
#: Training digits searched for each frame's nearest neighbour in classifier features.
N_FEATURE_REFERENCE = 10_000
#: Training codes the latent density is fitted to, and its number of components.
N_DENSITY_CODES = 10_000
DENSITY_COMPONENTS = 10


def _subset(n: int, size: int, seed: int, purpose: str) -> np.ndarray:
    if n <= size:
        return np.arange(n)
    return np.sort(rng(seed, purpose).choice(n, size, replace=False))


def judges_for(
    data: MnistData,
    ae: TrainedAutoencoder,
    mlp: TrainedClassifier,
    *,
    model_seed: int,
    store: Store,
    progress: Progress | None = None,
) -> tuple[Judges, ControlStudy]:
    """The judges of frames for these models and data, and which measures passed the controls.

    Parameters
    ----------
    data
        The data both models were trained on (training digits are the reference sets; test
        digits make the controls).
    ae, mlp
        The autoencoder (its encoder gives latent codes) and the classifier.
    model_seed
        The seed the models were trained with (part of the cache key; seeds the subsets).
    store
        Where the reference features, the density, the calibration and the control study are
        cached.
    progress
        Receives a line when they are computed or loaded.

    Returns
    -------
    tuple
        The calibrated :class:`~manifoldviz.interpolation.measures.Judges` and the
        :class:`~manifoldviz.interpolation.control_study.ControlStudy`.
    """
    if mlp.features is None:
        raise ManifoldvizError("the classifier has no feature layer; rebuild it")
    features = mlp.features

    def uncalibrated(
        density: GaussianMixtureDensity, feature_index: NearestIndex, pixel_index: NearestIndex
    ) -> Judges:
        return Judges(
            predict_proba=mlp.predict_proba,
            features=features,
            feature_index=feature_index,
            pixel_index=pixel_index,
            encode=ae.encode,
            reconstruct=ae.reconstruct,
            density=density,
        )

    spec = {
        "version": JUDGES_VERSION,
        "data": data.fingerprint(),
        "model_seed": model_seed,
        "autoencoder": asdict(ae.spec),
        "classifier": asdict(mlp.spec),
        "n_control_pairs": N_CONTROL_PAIRS,
        "n_feature_reference": N_FEATURE_REFERENCE,
        "density": [N_DENSITY_CODES, DENSITY_COMPONENTS],
    }
    built: list[bool] = []

    def build(folder: Any) -> dict[str, Any]:
        built.append(True)
        reference_rows = _subset(len(data.x_train), N_FEATURE_REFERENCE, model_seed, "feature-ref")
        # float16: a quarter of the bytes, far finer than the distances it serves.
        reference = np.asarray(features(flatten_scaled(data.x_train[reference_rows])), np.float16)
        np.save(folder / "feature_reference.npy", reference, allow_pickle=False)
        feature_index = NearestIndex.build(reference, seed=model_seed)
        save_index(feature_index, folder, "feature_index")
        pixel_index = NearestIndex.build(data.x_train, seed=model_seed)
        save_index(pixel_index, folder, "pixel_index")
        code_rows = _subset(len(data.x_train), N_DENSITY_CODES, model_seed, "density-codes")
        codes = np.asarray(ae.encode(flatten_scaled(data.x_train[code_rows])), np.float32)
        density = GaussianMixtureDensity.fit(
            codes, n_components=DENSITY_COMPONENTS, seed=model_seed
        )
        np.savez(folder / "density.npz", **density.to_arrays())
        groups, classes = control_images(
            flatten_scaled(data.x_test),
            data.y_test,
            ae.reconstruct,
            n_pairs=N_CONTROL_PAIRS,
            seed=model_seed,
        )
        judges = uncalibrated(density, feature_index, pixel_index)
        raw = {g: judges.score(groups[g], classes) for g in CONTROL_GROUPS}
        judges = replace(judges, scales=calibration(raw["real"]))
        scores = {g: {**raw[g], **rescaled(raw[g], judges.scales)} for g in CONTROL_GROUPS}
        study = check_measures(scores, seed=model_seed)
        if progress:
            progress(f"evidence controls: kept {', '.join(study.kept) or 'no measure'}")
        return {"scales": judges.scales, "controls": study.to_dict()}

    kind = f"judges-{ae.spec.architecture}"
    entry = store.get_or_build(kind, spec, build)
    if progress and not built:
        progress(f"{kind}: controls from cache ({entry.path.name})")
    with np.load(entry.file("density.npz"), allow_pickle=False) as arrays:
        density = GaussianMixtureDensity(
            arrays["weights"], arrays["means"], arrays["precisions_cholesky"]
        )
    info = entry.info
    reference = np.load(entry.file("feature_reference.npy"), mmap_mode="r", allow_pickle=False)
    judges = replace(
        uncalibrated(
            density,
            load_index(reference, entry.path, "feature_index"),
            load_index(data.x_train, entry.path, "pixel_index"),
        ),
        scales=dict(info["scales"]),
    )
    return judges, ControlStudy.from_dict(info["controls"])
