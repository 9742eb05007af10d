"""Time the pieces behind the faster interpolate and gallery, each against what it replaced.

Every part times the new way and the old way in the same process, after one untimed run of
each, taking turns round after round (a shared host's speed drifts), and checks that both give
the same answer:

- ``nearest``: the nearest-training-digit index against the brute-force scan, for one run's 24
  frames and for 2,000 real test digits (the control study's scale).
- ``bootstrap``: the paired AUROC bootstrap (400 resamples) in one pass against one rank
  statistic per resample.
- ``density``: the latent density's EM on one BLAS thread against OpenBLAS's default threads.
- ``zeros``: the noise-channels zeros condition trained on the pixels alone against the
  1,568-input model (3 epochs, full width first).
- ``xla``: the cached MLP and dense autoencoder trained with and without XLA, compile included.
- ``kept``: ten validation-figure runs (the chapter's MLP, 750 digits, 10 epochs) through the
  sweep's kept model (steps compiled once, with XLA) against a fresh model each run (traced
  again, without XLA, as runs this small were).
- ``neighbours``: the intrinsic-dimension neighbour search (10,000 digits, k=20; plain, with
  784 zero channels, with 784 noise channels) against the search it replaced (kept below).
- ``frames``: 30 frames of a training-curve animation laid out once against each frame laid
  out on its own.
- ``threads``: two chapter-MLP trainings side by side (two processes, 3 epochs on full MNIST
  each), one TensorFlow thread apiece (the gallery's share with two jobs) against TensorFlow's
  default of every core apiece.
- ``recording``: writing a recorded trajectory (14 snapshots of 2,000 probe digits x 512 and
  of 407,050 weights) with only the representations deflated at zlib's level 1, against every
  array deflated at level 6 as before: seconds and bytes.
- ``markers``: 2,000 points in ten colours drawn as line markers against as scatter
  collections, on one 7-inch panel at 70 dpi.
- ``collect``: the garbage collection a sweep runs after each run, with TensorFlow's and Keras's
  heap frozen against the full collection it replaced.
- ``recipe``: the cached dense autoencoder's recipe 3 (one-cycle Adam, 5 epochs) against recipe
  2 (Adam 2e-3, 9 epochs): seconds and test reconstruction loss, for latents 2 and 16 and seeds
  0-2 on full MNIST, and on the embedded 5,000-digit sample (epochs by ``epochs_for``).

Usage:  python benchmarks/bench_components.py --data ../shared/data/mnist.npz
        [--parts nearest,bootstrap,density,zeros,xla,kept,neighbours,frames,threads,recording,
                 markers,collect,recipe]
        [--rounds 2]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def rounds(ways: dict[str, Callable[[], Any]], n: int) -> dict[str, tuple[float, Any]]:
    """Median seconds of each way over ``n`` turns, and what it returned the last time. Each
    way runs once untimed first: a process's first training pays TensorFlow's start-up."""
    times: dict[str, list[float]] = {name: [] for name in ways}
    results: dict[str, Any] = {name: way() for name, way in ways.items()}
    for _ in range(n):
        for name, way in ways.items():
            start = time.perf_counter()
            results[name] = way()
            times[name].append(time.perf_counter() - start)
    return {name: (statistics.median(times[name]), results[name]) for name in ways}


def report(part: str, timed: dict[str, tuple[float, Any]], agreement: str) -> None:
    (new, (t_new, _)), (old, (t_old, _)) = list(timed.items())[:2]
    print(f"[{part}] {new}: {t_new * 1000:.1f} ms; {old}: {t_old * 1000:.1f} ms; ", end="")
    print(f"ratio {t_new / t_old:.2f}; {agreement}", flush=True)


def nearest(data: Any, n: int) -> None:
    from manifoldviz.interpolation import paths
    from manifoldviz.interpolation.nearest import NearestIndex, nearest_distances

    index = NearestIndex.build(data.x_train)
    x_test = data.x_test.reshape(len(data.x_test), -1).astype(np.float32) / 255
    a = x_test[np.flatnonzero(data.y_test == 3)[0]]
    b = x_test[np.flatnonzero(data.y_test == 8)[0]]
    frames = np.concatenate([paths.linear_path(a, b, 12), x_test[:12]])
    for label, queries in (("24 frames", frames), ("2,000 test digits", x_test[:2000])):
        timed = rounds(
            {
                "index": lambda q=queries: index.distances(q),
                "brute force": lambda q=queries: nearest_distances(q, data.x_train),
            },
            n,
        )
        gap = float(np.max(np.abs(timed["index"][1] - timed["brute force"][1])))
        report(f"nearest, {label}", timed, f"largest difference {gap:.1e}")


def bootstrap(n: int) -> None:
    from scipy.stats import rankdata

    from manifoldviz.interpolation.measures import bootstrap_interval, paired_auroc_interval

    generator = np.random.default_rng(0)
    control, real = generator.random(1000) + 0.3, generator.random(1000)

    def by_ranks(rows: np.ndarray) -> float:
        ranks = rankdata(np.concatenate([control[rows], real[rows]]))
        return float((ranks[: len(rows)].sum() - len(rows) * (len(rows) + 1) / 2) / len(rows) ** 2)

    timed = rounds(
        {
            "one pass": lambda: paired_auroc_interval(control, real, seed=0),
            "rank statistic per resample": lambda: bootstrap_interval(by_ranks, 1000, seed=0),
        },
        n,
    )
    same = np.allclose(timed["one pass"][1], timed["rank statistic per resample"][1], atol=1e-12)
    report("bootstrap, 1,000 pairs x 400 resamples", timed, f"same interval: {same}")


def density(n: int) -> None:
    from sklearn.mixture import GaussianMixture

    from manifoldviz.interpolation.measures import GaussianMixtureDensity

    generator = np.random.default_rng(0)
    codes = generator.normal(size=(10_000, 16)) + 3 * (generator.random((10_000, 1)) > 0.5)

    def default_threads() -> Any:
        return GaussianMixture(10, covariance_type="full", reg_covar=1e-4, random_state=0).fit(
            codes
        )

    timed = rounds(
        {
            "one BLAS thread": lambda: GaussianMixtureDensity.fit(codes, n_components=10, seed=0),
            "default threads": default_threads,
        },
        n,
    )
    one, default = timed["one BLAS thread"][1], timed["default threads"][1]
    gap = float(np.max(np.abs(one.means - default.means_)))
    report("density, 10,000 codes x 10 components", timed, f"largest mean difference {gap:.1e}")


def zeros(data: Any, n: int) -> None:
    from manifoldviz.experiments import noise_channels as nc
    from manifoldviz.training.loop import fit_classifier

    def train(full_width: bool) -> list[float]:
        model = nc.initial_model("zeros", 0, 784, full_width=full_width)
        x = nc.input_blocks(data, "zeros", 0, 784, full_width=full_width)
        history = fit_classifier(
            model, x, data.y_train, seed=0, n_epochs=3, batch_size=128, validation_split=0.2
        )
        return [round(v, 4) for v in history["val_accuracy"]]

    timed = rounds({"pixels alone": lambda: train(False), "full width": lambda: train(True)}, n)
    agreement = f"val accuracy {timed['pixels alone'][1]} vs {timed['full width'][1]}"
    report("zeros condition, 3 epochs", timed, agreement)


def xla(data: Any, n: int) -> None:
    from manifoldviz.models import architectures
    from manifoldviz.seeding import seed_everything
    from manifoldviz.training import loop

    x, x_test = data.x_train.reshape(len(data.x_train), -1), data.x_test.reshape(10_000, -1)
    with_convolutions = loop._has_convolutions

    def train(kind: str, use_xla: bool) -> float:
        # The loop compiles dense models with XLA; claiming convolutions turns it off.
        loop._has_convolutions = with_convolutions if use_xla else (lambda model: True)
        try:
            seed_everything(0)
            if kind == "mlp":
                model = architectures.mlp_classifier()
                history = loop.fit(
                    model, x, data.y_train, task="classify", n_epochs=5, batch_size=128, seed=0,
                    validation_data=(x_test, data.y_test),
                )  # fmt: skip
                return round(history["val_accuracy"][-1], 4)
            steps = 5 * math.ceil(len(x) / 256)
            model, _, _ = architectures.autoencoder("dense", 16, total_steps=steps)
            history = loop.fit(
                model, x, task="reconstruct", n_epochs=5, batch_size=256, seed=0,
                validation_data=(x_test, None),
            )  # fmt: skip
            return round(history["val_loss"][-1], 4)
        finally:
            loop._has_convolutions = with_convolutions

    for kind, what in (("mlp", "test accuracy"), ("autoencoder", "test loss")):
        timed = rounds(
            {"XLA": lambda k=kind: train(k, True), "no XLA": lambda k=kind: train(k, False)}, n
        )
        report(f"{kind}, 5 epochs", timed, f"{what} {timed['XLA'][1]} vs {timed['no XLA'][1]}")


def kept(data: Any, n: int) -> None:
    from manifoldviz.data.transforms import flatten_scaled
    from manifoldviz.models.architectures import chapter_mlp
    from manifoldviz.training import pool
    from manifoldviz.training.loop import fit_classifier

    x, y = flatten_scaled(data.x_train[:1000]), data.y_train[:1000]

    def sweep(reuse: bool) -> float:
        pool.forget()
        finals = []
        for seed in range(10):
            model = chapter_mlp(784, seed)
            model = pool.reusing(model) if reuse else model
            history = fit_classifier(
                model, x[:750], y[:750], n_epochs=10, batch_size=128, seed=seed,
                validation_data=(x[750:], y[750:]),
            )  # fmt: skip
            finals.append(history["val_accuracy"][-1])
        pool.forget()
        return round(float(np.mean(finals)), 4)

    timed = rounds({"kept model": lambda: sweep(True), "fresh models": lambda: sweep(False)}, n)
    agreement = f"mean val accuracy {timed['kept model'][1]} vs {timed['fresh models'][1]}"
    report("ten 750-digit runs, 10 epochs, first compile included", timed, agreement)


def _neighbour_distances_before(x: Any, k: int, batch: int = 2048) -> Any:
    """The search the intrinsic-dimension estimators used before (the reference here)."""
    n = len(x)
    data = np.asarray(x, dtype=np.float32).reshape(n, -1)
    squared_norms = np.einsum("ij,ij->i", data, data)
    out = np.empty((n, k), dtype=np.float64)
    for start in range(0, n, batch):
        block = data[start : start + batch]
        squared = (
            squared_norms[start : start + batch, None] - 2 * block @ data.T + squared_norms[None, :]
        )
        rows = np.arange(len(block))
        squared[rows, start + rows] = np.inf
        nearest = np.partition(squared, k - 1, axis=1)[:, :k]
        out[start : start + batch] = np.sqrt(np.maximum(np.sort(nearest, axis=1), 0))
    return out


def neighbours(data: Any, n: int) -> None:
    from manifoldviz.data.transforms import flatten_scaled
    from manifoldviz.experiments.dimension_estimators import neighbour_distances

    chosen = np.sort(np.random.default_rng(0).choice(len(data.x_train), 10_000, replace=False))
    x = flatten_scaled(data.x_train[chosen])
    noise = np.random.default_rng(1).random(x.shape, dtype=np.float32)
    variants = {
        "plain": x,
        "784 zero channels": np.concatenate([x, np.zeros_like(x)], axis=1),
        "784 noise channels": np.concatenate([x, noise], axis=1),
    }
    for name, values in variants.items():
        timed = rounds(
            {
                "now": lambda v=values: neighbour_distances(v, 20),
                "before": lambda v=values: _neighbour_distances_before(v, 20),
            },
            n,
        )
        now, before = timed["now"][1], timed["before"][1]
        gap = float(np.max(np.abs(now - before) / np.maximum(before, 1e-12)))
        report(f"neighbours, 10,000 digits, {name}", timed, f"largest relative gap {gap:.1e}")


def frames(n: int) -> None:
    from manifoldviz.experiments.sweep import ExperimentResult, Run
    from manifoldviz.figures import curves
    from manifoldviz.figures.frames import rasterise

    generator = np.random.default_rng(0)
    epochs = np.arange(30)
    runs = [
        Run(
            "p=1",
            seed,
            {
                "accuracy": list(0.1 + 0.8 * epochs / 29 + generator.normal(0, 0.01, 30)),
                "val_accuracy": list(0.1 + generator.normal(0, 0.01, 30)),
            },
        )
        for seed in range(3)
    ]
    result = ExperimentResult("shuffled-labels", {}, {}, runs)
    draws = [
        lambda figure, upto=upto: curves.draw_shuffled_curves(figure.add_subplot(), result, upto)
        for upto in range(1, 31)
    ]

    def one_by_one() -> list[Any]:
        return [rasterise([draw], size=(10, 6), dpi=80)[0] for draw in draws]

    timed = rounds(
        {
            "laid out once": lambda: rasterise(draws, size=(10, 6), dpi=80),
            "each laid out": one_by_one,
        },
        n,
    )
    once, each = timed["laid out once"][1], timed["each laid out"][1]
    same = sum(np.array_equal(a, b) for a, b in zip(once, each, strict=True))
    report("30 curve frames", timed, f"{same} of 30 frames identical in every pixel")


#: One chapter-MLP training, run as a process of its own by the ``threads`` part.
SIDE_BY_SIDE = """
import sys
from manifoldviz.data.sources import load_mnist
from manifoldviz.models.architectures import chapter_mlp
from manifoldviz.training.loop import fit_classifier
data = load_mnist(sys.argv[1])
history = fit_classifier(chapter_mlp(784, 0), data.x_train.reshape(60000, -1), data.y_train,
                         n_epochs=3, batch_size=128, seed=0, validation_split=0.2)
print(round(history["val_accuracy"][-1], 4))
"""


def threads(path: str, n: int) -> None:
    import subprocess
    import sys

    def side_by_side(tf_threads: int | None) -> list[str]:
        env = dict(os.environ)
        env.pop("TF_NUM_INTRAOP_THREADS", None)
        if tf_threads is not None:
            env["TF_NUM_INTRAOP_THREADS"] = str(tf_threads)
        command = [sys.executable, "-c", SIDE_BY_SIDE, path]
        both = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) for _ in "ab"]
        return [process.communicate()[0].strip() for process in both]

    timed = rounds(
        {"one thread each": lambda: side_by_side(1), "default": lambda: side_by_side(None)}, n
    )
    agreement = f"val accuracy {timed['one thread each'][1]} vs {timed['default'][1]}"
    report("two trainings side by side (start-up and import included)", timed, agreement)


def collect(n: int) -> None:
    import gc

    from manifoldviz.models.architectures import chapter_mlp

    chapter_mlp(784, 0)  # TensorFlow and Keras imported, a model built: a sweep's heap

    def after_run(frozen: bool) -> int:
        class Cycle:
            def __init__(self) -> None:
                self.me = self

        if frozen:
            gc.freeze()  # what the sweep freezes after each run's collection
        try:
            for _ in range(1000):  # the next run's garbage
                Cycle()
            return gc.collect()
        finally:
            gc.unfreeze()

    timed = rounds({"heap frozen": lambda: after_run(True), "full": lambda: after_run(False)}, n)
    agreement = f"objects freed {timed['heap frozen'][1]} vs {timed['full'][1]}"
    report("collection after a run", timed, agreement)


def recording(n: int) -> None:
    import tempfile
    import zipfile
    from pathlib import Path

    from manifoldviz.data.npz import write_npz

    generator = np.random.default_rng(0)
    # Representations as a trained hidden layer has them: non-negative, many exact zeros.
    hidden = np.maximum(generator.normal(0, 1, (14, 2000, 512)), 0).astype(np.float16)
    arrays = {
        "representations": hidden,
        "weights": generator.normal(0, 0.05, (14, 407_050)).astype(np.float32),
        "labels": generator.integers(0, 10, 2000).astype(np.uint8),
    }
    folder = Path(tempfile.mkdtemp())

    def now() -> int:
        path = folder / "now.npz"
        write_npz(path, compress={"representations", "labels"}, **arrays)
        return path.stat().st_size

    def before() -> int:
        path = folder / "before.npz"
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for key, value in arrays.items():  # zipfile's default level, 6
                with archive.open(f"{key}.npy", "w", force_zip64=True) as member:
                    np.lib.format.write_array(member, value, allow_pickle=False)
        return path.stat().st_size

    timed = rounds({"representations deflated, level 1": now, "all deflated, level 6": before}, n)
    sizes = f"{timed['representations deflated, level 1'][1] / 1e6:.1f} MB"
    sizes += f" vs {timed['all deflated, level 6'][1] / 1e6:.1f} MB"
    report("a recorded trajectory written", timed, f"file {sizes}")


def markers(n: int) -> None:
    from manifoldviz.figures.frames import rasterise
    from manifoldviz.figures.trajectory import DIGIT_COLOURS, _scatter

    generator = np.random.default_rng(0)
    labels = generator.integers(0, 10, 2000)
    points = generator.normal(0, 1, (2000, 2)) + labels[:, None]
    limits = ((-4.0, 14.0), (-4.0, 14.0))

    def as_markers(figure: Any) -> None:
        _scatter(figure.add_subplot(), points, labels, limits)

    def as_collections(figure: Any) -> None:
        ax = figure.add_subplot()
        for digit in range(10):
            mine = labels == digit
            ax.scatter(*points[mine].T, s=7, color=DIGIT_COLOURS[digit], alpha=0.8, linewidths=0)
        ax.set_xlim(*limits[0])
        ax.set_ylim(*limits[1])
        ax.set_xticks([])  # the rest as _scatter draws it
        ax.set_yticks([])
        ax.grid(False)

    def draw(way: Any) -> Any:
        return rasterise([way] * 10, size=(7, 7.4), dpi=70)

    timed = rounds(
        {"markers": lambda: draw(as_markers), "scatter": lambda: draw(as_collections)}, n
    )
    gap = np.mean(np.abs(timed["markers"][1][0].astype(int) - timed["scatter"][1][0].astype(int)))
    report("ten frames of 2,000 points", timed, f"mean pixel difference {gap:.2f} of 255")


def recipe(data: Any) -> None:
    from manifoldviz.data.sources import load_mnist
    from manifoldviz.models import architectures
    from manifoldviz.models.cached import BASE_EPOCHS, MIN_STEPS
    from manifoldviz.seeding import seed_everything
    from manifoldviz.training.loop import fit

    def train(x: Any, x_test: Any, latent: int, seed: int, new: bool) -> tuple[float, float, int]:
        if new:
            base, min_steps = BASE_EPOCHS["dense"], MIN_STEPS["dense"]
        else:
            base, min_steps = 9, 2000  # recipe 2
        epochs = architectures.epochs_for(len(x), 256, base=base, min_steps=min_steps, cap=60)
        seed_everything(seed)
        steps = epochs * math.ceil(len(x) / 256) if new else None
        model, _, _ = architectures.autoencoder("dense", latent, total_steps=steps)
        start = time.perf_counter()
        history = fit(
            model, x, task="reconstruct", n_epochs=epochs, batch_size=256, seed=seed,
            validation_data=(x_test, None),
        )  # fmt: skip
        return time.perf_counter() - start, history["val_loss"][-1], epochs

    sample = load_mnist("sample")
    cases = [("full MNIST", data, latent, seed) for latent in (16, 2) for seed in (0, 1, 2)]
    cases += [("5,000-digit sample", sample, latent, 0) for latent in (16, 2)]
    for label, source, latent, seed in cases:
        x = source.x_train.reshape(len(source.x_train), -1)
        x_test = source.x_test.reshape(len(source.x_test), -1)
        t3, loss3, e3 = train(x, x_test, latent, seed, True)
        t2, loss2, e2 = train(x, x_test, latent, seed, False)
        print(
            f"[recipe, {label}, latent {latent}, seed {seed}] recipe 3: {e3} epochs {t3:.1f} s "
            f"test loss {loss3:.4f}; recipe 2: {e2} epochs {t2:.1f} s test loss {loss2:.4f}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="full MNIST .npz")
    parser.add_argument(
        "--parts",
        default=(
            "nearest,bootstrap,density,zeros,xla,kept,neighbours,frames,threads,recording,"
            "markers,collect,recipe"
        ),
    )
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    from manifoldviz.data.sources import load_mnist

    data = load_mnist(args.data)
    print(f"cpu cores: {os.cpu_count()}; rounds: {args.rounds}")
    parts = {
        "nearest": lambda: nearest(data, max(args.rounds, 5)),
        "bootstrap": lambda: bootstrap(args.rounds),
        "density": lambda: density(args.rounds),
        "zeros": lambda: zeros(data, args.rounds),
        "xla": lambda: xla(data, args.rounds),
        "kept": lambda: kept(data, args.rounds),
        "neighbours": lambda: neighbours(data, args.rounds),
        "frames": lambda: frames(args.rounds),
        "threads": lambda: threads(args.data, args.rounds),
        "recording": lambda: recording(args.rounds),
        "markers": lambda: markers(args.rounds),
        "collect": lambda: collect(max(args.rounds, 5)),
        "recipe": lambda: recipe(data),
    }
    for name in args.parts.split(","):
        if name not in parts:
            parser.error(f"unknown part {name!r}; choose from {', '.join(parts)}")
        parts[name]()


if __name__ == "__main__":
    main()
