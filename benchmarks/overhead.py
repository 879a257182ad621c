"""Benchmark: what a small run costs beyond its step loop (issue 9: total <= 2x the step loop).

For teaching_small (~1,400 agents, 12 months, agents engine), in a warm process (the
package imported and one run done first), several repeats of:

- the CLI path: build the model, the step loop (`model.run()`), tables and metrics
  (`collect`: spells, monthly, Kaplan-Meier, headline, targets) and writing the results
  folder without figures (`write_run(..., figures=False)`);
- the sweep-worker path: `run_task` (what an executor runs per scenario x seed), against
  the simulation inside it: build + step loop of the run (`wall_seconds`) and of its
  no-lockdown twin (`twin_seconds`: teaching_small is scored on the T6 targets, so a
  second model runs its first 7 months; that is model work, not overhead, and is
  printed apart, as is the ratio with the twin counted as overhead);

and the whole process of `laborsim run teaching_small --no-figures` and `laborsim --help`
(as `python -m sim ...`, so PYTHONPATH can point the benchmark at another checkout).
Printed: median and range over the repeats, the ratios, and the machine. Every
measurement runs in a child process pinned to one core (taskset, when present) with
BLAS/OpenMP threads 1.

    .venv/bin/python benchmarks/overhead.py [--repeats 7]     # BENCH_CPU=1: pin to core 1 (default 0)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

WARM = r"""
import json, sys, tempfile, time
from pathlib import Path
from sim import load_scenario
from sim.experiments.tasks import run_task, scenario_dict
from sim.results_io import write_run
from sim.runner import build_model, collect, run_twin
repeats = int(sys.argv[1])
sc = load_scenario("teaching_small")
out = Path(tempfile.mkdtemp())

def cli_path():  # "build" is build_model alone here: teaching_small runs on agents (run_twin steps no month of the run)
    t0 = time.perf_counter(); m = build_model(sc, 1, "auto")
    twin_monthly, twin = run_twin(m, None)
    t1 = time.perf_counter(); m.run()
    t2 = time.perf_counter(); res = collect(m, t2 - t0 - twin, twin_monthly)
    t3 = time.perf_counter(); write_run(res, out, figures=False)
    t4 = time.perf_counter()
    return {"build": t1 - t0 - twin, "twin": twin, "step_loop": t2 - t1, "collect": t3 - t2, "write": t4 - t3,
            "total": t4 - t0}

def worker_path():
    sj = scenario_dict(sc)
    t0 = time.perf_counter(); r = run_task(sj, 1, "auto")
    dt = time.perf_counter() - t0
    return {"run_task": dt, "run_task_model": r["wall_seconds"], "run_task_twin": r["twin_seconds"]}

cli_path(); worker_path()  # warm: imports, caches, first allocations
rows = [{**cli_path(), **worker_path()} for _ in range(repeats)]
print(json.dumps(rows))
"""


def child_env() -> dict:
    return {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


CPU = os.environ.get("BENCH_CPU", "0")  # the core every child is pinned to


def pinned(cmd: list[str]) -> list[str]:
    return (["taskset", "-c", CPU] if shutil.which("taskset") else []) + cmd


def warm_rows(repeats: int) -> list[dict]:
    out = subprocess.run(
        pinned([sys.executable, "-c", WARM, str(repeats)]), capture_output=True, text=True, env=child_env(), check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def process_seconds(args: list[str], repeats: int) -> list[float]:
    """Wall time of whole `python -m sim ARGS` processes (= `laborsim ARGS`), run from a scratch folder."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeats):
            t0 = time.perf_counter()
            subprocess.run(
                pinned([sys.executable, "-m", "sim", *args]), cwd=tmp, env=child_env(), check=True, capture_output=True
            )
            times.append(time.perf_counter() - t0)
    return times


def fmt(xs: list[float]) -> str:
    return f"{statistics.median(xs):.3f} ({min(xs):.3f}-{max(xs):.3f})"


def machine() -> str:
    import mesa
    import numpy
    import pandas

    mem = ""
    try:
        kib = int(next(ln for ln in open("/proc/meminfo") if ln.startswith("MemTotal")).split()[1])
        mem = f", {kib / 2**20:.0f} GB"
    except (OSError, StopIteration):
        pass
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (
        f"{platform.system()} {platform.release()} {platform.machine()}, {os.cpu_count()} cores{mem}, "
        f"Python {platform.python_version()}, numpy {numpy.__version__}, pandas {pandas.__version__}, "
        f"Mesa {mesa.__version__}; one core (taskset: {'yes' if shutil.which('taskset') else 'no'}); "
        f"load average {load}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    rows = warm_rows(args.repeats)
    col = {k: [r[k] for r in rows] for k in rows[0]}
    print(f"teaching_small in a warm process, {args.repeats} repeats: median (range), seconds")
    for k in ("build", "step_loop", "twin", "collect", "write", "total", "run_task", "run_task_model", "run_task_twin"):
        print(f"  {k:<14} {fmt(col[k])}")
    sim_cli = [r["build"] + r["step_loop"] + r["twin"] for r in rows]
    ratio_cli = [r["total"] / s for r, s in zip(rows, sim_cli, strict=True)]
    ratio_worker = [r["run_task"] / (r["run_task_model"] + r["run_task_twin"]) for r in rows]
    plain = [r["run_task"] / r["run_task_model"] for r in rows]
    print(f"  CLI path total / simulation (build + step loop of the run and its twin): {fmt(ratio_cli)}")
    print(f"  run_task / its simulation (build + step loop of the run and its twin): {fmt(ratio_worker)}  target <= 2")
    print(f"  run_task / the run's build + step loop alone (the twin counted as overhead): {fmt(plain)}")
    reps = max(3, args.repeats // 2)
    run_cmd = ["run", "teaching_small", "--no-figures", "--quiet", "--out", "out"]
    print(f"whole process, {reps} repeats: median (range), seconds")
    print(f"  laborsim run teaching_small --no-figures   {fmt(process_seconds(run_cmd, reps))}")
    print(f"  laborsim --help                            {fmt(process_seconds(['--help'], reps))}")
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()
