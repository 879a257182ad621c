"""The one lifecycle every policy shares.

A policy is one class in one file of `sim/policies/` with a `schema` (its class
in `sim.schema.policies`); defining it registers it. The model calls the same
hooks on every active policy, in the order of the scenario file, and never a
policy by its class:

- `open_month(step)`: the month begins (e.g. seats go on sale);
- `employed_month(step, w)`: workers `w` hold a Ningbo job this month (pay,
  cover, follow up); returns `Effects`;
- `on_arrival(step, w)`: workers `w` arrive in Ningbo; returns `Effects`;
- `on_hire(step, w)`: workers `w` start the first job of their spell; returns `Effects`;
- `on_quit(step, w)`: workers `w` quit openly (final payments);
- `book_seats(step, county, poor)`: travellers, in order, ask for organized seats;
- `love_slots(...)`, `wage_floor()`, `reserves_love_jobs(step)`: reserved jobs;
- `initial_brokers(pool)`: brokers listed at the start (home counties);
- `recruiting(step)`: broker recruitment on offer this month (`BrokerOffer`).

Policies see workers as columns (`w`: a dict of numpy arrays: idx, county, poor,
district, prior_spells, spell_months, firm_wage, love_job, broker), so both
engines call the same policy code. Every yuan goes into the ledger via `pay`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..calendar import Calendar
from ..jit import kernel
from ..ledger import Budget, Ledger
from ..schema.behavior import Behavior
from ..schema.policies import PolicyBase
from ..streams import Streams
from ..table import CODES, FLAGS, column

REGISTRY: dict[type, type] = {}  # schema class -> policy class


@dataclass
class World:
    """Static facts policies need: names, scale, calendar, ledger, worker count,
    behavior parameters (a policy's effect sizes) and the run's random streams."""

    county_names: list[str]
    district_names: list[str]
    scale: float
    calendar: Calendar
    ledger: Ledger
    n_workers: int
    behavior: Behavior
    streams: Streams


@dataclass
class Effects:
    """What a policy did to the workers it was shown (arrays over them).

    Attributes:
        hazard: Quit-hazard multiplier this month. Effects under the same
            `hazard_key` combine by the strongest (smallest) multiplier, e.g. two
            subsidies paying one worker count once; different keys multiply.
        hazard_key: Name of the effect (defaults to the policy's class name).
        covered: Liaison coverage this month (shifts quit outcomes to a new Ningbo job).
        trained: Trained now (the worker keeps it for the spell).
        support: Spell flag (`sim.spells.SUPPORT_FLAGS`) to mark for `marked` workers.
        marked: Which workers received the support.
    """

    hazard: np.ndarray | None = None
    hazard_key: str | None = None
    covered: np.ndarray | None = None
    trained: np.ndarray | None = None
    support: str | None = None
    marked: np.ndarray | None = None


def code_dtype(n: int) -> np.dtype:
    """The smallest signed integer type that holds codes 0..n-1 and -1 (none): a
    view column of such codes cannot wrap around."""
    for t in (np.int8, np.int16, np.int32):
        if n - 1 <= np.iinfo(t).max:
            return np.dtype(t)
    return np.dtype(np.int64)


@kernel
def _write_effects(T, idx, hs, key_end, covered):
    """Store this month's effects of workers `idx` in the table: the quit-hazard
    multiplier (keys multiply, in order; under one key, `hs[key_end[k-1]:key_end[k]]`,
    the strongest counts: the smallest multiplier if one is below 1, else the
    largest) and liaison coverage."""
    for j in range(len(idx)):
        m = 1.0
        a = 0
        for k in range(len(key_end)):
            lo = hs[a][j]
            hi = lo
            for q in range(a + 1, key_end[k]):
                lo = min(lo, hs[q][j])
                hi = max(hi, hs[q][j])
            m *= lo if lo < 1.0 else hi
            a = key_end[k]
        i = idx[j]
        T[i].hazard_mult = m
        T[i].liaison = covered[j]


def write_month_effects(table: np.ndarray, idx: np.ndarray, by_key: dict[str, list], covered: np.ndarray) -> None:
    """Store this month's quit-hazard multiplier and liaison coverage of workers
    `idx` from the policies' hazard arrays by key (see `_write_effects`), in one
    compiled pass."""
    hs = tuple(np.asarray(h, np.float64) for v in by_key.values() for h in v) or (np.ones(0),)
    key_end = np.cumsum([len(v) for v in by_key.values()], dtype=np.int64)
    _write_effects(table, idx, hs, key_end, covered)


class WorkerView(dict):
    """Workers shown to a policy, as columns (a dict of numpy arrays over them:
    idx, county, poor, district, firm_wage, program_firm, love_job, broker). Any
    other column of the worker table (prior_spells, spell_months, first_away,
    broker_id, spell, ...) is gathered on first use (`w["skill"]`), so a new column
    needs no change here; so is `spell_start`, the step the Ningbo spell began.
    `table` is the worker table and `arrival` the spell log's arrival step by
    spell, for a compiled loop that reads a few shown workers' rows. Given the
    spell log itself (`sim.spells.SpellLog`), the view reads its rows when asked
    and holds no view of them, so the log can grow in place while a view lives."""

    def __init__(self, table: np.ndarray, cols: dict, arrival=None) -> None:
        super().__init__(cols)
        self.table = table
        self._arrival = arrival

    @property
    def arrival(self) -> np.ndarray:
        """The spell log's arrival step by spell (`arrival`: the model's `SpellLog`, or None)."""
        a = self._arrival
        return np.zeros(0, np.int32) if a is None else a.rows["arrival_step"]

    def __missing__(self, name: str) -> np.ndarray:
        if name == "spell_start":
            s = self["spell"]
            self[name] = np.where(s >= 0, self.arrival[np.maximum(s, 0)], -1).astype(np.int32)
            return self[name]
        if not self._in_table(name):
            raise KeyError(name)
        self[name] = column(self.table, name, self["idx"])
        return self[name]

    def _in_table(self, name: str) -> bool:
        """Whether `name` is a worker column (one kept in the bits of `flags` too)."""
        names = self.table.dtype.names or ()
        return name in names or ("flags" in names and (name in FLAGS or name in CODES))

    def at(self, sel: np.ndarray, names: tuple[str, ...]) -> dict:
        """Columns `names` of the workers `sel` (positions): a column not gathered
        yet is read from the table for these workers only."""
        idx = self["idx"][sel]
        out = {}
        for k in names:
            if k == "idx":
                out[k] = idx
            elif k not in self and self._in_table(k):
                out[k] = column(self.table, k, idx)
            else:
                out[k] = self[k][sel]
        return out


@dataclass
class BrokerOffer:
    """Broker recruitment on offer this month: people each listed broker can
    place at full job chance, acceptance by group, and who may be promoted."""

    capacity_people: float
    p_accept: float
    p_accept_poor: float
    policy: Policy


class Policy:
    """Base policy: activity window, eligibility, payer, budget cap and ledger entries.

    Args:
        name: The policy's key in the scenario.
        cfg: Its validated configuration.
        world: Shared facts of the run.
    """

    schema: type[PolicyBase] | None = None
    lever: str | None = None  # the program lever it is (sim.schema.program.LEVERS), if any
    audits_payments = False  # payments to workers are logged for the twin's deadweight audit

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if cls.schema is not None:
            REGISTRY[cls.schema] = cls

    def __init__(self, name: str, cfg: PolicyBase, world: World) -> None:
        self.name = name
        self.cfg = cfg
        self.world = world
        self.budget = Budget(cfg.budget_cap_yuan, cfg.cap_period, cfg.on_cap)
        el = cfg.eligibility
        self._counties = np.array([c in el.counties for c in world.county_names]) if el.counties else None
        self._districts = np.array([d in el.districts for d in world.district_names]) if el.districts else None

    # ---- the hooks (defaults: no effect) ---------------------------------------------
    def open_month(self, step: int) -> None:
        """The month begins."""

    def employed_month(self, step: int, w: dict) -> Effects | None:
        """Workers `w` hold a Ningbo job this month."""
        return None

    def on_arrival(self, step: int, w: dict) -> Effects | None:
        """Workers `w` arrived in Ningbo this month."""
        return None

    def on_hire(self, step: int, w: dict) -> Effects | None:
        """Workers `w` started the first job of their spell."""
        return None

    def on_quit(self, step: int, w: dict) -> None:
        """Workers `w` quit openly this month."""

    def book_seats(self, step: int, county: np.ndarray, poor: np.ndarray) -> np.ndarray:
        """Organized seats given, in the order asked; none by default."""
        return np.zeros(len(county), dtype=bool)

    def seats_on_offer(self, n_counties: int) -> np.ndarray:
        """Counties where this policy has organized seats left this month."""
        return np.zeros(n_counties, dtype=bool)

    def love_slots(self, slots: np.ndarray, district: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Jobs reserved for registered-poor workers, per employer; none by default."""
        return np.zeros_like(slots)

    def wage_floor(self) -> float:
        """Pay floor of reserved jobs; 0 by default."""
        return 0.0

    def reserves_love_jobs(self, step: int) -> bool:
        """Whether reserved jobs are held for registered-poor workers this month."""
        return False

    def initial_brokers(self, pool: np.ndarray) -> list[int]:
        """Home counties of brokers listed at the start; none by default."""
        return []

    def expected_yuan(self, step: int, paired_district: np.ndarray) -> np.ndarray | None:
        """Pay a worker setting out now expects [county, poor] (subsidies); none by default."""
        return None

    def recipients(self) -> float:
        """Distinct workers (agents) paid so far; only for policies that audit payments."""
        return 0.0

    def recruiting(self, step: int) -> BrokerOffer | None:
        """Broker recruitment this month; none by default."""
        return None

    def reach(self, step: int, n_counties: int) -> np.ndarray:
        """Counties a program lever reaches this month (`lever`); none by default."""
        return np.zeros(n_counties, dtype=bool)

    def reconfigure(self, cfg: PolicyBase) -> None:
        """A dated change (scenario `changes:`): the configuration from this month
        on; what the policy did so far (spending, follow-ups) is kept."""
        self.cfg = cfg
        self.budget.cap, self.budget.period, self.budget.on_cap = cfg.budget_cap_yuan, cfg.cap_period, cfg.on_cap
        el, w = cfg.eligibility, self.world
        self._counties = np.array([c in el.counties for c in w.county_names]) if el.counties else None
        self._districts = np.array([d in el.districts for d in w.district_names]) if el.districts else None

    # ---- shared machinery --------------------------------------------------------------
    def active(self, step: int) -> bool:
        """Whether the policy runs in this step (enabled and inside start..end)."""
        return self.cfg.enabled and self.world.calendar.active(self.cfg.start, self.cfg.end, step)

    def eligible(self, county: np.ndarray, poor: np.ndarray, district: np.ndarray | None = None) -> np.ndarray:
        """Eligibility mask: registered poor if `poor_only`, listed counties and districts."""
        ok = np.ones(np.shape(county), dtype=bool)
        if self.cfg.eligibility.poor_only:
            ok &= np.asarray(poor, dtype=bool)
        if self._counties is not None:
            ok &= self._counties[county]
        if self._districts is not None and district is not None:
            d = np.asarray(district)
            ok &= (d >= 0) & self._districts[np.maximum(d, 0)]
        return ok

    def eligible_codes(self) -> tuple[np.ndarray, np.ndarray]:
        """Eligibility as lookup tables for compiled loops: by group (county * 2 +
        poor) and by district (empty when districts are not restricted); a worker
        without a firm (district -1) is not eligible where districts are."""
        nc = len(self.world.county_names)
        ok_group = self.eligible(np.arange(nc).repeat(2), np.tile([False, True], nc))
        ok_district = np.zeros(0, bool) if self._districts is None else self._districts.astype(bool)
        return ok_group, ok_district

    def pay(
        self,
        step: int,
        kind: str,
        per_agent_yuan: np.ndarray,
        poor: np.ndarray,
        county: np.ndarray,
        idx: np.ndarray | None = None,
    ) -> np.ndarray:
        """Pay these agents (in the order given) as far as the budget allows.

        Returns the mask of agents actually paid; every yuan paid goes to the ledger
        (`idx`, the workers' indices, lets it count distinct people).
        """
        year = self.world.calendar.info(step).year
        owed = self.budget.pay_owed(year)
        self.world.ledger.add_lump(step, self.name, self.cfg.payer, "arrears", owed)
        amounts = np.asarray(per_agent_yuan, dtype=np.float64)
        ok = self.budget.allow(step, year, amounts * self.world.scale)
        self.world.ledger.add(
            step,
            self.name,
            self.cfg.payer,
            kind,
            amounts[ok],
            np.asarray(poor)[ok],
            np.asarray(county)[ok],
            self.world.scale,
            None if idx is None else np.asarray(idx)[ok],
        )
        return ok

    def pay_lump(self, step: int, kind: str, yuan: float) -> float:
        """Pay a sum that goes to no worker (salaries, seats); returns yuan paid."""
        year = self.world.calendar.info(step).year
        ok = self.budget.allow(step, year, np.array([yuan]))
        if ok[0]:
            self.world.ledger.add_lump(step, self.name, self.cfg.payer, kind, yuan)
            return yuan
        return 0.0
