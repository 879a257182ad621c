"""What `laborsim compare` prints: parameters that differ, and the table of paired differences."""

import math

import pandas as pd

from sim.experiments.commands import compare_text
from sim.experiments.compare import parameter_differences


def test_documentation_is_not_a_parameter_that_differs():
    base = {"name": "a", "description": "one", "policies": {"liaison": {"staff": 0, "source": "x", "name_zh": "甲"}}}
    other = {"name": "b", "description": "two", "policies": {"liaison": {"staff": 60, "source": "y", "name_zh": "乙"}}}
    assert parameter_differences(base, other)["parameter"].tolist() == ["policies.liaison.staff"]


def _row(metric, base, scen, n, gain):
    diff = {"diff_mean": scen - base, "diff_lo95": scen - base - 1, "diff_hi95": scen - base + 1}
    return {"scenario": "s", "metric": metric, "baseline_mean": base, "scenario_mean": scen, **diff, "n_pairs": n,
            "variance_reduction": gain}  # fmt: skip


def test_compare_table_has_no_nan_rows_nor_infinite_gains():
    """A 12-month run has no 12-month retention (every seed NaN) and a cost may not vary
    between seeds: the table said 'nan ... [nan, nan] xinf'; now it says why."""
    summary = pd.DataFrame(
        [
            _row("retention_ningbo_6m", 0.79, 0.81, 3, 84.0),
            _row("cost_total_yuan", 1e6, 2e6, 3, math.inf),
            _row("retention_ningbo_12m", math.nan, math.nan, 0, math.nan),
        ]
    )
    text = compare_text(summary)
    assert "nan" not in text and "inf" not in text, text
    assert "x84.0" in text and "not defined for runs this short (no seed has a value): retention_ningbo_12m" in text
    assert "pairing gain n/a: the paired difference is the same in every seed" in text
