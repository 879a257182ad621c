"""Queen-bee brokers (蜂王): experienced migrants recruit in their home county
and follow their recruits up. Wangmo pays 40 yuan per placed worker per month
of follow-up, up to 5 months (Xinhua 2019); a scenario may also pay per
placement or by results (levers, no source). Fees are booked to the broker
who placed the recruit (`paid_by_broker`) for the recruitment-chain table."""

from __future__ import annotations

import numpy as np

from ..jit import kernel
from ..schema.policies import BrokerPolicy
from ..sparse import SparseRows, row_of
from .base import BrokerOffer, Policy, WorkerView


@kernel
def _in_follow_up(idx, broker, bits, before, months_followed, months, out):
    """Positions of the shown broker recruits followed up fewer than `months`
    months so far (`months_followed` by row of `bits`/`before`, `sim.sparse`;
    none without a row), written to `out`; returns how many."""
    n = 0
    for j in range(len(idx)):
        if broker[j]:
            r = row_of(bits, before, idx[j])
            if r < 0 or months_followed[r] < months:
                out[n] = j
                n += 1
    return n


class BrokerProgram(Policy):
    """Lists brokers at the start, offers recruitment while active, pays
    follow-up fees; per-recruit state counts months followed."""

    schema = BrokerPolicy

    def __init__(self, name, cfg, world) -> None:
        super().__init__(name, cfg, world)
        # months each recruit was followed up (at most follow_up_months <= 60), kept only for those followed
        self.followed = SparseRows({"months": (np.int8, 0)})
        self.paid_by_broker = np.zeros(0)  # yuan, by broker id

    def _pay_brokers(self, step: int, kind: str, fee: float, w: dict) -> np.ndarray:
        """Pay `fee` per recruit `w` (an agent's worth); book it to each recruit's broker."""
        got = self.pay(step, kind, np.full(len(w["idx"]), fee), w["poor"], w["county"])
        bid = w["broker_id"][got]
        bid = bid[bid >= 0]
        if len(bid):
            need = int(bid.max()) + 1
            if need > len(self.paid_by_broker):
                self.paid_by_broker = np.concatenate([self.paid_by_broker, np.zeros(need - len(self.paid_by_broker))])
            np.add.at(self.paid_by_broker, bid, fee * self.world.scale)
        return got

    def on_hire(self, step: int, w: dict) -> None:
        """Per-placement fee at a broker recruit's first hire of the spell."""
        if self.active(step) and self.cfg.fee_yuan_per_placement > 0:
            rec = np.flatnonzero(w["broker"])
            self._pay_brokers(step, "broker_placement_fee", self.cfg.fee_yuan_per_placement, _sub(w, rec))

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
        if not self.active(step):
            return
        self.follow_up(step, w)
        if self.cfg.fee_yuan_on_result > 0:
            rec = np.flatnonzero(w["broker"])
            done = rec[w["spell_months"][rec] == self.cfg.results_after_months]
            self._pay_brokers(step, "broker_result_fee", self.cfg.fee_yuan_on_result, _sub(w, done))

    def follow_up(self, step: int, w: dict) -> None:
        """Pay the fee for the broker-recruited employed workers of `w` still in follow-up
        (while the programme is active: `employed_month`)."""
        recruits = int(np.count_nonzero(w["broker"]))
        if recruits == 0:
            return
        out, f = np.empty(recruits, np.int32), self.followed
        n = _in_follow_up(w["idx"], w["broker"], f.bits, f.before, f["months"], self.cfg.follow_up_months, out)
        sel = out[:n]
        got = self._pay_brokers(step, "broker_fee", self.cfg.fee_yuan_per_follow_up_month, _sub(w, sel))
        rows = f.add(w["idx"][sel[got]])
        f["months"][rows] += 1


def _sub(w: WorkerView, sel: np.ndarray) -> dict:
    """The workers `sel` of a policy view: the columns the fees need (idx, poor,
    county, broker_id), not the whole view."""
    return w.at(sel, ("idx", "poor", "county", "broker_id"))
