"""Monthly counts of stocks and flows by county and registered-poor status.

Counts are made in the step (bincounts), never from per-worker history, and
reported in people (agents times people per agent).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from .states import PLACE_LABELS

FLOWS = (
    "departures",
    "to_prd",
    "arrivals_ningbo",
    "arrivals_own",
    "arrivals_organized",
    "arrivals_broker",
    "arrivals_from_prd",
    "hires",
    "quits",
    "secret_quits",
    "job_changes",
    "return_home",
    "to_other_region",
    "gave_up_search",
    "festival_visits",
    "festival_back",
    "festival_stay",
    "blocked_by_lockdown",
    "promoted_brokers",
)


class Recorder:
    """Collects flows during a step and stocks at its end."""

    def __init__(self, n_counties: int, scale: float) -> None:
        self.nc = n_counties
        self.scale = scale
        self._flows: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(2 * n_counties))
        self.rows: list[dict] = []

    def _groups(self, county, poor) -> np.ndarray:
        return np.bincount(
            np.asarray(county, dtype=np.int64) * 2 + np.asarray(poor, dtype=np.int64), minlength=2 * self.nc
        )

    def flow(self, name: str, county, poor) -> None:
        """Add one count per agent (county, poor) to flow `name`."""
        if name not in FLOWS:
            raise KeyError(f"unknown flow {name!r}")
        if np.size(county):
            self._flows[name] += self._groups(np.atleast_1d(county), np.atleast_1d(poor))

    def close_month(self, step: int, label: str, place, county, poor, stable) -> None:
        """Record stocks (place x county x poor) and this step's flows, then reset flows."""
        place = np.asarray(place, dtype=np.int64)
        g = np.asarray(county, dtype=np.int64) * 2 + np.asarray(poor, dtype=np.int64)
        stocks = np.bincount(place * 2 * self.nc + g, minlength=len(PLACE_LABELS) * 2 * self.nc)
        stocks = stocks.reshape(len(PLACE_LABELS), 2 * self.nc)
        stable_c = np.bincount(g[np.asarray(stable, dtype=bool)], minlength=2 * self.nc)
        for k in range(2 * self.nc):
            row = {"step": step, "month": label, "county": k // 2, "poor": bool(k % 2)}
            for p, name in enumerate(PLACE_LABELS):
                row[name] = stocks[p, k] * self.scale
            row["stable_employed"] = stable_c[k] * self.scale
            for f in FLOWS:
                row[f] = self._flows[f][k] * self.scale if f in self._flows else 0.0
            self.rows.append(row)
        self._flows.clear()

    def table(self, county_names: list[str]) -> pd.DataFrame:
        """Tidy monthly table: one row per (month, county, poor)."""
        df = pd.DataFrame(self.rows)
        df["county"] = [county_names[c] for c in df["county"]]
        return df
