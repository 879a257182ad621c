"""One calibration run: a scenario with a parameter set on one seed -> the target
metrics and the short series the report plots.

`calibration_task` is a plain top-level function of JSON-able arguments, so the
existing executors (local spawn processes, Dask) can run it like `run_task`.
"""

from __future__ import annotations

import copy

import numpy as np

from ..schema.calibration import set_path

#: Monthly series kept per run for the report's figure (summed over counties).
SERIES = ("arrivals_ningbo", "stable_employed", "ningbo_job")


def apply_params(scenario_json: dict, params: dict[str, float]) -> dict:
    """A copy of the scenario data with each `behavior.*` path set to its value
    (an integer parameter is rounded)."""
    out = copy.deepcopy(scenario_json)
    for path, value in params.items():
        parts = path.split(".")
        from ..schema.calibration import get_path

        old = get_path(out, parts)
        set_path(out, parts, int(round(value)) if isinstance(old, int) and not isinstance(old, bool) else float(value))
    return out


def calibration_task(scenario_json: dict, params: dict[str, float], seed: int, engine: str, metrics: list[str]) -> dict:
    """Run the scenario with `params` on `seed`; return the named metrics, the
    monthly series (all workers; `stable_employed_poor` for registered-poor ones)
    and the wall time."""
    from ..runner import run
    from ..schema import Scenario

    sc = Scenario.model_validate(apply_params(scenario_json, params))
    res = run(sc, seed=seed, engine=engine)
    m = res.tables["monthly"]
    by_month = m.groupby("month", sort=True)
    series = {c: by_month[c].sum().astype(float).tolist() for c in SERIES if c in m}
    poor = m[m["poor"].to_numpy(bool)].groupby("month", sort=True)["stable_employed"].sum()
    series["stable_employed_poor"] = poor.reindex(sorted(m["month"].unique()), fill_value=0).astype(float).tolist()
    values = {}
    for k in metrics:
        v = res.metrics.get(k, float("nan"))
        values[k] = v if isinstance(v, str) else float(v) if v is not None and np.isfinite(v) else None
    return {
        "seed": seed,
        "metrics": values,
        "months": list(res.months),
        "series": series,
        "wall_seconds": res.wall_seconds,
        "n_agents": res.n_agents,
    }
