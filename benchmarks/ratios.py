"""Speed and memory of both engines as ratios to the reference micro-models.

Machines here differ and are shared, so every figure is measured in one session
beside `../shared/perf-reference/bench.py` (the same kind of worker rules written
in Mesa and numpy) and reported as a ratio, with the raw times. Each command is
a fresh process pinned to one core; median and range over `--repeat` runs.

    .venv/bin/python benchmarks/ratios.py                 # about 10 minutes
    .venv/bin/python benchmarks/ratios.py --repeat 1      # quick look

Targets (issue 9):
  1. whole `laborsim run baseline_2020 --engine arrays` at 1M workers x 120 months,
     no figures, <= 0.70 x the whole `bench.py numpy 1000000 120`;
  2. the agents engine at 10k x 24, whole run, <= 2.5 x the whole `bench.py mesa 10000 24`,
     and its cost per worker-step flat (+-30%) from 10k to 100k;
  3. memory <= 100 bytes per worker at 1M.

How memory is measured (`MEM_CHILD`): in a fresh process, import the package and run
a three-month baseline_2020 of ~860 agents on the arrays engine, so every compiled kernel
the benchmarked run uses is loaded from the cache (teaching_small, used before, missed
some: ~9 MB counted as per-worker memory) (compiled code and the interpreter are fixed costs, not costs per worker);
`gc.collect()`; the resident set size then is the base. Then build and run the 2020
baseline at N workers for 120 months (the benchmarked run, spell log included); the
figure is (peak resident set size - base) / N. The marginal cost is the slope between
100k and 1M workers: (excess at 1M - excess at 100k) / (workers at 1M - at 100k).
The third target of the issue (a warm sweep worker's overhead) is `benchmarks/overhead.py`.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REF = Path(
    os.environ.get("PERF_REFERENCE")
    or next((p / "shared" / "perf-reference" for p in ROOT.parents if (p / "shared" / "perf-reference").is_dir()), "")
)  # ../shared/perf-reference of the checkout (or of a folder above it, e.g. from a git worktree)
PPA_1M = 344604 / 1_000_000  # people per agent giving 1,000,000 workers in the 2020 baseline

STEP_CHILD = r"""
import json, resource, sys, time
from sim import load_scenario
from sim.runner import build_model
n, months, engine = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
sc = load_scenario("baseline_2020", {"population": {"people_per_agent": 344604 / n}, "calendar": {"months": months}})
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
m = build_model(sc, 1, engine)
m.step()  # loads the compiled kernels from the cache
t0 = time.perf_counter()
m.run()
step = time.perf_counter() - t0
rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
ns = step / m.n_workers / (months - 1) * 1e9
print(json.dumps({"n": m.n_workers, "ns": ns, "bytes": (rss1 - rss0) * 1024 / m.n_workers}))
"""


PARTS_CHILD = r"""
import time; T0 = time.perf_counter()
import json, sys
from pathlib import Path
import sim.cli, sim.engines.arrays, sim.results_io, pyarrow.parquet  # what `laborsim run` imports
from sim import load_scenario
from sim.runner import build_model, collect, run_twin
from sim.results_io import write_run
from sim.streams import fill_uniforms
import numpy as np
T1 = time.perf_counter()
fill_uniforms(np.uint64(1), np.zeros(1, np.int64), np.empty(1, np.float32))  # numba's first use
T2 = time.perf_counter()
n, months, out = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
sc = load_scenario("baseline_2020", {"population": {"people_per_agent": 344604 / n}, "calendar": {"months": months}})
t0 = time.perf_counter(); m = build_model(sc, None, "arrays")
t1 = time.perf_counter(); m.step()
t2 = time.perf_counter(); twin_monthly, _ = run_twin(m, None)
# the compiled passes over the table (calendar and decisions: every worker; brokers' offers:
# every worker at home), timed alone: a few calls a month, called through these module names
import functools
import sim.engines.arrays as A, sim.model as SM
passes = {"calendar_lists": 0.0, "decide_rows": 0.0, "accept_and_recruit": 0.0}
def clocked(mod, name):
    f = getattr(mod, name)
    @functools.wraps(f)
    def g(*a, **k):
        c = time.perf_counter()
        try:
            return f(*a, **k)
        finally:
            passes[name] += time.perf_counter() - c
    setattr(mod, name, g)
for mod, name in ((A, "calendar_lists"), (A, "decide_rows"), (SM, "accept_and_recruit")):
    clocked(mod, name)
t3 = time.perf_counter(); first = m.t; m.run()
t4 = time.perf_counter(); res = collect(m, t4 - t0, twin_monthly)
t5 = time.perf_counter(); write_run(res, out, figures=False)
t6 = time.perf_counter()
parts = {"imports": T1 - T0, "numba first use": T2 - T1, "build": t1 - t0,
         "first month (kernels loaded)": t2 - t1, "twin (fork and run)": t3 - t2,
         "step loop": t4 - t3, "tables and metrics": t5 - t4, "writing": t6 - t5}
print(json.dumps({"parts": parts, "passes": passes, "loop_months": m.t - first, "n": m.n_workers, "total": t6 - T0}))
"""


MEM_CHILD = r"""
import gc, json, resource, sys, time
from sim import load_scenario
from sim.runner import build_model
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()
n, months = int(sys.argv[1]), int(sys.argv[2])
small = {"population": {"people_per_agent": 400}, "calendar": {"months": 3}}
warm = build_model(load_scenario("baseline_2020", small), 1, "arrays")
warm.run()  # a small run of the benchmarked scenario loads the same compiled kernels
sc = load_scenario("baseline_2020", {"population": {"people_per_agent": 344604 / n}, "calendar": {"months": months}})
del warm
gc.collect()
base = rss()
m = build_model(sc, 1, "arrays")
t0 = time.perf_counter()
m.run()
step = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
ns = step / m.n_workers / months * 1e9
print(json.dumps({"n": m.n_workers, "ns": ns, "excess": peak - base, "bytes": (peak - base) / m.n_workers}))
"""


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, str]:
    """Wall time of a whole process pinned to one core, and its stdout."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"}
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    t0 = time.perf_counter()
    out = subprocess.run(pin + cmd, cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - t0, out.stdout


def stats(xs: list[float]) -> str:
    return f"{statistics.median(xs):.2f} ({min(xs):.2f}-{max(xs):.2f})"


def repeat(n: int, fn) -> list:
    return [fn() for _ in range(n)]


def print_parts(py: str, out: Path, budget: float) -> None:
    """Where one whole 1M x 120 run's time goes (`PARTS_CHILD`), and what the step loop
    could cost per worker-step for the run to fit `budget` seconds with the rest as it is."""
    r = json.loads(timed([py, "-c", PARTS_CHILD, "1000000", "120", str(out)])[1])
    parts, loop = r["parts"], r["parts"]["step loop"]
    print("   where a whole run's time goes (one run, s): " + ", ".join(f"{k} {v:.2f}" for k, v in parts.items()))
    per = loop / r["n"] / r["loop_months"] * 1e9
    rest = r["total"] - loop
    room = (budget - rest) / r["n"] / r["loop_months"] * 1e9
    print(
        f"   step loop {per:.0f} ns per worker-step; everything else {rest:.2f} s, so 0.70 x the reference"
        f" ({budget:.2f} s) leaves the loop {room:.0f} ns per worker-step"
    )
    floor = sum(r["passes"].values()) / r["n"] / r["loop_months"] * 1e9
    print(
        "   of the step loop, three compiled passes over the table alone (the rules and their draws,"
        " no Python between rows; the loop's other kernels not counted): "
        + ", ".join(f"{k} {v / r['n'] / r['loop_months'] * 1e9:.1f}" for k, v in r["passes"].items())
        + f" = at least {floor:.0f} ns per worker-step, against the {room:.0f} left"
    )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="engine speed as ratios to the reference micro-models")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    py = sys.executable
    laborsim = [py, "-m", "sim"]
    out = Path(tempfile.mkdtemp(prefix="laborsim-bench-"))
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}; one core")
    for engine in ("agents", "arrays"):  # compile (or load) every kernel both engines use, untimed
        warm = ["run", "baseline_2020", "--engine", engine, "--people-per-agent", "400", "--months", "14"]
        timed(laborsim + warm + ["--no-figures", "--quiet", "--out", str(out)])

    big = laborsim + ["run", "baseline_2020", "--engine", "arrays", "--people-per-agent", str(PPA_1M)]
    big += ["--months", "120", "--no-figures", "--quiet", "--out", str(out)]
    ours = repeat(a.repeat, lambda: timed(big)[0])
    ref = repeat(a.repeat, lambda: timed([py, "bench.py", "numpy", "1000000", "120"], REF)[0])
    r1 = statistics.median(ours) / statistics.median(ref)
    print(
        f"1. arrays 1M x 120 whole run: {stats(ours)} s; numpy reference whole run: {stats(ref)} s;"
        f" ratio {r1:.2f} (target <= 0.70)"
    )
    print_parts(py, out, 0.70 * statistics.median(ref))

    small = laborsim + ["run", "baseline_2020", "--engine", "agents", "--people-per-agent", "34.4604"]
    small += ["--months", "24", "--no-figures", "--quiet", "--out", str(out)]
    ours = repeat(a.repeat, lambda: timed(small)[0])
    ref = repeat(a.repeat, lambda: timed([py, "bench.py", "mesa", "10000", "24"], REF)[0])
    r2 = statistics.median(ours) / statistics.median(ref)
    print(
        f"2. agents 10k x 24 whole run: {stats(ours)} s; mesa reference whole run: {stats(ref)} s;"
        f" ratio {r2:.2f} (target <= 2.5)"
    )
    per = {}
    for n in (10_000, 100_000):
        runs = repeat(a.repeat, lambda n=n: json.loads(timed([py, "-c", STEP_CHILD, str(n), "24", "agents"])[1]))
        per[n] = [r["ns"] / 1000 for r in runs]
        print(f"   agents step loop at {n:,}: {stats(per[n])} us per worker-step")
    growth = statistics.median(per[100_000]) / statistics.median(per[10_000])
    print(f"   100k / 10k cost per worker-step: {growth:.2f} (target 0.70-1.30)")

    mem = {
        n: repeat(a.repeat, lambda n=n: json.loads(timed([py, "-c", MEM_CHILD, str(n), "120"])[1]))
        for n in (100_000, 1_000_000)
    }
    big, small = mem[1_000_000], mem[100_000]
    slope = [(b["excess"] - s["excess"]) / (b["n"] - s["n"]) for b, s in zip(big, small, strict=True)]
    print(
        f"3. arrays at 1M x 120: {stats([r['bytes'] for r in big])} bytes per worker above the warm base"
        f" (target <= 100); at 100k: {stats([r['bytes'] for r in small])};"
        f" marginal 100k -> 1M: {stats(slope)} bytes per worker;"
        f" step loop at 1M {stats([r['ns'] for r in big])} ns per worker-step"
    )
    shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
