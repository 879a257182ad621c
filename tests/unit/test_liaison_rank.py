"""Liaison coverage keeps 2 bytes of each worker's persistent rank (its high 16 of 24
bits) and draws the low bits again only at the cut: coverage must be exactly what the
whole float32 ranks gave (`rank < float32(coverage)`), ties at the cut included."""

import dataclasses

import numpy as np

from sim import load_scenario
from sim.policies.liaison import Liaison
from sim.runner import build_model
from sim.streams import Streams


def _reference(m, p, w, coverage):
    rank = Streams(m.streams.seed)["liaison_rank"].random(m.n_workers, dtype=np.float32)
    ok = p.eligible(w["county"], w["poor"], w["district"])
    return ok & (rank[w["idx"]] < np.float32(coverage))


def test_coverage_is_the_full_ranks_below_the_cut_ties_included():
    m = build_model(
        load_scenario("policy_liaison", {"calendar": {"months": 3}, "population": {"people_per_agent": 4}}), 5, "arrays"
    )
    m.step()
    p = m.policies["liaison"]
    w = m.view(np.flatnonzero(m.table["firm"] >= 0))
    k = np.asarray(p.hi[w["idx"]], np.int64) << 8
    # cuts whose high bits equal some shown workers' (their low bits decide), and ordinary ones
    some = range(0, len(k), max(1, len(k) // 40))
    cuts = [(int(k[j]) + d) / 2**24 for j in some for d in (0, 1, 128, 255)] + [0.0, 0.013, 0.5, 1.0]
    ties = 0
    for c in cuts:
        covered, hazard = p.below(w, c)
        np.testing.assert_array_equal(covered, _reference(m, p, w, c))
        assert (hazard[covered] == m.b.quit_hazard.liaison).all() and (hazard[~covered] == 1.0).all()
        ties += (p.hi[w["idx"]] == int(np.ceil(np.float32(c) * 2.0**24)) >> 8).sum()
    assert ties >= 4 * len(some)  # the low bits decided at least one worker at each such cut


def test_a_second_liaison_continues_the_stream_with_an_odd_number_of_workers():
    """Two liaison policies draw from one stream: the second's ranks start where the
    first's ended (with an odd number of workers, in the middle of a 64-bit draw)."""
    m = build_model(
        load_scenario("policy_liaison", {"calendar": {"months": 2}, "population": {"people_per_agent": 4}}), 5, "arrays"
    )
    n = m.n_workers if m.n_workers % 2 else m.n_workers - 1
    p = m.policies["liaison"]
    world = dataclasses.replace(p.world, n_workers=n, streams=Streams(m.streams.seed))
    Liaison("a", p.cfg, world)
    second = Liaison("b", p.cfg, world)
    rank = Streams(m.streams.seed)["liaison_rank"].random(2 * n, dtype=np.float32)[n:]
    k = (rank * np.float32(2**24)).astype(np.int64)
    assert (second.hi == k >> 8).all()
    some = np.array([0, 1, 2, 3, n - 2, n - 1])
    np.testing.assert_array_equal(second._low_bits(some), k[some] & 0xFF)
