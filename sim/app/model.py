"""The dashboard's model: the Mesa agents engine on a teaching-scale scenario, with the
policy levers as keyword arguments (the sliders rebuild it on Reset) and a second
scenario (B) stepped alongside on the same seed: by default the same world with every
policy off, or any scenario named by `second`.

Each browser session builds its own `DashboardModel` (see `sim.app.page`); the model
keeps a small history table (month x side x county) that the figures read."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..engines.agents import AgentsModel
from ..loader import load_scenario
from ..metrics.km import kaplan_meier
from ..schema import Scenario
from ..states import FESTIVAL, HOME, JOB, LOCAL, PRD, SEEKING

SUBSIDIES = ("cixi_subsidy", "ninghai_subsidy")
TEACHING_PEOPLE_PER_AGENT = 250  # ASSUMPTION: coarse enough to step in well under a second
STOCKS = ("ningbo_job", "ningbo_seeking", "at_home", "prd")
FLOWS = ("return_home", "arrivals_ningbo")
DEFAULT_LEVERS = {
    "subsidy_total_yuan": 20000,
    "subsidy_months": 9,
    "training_coverage": 0.4,
    "workers_per_liaison": 100,
    "n_brokers": 120,
    "transport_seats": 2500,
}


def teaching_scenario(name: str) -> Scenario:
    """A scenario at no finer scale than one agent per `TEACHING_PEOPLE_PER_AGENT` people,
    so any scenario the picker offers steps quickly."""
    sc = load_scenario(name)
    if sc.population.people_per_agent >= TEACHING_PEOPLE_PER_AGENT:
        return sc
    return load_scenario(name, {"population": {"people_per_agent": TEACHING_PEOPLE_PER_AGENT}})


def lever_scenario(
    preset: str,
    subsidy_total_yuan: float,
    subsidy_months: int,
    training_coverage: float,
    workers_per_liaison: int,
    n_brokers: int,
    transport_seats: int,
) -> Scenario:
    """The preset with the dashboard's levers applied (subsidy: equal monthly parts)."""
    sj = teaching_scenario(preset).model_dump(mode="json")
    pol = sj["policies"]
    months = max(1, int(subsidy_months))
    for name in SUBSIDIES:
        if name in pol:
            pol[name]["schedule_yuan"] = [float(subsidy_total_yuan) / months] * months
    if "in_firm_training" in pol:
        pol["in_firm_training"]["coverage"] = float(training_coverage)
    if "liaison" in pol:
        pol["liaison"]["workers_per_liaison"] = int(workers_per_liaison)
    if "queen_bee_brokers" in pol:
        pol["queen_bee_brokers"]["n_brokers"] = int(n_brokers)
    if "organized_transport" in pol:
        pol["organized_transport"]["seats_per_month"] = int(transport_seats)
    return Scenario.model_validate(sj)


def without_policies(sc: Scenario) -> Scenario:
    """The same world with every policy off (`sim.policies.policy_free`)."""
    from ..policies import policy_free

    return policy_free(sc)


def stocks_now(model: AgentsModel) -> np.ndarray:
    """People by county (rows) in each of `STOCKS` (columns), counted from the agents."""
    out = np.zeros((len(model.world.county_names), len(STOCKS)))
    column = {JOB: 0, SEEKING: 1, HOME: 2, LOCAL: 2, FESTIVAL: 2, PRD: 3}
    for w in model.workers:
        if w.place in column:
            out[w.county, column[w.place]] += model.scale
    return out


def flows_last_month(model: AgentsModel) -> np.ndarray:
    """People by county (rows) in each of `FLOWS` (columns) in the latest month, from the recorder."""
    out = np.zeros((len(model.world.county_names), len(FLOWS)))
    for r in model.recorder.rows:
        if r["step"] == model.t - 1:
            out[r["county"]] += [r[f] for f in FLOWS]
    return out


class DashboardModel(AgentsModel):
    """Agents engine + levers (side A) + a second scenario (side B) + a history table."""

    def __init__(
        self,
        preset: str = "teaching_small",
        subsidy_total_yuan: float = DEFAULT_LEVERS["subsidy_total_yuan"],
        subsidy_months: int = DEFAULT_LEVERS["subsidy_months"],
        training_coverage: float = DEFAULT_LEVERS["training_coverage"],
        workers_per_liaison: int = DEFAULT_LEVERS["workers_per_liaison"],
        n_brokers: int = DEFAULT_LEVERS["n_brokers"],
        transport_seats: int = DEFAULT_LEVERS["transport_seats"],
        second: str = "",
        seed: int = 1,
        rng=None,
    ) -> None:
        self.levers = {
            "subsidy_total_yuan": subsidy_total_yuan,
            "subsidy_months": subsidy_months,
            "training_coverage": training_coverage,
            "workers_per_liaison": workers_per_liaison,
            "n_brokers": n_brokers,
            "transport_seats": transport_seats,
        }
        sc = lever_scenario(preset, **self.levers)
        seed = int(rng) if isinstance(rng, (int, np.integer)) else int(seed)
        super().__init__(sc, seed)
        self.seed_used = seed
        self.twin = AgentsModel(teaching_scenario(second) if second else without_policies(sc), seed)
        self.second_name = second
        self._history: list[dict] = []
        self.snapshot()

    def step(self) -> None:
        """One month of side A and of side B (each until its calendar ends)."""
        if self.t >= self.sc.calendar.months:
            self.running = False
            return
        super().step()
        if self.twin.t < self.twin.sc.calendar.months:
            self.twin.step()
        self.snapshot()

    def snapshot(self) -> None:
        """Append this month's stocks, flows and spending, by side and county, to the history."""
        for side, m in (("A", self), ("B", self.twin)):
            if any(h["side"] == side and h["t"] == m.t for h in self._history[-2 * len(m.world.county_names) :]):
                continue  # side B's calendar is over: nothing new
            stocks, flows = stocks_now(m), flows_last_month(m)
            for i, county in enumerate(m.world.county_names):
                row = {"t": m.t, "side": side, "county": county, "spent_yuan": m.ledger.total_yuan}
                row.update(zip(STOCKS, stocks[i], strict=True))
                row.update(zip(FLOWS, flows[i], strict=True))
                self._history.append(row)

    def history(self, county: str | None = None) -> pd.DataFrame:
        """Months (t: 0 = start, k = end of the k-th month) x side; people summed over
        counties (or of one `county`), spending in yuan."""
        h = pd.DataFrame(list(self._history))  # a copy: the play thread may append meanwhile
        if county is not None:
            h = h[h.county == county]
        cols = [*STOCKS, *FLOWS]
        out = h.groupby(["side", "t"])[cols].sum()
        out["spent_yuan"] = h.groupby(["side", "t"])["spent_yuan"].first()
        return out.reset_index()

    def spent_by_policy(self) -> pd.Series:
        """Side A's yuan paid so far, by policy (largest first)."""
        b = self.ledger.table(self.world.county_names, self.labels)
        if b.empty:
            return pd.Series(dtype=float)
        return b.groupby("policy")["yuan"].sum().sort_values(ascending=False)

    def month_labels(self) -> list[str]:
        """x-axis labels: 'start', then every month of side A's calendar."""
        return ["start", *self.labels[: self.sc.calendar.months]]

    def month_label(self) -> str:
        """The latest simulated month ('start' before the first step)."""
        return self.labels[self.t - 1] if self.t else "start"

    def retention(self, model: AgentsModel | None = None) -> dict[str, np.ndarray]:
        """Kaplan-Meier retention in Ningbo of arrivals so far (censored now)."""
        model = model or self
        sp = model.spells.table(model.world.county_names)
        last = max(model.t - 1, 0)
        if sp.empty:
            return {"time": np.arange(1), "survival": np.ones(1)}
        end = sp["exit_step"].where(sp["exit_step"] >= 0, last)
        return kaplan_meier((end - sp["arrival_step"]).to_numpy(), (sp["exit_step"] >= 0).to_numpy(), max(last, 1))

    def county_district_flows(self) -> np.ndarray:
        """People employed now, by home county (rows) and Ningbo district (columns)."""
        nc, nd = len(self.world.county_names), len(self.world.district_names)
        out = np.zeros((nc, nd))
        for w in self.workers:
            if w.firm is not None:
                out[w.county, w.firm.district] += self.scale
        return out
