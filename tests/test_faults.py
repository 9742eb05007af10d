"""Faults injected for real, in separate processes: kills, Ctrl-C, races, damage, full disks.

Every test drives ``tests/fault_child.py`` or the ``manifoldviz`` command in a subprocess and
then looks at what is on disk: never half an entry or half a file, what is missing rebuilt, old
outputs intact, one line on stderr, never a traceback.

``MANIFOLDVIZ_FAULT_TRIALS=N`` repeats the random-moment kills N times (CI: a few);
``MANIFOLDVIZ_FAULT_REPORT=PATH`` writes what every test saw, for ``benchmarks/reliability.py``.
"""

from __future__ import annotations

import collections
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from manifoldviz.atomic import write_bytes_atomic, write_json_atomic
from manifoldviz.errors import CacheEntryError
from manifoldviz.store import verify_entry

pytestmark = pytest.mark.slow

CHILD = Path(__file__).with_name("fault_child.py")
TRIALS = int(os.environ.get("MANIFOLDVIZ_FAULT_TRIALS", "3"))
REPORT_ENV = "MANIFOLDVIZ_FAULT_REPORT"
TINY = ["--data", "sample", "--limit", "200"]
INTERRUPTED = "Interrupted: no partial output was left behind."

RECORD: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
TEST_OF: dict[str, str] = {}


def record(kind: str, counts: dict[str, int]) -> None:
    """Count what a fault class gave (for the reliability report), noting which test ran it."""
    RECORD[kind].update(counts)
    TEST_OF[kind] = os.environ.get("PYTEST_CURRENT_TEST", "").split("::")[-1].split(" ")[0]


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    path = os.environ.get(REPORT_ENV)
    if path:
        report = {kind: {"test": TEST_OF[kind], **counts} for kind, counts in RECORD.items()}
        Path(path).write_text(json.dumps(report, indent=2))


# --- running children ------------------------------------------------------------------------


def env_for(cache: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        MANIFOLDVIZ_CACHE=str(cache),
        MANIFOLDVIZ_OFFLINE="1",
        TF_CPP_MIN_LOG_LEVEL="3",
        PYTHONUNBUFFERED="1",
        MPLBACKEND="Agg",
        **extra,
    )
    env.pop("MANIFOLDVIZ_MNIST", None)
    return env


def spawn(args: list[str], cache: Path, **kwargs: Any) -> subprocess.Popen[str]:
    """Start a child in its own process group (so a signal reaches it as Ctrl-C would)."""
    return subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env=kwargs.pop("env", None) or env_for(cache),
        **kwargs,
    )


def child(*args: str) -> list[str]:
    return [sys.executable, str(CHILD), *args]


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "manifoldviz", *args]


def finish(process: subprocess.Popen[str], timeout: float = 240) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        pytest.fail(f"child did not finish in {timeout} s; stderr:\n{err[-2000:]}")
    return process.returncode, out, err


def events(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def wait_for_line(process: subprocess.Popen[str], needle: str, timeout: float = 120) -> str:
    """Read the child's stdout until a line containing ``needle``."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if needle in line:
            return line
        if not line and process.poll() is not None:
            break
    pytest.fail(f"child never printed {needle!r}")


def wait_for(condition: Any, timeout: float = 120, step: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(step)
    pytest.fail("condition not met in time")


def kill(process: subprocess.Popen[str], sig: int = signal.SIGKILL) -> None:
    os.killpg(process.pid, sig)
    process.wait(timeout=60)


def message_lines(stderr: str) -> list[str]:
    """What a user reads on stderr: the non-empty lines."""
    return [line for line in stderr.splitlines() if line.strip()]


def assert_one_line(stderr: str, needle: str) -> None:
    lines = message_lines(stderr)
    assert "Traceback" not in stderr, stderr
    assert len(lines) == 1 and needle in lines[0], stderr


def no_leftovers(cache: Path) -> list[str]:
    """Staging or removal folders and temp files left in a cache (after a clean run: none)."""
    return sorted(
        p.name
        for p in cache.rglob(".*")
        if ".building-" in p.name or ".removing-" in p.name or ".tmp" in p.name
    )


def entries(cache: Path, kind: str) -> list[Path]:
    return sorted(p for p in cache.glob(f"{kind}-*") if p.is_dir())


def whole_or_absent(cache: Path, kind: str) -> str:
    """Every entry of ``kind`` in ``cache`` verifies: "whole", or "absent" when there is none."""
    found = entries(cache, kind)
    for path in found:
        try:
            verify_entry(path)
        except CacheEntryError as exc:
            pytest.fail(f"half an entry after a kill: {path.name} ({exc})")
    return "whole" if found else "absent"


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache holding the autoencoder and classifier that the tiny interpolate uses."""
    root = tmp_path_factory.mktemp("warm")
    cache = root / "cache"
    code, _, err = finish(
        spawn(command("interpolate", "3", "8", *TINY, "--out", str(root / "m.gif"), "-q"), cache)
    )
    assert code == 0, err
    return cache


def copy_of(cache: Path, into: Path) -> Path:
    target = into / "cache"
    shutil.copytree(cache, target, symlinks=True)
    return target


# --- SIGKILL: publishing an entry, training a real model, writing results and GIFs -----------


def test_sigkill_during_publish_never_leaves_half_an_entry(tmp_path: Path) -> None:
    """Kill a build at random moments; the entry is whole or absent and the next run builds it."""
    cache = tmp_path / "cache"
    code, out, err = finish(spawn(child("toy", str(cache), "old", "3", "0"), cache))
    assert code == 0, err
    old = events(out)[-1]
    rng = random.Random(os.environ.get("MANIFOLDVIZ_TEST_SEED", "0"))
    for trial in range(TRIALS * 3):
        key = f"new{trial}"
        process = spawn(child("toy", str(cache), key, "6", "0.01"), cache)
        wait_for_line(process, "building")
        time.sleep(rng.uniform(0, 0.15))
        kill(process)
        before = whole_or_absent(cache, "toy")
        code, out, err = finish(spawn(child("toy", str(cache), key, "6", "0"), cache))
        assert code == 0, err
        done = events(out)[-1]
        assert verify_entry(Path(done["path"]))
        kind = "SIGKILL during publish (store)"
        record(kind, {"trials": 1, "half entries": 0})
        record(kind, {"rebuilt" if done["built"] else "kept whole": 1})
        assert before == "whole" or done["built"]
    code, out, _ = finish(spawn(child("toy", str(cache), "old", "3", "0"), cache))
    assert events(out)[-1] == {**old, "built": False}, "an older entry changed"
    assert no_leftovers(cache) == []


def test_sigkill_while_training_a_real_model(tmp_path: Path) -> None:
    """Kill the real classifier's training or publishing at a random moment, then rerun."""
    rng = random.Random(os.environ.get("MANIFOLDVIZ_TEST_SEED", "0"))
    for trial in range(max(1, TRIALS // 3)):
        cache = tmp_path / f"cache{trial}"
        process = spawn(child("classifier", str(cache), "0"), cache)
        wait_for(lambda c=cache: any(c.glob(".classifier-mlp-*.building-*")), timeout=180)
        time.sleep(rng.uniform(0, 2.0))
        kill(process)
        before = whole_or_absent(cache, "classifier-mlp")
        code, out, err = finish(spawn(child("classifier", str(cache), "0"), cache))
        assert code == 0, err
        done = events(out)[-1]
        assert done["built"] == (before == "absent")
        assert no_leftovers(cache) == []
        kind = "SIGKILL while training and publishing a model"
        record(kind, {"trials": 1, "half entries": 0})
        record(kind, {"rebuilt" if done["built"] else "kept whole": 1})


def test_sigkill_while_writing_results_and_gif(tmp_path: Path) -> None:
    """A file being rewritten when the writer dies is the old or the new version, never half."""
    rng = random.Random(os.environ.get("MANIFOLDVIZ_TEST_SEED", "0"))
    folder = tmp_path / "out"
    folder.mkdir()
    for _ in range(TRIALS):
        process = spawn(child("write-loop", str(folder)), tmp_path / "cache")
        wait_for_line(process, "ready")
        time.sleep(rng.uniform(0, 1.0))
        dead = process.pid
        kill(process)
        reference = folder / "reference"
        for name, versions in (("results.json", "json"), ("morph.gif", "gif")):
            written = folder / name
            if written.exists():
                assert written.read_bytes() in (
                    (reference / f"v0.{versions}").read_bytes(),
                    (reference / f"v1.{versions}").read_bytes(),
                ), f"{name} is half written"
        record("SIGKILL while writing results.json and a GIF", {"trials": 1, "half files": 0})
        orphans = [p for p in folder.iterdir() if p.name.startswith(".") and f".{dead}-" in p.name]
        # The next write of each file removes what the killed writer left of it.
        write_json_atomic(folder / "results.json", {"next": "run"})
        write_bytes_atomic(folder / "morph.gif", (reference / "v0.gif").read_bytes())
        assert [p.name for p in orphans if p.exists()] == []
        record(
            "SIGKILL while writing results.json and a GIF", {"orphaned temps swept": len(orphans)}
        )


# --- Ctrl-C --------------------------------------------------------------------------------


def test_ctrl_c_while_training_exits_130_releases_the_lock_and_writes_nothing(
    tmp_path: Path,
) -> None:
    import filelock

    rng = random.Random(os.environ.get("MANIFOLDVIZ_TEST_SEED", "0"))
    for trial in range(max(1, TRIALS // 3)):
        folder = tmp_path / str(trial)
        folder.mkdir()
        cache, gif = folder / "cache", folder / "morph.gif"
        process = spawn(command("interpolate", "3", "8", *TINY, "--out", str(gif)), cache)
        assert process.stderr is not None
        for line in process.stderr:  # progress, until the autoencoder is training
            if "epoch" in line:
                break
        assert any(cache.glob(".autoencoder-*.building-*")), (
            f"not training in a cache build: {line}"
        )
        time.sleep(rng.uniform(0, 0.5))
        kill(process, signal.SIGINT)
        code, _, err = finish(process)
        assert code == 130
        assert "Traceback" not in err and err.count("Interrupted") == 1, err
        assert message_lines(err)[-1] == INTERRUPTED
        assert not gif.exists() and [p for p in folder.iterdir() if p.name != "cache"] == []
        assert no_leftovers(cache) == []
        for path in cache.glob(".*.lock"):
            lock = filelock.FileLock(str(path))
            lock.acquire(timeout=0)  # nobody holds it any more
            lock.release()
        record(
            "SIGINT while training (interpolate)",
            {"trials": 1, "exit 130, one line, lock free, nothing written": 1},
        )


def test_ctrl_c_during_a_sweep_then_rerun_resumes(tmp_path: Path) -> None:
    """Interrupt a sweep after some runs; the rerun keeps them and adds the rest, once each."""
    rng = random.Random(os.environ.get("MANIFOLDVIZ_TEST_SEED", "0"))
    args = ["experiment", "noise-channels", *TINY, "--epochs", "1", "--seeds", "2"]
    wanted = max(1, TRIALS // 5)
    interrupted = 0
    # A fast machine may finish the sweep before the signal lands: such a try proves nothing,
    # so tries go on (a few more at most) until the wanted number were really interrupted.
    for trial in range(5 * wanted):
        if interrupted == wanted:
            break
        cache, out = tmp_path / f"cache{trial}", tmp_path / f"noise{trial}"
        process = spawn(command(*args, "--out", str(out), "-q"), cache)
        results = out / "results.json"
        wait_for(lambda r=results: r.exists() and json.loads(r.read_text())["runs"], timeout=180)
        time.sleep(rng.uniform(0, 0.5))  # within the next run: three of four are still to go
        kill(process, signal.SIGINT)
        code, _, err = finish(process)
        saved = json.loads(results.read_text())["runs"]
        if code == 0:  # the sweep ended before the signal: nothing to resume
            continue
        interrupted += 1
        assert code == 130
        assert_one_line(err, INTERRUPTED)
        code, _, err = finish(spawn(command(*args, "--out", str(out)), cache))
        assert code == 0, err
        runs = json.loads(results.read_text())["runs"]
        keys = [(run["condition"], run["seed"]) for run in runs]
        assert sorted(keys) == sorted({(c, s) for c in ("noise", "zeros") for s in (0, 1)})
        assert all(run in runs for run in saved), "a finished run was lost or redone"
        assert err.count("already done; kept") == len(saved)
        record(
            "SIGINT during a sweep, then rerun",
            {"trials": 1, "runs kept": len(saved), "runs lost or duplicated": 0},
        )
    assert RECORD["SIGINT during a sweep, then rerun"]["trials"] >= 1, "never interrupted"


SOAKS = {
    "sweep": ["experiment", "noise-channels", *TINY, "--epochs", "1", "--seeds", "2"],
    "compare-paths": [
        "compare-paths",
        *TINY,
        "--models",
        "dense",
        "--latents",
        "2",
        "--datasets",
        "mnist",
        "--seeds",
        "3",
        "--pairs",
        "3",
        "--steps",
        "5",
    ],
}
#: Kills per soak trial (``MANIFOLDVIZ_FAULT_TRIALS`` sets the trials: 30 kills at 15 of each).
KILLS = 2
#: Per-unit fields that differ between runs of the same settings (none are numbers of the study).
TIMINGS = ("seconds", "elapsed", "duration")


def comparable(results: Path) -> dict[str, Any]:
    """A results file without timings, its units in a fixed order (resumed units come last)."""
    saved = json.loads(results.read_text())

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if not any(t in k for t in TIMINGS)}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    saved = strip(saved)
    for field in ("runs", "units"):
        if field in saved:
            saved[field] = sorted(saved[field], key=lambda u: json.dumps(u, sort_keys=True))
    return saved


def finished_units(results: Path) -> list[str]:
    saved = json.loads(results.read_text())
    return [
        json.dumps(u.get("unit", [u.get("condition"), u.get("seed")]))
        for u in saved.get("runs", saved.get("units", []))
    ]


@pytest.mark.parametrize("study", sorted(SOAKS))
def test_sigkill_at_random_moments_then_resume_equals_an_uninterrupted_run(
    tmp_path: Path, study: str
) -> None:
    """Kill a study at a random moment, resume it; repeat. The results file always parses, no
    finished unit is lost or counted twice, and the end equals an uninterrupted run's."""
    rng = random.Random(f"{os.environ.get('MANIFOLDVIZ_TEST_SEED', '0')}-{study}")
    args = SOAKS[study]
    cache = tmp_path / "cache"
    started = time.monotonic()
    code, _, err = finish(spawn(command(*args, "--out", str(tmp_path / "whole"), "-q"), cache))
    assert code == 0, err
    duration = time.monotonic() - started
    reference = comparable(tmp_path / "whole" / "results.json")
    for trial in range(max(1, TRIALS // 3)):
        out = tmp_path / f"killed{trial}"
        results = out / "results.json"
        kept: list[str] = []
        for _ in range(KILLS):  # kill a few times, then let it finish
            process = spawn(command(*args, "--out", str(out), "-q"), cache)
            time.sleep(rng.uniform(0.5, duration))
            kill(process)
            if results.exists():
                now = finished_units(results)  # parses: never half a file
                assert len(now) == len(set(now)), "a unit counted twice"
                assert set(kept) <= set(now), "a finished unit was lost"
                kept = now
        code, _, err = finish(spawn(command(*args, "--out", str(out), "-q"), cache))
        assert code == 0, err
        assert comparable(results) == reference
        record(
            f"SIGKILL at random moments, then resume ({study})",
            {"trials": 1, "kills": KILLS, "units kept": len(kept), "units lost or duplicated": 0},
        )


# --- several processes, one entry; a dead lock holder ----------------------------------------


@pytest.mark.parametrize("n_processes", [2, 4])
def test_processes_asking_for_one_entry_build_it_once(tmp_path: Path, n_processes: int) -> None:
    cache = tmp_path / "cache"
    for trial in range(TRIALS):
        key = f"shared{trial}"
        processes = [
            spawn(child("toy", str(cache), key, "8", "0.05"), cache) for _ in range(n_processes)
        ]
        done = [events(finish(process)[1])[-1] for process in processes]
        assert sum(d["built"] for d in done) == 1
        assert len({(d["path"], d["digest"]) for d in done}) == 1
        record(
            f"{n_processes} processes, one entry (store)",
            {"trials": 1, "builds": sum(d["built"] for d in done)},
        )


def test_two_processes_train_a_real_model_once(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    processes = [spawn(child("classifier", str(cache), "0"), cache) for _ in range(2)]
    results = [finish(process) for process in processes]
    assert all(code == 0 for code, _, _ in results), results
    done = [events(out)[-1] for _, out, _ in results]
    assert sum(d["built"] for d in done) == 1
    assert len({(d["digest"], d["prediction"]) for d in done}) == 1
    record("2 processes, one real model", {"trials": 1, "trainings": sum(d["built"] for d in done)})


def test_lock_left_by_a_killed_builder_does_not_block(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    for trial in range(TRIALS):
        key = f"stuck{trial}"
        holder = spawn(child("toy", str(cache), key, "200", "0.1"), cache)
        wait_for_line(holder, "building")
        kill(holder)
        started = time.monotonic()
        code, out, err = finish(spawn(child("toy", str(cache), key, "4", "0"), cache), timeout=60)
        assert code == 0, err
        assert events(out)[-1]["built"] and time.monotonic() - started < 30
        assert no_leftovers(cache) == []
        record("lock of a killed builder", {"trials": 1, "taken over": 1})


def test_waiting_on_a_live_builder_says_so_in_one_line(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    builder = spawn(child("toy", str(cache), "slow", "40", "0.1"), cache)
    wait_for_line(builder, "building")
    waiter = spawn(child("toy", str(cache), "slow", "40", "0.1"), cache)
    waited = events(finish(waiter)[1])
    finish(builder)
    notices = [e["message"] for e in waited if e["event"] == "notice"]
    assert len(notices) == 1 and "another process is building" in notices[0]
    assert not waited[-1]["built"]
    record("waiting on a live builder", {"trials": 1, "one notice, served its entry": 1})


# --- damaged cache files ---------------------------------------------------------------------


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


DAMAGES = {
    "one flipped byte": (_flip, "does not match its checksum"),
    "truncated": (lambda p: p.write_bytes(p.read_bytes()[:-100]), "is truncated"),
    "emptied": (lambda p: p.write_bytes(b""), "is truncated"),
}


def test_damaged_weight_files_are_reported_and_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    seeds = [str(i) for i in range(len(DAMAGES))]
    code, out, err = finish(spawn(child("classifier", str(cache), *seeds), cache))
    assert code == 0, err
    built = {d["seed"]: Path(d["path"]) for d in events(out) if d["event"] == "done"}
    for seed, (damage, _) in enumerate(DAMAGES.values()):
        damage(built[seed] / "mlp.npz")
    code, out, err = finish(spawn(child("classifier", str(cache), *seeds), cache))
    assert code == 0, err
    notices = [e["message"] for e in events(out) if e["event"] == "notice"]
    for seed, (kind, (_, reported)) in enumerate(DAMAGES.items()):
        ours = [n for n in notices if built[seed].name in n]
        assert len(ours) == 1 and reported in ours[0] and "\n" not in ours[0], notices
        verify_entry(built[seed])
        record(f"cached weight file {kind}", {"trials": 1, "reported and rebuilt": 1})
    assert all(d["built"] for d in events(out) if d["event"] == "done")


# --- no space left ---------------------------------------------------------------------------


def _dev_full() -> Path:
    path = Path("/dev/full")
    if not path.exists() or not stat.S_ISCHR(path.stat().st_mode):
        pytest.skip("no /dev/full here")
    return path


def test_output_to_dev_full_is_one_line_and_keeps_the_device(
    tmp_path: Path, warm_cache: Path
) -> None:
    full = _dev_full()
    cache = copy_of(warm_cache, tmp_path)
    gif_link = tmp_path / "full.gif"
    gif_link.symlink_to(full)
    for extra in (
        ["--out", str(tmp_path / "m.gif"), "--metrics", str(full)],
        ["--out", str(gif_link)],
    ):
        code, _, err = finish(spawn(command("interpolate", "3", "8", *TINY, *extra, "-q"), cache))
        assert code == 1
        assert_one_line(err, "disk full writing /dev/full")
        assert stat.S_ISCHR(full.stat().st_mode), "/dev/full was replaced by a file"
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
        record("--out /dev/full", {"trials": 1, "exit 1, one line, device intact": 1})


def test_disk_full_inside_the_cache(tmp_path: Path, warm_cache: Path) -> None:
    """A build that runs out of space: one line, exit 1, older entries and outputs intact."""
    cache = copy_of(warm_cache, tmp_path)
    before = {p.name: verify_entry(p).manifest["files"] for p in entries(cache, "classifier-mlp")}
    gif = tmp_path / "morph.gif"
    gif.write_bytes(b"the previous animation")
    args = ["interpolate", "3", "8", *TINY, "--latent", "4", "--out", str(gif), "-q"]
    process = spawn(
        child("cli", "--enospc-under", str(cache), "--enospc-after", "100000", "--", *args), cache
    )
    code, _, err = finish(process)
    assert code == 1
    assert_one_line(err, f"disk full writing {cache}")
    assert gif.read_bytes() == b"the previous animation"
    assert no_leftovers(cache) == []
    assert all(verify_entry(p) for p in entries(cache, "autoencoder-dense"))
    after = {p.name: verify_entry(p).manifest["files"] for p in entries(cache, "classifier-mlp")}
    assert after == before
    record(
        "ENOSPC inside the cache write",
        {"trials": 1, "exit 1, one line, entries intact, no temp": 1},
    )


# --- read-only folders -----------------------------------------------------------------------


def _without_permission_override() -> None:
    """In the child, before exec: drop the capabilities that let root ignore permission bits.

    Root keeps its uid (so it can still run this Python, wherever it is installed) but, with
    CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH out of its bounding set, a read-only folder is
    read-only to it, as to any user.
    """
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.fixture
def unprivileged() -> dict[str, Any]:
    """How to start a child that read-only folders stop (root ignores permission bits)."""
    if os.geteuid() != 0:
        return {}
    probe = subprocess.run(
        [sys.executable, "-c", "open('/proc/self/status')"],
        preexec_fn=_without_permission_override,
        capture_output=True,
    )
    if probe.returncode != 0:
        pytest.skip("running as root and cannot drop CAP_DAC_OVERRIDE here")
    return {"preexec_fn": _without_permission_override}


@pytest.fixture
def restore_permissions(tmp_path: Path) -> Iterator[None]:
    yield
    for path in [tmp_path, *tmp_path.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)


def _read_only(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir():
            path.chmod(0o555)
    return folder


@pytest.mark.usefixtures("restore_permissions")
def test_read_only_cache_serves_what_it_holds_and_refuses_to_train_in_one_line(
    tmp_path: Path, warm_cache: Path, unprivileged: dict[str, Any]
) -> None:
    warm = _read_only(copy_of(warm_cache, tmp_path / "warm"))
    empty = _read_only(tmp_path / "empty-cache")
    gif = tmp_path / "m.gif"
    args = command("interpolate", "3", "8", *TINY, "--out", str(gif), "-q")
    code, _, err = finish(spawn(args, warm, **unprivileged))
    assert code == 0, err
    assert gif.exists()
    code, _, err = finish(spawn(args, empty, **unprivileged))
    assert code == 1
    assert_one_line(err, f"cannot write to the model cache {empty}")
    assert "MANIFOLDVIZ_CACHE" in err
    record("read-only cache folder", {"trials": 2, "warm: served; empty: exit 1, one line": 2})


@pytest.mark.usefixtures("restore_permissions")
def test_read_only_output_folder_is_refused_before_any_work(
    tmp_path: Path, warm_cache: Path, unprivileged: dict[str, Any]
) -> None:
    cache = copy_of(warm_cache, tmp_path)
    read_only = _read_only(tmp_path / "ro")
    cases = [
        (["interpolate", "3", "8", *TINY, "--out", str(read_only / "m.gif")], "--out"),
        (
            ["experiment", "noise-channels", *TINY, "--epochs", "1", "--out", str(read_only / "n")],
            "--out",
        ),
    ]
    for args, option in cases:
        code, _, err = finish(spawn(command(*args), cache, **unprivileged))
        assert code == 2
        assert_one_line(err, option)
        assert "not writable" in err
        record("read-only output folder", {"trials": 1, "exit 2 before any work, one line": 1})
    assert list(read_only.iterdir()) == []


# --- bad arguments ---------------------------------------------------------------------------


def bad_argument_cases(tmp: Path) -> list[tuple[list[str], str]]:
    """(arguments, the option the one-line error must name) for every command."""
    a_file = tmp / "a-file"
    a_file.write_text("not a folder")
    missing = str(tmp / "missing" / "deeper")
    return [
        (["interpolate", "3", "10"], "'B'"),
        (["interpolate", "x", "8"], "'A'"),
        (["interpolate", "3", "8", "--steps", "1"], "--steps"),
        (["interpolate", "3", "8", "--steps", "2.5"], "--steps"),
        (["interpolate", "3", "8", "--fps", "nan"], "--fps"),
        (["interpolate", "3", "8", "--fps", "inf"], "--fps"),
        (["interpolate", "3", "8", "--scale", "0"], "--scale"),
        (["interpolate", "3", "8", "--latent", "785"], "--latent"),
        (["interpolate", "3", "8", "--seed", "-1"], "--seed"),
        (["interpolate", "3", "8", "--limit", "5"], "--limit"),
        (["interpolate", "3", "8", "--index-a", "999999", "--data", "sample"], "--index-a"),
        (["interpolate", "3", "8", "--out", f"{missing}/m.gif"], "--out"),
        (["interpolate", "3", "8", "--out", str(tmp)], "--out"),
        (["interpolate", "3", "8", "--metrics", str(tmp)], "--metrics"),
        (["interpolate", "3", "8", "--plot", f"{missing}/p.png"], "--plot"),
        (["interpolate", "3", "8", "--strip", str(tmp / "s.txt")], "--strip"),
        (["interpolate", "3", "8", "--data", f"{missing}.npz"], "--data"),
        (["interpolate", "3", "8", "--data", str(tmp)], "--data"),
        (["interpolate", "3", "8", "--model", "resnet"], "--model"),
        (["explore", "--out", str(tmp)], "--out"),
        (["explore", "--out", f"{missing}/lab.html"], "--out"),
        (["explore", "--map-points", "5"], "--map-points"),
        (["explore", "--per-class", "nan"], "--per-class"),
        (["experiment", "noise-channels", "--seeds", "0"], "--seeds"),
        (["experiment", "noise-channels", "--epochs", "nan"], "--epochs"),
        (["experiment", "noise-channels", "--out", str(a_file)], "--out"),
        (["experiment", "noise-channels", "--out", f"{a_file}/sub"], "--out"),
        (["experiment", "noise-channels", "--workers", "0"], "--workers"),
        (["experiment", "noise-channels", "--executor", "dask"], "--executor"),
        (["experiment", "shuffled-labels", "--label-noise", "0,nan"], "--label-noise"),
        (["experiment", "shuffled-labels", "--label-noise", "inf"], "--label-noise"),
        (["experiment", "overfitting", "--train-size", "5"], "--train-size"),
        (["experiment", "validation", "--k", "1"], "--k"),
        (["experiment", "validation", "--k", "100000000"], "--k"),
        (["experiment", "validation", "--repetitions", "1000000"], "--repetitions"),
        (["experiment", "validation", "--repeats", "-3"], "--repeats"),
        (["experiment", "baseline", "--imbalance", "nan"], "--imbalance"),
        (["experiment", "baseline", "--imbalance", "inf"], "--imbalance"),
        (["experiment", "baseline", "--digit", "11"], "--digit"),
        (["experiment", "baseline", "--executor", "ray", "--address", "nonsense"], "--address"),
        (["manifold", "--subsample", "0"], "--subsample"),
        (["manifold", "--estimators", "bogus"], "--estimators"),
        (["manifold", "--latent-sizes", "0,abc"], "--latent-sizes"),
        (["manifold", "--out", str(a_file)], "--out"),
        (["trajectory", "--projection", "tsne"], "--projection"),
        (["trajectory", "--layer", "conv1"], "--layer"),
        (["trajectory", "--tween", "11"], "--tween"),
        (["trajectory", "--out", str(a_file)], "--out"),
        (["fitmorph", "--noise", "nan"], "--noise"),
        (["fitmorph", "--points", "5"], "--points"),
        (["fitmorph", "--out", str(a_file)], "--out"),
        (["gallery", "--only", "nonexistent"], "--only"),
        (["gallery", "--out", str(a_file)], "--out"),
        (["cache", "list", "--bogus"], "--bogus"),
        (["cache", "clear", "--yes", "extra"], "extra"),
        (["data", "--data", f"{missing}.npz"], "--data"),
        (["data", "--limit", "0"], "--limit"),
        (["data", "--seed", "99999999999"], "--seed"),
    ]


def test_bad_arguments_exit_2_naming_the_option_before_tensorflow(tmp_path: Path) -> None:
    cases = bad_argument_cases(tmp_path)
    cases_file = tmp_path / "cases.json"
    cases_file.write_text(json.dumps([args for args, _ in cases]))
    code, out, err = finish(spawn(child("bad-args", str(cases_file)), tmp_path / "cache"))
    assert code == 0, err
    results = events(out)
    assert len(results) == len(cases)
    failures = []
    for (args, option), result in zip(cases, results, strict=True):
        lines = message_lines(result["stderr"])
        if result["code"] != 2 or len(lines) != 1 or option not in lines[0]:
            failures.append((args, result["code"], result["stderr"][-300:]))
    assert failures == []
    record(
        "bad arguments, every command",
        {"cases": len(cases), "exit 2, option named, no TensorFlow": len(cases)},
    )
