"""Time writing a recorded training trajectory against the way it was written before, in one run.

- ``recording``: 14 snapshots of 2,000 probe digits' representations (x 512, float16) and of
  407,050 weights written with only the representations (and labels) deflated, at zlib's level
  1, against every array deflated at zipfile's default level 6: seconds and file size. The
  weights, float32 noise to a compressor, barely shrink for most of the work.

Usage:  python benchmarks/bench_recording.py [--parts recording] [--rounds 2]
"""

from __future__ import annotations

import argparse
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from timing import main, report, rounds


def recording(args: argparse.Namespace) -> None:
    from manifoldviz.data.npz import write_npz

    generator = np.random.default_rng(0)
    # Representations as a trained hidden layer has them: non-negative, many exact zeros.
    hidden = np.maximum(generator.normal(0, 1, (14, 2000, 512)), 0).astype(np.float16)
    arrays = {
        "representations": hidden,
        "weights": generator.normal(0, 0.05, (14, 407_050)).astype(np.float32),
        "labels": generator.integers(0, 10, 2000).astype(np.uint8),
    }
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)

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

        timed = rounds(
            {"representations deflated, level 1": now, "all deflated, level 6": before},
            args.rounds,
        )
    sizes = f"{timed['representations deflated, level 1'][1] / 1e6:.1f} MB"
    sizes += f" vs {timed['all deflated, level 6'][1] / 1e6:.1f} MB"
    report("a recorded trajectory written", timed, f"file {sizes}")


if __name__ == "__main__":
    main(__doc__.splitlines()[0], {"recording": recording})
