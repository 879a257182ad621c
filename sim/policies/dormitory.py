"""Dormitory places (提供居住场所, issue 11): a lever with its cost in the ledger.

Rule: `places` (people) are shared among eligible employed workers by a
persistent rank (a uniform drawn once per worker, as liaison coverage), so the
same workers keep their beds from month to month; housed workers quit less
(x behavior.quit_hazard.housed). Each occupied place costs
cost_yuan_per_place_month, booked as "dormitory" for the housed worker's county
and group.
"""

from __future__ import annotations

import numpy as np

from ..schema.policies import DormitoryPolicy
from .base import Effects, Policy


class Dormitory(Policy):
    """Houses the eligible employed workers of lowest rank up to the places."""

    schema = DormitoryPolicy

    def __init__(self, name, cfg, world) -> None:
        super().__init__(name, cfg, world)
        self.rank = world.streams["dormitory_rank"].random(world.n_workers, dtype=np.float32)

    def employed_month(self, step: int, w: dict) -> Effects | None:
        """House up to `places` people this month and pay for the beds used."""
        n = len(w["idx"])
        if not self.active(step) or n == 0 or self.cfg.places == 0:
            return None
        ok = np.flatnonzero(self.eligible(w["county"], w["poor"], w["district"]))
        beds = int(self.cfg.places / self.world.scale)
        pick = ok[np.argsort(self.rank[w["idx"][ok]], kind="stable")[:beds]]
        cost = np.full(len(pick), self.cfg.cost_yuan_per_place_month)
        paid = pick[self.pay(step, "dormitory", cost, w["poor"][pick], w["county"][pick])]
        housed = np.zeros(n, bool)
        housed[paid] = True
        hazard = np.where(housed, self.world.behavior.quit_hazard.housed, 1.0)
        return Effects(hazard=hazard, hazard_key="dormitory", support="housed", marked=housed)
