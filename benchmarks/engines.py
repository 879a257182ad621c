"""Benchmark: worker-steps per second and memory per worker of both engines.

Each measurement runs in a fresh Python process on one core (BLAS/OpenMP threads
pinned to 1) with the 2020 baseline's full rules and policies, scaled by
`people_per_agent` to the wanted number of workers. Printed: median and range
over the runs, the machine, and the targets of issue 3.

    .venv/bin/python benchmarks/engines.py            # full (about 10 minutes)
    .venv/bin/python benchmarks/engines.py --quick    # small sizes only

Timed: the step loop (`model.run()`), not building the model or writing results.
Memory: peak resident set size of the process after building and running, minus
its size after importing the package, divided by the number of workers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys

CHILD = r"""
import json, resource, sys, time
import numpy as np
from sim import load_scenario
from sim.runner import build_model
n_target, months, engine = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
base = load_scenario("baseline_2020")
pool = sum(c.population * c.mobile_pool_share for c in base.places.counties.values())
sc = load_scenario("baseline_2020", {"population": {"people_per_agent": pool / n_target},
                                     "calendar": {"months": months}})
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
m = build_model(sc, 1, engine)
t0 = time.perf_counter()
m.run()
wall = time.perf_counter() - t0
rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"n": m.n_workers, "months": months, "wall": wall, "rss_kib": rss1 - rss0}))
"""


def measure(n: int, months: int, engine: str) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    cmd = ["taskset", "-c", "0"] if shutil_which("taskset") else []
    out = subprocess.run(
        cmd + [sys.executable, "-c", CHILD, str(n), str(months), engine],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def shutil_which(name: str) -> bool:
    from shutil import which

    return which(name) is not None


def summarize(rows: list[dict]) -> dict:
    rate = [r["n"] * r["months"] / r["wall"] for r in rows]
    ns = [1e9 * r["wall"] / (r["n"] * r["months"]) for r in rows]
    mem = [1024 * r["rss_kib"] / r["n"] for r in rows]
    return {
        "n": rows[0]["n"],
        "months": rows[0]["months"],
        "runs": len(rows),
        "steps_per_s": (statistics.median(rate), min(rate), max(rate)),
        "ns_per_step": (statistics.median(ns), min(ns), max(ns)),
        "bytes_per_worker": (statistics.median(mem), min(mem), max(mem)),
        "wall_s": statistics.median(r["wall"] for r in rows),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="10k and 100k only, fewer runs")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    plan = [  # (workers, months, engine, runs)
        (10_000, 120, "arrays", args.runs),
        (10_000, 120, "agents", args.runs),
        (100_000, 120, "arrays", args.runs),
        (100_000, 12, "agents", max(1, args.runs - 1)),
    ]
    if not args.quick:
        plan += [(1_000_000, 120, "arrays", args.runs), (1_000_000, 12, "agents", 1)]
    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cpus, Python {platform.python_version()}; one core (taskset -c 0)"
    )
    print(
        f"{'engine':<7} {'workers':>9} {'months':>6} {'runs':>4}  {'M worker-steps/s (median, range)':<34} "
        f"{'ns/worker-step':<22} {'bytes/worker (peak)':<22} wall s"
    )
    results = {}
    for n, months, engine, runs in plan:
        s = summarize([measure(n, months, engine) for _ in range(runs)])
        results[(engine, n)] = s
        r, ns, mem = s["steps_per_s"], s["ns_per_step"], s["bytes_per_worker"]
        print(
            f"{engine:<7} {s['n']:>9,} {months:>6} {runs:>4}  {r[0] / 1e6:>6.2f} ({r[1] / 1e6:.2f}-{r[2] / 1e6:.2f})"
            f"{'':<16} {ns[0]:>6.0f} ({ns[1]:.0f}-{ns[2]:.0f})  {mem[0]:>7.0f} ({mem[1]:.0f}-{mem[2]:.0f})  "
            f"{s['wall_s']:.1f}",
            flush=True,
        )
    for n in (100_000, 1_000_000):
        if ("arrays", n) in results and ("agents", n) in results:
            sp = results[("arrays", n)]["steps_per_s"][0] / results[("agents", n)]["steps_per_s"][0]
            print(f"speed-up arrays/agents at {n:,} workers: {sp:.0f}x (target >= 50x)")
    if ("arrays", 1_000_000) in results:
        s = results[("arrays", 1_000_000)]
        print(
            f"arrays, 1M workers x 120 months: step loop {s['wall_s']:.1f} s (target <= 20 s), "
            f"{s['ns_per_step'][0]:.0f} ns/worker-step (target <= 170), "
            f"{s['bytes_per_worker'][0]:.0f} bytes/worker (target <= 150)"
        )


if __name__ == "__main__":
    main()
