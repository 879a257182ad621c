"""Budget summaries from the ledger table."""

from __future__ import annotations

import pandas as pd


def by_month_policy_payer(budget: pd.DataFrame) -> pd.DataFrame:
    """Ledger totals: month x policy x payer (yuan, recipients)."""
    if budget.empty:
        return pd.DataFrame(columns=["month", "policy", "payer", "yuan", "recipients"])
    return budget.groupby(["month", "policy", "payer"], as_index=False)[["yuan", "recipients"]].sum()


def cumulative_by_policy(budget: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Cumulative yuan by month for each policy (wide: one column per policy)."""
    if budget.empty:
        return pd.DataFrame(index=pd.Index(months, name="month"))
    wide = budget.pivot_table(index="month", columns="policy", values="yuan", aggfunc="sum").reindex(months).fillna(0.0)
    return wide.cumsum()
