"""Print the calibration targets beside the model, over several seeds, as a
Markdown table (used for scenarios/README.md).

    .venv/bin/python scripts/baseline_targets.py [SCENARIO] [N_SEEDS]
"""

from __future__ import annotations

import sys

import numpy as np

from sim import load_scenario, run


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "baseline_2020"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    sc = load_scenario(name)
    runs = [run(sc, seed=s) for s in range(n)]
    print(f"| id | metric | target | tolerance | model, mean of seeds 0-{n - 1} | range | met (seeds) |")
    print("|---|---|---|---|---|---|---|")
    for i, row in runs[0].targets.iterrows():
        vals = [r.targets.loc[i, "model"] for r in runs]
        met = sum(bool(r.targets.loc[i, "met"]) for r in runs)
        if isinstance(vals[0], str):
            mean, rng = "", f"{min(vals)} .. {max(vals)}"
        else:
            fmt = "{:,.0f}" if abs(vals[0]) > 10 else "{:.3f}"
            mean, rng = fmt.format(np.mean(vals)), f"{fmt.format(min(vals))} .. {fmt.format(max(vals))}"
        print(f"| {row.id} | {row.metric} | {row.target} | {row.tolerance} | {mean} | {rng} | {met}/{n} |")
    print(
        f"\nwall time per run: median {np.median([r.wall_seconds for r in runs]):.1f} s "
        f"({runs[0].n_agents:,} agents, {len(runs[0].months)} months, engine {runs[0].engine})"
    )


if __name__ == "__main__":
    main()
