"""Budget summaries from the ledger table."""

from __future__ import annotations

import pandas as pd

PEOPLE_KEYS = ["policy", "payer", "county"]
# ledger kinds of sim.policies.subsidy (their people are counted)
SUBSIDY_KINDS = ("subsidy", "subsidy_settlement", "transport_bonus")


def by_month_policy_payer(budget: pd.DataFrame) -> pd.DataFrame:
    """Ledger totals: month x policy x payer (yuan, payments, people paid)."""
    cols = ["yuan", "payments", "people", "new_people"]
    if budget.empty:
        return pd.DataFrame(columns=["month", "policy", "payer", *cols])
    return budget.groupby(["month", "policy", "payer"], as_index=False)[cols].sum()


def people_paid(budget: pd.DataFrame, months: list[str], keys: list[str] = PEOPLE_KEYS) -> pd.DataFrame:
    """Distinct people paid, by month and `keys` (of policy, payer, county), with
    payments and yuan beside them: `people` paid in the month, `new_people`
    paid for the first time, `people_cum` paid at least once by the month's end.
    Rows with policy "all" count people paid by any subsidy policy (`new_people_any`).
    Only subsidy payments count (`SUBSIDY_KINDS`; not salaries, seats or fees)."""
    cols = ["month", *keys, "yuan", "payments", "people", "new_people", "people_cum"]
    b = budget[budget["kind"].isin(SUBSIDY_KINDS) & (budget["payments"] > 0)] if len(budget) else budget
    if b.empty:
        return pd.DataFrame(columns=cols)
    per = b.groupby(["month", *keys], as_index=False)[["yuan", "payments", "people", "new_people"]].sum()
    anyp = b.groupby("month", as_index=False)[["yuan", "payments", "people", "new_people_any"]].sum()
    anyp = anyp.rename(columns={"new_people_any": "new_people"}).assign(**{k: "all" for k in keys})
    out = []
    for _, g in pd.concat([per, anyp]).groupby(keys, sort=False):
        full = g.set_index("month").reindex(months)
        full[keys] = g[keys].iloc[0].to_numpy()
        nums = ["yuan", "payments", "people", "new_people"]
        full[nums] = full[nums].fillna(0.0)
        full["people_cum"] = full["new_people"].cumsum()
        out.append(full.reset_index(names="month"))
    return pd.concat(out, ignore_index=True)[cols]


def cumulative_by_policy(budget: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Cumulative yuan by month for each policy (wide: one column per policy)."""
    if budget.empty:
        return pd.DataFrame(index=pd.Index(months, name="month"))
    wide = budget.pivot_table(index="month", columns="policy", values="yuan", aggfunc="sum").reindex(months).fillna(0.0)
    return wide.cumsum()
