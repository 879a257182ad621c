"""The arrays engine is statistically equal to the Mesa agents engine.

For each scenario, 5 seeds per engine. Compared: pooled totals over the run of
monthly stocks and flows, and Kaplan-Meier retention (in Ningbo, and in the first
job) at 1, 3, 6 and 12 months. A metric passes when the two engine means differ
by at most 3 standard errors of the difference (SE from the seed-to-seed spread
of each engine). Why 3 and not 2: about 20 metrics are compared per scenario;
3 SE keeps the family-wise false-alarm rate near 5% (Bonferroni: 20 x 0.27%).
A floor of 0.5% of the mean stops a zero-variance metric from failing on
rounding. Changing one engine's rule alone (quit hazard x1.3 in `arrays` only)
makes this test fail.
"""

import numpy as np
import pandas as pd
import pytest

from sim import load_scenario, run
from sim.metrics.retention import survival_at

SEEDS = range(5)
STOCKS = ["home", "local_job", "ningbo_seeking", "ningbo_job", "prd", "festival_visit", "stable_employed"]
FLOWS = ["departures", "arrivals_ningbo", "hires", "quits", "job_changes", "return_home", "festival_back"]


def outcomes(res) -> dict[str, float]:
    """The compared metrics of one run."""
    m = res.tables["monthly"]
    out = {c: float(m[c].sum()) for c in STOCKS + FLOWS}
    ret = res.tables["retention"]
    for measure in ("ningbo", "first_job"):
        for k in (1, 3, 6, 12):
            v = survival_at(ret, k, measure=measure)
            if np.isfinite(v):
                out[f"{measure}_{k}m"] = v
    return out


def compare(scenario, seeds=SEEDS, engines=("agents", "arrays")) -> pd.DataFrame:
    """One row per metric: means per engine, difference, its SE and whether it passes."""
    per = {e: pd.DataFrame([outcomes(run(scenario, seed=s, engine=e)) for s in seeds]) for e in engines}
    a, b = per[engines[0]], per[engines[1]]
    n = len(seeds)
    se = np.sqrt(a.var(ddof=1) / n + b.var(ddof=1) / n)
    diff = b.mean() - a.mean()
    tol = np.maximum(3 * se, 0.005 * a.mean().abs())
    return pd.DataFrame({"agents": a.mean(), "arrays": b.mean(), "diff": diff, "se": se, "ok": diff.abs() <= tol})


@pytest.mark.parametrize("people_per_agent,months", [(250, 12), (50, 14)], ids=["teaching_small", "mid_size"])
def test_engines_agree(people_per_agent, months):
    sc = load_scenario(
        "teaching_small", {"population": {"people_per_agent": people_per_agent}, "calendar": {"months": months}}
    )
    table = compare(sc)
    bad = table[~table["ok"]]
    assert bad.empty, f"engines differ:\n{bad}"
    assert len(table) >= 20
