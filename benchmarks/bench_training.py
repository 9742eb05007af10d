"""Time how models train, each way against the one it replaced, in the same run.

- ``zeros``: the noise-channels zeros condition trained on the pixels alone against the
  1,568-input model (3 epochs, full width first); validation accuracy equal up to rounding.
- ``xla``: the chapter's MLP and the dense autoencoder trained (5 epochs) with and without XLA,
  compile included.
- ``kept``: ten validation-figure runs (the chapter's MLP, 750 digits, 10 epochs) through a
  sweep's kept model (steps compiled once, with XLA) against a fresh model each run (traced
  again, without XLA, as runs this small are).
- ``collect``: the garbage collection a sweep runs after each run, with TensorFlow's and
  Keras's heap frozen, against a full collection; at least 5 rounds, the part being short.
- ``threads``: two chapter-MLP trainings side by side (two processes, 3 epochs each, start-up
  included), one TensorFlow thread apiece (the gallery's share with two jobs) against
  TensorFlow's default of every core apiece.
- ``recipe``: the cached dense autoencoder's recipe 3 (one-cycle Adam, 5 epochs on full MNIST)
  against recipe 2 (Adam 2e-3, 9 epochs): seconds and test reconstruction loss, for latents 16
  and 2 and seeds 0-2 on ``--data``, and on the embedded 5,000-digit sample (epochs by
  ``epochs_for``); one run each, so ``--rounds`` does not apply.

Usage:  python benchmarks/bench_training.py --data ../shared/data/mnist.npz
        [--parts zeros,xla,kept,collect,threads,recipe] [--rounds 2]
"""

from __future__ import annotations

import argparse
import math
import os
import time
from typing import Any

import numpy as np
from timing import main, mnist, report, rounds


def zeros(args: argparse.Namespace) -> None:
    from manifoldviz.experiments import noise_channels as nc
    from manifoldviz.training.loop import fit_classifier

    data = mnist(args.data)

    def train(full_width: bool) -> list[float]:
        model = nc.initial_model("zeros", 0, 784, full_width=full_width)
        x = nc.input_blocks(data, "zeros", 0, 784, full_width=full_width)
        history = fit_classifier(
            model, x, data.y_train, seed=0, n_epochs=3, batch_size=128, validation_split=0.2
        )
        return [round(v, 4) for v in history["val_accuracy"]]

    timed = rounds(
        {"pixels alone": lambda: train(False), "full width": lambda: train(True)}, args.rounds
    )
    agreement = f"val accuracy {timed['pixels alone'][1]} vs {timed['full width'][1]}"
    report("zeros condition, 3 epochs", timed, agreement)


def xla(args: argparse.Namespace) -> None:
    from manifoldviz.models import architectures
    from manifoldviz.seeding import seed_everything
    from manifoldviz.training import loop

    data = mnist(args.data)
    x = data.x_train.reshape(len(data.x_train), -1)
    x_test = data.x_test.reshape(len(data.x_test), -1)
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
            {"XLA": lambda k=kind: train(k, True), "no XLA": lambda k=kind: train(k, False)},
            args.rounds,
        )
        report(f"{kind}, 5 epochs", timed, f"{what} {timed['XLA'][1]} vs {timed['no XLA'][1]}")


def kept(args: argparse.Namespace) -> None:
    from manifoldviz.data.transforms import flatten_scaled
    from manifoldviz.models.architectures import chapter_mlp
    from manifoldviz.training import pool
    from manifoldviz.training.loop import fit_classifier

    data = mnist(args.data)
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

    timed = rounds(
        {"kept model": lambda: sweep(True), "fresh models": lambda: sweep(False)}, args.rounds
    )
    agreement = f"mean val accuracy {timed['kept model'][1]} vs {timed['fresh models'][1]}"
    report("ten 750-digit runs, 10 epochs, first compile included", timed, agreement)


def collect(args: argparse.Namespace) -> None:
    import gc

    from manifoldviz.models.architectures import chapter_mlp

    chapter_mlp(784, 0)  # TensorFlow and Keras imported, a model built: a sweep's heap

    def after_run(frozen: bool) -> int:
        class Cycle:
            def __init__(self) -> None:
                self.me = self

        if frozen:
            gc.freeze()  # what a sweep freezes after each run's collection
        try:
            for _ in range(1000):  # the next run's garbage
                Cycle()
            return gc.collect()
        finally:
            gc.unfreeze()

    timed = rounds(
        {"heap frozen": lambda: after_run(True), "full": lambda: after_run(False)},
        max(args.rounds, 5),
    )
    agreement = f"objects freed {timed['heap frozen'][1]} vs {timed['full'][1]}"
    report("collection after a run", timed, agreement)


#: One chapter-MLP training, run as a process of its own by the ``threads`` part.
SIDE_BY_SIDE = """
import sys
from manifoldviz.data.sources import load_mnist
from manifoldviz.models.architectures import chapter_mlp
from manifoldviz.training.loop import fit_classifier
data = load_mnist(sys.argv[1])
history = fit_classifier(chapter_mlp(784, 0), data.x_train.reshape(len(data.x_train), -1),
                         data.y_train, n_epochs=3, batch_size=128, seed=0, validation_split=0.2)
print(round(history["val_accuracy"][-1], 4))
"""


def threads(args: argparse.Namespace) -> None:
    import subprocess
    import sys

    def side_by_side(tf_threads: int | None) -> list[str]:
        env = dict(os.environ)
        env.pop("TF_NUM_INTRAOP_THREADS", None)
        if tf_threads is not None:
            env["TF_NUM_INTRAOP_THREADS"] = str(tf_threads)
        command = [sys.executable, "-c", SIDE_BY_SIDE, args.data]
        both = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) for _ in "ab"]
        return [process.communicate()[0].strip() for process in both]

    timed = rounds(
        {"one thread each": lambda: side_by_side(1), "default": lambda: side_by_side(None)},
        args.rounds,
    )
    agreement = f"val accuracy {timed['one thread each'][1]} vs {timed['default'][1]}"
    report("two trainings side by side (start-up and import included)", timed, agreement)


def recipe(args: argparse.Namespace) -> None:
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

    data, sample = mnist(args.data), mnist("sample")
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


if __name__ == "__main__":
    main(
        __doc__.splitlines()[0],
        {
            "zeros": zeros,
            "xla": xla,
            "kept": kept,
            "collect": collect,
            "threads": threads,
            "recipe": recipe,
        },
        data=True,
    )
