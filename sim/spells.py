"""Compact event tables for retention: one row per Ningbo spell that starts in
the run (arrival, first-job end, exit, group flags), never per-worker history."""

from __future__ import annotations

import mmap

import numpy as np
import pandas as pd

from .reasons import REASONS

# Arrival channels
CHANNELS = ("own", "organized", "broker", "from_prd")
# Exit reasons
EXITS = ("open", "return_home", "other_region", "gave_up_search", "festival_stay")
SUPPORT_FLAGS = ("trained", "liaison", "subsidy", "love_job", "housed")


# Columns in the smallest types that hold them (25 bytes a spell, packed: the log is the
# largest thing a big run keeps after the worker table, and an aligned row would be padded
# to 28): steps fit int16 (a run has at most 600 months, calendar.months), firm and broker
# ids need int32.
SPELL_DTYPE = np.dtype(
    [
        ("broker_id", np.int32),  # broker who placed the worker (-1: none)
        ("first_firm", np.int32),  # employer of the first job (-1: none yet)
        ("arrival_step", np.int16),
        ("hire_step", np.int16),  # first job's start (-1: none yet)
        ("job_end_step", np.int16),  # first job's end (-1: running or none)
        ("exit_step", np.int16),  # spell's end (-1: running)
        ("county", np.int8),
        ("poor", np.bool_),
        ("channel", np.int8),
        ("exit_reason", np.int8),
        ("supported", np.uint8),  # bit i: SUPPORT_FLAGS[i]
        ("job_end_reason", np.uint8),  # sim.reasons code: why the first job ended (0: running or none)
        ("exit_cause", np.uint8),  # sim.reasons code: why the worker left Ningbo (0: still there)
        ("age_band", np.uint8),  # the worker's (sim.table)
        ("female", np.bool_),
    ],
)
STEP_COLUMNS = ("arrival_step", "hire_step", "job_end_step", "exit_step")  # int32 in the tidy table


class SpellLog:
    """A growable table of spells (`rows`, typed); ids are row numbers. The
    transition kernels close spells by writing their row directly.

    The rows live in their own anonymous memory map, not in the C heap: growing
    remaps them (the kernel moves the pages, nothing is copied, the new rows are
    zeros), and the log never leaves a hole in the heap that the month's
    temporaries cannot fill (a log grown inside the heap, by copying, left each
    old copy behind as resident memory nothing used). Copies (pickle, deepcopy)
    hold the rows in use."""

    def __init__(self, capacity: int = 1024) -> None:
        self.n = 0
        self._map = _anonymous(max(capacity, 1) * SPELL_DTYPE.itemsize)
        self.rows = np.frombuffer(self._map, dtype=SPELL_DTYPE)

    def __getstate__(self) -> dict:
        return {"n": self.n, "capacity": len(self.rows), "rows": np.array(self.rows[: self.n])}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["capacity"])
        self.n = state["n"]
        self.rows[: self.n] = state["rows"]

    def _grow(self, need: int) -> None:
        """Room for `need` more spells: grow by an eighth (or what is needed), in place
        (the capacity left unused is at most an eighth of the log). Nothing keeps a view
        of `rows` across a call that opens spells; if something did, the log is copied
        into a new map instead."""
        if self.n + need <= len(self.rows):
            return
        size = max(len(self.rows) + len(self.rows) // 8, self.n + need) * SPELL_DTYPE.itemsize
        self.rows = None  # the map cannot be resized while an array looks at it
        try:
            self._map.resize(size)
        except (BufferError, OSError, ValueError, SystemError):  # a view is held, or no mremap here
            new = _anonymous(size)
            old = np.frombuffer(self._map, dtype=SPELL_DTYPE)
            np.frombuffer(new, dtype=SPELL_DTYPE)[: len(old)] = old
            self._map = new
        self.rows = np.frombuffer(self._map, dtype=SPELL_DTYPE)

    def open(self, step: int, county: np.ndarray, poor: np.ndarray, channel: np.ndarray, broker_id=None) -> np.ndarray:
        """Start spells for these arrivals; returns their ids."""
        m = len(county)
        self._grow(m)
        ids = np.arange(self.n, self.n + m)
        r = self.rows[self.n : self.n + m]
        r["arrival_step"] = step
        r["county"] = county
        r["poor"] = poor
        r["channel"] = channel
        r["hire_step"] = r["job_end_step"] = r["exit_step"] = -1
        r["exit_reason"] = r["supported"] = r["job_end_reason"] = r["exit_cause"] = 0
        r["broker_id"] = -1 if broker_id is None else broker_id
        r["first_firm"] = -1
        self.n += m
        return ids

    def hire(self, ids: np.ndarray, step: int, firm: np.ndarray | None = None) -> None:
        """Mark the start of the spell's first job (at `firm`), if not already hired."""
        ids = np.asarray(ids, dtype=np.int64)
        keep = ids >= 0
        col = self.rows["hire_step"]
        keep[keep] &= col[ids[keep]] < 0
        col[ids[keep]] = step
        if firm is not None:
            self.rows["first_firm"][ids[keep]] = np.asarray(firm)[keep]

    def not_hired(self, ids: np.ndarray) -> np.ndarray:
        """Mask: spells (ids >= 0) that have not had a job yet."""
        ids = np.asarray(ids, dtype=np.int64)
        return (ids >= 0) & (self.rows["hire_step"][np.maximum(ids, 0)] < 0)

    def mark_support(self, ids: np.ndarray, flag: str) -> None:
        """Record that these spells received a support (bit flag)."""
        ids = np.asarray(ids, dtype=np.int64)
        ids = ids[ids >= 0]
        self.rows["supported"][ids] |= np.uint8(1 << SUPPORT_FLAGS.index(flag))

    def table(self, county_names: list[str], broker_bit: bool = True) -> pd.DataFrame:
        """Tidy table of spells with names instead of codes (built in one frame)."""
        c = {k: self.rows[k][: self.n] for k in SPELL_DTYPE.names}
        c |= {k: c[k].astype(np.int32) for k in STEP_COLUMNS}  # the table's types do not follow the log's

        def named(codes, names):
            return pd.Categorical.from_codes(codes, names) if self.n else pd.Categorical([], categories=names)

        cols = {
            "arrival_step": c["arrival_step"],
            "county": named(c["county"], county_names),
            "poor": c["poor"],
            "channel": named(c["channel"], CHANNELS),
            "hire_step": c["hire_step"],
            "job_end_step": c["job_end_step"],
            "exit_step": c["exit_step"],
            "exit_reason": named(c["exit_reason"], EXITS),
            "job_end_reason": _reasons(c["job_end_reason"]),
            "exit_cause": _reasons(c["exit_cause"]),
            "broker_id": c["broker_id"],
            "first_firm": c["first_firm"],
            "age_band": c["age_band"],
            "female": c["female"],
        }
        for i, f in enumerate(SUPPORT_FLAGS):
            cols[f] = (c["supported"] >> i & 1).astype(bool)
        cols["broker"] = c["channel"] == CHANNELS.index("broker")
        any_support = (c["supported"] & ((1 << len(SUPPORT_FLAGS)) - 1)) != 0
        cols["unsupported"] = ~(any_support | cols["broker"])
        return pd.DataFrame(cols)


def _reasons(codes: np.ndarray) -> pd.Categorical:
    """Reason codes as names (`sim.reasons.REASONS`; "none" while running)."""
    return pd.Categorical.from_codes(codes.astype(np.int64), REASONS)


def _anonymous(size: int) -> mmap.mmap:
    """`size` bytes of zeroed private memory, mapped on their own (growable in place)."""
    if hasattr(mmap, "MAP_PRIVATE"):
        return mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE)  # shared anonymous memory could not grow
    return mmap.mmap(-1, size)
