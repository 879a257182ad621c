"""Recruitment chains: broker -> recruits -> months retained, cost (issue 11).

One row per broker from the spell table (each spell keeps the broker who placed
the recruit) and the fees booked to each broker by the broker policies. Counts
are in people (agents times people per agent); spells still open at the end of
the run count their months so far.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = [
    "broker_id",
    "county",
    "promoted",
    "active",
    "reach",
    "recruits",
    "poor_recruits",
    "months_retained",
    "still_in_ningbo",
    "left_within_3m",
    "fees_yuan",
    "yuan_per_month_retained",
]


def chain_table(
    spells: pd.DataFrame, brokers: pd.DataFrame, paid_by_broker: np.ndarray, n_months: int, scale: float
) -> pd.DataFrame:
    """Per broker: recruits (and how many registered poor), their months in Ningbo,
    how many are still there and how many left within 3 months, the fees paid for
    them and the fee per month retained (NaN with no month retained)."""
    nb = len(brokers)
    sp = spells[spells["broker_id"].to_numpy() >= 0]
    bid = sp["broker_id"].to_numpy(np.int64)
    arrival, exit_ = sp["arrival_step"].to_numpy(np.int64), sp["exit_step"].to_numpy(np.int64)
    months = np.where(exit_ >= 0, exit_, n_months) - arrival

    def per(weights=None):
        return np.bincount(bid, weights=weights, minlength=nb)[:nb] * scale

    out = {c: brokers[c] for c in COLUMNS[:5]}  # one frame made at the end: pandas adds columns slowly
    out["recruits"] = per()
    out["poor_recruits"] = per(sp["poor"].to_numpy(float))
    out["months_retained"] = per(months.astype(float))
    out["still_in_ningbo"] = per((exit_ < 0).astype(float))
    out["left_within_3m"] = per(((exit_ >= 0) & (months < 3)).astype(float))
    fees = np.zeros(nb)
    k = min(nb, len(paid_by_broker))
    fees[:k] = paid_by_broker[:k]
    out["fees_yuan"] = fees
    with np.errstate(divide="ignore", invalid="ignore"):
        kept = out["months_retained"]
        out["yuan_per_month_retained"] = np.where(kept > 0, fees / kept, np.nan)
    return pd.DataFrame(out, columns=COLUMNS, index=brokers.index)
