"""The brokers' state: one row per broker of a growable typed array.

Brokers are Mesa agents (`sim.agents.Broker`) in both engines; like a `Worker`
on the worker table, a `Broker` is a view on its row here, so the month's news
of every broker's recruits is one numpy update over all rows (`hear_news`)
rather than a Python call per broker.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .schema.behavior import Brokers as BrokerBehavior

BROKER_DTYPE = np.dtype(
    [
        ("county", np.int64),  # home county index
        ("weight", np.float64),  # people the agent stands for (1: listed broker; people_per_agent: promoted)
        ("reach", np.float64),  # multiplier of the recruiting capacity (`hear_news`)
        ("active", np.bool_),  # False once the broker has left
        ("placed", np.int64),  # running totals, in agents
        ("retained_months", np.int64),
        ("failures", np.int64),
    ]
)


class BrokerBook:
    """Every broker's row (`rows`: the first `n` of a store that doubles when full).
    A broker is added by making its agent (`sim.agents.Broker`), so `n` is also the
    number of broker agents; arrays per broker are sized by `n`."""

    def __init__(self) -> None:
        self._store = np.zeros(16, BROKER_DTYPE)
        self.n = 0

    @property
    def rows(self) -> np.ndarray:
        """The brokers' rows (a view: writes go to the book)."""
        return self._store[: self.n]

    def add(self, county: int, weight: float) -> int:
        """A new broker of `county` standing for `weight` people, at full reach; its row index."""
        if self.n == len(self._store):
            grown = np.zeros(2 * len(self._store), BROKER_DTYPE)
            grown[: self.n] = self._store
            self._store = grown
        self._store[self.n] = (county, weight, 1.0, True, 0, 0, 0)
        self.n += 1
        return self.n - 1

    def place(self, brokers: np.ndarray) -> None:
        """One placement for each entry of `brokers` (row indices, repeats allowed)."""
        np.add.at(self._store["placed"], brokers, 1)

    def capacity_weights(self) -> np.ndarray:
        """Per broker: people x reach, 0 once the broker has left."""
        r = self.rows
        return r["weight"] * r["reach"] * r["active"]

    def hear_news(
        self, retained: np.ndarray, failures: np.ndarray, u_leave: np.ndarray, scale: float, mb: BrokerBehavior
    ) -> None:
        """A month's news of each active broker's recruits (`retained`: agents in a
        Ningbo job; `failures`: recruits who left Ningbo early): reach += gain x
        retained - loss x failures, per person the broker stands for, within
        [reach_min, reach_max] (behavior.brokers, ASSUMPTION); then the broker
        leaves if its draw `u_leave` is below p_leave_month, or below
        p_leave_low_reach_month at the lowest reach. Brokers who left hear nothing."""
        r = self.rows
        act = r["active"].copy()
        r["retained_months"] += np.where(act, retained, 0)
        r["failures"] += np.where(act, failures, 0)
        people = scale / r["weight"]
        gain = mb.reach_gain_per_retained_month * retained - mb.reach_loss_per_failure * failures
        reach = np.minimum(np.maximum(r["reach"] + people * gain, mb.reach_min), mb.reach_max)
        r["reach"] = np.where(act, reach, r["reach"])
        p_leave = np.where(reach <= mb.reach_min, mb.p_leave_low_reach_month, mb.p_leave_month)
        r["active"] = act & ~(u_leave.astype(np.float64) < p_leave)

    def table(self, county_names: list[str]) -> pd.DataFrame:
        """One row per broker: id, home county, listed or promoted, active, reach."""
        r = self.rows
        return pd.DataFrame(
            {
                "broker_id": np.arange(self.n),
                "county": [county_names[c] for c in r["county"]],
                "promoted": r["weight"] != 1.0,
                "active": r["active"].copy(),
                "reach": r["reach"].copy(),
            },
            columns=["broker_id", "county", "promoted", "active", "reach"],
        )
