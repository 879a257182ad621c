"""What every policy shares: activity window, eligibility, payer, budget cap,
and ledger entries. Policies see workers as columns (numpy arrays), so both
engines call the same policy code."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..calendar import Calendar
from ..ledger import Budget, Ledger
from ..schema.policies import PolicyBase


@dataclass
class World:
    """Static facts policies need: names, scale, calendar, ledger, worker count."""

    county_names: list[str]
    district_names: list[str]
    scale: float
    calendar: Calendar
    ledger: Ledger
    n_workers: int


class Policy:
    """Base policy.

    Args:
        name: The policy's key in the scenario.
        cfg: Its validated configuration.
        world: Shared facts of the run.
    """

    def __init__(self, name: str, cfg: PolicyBase, world: World) -> None:
        self.name = name
        self.cfg = cfg
        self.world = world
        self.budget = Budget(cfg.budget_cap_yuan, cfg.cap_period, cfg.on_cap)
        el = cfg.eligibility
        self._counties = np.array([c in el.counties for c in world.county_names]) if el.counties else None
        self._districts = np.array([d in el.districts for d in world.district_names]) if el.districts else None

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

    def pay(self, step: int, kind: str, per_agent_yuan: np.ndarray, poor: np.ndarray, county: np.ndarray) -> np.ndarray:
        """Pay these agents (in the order given) as far as the budget allows.

        Returns the mask of agents actually paid; every yuan paid goes to the ledger.
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
