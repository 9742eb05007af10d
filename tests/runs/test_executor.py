"""Every executor runs every item, reports as it goes, retries and records failures."""

from __future__ import annotations

import time

import pytest

from manifoldviz.errors import InvalidInputError
from manifoldviz.runs.executor import Outcome, check_reachable, make_executor

ITEMS = [(f"item{i}", {"value": i}) for i in range(4)]


def square_plus(value: int, offset: int) -> int:
    if value == 3:
        raise ValueError("three is refused")
    return value * value + offset


def _run(kind: str, **options) -> tuple[list[Outcome], list[str]]:
    seen: list[str] = []
    outcomes = make_executor(kind, **options).map(
        square_plus, {"offset": 1}, ITEMS, lambda outcome: seen.append(outcome.key)
    )
    return outcomes, seen


def _check(outcomes: list[Outcome], seen: list[str]) -> None:
    by_key = {o.key: o for o in outcomes}
    assert sorted(seen) == sorted(by_key) == [k for k, _ in ITEMS]
    assert [by_key[f"item{i}"].value for i in range(3)] == [1, 2, 5]
    failed = by_key["item3"]
    assert not failed.ok and "three is refused" in failed.error and failed.attempts == 2


def test_sequential() -> None:
    _check(*_run("sequential"))


def test_local_processes() -> None:
    _check(*_run("processes", workers=2))


@pytest.mark.slow
def test_ray_local_cluster() -> None:
    pytest.importorskip("ray")
    _check(*_run("ray", workers=2))


def test_unreachable_ray_address_fails_fast() -> None:
    pytest.importorskip("ray")
    start = time.perf_counter()
    with pytest.raises(InvalidInputError, match="cannot reach") as info:
        make_executor("ray", address="127.0.0.1:1")
    assert info.value.param == "address" and time.perf_counter() - start < 5


def test_bad_executor_settings() -> None:
    with pytest.raises(InvalidInputError, match="unknown executor"):
        make_executor("dask")
    with pytest.raises(InvalidInputError, match="workers"):
        make_executor("processes", workers=0)
    with pytest.raises(InvalidInputError, match="HOST:PORT"):
        check_reachable("nowhere")


@pytest.mark.slow
def test_experiment_in_worker_processes(tiny_mnist, tmp_path) -> None:
    from manifoldviz.experiments import noise_channels

    config = noise_channels.NoiseChannelsConfig(n_epochs=1, n_seeds=2)
    messages: list[str] = []
    result = noise_channels.run(
        config,
        out_dir=tmp_path,
        data=tiny_mnist,
        progress=messages.append,
        executor=make_executor("processes", workers=2),
    )
    assert sorted((r.condition, r.seed) for r in result.runs) == [
        ("noise", 0),
        ("noise", 1),
        ("zeros", 0),
        ("zeros", 1),
    ]
    assert [r.condition for r in result.runs] == ["noise", "noise", "zeros", "zeros"]
    assert sum("finished" in m for m in messages) == 4 and not result.failures
