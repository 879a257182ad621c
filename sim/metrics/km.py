"""Kaplan-Meier survival in numpy, with Greenwood 95% bands, for one sample or for
many at once (one row per sample, from counts of durations and events)."""

from __future__ import annotations

import numpy as np


def km_from_counts(ended: np.ndarray, events: np.ndarray, z: float = 1.96) -> dict[str, np.ndarray]:
    """Kaplan-Meier estimates of many samples at once, from their counts.

    Rule: S(t) = prod_{j<=t} (1 - d_j / n_j), where d_j counts events at time j
    and n_j the subjects with duration >= j (censored at their duration).
    Variance by Greenwood's formula; the band is S * exp(+-z * se(log S)),
    clipped to [0, 1].

    Args:
        ended: Shape (..., H + 2): subjects whose duration is t, for t = 0..H, and
            in the last column those whose duration is beyond H.
        events: Shape (..., H + 1): events at t = 0..H.

    Returns:
        Dict of arrays of shape (..., H + 1): at_risk, events, survival, lo, hi.
    """
    at_risk = np.cumsum(ended[..., ::-1], axis=-1)[..., ::-1][..., :-1].astype(float)
    ev = np.asarray(events, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(at_risk > 0, ev / at_risk, 0.0)
        surv = np.cumprod(1.0 - frac, axis=-1)
        ok = (at_risk > 0) & (at_risk > ev)
        gw = np.cumsum(np.where(ok, ev / (at_risk * (at_risk - ev)), 0.0), axis=-1)
    se_log = np.sqrt(gw)
    lo = np.clip(surv * np.exp(-z * se_log), 0.0, 1.0)
    hi = np.clip(surv * np.exp(z * se_log), 0.0, 1.0)
    return {"at_risk": at_risk, "events": ev, "survival": surv, "lo": lo, "hi": hi}


def kaplan_meier(durations, events, horizon: int | None = None, z: float = 1.96) -> dict[str, np.ndarray]:
    """Kaplan-Meier estimate of one sample on integer times 0..horizon (see `km_from_counts`).

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
    slot = np.minimum(d, horizon + 1)
    ended = np.bincount(slot, minlength=horizon + 2)
    ev = np.bincount(slot[e & (d <= horizon)], minlength=horizon + 2)[: horizon + 1]
    return {"time": np.arange(horizon + 1), **km_from_counts(ended, ev, z)}
