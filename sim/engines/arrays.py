"""Engine `arrays`: workers are rows of the model's typed table, visited by
compiled kernels; employers and brokers stay `mesa.Agent` objects (they are few).

Each month the transition kernels (`sim.transitions.calendar_all`,
`decide_all`) apply the same per-worker functions the Mesa agents apply to
their own rows; matching runs in a few vectorized rounds (see `match_phase`).
"""

from __future__ import annotations

import numpy as np

from ..model import LaborModel, Month
from ..transitions import calendar_all, decide_all

MATCH_ROUNDS = 50  # cap; rounds go on while someone is hired (a full market takes a few)


class ArraysModel(LaborModel):
    """Whole-table engine for large populations."""

    engine = "arrays"

    def visit_calendar(self, m: Month) -> None:
        calendar_all(self.table, m.facts, self.P, m.keys, self.recorder.counts)

    def visit_decide(self, m: Month) -> None:
        decide_all(m.skip, *self.kernel_args(m))

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
        pri = self.table["organized"][seek] | self.table["broker"][seek]
        hired_first = []
        for tier in (seek[pri], seek[~pri]):  # the priority tier takes its pick first, as in the agents engine
            hired_first += self._match_rounds(step, tier, vac)
        if hired_first:
            self.train_first_hires(step, np.concatenate(hired_first))

    def _match_rounds(self, step: int, seek: np.ndarray, vac: np.ndarray) -> list[np.ndarray]:
        """Rounds of choosing and accepting for seekers `seek` (in order); updates
        `vac`; returns the first hires of each round."""
        hired_first = []
        for r in range(MATCH_ROUNDS):
            if len(seek) == 0 or vac.sum() == 0:
                break
            u = self.streams.uniforms(f"match:{r}" if r else "match", step, seek)
            choice = self._choose_firms(seek, vac, u)
            took, love = self._accept(seek, choice, vac)
            hired_first.append(self.hire(step, seek[took], choice[took], love))
            seek = seek[~took]
            if not took.any():
                break  # what is left fits no one still looking (e.g. love jobs only)
        return hired_first

    def _choose_firms(self, seek: np.ndarray, vac: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Each seeker's firm (or -1) by inverse CDF over `LaborModel.match_weights`.

        Seekers with the same (county, organized, poor, skill) share one row of
        weights, so the work is (groups x firms) + (seekers x log), linear in
        the number of seekers (skill is kept to 1/100, see `initial_workers`).
        """
        t = self.table[seek]
        org = t["organized"] | t["broker"]
        key = ((t["county"].astype(np.int64) * 2 + org) * 2 + t["poor"]) * 101 + np.rint(t["skill"] * 100).astype(
            np.int64
        )
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
        lp = np.flatnonzero((choice >= 0) & self.table["poor"][seek])
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
