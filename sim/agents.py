"""Mesa agents of the reference engine: workers, employers and brokers.

A `Worker` holds its own state and decides once a month by calling the pure
rules in `sim.rules`; the model arranges the order of the month.
"""

from __future__ import annotations

import mesa

from . import rules
from .spells import CHANNELS, EXITS
from .states import FESTIVAL, HOME, JOB, LOCAL, OTHER, PRD, SEEKING


class Employer(mesa.Agent):
    """A Ningbo firm taking Qianxinan workers.

    Attributes:
        index: Position in the firm columns of the world.
        district, sector, wage, skill_required: From the scenario.
        slots: Jobs (agents) at normal demand; love_slots of them reserved for poor workers.
        filled, love_filled: Jobs taken (regular, love).
    """

    def __init__(self, model, index: int) -> None:
        super().__init__(model)
        f = model.world.firms
        self.index = index
        self.district = int(f.district[index])
        self.sector = f.sector[index]
        self.wage = float(f.wage[index])
        self.skill_required = float(f.skill_required[index])
        self.slots = int(f.slots[index])
        self.market = bool(f.market[index])
        self.love_slots = 0
        self.filled = 0
        self.love_filled = 0
        self.capacity = self.slots
        self.love_open = False

    def vacancies(self) -> tuple[int, int]:
        """(regular, love) vacancies at this month's capacity. While no love-jobs
        policy is active, reserved slots are ordinary jobs."""
        if not self.love_open:
            return max(0, self.capacity - self.filled - self.love_filled), 0
        love_cap = min(self.love_slots, self.capacity)
        return max(0, self.capacity - love_cap - self.filled), max(0, love_cap - self.love_filled)


class Broker(mesa.Agent):
    """A queen-bee broker recruiting in one home county.

    Attributes:
        county: Home county index.
        weight: People this agent stands for (1 for listed brokers, people_per_agent
            for a promoted worker agent).
    """

    def __init__(self, model, bidx: int, county: int, weight: float) -> None:
        super().__init__(model)
        self.bidx = bidx
        self.county = county
        self.weight = weight
        self.recruits = 0

    def recruit(self, m, candidates: list, capacity_people: float, p_accept: tuple[float, float], u_cap: float) -> list:
        """Recruit from home workers of the county (popped from the end of
        `candidates`): up to capacity, each accepting with probability
        p_accept[poor] (brokers are asked to reach registered-poor households)."""
        k = int(rules.stochastic_round(self.weight * capacity_people / self.model.scale, u_cap))
        out = []
        while k > 0 and candidates:
            w = candidates.pop()
            if m.u["accept"][w.idx] < p_accept[int(w.poor)]:
                out.append(w)
                k -= 1
        self.recruits += len(out)
        return out


class Worker(mesa.Agent):
    """A worker of the mobile labor pool of one county."""

    def __init__(self, model, idx: int, county: int, poor: bool, skill: float) -> None:
        super().__init__(model)
        self.idx = idx
        self.county = county
        self.poor = poor
        self.skill = skill
        self.place = HOME
        self.festival_from = -1
        self.visit_step = -1
        self.firm: Employer | None = None
        self.love_job = False
        self.tenure = 0  # months in the current job
        self.spell_months = 0  # months in the current Ningbo spell
        self.months_seeking = 0
        self.spell = -1  # row in the spell log (-1: spell began before the run)
        self.prior_spells = 0
        self.trained = False
        self.liaison = False
        self.broker = False
        self.organized = False
        self.is_broker = False
        self.subsidy_paid = False
        self.cliff = False

    # ---- state changes ------------------------------------------------------------
    def leave_job(self) -> None:
        """Give up the job slot."""
        if self.firm is not None:
            if self.love_job:
                self.firm.love_filled -= 1
            else:
                self.firm.filled -= 1
        self.firm, self.love_job, self.tenure = None, False, 0

    def leave_ningbo(self, step: int, place: int, reason: str) -> None:
        """End the Ningbo spell and go to `place` (home or another region)."""
        self.leave_job()
        self.model.spells.close([self.spell], step, EXITS.index(reason))
        self.place, self.spell, self.spell_months = place, -1, 0
        self.trained = self.liaison = self.broker = self.organized = False
        self.prior_spells += 1

    def arrive_ningbo(self, step: int, channel: str) -> None:
        """Start a Ningbo spell as a job seeker."""
        self.place, self.months_seeking, self.spell_months = SEEKING, 0, 0
        self.spell = int(self.model.spells.open(step, [self.county], [self.poor], [CHANNELS.index(channel)])[0])
        self.broker = channel == "broker"

    def take_job(self, firm: Employer, love: bool) -> None:
        """Fill a slot (a love-job slot if `love`)."""
        self.firm, self.love_job, self.tenure, self.place = firm, love, 0, JOB
        if love:
            firm.love_filled += 1
            self.model.spells.mark_support([self.spell], "love_job")
        else:
            firm.filled += 1

    def wage(self) -> float:
        """Monthly pay including a love-job top-up."""
        floor = max((lj.cfg.wage_floor_yuan_month for lj in self.model.love_jobs), default=0.0)
        return max(self.firm.wage, floor) if self.love_job else self.firm.wage

    # ---- monthly decisions (design.md step 5) --------------------------------------
    def decide(self, m) -> None:
        """Dispatch on the worker's place."""
        {
            HOME: self.decide_home,
            LOCAL: self.decide_local,
            SEEKING: self.decide_seeking,
            JOB: self.decide_job,
            PRD: self.decide_prd,
            OTHER: self.decide_other,
            FESTIVAL: self.decide_festival,
        }[self.place](m)

    def _depart(self, m, p_depart: float) -> None:
        """Set out with probability p_depart: Ningbo (queued for travel) or the PRD."""
        i, rec = self.idx, self.model.recorder
        if m.u["depart"][i] >= p_depart:
            return
        org = bool(m.organized_open[self.county])
        if m.u["destination"][i] < m.p_ningbo[self.county, int(self.poor), int(org)]:
            m.want_ningbo.append((self, "new"))
        elif self.model.own_travel_ok(m, i):
            self.place = PRD
            rec.flow("departures", self.county, self.poor)
            rec.flow("to_prd", self.county, self.poor)
        else:
            rec.flow("blocked_by_lockdown", self.county, self.poor)

    def decide_home(self, m) -> None:
        """At home: find a local job, or set out (departure rule)."""
        if m.u["local"][self.idx] < self.model.b.away.p_find_local_job_month:
            self.place = LOCAL
            return
        self._depart(m, m.p_depart_home[self.county, int(self.poor)])

    def decide_local(self, m) -> None:
        """In a local job: lose it, or set out."""
        if m.u["local"][self.idx] < self.model.b.away.p_lose_local_job_month:
            self.place = HOME
            return
        self._depart(m, m.p_depart_local[self.county, int(self.poor)])

    def decide_seeking(self, m) -> None:
        """Seeking a job in Ningbo: give up and go home after the first month."""
        self.months_seeking += 1
        if self.months_seeking > 1 and m.u["give_up"][self.idx] < self.model.b.away.p_give_up_search_month:
            self.model.recorder.flow("gave_up_search", self.county, self.poor)
            self.model.recorder.flow("return_home", self.county, self.poor)
            self.leave_ningbo(m.info.step, HOME, "gave_up_search")

    def quit_hazard(self) -> float:
        """This month's quit hazard from the rules."""
        prd_wage = self.model.sc.places.prd.wage_yuan_month
        return float(
            rules.quit_hazard(
                self.tenure,
                self.trained,
                self.liaison,
                self.broker,
                self.subsidy_paid,
                self.cliff,
                rules.skill_mismatch(self.skill, self.firm.skill_required),
                prd_wage / self.wage(),
                self.poor,
                self.model.b.quit_hazard,
            )
        )

    def decide_job(self, m) -> None:
        """Employed: quit with the hazard; a quit leads to another Ningbo job, home or
        another region; secret quits forfeit the month's pay and subsidy."""
        i, step, rec = self.idx, m.info.step, self.model.recorder
        if m.u["quit"][i] >= self.quit_hazard():
            return
        secret = m.u["secret"][i] < self.model.b.quit_outcome.secret
        outcome = int(rules.quit_outcome(m.u["quit_outcome"][i], self.liaison, self.model.b.quit_outcome))
        rec.flow("quits", self.county, self.poor)
        if secret:
            rec.flow("secret_quits", self.county, self.poor)
        else:
            self.model.final_subsidy(step, self)
        self.model.spells.end_first_job([self.spell], step)
        if outcome == rules.NEXT_NINGBO_JOB:
            rec.flow("job_changes", self.county, self.poor)
            self.leave_job()
            self.place, self.months_seeking = SEEKING, 0
        elif outcome == rules.RETURN_HOME:
            rec.flow("return_home", self.county, self.poor)
            self.leave_ningbo(step, HOME, "return_home")
        else:
            rec.flow("to_other_region", self.county, self.poor)
            self.leave_ningbo(step, OTHER, "other_region")

    def decide_prd(self, m) -> None:
        """In the PRD: go home, or move on to Ningbo (the 'magnet effect')."""
        a, u = self.model.b.away, m.u["prd"][self.idx]
        if u < a.p_prd_return_home_month:
            self.place = HOME
        elif u < a.p_prd_return_home_month + a.p_prd_to_ningbo_month:
            m.want_ningbo.append((self, "from_prd"))

    def decide_other(self, m) -> None:
        """In another region: come home with a small monthly probability."""
        if m.u["other"][self.idx] < self.model.b.away.p_other_region_return_month:
            self.place = HOME

    def decide_festival(self, m) -> None:
        """Home for the Spring Festival: go back, stay home for good, or wait."""
        if self.visit_step >= m.info.step:
            return
        d = int(rules.festival_decision(m.u["festival"][self.idx], self.model.b.away))
        rec = self.model.recorder
        if d == 1:
            if self.festival_from == JOB:
                m.want_ningbo.append((self, "back"))
            elif self.model.own_travel_ok(m, self.idx):
                self.place = self.festival_from
                rec.flow("festival_back", self.county, self.poor)
            else:
                rec.flow("blocked_by_lockdown", self.county, self.poor)
        elif d == 2:
            rec.flow("festival_stay", self.county, self.poor)
            if self.festival_from == JOB:
                rec.flow("return_home", self.county, self.poor)
                self.leave_ningbo(m.info.step, HOME, "festival_stay")
            self.place = HOME
