"""The worker table: every worker's state as one row of a typed numpy array.

Both engines keep their workers here. The `arrays` engine passes the whole
table to compiled kernels; a Mesa `Worker` agent of the `agents` engine is a
view on its own row (`sim.agents.Worker`), so the two engines cannot disagree
on what a worker is. 48 bytes per worker.
"""

from __future__ import annotations

import numpy as np

from .jit import kernel
from .states import HOME, LOCAL

WORKER_DTYPE = np.dtype(
    [
        ("county", np.int8),  # home county index
        ("poor", np.bool_),  # registered-poor household (建档立卡)
        ("place", np.int8),  # sim.states code
        ("festival_from", np.int8),  # place before a Spring Festival visit (-1: none)
        ("skill", np.float32),  # 0..1
        ("hazard_mult", np.float32),  # product of this month's policy effects on quitting
        ("firm", np.int32),  # employer index (-1: no Ningbo job)
        ("spell", np.int32),  # row in the spell log (-1: spell began before the run)
        ("tenure", np.int16),  # months in the current job
        ("spell_months", np.int16),  # months in the current Ningbo spell
        ("months_seeking", np.int16),
        ("prior_spells", np.int16),  # Ningbo spells that ended (or began before the run)
        ("visit_step", np.int16),  # step of the festival visit
        ("love_job", np.bool_),
        ("trained", np.bool_),
        ("liaison", np.bool_),  # covered by liaison staff this month
        ("broker", np.bool_),  # recruited by a broker (this spell)
        ("organized", np.bool_),  # came by organized transport (this spell)
        ("is_broker", np.bool_),  # promoted to broker
        ("first_away", np.int16),  # step first seen away from home (-2: before the run, -1: never)
        # issue 11 (appended): why the last move, who the worker is, who placed them
        ("reason", np.uint8),  # sim.reasons code of the last quit, dismissal or return
        ("age_band", np.uint8),  # 0: 16-24, 1: 25-34, 2: 35-44, 3: 45+
        ("female", np.bool_),
        ("education", np.uint8),  # 0: primary or less, 1: junior middle, 2: senior or more
        ("low_mandarin", np.bool_),  # speaks little Mandarin
        ("dependants", np.bool_),  # children or elders at home
        ("first_time", np.bool_),  # never worked away from home before this trip (any destination)
        ("leader", np.bool_),  # team leader (组长) in the current job
        ("broker_id", np.int32),  # broker who placed the worker this spell (-1: none)
    ],
    align=True,
)


def new_table(cols: dict[str, np.ndarray]) -> np.ndarray:
    """The table from the initial population's columns (see `sim.world.initial_workers`)."""
    n = len(cols["county"])
    t = np.zeros(n, dtype=WORKER_DTYPE)
    for name in ("county", "poor", "skill", "place", "firm", "tenure"):
        t[name] = cols[name]
    for name in ("age_band", "female", "education", "low_mandarin", "dependants", "first_time"):
        if name in cols:
            t[name] = cols[name]
    t["broker_id"] = -1
    t["spell_months"] = t["tenure"]
    t["prior_spells"] = t["firm"] >= 0
    t["festival_from"] = -1
    t["visit_step"] = -1
    t["spell"] = -1
    t["hazard_mult"] = 1.0
    t["place"][(t["firm"] < 0) & (t["place"] < 0)] = HOME
    # ASSUMPTION: workers at home or in a local job at the start have not worked away before
    t["first_away"] = np.where((t["place"] == HOME) | (t["place"] == LOCAL), -1, -2)
    return t


@kernel
def _select(T, places, out):
    n = 0
    for i in range(len(T)):  # branch-free: places are mixed, a branch would mispredict
        out[n] = i
        n += places[T[i].place]
    return n


def where_place(table: np.ndarray, *places: int) -> np.ndarray:
    """Indices of the workers in any of `places` (one compiled pass over the table)."""
    mask = np.zeros(8, np.bool_)
    mask[list(places)] = True
    out = np.empty(len(table), np.int64)
    return out[: _select(table, mask, out)]
