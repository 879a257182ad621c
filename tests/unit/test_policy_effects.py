"""The month's policy effects written back to the worker table in one pass."""

import numpy as np

from sim.policies import write_month_effects
from sim.table import WORKER_DTYPE, column


def test_one_key_takes_the_strongest_and_keys_multiply():
    t = np.zeros(4, WORKER_DTYPE)
    t["hazard_mult"] = 9.0  # a worker not shown keeps last month's value
    idx = np.array([0, 2, 3])
    by_key = {
        "subsidy": [np.array([0.5, 1.2, 1.0]), np.array([0.8, 1.1, 1.0])],  # two subsidies paying one worker
        "liaison": [np.array([0.9, 0.9, 1.0])],
    }
    write_month_effects(t, idx, by_key, np.array([True, False, True]))
    # worker 0: the smaller multiplier below 1; worker 2: no multiplier below 1, the larger (a cliff)
    expected = np.array([0.5 * 0.9, 9.0, 1.2 * 0.9, 1.0], dtype=np.float32)
    assert (t["hazard_mult"] == expected).all()
    assert column(t, "liaison").tolist() == [True, False, False, True]


def test_no_effects_leave_every_multiplier_at_one():
    t = np.zeros(3, WORKER_DTYPE)
    t["hazard_mult"] = 2.0
    write_month_effects(t, np.array([1]), {}, np.array([False]))
    assert t["hazard_mult"].tolist() == [2.0, 1.0, 2.0]
