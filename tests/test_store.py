"""The model store: atomic entries, damaged entries rebuilt, one build across processes."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from pathlib import Path

import pytest

import manifoldviz.store as store_module
from manifoldviz.store import Store, cache_key


def _builder(calls: list[str], payload: bytes = b"weights"):
    def build(folder: Path) -> dict[str, int]:
        calls.append("built")
        (folder / "model.bin").write_bytes(payload)
        return {"epochs": 3}

    return build


def test_build_once_then_serve_from_cache(tmp_path: Path) -> None:
    store, calls = Store(tmp_path), []
    first = store.get_or_build("toy", {"a": 1}, _builder(calls))
    second = store.get_or_build("toy", {"a": 1}, _builder(calls))
    assert calls == ["built"]
    assert first.path == second.path and second.info == {"epochs": 3}
    assert (first.path / "model.bin").read_bytes() == b"weights"
    assert store.get_or_build("toy", {"a": 2}, _builder(calls)).path != first.path


def test_key_depends_on_spec_and_kind() -> None:
    assert cache_key("toy", {"a": 1}) == cache_key("toy", {"a": 1})
    assert cache_key("toy", {"a": 1}) != cache_key("toy", {"a": 2})
    assert cache_key("toy", {"a": 1}) != cache_key("other", {"a": 1})


def test_failed_build_leaves_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path)

    def broken(folder: Path) -> None:
        (folder / "half.bin").write_bytes(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.get_or_build("toy", {"a": 1}, broken)
    assert store.get("toy", {"a": 1}) is None
    assert [p for p in tmp_path.iterdir() if p.is_dir()] == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: (entry / "model.bin").write_bytes(b"weigh"),
        lambda entry: (entry / "model.bin").write_bytes(b"WEIGHTS"),
        lambda entry: (entry / "model.bin").unlink(),
        lambda entry: (entry / "manifest.json").write_text("{not json"),
        lambda entry: (entry / "manifest.json").unlink(),
    ],
    ids=["truncated", "altered", "missing-file", "bad-manifest", "no-manifest"],
)
def test_damaged_entry_is_reported_and_rebuilt(tmp_path: Path, damage) -> None:
    notices: list[str] = []
    store, calls = Store(tmp_path, progress=notices.append), []
    entry = store.get_or_build("toy", {"a": 1}, _builder(calls))
    damage(entry.path)
    rebuilt = store.get_or_build("toy", {"a": 1}, _builder(calls))
    assert calls == ["built", "built"]
    assert len(notices) == 1 and "damaged" in notices[0] and "\n" not in notices[0]
    assert (rebuilt.path / "model.bin").read_bytes() == b"weights"


def _hash_counter(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    hashed: list[Path] = []
    real = store_module._sha256

    def counting(path: Path) -> str:
        hashed.append(path)
        return real(path)

    monkeypatch.setattr(store_module, "_sha256", counting)
    monkeypatch.setattr(store_module, "STAMP_SETTLE_S", 0.0)
    return hashed


def test_a_stamped_entry_loads_without_hashing(tmp_path: Path, monkeypatch) -> None:
    hashed = _hash_counter(monkeypatch)
    store = Store(tmp_path)
    entry = store.get_or_build("toy", {"a": 1}, _builder([]))
    assert (entry.path / store_module.STAMP).is_file()
    hashed.clear()
    assert store.get("toy", {"a": 1}) is not None
    assert hashed == []


@pytest.mark.parametrize("restore_mtime", [False, True], ids=["rewritten", "mtime-restored"])
def test_a_file_changed_after_stamping_is_hashed_again(
    tmp_path: Path, monkeypatch, restore_mtime: bool
) -> None:
    hashed = _hash_counter(monkeypatch)
    notices: list[str] = []
    store, calls = Store(tmp_path, progress=notices.append), []
    entry = store.get_or_build("toy", {"a": 1}, _builder(calls))
    weights = entry.path / "model.bin"
    before = weights.stat()
    time.sleep(0.01)
    weights.write_bytes(b"WEIGHTS")  # same size, other bytes
    if restore_mtime:
        os.utime(weights, ns=(before.st_atime_ns, before.st_mtime_ns))
    hashed.clear()
    store.get_or_build("toy", {"a": 1}, _builder(calls))
    assert hashed and calls == ["built", "built"]
    assert len(notices) == 1 and "does not match its checksum" in notices[0]


def test_a_fresh_file_is_not_stamped(tmp_path: Path) -> None:
    entry = Store(tmp_path).get_or_build("toy", {"a": 1}, _builder([]))
    assert not (entry.path / store_module.STAMP).exists()  # written seconds ago: hash again


def test_manifest_lists_every_file_with_its_hash(tmp_path: Path) -> None:
    entry = Store(tmp_path).get_or_build("toy", {"a": 1}, _builder([]))
    manifest = json.loads((entry.path / "manifest.json").read_text())
    assert set(manifest["files"]) == {"model.bin"}
    assert manifest["spec"] == {"a": 1} and "numpy" in manifest["versions"]


def _slow_build_in_process(root: str, log: str) -> None:
    def build(folder: Path) -> None:
        with open(log, "a") as handle:
            handle.write("built\n")
        time.sleep(1.0)
        (folder / "model.bin").write_bytes(b"weights")

    Store(Path(root)).get_or_build("toy", {"a": 1}, build)


def test_two_processes_build_once(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_slow_build_in_process, args=(str(tmp_path / "c"), str(log)))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert log.read_text().count("built") == 1


def test_list_and_clear(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.get_or_build("toy", {"a": 1}, _builder([]))
    store.get_or_build("toy", {"a": 2}, _builder([]))
    assert len(store.entries()) == 2
    assert store.clear() == 2 and store.entries() == []


@pytest.mark.parametrize(
    "files",
    [
        ["model.bin"],
        {"model.bin": 7},
        {"model.bin": {"size": "big", "sha256": "0"}},
        {"../../outside": {"size": 1, "sha256": "0"}},
    ],
    ids=["list", "number", "bad-size", "outside-the-entry"],
)
def test_odd_manifest_is_a_damaged_entry(tmp_path: Path, files) -> None:
    notices: list[str] = []
    store, calls = Store(tmp_path, progress=notices.append), []
    entry = store.get_or_build("toy", {"a": 1}, _builder(calls))
    manifest = json.loads((entry.path / "manifest.json").read_text())
    (entry.path / "manifest.json").write_text(json.dumps({**manifest, "files": files}))
    store.get_or_build("toy", {"a": 1}, _builder(calls))
    assert calls == ["built", "built"] and len(notices) == 1 and "damaged" in notices[0]


def test_leftovers_of_a_killed_build_are_swept_by_the_next_one(tmp_path: Path) -> None:
    store = Store(tmp_path)
    final = store.entry_path("toy", {"a": 1})
    (tmp_path / f".{final.name}.building-k1ll3d").mkdir()
    (tmp_path / f".{final.name}.removing-4242").mkdir()
    (tmp_path / f".{final.name}.building-k1ll3d" / "half.bin").write_bytes(b"half")
    store.get_or_build("toy", {"a": 1}, _builder([]))
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == [final.name]


def test_unwritable_cache_is_one_line_naming_it(tmp_path: Path) -> None:
    from manifoldviz.errors import ManifoldvizError

    (tmp_path / "a-file").write_text("")
    root = tmp_path / "a-file" / "cache"
    with pytest.raises(ManifoldvizError, match="cannot write to the model cache") as info:
        Store(root).get_or_build("toy", {"a": 1}, _builder([]))
    assert str(root) in str(info.value) and "MANIFOLDVIZ_CACHE" in str(info.value)
