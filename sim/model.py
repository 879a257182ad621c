"""The shared model shell: one monthly step in the order of design.md, written
once here. The engines (`sim.engines`) differ only in bookkeeping: how workers
are stored and visited.

Step order:
    1. calendar and shocks (Spring Festival visits, lockdown, demand shocks)
    2. policies act (subsidies, liaison, broker fees, love-job top-ups, seats)
    3. employers post vacancies
    4. brokers recruit; experienced workers are promoted to brokers
    5. workers decide (depart, quit, return, go back after the festival)
    6. matching of job seekers to vacancies in Ningbo
    7. record stocks, flows, spells and the ledger
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np

from . import rules
from .agents import Broker, Employer
from .calendar import Calendar, MonthInfo
from .ledger import Ledger
from .policies import World, build_policies
from .policies.brokers import BrokerProgram
from .policies.liaison import Liaison
from .policies.love_jobs import LoveJobs
from .policies.subsidy import Subsidy
from .policies.training import Training
from .policies.transport import Transport
from .recorder import Recorder
from .schema import Scenario
from .spells import SpellLog
from .streams import MonthDraws, Streams
from .world import build_world, initial_workers


@dataclass
class Month:
    """What one step knows: calendar facts, per-worker draws, lookup tables."""

    info: MonthInfo
    u: dict[str, np.ndarray]
    p_depart_home: np.ndarray  # [county, poor]
    p_depart_local: np.ndarray  # [county, poor]
    p_ningbo: np.ndarray  # [county, poor, organized]
    organized_open: np.ndarray  # [county] seats on offer this month
    job_chance: float  # chance of a Ningbo job as seen from home (rules.job_chance)
    want_ningbo: list = field(default_factory=list)


class LaborModel(mesa.Model):
    """Base of both engines: scenario, streams, calendar, policies, recorders.

    Args:
        scenario: A validated scenario.
        seed: Run seed; defaults to the scenario's seed. Stored as `self.seed`.
    """

    engine = "base"

    def __init__(self, scenario: Scenario, seed: int | None = None) -> None:
        seed = scenario.seed if seed is None else int(seed)
        super().__init__(rng=seed)
        self.seed = seed
        self.sc = scenario
        self.b = scenario.behavior
        self.streams = Streams(seed)
        self.calendar = Calendar(scenario)
        self.world = build_world(scenario, self.streams)
        self.scale = self.world.scale
        self.ledger = Ledger()
        self.spells = SpellLog()
        self.recorder = Recorder(len(self.world.county_names), self.scale)
        self.t = 0
        self.labels = [self.calendar.info(s).label for s in range(scenario.calendar.months)]
        cols = initial_workers(scenario, self.world, self.streams)
        self._setup_shared(cols)
        self.init_workers(cols)

    def init_workers(self, cols: dict[str, np.ndarray]) -> None:
        """Engine-specific: hold the initial population (agents or columns)."""
        raise NotImplementedError

    def n_seeking(self) -> int:
        """Engine-specific: number of job seekers in Ningbo (agents)."""
        raise NotImplementedError

    def job_market(self) -> tuple[int, int]:
        """(open jobs, job seekers in Ningbo), in agents, as of the last month's end."""
        return sum(sum(e.vacancies()) for e in self.employers), self.n_seeking()

    def _setup_shared(self, cols: dict[str, np.ndarray]) -> None:
        """What both engines share: policies, employers (with love-job slots),
        brokers, and each worker's persistent liaison rank."""
        self.n_workers = len(cols["county"])
        self._build_policies(self.n_workers)
        self.employers = [Employer(self, i) for i in range(len(self.world.firms.slots))]
        slots = self.world.firms.slots
        for lj in self.love_jobs:
            love = lj.allocate(slots, self.world.firms.district, self.streams[f"love:{lj.name}"].random(len(slots)))
            for e, k in zip(self.employers, love, strict=True):
                e.love_slots += int(k)
        self.brokers: list[Broker] = []
        nc = len(self.world.county_names)
        for bp in self.broker_programs:
            counties = np.flatnonzero(bp.eligible(np.arange(nc), np.ones(nc, bool)))
            pool = np.bincount(cols["county"], minlength=nc)[counties]
            u = self.streams[f"brokers:{bp.name}"].random(bp.cfg.n_brokers)
            cum = np.cumsum(pool) / max(pool.sum(), 1)
            for k in range(bp.cfg.n_brokers):
                c = int(counties[min(np.searchsorted(cum, u[k], side="right"), len(counties) - 1)])
                self.brokers.append(Broker(self, len(self.brokers), c, 1.0))
        self.liaison_rank = self.streams["liaison_rank"].random(self.n_workers, dtype=np.float32)

    def _build_policies(self, n_workers: int) -> None:
        w = World(self.world.county_names, self.world.district_names, self.scale, self.calendar, self.ledger, n_workers)
        self.policies = build_policies(self.sc, w)
        by = lambda cls: [p for p in self.policies.values() if isinstance(p, cls)]  # noqa: E731
        self.subsidies: list[Subsidy] = by(Subsidy)
        self.trainings: list[Training] = by(Training)
        self.liaisons: list[Liaison] = by(Liaison)
        self.transports: list[Transport] = by(Transport)
        self.love_jobs: list[LoveJobs] = by(LoveJobs)
        self.broker_programs: list[BrokerProgram] = by(BrokerProgram)

    # ---- the step, in the order of design.md -------------------------------------
    def step(self) -> None:
        """One month."""
        m = self.open_month(self.t)
        self.calendar_phase(m)
        self.policy_phase(m)
        self.employer_phase(m)
        self.broker_phase(m)
        self.decide_phase(m)
        self.match_phase(m)
        self.record_phase(m)
        self.t += 1
        self.running = self.t < self.sc.calendar.months

    def run(self, progress=None) -> None:
        """Run every month of the scenario; `progress(step)` is called after each."""
        while self.t < self.sc.calendar.months:
            self.step()
            if progress:
                progress(self.t)

    # ---- shared pieces ---------------------------------------------------------
    def open_month(self, step: int) -> Month:
        """Calendar facts, this month's draws (one uniform per worker per decision)
        and the lookup tables of the rules that depend only on county and group."""
        info = self.calendar.info(step)
        u = MonthDraws(self.streams, step, self.n_workers)
        for tp in self.transports:
            tp.open_month(step, self.streams.monthly(f"seats:{tp.name}", step, 1)[0])
        organized = np.zeros(len(self.world.county_names), dtype=bool)
        for tp in self.transports:
            if tp.seats_left > 0:
                organized |= tp.eligible(np.arange(len(organized)), np.ones(len(organized), bool))
        chance = self._smooth_chance(float(rules.job_chance(*self.job_market())))
        return Month(info, u, *self._lookup_tables(info, organized, chance), organized, chance)

    def _smooth_chance(self, raw: float) -> float:
        """News of open jobs travels with a lag: the chance seen from home moves
        halfway towards this month's value (behavior.departure.job_news_weight)."""
        prev = getattr(self, "_chance", raw)
        w = self.b.departure.job_news_weight
        self._chance = (1 - w) * prev + w * raw
        return self._chance

    def _lookup_tables(self, info: MonthInfo, organized: np.ndarray, chance: float):
        w, dp = self.world, self.b.departure
        nc = len(w.county_names)
        county = np.repeat(np.arange(nc), 2)
        poor = np.tile([False, True], nc)
        best = np.maximum(self.mean_ningbo_wage(), self.sc.places.prd.wage_yuan_month)
        p_home = rules.departure_prob(best, w.home_income[county], poor, info.month_of_year, dp).reshape(nc, 2)
        p_local = rules.departure_prob(
            best, w.local_wage[county], poor, info.month_of_year, dp, base=dp.p_depart_local_month
        ).reshape(nc, 2)
        prd = self.sc.places.prd
        p_n = np.stack(
            [
                rules.p_choose_ningbo(
                    self.mean_ningbo_wage(),
                    prd.wage_yuan_month,
                    w.hours_ningbo[county],
                    prd.travel_hours,
                    poor,
                    org & organized[county],
                    dp,
                    chance,
                ).reshape(nc, 2)
                for org in (False, True)
            ],
            axis=-1,
        )
        return p_home, p_local, p_n

    def mean_ningbo_wage(self) -> float:
        """Slot-weighted mean wage of Ningbo jobs (what a worker at home expects)."""
        f = self.world.firms
        return float((f.wage * f.slots).sum() / max(f.slots.sum(), 1))

    def firm_capacity(self, step: int) -> np.ndarray:
        """Jobs open to Qianxinan workers this month: slots x seasonal demand x shocks."""
        f = self.world.firms
        sectors = self.sc.places.sectors
        moy = self.calendar.info(step).month_of_year
        mult = np.array(
            [sectors[s].seasonal_demand[moy - 1] * self.calendar.demand_multiplier(s, step) for s in f.sector]
        )
        return np.floor(f.slots * mult + 0.5).astype(np.int64)

    def match_weights(self, skill, county, organized, vac: np.ndarray) -> np.ndarray:
        """Unnormalized choice weights over firms (design.md step 6).

        For one seeker pass scalars (result: one weight per firm); for many pass
        columns shaped (n, 1) and `vac` shaped (n, firms). `organized` is true for
        organized-transport and broker recruits. Weight = open jobs x exp(score),
        score = pairing bonus + program-firm bonus (organized) - mismatch penalty
        x skill mismatch + wage_beta x log(wage / 5000).
        """
        mt, f = self.b.matching, self.world.firms
        bonus = np.where(organized, mt.organized_pairing_bonus, mt.pairing_bonus)
        score = bonus * (f.district == self.world.paired_district[county])
        score = score + np.where(organized, mt.program_firm_bonus, 0.0) * ~f.market
        score = score - mt.mismatch_penalty * rules.skill_mismatch(skill, f.skill_required)
        score = score + mt.wage_beta * np.log(f.wage / 5000.0)
        return vac * np.exp(score)

    def pay_and_cover(self, step: int, cols: dict[str, np.ndarray]):
        """Pay every subsidy for the month just completed and assign liaison coverage
        to employed workers `cols`. Returns masks: paid, after-payment cliff, covered."""
        n = len(cols["idx"])
        paid, cliff, covered = np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, bool)
        for s in self.subsidies:
            p, c = s.pay_month(step, cols, self.b.quit_hazard.subsidy_cliff_months)
            paid |= p
            cliff |= c
        for lp in self.liaisons:
            covered |= lp.covered(step, cols, self.liaison_rank[cols["idx"]])
        return paid, cliff & ~paid, covered

    def employer_phase(self, m: Month) -> None:
        """Capacity this month from seasonal demand and shocks; love-job slots are
        reserved only while a love-jobs policy is active."""
        cap = self.firm_capacity(m.info.step)
        love_open = any(lj.active(m.info.step) for lj in self.love_jobs)
        for e in self.employers:
            e.capacity = int(cap[e.index])
            e.love_open = love_open

    def own_travel_ok(self, m: Month, idx) -> np.ndarray:
        """Whether travel on one's own is allowed for these workers this month."""
        return m.u.at("travel", idx) < m.info.own_travel_share

    def book_seat(self, step: int, county: int, poor: bool) -> bool:
        """Book a seat on any organized transport that serves this worker."""
        for tp in self.transports:
            if tp.book(step, np.array([county]), np.array([poor]))[0]:
                return True
        return False
