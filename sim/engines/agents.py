"""Engine `agents`: every worker, employer and broker is a `mesa.Agent`.

The readable reference and the oracle: each phase of the month visits agents
one by one and calls the shared rules and policies.
"""

from __future__ import annotations

import numpy as np

from ..agents import Broker, Worker
from ..model import LaborModel, Month
from ..states import FESTIVAL, JOB, OTHER, PRD, SEEKING


class AgentsModel(LaborModel):
    """Mesa agents engine."""

    engine = "agents"

    def init_workers(self, cols: dict[str, np.ndarray]) -> None:
        """One `Worker` agent per row of the initial population."""
        self.workers: list[Worker] = []
        for i in range(self.n_workers):
            w = Worker(self, i, int(cols["county"][i]), bool(cols["poor"][i]), float(cols["skill"][i]))
            w.place = int(cols["place"][i])
            if cols["firm"][i] >= 0:
                w.take_job(self.employers[cols["firm"][i]], love=False)
                w.tenure = w.spell_months = int(cols["tenure"][i])
                w.prior_spells = 1
            self.workers.append(w)

    # ---- helpers -----------------------------------------------------------------
    def employed(self) -> list[Worker]:
        return [w for w in self.workers if w.place == JOB]

    @staticmethod
    def columns(ws: list[Worker]) -> dict[str, np.ndarray]:
        """Policy view of these workers as columns."""
        return {
            "idx": np.array([w.idx for w in ws], dtype=np.int64),
            "county": np.array([w.county for w in ws], dtype=np.int64),
            "poor": np.array([w.poor for w in ws], dtype=bool),
            "district": np.array([w.firm.district if w.firm else -1 for w in ws], dtype=np.int64),
            "prior_spells": np.array([w.prior_spells for w in ws], dtype=np.int64),
            "spell_months": np.array([w.spell_months for w in ws], dtype=np.int64),
            "firm_wage": np.array([w.firm.wage if w.firm else 0.0 for w in ws]),
        }

    def holds_job(self) -> np.ndarray:
        """Per worker: holds a Ningbo job (at work or home for the festival)."""
        return np.fromiter((w.firm is not None for w in self.workers), dtype=bool, count=self.n_workers)

    def n_seeking(self) -> int:
        """Job seekers in Ningbo (agents)."""
        return sum(1 for w in self.workers if w.place == SEEKING)

    def final_subsidy(self, step: int, w: Worker) -> None:
        """Open quit: pay the final month of every subsidy the worker is in."""
        for s in self.subsidies:
            s.final_payment(step, self.columns([w]))

    # ---- phases ------------------------------------------------------------------
    def calendar_phase(self, m: Month) -> None:
        """Tenure grows; in the festival month a share of workers away go home."""
        for w in self.workers:
            if w.place == JOB:
                w.tenure += 1
                w.spell_months += 1
            elif w.place == SEEKING:
                w.spell_months += 1
        if not m.info.festival:
            return
        p = self.b.away.p_festival_visit
        for w in self.workers:
            if w.place in (JOB, PRD, OTHER) and m.u["festival_visit"][w.idx] < p:
                w.festival_from, w.place, w.visit_step = w.place, FESTIVAL, m.info.step
                self.recorder.flow("festival_visits", w.county, w.poor)

    def policy_phase(self, m: Month) -> None:
        """Subsidies, liaison coverage, broker fees and love-job top-ups."""
        step, emp = m.info.step, self.employed()
        paid, cliff, covered = self.pay_and_cover(step, self.columns(emp))
        for k, w in enumerate(emp):
            w.subsidy_paid, w.cliff, w.liaison = bool(paid[k]), bool(cliff[k]), bool(covered[k])
        self.spells.mark_support([w.spell for w in emp if w.subsidy_paid], "subsidy")
        self.spells.mark_support([w.spell for w in emp if w.liaison], "liaison")
        brokered = [w for w in emp if w.broker]
        for bp in self.broker_programs:
            bp.follow_up(step, self.columns(brokered))
        love = [w for w in emp if w.love_job]
        for lj in self.love_jobs:
            lj.top_up(step, self.columns(love))

    def broker_phase(self, m: Month) -> None:
        """Brokers recruit at home (as many as the jobs they can see allow);
        experienced workers become brokers."""
        step = m.info.step
        for bp in self.broker_programs:
            if not bp.active(step):
                continue
            self._promote(m, bp)
            homes: dict[int, list[Worker]] = {}
            order = self.streams.monthly("broker_order", step, self.n_workers)
            for w in sorted((w for w in self.workers if w.place in (0, 1)), key=lambda w: order[w.idx]):
                homes.setdefault(w.county, []).append(w)
            u_cap = self.streams.monthly(f"broker_cap:{bp.name}", step, max(len(self.brokers), 1))
            for b in self.brokers:
                for w in b.recruit(
                    m,
                    homes.get(b.county, []),
                    bp.cfg.capacity_people_month * m.job_chance,
                    (bp.cfg.p_accept, bp.cfg.p_accept_poor),
                    u_cap[b.bidx],
                ):
                    m.want_ningbo.append((w, "broker"))

    def _promote(self, m: Month, bp) -> None:
        mb = self.b.brokers
        for w in self.workers:
            if (
                w.place == JOB
                and not w.is_broker
                and w.spell_months >= mb.promote_min_tenure_months
                and m.u["promote"][w.idx] < mb.p_promote_month
                and bp.eligible(np.array([w.county]), np.array([w.poor]))[0]
            ):
                w.is_broker = True
                self.brokers.append(Broker(self, len(self.brokers), w.county, self.scale))
                self.recorder.flow("promoted_brokers", w.county, w.poor)

    def decide_phase(self, m: Month) -> None:
        """Every worker decides; then those bound for Ningbo travel."""
        queued = {w.idx for w, _ in m.want_ningbo}  # broker recruits travel, they do not decide
        for w in self.workers:
            if w.idx not in queued:
                w.decide(m)
        self._travel(m)

    def _travel(self, m: Month) -> None:
        """Bound for Ningbo: an organized seat if one is free, else on one's own
        if travel is open, else blocked this month (lockdown)."""
        step, rec = m.info.step, self.recorder
        order = self.streams.monthly("travel_order", step, self.n_workers)
        seen = set()
        for w, kind in sorted(m.want_ningbo, key=lambda x: order[x[0].idx]):
            if w.idx in seen:
                continue
            seen.add(w.idx)
            organized = self.book_seat(step, w.county, w.poor)
            if not organized and not self.own_travel_ok(m, w.idx):
                rec.flow("blocked_by_lockdown", w.county, w.poor)
                continue
            if kind == "back":
                w.place = JOB
                rec.flow("festival_back", w.county, w.poor)
                continue
            channel = {"new": "organized" if organized else "own", "broker": "broker", "from_prd": "from_prd"}[kind]
            if kind != "from_prd":
                rec.flow("departures", w.county, w.poor)
            rec.flow("arrivals_ningbo", w.county, w.poor)
            rec.flow(f"arrivals_{channel}", w.county, w.poor)
            w.arrive_ningbo(step, channel)
            w.organized = organized
            self._train(step, [w], "pre_departure")

    def _train(self, step: int, ws: list[Worker], stage: str) -> None:
        if not ws or not self.trainings:
            return
        cols = self.columns(ws)
        u = self.streams.monthly(f"training:{stage}", step, self.n_workers)[cols["idx"]]
        for tp in self.trainings:
            got = tp.train(step, stage, cols, u)
            for w, g in zip(ws, got, strict=True):
                if g:
                    w.trained = True
                    self.spells.mark_support([w.spell], "trained")

    def match_phase(self, m: Month) -> None:
        """Seekers in Ningbo meet vacancies: organized and broker recruits first,
        then the rest in random order; each picks a firm with probability
        proportional to vacancies x exp(score); poor workers may take love jobs."""
        step = m.info.step
        order = self.streams.monthly("match_order", step, self.n_workers)
        u = self.streams.monthly("match", step, self.n_workers)
        seekers = [w for w in self.workers if w.place == SEEKING]
        seekers.sort(key=lambda w: (not (w.organized or w.broker), order[w.idx]))
        vac = np.array([e.vacancies() for e in self.employers], dtype=float).reshape(-1, 2)
        hired = []
        for w in seekers:
            avail = vac[:, 0] + (vac[:, 1] if w.poor else 0.0)
            weights = self.match_weights(w.skill, w.county, w.organized or w.broker, avail)
            total = weights.sum()
            if total <= 0:
                continue
            k = min(int(np.searchsorted(np.cumsum(weights) / total, u[w.idx], side="right")), len(weights) - 1)
            love = bool(w.poor and vac[k, 1] > 0)
            vac[k, 1 if love else 0] -= 1
            first = w.spell >= 0 and self.spells.first_hire(w.spell)
            w.take_job(self.employers[k], love)
            if first:
                self.spells.hire([w.spell], step)
            self.recorder.flow("hires", w.county, w.poor)
            if first:
                hired.append(w)
        self._train(step, hired, "in_firm")

    def record_phase(self, m: Month) -> None:
        """Stocks by place, county and group; stable employment."""
        ws = self.workers
        place = np.fromiter((w.place for w in ws), dtype=np.int64, count=len(ws))
        county = np.fromiter((w.county for w in ws), dtype=np.int64, count=len(ws))
        poor = np.fromiter((w.poor for w in ws), dtype=bool, count=len(ws))
        held = np.fromiter(
            (
                (w.place == JOB or (w.place == FESTIVAL and w.festival_from == JOB))
                and w.spell_months >= self.b.stable_min_months
                for w in ws
            ),
            dtype=bool,
            count=len(ws),
        )
        self.recorder.close_month(m.info.step, m.info.label, place, county, poor, held)
