"""Per-phase CPU time of two commits' step loops, alternately (companion of ab_step.py).

    .venv/bin/python benchmarks/ab_phases.py ablate11 main --runs 3

Same set-up as `ab_step.py` (detached checkouts under /tmp/laborsim-ab/, fresh children
pinned to core 0, baseline_2020 at N workers, one month to load the kernels). Each child
wraps the phase methods of `LaborModel.step` (open_month, calendar, policies, employers,
brokers, decide, match, record, datacollector) in a CPU-time (and wall-time) timer and
prints ms per month of each, over the months after the first. Printed: the median over
runs of each phase, A and B side by side, in CPU ms per month.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ab_step import CHILD_SETUP, tree  # noqa: E402
from ab_step import child as ab_child  # noqa: E402

PHASES = ("open_month", "calendar_phase", "policy_phase", "employer_phase", "broker_phase", "decide_phase",
          "match_phase", "record_phase")  # fmt: skip

CHILD = CHILD_SETUP + r"""
phases = sys.argv[4].split(",")
cpu = {p: 0.0 for p in phases + ["datacollector"]}
wall = {p: 0.0 for p in cpu}
def timed(name, f):
    def g(*a, **k):
        c0, w0 = time.process_time(), time.perf_counter()
        try:
            return f(*a, **k)
        finally:
            cpu[name] += time.process_time() - c0
            wall[name] += time.perf_counter() - w0
    return g
for p in phases:
    setattr(m, p, timed(p, getattr(m, p)))
m.datacollector.collect = timed("datacollector", m.datacollector.collect)
c0, w0 = time.process_time(), time.perf_counter()
m.run()
k = months - 1
tc, tw = time.process_time() - c0, time.perf_counter() - w0
out = {"n": m.n_workers, "total_cpu": tc / k * 1e3, "total_wall": tw / k * 1e3}
out["cpu"] = {p: v / k * 1e3 for p, v in cpu.items()}
out["wall"] = {p: v / k * 1e3 for p, v in wall.items()}
print(json.dumps(out))
"""


def child(path: Path, n: int, months: int) -> dict:
    """One timed child process on core 0 (`ab_step.child` with this script's CHILD)."""
    return ab_child(path, n, months, CHILD, ",".join(PHASES))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--json", help="write every child's figures here")
    a = ap.parse_args()
    pa, pb = tree(a.a), tree(a.b)
    print(f"load average before: {os.getloadavg()}")
    ra, rb = [], []
    for i in range(a.runs):
        ra.append(child(pa, a.n, a.months))
        rb.append(child(pb, a.n, a.months))
        x, y = ra[-1], rb[-1]
        print(f"run {i + 1}: A {x['total_cpu']:.1f} ms CPU ({x['total_wall']:.1f} wall),", end="")
        print(f" B {y['total_cpu']:.1f} ms CPU ({y['total_wall']:.1f} wall) per month", flush=True)
    print(f"load average after: {os.getloadavg()}")
    if a.json:
        Path(a.json).write_text(json.dumps({"a": ra, "b": rb}))
    med = statistics.median
    ratios = [y["total_cpu"] / x["total_cpu"] for x, y in zip(ra, rb, strict=True)]
    print(f"B / A step loop CPU: median {med(ratios):.3f} (pairs {min(ratios):.3f}-{max(ratios):.3f})")
    print(f"\nms per month at {ra[0]['n']:,} workers, median of {a.runs} (CPU; wall in brackets)")
    print(f"| phase | A {a.a} | B {a.b} | B - A |\n|---|---:|---:|---:|")
    for p in (*PHASES, "datacollector"):
        ca, cb = med(r["cpu"][p] for r in ra), med(r["cpu"][p] for r in rb)
        wa, wb = med(r["wall"][p] for r in ra), med(r["wall"][p] for r in rb)
        print(f"| {p} | {ca:.1f} ({wa:.1f}) | {cb:.1f} ({wb:.1f}) | {cb - ca:+.1f} |")
    ta, tb = med(r["total_cpu"] for r in ra), med(r["total_cpu"] for r in rb)
    wa, wb = med(r["total_wall"] for r in ra), med(r["total_wall"] for r in rb)
    print(f"| step loop | {ta:.1f} ({wa:.1f}) | {tb:.1f} ({wb:.1f}) | {tb - ta:+.1f} |")


if __name__ == "__main__":
    main()
