"""Goal-seek: the smallest lever value that meets a target with a given
probability across replicates, and the best retention a budget can buy.

Levers are numeric key paths of the scenario (`policies.liaison.staff`) or
`<policy>.total_yuan` for a subsidy (its schedule scaled to that total; a policy
type such as `subsidy.total_yuan` scales every subsidy by one factor, so that
their totals sum to the value). The search assumes the
target metric rises with the lever (bisection).
"""

from __future__ import annotations

import json
import re

import numpy as np

from ..errors import ScenarioError
from ..experiments.compare import flatten
from ..experiments.intervals import wilson
from ..experiments.sweep import set_path
from ..metrics.summary import check_metric
from ..schema import Scenario
from ..schema.keys import path_hint
from ..streams import replicate_seeds
from .twin import discounted_cost

TARGET = re.compile(r"^\s*([a-z0-9_]+)\s*(>=|<=)\s*([0-9.eE+-]+)\s*$")


def parse_target(text: str, option: str = "--target") -> tuple[str, str, float]:
    """'retention_6m_poor>=0.75' -> (metric, op, value); metric names may omit 'ningbo_'.

    Raises:
        ScenarioError: malformed text, or a metric no run reports (checked before any run).
    """
    m = TARGET.match(text)
    try:
        value = float(m.group(3)) if m else float("nan")
    except ValueError:
        value = float("nan")
    if not m or value != value:
        allowed = "METRIC>=VALUE or METRIC<=VALUE, e.g. retention_6m>=0.8"
        raise ScenarioError("<command line>", option, repr(text), allowed)
    return metric_name(m.group(1), option), m.group(2), value


def metric_name(name: str, option: str) -> str:
    """The full metric name ('retention_6m_poor' -> 'retention_ningbo_6m_poor'), checked to exist."""
    if name.startswith("retention_") and not name.startswith(("retention_ningbo_", "retention_first_job_")):
        name = "retention_ningbo_" + name.removeprefix("retention_")
    return check_metric(name, option, extra=("cost_yuan",))


def check_request(scenario: Scenario, lever: str, target: str | None = None, metric: str | None = None) -> None:
    """Check a goal-seek or budget search request before any run: target, metric, lever."""
    if target is not None:
        parse_target(target)
    if metric is not None:
        metric_name(metric, "--metric")
    apply_lever(scenario, lever, current_value(scenario, lever))
    check_lever_is_on(scenario, lever)


def check_lever_is_on(scenario: Scenario, lever: str) -> None:
    """A lever of policies that are all switched off (`enabled: false`) would be searched
    over without changing anything: refused, naming them."""
    sj = scenario.model_dump(mode="json")
    parts = lever.split(".")
    owners = _subsidy_totals(sj, lever)
    if owners is None:
        owners = [parts[1]] if parts[0] == "policies" and len(parts) > 2 else []
    if owners and not any(sj["policies"][k]["enabled"] for k in owners):
        raise ScenarioError(
            "<command line>",
            "--lever",
            f"{lever!r}, a lever of {', '.join(owners)}, switched off in {scenario.name} (enabled: false)",
            "a lever of a policy that is on (the search would change nothing)",
        )


def apply_lever(scenario: Scenario, lever: str, value: float) -> Scenario:
    """A copy of the scenario with the lever set to `value`."""
    sj = scenario.model_dump(mode="json")
    targets = _subsidy_totals(sj, lever)
    if targets is not None:
        if not targets:
            raise ScenarioError("<command line>", "--lever", repr(lever), _lever_allowed(lever, sj, totals=True))
        # one factor for every targeted schedule, so their totals sum to `value` (as `current_value` reads it)
        total = sum(sum(sj["policies"][k]["schedule_yuan"]) for k in targets)
        for k in targets:
            p = sj["policies"][k]
            if total > 0:
                p["schedule_yuan"] = [x * value / total for x in p["schedule_yuan"]]
            else:
                p["schedule_yuan"] = [value / len(targets)]
    elif isinstance(flatten(sj).get(lever), (int, float)):
        set_path(sj, lever, value)
    else:
        raise ScenarioError("<command line>", "--lever", repr(lever), _lever_allowed(lever, sj))
    return Scenario.model_validate(json.loads(json.dumps(sj)))


def _subsidy_totals(sj: dict, lever: str) -> list[str] | None:
    """The subsidy policies a `<policy or 'subsidy'>.total_yuan` lever scales (all of
    them for 'subsidy'), or None for any other lever."""
    head, _, tail = lever.rpartition(".")
    if tail != "total_yuan":
        return None
    return [k for k, p in sj["policies"].items() if p["type"] == "subsidy" and head in (k, "subsidy")]


def _lever_allowed(lever: str, sj: dict, totals: bool = False) -> str:
    """What --lever allows, with the lever probably meant: a numeric key path of the
    scenario, or <subsidy policy or 'subsidy'>.total_yuan (only those if `totals`)."""
    subsidies = [k for k, p in sj["policies"].items() if p["type"] == "subsidy"]
    paths = [f"{k}.total_yuan" for k in ["subsidy", *subsidies]] if subsidies else []
    if totals:
        return "<subsidy policy or 'subsidy'>.total_yuan: " + (", ".join(paths) or "none (no subsidy policy)")
    paths += [k for k, v in flatten(sj).items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return "a numeric key path of the scenario" + path_hint(lever, paths)


def current_value(scenario: Scenario, lever: str) -> float:
    """The lever's value in the scenario as written."""
    sj = scenario.model_dump(mode="json")
    targets = _subsidy_totals(sj, lever)
    if targets is not None:
        return float(sum(sum(sj["policies"][k]["schedule_yuan"]) for k in targets))
    value = flatten(sj).get(lever)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ScenarioError("<command line>", "--lever", repr(lever), _lever_allowed(lever, sj))
    return float(value)


def evaluate(scenario: Scenario, seeds: list[int], run_fn) -> list[dict]:
    """Metrics of each replicate (run_fn(scenario, seed) -> RunResult)."""
    out = []
    for s in seeds:
        r = run_fn(scenario, s)
        out.append({**r.metrics, "cost_yuan": discounted_cost(r.tables["budget"], r.months, 0.0)})
    return out


def goal_seek(
    scenario: Scenario,
    lever: str,
    target: str,
    probability: float,
    replicates: int,
    master_seed: int,
    run_fn,
    hi: float | None = None,
    iterations: int = 8,
) -> dict:
    """Smallest lever value in [0, hi] whose share of replicates meeting the target is >= probability.

    Returns the value, its cost (mean yuan), its success share with its 95% Wilson
    interval (a share of a few replicates is uncertain: 6 of 8 is 41-93%), and the search path.
    """
    metric, op, level = parse_target(target)
    seeds = replicate_seeds(master_seed, replicates)
    hi = hi if hi is not None else 2.0 * max(current_value(scenario, lever), 1.0)
    path = []

    def trial(v: float) -> dict:
        res = evaluate(apply_lever(scenario, lever, v), seeds, run_fn)
        vals = np.array([r.get(metric, np.nan) for r in res], float)
        if np.isnan(vals).all():
            raise ScenarioError("<command line>", "--target", metric, "a metric the run reports (see summary.json)")
        ok = vals >= level if op == ">=" else vals <= level
        row = {
            "lever_value": v,
            "success_share": float(ok.mean()),
            **dict(zip(("success_lo", "success_hi"), wilson(float(ok.sum()), float(len(ok))), strict=True)),
            "metric_mean": float(np.nanmean(vals)),
            "cost_mean_yuan": float(np.mean([r["cost_yuan"] for r in res])),
        }
        path.append(row)
        return row

    top = trial(hi)
    if top["success_share"] < probability:
        return {"met": False, "lever": lever, "target": target, "probability": probability, "best": top, "path": path}
    lo, best = 0.0, top
    low = trial(lo)
    if low["success_share"] >= probability:
        return {"met": True, "lever": lever, "target": target, "probability": probability, "best": low, "path": path}
    for _ in range(iterations):
        mid = (lo + hi) / 2
        row = trial(mid)
        if row["success_share"] >= probability:
            hi, best = mid, row
        else:
            lo = mid
    return {"met": True, "lever": lever, "target": target, "probability": probability, "best": best, "path": path}


def best_for_budget(
    scenario: Scenario,
    lever: str,
    budget_yuan: float,
    metric: str,
    replicates: int,
    master_seed: int,
    run_fn,
    hi: float | None = None,
    iterations: int = 8,
) -> dict:
    """Largest lever value whose mean cost stays within `budget_yuan`, and the
    metric it buys (cost assumed to rise with the lever)."""
    metric = metric_name(metric, "--metric")
    seeds = replicate_seeds(master_seed, replicates)
    hi = hi if hi is not None else 2.0 * max(current_value(scenario, lever), 1.0)
    lo, path, best = 0.0, [], None
    for _ in range(iterations + 1):
        v = hi if not path else (lo + hi) / 2
        res = evaluate(apply_lever(scenario, lever, v), seeds, run_fn)
        row = {
            "lever_value": v,
            "cost_mean_yuan": float(np.mean([r["cost_yuan"] for r in res])),
            "metric_mean": float(np.nanmean([r.get(metric, np.nan) for r in res])),
        }
        path.append(row)
        if row["cost_mean_yuan"] <= budget_yuan:
            best, lo = row, v
            if len(path) == 1:
                break
        else:
            hi = v
    return {"lever": lever, "budget_yuan": budget_yuan, "metric": metric, "best": best, "path": path}
