"""Print the calibration targets beside the model, over several seeds, as a
Markdown table (used for scenarios/README.md).

    .venv/bin/python scripts/baseline_targets.py [SCENARIO] [N_SEEDS]
"""

from __future__ import annotations

import argparse

import numpy as np

from sim import load_scenario, run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default="baseline_2020")
    ap.add_argument("n_seeds", nargs="?", type=int, default=5)
    a = ap.parse_args()
    name, n = a.scenario, a.n_seeds
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
    print()
    for label, fn in (
        ("T8 job changes in 7 months (all employed, 2021)", _job_change_7m),
        ("T8 mean job spell, years (2021)", _mean_spell_years),
        ("T9 Ningbo wage / local non-farm wage (2020)", _wage_ratio),
    ):
        vals = [fn(r, sc) for r in runs]
        print(f"{label}: mean {np.mean(vals):.3f}, range {min(vals):.3f} .. {max(vals):.3f}")
    print(
        f"\nwall time per run: median {np.median([r.wall_seconds for r in runs]):.1f} s "
        f"({runs[0].n_agents:,} agents, {len(runs[0].months)} months, engine {runs[0].engine})"
    )


def _year(r, year: str):
    mo = r.tables["monthly"]
    return mo[mo["month"].str.startswith(year)].groupby("month")[["job_changes", "quits", "ningbo_job"]].sum()


def _job_change_7m(r, sc) -> float:
    """Share of employed workers changing job within 7 months, from the monthly rate (T8)."""
    y = _year(r, "2021")
    return float(1 - (1 - (y["job_changes"] / y["ningbo_job"]).mean()) ** 7)


def _mean_spell_years(r, sc) -> float:
    """Mean job spell = jobs held / quits a month, in years (T8)."""
    y = _year(r, "2021")
    return float((y["ningbo_job"] / y["quits"]).mean() / 12)


def _wage_ratio(r, sc) -> float:
    """Mean Ningbo wage (jobs-weighted) over the mean local non-farm wage (T9's marginal worker)."""
    m = r.tables["market"]
    m = m[m["month"].str.startswith("2020")]
    wage = (m["wage_yuan_month"] * m["jobs"]).sum() / m["jobs"].sum()
    local = np.mean([c.local_wage_yuan_month for c in sc.places.counties.values()])
    return float(wage / local)


if __name__ == "__main__":
    main()
