"""Budget tables over twin replicates: cost by month and fiscal year, by policy
and payer, with 5/50/95% bands; recipients; paired value-for-money metrics."""

from __future__ import annotations

import pandas as pd

from ..experiments.bands import bands, mean_ci, metric_ci
from ..experiments.intervals import is_share, ratio_of_means
from ..metrics.budget import PEOPLE_KEYS, people_paid


def _per_seed(twins: list[dict], keys: list[str], side: str = "policy") -> pd.DataFrame:
    """Yuan and payments per seed and `keys` (a missing combination is 0), of the
    policy run (`side="policy"`) or of its twin (`side="baseline"`)."""
    frames = []
    for i, t in enumerate(twins):
        b = t[side].tables["budget"].copy()
        if b.empty:
            continue
        b["year"] = b["month"].str[:4].astype(int)
        frames.append(b.groupby(keys, as_index=False)[["yuan", "payments"]].sum().assign(rep=i))
    if not frames:
        return pd.DataFrame(columns=[*keys, "rep", "yuan", "payments"])
    b = pd.concat(frames)
    full = b.pivot_table(index=keys, columns="rep", values=["yuan", "payments"], aggfunc="sum")
    cols = pd.MultiIndex.from_product([["yuan", "payments"], range(len(twins))], names=[None, "rep"])
    return full.reindex(columns=cols).fillna(0.0).stack(future_stack=True).reset_index()


def cost_bands(twins: list[dict], keys: list[str]) -> pd.DataFrame:
    """Yuan (mean, q05, q50, q95) and mean payments per `keys` over replicates."""
    per = _per_seed(twins, keys)
    if per.empty:
        return pd.DataFrame(columns=[*keys, "mean", "q05", "q50", "q95", "n", "payments_mean"])
    out = bands(per, keys, "yuan")
    out["payments_mean"] = per.groupby(keys)["payments"].mean().to_numpy()
    return out


def own_cost_bands(twins: list[dict], keys: list[str]) -> pd.DataFrame:
    """The policy's own cost per `keys`: cost of the scenario minus cost of its twin,
    paired seed by seed, with the mean's 95% interval and the 5/50/95% band.

    What the twin also pays for (the policies both share) cancels out, so what is
    left is the money the policy adds, including the knock-on change in the shared
    policies' spending (e.g. fewer return tickets when more people stay).
    """
    cols = [*keys, "mean", "lo95", "hi95", "q05", "q50", "q95", "n"]
    pol, base = _per_seed(twins, keys, "policy"), _per_seed(twins, keys, "baseline")
    if pol.empty and base.empty:
        return pd.DataFrame(columns=cols)
    # each side lists every rep for the keys it has; an outer merge then fills the other side with 0
    both = pol.merge(base, on=[*keys, "rep"], how="outer", suffixes=("", "_twin"))
    both = both.fillna({"yuan": 0.0, "yuan_twin": 0.0})
    diff = both[keys].assign(own_yuan=both["yuan"].astype(float) - both["yuan_twin"].astype(float))
    out = bands(diff, keys, "own_yuan")
    ci = diff.groupby(keys)["own_yuan"].apply(lambda x: pd.Series(mean_ci(x), index=["m", "lo95", "hi95"])).unstack()
    out = out.merge(ci[["lo95", "hi95"]].reset_index(), on=keys)
    # where the twin pays nothing in any seed the own cost is money paid: never below 0
    paid_only = both.assign(paid_only=both["yuan_twin"] == 0).groupby(keys)["paid_only"].all()
    out = out.merge(paid_only.reset_index(), on=keys)
    out.loc[out["paid_only"], "lo95"] = out.loc[out["paid_only"], "lo95"].clip(lower=0.0)
    return out[cols]


def own_total(twins: list[dict]) -> tuple[float, float, float]:
    """Mean and 95% interval of the policy's own cost over the run (scenario minus twin)."""
    per = [_total(t["policy"]) - _total(t["baseline"]) for t in twins]
    return mean_ci(per)


def _total(res) -> float:
    b = res.tables["budget"]
    return float(b["yuan"].sum()) if len(b) else 0.0


def recipients_table(twins: list[dict]) -> pd.DataFrame:
    """Distinct recipients and cost per recipient, per subsidy policy (means over replicates)."""
    rows = []
    for name in twins[0]["recipients"]:
        people = [t["recipients"][name] for t in twins]
        yuan = [float(t["policy"].tables["budget"].query("policy == @name")["yuan"].sum()) for t in twins]
        m = sum(people) / len(people)
        rows.append(
            {
                "policy": name,
                "recipients_mean": m,
                "yuan_mean": sum(yuan) / len(yuan),
                "yuan_per_recipient": (sum(yuan) / len(yuan)) / m if m else float("nan"),
            }
        )
    return pd.DataFrame(rows, columns=["policy", "recipients_mean", "yuan_mean", "yuan_per_recipient"])


#: Per-unit costs reported as ratios of means: metric -> (numerator, denominator) per seed.
RATIOS = {
    "incremental_cost_per_extra_worker_month": (
        lambda d: d["cost_yuan"] - d["baseline_cost_yuan"],  # the policy's own cost
        lambda d: d["extra_worker_months"],
    ),
    "cost_per_retained_worker_month": (lambda d: d["cost_yuan"], lambda d: d["retained_worker_months"]),
}


#: Per-seed metrics that cannot be negative (money paid, people, months worked): a t
#: interval from a few seeds that reaches below 0 is clipped there.
NEVER_NEGATIVE = {"cost_yuan", "baseline_cost_yuan", "subsidy_yuan", "retained_worker_months",
                  "baseline_retained_worker_months", "return_home_total", "baseline_return_home_total"}  # fmt: skip


def value_summary(per_seed: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95% interval of each paired metric over seeds (`interval` names the method).

    Shares get logit-scale intervals inside [0, 1]; a metric that cannot be negative
    (NEVER_NEGATIVE) has its interval clipped at 0; a cost per unit gained is the
    ratio of the means over every seed (none dropped) with a paired bootstrap
    interval, infinite when the gain's interval includes zero (`note` says so).
    """
    rows = []
    for col in per_seed.columns:
        if col == "seed":
            continue
        if col in RATIOS:
            num, den = RATIOS[col]
            r = ratio_of_means(num(per_seed), den(per_seed))
            rows.append({"metric": col, "mean": r["ratio"], "lo95": r["lo95"], "hi95": r["hi95"],
                         "interval": "ratio of means, paired bootstrap 95%", "note": r["note"]})  # fmt: skip
            continue
        m, lo, hi = metric_ci(col, per_seed[col])
        how = "95% CI of the mean (logit scale)" if is_share(col) else "95% CI of the mean (Student t)"
        if col in NEVER_NEGATIVE and lo < 0:
            lo, how = 0.0, how + ", clipped at 0"
        rows.append({"metric": col, "mean": m, "lo95": lo, "hi95": hi, "interval": how, "note": ""})
    return pd.DataFrame(rows, columns=["metric", "mean", "lo95", "hi95", "interval", "note"])


def caps_table(twins: list[dict]) -> pd.DataFrame:
    """When each budget cap binds (first month, per seed) and people turned away."""
    frames = [t["caps"].assign(seed=t["seed"]) for t in twins if len(t["caps"])]
    return (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["policy", "cap_yuan", "bound_month", "turned_away", "owed_yuan", "seed"])
    )


def people_paid_table(twins: list[dict]) -> pd.DataFrame:
    """Distinct people paid by month, policy, payer and county (policy "all": by any
    policy), beside payments and yuan: means over replicates of
    `sim.metrics.budget.people_paid` (people, new_people, people_cum by the month's end)."""
    months = twins[0]["policy"].months
    frames = [people_paid(t["policy"].tables["budget"], months).assign(rep=i) for i, t in enumerate(twins)]
    frames = [f for f in frames if len(f)]
    cols = ["month", *PEOPLE_KEYS, "yuan", "payments", "people", "new_people", "people_cum"]
    if not frames:
        return pd.DataFrame(columns=cols)
    allp = pd.concat(frames, ignore_index=True)
    keys = ["month", *PEOPLE_KEYS]
    # people_paid lists every month for each key a replicate paid; a replicate without the key paid nobody
    grid = allp[keys].drop_duplicates().merge(pd.DataFrame({"rep": range(len(twins))}), how="cross")
    full = grid.merge(allp, on=[*keys, "rep"], how="left").fillna(0.0)
    return full.groupby(keys, as_index=False, sort=False)[cols[len(keys) :]].mean()[cols]
