"""Time ``manifoldviz interpolate 3 8`` warm and cold against references in the same run.

Warm: cached models, end to end through the console command, against the bare cost of
``import tensorflow`` (the floor for any path that runs the models through Keras) and against a
floor of our own: starting Python, importing numpy and Pillow, decoding 12 codes with a numpy
decoder the size of ours and writing them as a 22-frame looping GIF.
Cold: a fresh cache, so both autoencoder and classifier train on the chosen data, against the
chapter's own MLP listing (5 epochs, batch 128) trained in a fresh interpreter.
``--reference COMMIT`` also times that commit's code (a temporary git worktree, run from its
source with these packages), warm and cold, in the same run, with the test accuracy and
reconstruction loss each cold run reached.

Usage:  python benchmarks/bench_interpolate.py --data ../shared/data/mnist.npz [--repeats 5]
        [--cold-repeats 3] [--reference 813a2f7] [--model conv]
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

ROOT = Path(__file__).resolve().parents[1]

CHAPTER_MLP = """
import numpy as np, keras
with np.load({path!r}) as f:
    x, y = f["x_train"].reshape(60000, 784).astype("float32") / 255, f["y_train"]
model = keras.Sequential([keras.layers.Dense(512, activation="relu"),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=5, batch_size=128, verbose=0)
"""


FLOOR = """
import sys, numpy as np
from PIL import Image
g = np.random.default_rng(0)
w1, w2 = g.normal(0, .1, (16, 256)).astype("f4"), g.normal(0, .1, (256, 784)).astype("f4")
codes = g.normal(0, 1, (12, 16)).astype("f4")
images = 1 / (1 + np.exp(-(np.maximum(codes @ w1, 0) @ w2)))
frames = [Image.fromarray(np.uint8(255 * (1 - x.reshape(28, 28)))).resize((224, 224))
          for x in images]
frames = [f.convert("P") for f in frames + frames[-2:0:-1]]
frames[0].save(sys.argv[1], save_all=True, append_images=frames[1:], loop=0, duration=100)
"""


QUALITY = """
import json, sys
from pathlib import Path
for manifest in sorted(Path(sys.argv[1]).glob("*/manifest.json")):
    info = json.loads(manifest.read_text()).get("info", {})
    kind = json.loads(manifest.read_text())["kind"]
    print(kind, {k: round(v, 4) for k, v in info.items() if k.startswith("test_")})
"""


def compiled(tree: Path) -> None:
    """Byte-compile a tree's modules, as an installed package has them (this machine may set
    PYTHONDONTWRITEBYTECODE, which would make every timed run compile its sources again)."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(tree / "src"), str(tree / "cli")],
        check=True,
        capture_output=True,
    )


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def worktree(commit: str, workdir: Path) -> dict[str, str]:
    """A checkout of ``commit`` and the PYTHONPATH that runs its library and CLI."""
    tree = workdir / f"tree-{commit}"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(tree), commit],
        check=True,
        capture_output=True,
    )
    compiled(tree)
    return {"PYTHONPATH": os.pathsep.join([str(tree / "src"), str(tree / "cli")])}


def interpolate_command(name: str, args: argparse.Namespace, data: str, workdir: Path) -> list[str]:
    command = [sys.executable, "-c", "from manifoldviz_cli.main import cli; cli()"]
    command += ["interpolate", "3", "8", "--data", data, "--out", str(workdir / f"{name}.gif")]
    return [*command, "--quiet", "--model", args.model]


def tree_env(name: str, extra_env: dict[str, str], workdir: Path) -> dict[str, str]:
    cache = workdir / f"cache-{name}"
    return dict(os.environ, MANIFOLDVIZ_CACHE=str(cache), TF_CPP_MIN_LOG_LEVEL="3", **extra_env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="full MNIST .npz")
    parser.add_argument("--repeats", type=int, default=5, help="rounds of warm runs")
    parser.add_argument("--cold-repeats", type=int, default=1, help="rounds of cold runs")
    parser.add_argument("--reference", default=None, help="a commit to time beside this tree")
    parser.add_argument("--model", default="dense", help="dense or conv")
    args = parser.parse_args()
    if args.repeats < 1 or args.cold_repeats < 1:
        parser.error("--repeats and --cold-repeats must be at least 1")
    data = str(Path(args.data).resolve())
    workdir = Path(tempfile.mkdtemp(prefix="mv-bench-"))
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    compiled(ROOT)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    try:
        trees = {
            "this tree": {"PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "cli")])}
        }
        if args.reference:
            trees[args.reference] = worktree(args.reference, workdir)
        names = {name: name.replace(" ", "-") for name in trees}
        envs = {name: tree_env(names[name], extra, workdir) for name, extra in trees.items()}
        commands = {name: interpolate_command(names[name], args, data, workdir) for name in trees}
        # Cold runs take turns with the chapter's listing too, each into an emptied cache.
        colds: dict[str, list[float]] = {name: [] for name in [*trees, "chapter"]}
        for _ in range(args.cold_repeats):
            for name in trees:
                shutil.rmtree(envs[name]["MANIFOLDVIZ_CACHE"], ignore_errors=True)
                colds[name].append(timed(commands[name], envs[name]))
            chapter_command = [sys.executable, "-c", CHAPTER_MLP.format(path=data)]
            colds["chapter"].append(timed(chapter_command, env))
        cold = {name: statistics.median(times) for name, times in colds.items()}
        chapter = cold["chapter"]
        # Warm runs, the floor and `import tensorflow` take turns, round after round, so a
        # machine whose speed drifts (shared hosts do) weighs on all of them alike.
        warm: dict[str, list[float]] = {name: [] for name in [*trees, "floor", "tensorflow"]}
        floor_command = [sys.executable, "-c", FLOOR, str(workdir / "floor.gif")]
        for _ in range(args.repeats):
            for name in trees:
                warm[name].append(timed(commands[name], envs[name]))
            warm["floor"].append(timed(floor_command, env))
            warm["tensorflow"].append(timed([sys.executable, "-c", "import tensorflow"], env))
        median = {name: statistics.median(times) for name, times in warm.items()}
        floor, tf_import = median["floor"], median["tensorflow"]
        print(
            f"cpu cores: {os.cpu_count()}; model: {args.model}; warm rounds: {args.repeats}; "
            f"cold rounds: {args.cold_repeats} (medians; each cold: "
            + ", ".join(f"{n} {' '.join(f'{t:.1f}' for t in ts)}" for n, ts in colds.items())
            + ")"
        )
        print(f"reference `import tensorflow`:              {tf_import:.2f} s")
        print(f"floor: python, numpy, Pillow, numpy decoder, GIF: {floor:.2f} s")
        print(f"reference chapter MLP listing (5 epochs):   {chapter:.1f} s")
        for name in trees:
            quality = subprocess.run(
                [sys.executable, "-c", QUALITY, envs[name]["MANIFOLDVIZ_CACHE"]],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            print(
                f"[{name}] warm, median: {median[name]:.2f} s  (x{median[name] / floor:.2f} the "
                f"floor, x{median[name] / tf_import:.2f} import tensorflow)"
            )
            print(
                f"[{name}] cold: {cold[name]:.1f} s  (x{cold[name] / chapter:.2f} the chapter MLP)"
            )
            print(f"[{name}] trained to: {quality}")
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "prune"], capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
