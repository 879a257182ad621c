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
from ..jit import kernel, rule
from ..schema.policies import SubsidyPolicy
from ..streams import uniform
from .base import Effects, Policy, World

CADENCE_EVERY = {"monthly": 1, "quarterly": 3, "lump": 0}


@rule
def _rule(cfg):
    """The schedule rule's numbers from `cfg` (see `Subsidy._cfg`): waiting, every,
    lump_after, lag, take_up, program_only, new_hires_only, first_time_only."""
    b = 2 + int(cfg[0]) + int(cfg[1])
    return cfg[b], cfg[b + 1], cfg[b + 2], cfg[b + 3], cfg[b + 4], cfg[b + 5], cfg[b + 6], cfg[b + 7]


@kernel
def _month(
    idx, county, poor, district, program, wage, T, arrival, step, start_step,
    claim, months, nxt, prv, last, u_key, cfg, sched, last_month, keep_last_month, qh,
    bonus_after, due_at, due_yuan, bonus_at, hazard, counts,
):  # fmt: skip
    """One month of work of the workers shown (`idx`, their view columns; the
    worker table `T` for the first away step and spell of those who decide).

    A worker in a qualifying job (group and district allowed by `cfg`, program
    firm if asked) who has not yet decided decides now if in the cohort (spell
    began at or after `start_step` when new hires only; first-time migrants when
    asked): claims with probability take_up (one draw per person). A claimant's
    month counts; the entries due by now are listed (`due_at`: positions in the
    view, `due_yuan`: yuan). Claimants with `bonus_after` months or more (>= 0:
    a transport bonus is on offer) who have not had it are listed in `bonus_at`.
    `counts` gets the lengths of both lists. `hazard[j]`: the quit-hazard
    multiplier (`_hazard_of`) as the state stands now (workers paid this month
    get theirs again after the payment, `_hazard_at`). Per-worker state: `claim`
    (0 undecided, -1 declined, 1 claims, 2 claims and had the bonus), `months`
    counted, `nxt` next entry of the schedule, `prv` and `last` (`_commit`)."""
    n = len(sched)
    ng = int(cfg[0])
    waiting, every, lump, lag, take_up, program_only, new_only, first_only = _rule(cfg)
    nd = 0
    nb = 0
    for j in range(len(idx)):
        i = idx[j]
        g = 2 * int(county[j]) + int(poor[j])
        d = int(district[j])
        if cfg[2 + g] != 0.0 and d >= 0 and cfg[2 + ng + d] != 0.0 and (program_only <= 0.0 or program[j]):
            c = claim[i]
            if c == 0:
                s = T[i].spell
                start = arrival[s] if s >= 0 else -1
                fa = T[i].first_away
                if new_only > 0.0 and start < start_step:
                    c = 0
                elif first_only > 0.0 and fa != -1 and fa <= start:
                    c = 0
                else:
                    c = 1 if uniform(u_key, i) < take_up else -1
                    claim[i] = c
            if c > 0:
                mo = int(months[i]) + 1
                months[i] = mo
                k = int(nxt[i])
                total = 0.0
                while k < n and rules.subsidy_due_month(k, n, waiting, every, lump, lag) <= mo:
                    total += sched[k]
                    k += 1
                if total > 0.0:
                    due_at[nd] = j
                    due_yuan[nd] = total
                    nd += 1
        if bonus_after >= 0 and claim[i] == 1 and months[i] >= bonus_after:
            bonus_at[nb] = j
            nb += 1
        hazard[j] = _hazard_of(i, wage[j], step, claim, months, nxt, prv, last, sched, cfg, last_month,
                               keep_last_month, qh)  # fmt: skip
    counts[0] = nd
    counts[1] = nb


@kernel
def _settled(idx, claim, months, nxt, sched, cfg, out):
    """out[j]: yuan earned by shown worker j (by the cadence) but held back by the
    lag: paid when the worker quits openly (`Subsidy.on_quit`)."""
    n = len(sched)
    waiting, every, lump, _, _, _, _, _ = _rule(cfg)
    for j in range(len(idx)):
        i = idx[j]
        out[j] = 0.0
        if claim[i] <= 0:
            continue
        k = int(nxt[i])
        while k < n and rules.subsidy_due_month(k, n, waiting, every, lump, 0.0) <= months[i]:
            out[j] += sched[k]
            k += 1


@kernel
def _commit(idx, at, step, months, nxt, prv, last, sched, cfg, with_lag, last_month, keep_last_month):
    """Advance the schedule of the shown workers paid (`at`: positions in `idx`):
    next entry past every entry now paid (counting the lag if `with_lag`), the
    entry it started from (`prv`: the last payment stood for entries prv..nxt)
    and the step of the last payment; `last_month` (its monthly amount) only if
    `keep_last_month` (after a dated change of the schedule)."""
    n = len(sched)
    waiting, every, lump, lag, _, _, _, _ = _rule(cfg)
    if not with_lag:
        lag = 0.0
    for r in range(len(at)):
        i = idx[at[r]]
        k = int(nxt[i])
        k0 = k
        total, entries = 0.0, 0
        while k < n and rules.subsidy_due_month(k, n, waiting, every, lump, lag) <= months[i]:
            total += sched[k]
            entries += 1
            k += 1
        nxt[i] = k
        prv[i] = k0
        last[i] = step
        if keep_last_month:
            last_month[i] = total / max(entries, 1)


@rule
def _last_amount(i, prv, nxt, sched, last_month, keep_last_month):
    """Monthly amount the last payment of worker i stood for: the mean of the
    entries it paid (prv..nxt), or `last_month[i]` once a dated change kept it."""
    if keep_last_month:
        return last_month[i]
    total = 0.0
    for k in range(int(prv[i]), int(nxt[i])):
        total += sched[k]
    return total / max(int(nxt[i]) - int(prv[i]), 1)


@kernel
def _keep_last_amounts(claim, last, prv, nxt, sched, out):
    """out[i]: monthly amount of every paid worker's last payment, by the schedule
    in force now (kept before a dated change replaces it)."""
    for i in range(len(claim)):
        out[i] = _last_amount(i, prv, nxt, sched, out, False) if claim[i] > 0 and last[i] >= 0 else 0.0


@rule
def _hazard_of(i, wage, step, claim, months, nxt, prv, last, sched, cfg, last_month, keep_last_month, qh):
    """Quit-hazard multiplier of worker i earning `wage` (`rules.subsidy_hazard`):
    present value of the entries still to come, or the cliff in the months
    from the last payment once the schedule is done. `qh`: value per wage,
    discount rate, cliff per wage, cliff months."""
    if claim[i] <= 0:
        return 1.0
    n = len(sched)
    waiting, every, lump, lag, _, _, _, _ = _rule(cfg)
    if nxt[i] < n:
        v = rules.subsidy_value(int(nxt[i]), int(months[i]), sched, waiting, every, lump, lag, qh[1])
        return rules.subsidy_hazard(v, 0.0, wage, qh[0], qh[2])
    if last[i] >= 0 and step - last[i] < qh[3]:
        lm = _last_amount(i, prv, nxt, sched, last_month, keep_last_month)
        return rules.subsidy_hazard(0.0, lm, wage, qh[0], qh[2])
    return 1.0


@kernel
def _hazard_at(idx, at, wage, step, claim, months, nxt, prv, last, sched, cfg, last_month, keep_last_month, qh, out):
    """out[at[r]]: the quit-hazard multiplier (`_hazard_of`) of the shown workers `at`
    (positions in `idx`), after their payment this month."""
    for r in range(len(at)):
        j = at[r]
        out[j] = _hazard_of(idx[j], wage[j], step, claim, months, nxt, prv, last, sched, cfg, last_month,
                            keep_last_month, qh)  # fmt: skip


class Subsidy(Policy):
    """Per-worker state (one schedule per person), in the smallest types that hold
    it (7 bytes a worker): claim (0 undecided, -1 declined, 1 claims, 2 claims and
    had the transport bonus), months of work counted, next entry, the entry the
    last payment started from, and the step of the last payment."""

    schema = SubsidyPolicy
    audits_payments = True

    def __init__(self, name, cfg, world: World) -> None:
        super().__init__(name, cfg, world)
        n = world.n_workers
        self.claim = np.zeros(n, np.int8)
        self.months = np.zeros(n, np.int16)  # months of work counted (a run has at most 600)
        self.nxt = np.zeros(n, np.int8)  # schedules have at most 60 entries
        self.prv = np.zeros(n, np.int8)
        self.last = np.full(n, -1, np.int16)  # step of the last payment (-1: none)
        self.last_month: np.ndarray | None = None  # kept only once a dated change replaced the schedule
        self.sched = np.asarray(cfg.schedule_yuan, dtype=np.float64)
        self.cfg_vec = self._cfg()
        self.start_step = 0 if cfg.start is None else month_key(cfg.start) - world.calendar.start
        self.u_key = world.streams.key(f"take_up:{name}", 0)
        self.log: list[tuple[np.ndarray, np.ndarray]] | None = None  # (workers, yuan) when a twin audit asks

    @property
    def state(self) -> np.ndarray:
        """Per-worker state as (workers, 4) int32: claim (0, 1 or -1), months of work
        counted, next entry, step of the last payment (for tests and inspection)."""
        return np.stack([np.sign(self.claim), self.months, self.nxt, self.last], axis=1).astype(np.int32)

    def _last_month_args(self) -> tuple[np.ndarray, bool]:
        keep = self.last_month is not None
        return (self.last_month if keep else np.zeros(0)), keep

    def reconfigure(self, cfg) -> None:
        """A dated change: the new schedule and rules apply from this month, to the
        entries not yet paid; each person keeps their place in their schedule and the
        new-hire cohort still counts from the policy's first start."""
        if self.last_month is None:  # what each last payment stood for, by the schedule that paid it
            self.last_month = np.zeros(len(self.claim))
            _keep_last_amounts(self.claim, self.last, self.prv, self.nxt, self.sched, self.last_month)
        super().reconfigure(cfg)
        self.sched = np.asarray(cfg.schedule_yuan, dtype=np.float64)
        self.cfg_vec = self._cfg()

    def _cfg(self) -> np.ndarray:
        """The rule as numbers for the kernels (read back by `_rule`)."""
        c, el = self.cfg, self.cfg.eligibility
        nc, nd = len(self.world.county_names), len(self.world.district_names)
        ok_group = self.eligible_codes()[0].astype(float)
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
        ng = int(c[0])
        w, e, lump, lag = _rule(c)[:4]
        rate = self.world.behavior.quit_hazard.subsidy_discount_month
        pv = rules.subsidy_value(0, 0, self.sched, w, e, lump, lag, rate)
        ok = c[2 : 2 + ng].reshape(nc, 2) * c[2 + ng + np.asarray(paired_district)][:, None]
        return ok * pv * self.cfg.take_up

    def employed_month(self, step: int, w: dict) -> Effects | None:
        """Pay what is due for the month just completed (one payment per person
        across subsidy policies, as far as the budget allows), then the transport
        bonus; the response to what is still to come (or the cliff) sets the
        worker's quit hazard."""
        if not self.active(step) or len(w["idx"]) == 0:
            return None
        idx = w["idx"]
        n = len(idx)
        due_at, due_yuan, bonus_at = np.empty(n, np.int32), np.empty(n), np.empty(n, np.int32)
        hazard, counts = np.empty(n), np.zeros(2, np.int64)
        c, qh = self.cfg, self.world.behavior.quit_hazard
        bonus_after = c.transport_bonus_after_months if c.transport_bonus_yuan > 0 else -1
        lm, keep = self._last_month_args()
        q = np.array([qh.subsidy_value_per_wage, qh.subsidy_discount_month, qh.subsidy_cliff_per_wage,
                      qh.subsidy_cliff_months], dtype=np.float64)  # fmt: skip
        state = (self.claim, self.months, self.nxt, self.prv, self.last)
        _month(
            idx, w["county"], w["poor"], w["district"], w["program_firm"], w["firm_wage"], w.table, w.arrival, step,
            self.start_step, *state, self.u_key, self.cfg_vec, self.sched, lm, keep, q,
            bonus_after, due_at, due_yuan, bonus_at, hazard, counts,
        )  # fmt: skip
        sel, due = due_at[: counts[0]], due_yuan[: counts[0]]
        free = ~self.world.ledger.subsidy_paid_in(step, idx[sel])
        sel, due = sel[free], due[free]
        got = self.pay(step, "subsidy", due, w["poor"][sel], w["county"][sel], idx[sel])
        at = sel[got]
        self.world.ledger.mark_subsidy(step, idx[at])
        _commit(idx, at, step, self.months, self.nxt, self.prv, self.last, self.sched, self.cfg_vec, True, lm, keep)
        _hazard_at(idx, at, w["firm_wage"], step, *state, self.sched, self.cfg_vec, lm, keep, q, hazard)
        self._note(idx[at], due[got])
        paid = np.zeros(n, bool)
        paid[at] = True
        self._bonus(step, w, bonus_at[: counts[1]].copy())
        return Effects(hazard=hazard, hazard_key="subsidy", support="subsidy", marked=paid)

    def on_quit(self, step: int, w: dict) -> None:
        """Workers who quit openly get what they earned but the lag held back (a
        settlement; those who leave secretly forfeit it). Nothing with no lag."""
        if self.cfg.lag_months == 0 or not self.active(step) or len(w["idx"]) == 0:
            return
        idx = w["idx"]
        owed = np.empty(len(idx))
        _settled(idx, self.claim, self.months, self.nxt, self.sched, self.cfg_vec, owed)
        sel = np.flatnonzero(owed > 0)
        got = self.pay(step, "subsidy_settlement", owed[sel], w["poor"][sel], w["county"][sel], idx[sel])
        at = sel[got]
        lm, keep = self._last_month_args()
        _commit(idx, at, step, self.months, self.nxt, self.prv, self.last, self.sched, self.cfg_vec, False, lm, keep)
        self._note(idx[at], owed[at])

    def _bonus(self, step: int, w: dict, sel: np.ndarray) -> None:
        """The one-off transport bonus after `transport_bonus_after_months` months of
        work, to the claimants `sel` (positions in `w`) who have not had it."""
        if self.cfg.transport_bonus_yuan <= 0:
            return
        idx = w["idx"]
        amounts = np.full(sel.size, self.cfg.transport_bonus_yuan)
        got = self.pay(step, "transport_bonus", amounts, w["poor"][sel], w["county"][sel], idx[sel])
        self.claim[idx[sel[got]]] = 2
        self._note(idx[sel[got]], amounts[got])
