"""Engine `arrays`: workers are rows of the model's typed table, visited by
compiled kernels; employers and brokers stay `mesa.Agent` objects (they are few).

Each month the transition kernels (`array_kernels.calendar_lists`,
`decide_rows`) apply the same per-worker functions the Mesa agents apply to
their own rows; matching runs in a few vectorized rounds (see `match_phase`).
"""

from __future__ import annotations

import numpy as np

from ..heap import release_free_memory
from ..model import LaborModel, Month, choice_weights
from ..table import column
from ..transitions import N_OUT
from .array_kernels import calendar_lists, decide_rows, match_rounds, rows_by_leaders

MATCH_ROUNDS = 50  # cap; rounds go on while someone is hired (a full market takes a few)
SCORE_CACHE_MAX = 2_000_000  # cells (8 bytes each) of the kept exp(score) rows, groups x firms


class ArraysModel(LaborModel):
    """Whole-table engine for large populations."""

    engine = "arrays"

    def init_workers(self) -> None:
        """One reusable index buffer: who is where, then this month's job seekers.
        The set-up's temporaries (the initial population's columns, several bytes
        per worker) go back to the system rather than stay in the C heap."""
        self._lists = np.empty(self.n_workers, np.int32)
        release_free_memory()

    def queue_capacity(self) -> int:
        """Small travel and quit queues; `visit_decide` grows them when a month needs more."""
        return max(256, self.n_workers // 32)

    def visit_calendar(self, m: Month) -> None:
        m.leaders, m.retained = self.count_arrays()
        args = self.table, m.facts, self.P, m.keys, self.recorder.counts, self._lists, m.leaders, m.retained
        nj, nh = calendar_lists(*args)
        m.employed = self._lists[:nj]  # views: valid until the decide kernel lists the seekers here
        m.at_home = self._lists[nh:]

    def visit_decide(self, m: Month) -> None:
        """`decide_row` for every worker not skipped (growing the queues when full);
        counts the month's stocks in the same pass (the phases after it report
        their moves through `Recorder.moving`) and lists the job seekers after
        their decisions for the match phase."""
        nseek = np.zeros(1, np.int64)
        counted = self.recorder.start_running()
        i = 0
        while True:
            i = decide_rows(i, m.skip, *self.kernel_args(m), self._lists, nseek, self.b.stable_min_months, *counted)
            if i == self.n_workers:
                break
            grown = np.zeros((N_OUT, 2 * self._out.shape[1]), np.int32)
            grown[:, : self._out.shape[1]] = self._out
            self._out = grown
        m.seeking = self._lists[: nseek[0]]

    def seekers_in_order(self, step: int) -> np.ndarray:
        """As `LaborModel.seekers_in_order`, from the seekers listed by the decide
        kernel and this month's arrivals (no pass over the table)."""
        m = getattr(self, "month", None)
        if m is None or m.info.step != step or m.seeking is None or m.arrived is None:
            return super().seekers_in_order(step)
        seek = np.union1d(m.seeking, m.arrived).astype(np.int64)
        return self.order_seekers(step, seek)

    def match_phase(self, m: Month) -> None:
        """Seekers meet vacancies in rounds: organized and broker recruits first
        (their rounds end before the others start), then the rest, each in the
        month's random order. In each round every seeker
        still looking draws a firm with probability proportional to vacancies x
        exp(score); each firm takes its choosers in order up to its vacancies,
        registered-poor choosers filling love-job slots first. Rounds go on until
        no one is hired, so as in the agents engine nobody stays unmatched while
        a job they could take is open."""
        step = m.info.step
        seek = self.seekers_in_order(step)
        if len(seek) == 0:
            return
        vac = self.vacancies()
        pri = organized_or_broker(self.table, seek)
        hired_first = []
        for tier in (seek[pri], seek[~pri]):  # the priority tier takes its pick first, as in the agents engine
            hired_first += self._match_rounds(step, tier, vac)
        if hired_first:
            self.train_first_hires(step, np.concatenate(hired_first))

    def _match_rounds(self, step: int, seek: np.ndarray, vac: np.ndarray) -> list[np.ndarray]:
        """Rounds of choosing and accepting for seekers `seek` (in order), compiled
        (`array_kernels.match_rounds`); updates `vac`; returns the first hires.

        Seekers with the same (county, organized, poor, skill) share one row of
        weights, so the work is (groups x firms) + (seekers x log), linear in
        the number of seekers (skill is kept to 1/100, see `initial_workers`).
        """
        n = len(seek)
        if n == 0:
            return []
        t = self.table[seek]
        org = organized_or_broker(self.table, seek)
        key = ((t["county"].astype(np.int64) * 2 + org) * 2 + t["poor"]) * 101 + np.rint(t["skill"] * 100).astype(
            np.int64
        )
        groups, g0 = np.unique(key, return_inverse=True)
        poor = (groups // 101 % 2).astype(bool)
        E = self._exp_scores(groups, len(vac))
        rkeys = np.array(
            [self.streams.key(f"match:{r}" if r else "match", step) for r in range(MATCH_ROUNDS)], np.uint64
        )
        G, F = E.shape
        ws = [np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.int8), np.empty((G, F))]
        ws += [np.empty(G), np.empty(G, np.bool_), np.empty(G, np.int64)]
        h_idx, h_firm, h_love = np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.bool_)
        nh = match_rounds(seek.astype(np.int64), g0.astype(np.int64), poor, E, vac, rkeys, *ws, h_idx, h_firm, h_love)
        if nh == 0:
            return []
        return [self.hire(step, h_idx[:nh], h_firm[:nh], h_love[:nh])]

    def _exp_scores(self, groups: np.ndarray, n_firms: int) -> np.ndarray:
        """exp(score) of `LaborModel.match_weights` per seeker group (rows) and firm.

        Scores depend only on the group, whether a team leader from the group's
        county works at the firm (`leader_firms`), and the month's other facts
        (`_score_facts`). So each group's two rows, without and with a team
        leader at every firm, are kept in a table by group key while those facts
        stay the same (computed for groups not seen yet), and each month's rows
        pick per firm the one its team leaders call for: the same numbers as
        computing the month's rows afresh (the leader term adds 0.0 or leader_pull)."""
        n_keys = 4 * len(self.world.county_names) * 101
        if n_keys * n_firms > SCORE_CACHE_MAX:  # many firms: no cache, this month's groups only
            return np.ascontiguousarray(np.broadcast_to(self._scores_of(groups), (len(groups), n_firms)))
        facts = self._score_facts()
        cache = getattr(self, "_scores", None)
        if cache is None or cache[0] != facts:  # pages of rows never computed stay unallocated
            cache = self._scores = (facts, np.zeros(n_keys, np.bool_), np.empty((2, n_keys, n_firms)))
        _, have, rows = cache
        new = groups[~have[groups]]
        if len(new):
            score, hires = self.match_score(*_group_columns(new))
            for lead in (0, 1):  # as match_weights with no team leader / one at every firm
                w = choice_weights(score, self.b.matching.leader_pull * float(lead), hires)
                rows[lead, new] = np.broadcast_to(w, (len(new), n_firms))
            have[new] = True
        out = np.empty((len(groups), n_firms))
        rows_by_leaders(rows, groups.astype(np.int64), n_keys // len(self.world.county_names), self.leader_firms, out)
        return out

    def _score_facts(self) -> tuple:
        """Everything `LaborModel.match_weights` reads besides the seeker group and
        the team leaders' firms: the firms' facts, the counties the program levers
        reach and the matching parameters."""
        f, mt = self.world.firms, self.b.matching
        arrays = (f.wage, f.skill_required, f.district, f.market, self.world.paired_district)
        params = (mt.pairing_bonus, mt.organized_pairing_bonus, mt.program_firm_bonus, mt.mismatch_penalty)
        params += (mt.wage_beta, mt.leader_pull, self.b.employers.hire_max_shortfall)
        reach = tuple(self.reach[lv].tobytes() for lv in sorted(self.reach))
        return tuple(np.asarray(a).tobytes() for a in arrays) + reach + params

    def _scores_of(self, keys: np.ndarray) -> np.ndarray:
        """exp(score) rows of seeker-group keys (county, organized, poor, skill) with
        this month's team leaders' firms."""
        return self.match_weights(*_group_columns(keys), 1.0)


def _group_columns(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(skill, county, organized) columns, shaped (n, 1), of seeker-group keys
    ((county x 2 + organized) x 2 + poor) x 101 + skill x 100."""
    skill = (keys % 101 / 100.0)[:, None]
    organized = (keys // 202 % 2).astype(bool)[:, None]
    county = (keys // 404)[:, None]
    return skill, county, organized


def organized_or_broker(table: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Per worker of `idx`: came by organized transport or through a broker (this spell)."""
    return column(table, "organized", idx) | column(table, "broker", idx)
