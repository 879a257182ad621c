"""Where the memory of a big arrays run peaks: per phase of the month, the peak of
numpy's and Python's allocations (tracemalloc) above what the model holds at rest.

    .venv/bin/python benchmarks/memory_phases.py [--workers 1000000] [--months 24]

Prints, per phase, the highest peak over the months (bytes per worker above the
memory held before the model was built) and the month it happened in; then what
the model holds at the end (table, spell log, policy state, the rest).
"""

from __future__ import annotations

import argparse
import tracemalloc

from sim import load_scenario
from sim.runner import build_model

PHASES = (
    "open_month",
    "calendar_phase",
    "policy_phase",
    "employer_phase",
    "broker_phase",
    "decide_phase",
    "match_phase",
    "record_phase",
    "visit_decide",
    "travel",
    "arrive",
    "_greet",
    "view",
    "hire",
    "flow",
    "apply_effects",
    "_match_rounds",
    "seekers_in_order",
    "train_first_hires",
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=1_000_000)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--rss", action="store_true", help="which phases raise the resident high-water mark")
    a = ap.parse_args()
    sc = load_scenario(
        "baseline_2020",
        {"population": {"people_per_agent": 344604 / a.workers}, "calendar": {"months": a.months}},
    )
    if a.rss:
        return rss_phases(sc)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    m = build_model(sc, 1, "arrays")
    n = m.n_workers
    build_peak = tracemalloc.get_traced_memory()[1] - base
    print(
        f"{n:,} workers; build peak {build_peak / n:.1f} B/worker, held after build "
        f"{(tracemalloc.get_traced_memory()[0] - base) / n:.1f}"
    )
    worst: dict[str, tuple[float, int, float]] = {}
    stack: list[list[float]] = []  # running peak of each phase entered and not yet left

    def lift() -> None:  # phases in progress saw the peak since the last reset
        peak = tracemalloc.get_traced_memory()[1]
        for f in stack:
            f[0] = max(f[0], peak)

    for name in PHASES:
        orig = getattr(m, name)

        def wrapped(*args, _orig=orig, _name=name, **kw):
            lift()
            before = tracemalloc.get_traced_memory()[0]
            stack.append([0.0])
            tracemalloc.reset_peak()
            out = _orig(*args, **kw)
            lift()
            peak = stack.pop()[0]
            if peak - base > worst.get(_name, (0, 0, 0))[0] * n:
                worst[_name] = ((peak - base) / n, m.t, (before - base) / n)
            return out

        setattr(m, name, wrapped)
    m.run()
    print(f"{'phase':<16} {'peak B/worker':>13} {'month':>5} {'held before':>11}")
    for name in PHASES:
        p, t, b = worst.get(name, (0, 0, 0))
        print(f"{name:<16} {p:>13.1f} {t:>5} {b:>11.1f}")
    held = (tracemalloc.get_traced_memory()[0] - base) / n
    print(
        f"held at the end: {held:.1f} B/worker: table {m.table.nbytes / n:.1f}, spell log "
        f"{m.spells.rows.nbytes / n:.1f} ({m.spells.n / n:.2f} spells per worker)"
    )
    snap = tracemalloc.take_snapshot()
    for st in snap.statistics("lineno")[:30]:
        print(f"  {st.size / n:6.1f} B/worker  {st.traceback}")


def hwm() -> int:
    """Peak resident set size of this process so far (bytes)."""
    with open("/proc/self/status") as f:
        return next(int(ln.split()[1]) * 1024 for ln in f if ln.startswith("VmHWM"))


def rss_phases(sc) -> None:
    """Per phase, how much it raised the resident high-water mark over the run (B/worker)
    and the last month it did; the base is the resident size before the build."""
    import gc

    warm = build_model(load_scenario("teaching_small", {"calendar": {"months": 2}}), 1, "arrays")
    warm.run()
    del warm
    gc.collect()
    with open("/proc/self/statm") as f:
        base = int(f.read().split()[1]) * 4096
    m = build_model(sc, 1, "arrays")
    n = m.n_workers
    print(f"{n:,} workers; high-water mark after build {(hwm() - base) / n:.1f} B/worker above the base")
    raised: dict[str, list] = {}
    for name in PHASES:
        orig = getattr(m, name)

        def wrapped(*args, _orig=orig, _name=name, **kw):
            h0 = hwm()
            out = _orig(*args, **kw)
            r = raised.setdefault(_name, [0, -1])
            if hwm() > h0:
                r[0] += hwm() - h0
                r[1] = m.t
            return out

        setattr(m, name, wrapped)
    m.run()
    print(f"{'phase':<18} {'raised B/worker':>15} {'last month':>10}")
    for name, (b, t) in raised.items():
        print(f"{name:<18} {b / n:>15.1f} {t:>10}")
    print(f"high-water mark: {(hwm() - base) / n:.1f} B/worker above the base")


if __name__ == "__main__":
    main()
