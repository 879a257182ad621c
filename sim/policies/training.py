"""Training: pre-departure courses for organized recruits (vocational schools,
e.g. Yuyao's electrical machinery) or in-firm training for newcomers.

Rule: an eligible worker at the training stage is trained with probability
`coverage`; each trainee costs `cost_yuan_per_trainee`. Trained workers' quit
hazard is lowered in their first months (behavior.quit_hazard.training).
"""

from __future__ import annotations

import numpy as np

from ..schema.policies import TrainingPolicy
from .base import Effects, Policy


class Training(Policy):
    """Trains a share of eligible workers at one stage: on arrival in Ningbo
    (`pre_departure`) or at the first hire of a spell (`in_firm`)."""

    schema = TrainingPolicy

    def on_arrival(self, step: int, w: dict) -> Effects | None:
        """Pre-departure training of this month's arrivals."""
        return self._effects(step, "pre_departure", w)

    def on_hire(self, step: int, w: dict) -> Effects | None:
        """In-firm training of this month's first hires."""
        return self._effects(step, "in_firm", w)

    def _effects(self, step: int, stage: str, w: dict) -> Effects | None:
        if self.cfg.stage != stage or len(w["idx"]) == 0:
            return None
        u = self.world.streams.uniforms(f"training:{stage}", step, w["idx"])
        got = self.train(step, stage, w, u)
        return Effects(trained=got, support="trained", marked=got)

    def train(self, step: int, stage: str, w: dict, u: np.ndarray) -> np.ndarray:
        """Which of the workers `w` (at `stage`) get trained this step; pays for them."""
        n = len(w["idx"])
        if not self.active(step) or self.cfg.stage != stage or n == 0:
            return np.zeros(n, dtype=bool)
        pick = self.eligible(w["county"], w["poor"], w.get("district")) & (u < self.cfg.coverage)
        sel = np.flatnonzero(pick)
        got = self.pay(
            step, "training", np.full(sel.size, self.cfg.cost_yuan_per_trainee), w["poor"][sel], w["county"][sel]
        )
        out = np.zeros(n, dtype=bool)
        out[sel[got]] = True
        return out
