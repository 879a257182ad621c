"""Love jobs (爱心岗位): about 2,000 of the 17,000 new jobs reserved for
registered-poor workers, pay topped up to at least the city's average wage.

Rule: the quota is spread over the eligible firms in proportion to their jobs;
only registered-poor workers fill these slots; each month the policy pays the
gap between the firm's wage and the floor.
"""

from __future__ import annotations

import numpy as np

from .. import rules
from ..schema.policies import LoveJobsPolicy
from .base import Policy


class LoveJobs(Policy):
    """Allocates reserved slots and pays the wage top-up."""

    schema = LoveJobsPolicy

    def wage_floor(self) -> float:
        """The floor love jobs pay (yuan a month)."""
        return self.cfg.wage_floor_yuan_month

    def reserves_love_jobs(self, step: int) -> bool:
        """Reserved slots are held only while the policy is active."""
        return self.active(step)

    def employed_month(self, step: int, w: dict) -> None:
        """Top up the pay of workers in love jobs."""
        love = np.flatnonzero(w["love_job"])
        self.top_up(step, w.at(love, ("idx", "poor", "county", "firm_wage")))

    def love_slots(self, slots: np.ndarray, district: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Love-job slots per employer (agents), from the quota in people."""
        if not self.cfg.enabled:
            return np.zeros_like(slots)
        ok = np.ones(slots.shape, dtype=bool) if self._districts is None else self._districts[district]
        weight = slots * ok
        if weight.sum() == 0:
            return np.zeros_like(slots)
        share = self.cfg.quota_jobs / self.world.scale * weight / weight.sum()
        return np.minimum(rules.stochastic_round(share, u), slots)

    def top_up(self, step: int, w: dict) -> None:
        """Pay the gap to the wage floor for workers `w` in love jobs."""
        if not self.active(step) or len(w["idx"]) == 0:
            return
        gap = np.maximum(0.0, self.cfg.wage_floor_yuan_month - w["firm_wage"])
        sel = np.flatnonzero(gap > 0)
        self.pay(step, "wage_top_up", gap[sel], w["poor"][sel], w["county"][sel])
