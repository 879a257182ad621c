"""Liaison staff (驻厂人员) follow workers in the firms.

Rule: staff * workers_per_liaison places are shared among eligible employed
workers; a worker is covered when its persistent rank (a uniform drawn once)
is below coverage = places / eligible workers. Covered workers quit less and,
when they quit, are re-matched in Ningbo more often. Salaries are paid monthly.
"""

from __future__ import annotations

import numpy as np

from ..jit import kernel, rule
from ..schema.policies import LiaisonPolicy
from .base import Effects, Policy


@rule
def _eligible(j, county, poor, district, ok_group, ok_district):
    """Whether shown worker j is eligible (`Policy.eligible_codes`: by county and
    registration; by district unless every district is)."""
    d = district[j]
    return ok_group[2 * county[j] + poor[j]] and ((len(ok_district) == 0) or (d >= 0 and ok_district[d]))


@kernel
def _count_eligible(county, poor, district, ok_group, ok_district):
    """How many of the workers shown are eligible."""
    n = 0
    for j in range(len(county)):
        n += _eligible(j, county, poor, district, ok_group, ok_district)
    return n


@kernel
def _cover(idx, county, poor, district, ok_group, ok_district, rank, coverage, mult, covered, hazard):
    """covered[j]: eligible shown worker j whose persistent rank is below `coverage`
    (compared in float32, as numpy compares a float32 rank with a Python float);
    hazard[j]: `mult` if covered, else 1."""
    c32 = np.float32(coverage)
    for j in range(len(idx)):
        covered[j] = _eligible(j, county, poor, district, ok_group, ok_district) and rank[idx[j]] < c32
        hazard[j] = mult if covered[j] else 1.0


class Liaison(Policy):
    """Assigns coverage each month and pays staff salaries. Effect on quitting:
    x behavior.quit_hazard.liaison while covered."""

    schema = LiaisonPolicy

    def __init__(self, name, cfg, world) -> None:
        super().__init__(name, cfg, world)
        self.rank = world.streams["liaison_rank"].random(world.n_workers, dtype=np.float32)

    def employed_month(self, step: int, w: dict) -> Effects:
        """Cover a share of the eligible employed workers this month."""
        covered, hazard = self.covered(step, w)
        return Effects(hazard=hazard, hazard_key="liaison", covered=covered, support="liaison", marked=covered)

    def covered(self, step: int, w: dict) -> tuple[np.ndarray, np.ndarray]:
        """Coverage mask over employed workers `w` (by their persistent rank), and
        the quit-hazard multiplier it gives them."""
        n = len(w["idx"])
        if not self.active(step) or n == 0 or self.cfg.staff == 0:
            return np.zeros(n, dtype=bool), np.ones(n)
        paid = self.pay_lump(step, "salaries", self.cfg.staff * self.cfg.salary_yuan_month)
        if paid == 0 and self.cfg.salary_yuan_month > 0:
            return np.zeros(n, dtype=bool), np.ones(n)
        ok_group, ok_district = self.eligible_codes()
        cols = (w["county"], w["poor"], w["district"], ok_group, ok_district)
        people = _count_eligible(*cols) * self.world.scale
        coverage = min(1.0, self.cfg.staff * self.cfg.workers_per_liaison / people) if people else 0.0
        covered, hazard = np.empty(n, bool), np.empty(n)
        mult = self.world.behavior.quit_hazard.liaison
        _cover(w["idx"], *cols, self.rank, coverage, mult, covered, hazard)
        return covered, hazard
