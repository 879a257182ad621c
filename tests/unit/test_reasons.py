"""Reason codes: each factor that raises the quit hazard accounts for the quits it adds."""

import numpy as np

from sim import rules
from sim.params import pack_behavior, tenure_bands
from sim.reasons import R_LANGUAGE, R_LOW_WAGE, R_MISMATCH, R_NONE, R_PERSONAL, R_SUBSIDY_ENDED, REASONS
from sim.schema.behavior import Behavior

P = pack_behavior(Behavior())
BANDS = tenure_bands(Behavior())


def test_each_layer_takes_its_share_of_the_draws():
    u = (np.arange(100_000) + 0.5) / 100_000
    h0, fw, fm, fp, fl = 0.1, 1.5, 1.2, 1.3, 1.1
    why = np.array([rules.quit_reason(x, h0, fw, fm, fp, fl) for x in u])
    share = {r: float(np.mean(why == r)) for r in (R_PERSONAL, R_LOW_WAGE, R_MISMATCH, R_SUBSIDY_ENDED, R_LANGUAGE)}
    assert share[R_PERSONAL] == np.round(0.1, 5)
    assert abs(share[R_LOW_WAGE] - 0.1 * 0.5) < 1e-4
    assert abs(share[R_MISMATCH] - 0.15 * 0.2) < 1e-4
    assert abs(share[R_SUBSIDY_ENDED] - 0.18 * 0.3) < 1e-4
    assert abs(share[R_LANGUAGE] - 0.234 * 0.1) < 1e-4
    assert abs(np.mean(why != R_NONE) - 0.1 * 1.5 * 1.2 * 1.3 * 1.1) < 1e-4


def test_layers_multiply_out_to_the_hazard():
    """quit_layers is the old product: lowering factors go into h0, raising ones on top."""
    args = (2, True, True, 0.7, 0.2, 0.9, True, True, 1.15, P, BANDS)
    h0, *f = rules.quit_layers(*args)
    assert all(x >= 1.0 for x in f)
    want = 0.08 * 0.8 * 0.8 * 0.7 * 1.2 * 0.9 * 1.0 * P[rules.QH_LOW_MANDARIN] * 1.15
    assert np.isclose(h0 * np.prod(f), want)
    assert h0 < 0.08  # supports and the lower outside wage are in h0


def test_family_stays_only_past_the_plain_stays():
    p = pack_behavior(Behavior())
    back, stay = p[rules.P_FESTIVAL_BACK], p[rules.P_FESTIVAL_STAY]
    assert not rules.family_stay(back + stay + 1e-6, 1.0, p)  # no extra stays without the multiplier
    assert rules.family_stay(back + stay * 1.4, 1.5, p)
    assert not rules.family_stay(back + stay * 1.6, 1.5, p)
    assert REASONS[0] == "none"


def test_personal_multiplier_is_the_product_of_the_workers_traits():
    """The looked-up personal quit multiplier (`personal_quit_mult`) is, for every
    combination of traits, the product of the multipliers of the traits the worker has."""
    from sim.params import QH_FEMALE, QH_FIRST_TIME, QH_LEADER, QH_YOUNG
    from sim.table import FB_FEMALE, FB_FIRST_TIME, FB_LEADER, WORKER_DTYPE, set_column
    from sim.transitions import personal_quit_mult

    b = Behavior.model_validate({"quit_hazard": {"young": 1.3, "female": 0.9, "first_time": 1.7, "team_leader": 0.5}})
    p = pack_behavior(b)
    t = np.zeros(16, WORKER_DTYPE)
    for k in range(16):
        young, female, first, leader = (k >> 0) & 1, (k >> 1) & 1, (k >> 2) & 1, (k >> 3) & 1
        t[k]["flags"] = (female << FB_FEMALE) | (first << FB_FIRST_TIME) | (leader << FB_LEADER)
        set_column(t, k, "age_band", 0 if young else 2)
        want = 1.0
        for has, i in ((young, QH_YOUNG), (female, QH_FEMALE), (first, QH_FIRST_TIME), (leader, QH_LEADER)):
            want *= p[i] if has else 1.0
        assert personal_quit_mult(k, t, p) == want, k


def test_outside_wage_raises_the_hazard_by_its_elasticity():
    """The low-wage layer is (outside wage / own wage) ** outside_wage_elasticity,
    at the default elasticity of 1 and at any other."""
    for e in (1.0, 0.5, 2.0):
        p = pack_behavior(Behavior.model_validate({"quit_hazard": {"outside_wage_elasticity": e}}))
        _, f_wage, *_ = rules.quit_layers(6, False, False, 1.0, 0.0, 1.44, False, False, 1.0, p, BANDS)
        assert f_wage == 1.44**e
        h0, f_wage, *_ = rules.quit_layers(6, False, False, 1.0, 0.0, 0.64, False, False, 1.0, p, BANDS)
        assert f_wage == 1.0 and np.isclose(h0, rules.base_quit_hazard(6, BANDS) * 0.64**e)
