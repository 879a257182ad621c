"""Organized transport: chartered buses, trains and flights from the counties
to the firms. Seats are limited per month; in lockdown months they are the only
way out (2020: Wangmo -> Yuyao convoy on 15 Feb; Cixi trains 21-23 Feb)."""

from __future__ import annotations

import numpy as np

from .. import rules
from ..schema.policies import TransportPolicy
from .base import Policy


class Transport(Policy):
    """Holds this month's seats (in agents) and charges per seat used."""

    schema = TransportPolicy

    def __init__(self, name, cfg, world) -> None:
        super().__init__(name, cfg, world)
        self.seats_left = 0

    def open_month(self, step: int) -> None:
        """Make this month's seats available (stochastic rounding to agents)."""
        u = self.world.streams.uniforms(f"seats:{self.name}", step, np.zeros(1, np.int64))[0]
        self.seats_left = 0
        if self.active(step):
            self.seats_left = int(rules.stochastic_round(self.cfg.seats_per_month / self.world.scale, u))

    def seats_on_offer(self, n_counties: int) -> np.ndarray:
        """Counties this policy serves while seats are left."""
        if self.seats_left <= 0:
            return np.zeros(n_counties, dtype=bool)
        return self.eligible(np.arange(n_counties), np.ones(n_counties, bool))

    def book_seats(self, step: int, county: np.ndarray, poor: np.ndarray) -> np.ndarray:
        """Give seats, in the order given, to eligible travellers; returns who got one."""
        n = len(county)
        out = np.zeros(n, dtype=bool)
        if self.seats_left <= 0 or n == 0:
            return out
        cand = np.flatnonzero(self.eligible(county, poor))[: self.seats_left]
        got = self.pay(step, "seats", np.full(cand.size, self.cfg.cost_yuan_per_seat), poor[cand], county[cand])
        out[cand[got]] = True
        self.seats_left -= int(got.sum())
        return out
