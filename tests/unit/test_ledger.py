"""Ledger arithmetic and budget caps."""

import numpy as np

from sim.ledger import Budget, Ledger


def test_ledger_total_equals_sum_of_entries():
    led = Ledger()
    led.add(0, "p", "ningbo", "subsidy", np.array([100.0, 200.0, 0.0]), np.array([1, 0, 1]), np.array([0, 0, 2]), 10)
    led.add_lump(1, "q", "central", "salaries", 55.0)
    t = led.table(["a", "b", "c"], ["m0", "m1"])
    assert led.total_yuan == 3055.0 == t["yuan"].sum()
    assert t.loc[t.policy == "p", "payments"].sum() == 20  # two agents paid x 10 people


def test_cap_is_never_exceeded_and_turns_away_in_stop_mode():
    b = Budget(1000.0, "run", "stop")
    ok = b.allow(0, 2020, np.array([400.0, 400.0, 400.0]))
    assert list(ok) == [True, True, False]
    assert b.spent[0] == 800.0 and b.turned_away == 1 and b.bound_step == 0
    assert not b.allow(1, 2020, np.array([300.0])).any()
    assert b.spent[0] <= 1000.0


def test_queue_mode_pays_arrears_from_next_years_money():
    b = Budget(1000.0, "year", "queue")
    b.allow(0, 2020, np.array([800.0, 500.0]))
    assert b.owed_yuan == 500.0
    assert b.pay_owed(2021) == 500.0
    assert b.spent[2021] == 500.0 and b.owed_yuan == 0.0


def test_ledger_counts_payments_and_distinct_people():
    led = Ledger()
    one = np.array([1.0])
    # worker 3 paid twice in month 0 by policy p (two kinds), then by q in month 1; worker 5 in month 1
    led.add(0, "p", "ningbo", "subsidy", np.array([100.0]), one, np.array([0]), 10, idx=np.array([3]))
    led.add(0, "p", "ningbo", "transport_bonus", np.array([50.0]), one, np.array([0]), 10, idx=np.array([3]))
    led.add(1, "q", "ningbo", "subsidy", np.array([100.0, 100.0]), np.ones(2), np.zeros(2, int), 10, np.array([3, 5]))
    t = led.table(["a"], ["m0", "m1"]).groupby(["step", "policy"])[
        ["payments", "people", "new_people", "new_people_any"]
    ]
    s = t.sum()
    assert list(s.loc[(0, "p")]) == [20, 10, 10, 10]  # two payments, one person (x 10 people per agent)
    assert list(s.loc[(1, "q")]) == [20, 20, 20, 10]  # worker 3 is new to q, not to the ledger
    assert led.people_paid("p") == 1 and led.people_paid("q") == 2
    led.mark_subsidy(1, np.array([5]))
    assert list(led.subsidy_paid_in(1, np.array([3, 5, 40]))) == [False, True, False]
