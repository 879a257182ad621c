"""Invariants checked every month of a run."""

import numpy as np
import pytest

from sim import load_scenario
from sim.engines import ENGINES
from sim.runner import collect
from sim.states import FESTIVAL, JOB, PLACE_LABELS, SEEKING
from sim.table import column


def checked(engine: str):
    """The engine's model class, checking the invariants after every step."""

    class Checked(ENGINES[engine]):
        def step(self):
            super().step()
            check_month(self)

    return Checked


def check_month(m) -> None:
    t = m.table
    places = t["place"]
    # every worker is in exactly one valid place; counts add up
    assert places.min() >= 0 and places.max() < len(PLACE_LABELS)
    rows = m.recorder.rows[-2 * len(m.world.county_names) :]
    stocks = sum(r[p] for r in rows for p in PLACE_LABELS)
    assert stocks == pytest.approx(m.n_workers * m.scale)
    # no negative stock or flow
    assert all(v >= 0 for r in rows for k, v in r.items() if isinstance(v, float))
    # job holders hold a slot; firms never over-filled or negative
    has = t["firm"] >= 0
    assert np.array_equal(has, (places == JOB) | ((places == FESTIVAL) & (t["festival_from"] == JOB)))
    held = np.bincount(t["firm"][has], minlength=len(m.employers))
    for e in m.employers:
        assert 0 <= e.filled and 0 <= e.love_filled <= e.love_slots
        assert e.filled + e.love_filled == held[e.index]
    # love jobs only for registered-poor workers, in a job; spells open exactly for workers in Ningbo
    love = column(t, "love_job")
    assert np.all(t["poor"][love]) and np.all(has[love])
    assert np.all(has[column(t, "leader")]), "a team leader without a job (the leaders' count relies on it)"
    in_ningbo = (places == JOB) | (places == SEEKING) | ((places == FESTIVAL) & (t["festival_from"] == JOB))
    assert np.all(in_ningbo[t["spell"] >= 0])
    # ledger total equals the sum of its entries; caps never exceeded
    t = m.ledger.table(m.world.county_names, m.labels)
    assert t["yuan"].sum() == pytest.approx(m.ledger.total_yuan)
    for p in m.policies.values():
        if p.budget.cap is not None:
            assert all(v <= p.budget.cap + 1e-6 for v in p.budget.spent.values())


@pytest.mark.parametrize("engine", ["agents", "arrays"])
def test_invariants_hold_every_month_with_a_binding_cap(write_scenario, engine):
    path = write_scenario(
        {
            "population": {"people_per_agent": 100},
            "calendar": {"months": 26},
            "policies": {"cixi_subsidy": {"budget_cap_yuan": 3_000_000}, "liaison": {"budget_cap_yuan": 1_000_000}},
        }
    )
    m = checked(engine)(load_scenario(path), seed=3)
    m.run()
    cap = m.policies["cixi_subsidy"].budget
    assert cap.bound_step is not None and cap.turned_away > 0  # the cap did bind inside the run
    res = collect(m, 0.0)
    ret = res.tables["retention"]
    for _, g in ret.groupby(["cohort", "group", "measure"]):
        s = g.sort_values("month")["survival"].to_numpy()
        assert np.all(np.diff(s) <= 1e-12) and s.min() >= 0 and s.max() <= 1
        assert np.all(g["lo"] <= g["survival"] + 1e-12) and np.all(g["survival"] <= g["hi"] + 1e-12)
