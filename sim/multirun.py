"""Many runs of one scenario in one line, as Covasim's `MultiSim`:

    from sim import MultiRun
    mr = MultiRun("teaching_small", n_runs=5, seed=1).run()
    mr.summary()          # tidy table: one row per metric, mean, 95% interval, 5/50/95% band
    fig = mr.plot()       # median retention with its 5-95% band over the runs

Runs use seeds derived from one master seed (`sim.streams.replicate_seeds`) and
the replicate machinery of `sim.experiments` (executors, bands), so the same
call gives the same numbers as `laborsim run SCENARIO --replicates N`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .experiments.bands import metric_ci
from .experiments.executors import close_executor, make_executor
from .experiments.replicates import aggregate, run_replicates
from .loader import load_scenario
from .metrics.summary import TEXT_METRICS
from .runner import choose_engine
from .schema import Scenario
from .streams import replicate_seeds


class MultiRun:
    """Replicates of one scenario on seeds derived from a master seed.

    Args:
        scenario: A `Scenario`, or a file path or name in `scenarios/`.
        n_runs: Number of runs (replicates).
        seed: Master seed (default: the scenario's).
        engine: "agents", "arrays" or "auto".
        workers: Local processes (1 = in this process).
        overrides: Mapping merged on top of a scenario given by name (e.g. {"calendar": {"months": 12}}).
        quiet: No progress bar.

    Attributes (after `run`):
        seeds: The runs' seeds.
        results: One dict per run (metrics and small tables), in seed order.
        bands: Aggregate tables: monthly_bands, retention_bands, budget_bands, replicate_metrics.
    """

    def __init__(
        self,
        scenario: Scenario | str | Path,
        n_runs: int = 5,
        seed: int | None = None,
        engine: str = "auto",
        workers: int = 1,
        overrides: dict | None = None,
        quiet: bool = True,
    ) -> None:
        if n_runs < 1:
            raise ValueError(f"n_runs={n_runs}; allowed: 1 or more")
        self.scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario, overrides)
        self.n_runs, self.workers, self.quiet = n_runs, workers, quiet
        self.master_seed = self.scenario.seed if seed is None else seed
        self.engine = choose_engine(self.scenario, engine)
        self.seeds = replicate_seeds(self.master_seed, n_runs)
        self.results: list[dict] = []
        self.bands: dict[str, pd.DataFrame] = {}

    def __repr__(self) -> str:
        state = f"{len(self.results)} done" if self.results else "not run"
        return f"MultiRun({self.scenario.name!r}, n_runs={self.n_runs}, seed={self.master_seed}, {state})"

    def run(self) -> MultiRun:
        """Run every replicate (returns self, so calls chain: `MultiRun(...).run().plot()`)."""
        ex, in_flight = make_executor(self.workers)
        try:
            self.results = run_replicates(self.scenario, self.seeds, ex, in_flight, self.engine, self.quiet)
        finally:
            close_executor(ex)
        self.bands = aggregate(self.results)
        return self

    def _need_run(self) -> None:
        if not self.results:
            raise RuntimeError("call .run() first")

    def metrics(self) -> pd.DataFrame:
        """Headline metrics, one row per run (with its seed)."""
        self._need_run()
        return self.bands["replicate_metrics"]

    def summary(self) -> pd.DataFrame:
        """Tidy table, one row per numeric headline metric: mean, 95% interval of the
        mean (Student t; on the logit scale for shares, so inside [0, 1]), and the
        5/50/95% band of single runs, over `n` runs."""
        m = self.metrics()
        rows = []
        for col in m.columns:
            if col == "seed" or col in TEXT_METRICS:
                continue
            x = pd.to_numeric(m[col], errors="coerce").to_numpy(float)
            mean, lo, hi = metric_ci(col, x)
            ok = x[np.isfinite(x)]
            q = np.quantile(ok, [0.05, 0.5, 0.95]) if len(ok) else [np.nan] * 3
            rows.append(
                {
                    "scenario": self.scenario.name,
                    "metric": col,
                    "mean": mean,
                    "lo95": lo,
                    "hi95": hi,
                    "q05": q[0],
                    "q50": q[1],
                    "q95": q[2],
                    "n": int(len(ok)),
                }
            )
        return pd.DataFrame(rows)

    def plot(self, what: str = "retention", group: str = "all", lang: str | None = None):
        """A figure over the runs: `retention` (median and 5-95% band, by `group`),
        `flows` (arrivals and return flow) or `budget` (cumulative cost). Returns the Figure."""
        from . import plotting

        self._need_run()
        name = self.scenario.name
        if what == "retention":
            return plotting.retention_bands_figure({name: self.bands["retention_bands"]}, group=group, lang=lang)
        if what == "flows":
            return plotting.monthly_bands_figure({name: self.bands["monthly_bands"]}, lang=lang)
        if what == "budget":
            months = list(self.results[0]["monthly"]["month"])
            return plotting.budget_bands_figure({name: self.bands["cumulative_cost_bands"]}, months, lang=lang)
        raise ValueError(f"what={what!r}; allowed: retention, flows, budget")
