"""Queen-bee brokers (蜂王): experienced migrants recruit in their home county
and follow their recruits up. Wangmo pays 40 yuan per placed worker per month
of follow-up, up to 5 months (Xinhua 2019)."""

from __future__ import annotations

import numpy as np

from .base import Policy


class BrokerProgram(Policy):
    """Pays follow-up fees; per-worker state counts months followed."""

    def __init__(self, name, cfg, world) -> None:
        super().__init__(name, cfg, world)
        self.months_followed = np.zeros(world.n_workers, dtype=np.int16)

    def follow_up(self, step: int, w: dict) -> None:
        """Pay the fee for broker-recruited employed workers `w` still in follow-up."""
        if not self.active(step) or len(w["idx"]) == 0:
            return
        idx = w["idx"]
        sel = np.flatnonzero(self.months_followed[idx] < self.cfg.follow_up_months)
        fees = np.full(sel.size, self.cfg.fee_yuan_per_follow_up_month)
        got = self.pay(step, "broker_fee", fees, w["poor"][sel], w["county"][sel])
        self.months_followed[idx[sel[got]]] += 1
