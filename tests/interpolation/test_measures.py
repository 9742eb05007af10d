"""Measures of digit-likeness and their check on controls (real, blurred, blended, decoded)."""

from __future__ import annotations

import numpy as np
import pytest

from manifoldviz.interpolation import control_study, evidence
from manifoldviz.interpolation.control_study import ControlStudy
from manifoldviz.interpolation.density import GaussianMixtureDensity
from manifoldviz.interpolation.measures import MEASURES, grey_share


def test_numpy_density_matches_scikit_learn(seed: int) -> None:
    from sklearn.mixture import GaussianMixture

    generator = np.random.default_rng(seed)
    z = np.concatenate([generator.normal(-2, 1, (300, 3)), generator.normal(2, 0.5, (300, 3))])
    density = GaussianMixtureDensity.fit(z.astype(np.float32), n_components=2, seed=seed)
    reference = GaussianMixture(2, covariance_type="full", reg_covar=1e-4, random_state=seed)
    reference.fit(z)
    np.testing.assert_allclose(density.log_density(z), reference.score_samples(z), rtol=1e-4)


def test_a_double_exposure_is_mostly_grey_ink() -> None:
    stroke_a = np.zeros((28, 28), np.float32)
    stroke_a[5:23, 10:13] = 1.0
    stroke_b = np.zeros((28, 28), np.float32)
    stroke_b[12:15, 4:24] = 1.0
    pair = np.stack([stroke_a, stroke_b]).reshape(2, -1)
    blend = 0.5 * pair[0] + 0.5 * pair[1]
    assert grey_share(pair).max() == 0.0
    assert grey_share(blend[None])[0] > 0.9  # all but the shared crossing is half-strength
    assert grey_share(control_study.blur(pair)).min() > 0.3


def test_control_pairs_are_of_different_classes(seed: int) -> None:
    y = np.repeat(np.arange(10), 30)
    first, second = control_study.control_pairs(y, 100, seed=seed)
    assert len(set(first.tolist())) == 100
    assert np.all(y[first] != y[second])


def _study(kept: list[str]) -> ControlStudy:
    checks = [
        control_study.MeasureCheck(
            name=m.name,
            label=m.label,
            higher_is_better=m.higher_is_better,
            means={g: 0.0 for g in control_study.CONTROL_GROUPS},
            auroc={"real": 0.5, "blend": 0.9, "blurred": 0.6, "decoded": 0.5},
            auroc_interval={},
            real_spread=0.1,
            kept=m.name in kept,
            reason="kept" if m.name in kept else "dropped",
        )
        for m in MEASURES.values()
    ]
    return ControlStudy(checks, 100)


def _summary(**means: float) -> dict[str, float]:
    out = {f"mean_{name}": 0.5 for name in MEASURES}
    out.update({f"mean_{k}": v for k, v in means.items()})
    return out


def test_verdict_rests_only_on_kept_measures() -> None:
    study = _study(["grey_share", "confidence"])
    pixel = _summary(grey_share=0.7, confidence=0.6, reconstruction_error=0.03)
    latent = _summary(grey_share=0.4, confidence=0.9, reconstruction_error=0.001)
    said = evidence.verdict(pixel, latent, study)
    assert said.startswith("By the measures that passed the controls, the latent path stays")
    assert "favours the latent path by construction" in said
    # The autoencoder's own error alone never makes a verdict.
    said = evidence.verdict(_summary(reconstruction_error=0.03), _summary(), _study([]))
    assert said.startswith("No measure passed the controls")


def test_verdict_says_so_when_the_pixel_path_does_better_or_evidence_is_mixed() -> None:
    study = _study(["grey_share", "confidence"])
    pixel = _summary(grey_share=0.4, confidence=0.9)
    latent = _summary(grey_share=0.7, confidence=0.6)
    assert "does not stay closer" in evidence.verdict(pixel, latent, study)
    mixed = _summary(grey_share=0.2, confidence=0.6)
    assert evidence.verdict(pixel, mixed, study).startswith("The evidence is mixed")
    assert "equally" in evidence.verdict(pixel, pixel, study)


@pytest.fixture(scope="module")
def controls(tiny_mnist, tmp_path_factory):
    from manifoldviz.interpolation.controls import judges_for
    from manifoldviz.models.cached import autoencoder, classifier
    from manifoldviz.store import Store

    store = Store(tmp_path_factory.mktemp("controls-cache"))
    ae = autoencoder(tiny_mnist, store=store)
    mlp = classifier(tiny_mnist, store=store)
    return judges_for(tiny_mnist, ae, mlp, model_seed=0, store=store)


@pytest.mark.slow
def test_controls_keep_measures_that_rank_blends_below_real_digits(controls) -> None:
    _, study = controls
    assert study.n_images == 300
    assert "grey_share" in study.kept
    assert study.check("grey_share").auroc["blend"] > 0.9
    for name in study.kept:
        check = study.check(name)
        sign = 1 if check.higher_is_better else -1
        assert sign * (check.means["real"] - check.means["blend"]) > 0, name
        assert check.auroc["blurred"] >= control_study.REWARDS_BLUR, name


@pytest.mark.slow
def test_controls_expose_the_biased_measures(controls) -> None:
    _, study = controls
    own = study.check("reconstruction_error")
    assert not own.kept and own.auroc["decoded"] < 0.2  # decoder outputs look "best"
    pixels = study.check("nearest_distance")
    assert not pixels.kept
    assert pixels.auroc["blurred"] < 0.5  # pixel distance rewards blur


@pytest.mark.slow
def test_judges_come_from_the_cache_the_second_time(controls, tiny_mnist) -> None:
    judges, study = controls
    x = tiny_mnist.x_test[:5].reshape(5, -1) / np.float32(255)
    scores = judges.score(x, np.zeros((5, 2), int))
    assert set(MEASURES) <= set(scores)
    assert all(np.all(np.isfinite(v)) for v in scores.values())
    assert ControlStudy.from_dict(study.to_dict()) == study
