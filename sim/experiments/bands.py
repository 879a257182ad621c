"""Aggregate tables over replicates: mean and 5/50/95% quantiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

QUANTILES = (0.05, 0.5, 0.95)


def bands(df: pd.DataFrame, keys: list[str], value: str) -> pd.DataFrame:
    """Mean and 5/50/95% quantiles of `value` over replicates, per `keys`."""
    g = df.groupby(keys, sort=True)[value]
    out = g.mean().rename("mean").to_frame()
    for q in QUANTILES:
        out[f"q{int(q * 100):02d}"] = g.quantile(q)
    out["n"] = g.size()
    return out.reset_index()


def monthly_bands(reps: list[dict]) -> pd.DataFrame:
    """Long table: month x variable x (mean, q05, q50, q95) over replicates."""
    frames = []
    for r in reps:
        m = r["monthly"].melt(id_vars=["step", "month"], var_name="variable", value_name="value")
        frames.append(m)
    return bands(pd.concat(frames), ["step", "month", "variable"], "value")


def retention_bands(reps: list[dict]) -> pd.DataFrame:
    """Retention (cohort 'all') by group x measure x month over replicates."""
    return bands(pd.concat([r["retention"] for r in reps]), ["group", "measure", "month"], "survival")


def budget_bands(reps: list[dict], months: list[str]) -> pd.DataFrame:
    """Yuan by month x policy x payer over replicates (a missing entry is 0 yuan)."""
    frames = [r["budget"].assign(rep=i) for i, r in enumerate(reps) if len(r["budget"])]
    if not frames:
        return pd.DataFrame(columns=["month", "policy", "payer", "mean", "q05", "q50", "q95", "n"])
    b = pd.concat(frames)
    full = b.pivot_table(index=["month", "policy", "payer"], columns="rep", values="yuan", aggfunc="sum")
    full = full.reindex(columns=range(len(reps))).fillna(0.0)
    long = full.stack().rename("yuan").reset_index()
    return bands(long, ["month", "policy", "payer"], "yuan")


def metric_table(reps: list[dict]) -> pd.DataFrame:
    """Headline metrics, one row per replicate (with its seed)."""
    return pd.DataFrame([{"seed": r["seed"], **r["metrics"]} for r in reps])


def t975(df: int) -> float:
    """97.5% quantile of Student's t with `df` degrees of freedom (scipy.stats.t)."""
    return float(student_t.ppf(0.975, df))


def mean_ci(x) -> tuple[float, float, float]:
    """Mean and the 95% Student-t confidence interval of the mean (NaNs dropped)."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) < 2:
        m = float(x.mean()) if len(x) else float("nan")
        return m, float("nan"), float("nan")
    half = t975(len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
    return float(x.mean()), float(x.mean() - half), float(x.mean() + half)


def metric_ci(metric: str, x) -> tuple[float, float, float]:
    """Mean and 95% interval of a metric over replicates: on the logit scale for a
    share (inside [0, 1]; `intervals.logit_interval`), else Student t (`mean_ci`)."""
    from .intervals import is_share, logit_interval

    x = np.asarray(x, dtype=float)
    finite = x[np.isfinite(x)]
    if is_share(metric) and len(finite) and ((finite >= 0) & (finite <= 1)).all():
        return logit_interval(x)
    return mean_ci(x)


def cumulative_bands(reps: list[dict], months: list[str]) -> pd.DataFrame:
    """Cumulative yuan (all policies and payers) by month: each replicate's own running
    total, then its mean and 5/50/95% quantiles over replicates (the quantiles of sums,
    not sums of monthly quantiles)."""
    rows = []
    for i, r in enumerate(reps):
        b = r["budget"]
        per = b.groupby("month")["yuan"].sum() if len(b) else pd.Series(dtype=float)
        cum = per.reindex(months).fillna(0.0).cumsum()
        rows.append(pd.DataFrame({"month": months, "rep": i, "yuan": cum.to_numpy(float)}))
    return bands(pd.concat(rows), ["month"], "yuan").set_index("month").reindex(months).reset_index()
