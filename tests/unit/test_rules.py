"""Each rule's direction, and scalars and arrays giving the same answers."""

import numpy as np
import pytest

from sim import rules
from sim.jit import NO_JIT
from sim.params import pack_behavior, tenure_bands
from sim.schema.behavior import Away, Behavior, Departure, QuitHazard

QH = QuitHazard()
B = Behavior()
P, BANDS = pack_behavior(B), tenure_bands(B)
BASE = dict(tenure_month=2, trained=False, broker=False, policy_mult=1.0, mismatch=0.0, wage_ratio=1.0, poor=False)


def hazard(**kw):
    a = {**BASE, **kw}
    return float(rules.quit_hazard(*a.values(), P, BANDS))


def test_base_hazard_follows_assumed_tenure_bands():
    got = [float(rules.base_quit_hazard(t, BANDS)) for t in (1, 2, 3, 4, 6, 7, 12, 13, 40)]
    assert got == [0.10, 0.08, 0.08, 0.05, 0.05, 0.035, 0.035, 0.03, 0.03]


@pytest.mark.parametrize("support", [{"trained": True}, {"broker": True}, {"policy_mult": QH.liaison}])
def test_supports_lower_the_quit_hazard(support):
    assert hazard(**support) < hazard()


def test_training_effect_ends_after_training_months():
    assert hazard(trained=True, tenure_month=QH.training_months + 1) == hazard(tenure_month=QH.training_months + 1)


def test_skill_mismatch_and_better_outside_wage_raise_quits():
    assert hazard(mismatch=0.3) > hazard()
    assert hazard(wage_ratio=1.2) > hazard()


def test_wider_wage_gap_raises_departures():
    dp = Departure()
    low = rules.departure_prob(3000.0, 1500.0, False, 3, dp)
    high = rules.departure_prob(6000.0, 1500.0, False, 3, dp)
    assert high > low


def test_higher_ningbo_wage_draws_more_to_ningbo():
    dp = Departure()
    a = rules.p_choose_ningbo(4500.0, 4700.0, 32.0, 14.0, False, False, dp)
    b = rules.p_choose_ningbo(6000.0, 4700.0, 32.0, 14.0, False, False, dp)
    assert 0 < a < b < 1


def test_liaison_moves_quits_from_home_to_another_ningbo_job():
    u = np.linspace(0, 1, 10001, endpoint=False)
    without = np.array([rules.quit_outcome(x, False, P) for x in u])
    with_l = np.array([rules.quit_outcome(x, True, P) for x in u])
    assert (with_l == rules.NEXT_NINGBO_JOB).mean() > (without == rules.NEXT_NINGBO_JOB).mean()
    assert (with_l == rules.RETURN_HOME).mean() < (without == rules.RETURN_HOME).mean()
    assert abs((without == rules.RETURN_HOME).mean() - 0.35) < 1e-3


@pytest.mark.skipif(NO_JIT, reason="compares the compiled rules with their plain-Python source")
def test_compiled_rules_equal_their_python_source():
    """One source: the numba-compiled rule and the same function run as plain Python agree."""
    rng = np.random.default_rng(1)
    for _ in range(200):
        args = (
            int(rng.integers(1, 30)),
            bool(rng.random() < 0.5),
            bool(rng.random() < 0.5),
            float(rng.choice([1.0, 0.7, 0.85 * 0.7])),
            float(rng.random() * 0.3),
            float(0.8 + rng.random() * 0.4),
            bool(rng.random() < 0.5),
        )
        assert rules.quit_hazard(*args, P, BANDS) == rules.quit_hazard.py_func(*args, P, BANDS)
        u = float(rng.random())
        assert rules.quit_outcome(u, args[1], P) == rules.quit_outcome.py_func(u, args[1], P)
        assert rules.festival_decision(u, P) == rules.festival_decision.py_func(u, P)


def test_festival_decision():
    b = Behavior(away=Away(p_festival_back_month=0.6, p_festival_stay_month=0.1))
    p = pack_behavior(b)
    assert [rules.festival_decision(x, p) for x in (0.1, 0.65, 0.9)] == [1, 2, 0]


def test_subsidy_payment_months_by_cadence():
    due = lambda k, n, every, lump=0, lag=0, waiting=3: rules.subsidy_due_month(k, n, waiting, every, lump, lag)  # noqa: E731
    assert [due(k, 9, 1) for k in range(9)] == [3, 4, 5, 6, 7, 8, 9, 10, 11]  # monthly from month 3
    assert [due(k, 7, 3) for k in range(7)] == [5, 5, 5, 8, 8, 8, 9]  # quarterly, the rest with the last
    assert {due(k, 9, 0, lump=12) for k in range(9)} == {12}  # one lump after 12 months
    assert due(0, 9, 1, lag=2) == 5 and due(0, 9, 1, waiting=1) == 1


def _pv(sched, months_in=0, every=1, lump=0, rate=0.01, k=0):
    return rules.subsidy_value(k, months_in, np.array(sched, float), 3, every, lump, 0, rate)


def test_subsidy_response_rises_with_money_and_later_payments():
    cixi = [1000, 1500, 1500, 2000, 2000, 2500, 2500, 3000, 4000]
    h = lambda v, drop=0.0: rules.subsidy_hazard(v, drop, 4900.0, 0.09, 0.35)  # noqa: E731
    # more money: a lower hazard
    assert h(_pv([2 * x for x in cixi])) < h(_pv(cixi)) < h(_pv([x / 4 for x in cixi])) < 1.0
    # the same 18,000 yuan ending later (12 x 1,500 vs 9 x 2,000): more still to come after month 9
    assert h(_pv([1500] * 12, months_in=9, k=7)) < h(_pv([2000] * 9, months_in=9, k=7))
    # discounting: a lump at the end is worth less today than the same money monthly
    assert _pv([2000] * 9, every=0, lump=11) < _pv([2000] * 9)
    # Cixi's schedule at hire gives about the domain's x0.7 (domain.md "subsidy while paid 0.7")
    assert 0.65 < h(_pv(cixi)) < 0.75
    # nothing to come and no cliff: exactly 1 (a zero subsidy is no subsidy)
    assert h(_pv([0.0] * 9)) == 1.0 and h(0.0, 0.0) == 1.0
    # the cliff: a rising schedule's big last payment is a bigger drop than a tapering one's
    assert h(0.0, 4000.0) > h(0.0, 1000.0) > 1.0


def test_subsidy_rules_compiled_equal_python():
    sched = np.array([1000.0, 1500, 1500, 2000, 4000])
    for every, lump in ((1, 0), (3, 0), (0, 9)):
        for m in range(0, 12):
            for k in range(5):
                a = rules.subsidy_value(k, m, sched, 3, every, lump, 1, 0.01)
                if hasattr(rules.subsidy_value, "py_func"):
                    assert a == rules.subsidy_value.py_func(k, m, sched, 3, every, lump, 1, 0.01)
    if hasattr(rules.subsidy_hazard, "py_func"):
        for v in (0.0, 5000.0, 20000.0):
            assert rules.subsidy_hazard(v, 3000.0, 4800.0, 0.09, 0.35) == rules.subsidy_hazard.py_func(
                v, 3000.0, 4800.0, 0.09, 0.35
            )


def test_stochastic_round_is_unbiased():
    u = np.random.default_rng(2).random(200_000)
    assert abs(rules.stochastic_round(np.full(u.size, 2.3), u).mean() - 2.3) < 0.01
