"""Broker follow-up fees: a recruit is followed up (and its broker paid) for at most
`follow_up_months` months; the policy keeps a count only for the recruits followed."""

import pytest

from sim import load_scenario
from sim.runner import build_model, collect


def test_each_recruit_is_followed_up_at_most_the_months_paid_for():
    over = {
        "calendar": {"months": 14},
        "population": {"people_per_agent": 20},
        "policies": {"queen_bee_brokers": {"follow_up_months": 2}},
    }
    m = build_model(load_scenario("policy_brokers", over), 4, "arrays")
    m.run()
    months = m.policies["queen_bee_brokers"].followed["months"]
    assert months.max() == 2 and (months >= 1).all()  # the cap binds; a count only for those followed
    fees = collect(m, 0.0).tables["budget"].query("kind == 'broker_fee'")["payments"].sum()
    assert fees == pytest.approx(months.sum() * m.scale)  # one payment per recruit-month followed
