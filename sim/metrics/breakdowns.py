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
from .retention import MEASURES, _measure_arrays

AGE_BANDS = ("16-24", "25-34", "35-44", "45+")
#: Firm size bands by jobs for Qianxinan workers (people): upper bounds and labels.
FIRM_SIZE_EDGES, FIRM_SIZES = (100, 500), ("<100", "100-499", "500+")
NOT_HIRED = "not hired"
RET_COLUMNS = ["by", "value", "measure", "month", "at_risk", "events", "survival", "lo", "hi", "n"]
FLOW_COLUMNS = ["step", "month", "by", "value", "arrivals", "first_hires", "first_job_ends", "left_ningbo"]


def spell_groups(spells: pd.DataFrame, world, scale: float) -> pd.DataFrame:
    """Each spell's value of every breakdown, as text (first-job breakdowns are
    'not hired' for spells with no job yet)."""
    f = world.firms
    firm = spells["first_firm"].to_numpy(np.int64)
    hired = firm >= 0
    fi = np.maximum(firm, 0)
    size = np.array(FIRM_SIZES, dtype=object)[np.searchsorted(FIRM_SIZE_EDGES, f.slots * scale, side="right")]
    district = np.array(world.district_names, dtype=object)[f.district]
    sector = np.array(f.sector, dtype=object)

    def job(col):
        return np.where(hired, col[fi] if len(col) else NOT_HIRED, NOT_HIRED)

    return pd.DataFrame(
        {
            "county": spells["county"].astype(str).to_numpy(object),
            "district": job(district),
            "sector": job(sector),
            "firm_size": job(size),
            "gender": np.where(spells["female"].to_numpy(bool), "female", "male"),
            "age_band": np.array(AGE_BANDS, dtype=object)[spells["age_band"].to_numpy(np.int64)],
            "broker": np.where(spells["channel"].astype(str).to_numpy() == "broker", "broker", "not broker"),
        }
    )


def retention_by(spells: pd.DataFrame, groups: pd.DataFrame, month_labels: list[str], horizon: int = 24):
    """Tidy KM table by breakdown: by, value, measure, month, at_risk, events,
    survival, lo, hi, n (spells, in agents)."""
    if spells.empty:
        return pd.DataFrame(columns=RET_COLUMNS)
    last = len(month_labels) - 1
    horizon = min(horizon, last)
    width = horizon + 2
    dur, event, counted = _measure_arrays(spells, last)
    slot = np.minimum(dur, horizon + 1)
    parts = []
    for by in BREAKDOWNS:
        values, v = np.unique(groups[by].to_numpy(str), return_inverse=True)
        key = ((v * len(MEASURES) + np.arange(len(MEASURES))[:, None]) * width + slot)[counted]
        hit = (event & (slot <= horizon))[counted]
        shape = (len(values), len(MEASURES), width)
        ended = np.bincount(key, minlength=int(np.prod(shape))).reshape(shape)
        events = np.bincount(key[hit], minlength=int(np.prod(shape))).reshape(shape)[..., : horizon + 1]
        km = km_from_counts(ended, events)
        n = ended.sum(axis=-1)
        vi, mi = np.nonzero(n > 0)
        part = {
            "by": by,
            "value": np.repeat(values[vi].astype(object), horizon + 1),
            "measure": np.repeat(np.array(MEASURES, dtype=object)[mi], horizon + 1),
            "month": np.tile(np.arange(horizon + 1), len(vi)),
        }
        for k in ("at_risk", "events", "survival", "lo", "hi"):
            part[k] = km[k][vi, mi].ravel()
        part["n"] = np.repeat(n[vi, mi], horizon + 1)
        parts.append(pd.DataFrame(part, columns=RET_COLUMNS))
    return pd.concat(parts, ignore_index=True)


def flows_by(spells: pd.DataFrame, groups: pd.DataFrame, month_labels: list[str], scale: float) -> pd.DataFrame:
    """Tidy monthly flows by breakdown (people): arrivals, first hires, first-job
    ends and departures from Ningbo, for each month and value that had any."""
    nm = len(month_labels)
    steps = {
        "arrivals": spells["arrival_step"].to_numpy(np.int64),
        "first_hires": spells["hire_step"].to_numpy(np.int64),
        "first_job_ends": spells["job_end_step"].to_numpy(np.int64),
        "left_ningbo": spells["exit_step"].to_numpy(np.int64),
    }
    parts = []
    for by in BREAKDOWNS:
        values, v = np.unique(groups[by].to_numpy(str), return_inverse=True)
        counts = {}
        for name, s in steps.items():
            ok = s >= 0
            counts[name] = np.bincount(v[ok] * nm + s[ok], minlength=len(values) * nm).reshape(len(values), nm)
        total = sum(counts.values())
        vi, si = np.nonzero(total)
        part = {
            "step": si,
            "month": np.array(month_labels, dtype=object)[si],
            "by": by,
            "value": values[vi].astype(object),
        }
        for name in steps:
            part[name] = counts[name][vi, si] * scale
        parts.append(pd.DataFrame(part, columns=FLOW_COLUMNS))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=FLOW_COLUMNS)
