"""Time the whole gallery into an empty cache, here and at a reference commit, in the same run.

Each tree builds every gallery script in turn (``manifoldviz gallery --only NAME``, one after
the other, sharing one fresh cache of its own, exactly as a full build shares it), so the
per-script times show where the time goes and what a change cut. The two trees alternate script
by script, so load from anything else on the machine weighs on both alike. Both are checked
out into temporary git worktrees and run from their own source (``PYTHONPATH``) with this
environment's packages.

Usage:  python benchmarks/bench_gallery.py --data ../shared/data/mnist.npz --reference 813a2f7
        [--this HEAD] [--quick] [--only plot_04,plot_06]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def source_tree(commit: str, workdir: Path) -> Path:
    """A worktree of ``commit`` under ``workdir`` (stable while the checkout changes)."""
    tree = workdir / f"tree-{commit}"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(tree), commit],
        check=True,
        capture_output=True,
    )
    return tree


def environment(tree: Path, cache: Path) -> dict[str, str]:
    """Run ``tree``'s library, CLI and gallery, with a cache of its own."""
    packages = tree.parent / f"{tree.name}-packages"
    packages.mkdir(exist_ok=True)
    link = packages / "manifoldviz_gallery"
    if not link.exists():
        link.symlink_to(tree / "gallery")
    path = os.pathsep.join([str(tree / "src"), str(tree / "cli"), str(packages)])
    return dict(os.environ, PYTHONPATH=path, MANIFOLDVIZ_CACHE=str(cache), TF_CPP_MIN_LOG_LEVEL="3")


def build_time(tree: Path, script: str, data: str | None, quick: bool, out: Path) -> float:
    """Seconds to build one script from ``tree`` into ``out`` (its cache kept between calls)."""
    env = environment(tree, out / "cache")
    command = [sys.executable, "-c", "from manifoldviz_cli.main import cli; cli()", "gallery"]
    command += ["--out", str(out / "site"), "--only", script, "--quiet"]
    command += ["--quick"] if quick else []
    command += ["--data", data] if data else []
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=tree)
    seconds = time.perf_counter() - start
    status = "ok" if done.returncode == 0 else f"FAILED: {done.stderr.strip()[-300:]}"
    print(f"  {tree.name}: {script} {seconds:.1f} s {status}", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="MNIST .npz (default: as the gallery finds)")
    parser.add_argument("--reference", required=True, help="commit to compare against")
    parser.add_argument("--this", default="HEAD", help="commit measured against it")
    parser.add_argument("--quick", action="store_true", help="the small --quick build")
    parser.add_argument("--only", default="", help="comma-separated script names (default: all)")
    args = parser.parse_args()
    data = str(Path(args.data).resolve()) if args.data else None
    workdir = Path(tempfile.mkdtemp(prefix="mv-bench-gallery-"))
    try:
        trees = {
            "reference": source_tree(args.reference, workdir),
            "this": source_tree(args.this, workdir),
        }
        scripts = sorted(p.stem for p in (trees["this"] / "gallery").glob("plot_*.py"))
        if args.only:
            scripts = [s for s in scripts if any(w in s for w in args.only.split(","))]
        results: dict[str, dict[str, float]] = {name: {} for name in trees}
        # Script by script, the two trees in turn: whatever else the machine is doing weighs
        # on both alike. Scripts the reference does not have are timed here only.
        for script in scripts:
            for name, tree in trees.items():
                if (tree / "gallery" / f"{script}.py").is_file():
                    seconds = build_time(tree, script, data, args.quick, workdir / name)
                    results[name][script] = seconds
        print(f"\ncpu cores: {os.cpu_count()}; data: {data or 'default'}; quick: {args.quick}")
        print(f"{'script':<36} {'reference':>10} {'this':>10}")
        for script in scripts:
            ref = results["reference"].get(script)
            ref_text = f"{ref:9.1f}s" if ref is not None else f"{'-':>10}"
            print(f"{script:<36} {ref_text} {results['this'][script]:9.1f}s")
        common = [s for s in scripts if s in results["reference"]]
        ref_total = sum(results["reference"][s] for s in common)
        this_total = sum(results["this"][s] for s in common)
        print(f"{'total (scripts both have)':<36} {ref_total:9.1f}s {this_total:9.1f}s")
        print(f"ratio this / reference: {this_total / ref_total:.2f}")
        extra = [s for s in scripts if s not in results["reference"]]
        if extra:
            print(f"new scripts, timed here only: {sum(results['this'][s] for s in extra):.1f} s")
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "prune"], capture_output=True, check=False
        )
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
