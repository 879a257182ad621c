"""Queen-bee brokers (蜂王): experienced migrants recruit in their home county
and follow their recruits up. Wangmo pays 40 yuan per placed worker per month
of follow-up, up to 5 months (Xinhua 2019)."""

from __future__ import annotations

import numpy as np

from ..schema.policies import BrokerPolicy
from .base import BrokerOffer, Policy


class BrokerProgram(Policy):
    """Lists brokers at the start, offers recruitment while active, pays
    follow-up fees; per-worker state counts months followed."""

    schema = BrokerPolicy

    def __init__(self, name, cfg, world) -> None:
        super().__init__(name, cfg, world)
        self.months_followed = np.zeros(world.n_workers, dtype=np.int16)

    def initial_brokers(self, pool: np.ndarray) -> list[int]:
        """Home counties of the listed brokers, drawn in proportion to each eligible
        county's mobile pool `pool` (agents by county)."""
        nc = len(pool)
        counties = np.flatnonzero(self.eligible(np.arange(nc), np.ones(nc, bool)))
        u = self.world.streams[f"brokers:{self.name}"].random(self.cfg.n_brokers)
        cum = np.cumsum(pool[counties]) / max(pool[counties].sum(), 1)
        return [int(counties[min(np.searchsorted(cum, x, side="right"), len(counties) - 1)]) for x in u]

    def recruiting(self, step: int) -> BrokerOffer | None:
        """Recruitment on offer while the programme is active."""
        if not self.active(step):
            return None
        return BrokerOffer(self.cfg.capacity_people_month, self.cfg.p_accept, self.cfg.p_accept_poor, self)

    def employed_month(self, step: int, w: dict) -> None:
        """Follow-up fees for broker recruits in a job."""
        rec = np.flatnonzero(w["broker"])
        self.follow_up(step, {k: w[k][rec] for k in ("idx", "poor", "county")})

    def follow_up(self, step: int, w: dict) -> None:
        """Pay the fee for broker-recruited employed workers `w` (columns idx, poor,
        county) still in follow-up."""
        if not self.active(step) or len(w["idx"]) == 0:
            return
        idx = w["idx"]
        sel = np.flatnonzero(self.months_followed[idx] < self.cfg.follow_up_months)
        fees = np.full(sel.size, self.cfg.fee_yuan_per_follow_up_month)
        got = self.pay(step, "broker_fee", fees, w["poor"][sel], w["county"][sel])
        self.months_followed[idx[sel[got]]] += 1
