"""Atomic writes: devices written through, symlinks followed, orphans swept, errors named."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from manifoldviz.atomic import atomic_path, write_bytes_atomic, write_json_atomic


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "results.json"
    write_json_atomic(target, {"version": 1})
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed half way")
    assert target.read_text() == '{\n  "version": 1\n}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_a_symlink_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_bytes_atomic(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_a_device_is_written_through_not_replaced() -> None:
    null = Path(os.devnull)
    write_bytes_atomic(null, b"discarded")
    assert stat.S_ISCHR(null.stat().st_mode)


def test_a_full_device_is_the_disk_full_error_naming_it() -> None:
    full = Path("/dev/full")
    if not full.exists():
        pytest.skip("no /dev/full here")
    with pytest.raises(OSError) as info:
        write_bytes_atomic(full, b"x" * 10_000)
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(full)
    assert stat.S_ISCHR(full.stat().st_mode)


def test_errors_name_the_file_not_the_temp(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "out.gif"
    with pytest.raises(FileNotFoundError) as info:
        write_bytes_atomic(target, b"gif")
    assert info.value.filename == str(target)


def test_temps_of_dead_writers_are_swept_and_live_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(dead.stdout)
    orphan = tmp_path / f".morph.gif.{dead_pid}-abc123.tmp.gif"
    live = tmp_path / f".morph.gif.{os.getppid()}-def456.tmp.gif"
    other = tmp_path / f".other.gif.{dead_pid}-abc123.tmp.gif"
    for path in (orphan, live, other):
        path.write_bytes(b"half")
    write_bytes_atomic(tmp_path / "morph.gif", b"whole")
    assert not orphan.exists(), "a dead writer's temp was left"
    assert live.exists() and other.exists()
