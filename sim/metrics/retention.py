"""Retention tables from the spell log: Kaplan-Meier by arrival cohort and group.

Two measures:
- `ningbo`: staying in Ningbo (any job, or seeking); the event is leaving Ningbo
  (return home, another region, giving up the search, staying home after the
  festival).
- `first_job`: staying in the first job of the spell, counted from the hire;
  the event is its end (spells never hired are left out).
Spells still open at the end of the run are censored there.
"""

from __future__ import annotations

import pandas as pd

from .km import kaplan_meier

GROUPS = {
    "all": lambda s: s.index == s.index,
    "poor": lambda s: s["poor"],
    "not_poor": lambda s: ~s["poor"],
    "unsupported": lambda s: s["unsupported"],
    "organized": lambda s: s["channel"] == "organized",
    "broker": lambda s: s["channel"] == "broker",
}


def durations(spells: pd.DataFrame, last_step: int, measure: str) -> tuple[pd.Series, pd.Series]:
    """(duration, event) per spell; censored spells last to `last_step`."""
    if measure == "first_job":
        spells = spells[spells["hire_step"] >= 0]
        end, start = spells["job_end_step"], spells["hire_step"]
    else:
        end, start = spells["exit_step"], spells["arrival_step"]
    event = end >= 0
    dur = end.where(event, last_step) - start
    return dur, event


def retention_table(spells: pd.DataFrame, month_labels: list[str], horizon: int = 24) -> pd.DataFrame:
    """Tidy KM table: cohort (arrival quarter or 'all'), group, measure, month,
    at_risk, events, survival, lo, hi. Counts are in agents (spells)."""
    last = len(month_labels) - 1
    horizon = min(horizon, last)
    quarter = pd.Series(
        [month_labels[s][:4] + "Q" + str((int(month_labels[s][5:7]) - 1) // 3 + 1) for s in spells["arrival_step"]],
        index=spells.index,
        dtype=object,
    )
    frames = []
    cohorts = [("all", spells.index == spells.index)] + [(q, quarter == q) for q in sorted(quarter.unique())]
    for cname, cmask in cohorts:
        for gname, gfun in GROUPS.items():
            sub = spells[cmask & gfun(spells)]
            if sub.empty:
                continue
            for measure in ("ningbo", "first_job"):
                dur, ev = durations(sub, last, measure)
                km = kaplan_meier(dur.to_numpy(), ev.to_numpy(), horizon)
                df = pd.DataFrame(km).rename(columns={"time": "month"})
                df.insert(0, "measure", measure)
                df.insert(0, "group", gname)
                df.insert(0, "cohort", cname)
                df["n"] = len(dur)
                frames.append(df)
    cols = ["cohort", "group", "measure", "month", "at_risk", "events", "survival", "lo", "hi", "n"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)


def survival_at(
    ret: pd.DataFrame, month: int, group: str = "all", measure: str = "ningbo", cohort: str = "all"
) -> float:
    """Survival at `month` from a retention table (NaN when not observed)."""
    row = ret[(ret.cohort == cohort) & (ret.group == group) & (ret.measure == measure) & (ret.month == month)]
    return float(row["survival"].iloc[0]) if len(row) else float("nan")
