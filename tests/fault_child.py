"""The process that ``tests/test_faults.py`` and ``benchmarks/reliability.py`` kill, interrupt,
starve of disk space or run in parallel: one scene per action, results as JSON lines on stdout.

    python tests/fault_child.py toy ROOT KEY N_FILES DELAY_S
    python tests/fault_child.py classifier ROOT SEED [SEED ...]
    python tests/fault_child.py write-loop FOLDER
    python tests/fault_child.py cli [--enospc-under DIR --enospc-after BYTES] -- ARGS...
    python tests/fault_child.py bad-args CASES.json

Not a test module itself (pytest collects ``test_*.py`` only).
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import hashlib
import io
import json
import os
import sys
import time
from pathlib import Path
from typing import Any


def emit(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


def digest(folder: Path) -> str:
    """One hash of every file of an entry but its manifest (the manifest records versions) and
    the stamp of its last whole hash (bookkeeping, written on a later load)."""
    sha = hashlib.sha256()
    for file in sorted(folder.iterdir()):
        if file.name not in ("manifest.json", ".verified.json"):
            sha.update(file.name.encode())
            sha.update(file.read_bytes())
    return sha.hexdigest()


def toy(root: str, key: str, n_files: str, delay_s: str) -> None:
    """Build a store entry of N files of 64 KiB each, slowly, with the real Store."""
    from manifoldviz.store import Store

    built = []

    def build(folder: Path) -> dict[str, int]:
        built.append(True)
        emit(event="building", pid=os.getpid())
        for i in range(int(n_files)):
            (folder / f"part{i}.bin").write_bytes(bytes([i % 256]) * 65536)
            time.sleep(float(delay_s))
        return {"n_files": int(n_files)}

    store = Store(Path(root), progress=lambda message: emit(event="notice", message=message))
    entry = store.get_or_build("toy", {"key": key}, build)
    emit(event="done", built=bool(built), path=str(entry.path), digest=digest(entry.path))


def classifier(root: str, *seeds: str) -> None:
    """Train (or load) the chapter's MLP, tiny, once per seed, through the real cache."""
    from manifoldviz.data.sources import load_mnist
    from manifoldviz.models.cached import ClassifierSpec
    from manifoldviz.models.cached import classifier as get_classifier
    from manifoldviz.store import Store

    class Recording(Store):
        """The real store, remembering which entry it served last."""

        served: Path | None = None

        def get_or_build(self, *args: Any, **kwargs: Any) -> Any:
            entry = super().get_or_build(*args, **kwargs)
            self.served = entry.path
            return entry

    data = load_mnist("sample", limit=200, seed=0)
    store = Recording(Path(root), progress=lambda message: emit(event="notice", message=message))
    spec = ClassifierSpec(hidden=32, n_epochs=1)
    for seed in seeds:
        lines: list[str] = []
        model = get_classifier(data, spec, seed=int(seed), store=store, progress=lines.append)
        assert store.served is not None
        probabilities = model.predict_proba(data.x_test[:5].reshape(5, -1) / 255.0)
        emit(
            event="done",
            seed=int(seed),
            built=not any("loaded from cache" in line for line in lines),
            path=str(store.served),
            digest=digest(store.served),
            prediction=hashlib.sha256(probabilities.astype("float32").tobytes()).hexdigest(),
        )


def write_loop(folder: str) -> None:
    """Rewrite results.json and a GIF over and over with the real writers, two versions each."""
    import numpy as np

    from manifoldviz.atomic import write_json_atomic
    from manifoldviz.figures.frames import write_animation

    out = Path(folder)
    rng = np.random.default_rng(0)
    versions = []
    for v in range(2):
        frames = [rng.integers(0, 256, (120, 160, 3), dtype=np.uint8) for _ in range(12)]
        results = {
            "version": v,
            "runs": [{"seed": i, "loss": [float(v + i)] * 200} for i in range(60)],
        }
        versions.append((frames, results))
    reference = out / "reference"
    reference.mkdir(exist_ok=True)
    for v, (frames, results) in enumerate(versions):
        write_animation(reference / f"v{v}.gif", frames, [100] * len(frames))
        write_json_atomic(reference / f"v{v}.json", results)
    emit(event="ready")
    i = 0
    while True:
        frames, results = versions[i % 2]
        write_json_atomic(out / "results.json", results)
        write_animation(out / "morph.gif", frames, [100] * len(frames))
        i += 1


class _FullDisk(io.RawIOBase):
    """A writable file that raises ENOSPC once ``limit`` bytes have been written in all."""

    written = 0

    def __init__(self, inner: Any, limit: int):
        self.inner, self.limit = inner, limit

    def write(self, data: Any) -> int:
        if _FullDisk.written + len(data) > self.limit:
            raise OSError(
                errno.ENOSPC, os.strerror(errno.ENOSPC), getattr(self.inner, "name", None)
            )
        _FullDisk.written += len(data)
        return self.inner.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def writable(self) -> bool:
        return True

    def close(self) -> None:
        self.inner.close()
        super().close()


def fill_disk_under(folder: str, after_bytes: int) -> None:
    """Make writes to files under ``folder`` fail with ENOSPC after ``after_bytes`` bytes."""
    root = os.path.realpath(folder)
    real_open = builtins.open

    def open_(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(file, mode, *args, **kwargs)
        writing = any(flag in mode for flag in "wax+")
        under = isinstance(file, (str, os.PathLike)) and os.path.realpath(file).startswith(
            root + os.sep
        )
        if writing and under:
            return _FullDisk(handle, after_bytes)
        return handle

    builtins.open = open_
    io.open = open_


def cli(*argv: str) -> None:
    """Run the real command line, optionally with a disk that fills up under one folder."""
    args = list(argv)
    if "--enospc-under" in args:
        at = args.index("--enospc-under")
        fill_disk_under(args[at + 1], int(args[at + 3]))
        del args[at : at + 4]
    if args and args[0] == "--":
        args = args[1:]
    from manifoldviz_cli.main import cli as command

    command.main(args, prog_name="manifoldviz")


def bad_args(cases_path: str) -> None:
    """Run each argument list through the real CLI with TensorFlow and Keras unimportable.

    A command that imported TensorFlow before rejecting its arguments would crash here instead
    of exiting 2; each case reports its exit status and what it printed on stderr.
    """
    for name in ("tensorflow", "keras", "tf_keras"):
        sys.modules[name] = None  # type: ignore[assignment]
    from manifoldviz_cli.main import cli as command

    for args in json.loads(Path(cases_path).read_text()):
        stderr = io.StringIO()
        code: Any = 0
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            try:
                command.main(args, prog_name="manifoldviz")
            except SystemExit as exc:
                code = exc.code
            except BaseException as exc:  # reported, so the test shows which case escaped
                code = f"{type(exc).__name__}: {exc}"
        emit(args=args, code=code, stderr=stderr.getvalue())


ACTIONS = {
    "toy": toy,
    "classifier": classifier,
    "write-loop": write_loop,
    "cli": cli,
    "bad-args": bad_args,
}

if __name__ == "__main__":
    ACTIONS[sys.argv[1]](*sys.argv[2:])
