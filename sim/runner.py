"""Run a scenario: f(scenario, seed, engine) -> tidy tables and metrics."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .engines import ENGINES
from .market import market_metrics
from .metrics.breakdowns import flows_by, retention_by, spell_groups
from .metrics.chains import chain_table
from .metrics.retention import retention_table
from .metrics.summary import compare_targets, headline
from .metrics.targets import fork_step, forked_twin, no_lockdown_twin, scoring_plan, twin_metrics, twin_plan
from .schema import Scenario


@dataclass
class RunResult:
    """Everything a run produces, as tidy tables."""

    scenario: Scenario
    seed: int
    engine: str
    wall_seconds: float
    n_agents: int
    months: list[str]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    twin_seconds: float = 0.0  # the no-lockdown twin's build and months (not in wall_seconds)

    @property
    def targets(self) -> pd.DataFrame:
        return self.tables["targets"]


from .sizing import AUTO_ARRAYS_ABOVE, choose_engine, n_agents  # noqa: E402, F401 - re-exported


def build_model(scenario: Scenario, seed: int | None = None, engine: str = "auto"):
    """Create the engine's model for this scenario and seed."""
    engine = choose_engine(scenario, engine)
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; allowed: {', '.join(ENGINES)}")
    return ENGINES[engine](scenario, seed)


def run(scenario: Scenario, seed: int | None = None, engine: str = "auto", progress=None) -> RunResult:
    """Run every month and collect the tables.

    When the run is scored against a twin without the lockdown (T6), the twin is run
    first (`run_twin`: on the arrays engine forked from the run at its first lockdown
    month, on the agents engine built and run from the first month); its time is
    reported as `twin_seconds`, apart from the run's `wall_seconds`.

    Args:
        scenario: A validated scenario.
        seed: Run seed (default: the scenario's).
        engine: "agents", "arrays" or "auto" (arrays above 20,000 agents).
        progress: Optional callable(step) after each month.
    """
    t0 = time.perf_counter()
    model = build_model(scenario, seed, engine)
    twin_monthly, twin_seconds = run_twin(model, progress)
    model.run(progress)
    wall = time.perf_counter() - t0 - twin_seconds
    res = collect(model, wall, twin_monthly)
    res.twin_seconds = twin_seconds
    return res


def run_twin(model, progress) -> tuple[pd.DataFrame | None, float]:
    """(monthly table of the run's no-lockdown twin, seconds spent building and running
    it), or (None, 0) when no twin is needed. On the arrays engine the twin is forked
    from `model` after stepping it to its first lockdown month; on the agents engine it
    is built and run from the first month (copying Mesa agents costs about what building
    and running the twin's first months does, and slows the run that goes on with them).
    Both give the same twin (tests/integration/test_twin_fork.py)."""
    _, wanted = scoring_plan(model.sc.scoring, model.labels)
    months = twin_plan(model, wanted)[2]
    if not months:
        return None, 0.0
    if model.engine == "agents":
        t0 = time.perf_counter()
        twin = build_model(no_lockdown_twin(model.sc, months), model.seed, model.engine)
    else:
        while model.t < fork_step(model, months):
            model.step()
            if progress:
                progress(model.t)
        t0 = time.perf_counter()
        twin = forked_twin(model, months)
    twin.run()
    monthly = twin.recorder.table(model.world.county_names)
    del twin
    return monthly, time.perf_counter() - t0


def collect(model, wall: float, twin_monthly: pd.DataFrame | None = None) -> RunResult:
    """Tables and metrics from a finished model (`twin_monthly`: see `twin_metrics`)."""
    names = model.world.county_names
    months = model.labels
    spells = model.spells.table(names)
    monthly = model.recorder.table(names)
    ret = retention_table(spells, months)
    budget = model.ledger.table(names, months)
    windows, wanted = scoring_plan(model.sc.scoring, months)
    metrics = headline(monthly, ret, budget, windows)
    market = model.market_log.table(model.world.district_names)
    metrics |= market_metrics(market)
    metrics |= twin_metrics(model, monthly, wanted, twin_monthly)
    targets = compare_targets(metrics, wanted)
    tables = {"monthly": monthly, "spells": spells, "retention": ret, "budget": budget, "targets": targets}
    tables["market"] = market
    tables["flows_by_reason"] = model.recorder.reason_table(names)
    paid = [p.paid_by_broker for p in model.policies.values() if hasattr(p, "paid_by_broker")]
    paid_by_broker = np.zeros(max([len(x) for x in paid], default=0))
    for x in paid:
        paid_by_broker[: len(x)] += x
    tables["recruitment_chains"] = chain_table(spells, model.broker_table(), paid_by_broker, len(months), model.scale)
    groups = spell_groups(spells, model.world, model.scale)
    tables["retention_by"] = retention_by(spells, groups, months)
    tables["flows_by"] = flows_by(spells, groups, months, model.scale)
    return RunResult(model.sc, model.seed, model.engine, wall, model.n_workers, months, tables, metrics)
