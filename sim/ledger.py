"""Budget ledger: every yuan a policy pays is an entry (month, policy, payer,
worker group, county), and budget caps bind inside the run."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from .sparse import SparseRows

COLUMNS = ["yuan", "payments", "people", "new_people", "new_people_any"]


class Ledger:
    """Accumulates payments. Amounts are in yuan of the scenario's year; counts in
    people (agents times people per agent).

    Each row of the table counts, besides yuan: `payments` (payments made),
    `people` (distinct people this policy paid this month, each counted in the
    row of their first payment of the month), `new_people` (paid by this policy
    for the first time) and `new_people_any` (paid by any policy for the first
    time), so cumulative sums give distinct people paid by a date. The ledger
    also knows who got a subsidy payment in which month (one a month per person).
    """

    def __init__(self) -> None:
        self._rows: dict[tuple, list[float]] = defaultdict(lambda: [0.0] * len(COLUMNS))
        self.total_yuan = 0.0
        # per worker paid (`sim.sparse`: a row only for those; steps fit int16, a run has at most 600):
        # paid by any policy, step of the last subsidy payment, and per policy "last:<name>", the
        # step it last paid the worker (-1: never)
        self._paid = SparseRows({"ever": (np.bool_, False), "subsidy_step": (np.int16, -1)})

    def subsidy_paid_in(self, step: int, idx: np.ndarray) -> np.ndarray:
        """Which of workers `idx` already got a subsidy payment in month `step`."""
        return self._paid.values("subsidy_step", idx) == step

    def mark_subsidy(self, step: int, idx: np.ndarray) -> None:
        """Workers `idx` got their subsidy payment of month `step`."""
        rows = self._paid.add(idx)  # before reading the column: a new row makes new columns
        self._paid["subsidy_step"][rows] = step

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
        idx: np.ndarray | None = None,
    ) -> None:
        """Record payments `amounts` (yuan per agent) to agents with these groups;
        `idx` (worker indices) lets the ledger count distinct people."""
        amounts = np.asarray(amounts, dtype=np.float64)
        if amounts.size == 0:
            return
        poor = np.asarray(poor, dtype=np.int64)
        county = np.asarray(county, dtype=np.int64)
        keys = county * 2 + poor
        got = amounts > 0
        cols = [amounts, got.astype(float)]
        if idx is not None:
            cols += self._people(step, policy, np.asarray(idx, np.int64), got)
        sums = [np.bincount(keys, weights=c, minlength=1) * scale for c in cols]
        for k in np.flatnonzero(sums[1]):
            row = self._rows[(step, policy, payer, kind, int(k // 2), bool(k % 2))]
            for c, v in enumerate(sums):
                row[c] += float(v[k])
            self.total_yuan += float(sums[0][k])

    def _people(self, step: int, policy: str, idx: np.ndarray, got: np.ndarray) -> list[np.ndarray]:
        """Indicators over `idx`: first payment of the month by `policy`, first ever
        by `policy`, first ever by any policy (and remember them)."""
        key = f"last:{policy}"
        if key not in self._paid.spec:
            self._paid.add_column(key, np.int16, -1)
        last = self._paid.values(key, idx)
        month = got & (last != step)
        new = got & (last < 0)
        new_any = got & ~self._paid.values("ever", idx)
        rows = self._paid.add(idx[got])
        self._paid[key][rows] = step
        self._paid["ever"][rows] = True
        return [month.astype(float), new.astype(float), new_any.astype(float)]

    def people_paid(self, policy: str) -> int:
        """Distinct agents `policy` has paid so far."""
        key = f"last:{policy}"
        return int((self._paid[key] >= 0).sum()) if key in self._paid.spec else 0

    def add_lump(self, step: int, policy: str, payer: str, kind: str, yuan: float) -> None:
        """Record a payment that goes to no worker (staff salaries, seats)."""
        if yuan <= 0:
            return
        row = self._rows[(step, policy, payer, kind, -1, False)]
        row[0] += float(yuan)
        self.total_yuan += float(yuan)

    def table(self, county_names: list[str], month_labels: list[str]) -> pd.DataFrame:
        """Tidy table: one row per (month, policy, payer, kind, county, poor)."""
        cols = ["step", "month", "policy", "payer", "kind", "county", "poor", *COLUMNS]
        rows = [
            (s, month_labels[s], p, pay, kind, county_names[c] if c >= 0 else "", poor, *v)
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
