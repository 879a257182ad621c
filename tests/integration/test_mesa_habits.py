"""The engine models fit Mesa's habits: `rng=`, a DataCollector, `mesa.batch_run`."""

import mesa
import pytest

from sim import load_scenario
from sim.engines import ENGINES


@pytest.mark.parametrize("engine", ["agents", "arrays"])
def test_batch_run_gives_different_runs_per_seed(engine):
    sc = load_scenario("teaching_small", {"calendar": {"months": 6}})
    rows = mesa.batch_run(
        ENGINES[engine], parameters={"scenario": [sc]}, rng=[1, 2, 3], display_progress=False, max_steps=100
    )
    assert len(rows) == 3
    assert all(r["Step"] == 6 for r in rows)  # ran every month of the scenario, then stopped
    jobs = [r["ningbo_job"] for r in rows]
    assert len(set(jobs)) > 1, jobs  # different seeds, different runs
    again = mesa.batch_run(ENGINES[engine], parameters={"scenario": [sc]}, rng=[1], display_progress=False)
    assert again[0]["ningbo_job"] == jobs[0]  # the same seed, the same run


def test_datacollector_has_one_row_per_month():
    m = ENGINES["agents"](load_scenario("teaching_small", {"calendar": {"months": 4}}), rng=5)
    assert m.seed == 5
    m.run()
    df = m.datacollector.get_model_vars_dataframe()
    assert len(df) == 4 and {"ningbo_job", "home", "cost_yuan"} <= set(df.columns)
    assert df["cost_yuan"].is_monotonic_increasing
