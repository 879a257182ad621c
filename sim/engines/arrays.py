"""Engine `arrays`: workers are numpy columns owned by the model; employers and
brokers stay `mesa.Agent` objects (they are few).

Each phase applies the same rules and policies as the `agents` engine to whole
columns at once: no per-worker Python loop anywhere in the month. Decisions use
the same per-worker draws, so everything but the order of matching is the same
computation; matching runs in a few vectorized rounds (see `match_phase`).
"""

from __future__ import annotations

import numpy as np

from .. import rules
from ..agents import Broker
from ..model import LaborModel, Month
from ..spells import CHANNELS, EXITS
from ..states import FESTIVAL, HOME, JOB, LOCAL, OTHER, PRD, SEEKING

MATCH_ROUNDS = 4


class Columns:
    """Worker state as compact columns (one row per agent)."""

    def __init__(self, cols: dict[str, np.ndarray]) -> None:
        n = len(cols["county"])
        self.county = cols["county"].astype(np.int8)
        self.poor = cols["poor"].astype(bool)
        self.skill = cols["skill"].astype(np.float32)
        self.place = cols["place"].astype(np.int8)
        self.firm = cols["firm"].astype(np.int32)
        self.tenure = cols["tenure"].astype(np.int16)
        self.spell_months = self.tenure.copy()
        self.prior_spells = (self.firm >= 0).astype(np.int16)
        self.festival_from = np.full(n, -1, np.int8)
        self.visit_step = np.full(n, -1, np.int16)
        self.months_seeking = np.zeros(n, np.int16)
        self.spell = np.full(n, -1, np.int32)
        for flag in ("love_job", "trained", "liaison", "broker", "organized", "is_broker", "subsidy_paid", "cliff"):
            setattr(self, flag, np.zeros(n, bool))

    def view(self, idx: np.ndarray, firm_wage: np.ndarray, firm_district: np.ndarray) -> dict[str, np.ndarray]:
        """Policy view of workers `idx` (see `AgentsModel.columns`)."""
        f = self.firm[idx]
        return {
            "idx": idx,
            "county": self.county[idx].astype(np.int64),
            "poor": self.poor[idx],
            "district": np.where(f >= 0, firm_district[np.maximum(f, 0)], -1),
            "prior_spells": self.prior_spells[idx],
            "spell_months": self.spell_months[idx],
            "firm_wage": np.where(f >= 0, firm_wage[np.maximum(f, 0)], 0.0),
        }


class ArraysModel(LaborModel):
    """Whole-array engine for large populations."""

    engine = "arrays"

    def init_workers(self, cols: dict[str, np.ndarray]) -> None:
        """The initial population becomes the model's columns."""
        self.w = Columns(cols)
        f = self.world.firms
        self.firm_wage = f.wage
        self.firm_district = f.district
        self.firm_skill = f.skill_required.astype(np.float32)
        held = np.bincount(self.w.firm[self.w.firm >= 0], minlength=len(self.employers))
        for e in self.employers:
            e.filled = int(held[e.index])
        self.love_floor = max((lj.cfg.wage_floor_yuan_month for lj in self.love_jobs), default=0.0)

    # ---- helpers -----------------------------------------------------------------
    def view(self, idx: np.ndarray) -> dict[str, np.ndarray]:
        return self.w.view(idx, self.firm_wage, self.firm_district)

    def holds_job(self) -> np.ndarray:
        """Per worker: holds a Ningbo job (at work or home for the festival)."""
        return self.w.firm >= 0

    def n_seeking(self) -> int:
        """Job seekers in Ningbo (agents)."""
        return int(np.count_nonzero(self.w.place == SEEKING))

    def _flow(self, name: str, idx: np.ndarray) -> None:
        self.recorder.flow(name, self.w.county[idx], self.w.poor[idx])

    def _firm_counts(self, idx: np.ndarray, love: np.ndarray, sign: int) -> None:
        """Add `sign` to the filled counters of the firms of workers `idx`."""
        f = self.w.firm[idx]
        n = len(self.employers)
        reg = np.bincount(f[~love], minlength=n)
        lov = np.bincount(f[love], minlength=n)
        for k in np.flatnonzero(reg | lov):
            self.employers[k].filled += sign * int(reg[k])
            self.employers[k].love_filled += sign * int(lov[k])

    def _leave_job(self, idx: np.ndarray) -> None:
        w = self.w
        has = idx[w.firm[idx] >= 0]
        self._firm_counts(has, w.love_job[has], -1)
        w.firm[idx], w.love_job[idx], w.tenure[idx] = -1, False, 0

    def _leave_ningbo(self, idx: np.ndarray, step: int, place: int, reason: str) -> None:
        w = self.w
        self._leave_job(idx)
        self.spells.close(w.spell[idx], step, EXITS.index(reason))
        w.place[idx], w.spell[idx], w.spell_months[idx] = place, -1, 0
        for flag in (w.trained, w.liaison, w.broker, w.organized):
            flag[idx] = False
        w.prior_spells[idx] += 1

    def wage(self, idx: np.ndarray) -> np.ndarray:
        """Monthly pay including a love-job top-up."""
        base = self.firm_wage[self.w.firm[idx]]
        return np.where(self.w.love_job[idx], np.maximum(base, self.love_floor), base)

    # ---- phases ------------------------------------------------------------------
    def calendar_phase(self, m: Month) -> None:
        """Tenure grows; in the festival month a share of workers away go home."""
        w = self.w
        job = w.place == JOB
        w.tenure[job] += 1
        w.spell_months[job | (w.place == SEEKING)] += 1
        if not m.info.festival:
            return
        away = np.flatnonzero((w.place == JOB) | (w.place == PRD) | (w.place == OTHER))
        go = away[m.u.at("festival_visit", away) < self.b.away.p_festival_visit]
        w.festival_from[go], w.place[go], w.visit_step[go] = w.place[go], FESTIVAL, m.info.step
        self._flow("festival_visits", go)

    def policy_phase(self, m: Month) -> None:
        """Subsidies, liaison coverage, broker fees and love-job top-ups."""
        step, w = m.info.step, self.w
        emp = np.flatnonzero(w.place == JOB)
        paid, cliff, covered = self.pay_and_cover(step, self.view(emp))
        w.subsidy_paid[:] = False
        w.cliff[:] = False
        w.subsidy_paid[emp], w.cliff[emp], w.liaison[emp] = paid, cliff, covered
        self.spells.mark_support(w.spell[emp[paid]], "subsidy")
        self.spells.mark_support(w.spell[emp[covered]], "liaison")
        for bp in self.broker_programs:
            bp.follow_up(step, self.view(emp[w.broker[emp]]))
        for lj in self.love_jobs:
            lj.top_up(step, self.view(emp[w.love_job[emp]]))

    def broker_phase(self, m: Month) -> None:
        """Brokers recruit at home (as many as the jobs they can see allow);
        experienced workers become brokers. In each county, candidates are taken
        in the month's broker order; those who accept go to the brokers in turn."""
        step, w = m.info.step, self.w
        m.recruits = np.zeros(0, np.int64)
        for bp in self.broker_programs:
            if not bp.active(step):
                continue
            self._promote(m, bp)
            nb = len(self.brokers)
            u_cap = self.streams.monthly(f"broker_cap:{bp.name}", step, max(nb, 1))[:nb]
            cap = bp.cfg.capacity_people_month * m.job_chance / self.scale
            b_county = np.array([b.county for b in self.brokers], np.int64)
            b_weight = np.array([b.weight for b in self.brokers])
            k = np.bincount(b_county, weights=rules.stochastic_round(b_weight * cap, u_cap), minlength=8).astype(int)
            home = np.flatnonzero((w.place == HOME) | (w.place == LOCAL))
            if len(m.recruits):
                home = home[~np.isin(home, m.recruits)]
            p_acc = np.where(w.poor[home], bp.cfg.p_accept_poor, bp.cfg.p_accept)
            acc = home[m.u.at("accept", home) < p_acc]
            order = self.streams.uniforms("broker_order", step, acc)
            got = []
            for c in np.flatnonzero(k):
                in_c = np.flatnonzero(w.county[acc] == c)
                top = in_c[np.argpartition(-order[in_c], k[c])[: k[c]]] if k[c] < len(in_c) else in_c
                got.append(acc[top])
            if got:
                m.recruits = np.concatenate([m.recruits, *got])

    def _promote(self, m: Month, bp) -> None:
        w, mb = self.w, self.b.brokers
        cand = np.flatnonzero((w.place == JOB) & ~w.is_broker & (w.spell_months >= mb.promote_min_tenure_months))
        cand = cand[m.u.at("promote", cand) < mb.p_promote_month]
        cand = cand[bp.eligible(w.county[cand].astype(np.int64), w.poor[cand])]
        for i in cand:
            self.brokers.append(Broker(self, len(self.brokers), int(w.county[i]), self.scale))
        w.is_broker[cand] = True
        self._flow("promoted_brokers", cand)

    def decide_phase(self, m: Month) -> None:
        """Every worker decides (by place); then those bound for Ningbo travel."""
        w = self.w
        deciding = np.ones(self.n_workers, bool)
        deciding[m.recruits] = False
        place = w.place.copy()  # decisions use the place at the start of the phase
        want = [(m.recruits, np.full(len(m.recruits), 2, np.int8))]  # 0 new, 1 back, 2 broker, 3 from_prd
        want.append(self._decide_home_local(m, place, deciding))
        self._decide_seeking(m, np.flatnonzero(deciding & (place == SEEKING)))
        self._decide_job(m, np.flatnonzero(deciding & (place == JOB)))
        want.append(self._decide_prd_other(m, place, deciding))
        want.append(self._decide_festival(m, np.flatnonzero(deciding & (place == FESTIVAL))))
        idx = np.concatenate([x[0] for x in want]).astype(np.int64)
        kind = np.concatenate([x[1] for x in want])
        self._travel(m, idx, kind)

    def _decide_home_local(self, m: Month, place, deciding):
        w, a = self.w, self.b.away
        idx = np.flatnonzero(deciding & ((place == HOME) | (place == LOCAL)))
        at_home = place[idx] == HOME
        u = m.u.at("local", idx)
        moved = np.where(at_home, u < a.p_find_local_job_month, u < a.p_lose_local_job_month)
        w.place[idx[moved]] = np.where(at_home[moved], LOCAL, HOME)
        cand, at_home = idx[~moved], at_home[~moved]
        c, p = w.county[cand].astype(np.int64), w.poor[cand].astype(np.int64)
        p_dep = np.where(at_home, m.p_depart_home[c, p], m.p_depart_local[c, p])
        go = m.u.at("depart", cand) < p_dep
        dep, c, p = cand[go], c[go], p[go]
        org = m.organized_open[c].astype(np.int64)
        to_n = m.u.at("destination", dep) < m.p_ningbo[c, p, org]
        prd = dep[~to_n]
        ok = self.own_travel_ok(m, prd)
        w.place[prd[ok]] = PRD
        self._flow("departures", prd[ok])
        self._flow("to_prd", prd[ok])
        self._flow("blocked_by_lockdown", prd[~ok])
        n = dep[to_n]
        return n, np.zeros(len(n), np.int8)

    def _decide_seeking(self, m: Month, idx: np.ndarray) -> None:
        w = self.w
        w.months_seeking[idx] += 1
        give = idx[(w.months_seeking[idx] > 1) & (m.u.at("give_up", idx) < self.b.away.p_give_up_search_month)]
        self._flow("gave_up_search", give)
        self._flow("return_home", give)
        self._leave_ningbo(give, m.info.step, HOME, "gave_up_search")

    def _decide_job(self, m: Month, idx: np.ndarray) -> None:
        w, step = self.w, m.info.step
        prd_wage = self.sc.places.prd.wage_yuan_month
        f = w.firm[idx]
        h = rules.quit_hazard(
            w.tenure[idx],
            w.trained[idx],
            w.liaison[idx],
            w.broker[idx],
            w.subsidy_paid[idx],
            w.cliff[idx],
            rules.skill_mismatch(w.skill[idx], self.firm_skill[f]),
            prd_wage / self.wage(idx),
            w.poor[idx],
            self.b.quit_hazard,
        )
        q = idx[m.u.at("quit", idx) < h]
        secret = m.u.at("secret", q) < self.b.quit_outcome.secret
        outcome = rules.quit_outcome(m.u.at("quit_outcome", q), w.liaison[q], self.b.quit_outcome)
        self._flow("quits", q)
        self._flow("secret_quits", q[secret])
        for s in self.subsidies:
            s.final_payment(step, self.view(q[~secret]))
        self.spells.end_first_job(w.spell[q], step)
        nxt = q[outcome == rules.NEXT_NINGBO_JOB]
        self._flow("job_changes", nxt)
        self._leave_job(nxt)
        w.place[nxt], w.months_seeking[nxt] = SEEKING, 0
        home = q[outcome == rules.RETURN_HOME]
        self._flow("return_home", home)
        self._leave_ningbo(home, step, HOME, "return_home")
        other = q[outcome == rules.OTHER_REGION]
        self._flow("to_other_region", other)
        self._leave_ningbo(other, step, OTHER, "other_region")

    def _decide_prd_other(self, m: Month, place, deciding):
        w, a = self.w, self.b.away
        prd = np.flatnonzero(deciding & (place == PRD))
        u = m.u.at("prd", prd)
        w.place[prd[u < a.p_prd_return_home_month]] = HOME
        mv = prd[(u >= a.p_prd_return_home_month) & (u < a.p_prd_return_home_month + a.p_prd_to_ningbo_month)]
        oth = np.flatnonzero(deciding & (place == OTHER))
        w.place[oth[m.u.at("other", oth) < a.p_other_region_return_month]] = HOME
        return mv, np.full(len(mv), 3, np.int8)

    def _decide_festival(self, m: Month, idx: np.ndarray):
        w, step = self.w, m.info.step
        idx = idx[w.visit_step[idx] < step]
        d = rules.festival_decision(m.u.at("festival", idx), self.b.away)
        back = idx[d == 1]
        to_job = back[w.festival_from[back] == JOB]
        other = back[w.festival_from[back] != JOB]
        ok = self.own_travel_ok(m, other)
        w.place[other[ok]] = w.festival_from[other[ok]]
        self._flow("festival_back", other[ok])
        self._flow("blocked_by_lockdown", other[~ok])
        stay = idx[d == 2]
        self._flow("festival_stay", stay)
        had_job = stay[w.festival_from[stay] == JOB]
        self._flow("return_home", had_job)
        self._leave_ningbo(had_job, step, HOME, "festival_stay")
        w.place[stay] = HOME
        return to_job, np.ones(len(to_job), np.int8)

    def _travel(self, m: Month, idx: np.ndarray, kind: np.ndarray) -> None:
        """Bound for Ningbo, in the month's travel order: an organized seat if one
        is free, else on one's own if travel is open, else blocked this month."""
        w, step = self.w, m.info.step
        order = np.argsort(self.streams.uniforms("travel_order", step, idx), kind="stable")
        idx, kind = idx[order], kind[order]
        organized = np.zeros(len(idx), bool)
        for tp in self.transports:
            rest = np.flatnonzero(~organized)
            organized[rest[tp.book(step, w.county[idx[rest]].astype(np.int64), w.poor[idx[rest]])]] = True
        ok = organized | self.own_travel_ok(m, idx)
        self._flow("blocked_by_lockdown", idx[~ok])
        idx, kind, organized = idx[ok], kind[ok], organized[ok]
        back = idx[kind == 1]
        w.place[back] = JOB
        self._flow("festival_back", back)
        new = kind != 1
        idx, kind, organized = idx[new], kind[new], organized[new]
        channel = np.where(
            kind == 2,
            CHANNELS.index("broker"),
            np.where(
                kind == 3,
                CHANNELS.index("from_prd"),
                np.where(organized, CHANNELS.index("organized"), CHANNELS.index("own")),
            ),
        )
        self._flow("departures", idx[kind != 3])
        self._flow("arrivals_ningbo", idx)
        for ch in range(len(CHANNELS)):
            self._flow(f"arrivals_{CHANNELS[ch]}", idx[channel == ch])
        w.place[idx], w.months_seeking[idx], w.spell_months[idx] = SEEKING, 0, 0
        w.spell[idx] = self.spells.open(step, w.county[idx], w.poor[idx], channel)
        w.broker[idx] = kind == 2
        w.organized[idx] = organized
        self._train(step, idx, "pre_departure")

    def _train(self, step: int, idx: np.ndarray, stage: str) -> None:
        if len(idx) == 0 or not self.trainings:
            return
        cols = self.view(idx)
        u = self.streams.uniforms(f"training:{stage}", step, idx)
        for tp in self.trainings:
            got = idx[tp.train(step, stage, cols, u)]
            self.w.trained[got] = True
            self.spells.mark_support(self.w.spell[got], "trained")

    def match_phase(self, m: Month) -> None:
        """Seekers meet vacancies in rounds: organized and broker recruits first,
        then the rest in the month's random order. In each round every seeker
        still looking draws a firm with probability proportional to vacancies x
        exp(score); each firm takes its choosers in order up to its vacancies,
        registered-poor choosers filling love-job slots first."""
        w, step = self.w, m.info.step
        seek = np.flatnonzero(w.place == SEEKING)
        if len(seek) == 0:
            return
        order = self.streams.uniforms("match_order", step, seek)
        pri = w.organized[seek] | w.broker[seek]
        seek = seek[np.lexsort((order, ~pri))]
        vac = np.array([e.vacancies() for e in self.employers], dtype=np.int64).reshape(-1, 2)
        hired_first = []
        for r in range(MATCH_ROUNDS):
            if len(seek) == 0 or vac.sum() == 0:
                break
            u = self.streams.uniforms(f"match:{r}", step, seek) if r else m.u.at("match", seek)
            choice = self._choose_firms(seek, vac, u)
            took, love = self._accept(seek, choice, vac)
            hired = seek[took]
            first = hired[self.spells.not_hired(w.spell[hired])]
            self.spells.hire(w.spell[first], step)
            w.firm[hired], w.love_job[hired], w.tenure[hired], w.place[hired] = choice[took], love, 0, JOB
            self._firm_counts(hired, love, +1)
            self.spells.mark_support(w.spell[hired[love]], "love_job")
            self._flow("hires", hired)
            hired_first.append(first)
            seek = seek[~took]
        if hired_first:
            self._train(step, np.sort(np.concatenate(hired_first)), "in_firm")

    def _choose_firms(self, seek: np.ndarray, vac: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Each seeker's firm (or -1) by inverse CDF over `LaborModel.match_weights`.

        Seekers with the same (county, organized, poor, skill) share one row of
        weights, so the work is (groups x firms) + (seekers x log), linear in
        the number of seekers (skill is kept to 1/100, see `initial_workers`).
        """
        w = self.w
        org = w.organized[seek] | w.broker[seek]
        key = ((w.county[seek].astype(np.int64) * 2 + org) * 2 + w.poor[seek]) * 101 + np.rint(
            w.skill[seek] * 100
        ).astype(np.int64)
        groups, inv = np.unique(key, return_inverse=True)
        n_firms = len(vac)
        skill = (groups % 101 / 100.0)[:, None]
        poor = (groups // 101 % 2).astype(bool)[:, None]
        organized = (groups // 202 % 2).astype(bool)[:, None]
        county = (groups // 404)[:, None]
        avail = vac[:, 0][None, :] + np.where(poor, vac[:, 1][None, :], 0)
        cdf = np.cumsum(self.match_weights(skill, county, organized, avail), axis=1)
        total = cdf[:, -1].copy()
        cdf /= np.where(total > 0, total, 1.0)[:, None]
        cdf += np.arange(len(groups))[:, None]
        pos = np.searchsorted(cdf.ravel(), inv + u.astype(np.float64), side="right") - inv * n_firms
        return np.where(total[inv] > 0, np.minimum(pos, n_firms - 1), -1)

    def _accept(self, seek: np.ndarray, choice: np.ndarray, vac: np.ndarray):
        """Firms take choosers in order: poor ones into love slots first, then anyone
        into regular slots. Updates `vac`; returns (taken mask, love mask)."""
        n = len(seek)
        took, love = np.zeros(n, bool), np.zeros(n, bool)
        rank = np.arange(n)
        lp = np.flatnonzero((choice >= 0) & self.w.poor[seek])
        pos = _rank_within(choice[lp], rank[lp])
        ok = pos < vac[choice[lp], 1]
        took[lp[ok]] = love[lp[ok]] = True
        np.subtract.at(vac[:, 1], choice[lp[ok]], 1)
        rp = np.flatnonzero((choice >= 0) & ~took)
        pos = _rank_within(choice[rp], rank[rp])
        ok = pos < vac[choice[rp], 0]
        took[rp[ok]] = True
        np.subtract.at(vac[:, 0], choice[rp[ok]], 1)
        return took, love[took]

    def record_phase(self, m: Month) -> None:
        """Stocks by place, county and group; stable employment."""
        w = self.w
        held = (w.place == JOB) | ((w.place == FESTIVAL) & (w.festival_from == JOB))
        stable = held & (w.spell_months >= self.b.stable_min_months)
        self.recorder.close_month(m.info.step, m.info.label, w.place, w.county, w.poor, stable)


def _rank_within(group: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Position of each element among those of its group, ordered by rank."""
    if len(group) == 0:
        return np.zeros(0, np.int64)
    o = np.lexsort((rank, group))
    g = group[o]
    start = np.r_[0, np.flatnonzero(np.diff(g)) + 1]
    first = np.repeat(start, np.diff(np.r_[start, len(g)]))
    pos = np.empty(len(group), np.int64)
    pos[o] = np.arange(len(g)) - first
    return pos
