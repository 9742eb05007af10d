"""Time ``manifoldviz interpolate 3 8`` warm and cold against references in the same run.

Warm: cached models, end to end through the console command, against the bare cost of
``import tensorflow`` (the floor for any path that runs the models through Keras).
Cold: a fresh cache, so both autoencoder and classifier train on the chosen data, against the
chapter's own MLP listing (5 epochs, batch 128) trained in a fresh interpreter.

Usage:  python benchmarks/bench_interpolate.py --data ../shared/data/mnist.npz [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHAPTER_MLP = """
import numpy as np, keras
with np.load({path!r}) as f:
    x, y = f["x_train"].reshape(60000, 784).astype("float32") / 255, f["y_train"]
model = keras.Sequential([keras.layers.Dense(512, activation="relu"),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=5, batch_size=128, verbose=0)
"""


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="full MNIST .npz")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-cold", action="store_true")
    args = parser.parse_args()
    data = str(Path(args.data).resolve())
    exe = Path(sys.executable).with_name("manifoldviz")
    workdir = Path(tempfile.mkdtemp(prefix="mv-bench-"))
    env = dict(os.environ, MANIFOLDVIZ_CACHE=str(workdir / "cache"), TF_CPP_MIN_LOG_LEVEL="3")
    command = [
        str(exe),
        "interpolate",
        "3",
        "8",
        "--data",
        data,
        "--out",
        str(workdir / "x.gif"),
        "--quiet",
    ]
    try:
        cold = None if args.skip_cold else timed(command, env)
        if args.skip_cold:
            timed(command, env)  # fill the cache
        warm = [timed(command, env) for _ in range(args.repeats)]
        tf_import = [
            timed([sys.executable, "-c", "import tensorflow"], env) for _ in range(args.repeats)
        ]
        print(f"cpu cores: {os.cpu_count()}")
        print(f"warm interpolate, median of {args.repeats}: {statistics.median(warm):.2f} s")
        print(f"reference `import tensorflow`:          {statistics.median(tf_import):.2f} s")
        print(
            f"ratio warm / tf import:                 "
            f"{statistics.median(warm) / statistics.median(tf_import):.2f}"
        )
        if cold is not None:
            chapter = timed([sys.executable, "-c", CHAPTER_MLP.format(path=data)], env)
            print(f"cold interpolate (trains AE + MLP):     {cold:.1f} s")
            print(f"reference chapter MLP listing (5 ep.):  {chapter:.1f} s")
            print(f"ratio cold / chapter MLP:               {cold / chapter:.2f}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
