"""Do our experiments land where the chapter's do? Full MNIST, the chapter's settings.

Runs noise-channels (K seeds) and shuffled-labels through the library and prints each number
beside the value the book reports (Chollet, Deep Learning with Python, 2nd ed., chapter 5).
Usage: python benchmarks/fidelity.py --data ../shared/data/mnist.npz [--seeds 3] [--out DIR]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from manifoldviz.experiments.noise_channels import NoiseChannelsConfig
from manifoldviz.experiments.shuffled_labels import ShuffledLabelsConfig
from manifoldviz.reports.studies import run_study


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--out", default=None, help="keep the reports here")
    args = parser.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="mv-fidelity-"))
    noise = run_study(
        "noise-channels",
        NoiseChannelsConfig(data=args.data, n_seeds=args.seeds),
        out / "noise-channels",
    ).result
    shuffled = run_study(
        "shuffled-labels",
        ShuffledLabelsConfig(data=args.data, n_seeds=args.seeds),
        out / "shuffled-labels",
    ).result
    rows = [
        (
            "noise channels: val accuracy, epoch 10",
            noise.curves("noise", "val_accuracy")[:, -1],
            "~0.96-0.97",
        ),
        (
            "zero channels: val accuracy, epoch 10",
            noise.curves("zeros", "val_accuracy")[:, -1],
            "~0.98",
        ),
        (
            "shuffled labels: val accuracy, epoch 10",
            shuffled.curves("p=1", "val_accuracy")[:, -1],
            "~0.10 (chance)",
        ),
        (
            "shuffled labels: train accuracy, epoch 10",
            shuffled.curves("p=1", "accuracy")[:, -1],
            "rising, > 0.2",
        ),
    ]
    print(f"{'quantity':44}{'ours (mean, min-max over seeds)':>36}   chapter")
    for name, values, book in rows:
        ours = f"{values.mean():.4f} ({values.min():.4f}-{values.max():.4f})"
        print(f"{name:44}{ours:>36}   {book}")
    print(f"reports in {out}")


if __name__ == "__main__":
    main()
