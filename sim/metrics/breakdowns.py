"""Retention and flows broken down by who and where (issue 11).

From the spell table only (never per-worker history): each spell knows its
home county, the worker's gender and age band, its channel, and the employer of
its first job (hence district, sector and firm size band). Retention is
Kaplan-Meier (`km.km_from_counts`) from one `np.bincount` per breakdown over a
value x measure x duration key, as in `retention`; flows count arrivals, first
hires, first-job ends and departures from Ningbo per month and value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .km import km_from_counts
from .names import BREAKDOWNS
from .retention import CHANNEL_CLASSES, MEASURES, _measure_arrays, channel_class, label_codes

AGE_BANDS = ("16-24", "25-34", "35-44", "45+")
#: Firm size bands by jobs for Qianxinan workers (people): upper bounds and labels.
FIRM_SIZE_EDGES, FIRM_SIZES = (100, 500), ("<100", "100-499", "500+")
NOT_HIRED = "not hired"
RET_COLUMNS = ["by", "value", "measure", "month", "at_risk", "events", "survival", "lo", "hi", "n"]
FLOW_COLUMNS = ["step", "month", "by", "value", "arrivals", "first_hires", "first_job_ends", "left_ningbo"]


def spell_groups(spells: pd.DataFrame, world, scale: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each spell's value of every breakdown, as (values, index): the values that occur,
    as text sorted as `np.unique` sorts them, and each spell's index among them
    (first-job breakdowns are 'not hired' for spells with no job yet). Built from small
    label lists and integer codes, never from one string per spell."""
    f = world.firms
    firm = spells["first_firm"].to_numpy(np.int64)
    hired = firm >= 0
    fi = np.maximum(firm, 0)
    nf = len(f.slots)
    sectors, sector_of = np.unique(np.array(f.sector, dtype=str), return_inverse=True)
    size_of = np.searchsorted(FIRM_SIZE_EDGES, f.slots * scale, side="right")

    def job(labels, of_firm):
        code = np.where(hired, of_firm[fi] if nf else 0, len(labels))
        return [*labels, NOT_HIRED], code

    by_code = {
        "county": label_codes(spells["county"]),
        "district": job(list(world.district_names), np.asarray(f.district, dtype=np.int64)),
        "sector": job(sectors.tolist(), sector_of),
        "firm_size": job(list(FIRM_SIZES), size_of),
        "gender": (["male", "female"], spells["female"].to_numpy(bool).astype(np.int64)),
        "age_band": (list(AGE_BANDS), spells["age_band"].to_numpy(np.int64)),
        "broker": (["not broker", "broker"], channel_class(spells["channel"]) == CHANNEL_CLASSES.index("broker")),
    }
    return {by: _present(labels, code) for by, (labels, code) in by_code.items()}


def _present(labels: list[str], code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(values, index): the distinct texts among the labels that occur (sorted by code
    point, as `np.unique` sorts text) and each row's index among them."""
    code = np.asarray(code, dtype=np.int64)
    labels = [str(x) for x in labels]
    used = np.flatnonzero(np.bincount(code, minlength=len(labels)))
    values = sorted({labels[k] for k in used})
    pos = {v: i for i, v in enumerate(values)}
    remap = np.array([pos.get(x, -1) for x in labels], dtype=np.int64)
    return np.array(values, dtype=object), remap[code]


def retention_by(spells: pd.DataFrame, groups: dict, month_labels: list[str], horizon: int = 24):
    """Tidy KM table by breakdown: by, value, measure, month, at_risk, events,
    survival, lo, hi, n (spells, in agents)."""
    if spells.empty:
        return pd.DataFrame(columns=RET_COLUMNS)
    last = len(month_labels) - 1
    horizon = min(horizon, last)
    width = horizon + 2
    rows, code = _ended_codes(spells, last, horizon)
    per_value = len(MEASURES) * width * 2
    parts = []
    for by in BREAKDOWNS:
        values, v = groups[by]
        shape = (len(values), len(MEASURES), width, 2)
        c = np.bincount(v[rows] * per_value + code, minlength=len(values) * per_value).reshape(shape)
        ended, events = c.sum(axis=-1), c[..., : horizon + 1, 1]
        km = km_from_counts(ended, events)
        n = ended.sum(axis=-1)
        vi, mi = np.nonzero(n > 0)
        part = {
            "by": np.full(len(vi) * (horizon + 1), by, dtype=object),
            "value": np.repeat(values[vi], horizon + 1),
            "measure": np.repeat(np.array(MEASURES, dtype=object)[mi], horizon + 1),
            "month": np.tile(np.arange(horizon + 1), len(vi)),
        }
        for k in ("at_risk", "events", "survival", "lo", "hi"):
            part[k] = km[k][vi, mi].ravel()
        part["n"] = np.repeat(n[vi, mi], horizon + 1)
        parts.append(part)
    return _one_table(parts, RET_COLUMNS)


def _one_table(parts: list[dict], columns: list[str]) -> pd.DataFrame:
    """One table from parts given as dicts of equally long columns (one frame, not a
    concatenation of one frame per part)."""
    return pd.DataFrame({c: np.concatenate([p[c] for p in parts]) for c in columns}, columns=columns)


def _ended_codes(spells: pd.DataFrame, last: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, code) of each counted (spell, measure): the spell's row and its
    (measure, duration slot, event) cell, duration slots 0..horizon and then 'beyond',
    the event bit last (an event beyond the horizon is not counted as one)."""
    dur, event, counted = _measure_arrays(spells, last)
    slot = np.minimum(dur, horizon + 1)
    rows, code = [], []
    for m in range(len(MEASURES)):
        r = np.flatnonzero(counted[m])
        rows.append(r)
        code.append((m * (horizon + 2) + slot[m, r]) * 2 + (event[m, r] & (slot[m, r] <= horizon)))
    return np.concatenate(rows), np.concatenate(code)


def flows_by(spells: pd.DataFrame, groups: dict, month_labels: list[str], scale: float) -> pd.DataFrame:
    """Tidy monthly flows by breakdown (people): arrivals, first hires, first-job
    ends and departures from Ningbo, for each month and value that had any."""
    nm = len(month_labels)
    names = ("arrivals", "first_hires", "first_job_ends", "left_ningbo")
    steps = [spells[c].to_numpy(np.int64) for c in ("arrival_step", "hire_step", "job_end_step", "exit_step")]
    rows = [np.flatnonzero(st >= 0) for st in steps]  # the spells each flow counts
    code = np.concatenate([st[r] * len(names) + k for k, (st, r) in enumerate(zip(steps, rows, strict=True))])
    rows = np.concatenate(rows)
    per_value = nm * len(names)
    parts = []
    for by in BREAKDOWNS:
        values, v = groups[by]
        c = np.bincount(v[rows] * per_value + code, minlength=len(values) * per_value)
        c = c.reshape(len(values), nm, len(names))
        counts = {name: c[..., k] for k, name in enumerate(names)}
        total = sum(counts.values())
        vi, si = np.nonzero(total)
        part = {
            "step": si,
            "month": np.array(month_labels, dtype=object)[si],
            "by": np.full(len(si), by, dtype=object),
            "value": values[vi],
        }
        for name in names:
            part[name] = counts[name][vi, si] * scale
        parts.append(part)
    if not spells.empty:
        return _one_table(parts, FLOW_COLUMNS)
    return pd.DataFrame({**parts[0], "by": ""}, columns=FLOW_COLUMNS)  # no spell: no row, `by` typed as text
