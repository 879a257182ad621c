"""The no-lockdown twin of T6, forked from the run at its first lockdown month
(`sim.metrics.targets.forked_twin`), equals the twin built and run from the first month:
same monthly table, so the same T6 metrics, in `sim.runner.run` and in `collect`."""

from __future__ import annotations

import pandas as pd
import pytest

from sim import load_scenario
from sim.metrics.targets import fork_step, forked_twin, no_lockdown_twin, scoring_plan, twin_plan
from sim.runner import build_model, collect, run

T6 = (
    "poor_departures_vs_no_lockdown_feb_2020",
    "poor_away_vs_no_lockdown_apr_2020",
    "poor_away_vs_no_lockdown_jul_2020",
)


def _scenario():
    return load_scenario("baseline_2020", {"population": {"people_per_agent": 40}, "calendar": {"months": 9}})


@pytest.mark.parametrize("engine", ["arrays", "agents"])
def test_a_forked_twin_equals_a_twin_run_from_the_first_month(engine):
    sc = _scenario()
    model = build_model(sc, 3, engine)
    months = twin_plan(model, scoring_plan(sc.scoring, model.labels)[1])[2]
    assert months == 7 and fork_step(model, months) == 1  # Jul 2020; the lockdown starts in Feb 2020
    model.step()
    twin = forked_twin(model, months)
    twin.run()
    model.run()  # the run goes on with its lockdown, untouched by the twin
    names = model.world.county_names
    rebuilt = build_model(no_lockdown_twin(sc, months), 3, engine)
    rebuilt.run()
    pd.testing.assert_frame_equal(twin.recorder.table(names), rebuilt.recorder.table(names))
    alone = build_model(sc, 3, engine)
    alone.run()
    pd.testing.assert_frame_equal(model.recorder.table(names), alone.recorder.table(names))


@pytest.mark.parametrize("engine", ["arrays", "agents"])
def test_run_scores_t6_as_collect_does_without_the_fork(engine):
    sc = _scenario()
    forked = run(sc, 3, engine).metrics
    model = build_model(sc, 3, engine)
    model.run()
    plain = collect(model, 0.0).metrics
    assert all(forked[k] == plain[k] for k in T6), {k: (forked[k], plain[k]) for k in T6}


@pytest.mark.parametrize("engine", ["arrays", "agents"])
def test_the_twins_time_is_reported_apart_from_the_runs(engine):
    """The twin's build and months are simulation, reported as twin_seconds (and kept out
    of wall_seconds) on both engines; a run its targets need no twin for reports 0."""
    res = run(_scenario(), 3, engine)
    assert res.twin_seconds > 0 and res.wall_seconds > 0
    short = load_scenario("baseline_2020", {"population": {"people_per_agent": 40}, "calendar": {"months": 1}})
    assert run(short, 3, engine).twin_seconds == 0.0
