"""Ray as users run it: ``ray start --head`` elsewhere, then ``--executor ray --address``.

A separate head node is started for this module (its own process group, temp folder, HOME and
ports, loopback only, token authentication on, as current Ray does by default) and stopped at
the end. Skipped cleanly where Ray is missing or cannot start a head here.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("ray")

from manifoldviz.runs.executor import probe_ray_head, ray_token

pytestmark = pytest.mark.slow

TOKEN = "manifoldviz-test-token-0123456789abcdef0123456789abcdef"
SWEEP = ["experiment", "noise-channels", "--data", "sample", "--limit", "200", "--seeds", "2"]
RECORD: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
TEST_OF: dict[str, str] = {}


def record(kind: str, counts: dict[str, int]) -> None:
    """Count what a case gave (for benchmarks/reliability.py), noting which test ran it."""
    RECORD[kind].update(counts)
    TEST_OF[kind] = os.environ.get("PYTEST_CURRENT_TEST", "").split("::")[-1].split(" ")[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _session_processes(session: int) -> list[int]:
    """Every process in the session we started the head in (Ray's daemons and workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) == session:
                found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def head() -> Iterator[dict[str, Any]]:
    """A Ray head on 127.0.0.1 that wants TOKEN; yields its address and a client environment."""
    ray_bin = Path(sys.executable).with_name("ray")
    if not ray_bin.exists():
        pytest.skip("the ray command is not installed beside this Python")
    temp_dir = Path(tempfile.mkdtemp(prefix="mvray-", dir="/tmp"))  # short: Ray's socket paths
    home = temp_dir / "home"
    home.mkdir()
    port = _free_port()
    env = {
        **os.environ,
        "HOME": str(home),
        "RAY_AUTH_MODE": "token",
        "RAY_AUTH_TOKEN": TOKEN,
        "RAY_USAGE_STATS_ENABLED": "0",
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
    }
    log = open(temp_dir / "head.log", "w")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(
        [
            str(ray_bin),
            "start",
            "--head",
            "--block",
            f"--port={port}",
            "--node-ip-address=127.0.0.1",
            f"--temp-dir={temp_dir / 'ray'}",
            "--num-cpus=2",
            "--include-dashboard=false",
            "--disable-usage-stats",
            f"--ray-client-server-port={_free_port()}",
            f"--dashboard-agent-listen-port={_free_port()}",
            f"--metrics-export-port={_free_port()}",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while probe_ray_head(address, None, 1.0) != "unauthenticated":
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                tail = (temp_dir / "head.log").read_text()[-800:]
                pytest.skip(f"a Ray head could not start here: {tail}")
            time.sleep(0.5)
        yield {"address": address, "session": process.pid, "temp_dir": temp_dir}
    finally:
        _stop(process)
        log.close()
        shutil.rmtree(temp_dir, ignore_errors=True)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the head and everything in its session, by process id (never Ray's 'stop all')."""
    session = process.pid
    with contextlib.suppress(ProcessLookupError):
        os.killpg(session, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)
    for pid in _session_processes(session):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def client_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A user's terminal: their own HOME, none of the head's settings."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("RAY_AUTH") and key != "RAY_ADDRESS"
    }
    env.update(
        HOME=str(home),
        MANIFOLDVIZ_CACHE=str(tmp_path / "cache"),
        MANIFOLDVIZ_OFFLINE="1",
        RAY_USAGE_STATS_ENABLED="0",
        **extra,
    )
    return env


def manifoldviz(args: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "manifoldviz", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def message_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    path = os.environ.get("MANIFOLDVIZ_FAULT_REPORT")
    if path:
        report = {kind: {"test": TEST_OF[kind], **counts} for kind, counts in RECORD.items()}
        Path(path).write_text(json.dumps(report, indent=2))


def test_ray_token_is_looked_up_where_ray_documents(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH"):
        monkeypatch.delenv(name, raising=False)
    assert ray_token() == (None, str(tmp_path / ".ray" / "auth_token"))
    (tmp_path / ".ray").mkdir()
    (tmp_path / ".ray" / "auth_token").write_text("from-home\n")
    assert ray_token() == ("from-home", str(tmp_path / ".ray" / "auth_token"))
    (tmp_path / "elsewhere").write_text("from-path")
    monkeypatch.setenv("RAY_AUTH_TOKEN_PATH", str(tmp_path / "elsewhere"))
    assert ray_token()[0] == "from-path"
    monkeypatch.setenv("RAY_AUTH_TOKEN", "from-env")
    assert ray_token() == ("from-env", "$RAY_AUTH_TOKEN")


@pytest.mark.parametrize(
    ("extra", "needle"),
    [({}, "requires an authentication token"), ({"RAY_AUTH_TOKEN": "wrong"}, "refused the token")],
    ids=["no-token", "wrong-token"],
)
def test_cluster_wanting_a_token_is_one_line_within_seconds(
    head: dict[str, Any], tmp_path: Path, extra: dict[str, str], needle: str
) -> None:
    started = time.monotonic()
    process = manifoldviz(
        [*SWEEP, "--executor", "ray", "--address", head["address"], "--out", str(tmp_path / "o")],
        client_env(tmp_path, **extra),
    )
    _, err = process.communicate(timeout=120)
    elapsed = time.monotonic() - started
    assert process.returncode == 2
    lines = message_lines(err)
    assert len(lines) == 1 and needle in lines[0] and "--address" in lines[0], err
    assert "RAY_AUTH_TOKEN" in lines[0] and "~/.ray/auth_token" in lines[0]
    # Ray's own connection attempt retries for over 20 s; this answer comes before it starts.
    assert elapsed < 15, f"took {elapsed:.1f} s"
    which = "none" if not extra else "a wrong one"
    record(f"Ray head wants a token, client has {which}", {"trials": 1, "exit 2, one line": 1})


def test_sweep_on_the_cluster_with_the_token_survives_a_killed_worker(
    head: dict[str, Any], tmp_path: Path
) -> None:
    """The token from ~/.ray/auth_token; a worker killed while it trains costs a retry only."""
    env = client_env(tmp_path)
    (Path(env["HOME"]) / ".ray").mkdir()
    (Path(env["HOME"]) / ".ray" / "auth_token").write_text(TOKEN)
    out = tmp_path / "noise"
    process = manifoldviz(
        [
            *SWEEP,
            "--epochs",
            "3",
            "--executor",
            "ray",
            "--address",
            head["address"],
            "--out",
            str(out),
            "-q",
        ],
        env,
    )
    killed = None
    deadline = time.monotonic() + 240
    while killed is None and process.poll() is None and time.monotonic() < deadline:
        for pid in _session_processes(head["session"]):
            with contextlib.suppress(OSError):
                title = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0]
                if title.startswith(b"ray::_ray_call"):
                    time.sleep(1.0)  # well inside the run: TensorFlow imported, training
                    os.kill(pid, signal.SIGKILL)
                    killed = pid
                    break
        time.sleep(0.2)
    _, err = process.communicate(timeout=300)
    assert killed is not None, "no worker was seen running a task"
    assert process.returncode == 0, err
    assert message_lines(err) == [], f"Ray wrote to the terminal:\n{err}"
    saved = json.loads((out / "results.json").read_text())
    runs = sorted((run["condition"], run["seed"]) for run in saved["runs"])
    assert runs == [("noise", 0), ("noise", 1), ("zeros", 0), ("zeros", 1)]
    assert saved["failures"] == []
    record(
        "Ray worker SIGKILLed mid-sweep (token from ~/.ray/auth_token)",
        {"trials": 1, "runs lost": 0, "runs completed": len(runs)},
    )
