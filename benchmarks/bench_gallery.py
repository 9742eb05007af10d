"""Time the whole gallery into an empty cache, here and at a reference commit, in the same run.

Each round, each tree builds the scripts both trees have as one ``manifoldviz gallery --only
...`` command into a fresh cache of its own, exactly as a user's full build runs; the trees take
turns (the order swaps every round), so load from anything else on the machine weighs on both
alike. Per-script times come from the times a build reports ("gallery: NAME built in S s";
scripts running side by side share the machine, so these add up to more than the build) or,
for builds that only announce each script ("gallery: running NAME"), from one announcement to
the next; they show where the time goes. Scripts only this tree
has are then built once more, on their own, into the last round's cache (the lab page reads the
interpolation models). Both trees are checked out into temporary git worktrees, byte-compiled as
an installed package is, and run from their own source (``PYTHONPATH``) with this environment's
packages. With several rounds the medians are reported.

Usage:  python benchmarks/bench_gallery.py --data ../shared/data/mnist.npz --reference 813a2f7
        [--this HEAD] [--quick] [--only plot_04,plot_06] [--rounds 1]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANNOUNCE = "gallery: running "
#: Builds that run scripts side by side say how long each took; older ones only announce them.
BUILT = re.compile(r"gallery: (?P<name>plot_\w+)\.py built in (?P<seconds>[0-9.]+) s")


def source_tree(commit: str, workdir: Path, role: str) -> Path:
    """A byte-compiled worktree of ``commit`` under ``workdir`` (stable while the checkout
    changes; compiled because this machine may set PYTHONDONTWRITEBYTECODE); ``role`` keeps
    the two trees apart when both name the same commit."""
    tree = workdir / f"{role}-{commit.replace('/', '_')}"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(tree), commit],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", *(str(tree / d) for d in ("src", "cli"))],
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
    env = dict(os.environ, PYTHONPATH=path, MANIFOLDVIZ_CACHE=str(cache), TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def build_times(
    tree: Path, scripts: list[str], data: str | None, quick: bool, out: Path
) -> tuple[float, dict[str, float]]:
    """Build ``scripts`` from ``tree`` into ``out`` as one command: its seconds, and each
    script's (from one announcement to the next; the last one's up to the command's end)."""
    env = environment(tree, out / "cache")
    command = [sys.executable, "-c", "from manifoldviz_cli.main import cli; cli()", "gallery"]
    command += ["--out", str(out / "site"), "--only", ",".join(scripts)]
    command += ["--quick"] if quick else []
    command += ["--data", data] if data else []
    marks: list[tuple[str, float]] = []
    start = time.perf_counter()
    with subprocess.Popen(
        command,
        env=env,
        cwd=tree,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stderr is not None
        tail: list[str] = []
        reported: dict[str, float] = {}
        for line in process.stderr:
            if ANNOUNCE in line:
                name = line.split(ANNOUNCE, 1)[1].split()[0].removesuffix(".py")
                marks.append((name, time.perf_counter()))
            elif (found := BUILT.search(line)) is not None:
                reported[found["name"]] = float(found["seconds"])
            tail = [*tail, line.rstrip()][-3:]
    total = time.perf_counter() - start
    ends = [t for _, t in marks[1:]] + [start + total]
    per_script = {name: end - begun for (name, begun), end in zip(marks, ends, strict=True)}
    per_script.update(reported)  # a build that says how long each script took is believed
    status = "ok" if process.returncode == 0 else "FAILED: " + " | ".join(tail)
    print(f"  {tree.name}: {len(scripts)} scripts {total:.1f} s {status}", flush=True)
    return total, per_script


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="MNIST .npz (default: as the gallery finds)")
    parser.add_argument("--reference", required=True, help="commit to compare against")
    parser.add_argument("--this", default="HEAD", help="commit measured against it")
    parser.add_argument("--quick", action="store_true", help="the small --quick build")
    parser.add_argument("--only", default="", help="comma-separated script names (default: all)")
    parser.add_argument("--rounds", type=int, default=1, help="builds per tree, taking turns")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    data = str(Path(args.data).resolve()) if args.data else None
    workdir = Path(tempfile.mkdtemp(prefix="mv-bench-gallery-"))
    try:
        trees = {}
        for role, commit in (("reference", args.reference), ("this", args.this)):
            try:
                trees[role] = source_tree(commit, workdir, role)
            except subprocess.CalledProcessError as failed:
                why = (failed.stderr or b"").decode(errors="replace").strip().splitlines()
                parser.error(f"cannot check out {commit}: {why[-1] if why else 'git failed'}")
        scripts = sorted(p.stem for p in (trees["this"] / "gallery").glob("plot_*.py"))
        if args.only:
            scripts = [s for s in scripts if any(w in s for w in args.only.split(","))]
        if not scripts:
            parser.error(f"no gallery script matches {args.only}")
        common = [s for s in scripts if (trees["reference"] / "gallery" / f"{s}.py").is_file()]
        extra = [s for s in scripts if s not in common]
        totals: dict[str, list[float]] = {name: [] for name in trees}
        per_script: dict[str, dict[str, list[float]]] = {name: {} for name in trees}
        for round_ in range(args.rounds):
            order = list(trees) if round_ % 2 == 0 else list(reversed(trees))
            for name in order:
                out = workdir / f"{name}-{round_}"
                total, times = build_times(trees[name], common, data, args.quick, out)
                totals[name].append(total)
                for script, seconds in times.items():
                    per_script[name].setdefault(script, []).append(seconds)
        extra_times: dict[str, float] = {}
        if extra:
            out = workdir / f"this-{args.rounds - 1}"
            _, extra_times = build_times(trees["this"], extra, data, args.quick, out)

        def median(values: list[float] | None) -> str:
            return f"{statistics.median(values):9.1f}s" if values else f"{'-':>10}"

        print(
            f"\ncpu cores: {os.cpu_count()}; data: {data or 'default'}; quick: {args.quick}; "
            f"rounds: {args.rounds} (medians)"
        )
        print(f"{'script':<36} {'reference':>10} {'this':>10}")
        for script in common:
            ref, this = per_script["reference"].get(script), per_script["this"].get(script)
            print(f"{script:<36} {median(ref)} {median(this)}")
        ref_total, this_total = (
            statistics.median(totals["reference"]),
            statistics.median(totals["this"]),
        )
        print(f"{'whole build (scripts both have)':<36} {ref_total:9.1f}s {this_total:9.1f}s")
        print(f"ratio this / reference: {this_total / ref_total:.2f}")
        for script in extra:
            print(f"{script + ' (new)':<36} {'-':>10} {extra_times.get(script, 0.0):9.1f}s")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "prune"], capture_output=True, check=False
        )


if __name__ == "__main__":
    main()
