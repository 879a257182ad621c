"""Validation tables of a calibration: each target beside the model, and how well
the targets pin each parameter.

Rules:
- The model's value of a target is the median over the ensemble's parameter sets
  times the seeds, with the 5-95% band of those runs (the 90% band: it holds
  parameter and seed uncertainty together, not a confidence interval of a mean).
- A target is met when that median is within its tolerance (distance z <= 1).
- Fitted and held-out targets are listed apart; held-out ones never entered the loss.
- Identifiability: a parameter's ensemble spread (5-95%) as a share of its prior
  range; a share of 0.5 or more (ASSUMPTION) means the targets do not pin it.
  Pairs whose Spearman rank correlation over the ensemble is |rho| >= 0.5
  (ASSUMPTION) trade off: the targets fix a combination, not each one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from .loss import distance, month_index

#: Spread share at or above which a parameter counts as not pinned (ASSUMPTION).
NOT_PINNED = 0.5
#: |Spearman rho| at or above which a pair counts as trading off (ASSUMPTION).
TRADE_OFF = 0.5


def _values(trials: list, metric: str) -> list:
    return [m.get(metric) for t in trials for m in t.user_attrs.get("metrics", [])]


def _summary(values: list, target: dict) -> tuple:
    """(median, q05, q95) of numeric values or of months (as labels)."""
    if "month" in target:
        idx = [month_index(v) for v in values if isinstance(v, str) and v]
        if not idx:
            return "never", "", ""
        q = np.quantile(idx, [0.5, 0.05, 0.95], method="nearest")
        return tuple(f"{int(k) // 12:04d}-{int(k) % 12 + 1:02d}" for k in q)
    x = np.array([v for v in values if v is not None and not isinstance(v, str)], float)
    if not len(x):
        return float("nan"), float("nan"), float("nan")
    return tuple(float(v) for v in np.quantile(x, [0.5, 0.05, 0.95]))


def _want(t: dict) -> str:
    if "month" in t:
        return f"{t['month']} ±{t['tolerance_months']} mo"
    if "value" in t:
        return f"{t['value']:g} ±{t['tolerance']:g}"
    return f"{t['low']:g}-{t['high']:g} ±{t['tolerance']:g}"


def target_table(targets: list[dict], ensemble_trials: list, hand_trial=None) -> pd.DataFrame:
    """One row per target: target, model median and 90% band over ensemble x seeds,
    the hand-set median, distance z of each median, met, fitted or held out."""
    rows = []
    for t in targets:
        med, lo, hi = _summary(_values(ensemble_trials, t["metric"]), t)
        hmed = _summary(_values([hand_trial], t["metric"]), t)[0] if hand_trial is not None else float("nan")
        z = distance(None if med == "never" else med, t)
        zh = distance(None if hmed == "never" else hmed, t) if hand_trial is not None else float("nan")
        rows.append(
            {
                "id": t["id"],
                "metric": t["metric"],
                "role": "held out" if t.get("holdout") else "fitted",
                "target": _want(t),
                "model_median": med,
                "band_q05": lo,
                "band_q95": hi,
                "z": z,
                "met": bool(z <= 1.0),
                "hand_set_median": hmed,
                "hand_set_z": zh,
            }
        )
    return pd.DataFrame(rows)


def identifiability(ranges: dict, ensemble_trials: list) -> pd.DataFrame:
    """Per parameter: prior range, best value, ensemble 5-95% and its share of the
    prior range, and whether the targets pin it (module rules)."""
    rows = []
    for path, r in ranges.items():
        x = np.array([t.params[path] for t in ensemble_trials], float)
        lo, hi = np.quantile(x, [0.05, 0.95])
        span = (np.log(r.high) - np.log(r.low)) if r.log else (r.high - r.low)
        spread = (np.log(hi) - np.log(lo)) if r.log else (hi - lo)
        share = float(spread / span) if span > 0 else float("nan")
        rows.append(
            {
                "parameter": path,
                "prior_low": r.low,
                "prior_high": r.high,
                "best": float(ensemble_trials[0].params[path]),
                "ens_q05": float(lo),
                "ens_q95": float(hi),
                "spread_share": share,
                "pinned": bool(share < NOT_PINNED),
            }
        )
    return pd.DataFrame(rows)


def trade_offs(ranges: dict, ensemble_trials: list) -> pd.DataFrame:
    """Pairs of parameters whose Spearman rank correlation over the ensemble is at
    least TRADE_OFF in size, strongest first (empty with fewer than 5 sets)."""
    cols = ["a", "b", "spearman_rho"]
    if len(ensemble_trials) < 5:
        return pd.DataFrame(columns=cols)
    paths = list(ranges)
    x = np.array([[t.params[p] for p in paths] for t in ensemble_trials], float)
    rows = []
    for i in range(len(paths)):
        for j in range(i + 1, len(paths)):
            if np.ptp(x[:, i]) == 0 or np.ptp(x[:, j]) == 0:
                continue
            rho = float(spearmanr(x[:, i], x[:, j]).statistic)
            if abs(rho) >= TRADE_OFF:
                rows.append({"a": paths[i], "b": paths[j], "spearman_rho": rho})
    return pd.DataFrame(rows, columns=cols).sort_values("spearman_rho", key=abs, ascending=False)


def series_bands(trials: list, column: str) -> pd.DataFrame:
    """Median and 5-95% band of a monthly series over trials x seeds, by month."""
    months = trials[0].user_attrs["months"]
    x = np.array([s[column] for t in trials for s in t.user_attrs["series"]], float)
    q = np.quantile(x, [0.05, 0.5, 0.95], axis=0)
    return pd.DataFrame({"month": months, "q05": q[0], "q50": q[1], "q95": q[2]})
