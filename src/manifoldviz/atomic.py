"""Write files so that a reader never sees a half-written one: temp file, then rename.

Three things a plain "temp then rename" gets wrong are handled here:

- a target that is not a regular file (``/dev/null``, ``/dev/full``, a FIFO) is written
  through, never renamed over: renaming would replace the device node itself (with enough
  rights) or fail on a temp file in ``/dev``; writing through makes ``--out /dev/full`` fail
  with the disk-full error it should;
- a symlink is followed, so the file it points to is replaced and the link stays;
- a temp file left by a writer that was killed (SIGKILL, power loss) is removed by the next
  write of the same file, once its process is gone.

Errors name the file being written, never the temp file.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_TMP_MARK = ".tmp"


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it onto ``path`` only if the block succeeds.

    The temporary file lives in the same folder so the final ``os.replace`` is atomic; on any
    error (a full disk, Ctrl-C) it is removed and an existing ``path`` is left untouched.

    Parameters
    ----------
    path
        The file to write. A symlink is followed; a device or FIFO is written through.

    Yields
    ------
    Path
        Where the block writes the new content.
    """
    target = Path(os.path.realpath(path))
    if _is_special(target):
        with _written_through(target) as tmp:
            yield tmp
        return
    _remove_orphans(target)
    try:
        fd, tmp_name = tempfile.mkstemp(
            dir=target.parent,
            prefix=f".{target.name}.{os.getpid()}-",
            suffix=_TMP_MARK + target.suffix,
        )
    except OSError as exc:
        raise _naming(exc, target) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, _default_mode(target))
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _naming(exc, target, tmp) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _is_special(target: Path) -> bool:
    """True for an existing target that is not a regular file or folder (device, FIFO...)."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


@contextlib.contextmanager
def _written_through(target: Path) -> Iterator[Path]:
    """Build the content in the temp folder, then stream it into the special file."""
    fd, tmp_name = tempfile.mkstemp(suffix=target.suffix)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb") as source, open(target, "wb") as sink:
            shutil.copyfileobj(source, sink)
            sink.flush()
    except OSError as exc:
        raise _naming(exc, target, tmp) from None
    finally:
        tmp.unlink(missing_ok=True)


def _naming(exc: OSError, target: Path, tmp: Path | None = None) -> OSError:
    """The same error, naming ``target`` where it named the temp file (or nothing)."""
    named = exc.filename
    if (
        named is None
        or Path(named).name.startswith(f".{target.name}.")
        or (tmp is not None and named == str(tmp))
    ):
        return OSError(exc.errno, exc.strerror or str(exc), str(target))
    return exc


def _remove_orphans(target: Path) -> None:
    """Remove temp files of ``target`` whose writing process no longer exists."""
    prefix = f".{target.name}."
    try:
        siblings = [p for p in target.parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return
    for sibling in siblings:
        pid_text, dash, _ = sibling.name[len(prefix) :].partition("-")
        if not dash or not pid_text.isdigit() or _TMP_MARK not in sibling.name:
            continue
        if not _process_alive(int(pid_text)):
            with contextlib.suppress(OSError):
                sibling.unlink()


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process: leave its file alone
    return True


def _default_mode(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets what ``open()`` would give it."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and return the path.

    Parameters
    ----------
    path
        The file to write.
    data
        Its new content.

    Returns
    -------
    Path
        ``path``.
    """
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_json_atomic(path: str | os.PathLike[str], obj: Any) -> Path:
    """Write ``obj`` as indented, key-sorted JSON (stable bytes for the same content).

    Parameters
    ----------
    path
        The file to write.
    obj
        Anything ``json.dumps`` takes (NaN is refused: it is not JSON).

    Returns
    -------
    Path
        ``path``.
    """
    text = json.dumps(obj, indent=2, sort_keys=True, allow_nan=False) + "\n"
    return write_bytes_atomic(path, text.encode("utf-8"))
