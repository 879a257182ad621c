"""Replicates of one scenario on seeds derived from one master seed, with
aggregate tables (mean, 5/50/95% bands) and adaptive replication."""

from __future__ import annotations

from concurrent.futures import Executor

import numpy as np

from ..metrics.summary import check_metric
from ..streams import replicate_seeds
from .bands import budget_bands, cumulative_bands, mean_ci, metric_table, monthly_bands, retention_bands
from .batch import run_many
from .tasks import scenario_dict


def run_replicates(
    scenario,
    seeds: list[int],
    executor: Executor,
    in_flight: int,
    engine: str = "auto",
    quiet: bool = False,
    full: bool = False,
    param_sets: list[dict] | None = None,
) -> list[dict]:
    """Run the scenario on each seed; results in seed order. With `param_sets` (one
    behavior parameter set per seed, `sim.calibrate.ensemble`), seed i runs with set i."""
    sj = scenario_dict(scenario)
    out: dict[int, dict] = {}
    if param_sets is not None:
        from ..calibrate.task import apply_params

        jobs = ((apply_params(sj, ps), s, engine, full) for s, ps in zip(seeds, param_sets, strict=True))
    else:
        jobs = ((sj, s, engine, full) for s in seeds)
    run_many(
        jobs,
        executor,
        in_flight,
        lambda job, res: out.__setitem__(job[1], res),
        total=len(seeds),
        desc=scenario.name,
        quiet=quiet,
    )
    return [out[s] for s in seeds]


def until_ci(
    scenario,
    master_seed: int,
    metric: str,
    width: float,
    executor: Executor,
    in_flight: int,
    start: int = 5,
    cap: int = 200,
    engine: str = "auto",
    quiet: bool = False,
) -> tuple[list[dict], float]:
    """Add replicates until the 95% interval's half-width of `metric` is below
    `width`, or `cap` replicates have run. Returns (results, half-width).

    Raises:
        ScenarioError: `metric` is not a numeric metric a run reports (before any run).
    """
    check_metric(metric, "--metric")
    seeds = replicate_seeds(master_seed, cap)
    reps: list[dict] = []
    n = min(start, cap)
    while True:
        reps += run_replicates(scenario, seeds[len(reps) : n], executor, in_flight, engine, quiet)
        m, lo, hi = mean_ci([r["metrics"].get(metric, np.nan) for r in reps])
        half = (hi - lo) / 2 if np.isfinite(hi) else float("inf")
        if half < width or n >= cap:
            return reps, half
        n = min(cap, n + max(in_flight, 5))


def aggregate(reps: list[dict]) -> dict:
    """Aggregate tables over replicates."""
    months = list(reps[0]["monthly"]["month"])
    return {
        "monthly_bands": monthly_bands(reps),
        "retention_bands": retention_bands(reps),
        "budget_bands": budget_bands(reps, months),
        "cumulative_cost_bands": cumulative_bands(reps, months),
        "replicate_metrics": metric_table(reps),
    }
