"""Intervals a reviewer accepts: ratio of means, shares inside [0, 1], band names, Sobol warnings."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.budget.tables import value_summary
from sim.experiments.bands import cumulative_bands, metric_ci
from sim.experiments.intervals import fieller, logit_interval, ratio_of_means, sobol_table, wilson


def test_ratio_of_means_keeps_the_seed_that_bought_nothing():
    # hand-computed: mean cost 100, mean gain (2 + 0 + 4) / 3 = 2 -> 50 yuan per unit;
    # averaging per-seed ratios and dropping the 0-gain seed gives (50 + 25) / 2 = 37.5
    r = ratio_of_means([100.0, 100.0, 100.0], [2.0, 0.0, 4.0])
    assert r["ratio"] == pytest.approx(50.0)
    assert r["n"] == 3


def test_fieller_with_a_constant_gain_is_the_t_interval_of_the_cost():
    # hand-computed: mean 5, sd^2 = 20/3, n = 4, t(0.975, 3) = 3.182446
    # half-width = 3.182446 * sqrt(20/3/4) = 4.108521 -> [0.891479, 9.108521]
    lo, hi, bounded = fieller([2.0, 4.0, 6.0, 8.0], [1.0, 1.0, 1.0, 1.0])
    assert bounded
    assert lo == pytest.approx(0.891479, abs=1e-5)
    assert hi == pytest.approx(9.108521, abs=1e-5)


def test_ratio_of_means_bootstrap_holds_the_ratio_and_is_reproducible():
    rng = np.random.default_rng(1)
    gain = rng.normal(10, 2, 20)
    cost = 500 * gain + rng.normal(0, 300, 20)
    a, b = ratio_of_means(cost, gain, seed=3), ratio_of_means(cost, gain, seed=3)
    assert a == b
    assert a["lo95"] < a["ratio"] < a["hi95"]
    assert not a["gain_includes_zero"]
    assert a["fieller_lo95"] < a["ratio"] < a["fieller_hi95"]


def test_gain_interval_including_zero_makes_the_ratio_unbounded():
    r = ratio_of_means([100.0, 120.0, 90.0, 110.0], [2.0, -1.0, 0.0, 1.0])
    assert r["gain_includes_zero"]
    assert r["lo95"] == -math.inf and r["hi95"] == math.inf
    assert "unbounded" in r["note"]


def test_value_summary_reports_cost_per_extra_worker_month_as_a_ratio_of_means():
    per_seed = pd.DataFrame(
        {
            "seed": [1, 2, 3],
            "cost_yuan": [150.0, 130.0, 120.0],
            "baseline_cost_yuan": [50.0, 30.0, 20.0],
            "extra_worker_months": [2.0, 0.0, 4.0],
            "incremental_cost_per_extra_worker_month": [50.0, float("nan"), 25.0],
        }
    )
    v = value_summary(per_seed).set_index("metric")
    assert v.loc["incremental_cost_per_extra_worker_month", "mean"] == pytest.approx(50.0)
    assert "ratio of means" in v.loc["incremental_cost_per_extra_worker_month", "interval"]


@pytest.mark.parametrize(
    "shares",
    [[0.52, 0.99, 0.75, 0.98], [0.3, 0.99], [1.0, 1.0, 0.98], [0.0, 0.01, 0.0], [0.5, 0.5, 0.5]],
)
def test_share_intervals_stay_inside_0_1(shares):
    m, lo, hi = logit_interval(shares)
    assert 0.0 <= lo <= m <= hi <= 1.0
    m2, lo2, hi2 = metric_ci("retention_ningbo_6m", shares)
    assert 0.0 <= lo2 <= hi2 <= 1.0


def test_share_interval_of_shares_near_one_holds_the_seeds():
    """Two seeds at 0.907 and 0.840 (a budget run's deadweight): the interval is the
    logit-scale t interval of the seeds as they are, not of the seeds cut down to
    1 - 1/(2n+2) = 0.833 (which gave [0.833, 0.874], leaving out both seeds)."""
    x = np.array([0.907, 0.840])
    m, lo, hi = logit_interval(x)
    z = np.log(x / (1 - x))
    half = stats.t.ppf(0.975, 1) * z.std(ddof=1) / np.sqrt(2)
    assert lo == pytest.approx(1 / (1 + np.exp(-(z.mean() - half))))
    assert hi == pytest.approx(1 / (1 + np.exp(-(z.mean() + half))))
    assert lo < 0.840 < 0.907 < hi


def test_a_count_metric_keeps_the_student_t_interval():
    m, lo, hi = metric_ci("return_home_total", [0.52, 0.99, 0.75, 0.98])
    assert hi > 1.0  # the same numbers as a count: no [0, 1] bound applies


def test_wilson_hand_computed():
    # Wilson score interval for 8 of 10, z = 1.959964: (0.4902, 0.9433)
    lo, hi = wilson(8, 10)
    assert lo == pytest.approx(0.4902, abs=1e-4)
    assert hi == pytest.approx(0.9433, abs=1e-4)
    assert wilson(10, 10)[1] == pytest.approx(1.0) and wilson(10, 10)[1] <= 1.0
    assert wilson(0, 10)[0] == pytest.approx(0.0) and wilson(0, 10)[0] >= 0.0


def test_cumulative_band_is_a_quantile_of_running_totals_not_a_sum_of_quantiles():
    # two replicates: one spends 10 in month 1, the other 10 in month 2; each total is 10
    reps = [
        {"budget": pd.DataFrame({"month": ["2020-01"], "yuan": [10.0]})},
        {"budget": pd.DataFrame({"month": ["2020-02"], "yuan": [10.0]})},
    ]
    b = cumulative_bands(reps, ["2020-01", "2020-02"]).set_index("month")
    assert b.loc["2020-02", "q05"] == pytest.approx(10.0)
    assert b.loc["2020-02", "q95"] == pytest.approx(10.0)
    # the sum of monthly 5% quantiles would say 0.5 + 0.5 = 1.0 yuan


def test_sobol_table_has_intervals_and_warns_on_a_small_sample():
    si = {"S1": np.array([1.065, 0.1]), "S1_conf": np.array([0.4, 0.05]), "ST": np.array([1.1, 0.2]),
          "ST_conf": np.array([0.3, 0.1])}  # fmt: skip
    t, warning = sobol_table(["a", "b"], si, n_base=8)
    assert {"S1_lo95", "S1_hi95", "ST_lo95", "ST_hi95"} <= set(t.columns)
    assert t.loc[0, "S1_lo95"] == pytest.approx(0.665)
    assert "sample too small" in warning and "outside [0, 1]" in warning
    si_ok = {"S1": np.array([0.5, 0.1]), "S1_conf": np.array([0.02, 0.01]), "ST": np.array([0.6, 0.2]),
             "ST_conf": np.array([0.03, 0.02])}  # fmt: skip
    assert sobol_table(["a", "b"], si_ok, n_base=1024)[1] == ""


def test_value_summary_keeps_share_intervals_inside_0_1():
    # 4 replicates spread like the issue's `0.810 [0.525, 1.096]`: a t interval leaves [0, 1]
    per_seed = pd.DataFrame({"seed": [1, 2, 3, 4], "retention_ningbo_6m_poor": [0.52, 0.99, 0.75, 0.98]})
    v = value_summary(per_seed).set_index("metric").loc["retention_ningbo_6m_poor"]
    assert 0.0 <= v["lo95"] <= v["mean"] <= v["hi95"] <= 1.0
    assert "logit" in v["interval"]


def test_the_terminal_says_why_a_ratio_is_unbounded():
    """The budget's terminal summary prints a value row's note (the CSV had it, the terminal did not)."""
    from sim.budget.commands import budget_text

    note = "the gain's 95% interval includes zero: the ratio is unbounded"
    tables = {
        "own_cost_by_payer": pd.DataFrame(columns=["year", "payer", "mean", "lo95", "hi95"]),
        "cost_by_payer": pd.DataFrame(columns=["year", "payer", "mean", "q05", "q95"]),
        "caps": pd.DataFrame(columns=["policy", "bound_month", "turned_away"]),
        "value_summary": pd.DataFrame(
            {
                "metric": ["incremental_cost_per_extra_worker_month", "deadweight_share"],
                "mean": [8522.3, 0.874],
                "lo95": [-math.inf, 0.5],
                "hi95": [math.inf, 0.99],
                "interval": ["ratio of means", "logit"],
                "note": [note, ""],
            }
        ),
    }
    text = budget_text(tables, None)
    assert f"({note})" in text and "8,522  [-inf, inf]" in text and "0.874  [0.500, 0.990]" in text


def _twins(policy_yuan: list[dict], twin_yuan: list[dict]) -> list[dict]:
    """Twin pairs whose budgets pay `yuan` per (payer) in 2020-01, one dict per seed."""
    from types import SimpleNamespace

    def run(paid: dict):
        row = {"month": "2020-01", "policy": "subsidy", "payments": 1}
        rows = [{**row, "payer": k, "yuan": v} for k, v in paid.items()]
        return SimpleNamespace(tables={"budget": pd.DataFrame(rows)})

    return [{"policy": run(p), "baseline": run(b)} for p, b in zip(policy_yuan, twin_yuan, strict=True)]


def test_money_paid_has_no_interval_below_zero():
    """Three seeds paying 0, 0 and 1M: the t interval of the mean reaches below 0, which
    money paid cannot (a planner read '-2.6M' in the brief); a difference may."""
    from sim.budget.tables import own_cost_bands

    own = own_cost_bands(_twins([{"ningbo": 0.0}, {"ningbo": 0.0}, {"ningbo": 1e6}], [{}, {}, {}]), ["year", "payer"])
    assert own["lo95"].iloc[0] == 0.0 and own["hi95"].iloc[0] > 1e6
    paid_by_both = _twins([{"ningbo": 0.0}, {"ningbo": 0.0}, {"ningbo": 1e6}], [{"ningbo": 5e5}] * 3)
    assert own_cost_bands(paid_by_both, ["year", "payer"])["lo95"].iloc[0] < 0  # a difference: not clipped
    per_seed = pd.DataFrame({"seed": [1, 2, 3], "cost_yuan": [0.0, 0.0, 1e6], "own_cost_yuan": [-1e6, 0.0, 1e6]})
    v = value_summary(per_seed).set_index("metric")
    assert v.loc["cost_yuan", "lo95"] == 0.0 and "clipped at 0" in v.loc["cost_yuan", "interval"]
    assert v.loc["own_cost_yuan", "lo95"] < 0


def test_first_year_cost_interval_is_the_years_not_a_sum_of_the_payers():
    """Two payers whose costs offset seed by seed: the year's total is the same in every
    seed (interval of zero width); adding the payers' intervals gave a wide one."""
    from sim.budget.commands import headline
    from sim.budget.tables import own_cost_bands

    twins = _twins([{"ningbo": 1e6, "county": 3e6}, {"ningbo": 3e6, "county": 1e6}], [{}, {}])
    tables = {
        "own_cost_by_year": own_cost_bands(twins, ["year"]),
        "own_cost_by_payer": own_cost_bands(twins, ["year", "payer"]),
        "value_summary": pd.DataFrame(
            {"metric": ["own_cost_yuan", "cost_yuan"], "mean": [4e6, 4e6], "lo95": [4e6, 4e6], "hi95": [4e6, 4e6]}
        ),  # fmt: skip
    }
    cost, _ = headline(tables, 2020)
    assert cost[0][2:5] == pytest.approx((4e6, 4e6, 4e6))


def test_a_budget_no_lever_value_fits_says_the_least_cost_found():
    """'No lever value fits' alone left a planner guessing: the answer names the lever,
    the least mean cost found, at which value, and that the cost is the whole program's."""
    from sim.budget.brief import goal_text

    path = [{"lever_value": 40000.0, "cost_mean_yuan": 5.4e7}, {"lever_value": 312.5, "cost_mean_yuan": 3.56e7}]
    goal = {"lever": "subsidy.total_yuan", "budget_yuan": 5e6, "metric": "m", "best": None, "path": path}
    text = goal_text(goal, "en")
    assert "35,600,000 yuan, at subsidy.total_yuan = 312.5" in text and "whole program" in text
    assert "35,600,000" in goal_text(goal, "zh")
