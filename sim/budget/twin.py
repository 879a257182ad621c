"""A policy run and its baseline twin stepped together on the same seed.

Because every per-worker draw is shared (common random numbers) and the initial
population is the same, worker i of the policy run and worker i of the twin are
the same person living two histories. Each month, every subsidy payment of the
policy run is checked against the twin: if the worker holds a Ningbo job there
too, the payment went to someone who would have stayed anyway (deadweight).
Both the monthly payment (for the month just completed) and the final payment
on an open quit are judged by the twin's state at the start of the month: did
the same person hold a Ningbo job there without the policy?
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..runner import build_model, collect


def run_twins(scenario, baseline, seed: int, engine: str) -> dict:
    """Run both on `seed`; return both results and the deadweight audit.

    Returns a dict: policy (RunResult), baseline (RunResult), deadweight (table of
    month x policy: subsidy yuan paid, of which to workers employed in the twin).
    """
    pol = build_model(scenario, seed, engine)
    twin = build_model(baseline, seed, engine)
    if pol.n_workers != twin.n_workers:
        raise ValueError("a scenario and its baseline twin must have the same population")
    audited = [p for p in pol.policies.values() if p.audits_payments]
    for s in audited:
        s.log = []
    rows = []
    months = scenario.calendar.months
    while pol.t < months:
        held = twin.holds_job()
        pol.step()
        twin.step()
        for s in audited:
            for idx, yuan in s.log:
                anyway = held[idx]
                rows.append((pol.t - 1, s.name, float(yuan.sum()), float(yuan[anyway].sum()), len(idx)))
            s.log.clear()
    audit = pd.DataFrame(rows, columns=["step", "policy", "yuan", "yuan_deadweight", "payments"])
    audit = audit.groupby(["step", "policy"], as_index=False).sum() if len(audit) else audit
    res_p, res_b = collect(pol, 0.0), collect(twin, 0.0)
    caps = [
        {
            "policy": p.name,
            "cap_yuan": p.budget.cap,
            "bound_month": pol.labels[p.budget.bound_step] if p.budget.bound_step is not None else "",
            "turned_away": p.budget.turned_away * pol.scale,
            "owed_yuan": p.budget.owed_yuan,
        }
        for p in pol.policies.values()
        if p.budget.cap is not None
    ]
    recipients = {s.name: s.recipients() * pol.scale for s in audited}
    return {
        "seed": seed,
        "policy": res_p,
        "baseline": res_b,
        "deadweight": audit,
        "caps": pd.DataFrame(caps),
        "recipients": recipients,
    }


def retained_worker_months(monthly: pd.DataFrame) -> float:
    """Person-months worked in Ningbo over the run (stock of Ningbo jobs summed over months)."""
    return float(monthly["ningbo_job"].sum())


def twin_metrics(t: dict, discount_rate: float = 0.0) -> dict:
    """Per-seed budget metrics of a twin pair."""
    p, b = t["policy"], t["baseline"]
    cost = discounted_cost(p.tables["budget"], p.months, discount_rate)
    base_cost = discounted_cost(b.tables["budget"], b.months, discount_rate)
    wm, wm_b = retained_worker_months(p.tables["monthly"]), retained_worker_months(b.tables["monthly"])
    dw = t["deadweight"]
    paid = float(dw["yuan"].sum()) if len(dw) else 0.0
    out = {
        "seed": t["seed"],
        "cost_yuan": cost,
        "baseline_cost_yuan": base_cost,
        "retained_worker_months": wm,
        "baseline_retained_worker_months": wm_b,
        "extra_worker_months": wm - wm_b,
        "cost_per_retained_worker_month": cost / wm if wm else float("nan"),
        "incremental_cost_per_extra_worker_month": (cost - base_cost) / (wm - wm_b) if wm != wm_b else float("nan"),
        "subsidy_yuan": paid,
        "deadweight_share": float(dw["yuan_deadweight"].sum()) / paid if paid else float("nan"),
    }
    out.update(extra_worker_months_by_year(p.tables["monthly"], b.tables["monthly"]))
    for k in ("retention_ningbo_6m_poor", "retention_ningbo_6m", "retention_ningbo_3m_poor", "return_home_total"):
        out[k] = p.metrics.get(k, float("nan"))
        out[f"baseline_{k}"] = b.metrics.get(k, float("nan"))
    return out


def extra_worker_months_by_year(monthly: pd.DataFrame, twin: pd.DataFrame) -> dict[str, float]:
    """Retained worker-months of the policy run minus its twin's, per calendar year
    (`extra_worker_months_<year>`)."""
    year = lambda m: m.groupby(m["month"].str[:4])["ningbo_job"].sum()  # noqa: E731
    diff = year(monthly).sub(year(twin), fill_value=0.0)
    return {f"extra_worker_months_{y}": float(v) for y, v in diff.items()}


def discounted_cost(budget: pd.DataFrame, months: list[str], rate: float) -> float:
    """Total yuan, each month discounted to the first year at `rate` per year."""
    if budget.empty:
        return 0.0
    year0 = int(months[0][:4])
    years = budget["month"].str[:4].astype(int) - year0
    return float((budget["yuan"] / np.power(1.0 + rate, years)).sum())
