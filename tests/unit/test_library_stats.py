"""Statistics come from scipy, not hand-written tables."""

import numpy as np
import pytest
from scipy import stats

from sim.experiments.bands import mean_ci, t975
from sim.experiments.sweep import SweepSpec, design_points


@pytest.mark.parametrize("df", [1, 2, 5, 29, 30, 31, 35, 60, 200])
def test_t_quantile_is_exact(df):
    assert t975(df) == pytest.approx(stats.t.ppf(0.975, df), abs=1e-9)


def test_mean_ci_matches_scipy_interval():
    x = np.array([0.61, 0.70, 0.64, 0.72, 0.58, 0.66, 0.69, 0.63, 0.71, 0.60] * 4)
    m, lo, hi = mean_ci(x)
    want = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert (lo, hi) == pytest.approx(want, abs=1e-12)


def test_lhs_design_is_scipy_latin_hypercube_in_bounds():
    spec = SweepSpec.model_validate(
        {
            "name": "t",
            "scenario": "teaching_small",
            "design": "lhs",
            "samples": 10,
            "seed": 4,
            "parameters": {"a": {"low": 0, "high": 200}, "b": {"low": 0.5, "high": 1.0}},
        }
    )
    X, _ = design_points(spec)
    assert X.shape == (10, 2)
    assert (X[:, 0] >= 0).all() and (X[:, 0] <= 200).all() and (X[:, 1] >= 0.5).all() and (X[:, 1] <= 1).all()
    # one point in each of the 10 equal strata of every parameter
    for j, (lo, hi) in enumerate([(0, 200), (0.5, 1.0)]):
        strata = np.floor((X[:, j] - lo) / (hi - lo) * 10).astype(int)
        assert sorted(strata) == list(range(10))
    assert np.array_equal(X, design_points(spec)[0])  # same seed, same design
