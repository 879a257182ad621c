"""Compact event tables for retention: one row per Ningbo spell that starts in
the run (arrival, first-job end, exit, group flags), never per-worker history."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Arrival channels
CHANNELS = ("own", "organized", "broker", "from_prd")
# Exit reasons
EXITS = ("open", "return_home", "other_region", "gave_up_search", "festival_stay")
SUPPORT_FLAGS = ("trained", "liaison", "subsidy", "love_job")


class SpellLog:
    """Growable columns of spells; ids are row numbers."""

    def __init__(self, capacity: int = 1024) -> None:
        self.n = 0
        self._cols: dict[str, np.ndarray] = {}
        self._spec = {
            "arrival_step": np.int32,
            "county": np.int8,
            "poor": bool,
            "channel": np.int8,
            "hire_step": np.int32,
            "job_end_step": np.int32,
            "exit_step": np.int32,
            "exit_reason": np.int8,
            "supported": np.uint8,
        }
        for k, dt in self._spec.items():
            self._cols[k] = np.zeros(capacity, dtype=dt)

    def _grow(self, need: int) -> None:
        cap = len(self._cols["arrival_step"])
        if self.n + need <= cap:
            return
        new = max(cap * 2, self.n + need)
        for k, a in self._cols.items():
            b = np.zeros(new, dtype=a.dtype)
            b[: self.n] = a[: self.n]
            self._cols[k] = b

    def open(self, step: int, county: np.ndarray, poor: np.ndarray, channel: np.ndarray) -> np.ndarray:
        """Start spells for these arrivals; returns their ids."""
        m = len(county)
        self._grow(m)
        ids = np.arange(self.n, self.n + m)
        c = self._cols
        c["arrival_step"][ids] = step
        c["county"][ids] = county
        c["poor"][ids] = poor
        c["channel"][ids] = channel
        c["hire_step"][ids] = -1
        c["job_end_step"][ids] = -1
        c["exit_step"][ids] = -1
        c["exit_reason"][ids] = 0
        c["supported"][ids] = 0
        self.n += m
        return ids

    def hire(self, ids: np.ndarray, step: int) -> None:
        """Mark the start of the spell's first job, if not already hired."""
        ids = np.asarray(ids, dtype=np.int64)
        ids = ids[ids >= 0]
        col = self._cols["hire_step"]
        ids = ids[col[ids] < 0]
        col[ids] = step

    def end_first_job(self, ids: np.ndarray, step: int) -> None:
        """Mark the end of the spell's first job (a quit), if it had begun and not ended."""
        ids = np.asarray(ids, dtype=np.int64)
        ids = ids[ids >= 0]
        ids = ids[(self._cols["job_end_step"][ids] < 0) & (self._cols["hire_step"][ids] >= 0)]
        self._cols["job_end_step"][ids] = step

    def not_hired(self, ids: np.ndarray) -> np.ndarray:
        """Mask: spells (ids >= 0) that have not had a job yet."""
        ids = np.asarray(ids, dtype=np.int64)
        return (ids >= 0) & (self._cols["hire_step"][np.maximum(ids, 0)] < 0)

    def first_hire(self, spell: int) -> bool:
        """Whether the spell has not had a job yet."""
        return bool(self._cols["hire_step"][spell] < 0)

    def close(self, ids: np.ndarray, step: int, reason: int) -> None:
        """End these spells (the worker left Ningbo)."""
        ids = np.asarray(ids, dtype=np.int64)
        ids = ids[ids >= 0]
        self.end_first_job(ids, step)
        self._cols["exit_step"][ids] = step
        self._cols["exit_reason"][ids] = reason

    def mark_support(self, ids: np.ndarray, flag: str) -> None:
        """Record that these spells received a support (bit flag)."""
        ids = np.asarray(ids, dtype=np.int64)
        ids = ids[ids >= 0]
        self._cols["supported"][ids] |= np.uint8(1 << SUPPORT_FLAGS.index(flag))

    def table(self, county_names: list[str], broker_bit: bool = True) -> pd.DataFrame:
        """Tidy table of spells with names instead of codes."""
        c = {k: v[: self.n] for k, v in self._cols.items()}
        df = pd.DataFrame(
            {
                "arrival_step": c["arrival_step"],
                "county": pd.Categorical.from_codes(c["county"], county_names)
                if self.n
                else pd.Categorical([], categories=county_names),
                "poor": c["poor"],
                "channel": pd.Categorical.from_codes(c["channel"], CHANNELS)
                if self.n
                else pd.Categorical([], categories=CHANNELS),
                "hire_step": c["hire_step"],
                "job_end_step": c["job_end_step"],
                "exit_step": c["exit_step"],
                "exit_reason": pd.Categorical.from_codes(c["exit_reason"], EXITS)
                if self.n
                else pd.Categorical([], categories=EXITS),
            }
        )
        for i, f in enumerate(SUPPORT_FLAGS):
            df[f] = (c["supported"] >> i & 1).astype(bool)
        df["broker"] = df["channel"] == "broker"
        df["unsupported"] = ~(df[list(SUPPORT_FLAGS)].any(axis=1) | df["broker"])
        return df
