"""Engine `agents`: every worker, employer and broker is a `mesa.Agent`.

The readable reference and the teaching view: each month every `Worker` agent
applies the transitions to its own row, in Mesa's shuffled order, and matching
walks the seekers one by one.
"""

from __future__ import annotations

import numpy as np

from ..agents import Worker
from ..model import LaborModel, Month
from ..table import cell


class AgentsModel(LaborModel):
    """Mesa agents engine."""

    engine = "agents"

    def init_workers(self) -> None:
        """One `Worker` agent per row of the worker table."""
        self.workers: list[Worker] = [Worker(self, i) for i in range(self.n_workers)]
        self.worker_set = self.agents_by_type[Worker]

    def visit_calendar(self, m: Month) -> None:
        self.month = m
        for w in self.workers:
            w.calendar()

    def visit_decide(self, m: Month) -> None:
        self.month = m
        self.worker_set.shuffle_do("step")

    def match_phase(self, m: Month) -> None:
        """Seekers in order (organized and broker recruits first): each picks a firm
        with probability proportional to vacancies x exp(score) and takes it at
        once; registered-poor seekers take a love-job slot there if one is open."""
        step, t = m.info.step, self.table
        u = self.streams.monthly("match", step, self.n_workers)
        vac = self.vacancies().astype(float)
        first = []
        for i in self.seekers_in_order(step):
            poor = bool(t["poor"][i])
            avail = vac[:, 0] + (vac[:, 1] if poor else 0.0)
            org = bool(cell(t, i, "organized") or cell(t, i, "broker"))
            weights = self.match_weights(float(t["skill"][i]), int(t["county"][i]), org, avail)
            total = weights.sum()
            if total <= 0:
                continue
            k = min(int(np.searchsorted(np.cumsum(weights) / total, u[i], side="right")), len(weights) - 1)
            love = poor and vac[k, 1] > 0
            vac[k, 1 if love else 0] -= 1
            first.append(self.hire(step, np.array([i]), np.array([k]), np.array([love])))
        if first:
            self.train_first_hires(step, np.concatenate(first))
