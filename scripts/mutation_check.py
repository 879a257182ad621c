"""Mutation check: does the engine-equivalence test catch a change to one engine?

Each mutant below changes one engine only (a subclass of its model overriding
what that engine alone does: how it visits workers and how it matches). Each is
run through `tests/integration/test_engine_equivalence.compare` against the
other, unchanged engine on a long baseline case (past the month seekers pile
up); a mutant is *caught* when at least one compared metric differs.

Changes to behavior rules cannot be made in one engine: the transitions
(`sim/transitions.py`), rules (`sim/rules.py`), policies and the shared phases
(`sim/model.py`) are one source both engines run. The table lists the one-engine
changes tried on the old two-copy engines as "impossible by construction".

Usage: python scripts/mutation_check.py [--seeds 8] [--months 26] [--people-per-agent 40]
Prints a Markdown table; exits 1 if any mutant escaped.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration"))

from test_engine_equivalence import compare  # noqa: E402

from sim import load_scenario  # noqa: E402
from sim.engines import arrays as arrays_mod  # noqa: E402
from sim.engines.agents import AgentsModel  # noqa: E402
from sim.engines.arrays import ArraysModel  # noqa: E402
from sim.states import PRD  # noqa: E402


class ArraysTenthNeverDecides(ArraysModel):
    """arrays: every tenth worker skips the decision phase."""

    def visit_decide(self, m):
        m.skip[::10] = True
        super().visit_decide(m)


class AgentsNoCalendarInPrd(AgentsModel):
    """agents: workers in the PRD skip the calendar (no festival visits from there)."""

    def visit_calendar(self, m):
        self.month = m
        for w in self.workers:
            if w.place != PRD:
                w.calendar()


class ArraysOneMatchRound(ArraysModel):
    """arrays: one matching round instead of four."""

    def match_phase(self, m):
        old, arrays_mod.MATCH_ROUNDS = arrays_mod.MATCH_ROUNDS, 1
        try:
            super().match_phase(m)
        finally:
            arrays_mod.MATCH_ROUNDS = old


class AgentsNoLoveJobs(AgentsModel):
    """agents: matching never uses love-job slots."""

    def vacancies(self):
        v = super().vacancies()
        v[:, 1] = 0
        return v


class AgentsDecideTwice(AgentsModel):
    """agents: seekers decide twice a month (give up twice as often)."""

    def visit_decide(self, m):
        super().visit_decide(m)
        for w in self.workers:
            if w.place == 2 and not m.skip[w.idx]:
                w.step()


class ArraysSkillBlindMatching(ArraysModel):
    """arrays: matching ignores skill mismatch (every seeker counts as fully skilled)."""

    def match_score(self, skill, county, organized):
        return super().match_score(np.ones_like(np.asarray(skill, float)), county, organized)


class ArraysNoPriority(ArraysModel):
    """arrays: organized and broker recruits get no priority in matching."""

    def match_phase(self, m):
        step = m.info.step
        seek = self.seekers_in_order(step)
        seek = seek[np.argsort(self.streams.uniforms("match_order", step, seek), kind="stable")]
        first = self._match_rounds(step, seek, self.vacancies())
        if first:
            self.train_first_hires(step, np.concatenate(first))


MUTANTS = [
    (ArraysTenthNeverDecides, "agents"),
    (AgentsNoCalendarInPrd, "arrays"),
    (ArraysOneMatchRound, "agents"),
    (AgentsNoLoveJobs, "arrays"),
    (AgentsDecideTwice, "arrays"),
    (ArraysSkillBlindMatching, "agents"),
    (ArraysNoPriority, "agents"),
]

BY_CONSTRUCTION = [
    "seekers give up in their first month (one engine): rule in sim/transitions.py `seeking`",
    "job news without its lag (one engine): sim/model.py `_smooth_chance`",
    "quit hazard x1.3 (one engine): sim/rules.py `quit_hazard` via sim/transitions.py `employed`",
    "secret quits keep the final subsidy (one engine): sim/transitions.py `employed` + model `decide_phase`",
    "festival go-back without the lockdown check (one engine): sim/transitions.py `on_festival_visit`",
    "a flow counted in one engine only: flows are counted in sim/transitions.py and sim/model.py",
    "a policy paid in one engine only: policies are called by sim/model.py hooks",
]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument("--months", type=int, default=26)
    ap.add_argument("--people-per-agent", type=float, default=40)
    a = ap.parse_args(argv)
    sc = load_scenario(
        "teaching_small", {"population": {"people_per_agent": a.people_per_agent}, "calendar": {"months": a.months}}
    )
    seeds = range(a.seeds)
    print(f"teaching_small at {a.people_per_agent:g} people per agent, {a.months} months, {a.seeds} seeds per engine\n")
    print("| one-engine change | caught | metrics that differ |")
    print("|---|---|---|")
    escaped = 0
    for cls, other in MUTANTS:
        engines = (other, cls) if other == "agents" else (cls, other)
        table = compare(sc, seeds=seeds, engines=engines)
        bad = list(table.index[~table["ok"]])
        escaped += not bad
        print(f"| {cls.__doc__} | {'yes' if bad else 'NO'} | {', '.join(bad[:6])}{' ...' if len(bad) > 6 else ''} |")
    for text in BY_CONSTRUCTION:
        print(f"| {text} | impossible by construction | - |")
    return 1 if escaped else 0


if __name__ == "__main__":
    sys.exit(main())
