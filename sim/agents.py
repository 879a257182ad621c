"""Mesa agents: workers, employers and brokers.

A `Worker` is a view on its own row of the model's worker table
(`sim.table`): its attributes read and write that row, and each month it
applies the same transition functions (`sim.transitions`) that the `arrays`
engine applies to the whole table. Employers and brokers are few and stay
ordinary agents in both engines.
"""

from __future__ import annotations

import mesa

from .table import COLUMNS, cell, set_column
from .transitions import calendar_row, decide_row


class Employer(mesa.Agent):
    """A Ningbo firm taking Qianxinan workers.

    Attributes:
        index: Position in the firm columns of the world.
        district, sector, wage, skill_required: From the scenario.
        slots: Jobs (agents) at normal demand; love_slots of them reserved for poor workers.
        filled, love_filled: Jobs taken (regular, love), kept in the model's `firm_counts`.
    """

    def __init__(self, model, index: int) -> None:
        super().__init__(model)
        f = model.world.firms
        self.index = index
        self.district = int(f.district[index])
        self.sector = f.sector[index]
        self.wage = float(f.wage[index])
        self.skill_required = float(f.skill_required[index])
        self.slots = int(f.slots[index])
        self.market = bool(f.market[index])
        self.love_slots = 0
        self.capacity = self.slots
        self.love_open = False

    @property
    def filled(self) -> int:
        return int(self.model.firm_counts[self.index, 0])

    @property
    def love_filled(self) -> int:
        return int(self.model.firm_counts[self.index, 1])

    def vacancies(self) -> tuple[int, int]:
        """(regular, love) vacancies at this month's capacity. While no love-jobs
        policy is active, reserved slots are ordinary jobs."""
        filled, love_filled = self.filled, self.love_filled
        if not self.love_open:
            return max(0, self.capacity - filled - love_filled), 0
        love_cap = min(self.love_slots, self.capacity)
        return max(0, self.capacity - love_cap - filled), max(0, love_cap - love_filled)


def _broker_field(name: str) -> property:
    def get(self):
        return self.model.broker_book.rows[name][self.bidx].item()

    def set(self, value) -> None:
        self.model.broker_book.rows[name][self.bidx] = value

    return property(get, set, doc=f"This broker's `{name}` (a cell of the model's broker book).")


class Broker(mesa.Agent):
    """A queen-bee broker recruiting in one home county: a view on row `bidx` of
    the model's broker book (`sim.broker_book`).

    Attributes:
        county: Home county index.
        weight: People this agent stands for (1 for listed brokers, people_per_agent
            for a promoted worker agent).
        reach: Multiplier of the broker's recruiting capacity; grows with the
            months their recruits stay in Ningbo jobs and shrinks with each
            recruit who leaves early (`BrokerBook.hear_news`).
        active: False once the broker has left (recruits no one).
        placed, retained_months, failures: Running totals, in agents.
    """

    county = _broker_field("county")
    weight = _broker_field("weight")
    reach = _broker_field("reach")
    active = _broker_field("active")
    placed = _broker_field("placed")
    retained_months = _broker_field("retained_months")
    failures = _broker_field("failures")

    def __init__(self, model, county: int, weight: float) -> None:
        super().__init__(model)
        self.bidx = model.broker_book.add(county, weight)


def _column(name: str) -> property:
    def get(self):
        return cell(self.model.table, self.idx, name)

    def set(self, value) -> None:
        set_column(self.model.table, self.idx, name, value)

    return property(get, set, doc=f"This worker's `{name}` (a cell of the worker table).")


class Worker(mesa.Agent):
    """A worker of the mobile labor pool of one county: a view on row `idx` of
    the model's worker table (attributes: the table's columns; `firm` is the
    `Employer` or None)."""

    def __init__(self, model, idx: int) -> None:
        super().__init__(model)
        self.idx = idx

    @property
    def firm(self) -> Employer | None:
        f = int(self.model.table["firm"][self.idx])
        return self.model.employers[f] if f >= 0 else None

    def calendar(self) -> None:
        """The month begins for this worker (`transitions.calendar_row`)."""
        m, model = self.model.month, self.model
        calendar_row(self.idx, model.table, m.facts, model.P, m.keys, model.recorder.counts, m.festival)

    def step(self) -> None:
        """Decide, by place (`transitions.decide_row`); broker recruits travel instead."""
        m = self.model.month
        if not m.skip[self.idx]:
            decide_row(self.idx, *self.model.kernel_args(m))


for _name in COLUMNS:
    if _name != "firm":
        setattr(Worker, _name, _column(_name))
