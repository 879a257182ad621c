"""Stable-employment subsidy (稳岗就业补贴).

Rule: each month an eligible worker has completed in a Ningbo job, the policy
pays the next entry of its schedule (Cixi: 20,000 yuan over 9 months, rising
1,000 -> 4,000; Ninghai: 20,000 yuan over a year for first-time registered-poor
workers). A one-off transport bonus follows `transport_bonus_after_months`
months of stable work. A worker who quits openly is paid for the final month;
one who leaves secretly forfeits it.
"""

from __future__ import annotations

import numpy as np

from .. import rules
from ..schema.policies import SubsidyPolicy
from .base import Effects, Policy, World


class Subsidy(Policy):
    """Per-worker state: months paid, step of the last payment, bonus paid.

    Effect on quitting (behavior.quit_hazard): x subsidy_paid in a month paid,
    x subsidy_cliff in the subsidy_cliff_months after the last payment."""

    schema = SubsidyPolicy
    audits_payments = True

    def __init__(self, name, cfg, world: World) -> None:
        super().__init__(name, cfg, world)
        n = world.n_workers
        self.months_paid = np.zeros(n, dtype=np.int16)
        self.last_paid = np.full(n, -10_000, dtype=np.int32)
        self.bonus_paid = np.zeros(n, dtype=bool)
        self.log: list[tuple[np.ndarray, np.ndarray]] | None = None  # (workers, yuan) when a twin audit asks

    def _note(self, idx: np.ndarray, yuan: np.ndarray) -> None:
        if self.log is not None and len(idx):
            self.log.append((idx, yuan * self.world.scale))

    def recipients(self) -> float:
        """Distinct workers (agents) paid at least once."""
        return float((self.months_paid > 0).sum())

    def eligible_workers(self, w: dict) -> np.ndarray:
        """Eligible among employed workers `w` (columns idx, county, poor, district, prior_spells)."""
        ok = self.eligible(w["county"], w["poor"], w["district"])
        if self.cfg.eligibility.first_time_only:
            ok &= w["prior_spells"] == 0
        return ok

    def employed_month(self, step: int, w: dict) -> Effects:
        """Pay the month just completed; the paid quit less, those just past their
        last payment may quit more (the cliff)."""
        qh = self.world.behavior.quit_hazard
        paid, cliff = self.pay_month(step, w, qh.subsidy_cliff_months)
        hazard = np.where(paid, qh.subsidy_paid, np.where(cliff, qh.subsidy_cliff, 1.0))
        return Effects(hazard=hazard, hazard_key="subsidy", support="subsidy", marked=paid)

    def on_quit(self, step: int, w: dict) -> None:
        """Pay the final month to workers who quit openly this month."""
        if self.active(step) and len(w["idx"]):
            self.pay_month(step, w)

    def pay_month(self, step: int, w: dict, cliff_months: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Pay the month just completed. Returns (paid, cliff) masks over `w`;
        `cliff` marks workers whose payments ended within `cliff_months` months."""
        n = len(w["idx"])
        paid = np.zeros(n, dtype=bool)
        if not self.active(step) or n == 0:
            return paid, self.cliff(step, w["idx"], cliff_months)
        ok = self.eligible_workers(w)
        idx = w["idx"]
        due = rules.subsidy_amount(self.months_paid[idx], self.cfg.schedule_yuan) * ok
        sel = np.flatnonzero(due > 0)
        got = self.pay(step, "subsidy", due[sel], w["poor"][sel], w["county"][sel])
        paid[sel[got]] = True
        self._note(idx[paid], due[paid])
        self.months_paid[idx[paid]] += 1
        self.last_paid[idx[paid]] = step
        self._bonus(step, w, ok)
        return paid, self.cliff(step, idx, cliff_months) & ~paid

    def _bonus(self, step: int, w: dict, ok: np.ndarray) -> None:
        if self.cfg.transport_bonus_yuan <= 0:
            return
        idx = w["idx"]
        sel = np.flatnonzero(ok & ~self.bonus_paid[idx] & (w["spell_months"] >= self.cfg.transport_bonus_after_months))
        amounts = np.full(sel.size, self.cfg.transport_bonus_yuan)
        got = self.pay(step, "transport_bonus", amounts, w["poor"][sel], w["county"][sel])
        self.bonus_paid[idx[sel[got]]] = True
        self._note(idx[sel[got]], amounts[got])

    def cliff(self, step: int, idx: np.ndarray, months: int) -> np.ndarray:
        """Workers whose schedule is exhausted and whose last payment was at most
        `months` months ago."""
        done = self.months_paid[idx] >= len(self.cfg.schedule_yuan)
        return done & (step - self.last_paid[idx] <= months) & (self.months_paid[idx] > 0)
