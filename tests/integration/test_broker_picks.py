"""Broker recruitment keeps, in each county, the accepting candidates with the
highest broker-order draws. The compiled selection (`LaborModel.broker_picks`)
must pick exactly the workers the numpy rule picked (numpy's argpartition over
the county's candidates in worker order), also when 24-bit draws tie across the
cut, which happens in most months of a large run."""

import numpy as np

from sim import load_scenario
from sim.engines.arrays import ArraysModel


def numpy_rule(model, step, cand, c, k):
    """The selection as the numpy code made it before the compiled kernels."""
    acc = np.sort(cand).astype(np.int64)
    order = model.streams.uniforms("broker_order", step, acc)
    in_c = np.flatnonzero(model.table["county"][acc] == c)
    top = in_c[np.argpartition(-order[in_c], k)[:k]] if k < len(in_c) else in_c
    return acc[np.sort(top)]


def test_broker_picks_equal_the_numpy_rule_also_at_ties_across_the_cut():
    sc = load_scenario("baseline_2020", {"population": {"people_per_agent": 4}, "calendar": {"months": 1}})
    m = ArraysModel(sc, 3)
    step, nc = 6, len(m.world.county_names)
    cand = np.arange(m.n_workers, dtype=np.int32)[::-1].copy()  # any order, as the home list comes
    u = m.streams.uniforms("broker_order", step, np.arange(m.n_workers))
    cuts, tied = [], 0
    for c in range(nc):
        d = np.sort(u[m.table["county"] == c])[::-1]
        at_tie = np.flatnonzero(d[:-1] == d[1:]) + 1  # k such that the k-th and (k+1)-th draws are equal
        cuts += [(c, int(x)) for x in at_tie[:3]] + [(c, 1), (c, len(d) // 3), (c, len(d) + 5)]
        tied += len(at_tie[:3])
    assert tied >= nc  # the case this test is for: draws tie across the cut in every county
    for c, kc in cuts:
        k = np.zeros(nc, np.int64)
        k[c] = kc
        ((got_c, got),) = m.broker_picks(step, cand, k)
        assert got_c == c
        np.testing.assert_array_equal(got, numpy_rule(m, step, cand, c, kc), err_msg=f"county {c}, k {kc}")
