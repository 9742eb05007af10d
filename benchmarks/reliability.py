"""Reliability: the fuzz and fault suites run long, and RELIABILITY.md written from what they saw.

The test suite holds the fault classes and their checks; this script runs them with far more
examples and trials than CI does and tabulates what every class gave:

1. ``tests/data/test_npz_fuzz.py`` with ``MANIFOLDVIZ_FUZZ_EXAMPLES`` (default 20,000 mutated
   files);
2. ``tests/test_faults.py`` with ``MANIFOLDVIZ_FAULT_TRIALS`` (default 17: 51 kills during
   publish, 17 while writing results.json and a GIF, 5 while training a real model...);
3. ``tests/runs/test_ray_cluster.py`` (a separate Ray head node, a sweep through ``--address``, a
   worker killed mid-sweep), when Ray is installed.

Each suite runs in pytest (any failed check fails the run and is reported as such), writes a
JSON report of the outcomes per class, and a JUnit file for the times.

Usage: python benchmarks/reliability.py [--fuzz-examples 20000] [--fault-trials 17]
       [--out RELIABILITY.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_suite(test_file: str, env: dict[str, str], work: Path) -> dict[str, object]:
    """Run one test file; return its report, per-test times, outcome and wall time."""
    report = work / f"{Path(test_file).stem}.json"
    junit = work / f"{Path(test_file).stem}.xml"
    started = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            test_file,
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={junit}",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    times: dict[str, float] = {}
    failures: list[str] = []
    skipped: list[str] = []
    if junit.exists():
        for case in ET.parse(junit).getroot().iter("testcase"):
            name = case.get("name", "").split("[")[0]
            times[name] = times.get(name, 0.0) + float(case.get("time", 0))
            if case.find("failure") is not None or case.find("error") is not None:
                failures.append(case.get("name", ""))
            if case.find("skipped") is not None:
                skipped.append(f"{case.get('name')}: {case.find('skipped').get('message', '')}")
    return {
        "report": json.loads(report.read_text()) if report.exists() else {},
        "times": times,
        "failures": failures,
        "skipped": skipped,
        "returncode": result.returncode,
        "wall": wall,
        "tail": result.stdout[-3000:],
    }


def fuzz_rows(suite: dict[str, object]) -> list[str]:
    rows = []
    report: dict[str, dict[str, int]] = suite["report"]  # type: ignore[assignment]
    for kind, counts in sorted(report.items(), key=lambda kv: kv[0] == "valid file (control)"):
        loaded, refused = counts.get("loaded", 0), counts.get("refused", 0)
        tried = loaded + refused
        outcome = f"{refused} one-line `DataFileError`"
        if kind == "valid file (control)":
            outcome = f"{loaded} loaded"
        elif counts.get("loaded the original digits"):
            outcome += f"; {loaded} loaded the original digits unchanged"
        elif loaded:
            outcome += f"; {loaded} loaded valid digits"
        rows.append(
            f"| `.npz` fuzz: {kind} | {tried:,} | {counts.get('ms', 0) / 1000:.1f} s | "
            f"{outcome}; 0 other exceptions, 0 unpickling, 0 allocations over the caps |"
        )
    return rows


def fault_rows(suite: dict[str, object]) -> list[str]:
    rows = []
    report: dict[str, dict[str, object]] = suite["report"]  # type: ignore[assignment]
    times: dict[str, float] = suite["times"]  # type: ignore[assignment]
    for kind, counts in report.items():
        test = str(counts.get("test", ""))
        tried = counts.get("trials", counts.get("cases", 0))
        outcome = ", ".join(
            f"{value} {key}"
            for key, value in counts.items()
            if key not in ("test", "trials", "cases")
        )
        rows.append(f"| {kind} | {tried} | {times.get(test, 0):.0f} s ({test}) | {outcome} |")
    return rows


def status_line(name: str, suite: dict[str, object]) -> str:
    failures = suite["failures"]
    verdict = "all checks passed" if suite["returncode"] == 0 else f"FAILED: {failures}"
    skipped = suite["skipped"]
    note = f"; skipped: {'; '.join(skipped)}" if skipped else ""  # type: ignore[arg-type]
    return f"- `{name}`: {verdict}, {suite['wall']:.0f} s wall{note}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fuzz-examples", type=int, default=20_000)
    parser.add_argument("--fault-trials", type=int, default=17)
    parser.add_argument("--out", type=Path, default=ROOT / "RELIABILITY.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        fuzz = run_suite(
            "tests/data/test_npz_fuzz.py",
            {
                "MANIFOLDVIZ_FUZZ_EXAMPLES": str(args.fuzz_examples),
                "MANIFOLDVIZ_FUZZ_REPORT": str(work / "test_npz_fuzz.json"),
            },
            work,
        )
        faults = run_suite(
            "tests/test_faults.py",
            {
                "MANIFOLDVIZ_FAULT_TRIALS": str(args.fault_trials),
                "MANIFOLDVIZ_FAULT_REPORT": str(work / "test_faults.json"),
            },
            work,
        )
        suites = [("tests/data/test_npz_fuzz.py", fuzz), ("tests/test_faults.py", faults)]
        if (ROOT / "tests" / "runs" / "test_ray_cluster.py").exists():
            ray = run_suite(
                "tests/runs/test_ray_cluster.py",
                {"MANIFOLDVIZ_FAULT_REPORT": str(work / "test_ray_cluster.json")},
                work,
            )
            suites.append(("tests/runs/test_ray_cluster.py", ray))
    rows = fuzz_rows(fuzz) + fault_rows(faults)
    for _name, suite in suites[2:]:
        rows += fault_rows(suite)
    command = (
        f"python benchmarks/reliability.py --fuzz-examples {args.fuzz_examples} "
        f"--fault-trials {args.fault_trials}"
    )
    text = "\n".join(
        [
            "# Reliability",
            "",
            "Every fault and hostile-input class the test suite tries, run long: what each gave.",
            f"Written by `{command}` ({os.cpu_count()} CPU cores, Python "
            f"{platform.python_version()}, {platform.system()}). The checks are the tests",
            "themselves (`tests/data/test_npz_fuzz.py`, `tests/test_faults.py`,",
            "`tests/runs/test_ray_cluster.py`), run with more examples and trials than CI runs; a",
            "suite that failed any check is marked FAILED under Runs, with the failing tests.",
            "",
            "| fault or hostile input | tried | time | outcome |",
            "| --- | --- | --- | --- |",
            *rows,
            "",
            "Runs:",
            "",
            *(status_line(name, suite) for name, suite in suites),
            "",
            "Tracebacks seen: none of the checks above allows one (every child's stderr is read",
            "and must be the expected single line), and no half-written entry or file: each is",
            "verified against its manifest or compared byte for byte with a version written",
            "whole.",
            "",
        ]
    )
    args.out.write_text(text)
    print(text)
    if any(suite["returncode"] != 0 for _, suite in suites):
        for name, suite in suites:
            if suite["returncode"] != 0:
                print(f"--- {name} ---\n{suite['tail']}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
