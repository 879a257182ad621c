"""The spell log's memory rules: it grows in place (its own map, remapped, never a
second copy) even while a policy's view of workers lives, keeps its rows and zeroes
the new ones, copies hold the same rows, and the ledger's per-worker arrays grow by
an eighth, not by doubling (issue 9: memory per worker at 1M workers)."""

from __future__ import annotations

import copy
import pickle

import numpy as np

from sim import load_scenario
from sim.ledger import Ledger
from sim.runner import build_model
from sim.spells import SPELL_DTYPE, SpellLog


def _open(log: SpellLog, step: int, k: int) -> np.ndarray:
    return log.open(step, np.arange(k) % 3, np.arange(k) % 2 == 0, np.zeros(k, np.int8))


def test_the_log_keeps_its_rows_and_new_rows_are_zero():
    log = SpellLog(4)
    _open(log, 3, 4)
    log.rows["exit_step"][1] = 7
    _open(log, 5, 40)
    assert log.n == 44 and len(log.rows) >= 44
    assert list(log.rows["arrival_step"][:6]) == [3, 3, 3, 3, 5, 5]
    assert log.rows["exit_step"][1] == 7 and (log.rows["exit_step"][4:44] == -1).all()
    assert not log.rows[44:].tobytes().strip(b"\0")  # capacity not used yet: zeros
    assert SPELL_DTYPE.itemsize == 25  # packed: no padding


def test_a_policy_view_does_not_pin_the_log_so_it_grows_in_place():
    model = build_model(load_scenario("teaching_small", {"calendar": {"months": 2}}), 1, "arrays")
    model.run()
    log = model.spells
    view = model.view(np.flatnonzero(model.table["spell"] >= 0)[:3])  # what policies see, kept alive
    start = view["spell_start"].copy()
    mapped, n = log._map, log.n
    _open(log, 2, len(log.rows) - n + 1)  # one more row than the capacity: the log must grow
    assert log._map is mapped, "the log was copied into a new map: something held a view of its rows"
    assert (view.arrival[view["spell"]] == start).all()  # the view reads the grown log


def test_copies_hold_the_same_rows_and_are_independent():
    log = SpellLog(2)
    _open(log, 2, 5)
    for twin in (copy.deepcopy(log), pickle.loads(pickle.dumps(log))):
        assert twin.n == 5 and twin.rows[:5].tobytes() == log.rows[:5].tobytes()
        _open(twin, 9, 50)
        assert log.n == 5 and twin.n == 55


def test_the_ledger_keeps_rows_only_for_the_people_paid():
    led = Ledger()
    led.mark_subsidy(0, np.array([999]))
    led.add(1, "p", "ningbo", "subsidy", np.array([5.0, 0.0]), np.ones(2), np.zeros(2, int), 1.0, np.array([9, 40]))
    led.mark_subsidy(1, np.array([1000]))
    assert led._paid.members().tolist() == [9, 999, 1000]  # nobody else, not worker 40 (paid nothing)
    assert led.subsidy_paid_in(1, np.array([1000, 999, 9, 5])).tolist() == [True, False, False, False]
