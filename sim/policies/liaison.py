"""Liaison staff (驻厂人员) follow workers in the firms.

Rule: staff * workers_per_liaison places are shared among eligible employed
workers; a worker is covered when its persistent rank (a uniform drawn once)
is below coverage = places / eligible workers. Covered workers quit less and,
when they quit, are re-matched in Ningbo more often. Salaries are paid monthly.
"""

from __future__ import annotations

import numpy as np

from ..schema.policies import LiaisonPolicy
from .base import Effects, Policy


class Liaison(Policy):
    """Assigns coverage each month and pays staff salaries. Effect on quitting:
    x behavior.quit_hazard.liaison while covered."""

    schema = LiaisonPolicy

    def __init__(self, name, cfg, world) -> None:
        super().__init__(name, cfg, world)
        self.rank = world.streams["liaison_rank"].random(world.n_workers, dtype=np.float32)

    def employed_month(self, step: int, w: dict) -> Effects:
        """Cover a share of the eligible employed workers this month."""
        covered = self.covered(step, w)
        hazard = np.where(covered, self.world.behavior.quit_hazard.liaison, 1.0)
        return Effects(hazard=hazard, hazard_key="liaison", covered=covered, support="liaison", marked=covered)

    def covered(self, step: int, w: dict) -> np.ndarray:
        """Coverage mask over employed workers `w` (by their persistent rank)."""
        n = len(w["idx"])
        if not self.active(step) or n == 0 or self.cfg.staff == 0:
            return np.zeros(n, dtype=bool)
        paid = self.pay_lump(step, "salaries", self.cfg.staff * self.cfg.salary_yuan_month)
        if paid == 0 and self.cfg.salary_yuan_month > 0:
            return np.zeros(n, dtype=bool)
        ok = self.eligible(w["county"], w["poor"], w["district"])
        people = ok.sum() * self.world.scale
        coverage = min(1.0, self.cfg.staff * self.cfg.workers_per_liaison / people) if people else 0.0
        return ok & (self.rank[w["idx"]] < coverage)
