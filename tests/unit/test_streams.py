"""Named random streams: reproducible and independent of each other."""

import numpy as np

from sim.streams import Streams, replicate_seeds


def test_same_seed_same_draws_and_names_differ():
    a, b = Streams(5), Streams(5)
    assert np.array_equal(a.monthly("quit", 3, 10), b.monthly("quit", 3, 10))
    assert not np.array_equal(a.monthly("quit", 3, 10), a.monthly("depart", 3, 10))
    assert not np.array_equal(a.monthly("quit", 3, 10), a.monthly("quit", 4, 10))
    assert not np.array_equal(Streams(6).monthly("quit", 3, 10), a.monthly("quit", 3, 10))


def test_monthly_draws_do_not_depend_on_other_streams_being_used():
    a, b = Streams(9), Streams(9)
    a.monthly("depart", 0, 1000)
    a["init"].random(50)
    assert np.array_equal(a.monthly("quit", 1, 7), b.monthly("quit", 1, 7))
    # prefix property: the first n draws do not depend on how many are drawn
    assert np.array_equal(a.monthly("quit", 1, 5), b.monthly("quit", 1, 7)[:5])


def test_replicate_seeds_are_distinct_and_reproducible():
    s = replicate_seeds(42, 20)
    assert len(set(s)) == 20 and s == replicate_seeds(42, 20)
