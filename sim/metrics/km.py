"""Kaplan-Meier survival in numpy, with Greenwood 95% bands."""

from __future__ import annotations

import numpy as np


def kaplan_meier(durations, events, horizon: int | None = None, z: float = 1.96) -> dict[str, np.ndarray]:
    """Kaplan-Meier estimate on integer times 0..horizon.

    Rule: S(t) = prod_{j<=t} (1 - d_j / n_j), where d_j counts events at time j
    and n_j the subjects with duration >= j (censored at their duration).
    Variance by Greenwood's formula; the band is S * exp(+-z * se(log S)),
    clipped to [0, 1].

    Args:
        durations: Integer durations (time of event or of censoring).
        events: True where the duration ends in an event.
        horizon: Last time reported (default: the largest duration).

    Returns:
        Dict of arrays: time, at_risk, events, survival, lo, hi.
    """
    d = np.asarray(durations, dtype=np.int64)
    e = np.asarray(events, dtype=bool)
    horizon = int(d.max()) if horizon is None and d.size else int(horizon or 0)
    t = np.arange(horizon + 1)
    counts = np.bincount(d, minlength=horizon + 1)[: horizon + 1] if d.size else np.zeros(horizon + 1)
    ev = np.bincount(d[e], minlength=horizon + 1)[: horizon + 1] if e.any() else np.zeros(horizon + 1)
    beyond = int((d > horizon).sum())
    at_risk = (np.cumsum(counts[::-1])[::-1] + beyond).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(at_risk > 0, ev / at_risk, 0.0)
        surv = np.cumprod(1.0 - frac)
        gw = np.cumsum(np.where((at_risk > 0) & (at_risk > ev), ev / (at_risk * (at_risk - ev)), 0.0))
        se_log = np.sqrt(gw)
    lo = np.clip(surv * np.exp(-z * se_log), 0.0, 1.0)
    hi = np.clip(surv * np.exp(z * se_log), 0.0, 1.0)
    return {"time": t, "at_risk": at_risk, "events": ev.astype(float), "survival": surv, "lo": lo, "hi": hi}
