"""The brokers' book: rows survive growth; a month's news moves reach, totals and
who leaves, for active brokers only."""

import numpy as np

from sim.broker_book import BrokerBook
from sim.schema.behavior import Brokers


def test_rows_survive_growth_and_placements_add_up():
    book = BrokerBook()
    for i in range(40):  # past the first store of 16 rows
        assert book.add(i % 8, 1.0 + i) == i
    assert book.n == 40 and list(book.rows["county"]) == [i % 8 for i in range(40)]
    assert list(book.rows["weight"]) == [1.0 + i for i in range(40)]
    book.place(np.array([3, 3, 39]))
    assert book.rows["placed"][3] == 2 and book.rows["placed"][39] == 1 and book.rows["placed"].sum() == 3


def test_news_moves_reach_within_bounds_and_only_active_brokers_hear_it():
    mb = Brokers(reach_gain_per_retained_month=0.1, reach_loss_per_failure=0.5, reach_min=0.2, reach_max=3.0,
                 p_leave_month=0.0, p_leave_low_reach_month=1.0)  # fmt: skip
    book = BrokerBook()
    for _ in range(4):
        book.add(0, 1.0)
    book.rows["active"][3] = False
    retained, failures = np.array([5, 100, 0, 7]), np.array([0, 0, 3, 7])
    book.hear_news(retained, failures, np.full(4, 0.5, np.float32), 2.0, mb)
    r = book.rows
    assert np.isclose(r["reach"][0], 1.0 + 2.0 * 0.1 * 5)  # grows with retained months, per person
    assert r["reach"][1] == 3.0  # capped at reach_max
    assert r["reach"][2] == 0.2 and not r["active"][2]  # at the floor, leaves (p_leave_low_reach_month = 1)
    assert r["active"][0] and r["active"][1]  # p_leave_month = 0: nobody else leaves
    assert r["reach"][3] == 1.0 and r["retained_months"][3] == 0 and r["failures"][3] == 0  # left: hears nothing
    assert list(r["retained_months"][:3]) == [5, 100, 0] and list(r["failures"][:3]) == [0, 0, 3]


def test_first_arrival_from_finds_the_recent_spells_as_searchsorted_does():
    from sim.counts import first_arrival_from
    from sim.spells import SPELL_DTYPE

    rng = np.random.default_rng(3)
    for n in (0, 1, 2, 7, 50):
        s = np.zeros(n + 5, SPELL_DTYPE)  # rows past n are junk the search must not read
        s["arrival_step"][:n] = np.sort(rng.integers(0, 6, n))
        s["arrival_step"][n:] = -1
        for step in range(-1, 8):
            assert first_arrival_from(s, n, step) == np.searchsorted(s["arrival_step"][:n], step), (n, step)
