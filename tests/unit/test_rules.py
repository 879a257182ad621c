"""Each rule's direction, and scalars and arrays giving the same answers."""

import numpy as np
import pytest

from sim import rules
from sim.schema.behavior import Away, Departure, QuitHazard, QuitOutcome

QH = QuitHazard()
BASE = dict(
    tenure_month=2,
    trained=False,
    liaison=False,
    broker=False,
    subsidy_paid=False,
    cliff=False,
    mismatch=0.0,
    wage_ratio=1.0,
    poor=False,
    qh=QH,
)


def hazard(**kw):
    return float(rules.quit_hazard(**{**BASE, **kw}))


def test_base_hazard_follows_assumed_tenure_bands():
    got = [float(rules.base_quit_hazard(t, QH)) for t in (1, 2, 3, 4, 6, 7, 12, 13, 40)]
    assert got == [0.10, 0.08, 0.08, 0.05, 0.05, 0.035, 0.035, 0.03, 0.03]


@pytest.mark.parametrize("support", ["trained", "liaison", "broker", "subsidy_paid"])
def test_supports_lower_the_quit_hazard(support):
    assert hazard(**{support: True}) < hazard()


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
    qo = QuitOutcome()
    u = np.linspace(0, 1, 10001, endpoint=False)
    without = rules.quit_outcome(u, False, qo)
    with_l = rules.quit_outcome(u, True, qo)
    assert (with_l == rules.NEXT_NINGBO_JOB).mean() > (without == rules.NEXT_NINGBO_JOB).mean()
    assert (with_l == rules.RETURN_HOME).mean() < (without == rules.RETURN_HOME).mean()
    assert abs((without == rules.RETURN_HOME).mean() - 0.35) < 1e-3


def test_rules_give_the_same_answer_on_scalars_and_arrays():
    rng = np.random.default_rng(1)
    n = 50
    cols = dict(
        tenure_month=rng.integers(1, 30, n),
        trained=rng.random(n) < 0.5,
        liaison=rng.random(n) < 0.5,
        broker=rng.random(n) < 0.5,
        subsidy_paid=rng.random(n) < 0.5,
        cliff=rng.random(n) < 0.5,
        mismatch=rng.random(n) * 0.3,
        wage_ratio=0.8 + rng.random(n) * 0.4,
        poor=rng.random(n) < 0.5,
    )
    arr = rules.quit_hazard(**cols, qh=QH)
    for i in range(n):
        one = rules.quit_hazard(**{k: v[i] for k, v in cols.items()}, qh=QH)
        assert float(one) == pytest.approx(arr[i])


def test_subsidy_schedule_and_festival_decision():
    sched = [1000, 1500, 4000]
    assert list(rules.subsidy_amount(np.array([0, 1, 2, 3, 9]), sched)) == [1000, 1500, 4000, 0, 0]
    away = Away(p_festival_back_month=0.6, p_festival_stay_month=0.1)
    assert list(rules.festival_decision(np.array([0.1, 0.65, 0.9]), away)) == [1, 2, 0]


def test_stochastic_round_is_unbiased():
    u = np.random.default_rng(2).random(200_000)
    assert abs(rules.stochastic_round(np.full(u.size, 2.3), u).mean() - 2.3) < 0.01
