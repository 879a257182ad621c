"""Executors behind one interface (`concurrent.futures.Executor`): in-process,
local processes, and a Dask distributed cluster. The same seeds give the same
results whatever the executor: each task is a pure function of (scenario, seed)."""

from __future__ import annotations

import multiprocessing
import re
from concurrent.futures import Executor, Future, ProcessPoolExecutor

from ..errors import ScenarioError

ADDRESS = re.compile(r"^tcp://[A-Za-z0-9_.\-]+:\d{1,5}$")


class InProcessExecutor(Executor):
    """Runs each task at once in this process (the default for one worker)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        f: Future = Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as e:  # noqa: BLE001 - the future carries the error
            f.set_exception(e)
        return f


def make_executor(workers: int = 1, scheduler: str | None = None) -> tuple[Executor, int]:
    """An executor and how many tasks to keep in flight.

    Args:
        workers: Local processes (1 = in-process).
        scheduler: A Dask scheduler address `tcp://HOST:PORT` (needs the `cluster`
            extra here and `laborsim` installed where the workers run).

    Raises:
        ScenarioError: malformed or unreachable scheduler, or dask missing.
    """
    if scheduler:
        if not ADDRESS.match(scheduler):
            raise ScenarioError("<command line>", "--scheduler", repr(scheduler), "an address tcp://HOST:PORT")
        try:
            from distributed import Client
        except ImportError:
            raise ScenarioError(
                "<command line>",
                "--scheduler",
                scheduler,
                "a cluster run needs the `cluster` extra: pip install 'laborsim[cluster]'",
            ) from None
        try:
            client = Client(scheduler, timeout="5s")
        except (OSError, TimeoutError) as e:
            raise ScenarioError(
                "<command line>",
                "--scheduler",
                f"{scheduler} (unreachable: {e})",
                "the address of a running dask scheduler",
            ) from None
        n = max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))
        ex = client.get_executor()
        ex._laborsim_client = client  # keep the client alive as long as the executor
        return ex, 2 * n
    if workers < 1:
        raise ScenarioError("<command line>", "--workers", str(workers), "a whole number >= 1")
    if workers == 1:
        return InProcessExecutor(), 1
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver")), 2 * workers


def close_executor(ex: Executor) -> None:
    """Shut an executor down (and its Dask client)."""
    ex.shutdown(wait=True)
    client = getattr(ex, "_laborsim_client", None)
    if client is not None:
        client.close()
