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
from ..sparse import SparseRows, row_of
from ..streams import uniform
from .base import Effects, Policy, World

CADENCE_EVERY = {"monthly": 1, "quarterly": 3, "lump": 0}


@rule
def _rule(cfg):
    """The schedule rule's numbers from `cfg` (see `Subsidy._cfg`): waiting, every,
    lump_after, lag, take_up, program_only, new_hires_only, first_time_only."""
    b = 2 + int(cfg[0]) + int(cfg[1])
    return cfg[b], cfg[b + 1], cfg[b + 2], cfg[b + 3], cfg[b + 4], cfg[b + 5], cfg[b + 6], cfg[b + 7]


@rule
def _qualifies(j, county, poor, district, program, cfg):
    """Whether shown worker j is in a qualifying job: group and district allowed by
    `cfg`, a program firm if asked."""
    ng = int(cfg[0])
    g = 2 * int(county[j]) + int(poor[j])
    d = int(district[j])
    program_only = _rule(cfg)[5]
    return cfg[2 + g] != 0.0 and d >= 0 and cfg[2 + ng + d] != 0.0 and (program_only <= 0.0 or program[j])


@kernel
def _deciders(idx, county, poor, district, program, T, arrival, bits, before, start_step, u_key, cfg, out_j, out_c):
    """Shown workers in a qualifying job (`_qualifies`) who have not decided yet (no
    row in `bits`/`before`: `sim.sparse`) and are in the cohort (spell began at or
    after `start_step` when new hires only; first-time migrants when asked)
    decide now: claim (1) with probability take_up (one draw per person), else
    decline (-1). Their positions in the view go to `out_j` and their choices to
    `out_c`; returns how many decided."""
    _, _, _, _, take_up, _, new_only, first_only = _rule(cfg)
    n = 0
    for j in range(len(idx)):
        i = idx[j]
        if not _qualifies(j, county, poor, district, program, cfg) or row_of(bits, before, i) >= 0:
            continue
        s = T[i].spell
        start = arrival[s] if s >= 0 else -1
        fa = T[i].first_away
        if new_only > 0.0 and start < start_step:
            continue
        if first_only > 0.0 and fa != -1 and fa <= start:
            continue
        out_j[n] = j
        out_c[n] = 1 if uniform(u_key, i) < take_up else -1
        n += 1
    return n


@kernel
def _month(
    idx, county, poor, district, program, wage, step, bits, before, claim, months, nxt, prv, last, cfg, sched,
    last_month, keep_last_month, qh, bonus_after, due_at, due_yuan, bonus_at, hz_at, hz_val, counts,
):  # fmt: skip
    """One month of work of the workers shown (`idx`, their view columns), after
    those who decide now have decided (`_deciders`). Only workers who decided
    have a row (`bits`/`before`: `sim.sparse`); the others have no claim and a
    quit-hazard multiplier of 1. A claimant in a qualifying job counts the month;
    the entries due by now are listed (`due_at`: positions in the view,
    `due_yuan`: yuan). Claimants with `bonus_after` months or more (>= 0: a
    transport bonus is on offer) who have not had it are listed in `bonus_at`.
    Every shown worker with a row is listed in `hz_at` with its quit-hazard
    multiplier (`_hazard_of`) as the state stands now in `hz_val` (workers paid
    this month get theirs again after the payment, `_hazard_at`). `counts` gets
    the lengths of the three lists (counts[2] = -1, and nothing more is listed,
    if there are more shown workers with a row than the lists' room: a worker
    shown twice). Per-worker state, by row: `claim` (-1
    declined, 1 claims, 2 claims and had the bonus), `months` counted, `nxt`
    next entry of the schedule, `prv` and `last` (`_commit`)."""
    n = len(sched)
    waiting, every, lump, lag, _, _, _, _ = _rule(cfg)
    nd = 0
    nb = 0
    nh = 0
    for j in range(len(idx)):
        r = row_of(bits, before, idx[j])
        if r < 0:
            continue
        if nh == len(hz_at):  # more shown workers with a row than rows: someone shown twice
            counts[2] = -1
            return
        if claim[r] > 0 and _qualifies(j, county, poor, district, program, cfg):
            mo = int(months[r]) + 1
            months[r] = mo
            k = int(nxt[r])
            total = 0.0
            while k < n and rules.subsidy_due_month(k, n, waiting, every, lump, lag) <= mo:
                total += sched[k]
                k += 1
            if total > 0.0:
                due_at[nd] = j
                due_yuan[nd] = total
                nd += 1
        if bonus_after >= 0 and claim[r] == 1 and months[r] >= bonus_after:
            bonus_at[nb] = j
            nb += 1
        hz_at[nh] = j
        hz_val[nh] = _hazard_of(r, wage[j], step, claim, months, nxt, prv, last, sched, cfg, last_month,
                                keep_last_month, qh)  # fmt: skip
        nh += 1
    counts[0] = nd
    counts[1] = nb
    counts[2] = nh


@kernel
def _settled(idx, bits, before, claim, months, nxt, sched, cfg, out):
    """out[j]: yuan earned by shown worker j (by the cadence) but held back by the
    lag: paid when the worker quits openly (`Subsidy.on_quit`)."""
    n = len(sched)
    waiting, every, lump, _, _, _, _, _ = _rule(cfg)
    for j in range(len(idx)):
        r = row_of(bits, before, idx[j])
        out[j] = 0.0
        if r < 0 or claim[r] <= 0:
            continue
        k = int(nxt[r])
        while k < n and rules.subsidy_due_month(k, n, waiting, every, lump, 0.0) <= months[r]:
            out[j] += sched[k]
            k += 1


@kernel
def _commit(rows, step, months, nxt, prv, last, sched, cfg, with_lag, last_month, keep_last_month):
    """Advance the schedule of the workers paid (their `rows`): next entry past
    every entry now paid (counting the lag if `with_lag`), the entry it started
    from (`prv`: the last payment stood for entries prv..nxt) and the step of
    the last payment; `last_month` (its monthly amount) only if
    `keep_last_month` (after a dated change of the schedule)."""
    n = len(sched)
    waiting, every, lump, lag, _, _, _, _ = _rule(cfg)
    if not with_lag:
        lag = 0.0
    for q in range(len(rows)):
        r = rows[q]
        k = int(nxt[r])
        k0 = k
        total, entries = 0.0, 0
        while k < n and rules.subsidy_due_month(k, n, waiting, every, lump, lag) <= months[r]:
            total += sched[k]
            entries += 1
            k += 1
        nxt[r] = k
        prv[r] = k0
        last[r] = step
        if keep_last_month:
            last_month[r] = total / max(entries, 1)


@rule
def _last_amount(r, prv, nxt, sched, last_month, keep_last_month):
    """Monthly amount the last payment of row r stood for: the mean of the
    entries it paid (prv..nxt), or `last_month[r]` once a dated change kept it."""
    if keep_last_month:
        return last_month[r]
    total = 0.0
    for k in range(int(prv[r]), int(nxt[r])):
        total += sched[k]
    return total / max(int(nxt[r]) - int(prv[r]), 1)


@kernel
def _keep_last_amounts(claim, last, prv, nxt, sched, out):
    """out[r]: monthly amount of every paid row's last payment, by the schedule
    in force now (kept before a dated change replaces it)."""
    for r in range(len(claim)):
        out[r] = _last_amount(r, prv, nxt, sched, out, False) if claim[r] > 0 and last[r] >= 0 else 0.0


@rule
def _hazard_of(r, wage, step, claim, months, nxt, prv, last, sched, cfg, last_month, keep_last_month, qh):
    """Quit-hazard multiplier of the worker of row r earning `wage`
    (`rules.subsidy_hazard`): present value of the entries still to come, or
    the cliff in the months from the last payment once the schedule is done.
    `qh`: value per wage, discount rate, cliff per wage, cliff months."""
    if claim[r] <= 0:
        return 1.0
    n = len(sched)
    waiting, every, lump, lag, _, _, _, _ = _rule(cfg)
    if nxt[r] < n:
        v = rules.subsidy_value(int(nxt[r]), int(months[r]), sched, waiting, every, lump, lag, qh[1])
        return rules.subsidy_hazard(v, 0.0, wage, qh[0], qh[2])
    if last[r] >= 0 and step - last[r] < qh[3]:
        lm = _last_amount(r, prv, nxt, sched, last_month, keep_last_month)
        return rules.subsidy_hazard(0.0, lm, wage, qh[0], qh[2])
    return 1.0


@kernel
def _hazard_at(rows, at, wage, step, claim, months, nxt, prv, last, sched, cfg, last_month, keep_last_month, qh, out):
    """out[q]: the quit-hazard multiplier (`_hazard_of`) of the workers paid (their
    `rows`, earning wage[at[q]]), after their payment this month."""
    for q in range(len(rows)):
        out[q] = _hazard_of(rows[q], wage[at[q]], step, claim, months, nxt, prv, last, sched, cfg, last_month,
                            keep_last_month, qh)  # fmt: skip


class Subsidy(Policy):
    """Per-worker state (one schedule per person), kept only for the workers who
    have decided whether to claim (`sim.sparse`: a row each, 7 bytes, and a bit
    for every other worker): claim (-1 declined, 1 claims, 2 claims and had the
    transport bonus), months of work counted, next entry, the entry the last
    payment started from, and the step of the last payment."""

    schema = SubsidyPolicy
    audits_payments = True

    def __init__(self, name, cfg, world: World) -> None:
        super().__init__(name, cfg, world)
        self.rows = SparseRows(
            {
                "claim": (np.int8, 0),
                "months": (np.int16, 0),  # months of work counted (a run has at most 600)
                "nxt": (np.int8, 0),  # schedules have at most 60 entries
                "prv": (np.int8, 0),
                "last": (np.int16, -1),  # step of the last payment (-1: none)
            }
        )
        self.keeps_last_month = False  # a `last_month` column once a dated change replaced the schedule
        self.sched = np.asarray(cfg.schedule_yuan, dtype=np.float64)
        self.cfg_vec = self._cfg()
        self.start_step = 0 if cfg.start is None else month_key(cfg.start) - world.calendar.start
        self.u_key = world.streams.key(f"take_up:{name}", 0)
        self.log: list[tuple[np.ndarray, np.ndarray]] | None = None  # (workers, yuan) when a twin audit asks

    @property
    def state(self) -> np.ndarray:
        """Per-worker state as (workers, 4) int32: claim (0 undecided, 1 or -1),
        months of work counted, next entry, step of the last payment (for tests and
        inspection)."""
        n = self.world.n_workers
        cols = [np.sign(self.rows.dense("claim", n))] + [self.rows.dense(k, n) for k in ("months", "nxt", "last")]
        return np.stack(cols, axis=1).astype(np.int32)

    def _state(self) -> tuple:
        """The kernels' view of the state: membership, then the columns by row."""
        r = self.rows
        return r.bits, r.before, r["claim"], r["months"], r["nxt"], r["prv"], r["last"]

    def _last_month_args(self) -> tuple[np.ndarray, bool]:
        keep = self.keeps_last_month
        return (self.rows["last_month"] if keep else np.zeros(0)), keep

    def reconfigure(self, cfg) -> None:
        """A dated change: the new schedule and rules apply from this month, to the
        entries not yet paid; each person keeps their place in their schedule and the
        new-hire cohort still counts from the policy's first start."""
        if not self.keeps_last_month:  # what each last payment stood for, by the schedule that paid it
            r = self.rows
            r.add_column("last_month", np.float64, 0.0)
            _keep_last_amounts(r["claim"], r["last"], r["prv"], r["nxt"], self.sched, r["last_month"])
            self.keeps_last_month = True
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

    def _decide(self, w: dict) -> None:
        """Shown workers in a qualifying job who have not decided yet and are in the
        cohort decide now whether to claim (`_deciders`); they get a row."""
        r, n = self.rows, len(w["idx"])
        cols = (w["idx"], w["county"], w["poor"], w["district"], w["program_firm"], w.table, w.arrival)
        out_j, out_c = np.empty(n, np.int32), np.empty(n, np.int8)
        k = _deciders(*cols, r.bits, r.before, self.start_step, self.u_key, self.cfg_vec, out_j, out_c)
        if k:
            rows = r.add(w["idx"][out_j[:k]])
            r["claim"][rows] = out_c[:k]

    def employed_month(self, step: int, w: dict) -> Effects | None:
        """Pay what is due for the month just completed (one payment per person
        across subsidy policies, as far as the budget allows), then the transport
        bonus; the response to what is still to come (or the cliff) sets the
        worker's quit hazard."""
        if not self.active(step) or len(w["idx"]) == 0:
            return None
        self._decide(w)
        idx = w["idx"]
        n = len(idx)
        room = min(n, self.rows.n)  # every list below holds only workers with a row
        due_at, due_yuan, bonus_at = np.empty(room, np.int32), np.empty(room), np.empty(room, np.int32)
        hz_at, hz_val, counts = np.empty(room, np.int32), np.empty(room), np.zeros(3, np.int64)
        c, qh = self.cfg, self.world.behavior.quit_hazard
        bonus_after = c.transport_bonus_after_months if c.transport_bonus_yuan > 0 else -1
        lm, keep = self._last_month_args()
        q = np.array([qh.subsidy_value_per_wage, qh.subsidy_discount_month, qh.subsidy_cliff_per_wage,
                      qh.subsidy_cliff_months], dtype=np.float64)  # fmt: skip
        state = self._state()
        _month(
            idx, w["county"], w["poor"], w["district"], w["program_firm"], w["firm_wage"], step, *state,
            self.cfg_vec, self.sched, lm, keep, q, bonus_after, due_at, due_yuan, bonus_at, hz_at, hz_val, counts,
        )  # fmt: skip
        if counts[2] < 0:  # the lists hold one entry per worker with a row: none may be shown twice
            raise ValueError(f"policy {self.name}: a worker is shown more than once in a month's view")
        sel, due = due_at[: counts[0]], due_yuan[: counts[0]]
        free = ~self.world.ledger.subsidy_paid_in(step, idx[sel])
        sel, due = sel[free], due[free]
        got = self.pay(step, "subsidy", due, w["poor"][sel], w["county"][sel], idx[sel])
        at = sel[got]
        self.world.ledger.mark_subsidy(step, idx[at])
        rows = self.rows.rows(idx[at])
        _commit(rows, step, *state[3:], self.sched, self.cfg_vec, True, lm, keep)
        hz_at, hz_val = hz_at[: counts[2]], hz_val[: counts[2]]
        after = np.empty(len(at))
        _hazard_at(rows, at, w["firm_wage"], step, *state[2:], self.sched, self.cfg_vec, lm, keep, q, after)
        hz_val[np.searchsorted(hz_at, at)] = after  # the paid are listed in hz_at (they have a row), in view order
        self._note(idx[at], due[got])
        hazard = np.ones(n)
        hazard[hz_at] = hz_val
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
        r = self.rows
        _settled(idx, r.bits, r.before, r["claim"], r["months"], r["nxt"], self.sched, self.cfg_vec, owed)
        sel = np.flatnonzero(owed > 0)
        got = self.pay(step, "subsidy_settlement", owed[sel], w["poor"][sel], w["county"][sel], idx[sel])
        at = sel[got]
        lm, keep = self._last_month_args()
        _commit(self.rows.rows(idx[at]), step, *self._state()[3:], self.sched, self.cfg_vec, False, lm, keep)
        self._note(idx[at], owed[at])

    def _bonus(self, step: int, w: dict, sel: np.ndarray) -> None:
        """The one-off transport bonus after `transport_bonus_after_months` months of
        work, to the claimants `sel` (positions in `w`) who have not had it."""
        if self.cfg.transport_bonus_yuan <= 0:
            return
        idx = w["idx"]
        amounts = np.full(sel.size, self.cfg.transport_bonus_yuan)
        got = self.pay(step, "transport_bonus", amounts, w["poor"][sel], w["county"][sel], idx[sel])
        self.rows["claim"][self.rows.rows(idx[sel[got]])] = 2
        self._note(idx[sel[got]], amounts[got])
