"""Benchmark: measured peak memory of one run against the up-front estimate of
`sim.limits.run_need` (which `laborsim` uses to refuse work that cannot fit).

Each case runs `sim.runner.run` (build, step, collect the tables) in a fresh
process; measured is the peak resident set size minus the size after loading
the scenario. The estimate should be at or above the measurement, and not far above.

    .venv/bin/python benchmarks/memory.py          # about 3 minutes
    .venv/bin/python benchmarks/memory.py --quick  # the small cases only
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = r"""
import json, resource, sys
from sim import load_scenario
from sim.limits import run_need
from sim.runner import run
n, months, engine, firms, jobs = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
base = load_scenario("baseline_2020")
pool = sum(c.population * c.mobile_pool_share for c in base.places.counties.values())
ov = {"population": {"people_per_agent": pool / n}, "calendar": {"months": months}}
if firms:
    sec = {"firms": firms, "jobs_per_firm": jobs, "wage_yuan_month": 5200}
    ov["places"] = {"districts": {"Yuyao": {"sectors": {"electrical_machinery": sec}}}}
sc = load_scenario("baseline_2020", ov)
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
r = run(sc, 1, engine)
rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"agents": r.n_agents, "measured": (rss1 - rss0) * 1024, "estimate": run_need(sc, engine).bytes}))
"""

CASES = [  # (agents, months, engine, firms in one sector or 0, jobs per firm)
    (2_000, 24, "agents", 0, 0),
    (20_000, 24, "agents", 0, 0),
    (20_000, 120, "agents", 0, 0),
    (20_000, 24, "arrays", 0, 0),
    (200_000, 24, "arrays", 0, 0),
    (200_000, 120, "arrays", 0, 0),
    (20_000, 2, "agents", 50_000, 1),
    (20_000, 2, "arrays", 20_000, 1),
    (20_000, 2, "arrays", 20, 1_000_000),
]
BIG = [(1_000_000, 24, "arrays", 0, 0), (500_000, 2, "agents", 0, 0), (200_000, 2, "arrays", 20_000, 1)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    cases = CASES if ap.parse_args().quick else CASES + BIG
    print(
        f"{'engine':<7} {'agents':>9} {'months':>6} {'firms':>7} {'jobs/firm':>9}  "
        f"{'measured MiB':>12} {'estimate MiB':>12}  ratio"
    )
    for n, months, engine, firms, jobs in cases:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(n), str(months), engine, str(firms), str(jobs)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        m, e = r["measured"] / 2**20, r["estimate"] / 2**20
        print(
            f"{engine:<7} {r['agents']:>9,} {months:>6} {firms:>7,} {jobs:>9,}  {m:>12,.0f} {e:>12,.0f}  {e / m:5.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
