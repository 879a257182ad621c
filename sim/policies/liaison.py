"""Liaison staff (驻厂人员) follow workers in the firms.

Rule: staff * workers_per_liaison places are shared among eligible employed
workers; a worker is covered when its persistent rank (a uniform drawn once)
is below coverage = places / eligible workers. Covered workers quit less and,
when they quit, are re-matched in Ningbo more often. Salaries are paid monthly.
"""

from __future__ import annotations

import math

import numpy as np

from ..jit import kernel, rule
from ..schema.policies import LiaisonPolicy
from .base import Effects, Policy


@rule
def _eligible(j, county, poor, district, ok_group, ok_district):
    """Whether shown worker j is eligible (`Policy.eligible_codes`: by county and
    registration; by district unless every district is)."""
    d = district[j]
    return ok_group[2 * county[j] + poor[j]] and ((len(ok_district) == 0) or (d >= 0 and ok_district[d]))


@kernel
def _count_eligible(county, poor, district, ok_group, ok_district):
    """How many of the workers shown are eligible."""
    n = 0
    for j in range(len(county)):
        n += _eligible(j, county, poor, district, ok_group, ok_district)
    return n


@kernel
def _cover(idx, county, poor, district, ok_group, ok_district, hi, cut, mult, covered, hazard, ties):
    """covered[j]: eligible shown worker j whose persistent rank is below the cut
    (ranks and cut as 24-bit integers, see `Liaison`): decided by the rank's high
    16 bits `hi` unless they equal the cut's; hazard[j]: `mult` if covered, else 1.
    Eligible workers whose high bits equal the cut's are left uncovered and
    listed in `ties`; returns how many there are."""
    cut_hi = cut >> 8
    nt = 0
    for j in range(len(idx)):
        covered[j] = False
        if _eligible(j, county, poor, district, ok_group, ok_district):
            h = int(hi[idx[j]])
            if h == cut_hi:
                ties[nt] = j
                nt += 1
            else:
                covered[j] = h < cut_hi
        hazard[j] = mult if covered[j] else 1.0
    return nt


class Liaison(Policy):
    """Assigns coverage each month and pays staff salaries. Effect on quitting:
    x behavior.quit_hazard.liaison while covered.

    Each worker's persistent rank is a float32 uniform (k / 2**24, k a 24-bit
    integer) drawn once from the stream `liaison_rank`, in worker order. Only
    the high 16 bits of k are kept (2 bytes a worker, not 4); the low 8 bits
    matter only for a worker whose high bits equal the cut's (a few a month) and
    are drawn again for them from the stream's starting state (`_low_bits`)."""

    schema = LiaisonPolicy

    def __init__(self, name, cfg, world) -> None:
        super().__init__(name, cfg, world)
        gen = world.streams["liaison_rank"]
        self._start = gen.bit_generator.state  # to draw a rank's low bits again
        n = world.n_workers
        self.hi = np.empty(n, np.uint16)
        for a in range(0, n, 1 << 16):  # in blocks: the same draws, without a float32 array over every worker
            u = gen.random(min(n - a, 1 << 16), dtype=np.float32)
            self.hi[a : a + len(u)] = (u * np.float32(2**16)).astype(np.uint16)  # exact: k / 2**8, truncated

    def _low_bits(self, i: np.ndarray) -> np.ndarray:
        """Low 8 bits of the 24-bit ranks of workers `i`: numpy's float32 uniform is
        the high 24 bits of a 32-bit half (worker i: the low half of 64-bit output
        i // 2 if i is even, else the high half), so one output drawn again from
        the starting state gives them."""
        out = np.empty(len(i), np.int64)
        held = self._start["has_uint32"]  # a half left over from earlier draws goes to worker 0
        for k, w in enumerate(i.tolist()):
            if held and w == 0:
                half = self._start["uinteger"]
            else:
                bg = np.random.PCG64(0)  # its state is replaced at once: no draw of its own
                bg.state = self._start
                bg.advance((w - held) // 2)
                x = int(bg.random_raw())
                half = (x >> 32) if (w - held) % 2 else (x & 0xFFFFFFFF)
            out[k] = (half >> 8) & 0xFF
        return out

    def employed_month(self, step: int, w: dict) -> Effects:
        """Cover a share of the eligible employed workers this month."""
        covered, hazard = self.covered(step, w)
        return Effects(hazard=hazard, hazard_key="liaison", covered=covered, support="liaison", marked=covered)

    def covered(self, step: int, w: dict) -> tuple[np.ndarray, np.ndarray]:
        """Coverage mask over employed workers `w` (by their persistent rank: below
        the coverage, compared in float32 as numpy compares a float32 rank with a
        Python float), and the quit-hazard multiplier it gives them."""
        n = len(w["idx"])
        if not self.active(step) or n == 0 or self.cfg.staff == 0:
            return np.zeros(n, dtype=bool), np.ones(n)
        paid = self.pay_lump(step, "salaries", self.cfg.staff * self.cfg.salary_yuan_month)
        if paid == 0 and self.cfg.salary_yuan_month > 0:
            return np.zeros(n, dtype=bool), np.ones(n)
        codes = self.eligible_codes()
        people = _count_eligible(w["county"], w["poor"], w["district"], *codes) * self.world.scale
        coverage = min(1.0, self.cfg.staff * self.cfg.workers_per_liaison / people) if people else 0.0
        return self.below(w, coverage, codes)

    def below(self, w: dict, coverage: float, codes: tuple | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Eligible workers of `w` whose rank is below `coverage` (compared in float32),
        and the quit-hazard multiplier that gives them (`codes`: `eligible_codes()`,
        if the caller has them)."""
        n = len(w["idx"])
        cols = (w["county"], w["poor"], w["district"], *(codes or self.eligible_codes()))
        cut = math.ceil(float(np.float32(coverage)) * 2**24)  # rank k / 2**24 < coverage (float32) iff k < cut
        covered, hazard = np.empty(n, bool), np.empty(n)
        mult = self.world.behavior.quit_hazard.liaison
        ties = np.empty(n, np.int32)
        nt = _cover(w["idx"], *cols, self.hi, cut, mult, covered, hazard, ties)
        tie = ties[:nt][self._low_bits(w["idx"][ties[:nt]]) < (cut & 0xFF)]
        covered[tie] = True
        hazard[tie] = mult
        return covered, hazard
