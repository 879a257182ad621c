"""Stable-employment subsidy (稳岗就业补贴), paid as a program writes the rule.

Rule (the fields are documented on `sim.schema.policies.SubsidyPolicy`): a
worker in a qualifying job (registered poor, county, district, program firm as
the eligibility says) who belongs to the policy's cohort (new hires from its
start, or incumbents too) and, if asked, is a first-time migrant (never away
from home before this Ningbo spell, any destination) claims the subsidy with
probability `take_up` (one draw per person). From then on each month of work in
a qualifying job counts; the schedule's entries are earned from month
`waiting_months` on and paid by the cadence, `lag_months` later, at most one
subsidy payment per person per month across all subsidy policies. One schedule
per person: it does not restart with a new job or spell. A worker who quits
openly is paid what the lag still held back (a settlement, exempt from the
one-a-month rule: it closes the account); one who leaves secretly forfeits it.

Response: the worker weighs the present value of the payments still to come
against the wage (`sim.rules.subsidy_hazard`); after the last payment the
cliff. Expected subsidy also enters the choice to go to Ningbo (`expected_yuan`).
The per-worker work runs in compiled kernels (`sim.jit`), the same code in both engines.
"""

from __future__ import annotations

import numpy as np

from .. import rules
from ..calendar import month_key
from ..jit import kernel
from ..schema.policies import SubsidyPolicy
from ..streams import uniform
from .base import Effects, Policy, World

CADENCE_EVERY = {"monthly": 1, "quarterly": 3, "lump": 0}


@kernel
def _due(idx, group, district, program, first_away, spell_start, start_step, st, u_key, cfg, sched, out):
    """Count this month of work for workers who claim and sit in a qualifying job;
    out[j] = yuan due to shown worker j (0 if none). `st` (workers, 4): claim
    (0 undecided, 1 claims, -1 declined), months of work counted, next entry,
    step of the last payment. `cfg`: ok-by-group (2 x counties), ok-by-district,
    then waiting, every, lump_after, lag, take_up, program_only, new_hires_only,
    first_time_only (see `_cfg`)."""
    n = len(sched)
    ng = int(cfg[0])
    nd = int(cfg[1])
    waiting, every, lump, lag = cfg[2 + ng + nd], cfg[3 + ng + nd], cfg[4 + ng + nd], cfg[5 + ng + nd]
    take_up, program_only = cfg[6 + ng + nd], cfg[7 + ng + nd]
    new_only, first_only = cfg[8 + ng + nd], cfg[9 + ng + nd]
    for j in range(len(idx)):
        out[j] = 0.0
        i = idx[j]
        d = district[j]
        if cfg[2 + group[j]] == 0.0 or d < 0 or cfg[2 + ng + d] == 0.0:
            continue
        if program_only > 0.0 and not program[j]:
            continue
        if st[i, 0] == 0:
            if new_only > 0.0 and spell_start[j] < start_step:
                continue
            if first_only > 0.0 and first_away[j] != -1 and first_away[j] <= spell_start[j]:
                continue
            st[i, 0] = 1 if uniform(u_key, i) < take_up else -1
        if st[i, 0] < 0:
            continue
        st[i, 1] += 1
        k = st[i, 2]
        total = 0.0
        while k < n and rules.subsidy_due_month(k, n, waiting, every, lump, lag) <= st[i, 1]:
            total += sched[k]
            k += 1
        out[j] = total


@kernel
def _settled(idx, st, sched, cfg, out):
    """out[j]: yuan earned by shown worker j (by the cadence) but held back by the
    lag: paid when the worker quits openly (`Subsidy.on_quit`)."""
    n = len(sched)
    ng, nd = int(cfg[0]), int(cfg[1])
    waiting, every, lump = cfg[2 + ng + nd], cfg[3 + ng + nd], cfg[4 + ng + nd]
    for j in range(len(idx)):
        i = idx[j]
        out[j] = 0.0
        if st[i, 0] <= 0:
            continue
        k = st[i, 2]
        while k < n and rules.subsidy_due_month(k, n, waiting, every, lump, 0.0) <= st[i, 1]:
            out[j] += sched[k]
            k += 1


@kernel
def _commit(idx, paid, step, st, sched, cfg, last_month, with_lag):
    """Advance the schedule of the workers paid (`paid[j]`): next entry past
    every entry now paid (counting the lag if `with_lag`), step and monthly
    amount of the last payment."""
    n = len(sched)
    ng, nd = int(cfg[0]), int(cfg[1])
    waiting, every, lump = cfg[2 + ng + nd], cfg[3 + ng + nd], cfg[4 + ng + nd]
    lag = cfg[5 + ng + nd] if with_lag else 0.0
    for j in range(len(idx)):
        if not paid[j]:
            continue
        i = idx[j]
        k = st[i, 2]
        total, entries = 0.0, 0
        while k < n and rules.subsidy_due_month(k, n, waiting, every, lump, lag) <= st[i, 1]:
            total += sched[k]
            entries += 1
            k += 1
        st[i, 2] = k
        st[i, 3] = step
        last_month[i] = total / max(entries, 1)


@kernel
def _hazard(idx, wage, step, st, sched, cfg, last_month, beta, rate, cliff_per_wage, cliff_months, out):
    """out[j]: quit-hazard multiplier of shown worker j (`rules.subsidy_hazard`):
    present value of the entries still to come, or the cliff in the
    `cliff_months` months from the last payment once the schedule is done."""
    n = len(sched)
    ng, nd = int(cfg[0]), int(cfg[1])
    waiting, every, lump, lag = cfg[2 + ng + nd], cfg[3 + ng + nd], cfg[4 + ng + nd], cfg[5 + ng + nd]
    for j in range(len(idx)):
        i = idx[j]
        out[j] = 1.0
        if st[i, 0] <= 0:
            continue
        if st[i, 2] < n:
            v = rules.subsidy_value(st[i, 2], st[i, 1], sched, waiting, every, lump, lag, rate)
            out[j] = rules.subsidy_hazard(v, 0.0, wage[j], beta, cliff_per_wage)
        elif st[i, 3] >= 0 and step - st[i, 3] < cliff_months:
            out[j] = rules.subsidy_hazard(0.0, last_month[i], wage[j], beta, cliff_per_wage)


class Subsidy(Policy):
    """Per-worker state (one schedule per person): claim, months of work counted,
    next entry, last payment's step and monthly amount, transport bonus paid."""

    schema = SubsidyPolicy
    audits_payments = True

    def __init__(self, name, cfg, world: World) -> None:
        super().__init__(name, cfg, world)
        n = world.n_workers
        self.state = np.zeros((n, 4), dtype=np.int32)
        self.state[:, 3] = -1
        self.last_month = np.zeros(n, dtype=np.float64)
        self.bonus_paid = np.zeros(n, dtype=bool)
        self.sched = np.asarray(cfg.schedule_yuan, dtype=np.float64)
        self.cfg_vec = self._cfg()
        self.start_step = 0 if cfg.start is None else month_key(cfg.start) - world.calendar.start
        self.u_key = world.streams.key(f"take_up:{name}", 0)
        self._buf = np.zeros(0)
        self.log: list[tuple[np.ndarray, np.ndarray]] | None = None  # (workers, yuan) when a twin audit asks

    def reconfigure(self, cfg) -> None:
        """A dated change: the new schedule and rules apply from this month, to the
        entries not yet paid; each person keeps their place in their schedule and the
        new-hire cohort still counts from the policy's first start."""
        super().reconfigure(cfg)
        self.sched = np.asarray(cfg.schedule_yuan, dtype=np.float64)
        self.cfg_vec = self._cfg()

    def _cfg(self) -> np.ndarray:
        """The rule as numbers for the kernels (see `_due`)."""
        c, el = self.cfg, self.cfg.eligibility
        nc, nd = len(self.world.county_names), len(self.world.district_names)
        county = np.arange(nc).repeat(2)
        poor = np.tile([False, True], nc)
        ok_group = self.eligible(county, poor).astype(float)
        ok_district = np.ones(nd) if self._districts is None else self._districts.astype(float)
        every = CADENCE_EVERY[c.cadence]
        lump = c.lump_after_months or (c.waiting_months + max(len(c.schedule_yuan), 1) - 1)
        tail = [c.waiting_months, every, lump, c.lag_months, c.take_up, c.program_firms_only]
        tail += [c.cohort == "new_hires", el.first_time_only]
        return np.array([2 * nc, nd, *ok_group, *ok_district, *map(float, tail)], dtype=np.float64)

    def _note(self, idx: np.ndarray, yuan: np.ndarray) -> None:
        if self.log is not None and len(idx):
            self.log.append((idx, yuan * self.world.scale))

    def recipients(self) -> float:
        """Distinct workers (agents) paid at least once."""
        return float(self.world.ledger.people_paid(self.name))

    def expected_yuan(self, step: int, paired_district: np.ndarray) -> np.ndarray:
        """Expected subsidy [county, poor] of a worker setting out now who would
        qualify in the county's paired district (present value at hire, times
        take-up; first-time and cohort rules assumed met)."""
        nc = len(self.world.county_names)
        if not self.active(step) or len(self.sched) == 0:
            return np.zeros((nc, 2))
        c = self.cfg_vec
        ng, nd = int(c[0]), int(c[1])
        w, e, lump, lag = c[2 + ng + nd : 6 + ng + nd]
        rate = self.world.behavior.quit_hazard.subsidy_discount_month
        pv = rules.subsidy_value(0, 0, self.sched, w, e, lump, lag, rate)
        ok = c[2 : 2 + ng].reshape(nc, 2) * c[2 + ng + np.asarray(paired_district)][:, None]
        return ok * pv * self.cfg.take_up

    def employed_month(self, step: int, w: dict) -> Effects | None:
        """Pay what is due for the month just completed; the response to what is
        still to come (or the cliff) sets the worker's quit hazard."""
        if not self.active(step) or len(w["idx"]) == 0:
            return None
        paid = self._pay(step, w)
        qh = self.world.behavior.quit_hazard
        hazard = np.empty(len(w["idx"]))
        _hazard(
            w["idx"], w["firm_wage"], step, self.state, self.sched, self.cfg_vec, self.last_month,
            qh.subsidy_value_per_wage, qh.subsidy_discount_month, qh.subsidy_cliff_per_wage,
            qh.subsidy_cliff_months, hazard,
        )  # fmt: skip
        return Effects(hazard=hazard, hazard_key="subsidy", support="subsidy", marked=paid)

    def _pay(self, step: int, w: dict) -> np.ndarray:
        """Payments due this month, one per person across subsidy policies, as far
        as the budget allows; returns the paid mask over `w`."""
        idx = w["idx"]
        due = np.empty(len(idx))
        group = w["county"] * 2 + w["poor"]
        _due(
            idx, group, w["district"], w["program_firm"], w["first_away"], w["spell_start"], self.start_step,
            self.state, self.u_key, self.cfg_vec, self.sched, due,
        )  # fmt: skip
        sel = np.flatnonzero(due > 0)
        sel = sel[~self.world.ledger.subsidy_paid_in(step, idx[sel])]
        got = self.pay(step, "subsidy", due[sel], w["poor"][sel], w["county"][sel], idx[sel])
        paid = np.zeros(len(idx), bool)
        paid[sel[got]] = True
        self.world.ledger.mark_subsidy(step, idx[paid])
        _commit(idx, paid, step, self.state, self.sched, self.cfg_vec, self.last_month, True)
        self._note(idx[paid], due[paid])
        self._bonus(step, w)
        return paid

    def on_quit(self, step: int, w: dict) -> None:
        """Workers who quit openly get what they earned but the lag held back (a
        settlement; those who leave secretly forfeit it). Nothing with no lag."""
        if self.cfg.lag_months == 0 or not self.active(step) or len(w["idx"]) == 0:
            return
        idx = w["idx"]
        owed = np.empty(len(idx))
        _settled(idx, self.state, self.sched, self.cfg_vec, owed)
        sel = np.flatnonzero(owed > 0)
        got = self.pay(step, "subsidy_settlement", owed[sel], w["poor"][sel], w["county"][sel], idx[sel])
        paid = np.zeros(len(idx), bool)
        paid[sel[got]] = True
        _commit(idx, paid, step, self.state, self.sched, self.cfg_vec, self.last_month, False)
        self._note(idx[paid], owed[paid])

    def _bonus(self, step: int, w: dict) -> None:
        """The one-off transport bonus after `transport_bonus_after_months` months of work."""
        if self.cfg.transport_bonus_yuan <= 0:
            return
        idx = w["idx"]
        st = self.state[idx]
        ok = (st[:, 0] > 0) & ~self.bonus_paid[idx] & (st[:, 1] >= self.cfg.transport_bonus_after_months)
        sel = np.flatnonzero(ok)
        amounts = np.full(sel.size, self.cfg.transport_bonus_yuan)
        got = self.pay(step, "transport_bonus", amounts, w["poor"][sel], w["county"][sel], idx[sel])
        self.bonus_paid[idx[sel[got]]] = True
        self._note(idx[sel[got]], amounts[got])
