"""One way to run every sweep (seeds × folds × conditions): in-process, local processes or Ray.

A sweep is one top-level function, arguments shared by every run (data, settings) and one small
set of arguments per run. Each executor calls ``on_done`` in the calling process as each run
finishes, so results can be appended to disk as they arrive; a run that raises is retried, then
reported as failed, never dropped.
"""

from __future__ import annotations

import os
import socket
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from manifoldviz.errors import InvalidInputError

EXECUTORS = ("sequential", "processes", "ray")


@dataclass(frozen=True)
class Outcome:
    """What one run gave: its key, the value or the error, and how many attempts it took."""

    key: str
    value: Any = None
    error: str | None = None
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.error is None


Item = tuple[str, Mapping[str, Any]]
Done = Callable[[Outcome], None]


class Executor(Protocol):
    """Runs ``fn(**shared, **kwargs)`` for every ``(key, kwargs)`` item."""

    def map(
        self,
        fn: Callable[..., Any],
        shared: Mapping[str, Any],
        items: Sequence[Item],
        on_done: Done,
    ) -> list[Outcome]: ...


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class SequentialExecutor:
    """Runs in this process, one after another (progress callbacks work as usual)."""

    def __init__(self, *, retries: int = 1):
        self.retries = retries

    def map(self, fn, shared, items, on_done):
        outcomes = []
        for key, kwargs in items:
            for attempt in range(1, self.retries + 2):
                try:
                    outcome = Outcome(key, fn(**shared, **kwargs), attempts=attempt)
                    break
                except Exception as exc:  # a run's failure is data, not a crash
                    outcome = Outcome(key, error=_describe(exc), attempts=attempt)
            on_done(outcome)
            outcomes.append(outcome)
        return outcomes


def _limit_threads(n_threads: int) -> None:
    """Worker initialiser: share the cores instead of every worker using all of them."""
    for name in ("TF_NUM_INTRAOP_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(n_threads)
    os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")


def _call(fn: Callable[..., Any], shared: Mapping[str, Any], kwargs: Mapping[str, Any]) -> Any:
    try:
        return True, fn(**shared, **kwargs)
    except Exception as exc:
        return False, _describe(exc) + "\n" + traceback.format_exc(limit=3)


class ProcessExecutor:
    """Local worker processes (spawned, so TensorFlow starts clean in each)."""

    def __init__(self, workers: int | None = None, *, retries: int = 1):
        self.workers = workers or max(1, (os.cpu_count() or 1))
        self.retries = retries

    def map(self, fn, shared, items, on_done):
        import multiprocessing
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

        threads = max(1, (os.cpu_count() or 1) // self.workers)
        outcomes = []
        with ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_limit_threads,
            initargs=(threads,),
        ) as pool:
            pending = {
                pool.submit(_call, fn, shared, kwargs): (key, kwargs, 1) for key, kwargs in items
            }
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    key, kwargs, attempt = pending.pop(future)
                    try:
                        ok, value = future.result()
                    except Exception as exc:  # the worker itself died
                        ok, value = False, _describe(exc)
                    if not ok and attempt <= self.retries:
                        pending[pool.submit(_call, fn, shared, kwargs)] = (key, kwargs, attempt + 1)
                        continue
                    outcome = Outcome(key, value if ok else None, None if ok else value, attempt)
                    on_done(outcome)
                    outcomes.append(outcome)
        return outcomes


class RayExecutor:
    """A Ray cluster: a local one by default, or an existing one at ``address``.

    Shared arguments are put in Ray's object store once, not shipped with every task.
    """

    def __init__(self, workers: int | None = None, *, address: str | None = None, retries: int = 1):
        try:
            import ray  # noqa: F401
        except ImportError:
            raise InvalidInputError(
                "the Ray executor needs Ray: pip install 'manifoldviz[ray]'", param="executor"
            ) from None
        if address:
            check_reachable(address)
        self.workers, self.address, self.retries = workers, address, retries

    def map(self, fn, shared, items, on_done):
        import ray

        started_here = not ray.is_initialized()
        if started_here:
            # A local cluster's workers inherit this environment: give them the driver's import
            # path, so any function the caller can import (a notebook's helper module, say)
            # can run there too.
            saved = os.environ.get("PYTHONPATH")
            if not self.address:
                os.environ["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
            try:
                ray.init(
                    address=self.address,
                    num_cpus=None if self.address else self.workers,
                    include_dashboard=False,
                    log_to_driver=False,
                    configure_logging=False,
                )
            finally:
                if saved is None:
                    os.environ.pop("PYTHONPATH", None)
                else:
                    os.environ["PYTHONPATH"] = saved
        try:
            shared_ref = ray.put(dict(shared))
            remote = ray.remote(num_cpus=1)(_ray_call)
            pending = {
                remote.remote(fn, shared_ref, kwargs): (key, kwargs, 1) for key, kwargs in items
            }
            outcomes = []
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1)
                key, kwargs, attempt = pending.pop(ready[0])
                try:
                    ok, value = ray.get(ready[0])
                except Exception as exc:  # the worker died
                    ok, value = False, _describe(exc)
                if not ok and attempt <= self.retries:
                    pending[remote.remote(fn, shared_ref, kwargs)] = (key, kwargs, attempt + 1)
                    continue
                outcome = Outcome(key, value if ok else None, None if ok else value, attempt)
                on_done(outcome)
                outcomes.append(outcome)
            return outcomes
        finally:
            if started_here:
                ray.shutdown()


def _ray_call(fn: Callable[..., Any], shared: Mapping[str, Any], kwargs: Mapping[str, Any]) -> Any:
    return _call(fn, shared, kwargs)


def check_reachable(address: str, *, timeout: float = 3.0) -> None:
    """Fail within ``timeout`` seconds, with one line, if a Ray head cannot be reached."""
    if address == "auto":
        return
    host_port = address.split("://", 1)[-1]
    host, _, port = host_port.rpartition(":")
    if not host or not port.isdigit():
        raise InvalidInputError(f"Ray address {address!r} is not HOST:PORT", param="address")
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as exc:
        raise InvalidInputError(
            f"cannot reach a Ray cluster at {address} ({exc.strerror or exc})", param="address"
        ) from None


def make_executor(
    kind: str = "sequential",
    *,
    workers: int | None = None,
    address: str | None = None,
    retries: int = 1,
) -> Executor:
    """The executor called ``kind``: ``sequential``, ``processes`` or ``ray``."""
    if workers is not None and workers < 1:
        raise InvalidInputError(f"workers must be at least 1, got {workers}", param="workers")
    if kind == "sequential":
        return SequentialExecutor(retries=retries)
    if kind == "processes":
        return ProcessExecutor(workers, retries=retries)
    if kind == "ray":
        return RayExecutor(workers, address=address, retries=retries)
    raise InvalidInputError(
        f"unknown executor {kind!r}; choose from {', '.join(EXECUTORS)}", param="executor"
    )
