"""Trajectories: recording, projection alignment, weight space, the toy morph, bad input."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from manifoldviz.errors import InvalidInputError
from manifoldviz.experiments.fitmorph import FitMorphConfig, snapshot_epochs
from manifoldviz.experiments.fitmorph import run as run_fitmorph
from manifoldviz.reports.trajectory import save_report
from manifoldviz.training.recording import Trajectory
from manifoldviz.trajectories import projection, weightspace
from manifoldviz.trajectories.trajectory import TrajectoryConfig, probe_indices, run


def test_procrustes_undoes_rotation_scale_and_shift(seed: int) -> None:
    points = np.random.default_rng(seed).normal(size=(50, 2)).astype(np.float32)
    angle = 1.1
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    moved = 3 * points @ rotation + np.array([5.0, -2.0])
    np.testing.assert_allclose(projection.procrustes_onto(points, moved), points, atol=1e-4)


def test_pca_frames_share_axes_and_tween_interpolates(seed: int) -> None:
    snapshots = np.random.default_rng(seed).normal(size=(4, 30, 8)).astype(np.float32)
    frames, explained = projection.pca_pooled(snapshots)
    assert frames.shape == (4, 30, 2) and 0 < sum(explained) <= 1
    tweened, times = projection.tween(frames, [0.0, 1.0, 2.0, 3.0], 1)
    assert len(tweened) == 7 and times[1] == pytest.approx(0.5)
    np.testing.assert_allclose(tweened[1], (frames[0] + frames[1]) / 2, rtol=1e-5)


def _clustered_snapshots(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Three snapshots of 90 points in three well-separated clusters, drifting apart."""
    generator = np.random.default_rng(seed)
    labels = np.repeat(np.arange(3), 30)
    centres = generator.normal(size=(3, 20)) * 6
    snapshots = [
        centres[labels] * (1 + step) + generator.normal(size=(90, 20)) for step in range(3)
    ]
    return np.asarray(snapshots, dtype=np.float32), labels


def test_exact_neighbours_put_each_point_first(seed: int) -> None:
    points = np.random.default_rng(seed).normal(size=(40, 5)).astype(np.float32)
    indices, distances = projection.exact_neighbours(points, 4)
    assert indices.shape == (40, 4) and np.array_equal(indices[:, 0], np.arange(40))
    brute = np.linalg.norm(points[:, None] - points[None], axis=2)
    np.testing.assert_allclose(distances, np.sort(brute, axis=1)[:, :4], atol=1e-5)


@pytest.mark.parametrize("method", ["umap", "umap-procrustes", "aligned-umap"])
def test_umap_projection_is_reproducible_and_keeps_clusters(seed: int, method: str) -> None:
    snapshots, labels = _clustered_snapshots(seed)
    frames = projection.project(snapshots, method, seed=seed)
    assert frames.shape == (3, 90, 2) and frames.dtype == np.float32
    np.testing.assert_array_equal(frames, projection.project(snapshots, method, seed=seed))
    last = frames[-1]
    centroids = np.stack([last[labels == c].mean(axis=0) for c in range(3)])
    nearest = np.linalg.norm(last[:, None] - centroids[None], axis=2).argmin(axis=1)
    assert (nearest == labels).mean() > 0.95  # each cluster stays together in 2-D


def test_umap_compilation_is_cached_on_disk() -> None:
    from numba.core.caching import NullCache

    umap = projection.cached_umap_module()
    optimiser = umap.layouts._nb_optimize_layout_euclidean_single_epoch
    assert not isinstance(optimiser._cache, NullCache)
    assert projection.cache_umap_compilation() == 0  # already on: nothing left to enable


def test_random_walk_control_matches_step_lengths(seed: int) -> None:
    weights = np.cumsum(np.random.default_rng(seed).normal(size=(8, 500)), axis=0)
    walk = weightspace.matched_random_walk(weights, seed=seed)
    np.testing.assert_allclose(
        np.linalg.norm(np.diff(walk, axis=0), axis=1),
        np.linalg.norm(np.diff(weights, axis=0), axis=1),
        rtol=1e-6,
    )
    path = weightspace.principal_path(weights)
    assert path.coords.shape == (8, 2) and np.allclose(path.coords[-1], 0)
    assert 0 < path.explained[0] <= 1


def test_record_round_trips(tmp_path: Path) -> None:
    record = Trajectory(
        np.ones((3, 5, 4), np.float32),
        np.zeros((3, 7), np.float32),
        np.arange(5, dtype=np.uint8),
        [{"epoch": 0.0}] * 3,
        {"model": "mlp"},
    )
    npz, meta = record.save(tmp_path / "run")
    assert npz.suffix == ".npz" and meta.suffix == ".json"
    loaded = Trajectory.load(tmp_path / "run")
    np.testing.assert_array_equal(loaded.representations, record.representations)
    assert loaded.snapshots == record.snapshots and loaded.info == {"model": "mlp"}
    # Representations shrink when deflated; float weights barely do, so they are stored as is.
    with zipfile.ZipFile(npz) as archive:
        methods = {info.filename: info.compress_type for info in archive.infolist()}
    assert methods == {
        "representations.npy": zipfile.ZIP_DEFLATED,
        "weights.npy": zipfile.ZIP_STORED,
        "labels.npy": zipfile.ZIP_DEFLATED,
    }
    again = record.save(tmp_path / "again")[0]
    assert again.read_bytes() == npz.read_bytes()  # the same arrays, the same bytes


@pytest.mark.slow
def test_trajectory_true_versus_shuffled(tiny_mnist, tmp_path: Path) -> None:
    config = TrajectoryConfig(n_epochs=2, probe_size=100, compare="shuffled", tween=1)
    result = run(config, data=tiny_mnist)
    true = result.runs["true"]
    assert true.representations.shape[:2] == (len(true.snapshots), 100)
    assert [s["epoch"] for s in true.snapshots][:2] == [0.0, pytest.approx(1 / 3, abs=0.2)]
    assert true.snapshots[-1]["epoch"] == 2.0 and "val_accuracy" in true.snapshots[-1]
    assert set(result.frames) == {"true", "shuffled"}
    assert result.frames["true"].shape == (len(true.snapshots), 100, 2)
    names = {p.name for p in save_report(result, tmp_path)}
    assert {
        "representations.gif",
        "snapshots.png",
        "weights.svg",
        "trajectory-true.npz",
        "trajectory-shuffled.json",
    } <= names
    with Image.open(tmp_path / "representations.gif") as gif:
        assert gif.info["loop"] == 0 and gif.n_frames == 2 * len(true.snapshots) - 1
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["projection"]["method"] == "pca" and saved["settings"]["seed"] == 0


@pytest.mark.slow
def test_a_recorded_run_is_reused_whatever_the_projection(tiny_mnist, tmp_path: Path) -> None:
    from manifoldviz.store import Store

    store = Store(tmp_path / "cache")
    config = TrajectoryConfig(n_epochs=1, probe_size=50, tween=0)
    said: list[str] = []
    first = run(config, data=tiny_mnist, store=store, progress=said.append)
    # the recordings are the engine's units: the plan first, each unit kept in the store
    assert said[0] == "trajectory: 1 unit to run (0 kept from before); up to 1 model to train"
    lines: list[str] = []
    again = run(
        TrajectoryConfig(n_epochs=1, probe_size=50, tween=0, projection="umap"),
        data=tiny_mnist,
        store=store,
        progress=lines.append,
    )
    assert lines[0] == "trajectory: 0 units to run (1 kept from before); up to 0 models to train"
    assert not any("training" in line or "epoch" in line for line in lines)
    np.testing.assert_array_equal(again.runs["true"].weights, first.runs["true"].weights)
    assert len(store.entries()) == 1
    # Representations alone: the same frames, no weight-space views computed.
    alone = run(config, data=tiny_mnist, store=store, weight_space=False)
    np.testing.assert_array_equal(alone.frames["true"], first.frames["true"])
    assert first.surfaces and not (alone.weight_paths or alone.control_paths or alone.surfaces)
    written = save_report(alone, tmp_path / "alone", representations_only=True)
    assert {Path(p).name for p in written} >= {"results.json", "representations.gif"}
    longer = run(TrajectoryConfig(n_epochs=2, probe_size=50, tween=0), data=tiny_mnist, store=store)
    assert len(longer.runs["true"].snapshots) > len(first.runs["true"].snapshots)
    assert len(store.entries()) == 2  # a different training is a different record


@pytest.mark.parametrize("method", projection.METHODS)
def test_every_method_is_described_for_results_files(method: str) -> None:
    details = projection.describe(method)
    assert details["method"] == method
    assert "fitted_on" in details or "alignment" in details


@pytest.mark.slow
def test_fitmorph_finds_a_robust_fit_before_overfitting(tmp_path: Path) -> None:
    result = run_fitmorph(FitMorphConfig(n_epochs=300, n_snapshots=12, grid=40))
    assert result.epochs[0] == 0 and result.epochs[-1] == 300
    assert result.probabilities.shape == (len(result.epochs), 40, 40)
    assert 0 < result.robust < len(result.epochs)
    accuracy = result.test_accuracy
    # The overfit model has memorised: a clear train-test gap...
    assert accuracy["overfit_train"] - accuracy["overfit"] > 0.03
    # ...and the robust snapshot generalizes at least as well (within noise on 200 points).
    assert accuracy["robust"] >= accuracy["overfit"] - 0.02


def test_snapshot_epochs_are_log_spaced() -> None:
    epochs = snapshot_epochs(1000, 10)
    assert epochs[0] == 0 and epochs[-1] == 1000 and epochs[1] == 1
    assert len(epochs) <= 11 and np.all(np.diff(epochs) > 0)


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"model": "cnn"}, "model"),
        ({"layer": "conv1"}, "layer"),
        ({"projection": "tsne"}, "projection"),
        ({"n_epochs": 0}, "n_epochs"),
        ({"compare": "noise"}, "compare"),
        ({"model": "autoencoder", "compare": "shuffled"}, "compare"),
    ],
)
def test_bad_settings(kwargs, param) -> None:
    with pytest.raises(InvalidInputError) as info:
        TrajectoryConfig(**kwargs)
    assert info.value.param == param


def test_probe_larger_than_data_or_missing_digit() -> None:
    y = np.repeat(np.arange(10), 5)
    with pytest.raises(InvalidInputError, match="larger"):
        probe_indices(y, 100, seed=0)
    with pytest.raises(InvalidInputError, match="digit"):
        probe_indices(y[y != 4], 20, seed=0)
    with pytest.raises(InvalidInputError):
        FitMorphConfig(n_epochs=0)
