"""Subsidies people respond to, paid as programs write the rule (issue 10, items 1-2)."""

import numpy as np
import pandas as pd
import pytest

from sim import load_scenario, run
from sim.metrics.budget import people_paid
from sim.runner import build_model
from tests.conftest import policies_off

OFF = policies_off()  # every policy of teaching_small off but the program levers
EVERYONE = {"poor_only": False, "counties": [], "districts": []}


def scenario(write_scenario, name, subsidy=None, months=14, per_agent=40, both=False, **extra):
    """Teaching world, every policy off, one subsidy for everyone employed (unless told;
    `both`: a second identical subsidy `s2`)."""
    pol = dict(OFF)
    if subsidy is not None:
        pol["s"] = {
            "type": "subsidy",
            "eligibility": EVERYONE,
            "cohort": "all_employed",
            "program_firms_only": False,
            "waiting_months": 1,
            **subsidy,
        }
        if both:
            pol["s2"] = pol["s"]
    data = {"population": {"people_per_agent": per_agent}, "calendar": {"months": months}, "policies": pol, **extra}
    return load_scenario(write_scenario(data, name=name))


def quits(res) -> float:
    """Quits per worker-month in a Ningbo job (more money also draws more people in)."""
    m = res.tables["monthly"]
    return float(m["quits"].sum() / m["ningbo_job"].sum())


@pytest.mark.parametrize("engine", ["agents", "arrays"])
def test_more_money_and_a_later_last_payment_lower_quits(write_scenario, engine):
    base = [1000.0] * 9
    small = run(scenario(write_scenario, "small", {"schedule_yuan": base}), seed=7, engine=engine)
    big = run(scenario(write_scenario, "big", {"schedule_yuan": [4 * x for x in base]}), seed=7, engine=engine)
    assert quits(big) < 0.9 * quits(small)
    # the same 18,000 yuan, the last payment in month 9 or in month 12
    early = run(scenario(write_scenario, "early", {"schedule_yuan": [2000.0] * 9}), seed=7, engine=engine)
    late = run(scenario(write_scenario, "late", {"schedule_yuan": [1500.0] * 12}), seed=7, engine=engine)
    assert quits(late) < quits(early)


@pytest.mark.parametrize("engine", ["agents", "arrays"])
def test_zero_subsidy_is_no_subsidy_bit_for_bit(write_scenario, engine):
    zero = run(scenario(write_scenario, "zero", {"schedule_yuan": [0.0] * 9}, months=8), seed=3, engine=engine)
    none = run(scenario(write_scenario, "none", None, months=8), seed=3, engine=engine)
    pd.testing.assert_frame_equal(zero.tables["monthly"], none.tables["monthly"], check_exact=True)
    assert zero.tables["budget"].empty
    # every worker's state too, this month's hazard multiplier included
    a = build_model(scenario(write_scenario, "zero_t", {"schedule_yuan": [0.0] * 9}, months=8), 3, engine)
    b = build_model(scenario(write_scenario, "none_t", None, months=8), 3, engine)
    a.run(), b.run()
    assert a.table.tobytes() == b.table.tobytes()


def test_expected_subsidy_draws_workers_to_ningbo(write_scenario):
    """Workers who would qualify weigh the subsidy when they choose where to go."""
    arr = lambda r: float(r.tables["monthly"]["arrivals_ningbo"].sum())  # noqa: E731
    rich = {"schedule_yuan": [4000.0] * 12, "cohort": "new_hires"}
    with_s = run(scenario(write_scenario, "with", rich, months=6), seed=5, engine="arrays")
    without = run(scenario(write_scenario, "without", None, months=6), seed=5, engine="arrays")
    assert arr(with_s) > 1.03 * arr(without)


def _model(write_scenario, name, subsidy, months=6, both=False):
    return build_model(scenario(write_scenario, name, subsidy, months=months, per_agent=20, both=both), 11, "arrays")


def _run(m):
    m.run()
    return m.ledger.table(m.world.county_names, m.labels)


def test_new_hires_only_leaves_incumbents_unpaid(write_scenario):
    m = _model(write_scenario, "hires", {"schedule_yuan": [500.0] * 12, "cohort": "new_hires"})
    incumbents = np.flatnonzero(m.table["firm"] >= 0)
    _run(m)
    s = m.policies["s"]
    assert s.recipients() > 0
    assert m.ledger.people_paid("s") == s.recipients()
    t = m.table[incumbents]
    still = incumbents[(t["spell"] == -1) & (t["firm"] >= 0)]  # still in the job spell begun before the start
    assert len(still) and (s.state[still, 0] == 0).all()
    m2 = _model(write_scenario, "all", {"schedule_yuan": [500.0] * 12, "cohort": "all_employed"})
    _run(m2)
    assert (m2.policies["s"].state[incumbents, 2] > 0).any()


def test_waiting_period_cadence_and_one_payment_a_month(write_scenario):
    # monthly from month 3: nobody is paid in the first two months of the run (all incumbents count from 0)
    m = _model(write_scenario, "wait", {"schedule_yuan": [100.0] * 6, "waiting_months": 3})
    b = _run(m).groupby("step")["yuan"].sum()
    assert b.index.min() == 2
    # a lump after 7 months: 600 yuan at once, and nothing before
    lump = {"schedule_yuan": [100.0] * 6, "cadence": "lump", "lump_after_months": 7}
    b = _run(_model(write_scenario, "lump", lump, months=9))
    assert b["step"].min() == 6 and (b["yuan"] / b["payments"] == 600.0).all()
    # quarterly: three entries at a time
    m = _model(write_scenario, "quarter", {"schedule_yuan": [100.0] * 6, "cadence": "quarterly"})
    b = _run(m)
    assert b.groupby("step")["yuan"].sum().index.min() == 2 and (b["yuan"] / b["payments"] == 300.0).all()
    # two subsidies for the same people: one payment per person per month, the second waits
    m = _model(write_scenario, "two", {"schedule_yuan": [100.0] * 3}, both=True)
    b = _run(m).groupby(["step", "policy"])["payments"].sum().unstack(fill_value=0.0)
    assert b.loc[0, "s"] > 0 and b.loc[0, "s2"] == 0  # month 1: the first policy pays, the second waits
    assert b.loc[3, "s2"] > 0  # and pays once the first is done
    # both policies paid each person all three entries, never two in one month
    both = np.flatnonzero((m.policies["s"].state[:, 2] == 3) & (m.policies["s2"].state[:, 2] == 3))
    assert len(both) > 0


def test_take_up_share_and_program_firms(write_scenario):
    full = _model(write_scenario, "full", {"schedule_yuan": [100.0] * 6})
    half = _model(write_scenario, "half", {"schedule_yuan": [100.0] * 6, "take_up": 0.5})
    _run(full), _run(half)
    share = half.policies["s"].recipients() / full.policies["s"].recipients()
    assert 0.4 < share < 0.6
    # program firms only: workers shown in open-market jobs are not paid, the others are
    prog = _model(write_scenario, "prog", {"schedule_yuan": [100.0] * 6, "program_firms_only": True})
    emp = np.flatnonzero(prog.table["firm"] >= 0)
    w = prog.view(emp)
    w["program_firm"] = np.arange(len(emp)) % 2 == 0
    eff = prog.policies["s"].employed_month(0, w)
    assert eff.marked[w["program_firm"]].all() and not eff.marked[~w["program_firm"]].any()
    assert (eff.hazard[w["program_firm"]] < 1).all() and (eff.hazard[~w["program_firm"]] == 1).all()


def test_first_time_migrants_across_destinations(write_scenario):
    m = _model(
        write_scenario,
        "first",
        {"schedule_yuan": [100.0] * 6, "cohort": "new_hires", "eligibility": {**EVERYONE, "first_time_only": True}},
        months=10,
    )
    _run(m)
    s = m.policies["s"]
    claimed = np.flatnonzero(s.state[:, 0] != 0)
    assert len(claimed)
    assert (s.rows.members() == claimed).all()  # state is kept for those who decided, no one else
    # everyone who claimed was first seen away in this Ningbo spell, never in the PRD or another region before
    fa = m.table["first_away"][claimed]
    assert (fa >= 1).all()
    assert (m.table["first_away"] == -2).sum() > 0  # people away at the start are not first-timers


def test_people_paid_table_counts_distinct_people(write_scenario):
    m = _model(write_scenario, "people", {"schedule_yuan": [100.0] * 3}, months=8)
    b = _run(m)
    t = people_paid(b, m.labels)
    allp = t[t["policy"] == "all"]
    assert allp["people_cum"].iloc[-1] == m.policies["s"].recipients() * m.scale
    assert allp["payments"].sum() == b["payments"].sum()
    assert allp["people_cum"].is_monotonic_increasing


def test_total_yuan_lever_sums_over_every_subsidy():
    from sim import load_scenario as load
    from sim.budget.goal import apply_lever, current_value

    sc = load("baseline_2020")
    total = current_value(sc, "subsidy.total_yuan")
    assert total == pytest.approx(40_000, abs=10)  # Cixi 20,000 + Ninghai 20,000 (domain.md)
    half = apply_lever(sc, "subsidy.total_yuan", total / 2)
    assert current_value(half, "subsidy.total_yuan") == pytest.approx(total / 2)
    assert sum(half.policies["cixi_subsidy"].schedule_yuan) == pytest.approx(10_000)


def test_lag_is_settled_on_an_open_quit(write_scenario):
    lagged = {"schedule_yuan": [100.0] * 12, "lag_months": 2}
    m = _model(write_scenario, "lag", lagged, months=8)
    b = _run(m)
    assert b[b["kind"] == "subsidy"]["step"].min() == 2  # month 1's entry reaches the worker two months later
    settled = b[b["kind"] == "subsidy_settlement"]
    assert settled["yuan"].sum() > 0
    # settlements are at most the two months held back (100 yuan each) per person
    assert (settled["yuan"] / settled["payments"] <= 200.0 + 1e-9).all()
    paid = m.policies["s"].state
    counted = paid[:, 1]
    # everyone paid got at most what they earned: entries paid <= months of work counted
    assert (paid[:, 2] <= counted).all()
    # without a lag nothing is settled
    b0 = _run(_model(write_scenario, "nolag", {"schedule_yuan": [100.0] * 12}, months=8))
    assert "subsidy_settlement" not in set(b0["kind"])


def test_every_worker_employed_in_the_first_month_decides_at_once(write_scenario):
    """Every worker employed in the first month decides at once (no one waits a month)."""
    m = build_model(scenario(write_scenario, "crowd", {"schedule_yuan": [100.0] * 6}, per_agent=4), 2, "arrays")
    shown, phase = [], m.policy_phase
    m.policy_phase = lambda month: (shown.append(month.employed.copy()), phase(month))
    m.step()
    decided = m.policies["s"].rows.members()
    assert len(decided) > 1000 and (decided == np.sort(shown[0])).all()  # everyone is eligible, all employed


def test_a_worker_shown_twice_is_refused_not_written_past_the_lists(write_scenario):
    """The month's lists have one slot per worker with a row (a claimant); a view that
    shows a claimant twice is an error, not a write past the end of the lists."""
    m = build_model(scenario(write_scenario, "twice", {"schedule_yuan": [100.0] * 6}, per_agent=4), 2, "arrays")
    m.step()
    p = m.policies["s"]
    rows = p.rows.members()
    w = m.view(np.concatenate([rows, rows]))
    with pytest.raises(ValueError, match="shown more than once"):
        p.employed_month(1, w)
    assert p.employed_month(1, m.view(rows)) is not None
