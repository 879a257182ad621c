"""Retention tables from the spell log: Kaplan-Meier by arrival cohort and group.

Two measures:
- `ningbo`: staying in Ningbo (any job, or seeking); the event is leaving Ningbo
  (return home, another region, giving up the search, staying home after the
  festival).
- `first_job`: staying in the first job of the spell, counted from the hire;
  the event is its end (spells never hired are left out).
Spells still open at the end of the run are censored there.

Cohorts are 'all' and the arrival quarters; groups overlap (a spell is in 'all',
in 'poor' or 'not_poor', and maybe in 'unsupported', 'organized' or 'broker').
Every estimate comes from one `np.bincount` over a quarter x kind x measure x
duration key, where a spell's kind (registered poor, unsupported, channel) is one of
twelve disjoint cells; a group's counts are then the sum over the kinds it holds
and the 'all' cohort the sum over quarters (small arrays, never one table per subset).
"""

from __future__ import annotations

from itertools import product

import numpy as np
import pandas as pd

from .km import km_from_counts

#: Group -> rule on a spell's (registered poor, unsupported, channel class).
GROUPS = {
    "all": lambda poor, unsupported, channel: True,
    "poor": lambda poor, unsupported, channel: poor,
    "not_poor": lambda poor, unsupported, channel: not poor,
    "unsupported": lambda poor, unsupported, channel: unsupported,
    "organized": lambda poor, unsupported, channel: channel == "organized",
    "broker": lambda poor, unsupported, channel: channel == "broker",
}
CHANNEL_CLASSES = ("other", "organized", "broker")
#: The disjoint kinds of spell, in key order: (poor, unsupported, channel class).
KINDS = list(product((False, True), (False, True), CHANNEL_CLASSES))
#: Kind x group membership (1 where the group holds the kind).
IN_GROUP = np.array([[int(bool(rule(*k))) for rule in GROUPS.values()] for k in KINDS], dtype=np.int64)
MEASURES = ("ningbo", "first_job")
COLUMNS = ["cohort", "group", "measure", "month", "at_risk", "events", "survival", "lo", "hi", "n"]


def _measure_arrays(spells: pd.DataFrame, last: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per measure and spell (shape (2, n)): duration, event, and whether the spell counts
    (first_job counts hired spells only)."""
    arrival, hire = spells["arrival_step"].to_numpy(np.int64), spells["hire_step"].to_numpy(np.int64)
    exit_, job_end = spells["exit_step"].to_numpy(np.int64), spells["job_end_step"].to_numpy(np.int64)
    end = np.stack([exit_, job_end])
    start = np.stack([arrival, hire])
    event = end >= 0
    counted = np.stack([np.ones_like(arrival, dtype=bool), hire >= 0])
    dur = np.where(event, end, last) - start
    return np.where(counted, dur, 0), event & counted, counted


def _quarters(spells: pd.DataFrame, month_labels: list[str]) -> tuple[list[str], np.ndarray]:
    """Arrival quarters that have spells, in order ('2020Q1', ...), and each spell's index
    among them (quarters are found per month, then looked up per spell)."""
    quarter_of_step = np.array([m[:4] + "Q" + str((int(m[5:7]) - 1) // 3 + 1) for m in month_labels])
    names, step_quarter = np.unique(quarter_of_step, return_inverse=True)
    q = step_quarter[spells["arrival_step"].to_numpy(np.int64)]
    present = np.bincount(q, minlength=len(names)) > 0
    return names[present].tolist(), (np.cumsum(present) - 1)[q]


def _kinds(spells: pd.DataFrame) -> np.ndarray:
    """Each spell's kind: its row in KINDS."""
    chan_class = channel_class(spells["channel"])
    poor, unsupported = spells["poor"].to_numpy(bool), spells["unsupported"].to_numpy(bool)
    return (poor * 2 + unsupported) * len(CHANNEL_CLASSES) + chan_class


def label_codes(col: pd.Series) -> tuple[list[str], np.ndarray]:
    """A column as (labels, each row's index among them): a categorical's categories
    and codes (a missing value is the label 'nan', as `astype(str)` writes it), or
    the distinct texts of any other column."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy(np.int64)
        labels = [str(c) for c in col.cat.categories]
        return [*labels, "nan"], np.where(codes < 0, len(labels), codes)
    labels, idx = np.unique(col.astype(str).to_numpy(str), return_inverse=True)
    return labels.tolist(), idx


def channel_class(channel: pd.Series) -> np.ndarray:
    """Each spell's index in CHANNEL_CLASSES (other channels: the first class)."""
    labels, idx = label_codes(channel)
    of_label = np.array([CHANNEL_CLASSES.index(x) if x in CHANNEL_CLASSES[1:] else 0 for x in labels], np.int64)
    return of_label[idx]


def retention_table(spells: pd.DataFrame, month_labels: list[str], horizon: int = 24) -> pd.DataFrame:
    """Tidy KM table: cohort (arrival quarter or 'all'), group, measure, month,
    at_risk, events, survival, lo, hi, n. Counts are in agents (spells)."""
    if spells.empty:
        return pd.DataFrame(columns=COLUMNS)
    last = len(month_labels) - 1
    horizon = min(horizon, last)
    width = horizon + 2  # durations 0..horizon, then "beyond the horizon"
    quarters, quarter = _quarters(spells, month_labels)
    dur, event, counted = _measure_arrays(spells, last)  # (measure, spell)
    cell = (quarter * len(KINDS) + _kinds(spells)) * len(MEASURES)  # (spell,)
    slot = np.minimum(dur, horizon + 1)
    key = ((cell + np.arange(len(MEASURES))[:, None]) * width + slot)[counted]
    hit = (event & (slot <= horizon))[counted]
    shape = (len(quarters), len(KINDS), len(MEASURES), width)
    size = int(np.prod(shape))
    ended = _by_cohort_and_group(np.bincount(key, minlength=size).reshape(shape))
    events = _by_cohort_and_group(np.bincount(key[hit], minlength=size).reshape(shape))[..., : horizon + 1]
    km = km_from_counts(ended, events)
    n_cell = ended.sum(axis=-1)  # spells counted per (cohort, group, measure)
    shown = np.repeat((n_cell[..., :1] > 0), len(MEASURES), axis=-1)  # subsets with any spell
    return _tidy(km, n_cell, shown, ["all", *quarters], horizon)


def _by_cohort_and_group(counts: np.ndarray) -> np.ndarray:
    """(quarter, kind, measure, t) counts -> (cohort, group, measure, t), cohort 0 = 'all'."""
    by_group = np.einsum("qkmt,kg->qgmt", counts, IN_GROUP)
    return np.concatenate([by_group.sum(axis=0, keepdims=True), by_group])


def _tidy(km: dict, n_cell: np.ndarray, shown: np.ndarray, cohorts: list[str], horizon: int) -> pd.DataFrame:
    """Long table, one row per shown (cohort, group, measure) and month 0..horizon."""
    ci, gi, mi = np.nonzero(shown)
    months = horizon + 1
    groups, measures = np.array(list(GROUPS), dtype=object), np.array(MEASURES, dtype=object)
    out = {
        "cohort": np.repeat(np.array(cohorts, dtype=object)[ci], months),
        "group": np.repeat(groups[gi], months),
        "measure": np.repeat(measures[mi], months),
        "month": np.tile(np.arange(months), len(ci)),
    }
    for k in ("at_risk", "events", "survival", "lo", "hi"):
        out[k] = km[k][ci, gi, mi].ravel()
    out["n"] = np.repeat(n_cell[ci, gi, mi], months)
    return pd.DataFrame(out, columns=COLUMNS)


def survival_at(
    ret: pd.DataFrame, month: int, group: str = "all", measure: str = "ningbo", cohort: str = "all"
) -> float:
    """Survival at `month` from a retention table (NaN when not observed)."""
    row = ret[(ret.cohort == cohort) & (ret.group == group) & (ret.measure == measure) & (ret.month == month)]
    return float(row["survival"].iloc[0]) if len(row) else float("nan")


def survival_points(ret: pd.DataFrame, cohort: str = "all") -> dict[tuple[str, str, int], float]:
    """Survival of one cohort by (group, measure, month): `survival_at` for many look-ups."""
    sub = ret[ret["cohort"].to_numpy() == cohort]
    keys = zip(sub["group"].tolist(), sub["measure"].tolist(), sub["month"].tolist(), strict=True)
    return dict(zip(keys, sub["survival"].astype(float).tolist(), strict=True))
