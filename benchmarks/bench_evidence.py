"""The evidence layer on full MNIST: the VAE's training time, and the scoreboard.

``vae``: train the VAE (latent 2 and 16) into a fresh cache, each in a fresh interpreter, against
the dense autoencoder with the same body trained the same way in the same run (the reference);
prints the times, their ratio and the test losses.

``scoreboard``: run ``manifoldviz compare-paths`` through the console command into ``--out`` and
time it end to end (a fresh cache unless ``--cache`` names one); prints the command, its table and
its sentence.

Usage:  python benchmarks/bench_evidence.py vae --data ../shared/data/mnist.npz
        python benchmarks/bench_evidence.py scoreboard --data ../shared/data/mnist.npz \\
            --out results/board -- --models dense,conv,vae --pairs 100 --seeds 3
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TRAIN = """
import json, sys, time
from manifoldviz.data.sources import load_mnist
from manifoldviz.models.cached import AutoencoderSpec, autoencoder
from manifoldviz.store import Store
data = load_mnist(sys.argv[1])
start = time.perf_counter()
ae = autoencoder(data, AutoencoderSpec(sys.argv[2], int(sys.argv[3])), store=Store(sys.argv[4]))
print(json.dumps({"seconds": time.perf_counter() - start, "test_loss": ae.info["test_loss"],
                  "n_epochs": ae.info["n_epochs"]}))
"""


def train(data: str, architecture: str, latent_dim: int, cache: Path) -> dict[str, float]:
    """Train one autoencoder in a fresh interpreter; its time excludes start-up and loading."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run(
        [sys.executable, "-c", TRAIN, data, architecture, str(latent_dim), str(cache)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def bench_vae(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="mv-bench-vae-"))
    try:
        print(f"cpu cores: {os.cpu_count()}; data: {args.data}")
        for latent_dim in args.latents:
            vae = train(args.data, "vae", latent_dim, workdir / f"vae-{latent_dim}")
            dense = train(args.data, "dense", latent_dim, workdir / f"dense-{latent_dim}")
            per_epoch = (vae["seconds"] / vae["n_epochs"]) / (dense["seconds"] / dense["n_epochs"])
            print(
                f"latent {latent_dim}: VAE {vae['n_epochs']:.0f} epochs {vae['seconds']:.1f} s "
                f"(test loss {vae['test_loss']:.4f}, reconstruction + KL/784); reference dense "
                f"autoencoder {dense['n_epochs']:.0f} epochs {dense['seconds']:.1f} s (test loss "
                f"{dense['test_loss']:.4f}); ratio {vae['seconds'] / dense['seconds']:.2f}, per "
                f"epoch {per_epoch:.2f}"
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def bench_scoreboard(args: argparse.Namespace) -> None:
    cache = Path(args.cache) if args.cache else Path(tempfile.mkdtemp(prefix="mv-bench-board-"))
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", MANIFOLDVIZ_CACHE=str(cache))
    command = [sys.executable, "-c", "from manifoldviz_cli.main import cli; cli()"]
    command += ["compare-paths", "--data", args.data, "--out", args.out, *args.rest]
    print("command: manifoldviz " + " ".join(command[3:]))
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    print(done.stdout)
    if done.returncode:
        print(done.stderr[-3000:])
    print(f"exit {done.returncode}; wall time {seconds / 60:.1f} min; cpu cores {os.cpu_count()}")
    if not args.cache:
        shutil.rmtree(cache, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    vae = sub.add_parser("vae", help="VAE training time against the dense autoencoder")
    vae.add_argument("--data", required=True, help="full MNIST .npz")
    vae.add_argument("--latents", type=int, nargs="+", default=[2, 16])
    board = sub.add_parser("scoreboard", help="time compare-paths end to end")
    board.add_argument("--data", required=True, help="full MNIST .npz")
    board.add_argument("--out", required=True, help="the scoreboard's folder")
    board.add_argument("--cache", default=None, help="a model cache to use (kept)")
    board.add_argument("rest", nargs=argparse.REMAINDER, help="compare-paths options, after --")
    args = parser.parse_args()
    if args.what == "scoreboard":
        args.rest = [a for a in args.rest if a != "--"]
        bench_scoreboard(args)
    else:
        bench_vae(args)


if __name__ == "__main__":
    main()
