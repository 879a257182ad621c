"""Budget ledger: every yuan a policy pays is an entry (month, policy, payer,
worker group, county), and budget caps bind inside the run."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd


class Ledger:
    """Accumulates payments. Amounts are in yuan of the scenario's year and
    recipients in people (agents times people per agent)."""

    def __init__(self) -> None:
        self._rows: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0])
        self.total_yuan = 0.0

    def add(
        self,
        step: int,
        policy: str,
        payer: str,
        kind: str,
        amounts: np.ndarray,
        poor: np.ndarray,
        county: np.ndarray,
        scale: float,
    ) -> None:
        """Record payments `amounts` (yuan per agent) to agents with these groups."""
        amounts = np.asarray(amounts, dtype=np.float64)
        if amounts.size == 0:
            return
        poor = np.asarray(poor, dtype=np.int64)
        county = np.asarray(county, dtype=np.int64)
        keys = county * 2 + poor
        yuan = np.bincount(keys, weights=amounts, minlength=1) * scale
        count = np.bincount(keys, weights=(amounts > 0).astype(float), minlength=1) * scale
        for k in np.flatnonzero(count):
            row = self._rows[(step, policy, payer, kind, int(k // 2), bool(k % 2))]
            row[0] += float(yuan[k])
            row[1] += float(count[k])
            self.total_yuan += float(yuan[k])

    def add_lump(self, step: int, policy: str, payer: str, kind: str, yuan: float) -> None:
        """Record a payment that goes to no worker (staff salaries, seats)."""
        if yuan <= 0:
            return
        row = self._rows[(step, policy, payer, kind, -1, False)]
        row[0] += float(yuan)
        self.total_yuan += float(yuan)

    def table(self, county_names: list[str], month_labels: list[str]) -> pd.DataFrame:
        """Tidy table: one row per (month, policy, payer, kind, county, poor)."""
        cols = ["step", "month", "policy", "payer", "kind", "county", "poor", "yuan", "recipients"]
        rows = [
            (s, month_labels[s], p, pay, kind, county_names[c] if c >= 0 else "", poor, v[0], v[1])
            for (s, p, pay, kind, c, poor), v in sorted(self._rows.items())
        ]
        return pd.DataFrame(rows, columns=cols)


class Budget:
    """A policy's budget cap, per run or per calendar year.

    Rule: a payment is made only while the money left covers it in full; in
    `stop` mode the rest is turned away, in `queue` mode it is owed and paid
    first when a new year's money arrives.
    """

    def __init__(self, cap_yuan: float | None, period: str, on_cap: str) -> None:
        self.cap = cap_yuan
        self.period = period
        self.on_cap = on_cap
        self.spent: dict[int, float] = defaultdict(float)
        self.owed_yuan = 0.0
        self.turned_away = 0.0
        self.bound_step: int | None = None

    def _key(self, year: int) -> int:
        return year if self.period == "year" else 0

    def left(self, year: int) -> float:
        """Money left in the current period (inf without a cap)."""
        if self.cap is None:
            return float("inf")
        return self.cap - self.spent[self._key(year)]

    def allow(self, step: int, year: int, yuan: np.ndarray) -> np.ndarray:
        """Which of these payments (yuan, in the order given) fit in the money left."""
        yuan = np.asarray(yuan, dtype=np.float64)
        if self.cap is None:
            ok = np.ones(yuan.shape, dtype=bool)
        else:
            left = self.left(year)
            ok = np.cumsum(yuan) <= left + 1e-6
            if not ok.all() and self.bound_step is None:
                self.bound_step = step
        self.spent[self._key(year)] += float(yuan[ok].sum())
        refused = yuan[~ok]
        if refused.size:
            self.turned_away += float((refused > 0).sum())
            if self.on_cap == "queue":
                self.owed_yuan += float(refused.sum())
        return ok

    def pay_owed(self, year: int) -> float:
        """In queue mode, pay what is owed from this period's money; returns yuan paid."""
        if self.on_cap != "queue" or self.owed_yuan <= 0:
            return 0.0
        paid = min(self.owed_yuan, max(0.0, self.left(year)))
        self.spent[self._key(year)] += paid
        self.owed_yuan -= paid
        return paid
