"""Noise-channels experiment: ours versus the chapter's listing, same data, same machine.

Runs both in fresh processes one after the other and reports wall time, peak resident memory
(from the kernel's accounting of each child) and final validation accuracy, with ratios.
Usage: python benchmarks/bench_noise_channels.py --data ../shared/data/mnist.npz [--epochs 10]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measured(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in GB and stdout of one child process."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[:3]} failed:\n{text}")
    return wall, usage.ru_maxrss / 1024**2, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    data = str(Path(args.data).resolve())
    with tempfile.TemporaryDirectory() as folder:
        ours_wall, ours_mem, _ = measured(
            [
                str(Path(sys.executable).with_name("manifoldviz")),
                "experiment",
                "noise-channels",
                "--data",
                data,
                "--epochs",
                str(args.epochs),
                "--out",
                folder,
                "--quiet",
            ]
        )
        results = json.loads((Path(folder) / "results.json").read_text())
    ours = {r["condition"]: r["history"]["val_accuracy"][-1] for r in results["runs"]}
    ref_wall, ref_mem, ref_out = measured(
        [sys.executable, str(HERE / "chapter_noise_channels.py"), data, str(args.epochs)]
    )
    ref = json.loads(ref_out.strip().splitlines()[-1])
    print(f"cpu cores: {os.cpu_count()}, epochs: {args.epochs}")
    print(f"{'':22}{'ours':>10}{'chapter':>10}{'ratio':>8}")
    print(f"{'wall time (s)':22}{ours_wall:10.1f}{ref_wall:10.1f}{ref_wall / ours_wall:8.2f}x")
    print(f"{'peak memory (GB)':22}{ours_mem:10.2f}{ref_mem:10.2f}{ours_mem / ref_mem:8.2f}")
    for condition in ("noise", "zeros"):
        print(f"{'val acc, ' + condition:22}{ours[condition]:10.4f}{ref[condition]:10.4f}")


if __name__ == "__main__":
    main()
