"""Executors behind one interface (`concurrent.futures.Executor`): in-process,
local processes, and a Dask distributed cluster. The same seeds give the same
results whatever the executor: each task is a pure function of (scenario, seed).

Local worker processes never outlive the command: they are its own children
(started with `spawn`), each asks the kernel to kill it when the command dies
(Linux parent-death signal) and also watches the command itself, so kill -9 of
the command leaves no worker running; on an error, an interrupt or SIGTERM the
pool is shut down at once, its pending tasks cancelled and its workers ended.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import re
import select
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager

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
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )
    return pool, 2 * workers


PR_SET_PDEATHSIG = 1


def die_with_parent(command_pid: int) -> None:
    """Worker initializer: be killed (SIGKILL) when the command dies, exit at once
    if it is already gone, and watch it from a thread in case the kernel's
    parent-death signal does not apply (it follows the thread that started us)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (AttributeError, OSError):
            pass
    if not _alive(command_pid):
        os._exit(1)
    threading.Thread(target=_exit_when_gone, args=(command_pid,), daemon=True, name="laborsim-watch").start()


def _alive(pid: int) -> bool:
    from ..staging import pid_alive

    return pid_alive(pid)


def _exit_when_gone(pid: int) -> None:
    """End this worker as soon as process `pid` ends (a pidfd where the system has
    one, else a check every second)."""
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        select.select([fd], [], [])
    else:
        while _alive(pid) and os.getppid() == pid:
            time.sleep(1.0)
    os._exit(1)


def close_executor(ex: Executor, cancel: bool = False) -> None:
    """Shut an executor down (and its Dask client); with `cancel` (on an error or
    an interrupt), drop pending tasks and end local workers without waiting."""
    if cancel and isinstance(ex, ProcessPoolExecutor):
        workers = list((getattr(ex, "_processes", None) or {}).values())
        ex.shutdown(wait=False, cancel_futures=True)
        for p in workers:
            p.terminate()
        for p in workers:
            p.join(timeout=5)
    else:  # Dask's executor has no cancel_futures; its client is closed below
        ex.shutdown(wait=True)
    client = getattr(ex, "_laborsim_client", None)
    if client is not None:
        client.close()


@contextmanager
def executor(workers: int = 1, scheduler: str | None = None) -> Iterator[tuple[Executor, int]]:
    """`make_executor` as a block: closed on every exit path, at once on an error,
    an interrupt or SIGTERM (which inside the block acts like Ctrl-C)."""
    ex, in_flight = make_executor(workers, scheduler)
    with terminate_as_interrupt():
        try:
            yield ex, in_flight
        except BaseException:
            close_executor(ex, cancel=True)
            raise
    close_executor(ex)


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Inside the block, SIGTERM raises KeyboardInterrupt (so cleanup runs and the
    command exits with one line); outside it, the previous handler is back."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
