"""One way to run every sweep (seeds × folds × conditions): in-process, local processes or Ray.

A sweep is one top-level function, arguments shared by every run (data, settings) and one small
set of arguments per run. Each executor calls ``on_done`` in the calling process as each run
finishes, so results can be appended to disk as they arrive; a run that raises is retried, then
reported as failed, never dropped.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from manifoldviz.errors import InvalidInputError, ManifoldvizError

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
    """Runs in this process, one after another (progress callbacks work as usual).

    ``reraise=True`` lets a unit's last failure propagate as it was raised, for a study whose
    units cannot stand without each other (a bad input then stays a bad input).
    """

    def __init__(self, *, retries: int = 1, reraise: bool = False):
        self.retries = retries
        self.reraise = reraise

    def map(self, fn, shared, items, on_done):
        outcomes = []
        for key, kwargs in items:
            for attempt in range(1, self.retries + 2):
                try:
                    outcome = Outcome(key, fn(**shared, **kwargs), attempts=attempt)
                    break
                except Exception as exc:  # a run's failure is data, not a crash
                    if self.reraise and attempt == self.retries + 1:
                        raise
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

    Shared arguments are put in Ray's object store once, not shipped with every task. For an
    existing cluster the head is asked first (in milliseconds, before anything heavy) whether it
    is there and whether it wants an authentication token; a token is then sent the way Ray
    documents (:func:`ray_token`), and without one the failure is one line, not twenty seconds
    of Ray's connection log. Ray's own log lines are kept off the terminal while it runs. A
    task whose worker dies is retried by this executor (counted in ``attempts``), not silently
    by Ray.
    """

    def __init__(self, workers: int | None = None, *, address: str | None = None, retries: int = 1):
        try:
            import ray  # noqa: F401
        except ImportError:
            raise InvalidInputError(
                "the Ray executor needs Ray: pip install 'manifoldviz[ray]'", param="executor"
            ) from None
        self.token_auth = False
        if address:
            check_reachable(address)
            self.token_auth = check_ray_auth(address)
        self.workers, self.address, self.retries = workers, address, retries

    def map(self, fn, shared, items, on_done):
        import ray

        started_here = not ray.is_initialized()
        with _quiet_ray(token_auth=self.token_auth and started_here):
            if started_here:
                # A local cluster's workers inherit this environment: give them the driver's
                # import path, so any function the caller can import (a notebook's helper
                # module, say) can run there too.
                saved = os.environ.get("PYTHONPATH")
                if not self.address:
                    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
                try:
                    with _native_stderr_silenced():
                        ray.init(
                            address=self.address,
                            num_cpus=None if self.address else self.workers,
                            include_dashboard=False,
                            log_to_driver=False,
                            configure_logging=False,
                        )
                except ConnectionError as exc:
                    raise ManifoldvizError(
                        f"Ray could not connect to {self.address or 'a local cluster'}: "
                        f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
                    ) from None
                finally:
                    if saved is None:
                        os.environ.pop("PYTHONPATH", None)
                    else:
                        os.environ["PYTHONPATH"] = saved
            try:
                return self._run(ray, fn, shared, items, on_done)
            finally:
                if started_here:
                    ray.shutdown()

    def _run(self, ray, fn, shared, items, on_done):  # type: ignore[no-untyped-def]
        shared_ref = ray.put(dict(shared))
        # max_retries=0: a task whose worker dies comes back here as an error and is retried
        # below, so it costs one counted attempt and never a run.
        remote = ray.remote(num_cpus=1, max_retries=0)(_ray_call)
        pending = {remote.remote(fn, shared_ref, kwargs): (key, kwargs, 1) for key, kwargs in items}
        outcomes = []
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            key, kwargs, attempt = pending.pop(ready[0])
            try:
                ok, value = ray.get(ready[0])
            except Exception as exc:  # the worker died
                ok, value = False, _describe(exc).splitlines()[0]
            if not ok and attempt <= self.retries:
                pending[remote.remote(fn, shared_ref, kwargs)] = (key, kwargs, attempt + 1)
                continue
            outcome = Outcome(key, value if ok else None, None if ok else value, attempt)
            on_done(outcome)
            outcomes.append(outcome)
        return outcomes


@contextlib.contextmanager
def _quiet_ray(*, token_auth: bool) -> Iterator[None]:
    """While Ray runs in this process: its C++ and Python logs off the terminal, token mode on
    when the cluster wants the token we have; everything restored afterwards."""
    saved = {name: os.environ.get(name) for name in ("RAY_BACKEND_LOG_LEVEL", "RAY_AUTH_MODE")}
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "error")  # the C++ core worker's warnings
    if token_auth:
        os.environ["RAY_AUTH_MODE"] = "token"
        _refresh_ray_config()
    ray_logger = logging.getLogger("ray")
    level = ray_logger.level
    ray_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        ray_logger.setLevel(level)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if token_auth:
            _refresh_ray_config()


@contextlib.contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Point file descriptor 2 at /dev/null: Ray's C++ start-up writes there before any log
    level applies (Python exceptions are unaffected: they are raised after it is restored)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _refresh_ray_config() -> None:
    """Ray caches its settings (the authentication mode among them) from the environment."""
    from ray._raylet import Config  # type: ignore[attr-defined]

    Config.initialize("")


def _ray_call(fn: Callable[..., Any], shared: Mapping[str, Any], kwargs: Mapping[str, Any]) -> Any:
    return _call(fn, shared, kwargs)


def check_reachable(address: str, *, timeout: float = 3.0) -> None:
    """Fail within ``timeout`` seconds, with one line, if a Ray head cannot be reached."""
    if address == "auto":
        return
    host, port = _host_port(address)
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        raise InvalidInputError(
            f"cannot reach a Ray cluster at {address} ({exc.strerror or exc})", param="address"
        ) from None


def _host_port(address: str) -> tuple[str, int]:
    host_port = address.split("://", 1)[-1]
    host, _, port = host_port.rpartition(":")
    if not host or not port.isdigit():
        raise InvalidInputError(f"Ray address {address!r} is not HOST:PORT", param="address")
    return host, int(port)


#: Where Ray looks for its authentication token, in order (Ray's token-auth documentation).
RAY_TOKEN_HELP = (
    "set RAY_AUTH_TOKEN, point RAY_AUTH_TOKEN_PATH at a file holding it, or save it as "
    "~/.ray/auth_token ('ray get-auth-token' on the head node prints it)"
)


def ray_token() -> tuple[str | None, str]:
    """The token Ray would send and where it comes from, looked up the way Ray does.

    ``$RAY_AUTH_TOKEN``, else the file ``$RAY_AUTH_TOKEN_PATH`` names, else
    ``~/.ray/auth_token``.

    Returns
    -------
    tuple
        ``(token, source)``; the token is None when none is found (the source then says where
        the search ended).
    """
    token = os.environ.get("RAY_AUTH_TOKEN", "").strip()
    if token:
        return token, "$RAY_AUTH_TOKEN"
    named = os.environ.get("RAY_AUTH_TOKEN_PATH")
    path = Path(named).expanduser() if named else Path.home() / ".ray" / "auth_token"
    source = f"$RAY_AUTH_TOKEN_PATH ({path})" if named else str(path)
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None, source
    return token or None, source


def check_ray_auth(address: str, *, timeout: float = 3.0) -> bool:
    """Ask a Ray head whether it wants a token; True when it does and ours is accepted.

    One gRPC call to the head's GCS (``GetClusterId``), first without a token, then, if the
    head refuses it, with the one :func:`ray_token` finds.

    Raises
    ------
    InvalidInputError
        In one line, within ``timeout`` seconds: the head wants a token and none is set, or it
        refuses the one found, or no Ray head answers at ``address``.
    """
    if address == "auto":
        return False
    host, port = _host_port(address)
    status = probe_ray_head(f"{host}:{port}", None, timeout)
    if status in ("ok", "unknown"):
        return False
    if status == "unreachable":
        raise InvalidInputError(
            f"no Ray cluster answers at {address} (is it a Ray head's --port?)", param="address"
        )
    token, source = ray_token()
    if token is None:
        raise InvalidInputError(
            f"the Ray cluster at {address} requires an authentication token: {RAY_TOKEN_HELP}",
            param="address",
        )
    if probe_ray_head(f"{host}:{port}", token, timeout) != "ok":
        raise InvalidInputError(
            f"the Ray cluster at {address} refused the token from {source}; {RAY_TOKEN_HELP}",
            param="address",
        )
    return True


def probe_ray_head(target: str, token: str | None, timeout: float) -> str:
    """Ask the Ray head at ``target`` (HOST:PORT of its GCS) for its cluster id, once.

    Parameters
    ----------
    target
        ``HOST:PORT``.
    token
        Sent as Ray sends it (``authorization: Bearer <token>``), or None.
    timeout
        Seconds to wait for the answer.

    Returns
    -------
    str
        ``"ok"``, ``"unauthenticated"`` (it wants a token, or another one),
        ``"unreachable"``, or ``"unknown"`` (an answer we cannot judge: let Ray try).
    """
    try:
        import grpc
        from ray.core.generated import gcs_service_pb2, gcs_service_pb2_grpc
    except ImportError:
        return "unknown"
    metadata = [("authorization", f"Bearer {token}")] if token else None
    with grpc.insecure_channel(target) as channel:
        stub = gcs_service_pb2_grpc.NodeInfoGcsServiceStub(channel)
        try:
            stub.GetClusterId(
                gcs_service_pb2.GetClusterIdRequest(),  # type: ignore[attr-defined]
                timeout=timeout,
                metadata=metadata,
            )
        except grpc.RpcError as exc:
            code = exc.code() if hasattr(exc, "code") else None
            if code == grpc.StatusCode.UNAUTHENTICATED:
                return "unauthenticated"
            if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
                return "unreachable"
            return "unknown"
    return "ok"


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
