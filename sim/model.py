"""The shared model shell: one monthly step in the order of design.md, written
once here. The engines (`sim.engines`) differ only in how they visit workers
(whole-table kernels or one Mesa agent at a time) and in how matching walks
the seekers; every rule is in `sim.transitions`, `sim.rules` and the policies.

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

from dataclasses import dataclass

import mesa
import numpy as np
import pandas as pd

from . import rules
from .agents import Broker, Employer
from .broker_book import BrokerBook
from .calendar import Calendar, MonthInfo
from .counts import early_failures, first_arrival_from, leaders_and_recruits
from .heap import release_free_memory
from .ledger import Ledger
from .market import MarketLog, firm_wages, job_path, prd_wage, years_since_start
from .params import pack_behavior, pack_month, tenure_bands
from .phase_kernels import (
    accept_and_recruit,
    gather_view,
    order_draws,
    promote_candidates,
    recruit,
    ties_at_cut,
)
from .policies import Effects, WorkerView, World, build_policies, code_dtype, write_month_effects
from .recorder import Recorder
from .schema import LEVERS, Scenario
from .spells import CHANNELS, SpellLog
from .states import HOME, JOB, LOCAL, PRD, SEEKING
from .streams import Streams
from .table import column, new_table, set_column, where_place
from .transitions import (
    DRAWS,
    N_OUT,
    O_QUIT,
    O_QUIT_FIRM,
    O_QUIT_MONTHS,
    O_QUIT_PRIOR,
    O_WANT,
    O_WANT_KIND,
    WANT_BACK,
    WANT_BROKER,
    WANT_FROM_PRD,
    WANT_PRD,
)
from .world import build_world, initial_workers

REPORTED = ("home", "local_job", "ningbo_seeking", "ningbo_job", "prd", "other_region", "stable_employed")


def _stock(name: str):
    """A Mesa model reporter: this month's stock `name`, in people."""

    def report(model) -> float:
        rows = model.recorder.rows[-2 * len(model.world.county_names) :]
        return float(sum(r[name] for r in rows))

    return report


def _total_cost(model) -> float:
    """A Mesa model reporter: yuan paid by every policy so far."""
    return float(model.ledger.total_yuan)


@dataclass
class Month:
    """What one step knows: calendar facts, the packed facts and draw keys the
    transitions read, the job chance seen from home, and this month's broker
    recruits and buffers."""

    info: MonthInfo
    facts: np.ndarray  # sim.params.pack_month
    keys: np.ndarray  # uint64 key per decision of sim.transitions.DRAWS
    job_chance: float
    recruits: np.ndarray
    skip: np.ndarray  # workers who do not decide this month (broker recruits)
    employed: np.ndarray | None = None  # in a Ningbo job after the calendar (ascending; until decide)
    at_home: np.ndarray | None = None  # at home or in a local job after the calendar (any order; until decide)
    seeking: np.ndarray | None = None  # job seekers after the decisions (arrays engine)
    arrived: np.ndarray | None = None  # this month's arrivals in Ningbo
    leaders: np.ndarray | None = None  # team leaders' firms by county, if the engine counted them (calendar pass)
    retained: np.ndarray | None = None  # brokers' recruits in a Ningbo job, counted with `leaders`

    @property
    def festival(self) -> bool:
        """Whether this is the Spring Festival month (`transitions.calendar_row`)."""
        return self.info.festival


class LaborModel(mesa.Model):
    """Base of both engines: scenario, streams, calendar, policies, worker table, recorders.

    Args:
        scenario: A validated scenario.
        seed: Run seed; defaults to the scenario's. Stored as `self.seed`.
        rng: Mesa's name for the seed (an int), so `mesa.batch_run(..., rng=[...])`
            gives different runs; used when `seed` is not given.

    A Mesa `DataCollector` (`self.datacollector`) records the stocks of `REPORTED`
    (people) and the cumulative cost each month, so `mesa.batch_run` works on
    either engine.
    """

    engine = "base"

    def __init__(self, scenario: Scenario, seed: int | None = None, rng: int | None = None) -> None:
        seed = int(seed if seed is not None else rng if rng is not None else scenario.seed)
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
        self.P, self.bands = pack_behavior(self.b), tenure_bands(self.b)
        cols = initial_workers(scenario, self.world, self.streams)
        release_free_memory()  # the draws' temporaries leave before the table is made beside the columns
        self.table = new_table(cols)
        del cols  # freed at once
        self.n_workers = len(self.table)
        self._out = np.zeros((N_OUT, self.queue_capacity()), np.int32)  # travel queue, open quits (sim.transitions)
        self._nout = np.zeros(N_OUT, np.int64)
        self._deferred = np.zeros((2, 0), np.int64)  # (worker, why) waiting for travel to reopen
        self._seekers_at_close: int | None = None  # job seekers counted by the last record phase
        self._setup_firms_and_policies()
        self._setup_market()
        self.init_workers()
        reporters = {k: _stock(k) for k in REPORTED} | {"cost_yuan": _total_cost}
        self.datacollector = mesa.DataCollector(model_reporters=reporters)

    def init_workers(self) -> None:
        """Engine-specific: how workers are visited (agents are views on the table)."""

    def queue_capacity(self) -> int:
        """Rows of the travel and quit queues (`self._out`): every worker, unless the
        engine grows them when a month needs more."""
        return self.n_workers

    # ---- set-up ---------------------------------------------------------------------
    def _setup_firms_and_policies(self) -> None:
        """Policies; employers with their love-job slots and fill counters; listed brokers."""
        w = World(
            self.world.county_names,
            self.world.district_names,
            self.scale,
            self.calendar,
            self.ledger,
            self.n_workers,
            self.b,
            self.streams,
        )
        self.policies = build_policies(self.sc, w)
        f = self.world.firms
        self.firm_data = np.stack([f.wage, f.skill_required], axis=1).astype(np.float64)
        self.firm_counts = np.zeros((len(f.slots), 2), np.int64)  # filled, love_filled
        held = self.table["firm"][self.table["firm"] >= 0]
        self.firm_counts[:, 0] = np.bincount(held, minlength=len(f.slots))
        self.leader_firms = np.zeros((len(self.world.county_names), len(f.slots)), bool)
        self.employers = [Employer(self, i) for i in range(len(f.slots))]
        love = np.zeros(len(f.slots), np.int64)
        program_slots = np.where(f.market, 0, f.slots)  # love jobs are program firms' jobs (domain.md: of the 17,000)
        for p in self.policies.values():
            love += p.love_slots(program_slots, f.district, self.streams[f"love:{p.name}"].random(len(f.slots)))
        for e, k in zip(self.employers, love, strict=True):
            e.love_slots = int(k)
        self.love_floor = max((p.wage_floor() for p in self.policies.values()), default=0.0)
        self.broker_book = BrokerBook()
        self.brokers: list[Broker] = []
        pool = np.bincount(self.table["county"], minlength=len(self.world.county_names))
        for p in self.policies.values():
            for c in p.initial_brokers(pool):
                self.brokers.append(Broker(self, c, 1.0))

    def _setup_market(self) -> None:
        """Jobs over the run (sim.market.job_path), base wages, the market log."""
        f = self.world.firms
        self.jobs_path = job_path(self.sc, f, self.calendar, self.scale)
        self._round_u = self.streams["firm_round"].random(len(f.slots))  # each firm's rounding of fractional jobs
        self.base_wage = f.wage.copy()
        self.prd_wage = self.sc.places.prd.wage_yuan_month
        self.market_log = MarketLog(f.district, f.market, len(self.world.district_names), self.scale)
        self._capacity = self.firm_capacity(0)

    def apply_changes(self, step: int) -> None:
        """Dated changes of this month (scenario `changes:`): policies take their new
        configuration (validated with the scenario)."""
        for name, cfg in self.sc.changes_at(self.calendar.info(step).label):
            self.policies[name].reconfigure(cfg)

    def set_wages(self, step: int) -> None:
        """Wages of this month: each January after the start year they step up by
        the sector's (and the PRD's) yearly wage growth (sim.market)."""
        years = years_since_start(self.calendar, step)
        f = self.world.firms
        f.wage[:] = firm_wages(self.sc, self.base_wage, f.sector, years)
        self.firm_data[:, 0] = f.wage
        self.prd_wage = prd_wage(self.sc, years)

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
        self.datacollector.collect(self)
        self.t += 1
        self.running = self.t < self.sc.calendar.months

    def run(self, progress=None) -> None:
        """Run every month of the scenario; `progress(step)` is called after each."""
        while self.t < self.sc.calendar.months:
            self.step()
            if progress:
                progress(self.t)

    # ---- engine-specific visits ----------------------------------------------------
    def visit_calendar(self, m: Month) -> None:
        """Apply `transitions.calendar_row` to every worker."""
        raise NotImplementedError

    def visit_decide(self, m: Month) -> None:
        """Apply `transitions.decide_row` to every worker not in `m.skip`."""
        raise NotImplementedError

    def match_phase(self, m: Month) -> None:
        """Seekers meet vacancies (design.md step 6)."""
        raise NotImplementedError

    # ---- 1. calendar ---------------------------------------------------------------
    def open_month(self, step: int) -> Month:
        """Calendar facts, this month's draw keys and the lookup tables of the rules
        that depend only on county and group."""
        info = self.calendar.info(step)
        nc = len(self.world.county_names)
        self.set_wages(step)
        self.apply_changes(step)
        for p in self.policies.values():
            p.open_month(step)
        self.reach = {lv: np.zeros(nc, bool) for lv in LEVERS}  # counties each program lever reaches
        for p in self.policies.values():
            if p.lever:
                self.reach[p.lever] |= p.reach(step, nc)
        organized = np.zeros(nc, dtype=bool)
        for p in self.policies.values():
            organized |= p.seats_on_offer(nc)
        seekers, self._seekers_at_close = self._seekers_at_close, None  # nothing moved since it was counted
        chance = self._smooth_chance(float(rules.job_chance(*self.job_market(seekers))))
        p_home, p_local, p_n = self._lookup_tables(info, organized, chance)
        facts = pack_month(
            step,
            info.own_travel_share,
            info.festival,
            self.prd_wage,
            self.love_floor,
            p_home,
            p_local,
            p_n,
            organized,
        )
        keys = np.array([self.streams.key(d, step) for d in DRAWS], dtype=np.uint64)
        skip = np.zeros(self.n_workers, bool)  # fresh zero pages: only the pages of recruits become resident
        skip[self._deferred[0]] = True  # waiting to travel: they do not decide again
        self.month = Month(info, facts, keys, chance, np.zeros(0, np.int64), skip)
        return self.month

    def calendar_phase(self, m: Month) -> None:
        """Tenure grows; in the festival month a share of workers away go home.
        Then who is where (the engine may have listed it in its calendar pass)."""
        self.visit_calendar(m)
        if m.employed is None:
            m.employed = where_place(self.table, JOB).astype(np.int32)
        if m.at_home is None:
            m.at_home = where_place(self.table, HOME, LOCAL).astype(np.int32)

    def job_market(self, seekers: int | None = None) -> tuple[int, int]:
        """(open jobs, job seekers in Ningbo), in agents, as of the last month's end
        (`seekers`: already counted)."""
        vac = self.vacancies().sum()
        return int(vac), self.n_seeking() if seekers is None else seekers

    def n_seeking(self) -> int:
        """Job seekers in Ningbo (agents)."""
        return len(where_place(self.table, SEEKING))

    def holds_job(self) -> np.ndarray:
        """Per worker: holds a Ningbo job (at work or home for the festival)."""
        return self.table["firm"] >= 0

    def _smooth_chance(self, raw: float) -> float:
        """News of open jobs travels with a lag: the chance seen from home moves
        towards this month's value by behavior.departure.job_news_weight."""
        prev = getattr(self, "_chance", raw)
        w = self.b.departure.job_news_weight
        self._chance = (1 - w) * prev + w * raw
        return self._chance

    def _lookup_tables(self, info: MonthInfo, organized: np.ndarray, chance: float):
        """Departure from home and from a local job [county, poor]; choice of Ningbo
        [county, poor, organized on offer]."""
        w, dp = self.world, self.b.departure
        nc = len(w.county_names)
        county = np.repeat(np.arange(nc), 2)
        poor = np.tile([False, True], nc)
        prd = self.sc.places.prd
        sub = self.expected_subsidy(info.step) * dp.subsidy_awareness / dp.subsidy_horizon_months
        ningbo = self.mean_ningbo_wage() + sub
        best = np.maximum(ningbo, self.prd_wage)
        p_home = rules.departure_prob(best, w.home_income[county], poor, info.month_of_year, dp).reshape(nc, 2)
        informed = poor & self.reach["cadre_information"][county]  # cadres inform registered-poor households
        organized = organized & self.reach["organized_recruitment"]
        p_local = rules.departure_prob(
            best, w.local_wage[county], poor, info.month_of_year, dp, base=dp.p_depart_local_month
        ).reshape(nc, 2)
        p_n = np.stack(
            [
                rules.p_choose_ningbo(
                    ningbo,
                    self.prd_wage,
                    w.hours_ningbo[county],
                    prd.travel_hours,
                    informed,
                    org & organized[county],
                    dp,
                    chance,
                ).reshape(nc, 2)
                for org in (False, True)
            ],
            axis=-1,
        )
        return p_home, p_local, p_n

    def expected_subsidy(self, step: int) -> np.ndarray:
        """Yuan of subsidy a worker setting out now expects, by [county, poor] flattened
        (sum over the policies' `expected_yuan`; sim.policies.subsidy)."""
        total = np.zeros(2 * len(self.world.county_names))
        for p in self.policies.values():
            e = p.expected_yuan(step, self.world.paired_district)
            if e is not None:
                total += np.asarray(e).ravel()
        return total

    def mean_ningbo_wage(self) -> float:
        """Slot-weighted mean wage of Ningbo jobs (what a worker at home expects)."""
        f = self.world.firms
        return float((f.wage * f.slots).sum() / max(f.slots.sum(), 1))

    # ---- 2. policies -----------------------------------------------------------------
    def view(self, idx: np.ndarray, firm: np.ndarray | None = None, prior: np.ndarray | None = None) -> WorkerView:
        """Policy view of workers `idx` as columns (firm and prior spells may be
        given as they were before a move): the columns every policy reads are
        gathered in one compiled pass; any other column of the table is gathered
        when a policy first asks for it. Columns are in the smallest types that
        hold them (idx int32, county as the table keeps it, district by the
        number of districts): the view of every employed worker is the policy
        phase's largest array."""
        idx = np.asarray(idx, dtype=np.int32)  # no copy of the month's int32 lists (the table fits int32 rows)
        n, f = len(idx), self.world.firms
        cols = {  # codes in the table's type and the smallest that holds every district (-1: none)
            "county": np.empty(n, self.table.dtype["county"]),
            "poor": np.empty(n, np.bool_),
            "district": np.empty(n, code_dtype(len(self.world.district_names))),
            "firm_wage": np.empty(n, np.float64),
            "program_firm": np.empty(n, np.bool_),
            "love_job": np.empty(n, np.bool_),
            "broker": np.empty(n, np.bool_),
        }
        given = firm is not None
        firm_in = np.asarray(firm, np.int64) if given else np.zeros(0, np.int64)
        gather_view(self.table, idx, firm_in, given, f.district, f.wage, f.market, *cols.values())
        if prior is not None:
            cols["prior_spells"] = prior
        return WorkerView(self.table, {"idx": idx, **cols}, self.spells)

    def apply_effects(self, idx: np.ndarray, effects: list[Effects]) -> tuple[dict, np.ndarray]:
        """Apply the policies' effects on workers `idx`: this month's quit-hazard
        multiplier (same key: the strongest; keys multiply), liaison coverage,
        training and the spells' support flags. Returns the hazard multipliers
        by key and the coverage mask (for the caller to store)."""
        by_key: dict[str, list[np.ndarray]] = {}
        covered = np.zeros(len(idx), bool)
        for e in effects:
            if e.hazard is not None:
                by_key.setdefault(e.hazard_key or "", []).append(np.asarray(e.hazard, np.float64))
            if e.covered is not None:
                covered |= e.covered
            if e.trained is not None:
                self.train(idx[e.trained])
            if e.support is not None and e.marked is not None:
                self.spells.mark_support(self.table["spell"][idx[e.marked]], e.support)
        return by_key, covered

    def train(self, idx: np.ndarray) -> None:
        """Workers `idx` are trained (for the spell): those not yet trained gain
        behavior.employers.training_skill_gain of skill (kept to 1/100, at most 1)."""
        t = self.table
        new = idx[~column(t, "trained", idx)]
        gain = round(self.b.employers.training_skill_gain * 100)
        t["skill"][new] = np.minimum(np.rint(t["skill"][new] * 100) + gain, 100) / 100
        set_column(t, idx, "trained", True)

    def policy_phase(self, m: Month) -> None:
        """Every policy sees the workers in a Ningbo job this month (pays, covers,
        follows up); their effects set this month's quit-hazard multiplier."""
        step, t = m.info.step, self.table
        w = self.view(m.employed)
        emp = w["idx"]
        effects = [e for p in self.policies.values() if (e := p.employed_month(step, w)) is not None]
        by_key, covered = self.apply_effects(emp, effects)
        write_month_effects(t, emp, by_key, covered)

    # ---- 3. employers ----------------------------------------------------------------
    def firm_capacity(self, step: int) -> np.ndarray:
        """Jobs open to Qianxinan workers this month: the month's jobs (start jobs,
        new jobs and sector growth, `sim.market.job_path`) x seasonal demand x shocks."""
        f = self.world.firms
        sectors = self.sc.places.sectors
        moy = self.calendar.info(step).month_of_year
        mult = np.array(
            [sectors[s].seasonal_demand[moy - 1] * self.calendar.demand_multiplier(s, step) for s in f.sector]
        )
        return np.floor(self.jobs_path[step] * mult + self._round_u).astype(np.int64)

    def employer_phase(self, m: Month) -> None:
        """Capacity this month from the jobs that come and go (new jobs, sector
        trends, seasonal demand and shocks); love-job slots are reserved only while
        a policy reserves them."""
        cap = self._capacity = self.firm_capacity(m.info.step)
        if m.leaders is None:
            m.leaders, m.retained = self.leaders_and_recruits()
        self.leader_firms, self._retained = m.leaders, m.retained
        love_open = any(p.reserves_love_jobs(m.info.step) for p in self.policies.values())
        for e in self.employers:
            e.capacity = int(cap[e.index])
            e.love_open = love_open

    def count_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Zeroed (counties, firms) bool and (brokers,) int64 arrays for `leaders_and_recruits`."""
        leaders = np.zeros((len(self.world.county_names), len(self.world.firms.slots)), np.bool_)
        return leaders, np.zeros(self.broker_book.n, np.int64)

    def leaders_and_recruits(self) -> tuple[np.ndarray, np.ndarray]:
        """(counties, firms) bool: the firm has a team leader from the county (their
        pull on the county's recruits, behavior.matching.leader_pull); and per broker,
        their recruits in a Ningbo job (for `broker_news`). One pass over the table."""
        leaders, retained = self.count_arrays()
        leaders_and_recruits(self.table, leaders, retained)
        return leaders, retained

    def vacancies(self) -> np.ndarray:
        """(firms, 2): regular and love-job vacancies at this month's capacity."""
        return np.array([e.vacancies() for e in self.employers], dtype=np.int64).reshape(-1, 2)

    # ---- 4. brokers ------------------------------------------------------------------
    def broker_phase(self, m: Month) -> None:
        """Brokers recruit at home (as many as the jobs they can see allow);
        experienced workers become brokers. In each county, candidates who accept
        are taken in the month's broker order (highest draw first; draws that tie
        across the cut as numpy's argpartition took them, `_cut_at_tie`), up to the
        brokers' capacity."""
        step = m.info.step
        self.broker_news(step)
        for p in self.policies.values():
            offer = p.recruiting(step)
            if offer is None:
                continue
            self._promote(m, offer)
            nb = self.broker_book.n
            u_cap = self.streams.monthly(f"broker_cap:{p.name}", step, max(nb, 1))[:nb]
            cap = offer.capacity_people * m.job_chance / self.scale
            b_county = self.broker_book.rows["county"]
            b_weight = self.broker_book.capacity_weights()
            nc = len(self.world.county_names)
            per_b = rules.stochastic_round(b_weight * cap, u_cap)
            k = np.bincount(b_county, weights=per_b, minlength=nc).astype(np.int64)
            k = np.minimum(k, len(m.at_home))
            drawn = self._accept_and_recruit(m, offer, k)
            got = [m.recruits]
            for c, top in self.broker_picks(step, drawn[0], k, drawn):
                got.append(top)
                self._assign_brokers(top, np.flatnonzero(b_county == c), per_b)
            m.recruits = np.concatenate(got).astype(np.int64)
            m.skip[m.recruits] = True

    def _accept_and_recruit(self, m: Month, offer, k: np.ndarray) -> tuple:
        """One compiled pass over the workers at home (`accept_and_recruit`): who
        accepts the offer (the candidates, in home-list order, with county and
        broker-order draw) and each county's k[c] best by order draw (heaps, as
        `broker_picks` reads them)."""
        step, n = m.info.step, len(m.at_home)
        cand, cand_c, cand_u = np.empty(n, np.int32), np.empty(n, np.int8), np.empty(n)
        start = np.concatenate([[0], np.cumsum(k)])
        fill = np.zeros(len(k), np.int64)
        heap_u, heap_i = np.empty(start[-1] + 1), np.empty(start[-1] + 1, np.int64)  # a spare entry at the end
        keys = self.streams.key("accept", step), self.streams.key("broker_order", step)
        args = (offer.p_accept, offer.p_accept_poor, *keys, start, k, fill, heap_u, heap_i, cand, cand_c, cand_u)
        na = accept_and_recruit(self.table, m.at_home, m.skip, *args)
        return cand[:na], cand_c[:na], cand_u[:na], start, fill, heap_u, heap_i

    def broker_picks(self, step: int, cand: np.ndarray, k: np.ndarray, drawn: tuple | None = None):
        """(county, recruits ascending) for each county c with k[c] > 0: of the
        accepting candidates `cand` (any order) of the county, the k[c] with the
        highest broker-order draws (compiled `recruit`, or already kept in `drawn`
        by `_accept_and_recruit`; if draws tie across the cut, `_cut_at_tie`)."""
        nc = len(k)
        if drawn is None:
            cand_c, cand_u = np.empty(len(cand), np.int8), np.empty(len(cand))
            order_draws(self.table, cand, self.streams.key("broker_order", step), cand_c, cand_u)
            start = np.concatenate([[0], np.cumsum(k)])
            fill = np.zeros(nc, np.int64)
            heap_u, heap_i = np.empty(start[-1] + 1), np.empty(start[-1] + 1, np.int64)
            recruit(cand, cand_c, cand_u, start, k, fill, heap_u, heap_i)
        else:
            _, cand_c, cand_u, start, fill, heap_u, heap_i = drawn
        kept_eq, cand_eq = np.zeros(nc, np.int64), np.zeros(nc, np.int64)
        ties_at_cut(cand_c, cand_u, start, k, fill, heap_u, kept_eq, cand_eq)
        picks = []
        for c in np.flatnonzero(k):
            tied = cand_eq[c] > kept_eq[c]
            top = self._cut_at_tie(step, cand, c, k[c]) if tied else np.sort(heap_i[start[c] : start[c] + fill[c]])
            picks.append((int(c), top))
        return picks

    def _cut_at_tie(self, step: int, cand: np.ndarray, county: int, k: int) -> np.ndarray:
        """County `county`'s `k` recruits when order draws tie across the cut: the
        accepting candidates `cand` of the county in worker order, the top k by
        numpy's argpartition of the negated draws (how the rule picked them before
        the compiled `recruit`, so results stay the same bit for bit). Ascending."""
        t = self.table
        in_c = np.sort(cand[t["county"][cand] == county]).astype(np.int64)
        order = self.streams.uniforms("broker_order", step, in_c)
        return np.sort(in_c[np.argpartition(-order, k)[:k]])

    def _assign_brokers(self, recruits: np.ndarray, brokers: np.ndarray, per_b: np.ndarray) -> None:
        """The county's recruits, in order, go to its brokers in turn, each up to
        its capacity this month; each recruit carries the broker's id."""
        bid = np.repeat(brokers, per_b[brokers])[: len(recruits)]
        self.table["broker_id"][recruits] = bid
        self.broker_book.place(bid)

    def broker_news(self, step: int) -> None:
        """Each active broker hears how their recruits did last month: agents in
        a Ningbo job, and recruits who left Ningbo within early_failure_months of
        arriving (`BrokerBook.hear_news`)."""
        nb = self.broker_book.n
        if nb == 0:
            return
        retained = self._retained  # counted with the team leaders (`employer_phase`)
        failures = np.zeros(nb, np.int64)
        early = self.b.brokers.early_failure_months
        # spells are logged in order of arrival: only those from step - early on can be early failures
        first = first_arrival_from(self.spells.rows, self.spells.n, step - early)
        early_failures(self.spells.rows[first:], self.spells.n - first, step, early, failures)
        u = self.streams.monthly("broker_leave", step, nb)
        self.broker_book.hear_news(retained, failures, u, self.scale, self.b.brokers)

    def broker_table(self) -> pd.DataFrame:
        """One row per broker: id, home county, listed or promoted, active, reach."""
        return self.broker_book.table(self.world.county_names)

    def _promote(self, m: Month, offer) -> None:
        """Workers with enough months in Ningbo become brokers (behavior.brokers)."""
        t, mb = self.table, self.b.brokers
        rows = m.employed
        out = np.empty(len(rows), np.int32)
        key = self.streams.key("promote", m.info.step)
        cand = out[: promote_candidates(t, rows, mb.promote_min_tenure_months, mb.p_promote_month, key, out)]
        cand = cand[offer.policy.eligible(t["county"][cand].astype(np.int64), t["poor"][cand])]
        for i in cand:
            self.brokers.append(Broker(self, int(t["county"][i]), self.scale))
        set_column(t, cand, "is_broker", True)
        self.flow("promoted_brokers", cand)

    # ---- 5. decisions and travel -------------------------------------------------------
    def kernel_args(self, m: Month) -> tuple:
        """The arguments of `transitions.decide_row` after the worker index."""
        return (
            self.table,
            self.spells.rows,
            self.firm_counts,
            self.firm_data,
            m.facts,
            self.P,
            self.bands,
            m.keys,
            self.recorder.counts,
            self._out,
            self._nout,
        )

    def decide_phase(self, m: Month) -> None:
        """Every worker decides (but this month's broker recruits); open quits get
        their final payments; then those bound for Ningbo travel."""
        self._nout[:] = 0
        self.visit_decide(m)
        out, n = self._out, self._nout
        nq = n[O_QUIT]
        if nq:
            o = np.argsort(out[O_QUIT, :nq], kind="stable")  # pay in worker order (budget caps)
            q = out[O_QUIT, :nq][o].astype(np.int64)
            w = self.view(q, firm=out[O_QUIT_FIRM, :nq][o], prior=out[O_QUIT_PRIOR, :nq][o])
            w["spell_months"] = out[O_QUIT_MONTHS, :nq][o]
            for p in self.policies.values():
                p.on_quit(m.info.step, w)
        want, why = out[O_WANT, : n[O_WANT]].astype(np.int64), out[O_WANT_KIND, : n[O_WANT]].astype(np.int64)
        to_prd = why == WANT_PRD  # set out for the PRD this month but blocked (the kernel drew travel)
        self.flow("blocked_by_lockdown", want[to_prd])
        waiting, self._deferred = self._deferred, np.stack([want[to_prd], why[to_prd]])
        idx = np.concatenate([m.recruits, waiting[0], want[~to_prd]])
        kind = np.concatenate([np.full(len(m.recruits), WANT_BROKER), waiting[1], why[~to_prd]])
        self.travel(m, idx, kind)

    def travel(self, m: Month, idx: np.ndarray, kind: np.ndarray) -> None:
        """Travel, in the month's travel order. Bound for Ningbo: an organized seat
        if one is free, else on one's own if travel is open; bound for the PRD (a
        departure a lockdown held back): on one's own if travel is open. Whoever is
        blocked is deferred, not lost: they wait at home, without deciding again,
        and try again next month (the 2020 departures caught up when travel reopened)."""
        t, step = self.table, m.info.step
        order = np.argsort(self.streams.uniforms("travel_order", step, idx), kind="stable")
        idx, kind = idx[order], kind[order]
        organized = np.zeros(len(idx), bool)
        county, poor = t["county"][idx].astype(np.int64), t["poor"][idx]
        seat = np.flatnonzero(kind != WANT_PRD)  # organized seats go to Ningbo
        for p in self.policies.values():
            rest = seat[~organized[seat]]
            organized[rest[p.book_seats(step, county[rest], poor[rest])]] = True
        ok = organized | (self.streams.uniforms("travel", step, idx) < m.info.own_travel_share)
        self.flow("blocked_by_lockdown", idx[~ok])
        self._deferred = np.concatenate([self._deferred, np.stack([idx[~ok], kind[~ok]])], axis=1)
        idx, kind, organized = idx[ok], kind[ok], organized[ok]
        prd = idx[kind == WANT_PRD]
        with self.moving(prd):
            t["place"][prd] = PRD
        self.flow("departures", prd)
        self.flow("to_prd", prd)
        idx, kind, organized = idx[kind != WANT_PRD], kind[kind != WANT_PRD], organized[kind != WANT_PRD]
        back = idx[kind == WANT_BACK]
        with self.moving(back):
            t["place"][back] = JOB
        self.flow("festival_back", back)
        new = kind != WANT_BACK
        m.arrived = idx[new]
        self.arrive(step, idx[new], kind[new], organized[new])

    def arrive(self, step: int, idx: np.ndarray, kind: np.ndarray, organized: np.ndarray) -> None:
        """Start Ningbo spells as job seekers; count the channel; policies greet arrivals."""
        t = self.table
        ch = {c: CHANNELS.index(c) for c in CHANNELS}
        channel = np.where(
            kind == WANT_BROKER,
            ch["broker"],
            np.where(kind == WANT_FROM_PRD, ch["from_prd"], np.where(organized, ch["organized"], ch["own"])),
        )
        self.flow("departures", idx[kind != WANT_FROM_PRD])
        self.flow("arrivals_ningbo", idx)
        for c, code in ch.items():
            self.flow(f"arrivals_{c}", idx[channel == code])
        with self.moving(idx):
            t["place"][idx], t["months_seeking"][idx], t["spell_months"][idx] = SEEKING, 0, 0
        t["broker_id"][idx] = np.where(kind == WANT_BROKER, t["broker_id"][idx], -1)
        ids = self.spells.open(step, t["county"][idx], t["poor"][idx], channel, t["broker_id"][idx])
        t["spell"][idx] = ids
        self.spells.rows["age_band"][ids] = column(t, "age_band", idx)
        self.spells.rows["female"][ids] = column(t, "female", idx)
        set_column(t, idx, "broker", kind == WANT_BROKER)
        set_column(t, idx, "organized", organized)
        self._greet(step, idx, "on_arrival")

    def _greet(self, step: int, idx: np.ndarray, hook: str) -> None:
        """Call `hook` (on_arrival or on_hire) of every policy and apply the effects."""
        if len(idx) == 0:
            return
        w = self.view(idx)
        effects = [e for p in self.policies.values() if (e := getattr(p, hook)(step, w)) is not None]
        self.apply_effects(idx, effects)

    # ---- 6. matching (shared pieces) ----------------------------------------------------
    def match_weights(self, skill, county, organized, vac: np.ndarray) -> np.ndarray:
        """Unnormalized choice weights over firms (design.md step 6).

        For one seeker pass scalars (result: one weight per firm); for many pass
        columns shaped (n, 1) and `vac` shaped (n, firms). `organized` is true for
        organized-transport and broker recruits. Weight = open jobs x exp(score),
        score = `match_score` + leader_pull where a team leader from the seeker's
        county works (this month's `leader_firms`); weight 0 where the firm does not
        hire the seeker (`match_score`, `choice_weights`). Firms prefer program
        recruits: organized and broker recruits are matched first (`seekers_in_order`).
        """
        score, hires = self.match_score(skill, county, organized)
        rows = self.leader_firms[np.asarray(county).reshape(-1)].reshape(np.shape(county)[:-1] + (-1,))
        return choice_weights(score, self.b.matching.leader_pull * rows, hires, vac)

    def match_score(self, skill, county, organized) -> tuple[np.ndarray, np.ndarray]:
        """A seeker's score of each firm before the team leaders' pull, and whether
        the firm hires them (shapes as `match_weights`).

        Score = pairing bonus + program-firm bonus (organized) - mismatch penalty
        x skill mismatch + wage_beta x log(wage / 5000); the pairing, program-firm
        and mismatch terms only for counties the program levers reach (pairing,
        hr_companies, platform). A firm does not hire a seeker whose skill falls
        short of its requirement by more than behavior.employers.hire_max_shortfall.
        """
        mt, f, reach = self.b.matching, self.world.firms, self.reach
        bonus = np.where(organized, mt.organized_pairing_bonus, mt.pairing_bonus) * reach["pairing"][county]
        score = bonus * (f.district == self.world.paired_district[county])
        score = score + np.where(organized, mt.program_firm_bonus, 0.0) * reach["hr_companies"][county] * ~f.market
        penalty = mt.mismatch_penalty * reach["platform"][county]
        score = score - penalty * rules.skill_mismatch(skill, f.skill_required)
        score = score + mt.wage_beta * np.log(f.wage / 5000.0)
        hires = rules.skill_mismatch(skill, f.skill_required) <= self.b.employers.hire_max_shortfall + 1e-9
        return score, hires

    def seekers_in_order(self, step: int) -> np.ndarray:
        """Seekers in Ningbo: organized and broker recruits first, then the rest,
        each group in the month's random order."""
        return self.order_seekers(step, where_place(self.table, SEEKING))

    def order_seekers(self, step: int, seek: np.ndarray) -> np.ndarray:
        """Seekers `seek` (ascending) in matching order (see `seekers_in_order`)."""
        t = self.table
        order = self.streams.uniforms("match_order", step, seek)
        pri = column(t, "organized", seek) | column(t, "broker", seek)
        return seek[np.lexsort((order, ~pri))]

    def hire(self, step: int, idx: np.ndarray, firm: np.ndarray, love: np.ndarray) -> np.ndarray:
        """Workers `idx` take jobs (love-job slots where `love`); returns those
        starting the first job of their spell (policies' `on_hire`)."""
        t = self.table
        new = self.spells.not_hired(t["spell"][idx])
        first = idx[new]
        self.spells.hire(t["spell"][first], step, firm[new])
        with self.moving(idx):
            t["firm"][idx], t["tenure"][idx], t["place"][idx] = firm, 0, JOB
            set_column(t, idx, "love_job", love)
        np.add.at(self.firm_counts[:, 0], firm[~love], 1)
        np.add.at(self.firm_counts[:, 1], firm[love], 1)
        self.spells.mark_support(t["spell"][idx[love]], "love_job")
        self.flow("hires", idx)
        return first

    def train_first_hires(self, step: int, first: np.ndarray) -> None:
        """Policies greet the month's first hires (in-firm training)."""
        self._greet(step, np.sort(first), "on_hire")

    # ---- 7. record ----------------------------------------------------------------------
    def moving(self, idx: np.ndarray):
        """Context for a change of workers `idx` after the decide phase: keeps the
        month's running stock count right (`Recorder.moving`). Every change of a
        worker's place or spell months between the decide and record phases goes
        through it."""
        return self.recorder.moving(self.table, np.asarray(idx), self.b.stable_min_months)

    def flow(self, name: str, idx: np.ndarray) -> None:
        """Count workers `idx` in flow `name`."""
        self.recorder.flow(name, self.table["county"][idx], self.table["poor"][idx])

    def record_phase(self, m: Month) -> None:
        """Stocks by place, county and group; stable employment."""
        stocks = self.recorder.close_month(m.info.step, m.info.label, self.table, self.b.stable_min_months)
        self._seekers_at_close = int(stocks[SEEKING].sum())
        love = np.array([e.love_slots if e.love_open else 0 for e in self.employers], np.int64)
        self.market_log.close_month(m.info.label, self._capacity, self.firm_counts, love, self.world.firms.wage)


def choice_weights(score, pull, hires, vac=1.0) -> np.ndarray:
    """Open jobs `vac` x exp(score + the team leaders' `pull`), 0 where the firm does not hire."""
    return vac * np.exp(score + pull) * hires


__all__ = ["LaborModel", "Month", "choice_weights"]
