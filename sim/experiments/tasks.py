"""The unit of work every executor runs: one scenario on one seed.

`run_task` is a plain top-level function of JSON-able arguments, so it can be
sent to local processes or to Dask workers (which need `laborsim` installed).
It returns small tidy tables, never the model.
"""

from __future__ import annotations

import hashlib
import json

from .. import __version__
from ..metrics.budget import by_month_policy_payer


def scenario_dict(scenario) -> dict:
    """The resolved scenario as plain JSON data."""
    return scenario.model_dump(mode="json")


def run_key(scenario_json: dict, seed: int, engine: str) -> str:
    """Content address of a run: resolved scenario + seed + engine + code version."""
    blob = json.dumps(scenario_json, sort_keys=True) + f"|{seed}|{engine}|{__version__}"
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def run_task(scenario_json: dict, seed: int, engine: str = "auto", full: bool = False) -> dict:
    """Run one scenario on one seed and return its summary tables.

    Returns a dict with: seed, engine, wall_seconds (build and step loop),
    twin_seconds (the same for the no-lockdown twin, if the targets need one), metrics (dict), monthly
    (per month, summed over counties and groups), retention (cohort 'all'),
    budget (month x policy x payer), and with `full` the complete tables.
    """
    from ..runner import run
    from ..schema import Scenario

    res = run(Scenario.model_validate(scenario_json), seed=seed, engine=engine)
    m = res.tables["monthly"]
    monthly = m.drop(columns=["county", "poor"]).groupby(["step", "month"], as_index=False).sum()
    ret = res.tables["retention"]
    ret = ret[ret["cohort"] == "all"].drop(columns=["cohort"]).reset_index(drop=True)
    budget = by_month_policy_payer(res.tables["budget"])
    out = {
        "seed": seed,
        "engine": res.engine,
        "wall_seconds": res.wall_seconds,
        "twin_seconds": res.twin_seconds,
        "n_agents": res.n_agents,
        "metrics": res.metrics,
        "monthly": monthly,
        "retention": ret,
        "budget": budget,
    }
    if full:
        out["tables"] = res.tables
    return out
