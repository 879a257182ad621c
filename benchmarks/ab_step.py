"""Step-loop cost of two commits, measured alternately in one session, in CPU time.

    .venv/bin/python benchmarks/ab_step.py 3a3d7e5 951b05e --pairs 6    # issue 11 merged on issue 10

Each commit is checked out once (a detached `git worktree` under /tmp/laborsim-ab/) and run in
fresh child processes pinned to one core, alternating A, B, A, B, ... Each child builds the
2020 baseline at N workers, takes one month to load the compiled kernels, then times the
remaining months. The time is the process's CPU time (user + system), not wall time: on this
shared 2-core machine a process waits for the CPU for seconds at a time, and CPU time does
not count the wait, so the ratio is far less noisy than one of wall times. The printed
ratio B / A is the median of the pairwise ratios, with their range.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TREES = Path("/tmp/laborsim-ab")

#: A child's start: the checkout of argv[1] imported (not the editable install), the 2020 baseline
#: built at argv[2] workers for argv[3] months and one month stepped (the kernels loaded)
CHILD_SETUP = r"""
import json, sys, time
tree, n, months = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sys.meta_path = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path.insert(0, tree)
import sim
assert sim.__file__.startswith(tree), sim.__file__
from sim import load_scenario
from sim.runner import build_model
sc = load_scenario("baseline_2020", {"population": {"people_per_agent": 344604 / n}, "calendar": {"months": months}})
m = build_model(sc, 1, "arrays")
m.step()
"""

CHILD = CHILD_SETUP + r"""
c0, w0 = time.process_time(), time.perf_counter()
m.run()
cpu, wall = time.process_time() - c0, time.perf_counter() - w0
steps = m.n_workers * (months - 1)
print(json.dumps({"n": m.n_workers, "cpu_ns": cpu / steps * 1e9, "wall_ns": wall / steps * 1e9}))
"""


def tree(rev: str) -> Path:
    """A detached checkout of `rev` (created once)."""
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", rev], capture_output=True, text=True, check=True)
    path = TREES / sha.stdout.strip()[:12]
    if not path.exists():
        TREES.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(path), rev], check=True)
        (path / "laborsim_scenarios").symlink_to(path / "scenarios")  # what setup.py installs under that name
    return path


def child(path: Path, n: int, months: int, code: str = CHILD, *extra: str) -> dict:
    """One timed child process (`code`, default this script's CHILD) on core 0; its last line, parsed."""
    env = os.environ | {"OMP_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    cmd = ["taskset", "-c", "0", sys.executable, "-c", code, str(path), str(n), str(months), *extra]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=path)
    if out.returncode:
        raise SystemExit(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--months", type=int, default=24)
    a = ap.parse_args()
    pa, pb = tree(a.a), tree(a.b)
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"load average before: {os.getloadavg()}")
    child(pa, 20_000, 3), child(pb, 20_000, 3)  # compile both trees' kernels into their caches
    ra, rb = [], []
    for i in range(a.pairs):
        ra.append(child(pa, a.n, a.months))
        rb.append(child(pb, a.n, a.months))
        print(
            f"pair {i + 1}: A {ra[-1]['cpu_ns']:.1f} ns (wall {ra[-1]['wall_ns']:.1f}),"
            f" B {rb[-1]['cpu_ns']:.1f} ns (wall {rb[-1]['wall_ns']:.1f}) per worker-step",
            flush=True,
        )
    ratios = [b["cpu_ns"] / x["cpu_ns"] for x, b in zip(ra, rb, strict=True)]
    med = statistics.median
    print(f"load average after: {os.getloadavg()}")
    print(
        f"A {a.a}: {med(r['cpu_ns'] for r in ra):.1f} ns, B {a.b}: {med(r['cpu_ns'] for r in rb):.1f} ns"
        f" CPU per worker-step at {ra[0]['n']:,} x {a.months}; B / A = {med(ratios):.3f}"
        f" (pairs {min(ratios):.3f}-{max(ratios):.3f})"
    )


if __name__ == "__main__":
    main()
