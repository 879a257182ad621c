"""The worker table: every worker's state as one row of a typed numpy array.

Both engines keep their workers here. The `arrays` engine passes the whole
table to compiled kernels; a Mesa `Worker` agent of the `agents` engine is a
view on its own row (`sim.agents.Worker`), so the two engines cannot disagree
on what a worker is. 40 bytes per worker: ten yes/no attributes and two
small codes share one 16-bit field (`flags`, names in `FLAGS` and `CODES`);
kernels read them with `flag` (and `age_band`) and write them with `set_flag`,
numpy code with `column` and `set_column`.
"""

from __future__ import annotations

import numpy as np

from .jit import kernel, rule
from .states import HOME, LOCAL

# Yes/no attributes kept as bits of the 16-bit `flags` field (bit k: FLAGS[k]); `column(t, name)` reads one
FLAGS = (
    "female",
    "low_mandarin",  # speaks little Mandarin
    "dependants",  # children or elders at home
    "first_time",  # never worked away from home before this trip (any destination)
    "leader",  # team leader (组长) in the current job
    "is_broker",  # promoted to broker
    "trained",  # trained in this spell
    "organized",  # came by organized transport (this spell)
    "love_job",  # the job is a love job (a slot reserved for registered-poor workers)
    "broker",  # recruited by a broker (this spell)
)
(FB_FEMALE, FB_LOW_MANDARIN, FB_DEPENDANTS, FB_FIRST_TIME, FB_LEADER, FB_IS_BROKER, FB_TRAINED, FB_ORGANIZED,
 FB_LOVE_JOB, FB_BROKER) = range(len(FLAGS))  # fmt: skip
# Small codes kept in the bits of `flags` above the yes/no ones: name -> (first bit, bits)
CODES = {
    "age_band": (10, 2),  # 0: 16-24, 1: 25-34, 2: 35-44, 3: 45+
    "education": (12, 2),  # 0: primary or less, 1: junior middle, 2: senior or more
}
AGE_SHIFT, AGE_MASK = CODES["age_band"][0], (1 << CODES["age_band"][1]) - 1


def _check_layout() -> None:
    """FLAGS and CODES each take their own bits of the 16-bit `flags` field (an
    attribute added to FLAGS must not run into the codes above it)."""
    taken = [(k, 1) for k in range(len(FLAGS))] + list(CODES.values())
    bits = [b for first, n in taken for b in range(first, first + n)]
    if len(bits) != len(set(bits)) or max(bits) > 15:
        raise ValueError(f"sim.table: FLAGS and CODES overlap or pass bit 15: {sorted(bits)}")


_check_layout()

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
        ("first_away", np.int16),  # step first seen away from home (-2: before the run, -1: never)
        ("flags", np.uint16),  # bit k: FLAGS[k]; then CODES
        ("reason", np.uint8),  # sim.reasons code of the last quit, dismissal or return (issue 11)
        # its own byte: the policy phase writes it for every employed worker, a plain store
        # (a bit of `flags` would be a read of each scattered row first)
        ("liaison", np.bool_),  # covered by liaison staff this month
        ("broker_id", np.int32),  # broker who placed the worker this spell (-1: none; issue 11)
    ],
    align=True,
)
COLUMNS = tuple(n for n in WORKER_DTYPE.names if n != "flags") + FLAGS + tuple(CODES)  # what a worker has, by name


@rule
def flag(T, i, bit):
    """Whether worker i has yes/no attribute `bit` (FB_*)."""
    return (T[i].flags >> bit) & 1 != 0


@rule
def set_flag(T, i, bit, on):
    """Set worker i's yes/no attribute `bit` (FB_*) to `on`."""
    T[i].flags = (T[i].flags & (65535 ^ (1 << bit))) | (int(on) << bit)


@rule
def age_band(T, i):
    """Worker i's age band (CODES["age_band"])."""
    return (T[i].flags >> AGE_SHIFT) & AGE_MASK


def _packed(name: str) -> tuple[int, int] | None:
    """(first bit, bits) of a column kept in `flags`, or None for a column of its own."""
    if name in FLAGS:
        return FLAGS.index(name), 1
    return CODES.get(name)


def column(table: np.ndarray, name: str, idx=None) -> np.ndarray:
    """Column `name` of the table, or of workers `idx` only (a yes/no attribute of
    FLAGS as a new bool array, a code of CODES as a new uint8 array; give `idx`
    rather than indexing the whole column)."""
    where = _packed(name)
    if where is None:
        return table[name] if idx is None else table[name][idx]
    f = table["flags"] if idx is None else table["flags"][idx]
    shift, bits = where
    v = (f >> np.uint16(shift)) & np.uint16((1 << bits) - 1)
    return v.astype(np.bool_) if bits == 1 else v.astype(np.uint8)


def cell(table: np.ndarray, i: int, name: str):
    """Worker i's value of column `name`, as a Python scalar."""
    where = _packed(name)
    if where is None:
        return table[name][i].item()
    shift, bits = where
    v = int(table["flags"][i]) >> shift & ((1 << bits) - 1)
    return bool(v) if bits == 1 else v


def set_column(table: np.ndarray, idx, name: str, values) -> None:
    """Set column `name` of workers `idx` (any index numpy takes) to `values`."""
    where = _packed(name)
    if where is None:
        table[name][idx] = values
        return
    shift, bits = where
    if bits > 1 and np.any(np.asarray(values) >= 1 << bits) | np.any(np.asarray(values) < 0):
        raise ValueError(f"{name}: a code from 0 to {(1 << bits) - 1} (it has {bits} bits of `flags`)")
    mask = ((1 << bits) - 1) << shift
    f = table["flags"]
    v = (np.asarray(values).astype(np.uint16) & np.uint16((1 << bits) - 1)) << np.uint16(shift)
    f[idx] = (f[idx] & np.uint16(65535 ^ mask)) | v


def new_table(cols: dict[str, np.ndarray]) -> np.ndarray:
    """The table from the initial population's columns (see `sim.world.initial_workers`)."""
    n = len(cols["county"])
    t = np.zeros(n, dtype=WORKER_DTYPE)
    for name in ("county", "poor", "skill", "place", "firm", "tenure"):
        t[name] = cols[name]
    for name in ("age_band", "female", "education", "low_mandarin", "dependants", "first_time"):
        if name in cols:
            set_column(t, slice(None), name, cols[name])
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
