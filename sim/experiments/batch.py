"""Run many tasks through an executor with a bounded number in flight, so
memory does not grow with the number of runs; results are handed on as they
finish."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Executor, wait

from tqdm import tqdm

from .tasks import run_task


def run_many(
    jobs: Iterable[tuple],
    executor: Executor,
    in_flight: int,
    on_done: Callable[[tuple, dict], None],
    on_error: Callable[[tuple, BaseException], None] | None = None,
    total: int | None = None,
    desc: str = "runs",
    quiet: bool = False,
) -> None:
    """Submit `run_task(*job)` for each job, keeping at most `in_flight` pending.

    A failed job goes to `on_error` (or is raised when none is given); the
    others go on.
    """
    pending = {}
    it = iter(jobs)
    with tqdm(total=total, desc=desc, unit="run", disable=quiet) as bar:
        while True:
            while len(pending) < in_flight:
                job = next(it, None)
                if job is None:
                    break
                pending[executor.submit(run_task, *job)] = job
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                job = pending.pop(f)
                err = f.exception()
                if err is None:
                    on_done(job, f.result())
                elif on_error is None:
                    raise err
                else:
                    on_error(job, err)
                bar.update(1)
