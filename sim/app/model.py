"""The dashboard's model: the Mesa agents engine on a small preset, with the
policy levers as keyword arguments (so SolaraViz sliders can rebuild it) and
a second scenario (B) stepped alongside on the same seed: by default the same
world with every policy off, or any scenario named by `second`."""

from __future__ import annotations

import mesa
import numpy as np

from ..engines.agents import AgentsModel
from ..loader import load_scenario
from ..metrics.km import kaplan_meier
from ..schema import Scenario
from ..states import FESTIVAL, HOME, JOB, LOCAL, PRD, SEEKING

SUBSIDIES = ("cixi_subsidy", "ninghai_subsidy")


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
    base = load_scenario(preset)
    sj = base.model_dump(mode="json")
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
    """The same world with every policy off."""
    sj = sc.model_dump(mode="json")
    for p in sj["policies"].values():
        p["enabled"] = False
    sj["name"] = sc.name + "_no_policy"
    return Scenario.model_validate(sj)


class DashboardModel(AgentsModel):
    """Agents engine + levers (side A) + a second scenario (side B), with a Mesa DataCollector."""

    def __init__(
        self,
        preset: str = "teaching_small",
        subsidy_total_yuan: float = 20000,
        subsidy_months: int = 9,
        training_coverage: float = 0.4,
        workers_per_liaison: int = 100,
        n_brokers: int = 120,
        transport_seats: int = 2500,
        second: str = "",
        seed: int = 1,
        rng=None,
    ) -> None:
        sc = lever_scenario(
            preset,
            subsidy_total_yuan,
            subsidy_months,
            training_coverage,
            workers_per_liaison,
            n_brokers,
            transport_seats,
        )
        seed = int(rng) if isinstance(rng, (int, np.integer)) else int(seed)
        super().__init__(sc, seed)
        self.twin = AgentsModel(load_scenario(second) if second else without_policies(sc), seed)
        self.second_name = second or "no policy"
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "In Ningbo jobs": lambda m: m.count(m, JOB),
                "Seeking in Ningbo": lambda m: m.count(m, SEEKING),
                "At home": lambda m: m.count(m, HOME) + m.count(m, LOCAL) + m.count(m, FESTIVAL),
                "In the PRD": lambda m: m.count(m, PRD),
                "In Ningbo jobs (B)": lambda m: m.count(m.twin, JOB),
                "Arrivals in Ningbo": lambda m: m.last_flow(m, "arrivals_ningbo"),
                "Return flow home": lambda m: m.last_flow(m, "return_home"),
                "Return flow home (B)": lambda m: m.last_flow(m.twin, "return_home"),
                "Cumulative budget (M yuan)": lambda m: m.ledger.total_yuan / 1e6,
            }
        )
        self.datacollector.collect(self)

    @staticmethod
    def count(model: AgentsModel, place: int) -> float:
        """People in `place`."""
        return sum(1 for w in model.workers if w.place == place) * model.scale

    @staticmethod
    def last_flow(model: AgentsModel, name: str) -> float:
        """People in flow `name` in the latest month."""
        rows = model.recorder.rows[-2 * len(model.world.county_names) :] if model.recorder.rows else []
        return float(sum(r[name] for r in rows))

    def step(self) -> None:
        """One month of the policy run and of its twin."""
        if self.t >= self.sc.calendar.months:
            self.running = False
            return
        super().step()
        if self.twin.t < self.twin.sc.calendar.months:
            self.twin.step()
        self.datacollector.collect(self)

    def month_label(self) -> str:
        """The latest simulated month ('' before the first step)."""
        return self.labels[self.t - 1] if self.t else "start"

    def retention(self, model: AgentsModel | None = None) -> dict[str, np.ndarray]:
        """Kaplan-Meier retention in Ningbo of arrivals so far (censored now)."""
        model = model or self
        sp = model.spells.table(model.world.county_names)
        last = max(self.t - 1, 0)
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
