"""Same scenario and seed give identical tables; the seed is stored."""

import pandas as pd

from sim import run


def test_same_seed_identical_tables(small):
    a, b = run(small, seed=11), run(small, seed=11)
    for name in ("monthly", "spells", "retention", "budget", "targets"):
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
    assert a.seed == 11


def test_different_seed_differs(small):
    a, b = run(small, seed=11), run(small, seed=12)
    assert not a.tables["monthly"].equals(b.tables["monthly"])


def test_scenario_seed_is_the_default(small):
    assert run(small).seed == small.seed
