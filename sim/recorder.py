"""Monthly counts of stocks and flows by county and registered-poor status.

Counts are made in the step (bincounts), never from per-worker history, and
reported in people (agents times people per agent).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd

from .jit import ix, kernel, rule
from .reasons import EVENTS, REASONS
from .states import FESTIVAL, JOB, PLACE_LABELS

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
    "dismissals",
    "team_leaders",
)


COLUMNS = (*PLACE_LABELS, "stable_employed", *FLOWS)  # the figures of a monthly row, in people


class Recorder:
    """Collects flows during a step and stocks at its end; keeps each month as one
    small array (groups x COLUMNS), shown as dict rows by `rows`."""

    def __init__(self, n_counties: int, scale: float) -> None:
        self.nc = n_counties
        self.scale = scale
        # this month's flows, in agents; then event x reason (`sim.reasons.reason_row`)
        self.counts = np.zeros((len(FLOWS) + len(EVENTS) * len(REASONS), 2 * n_counties), dtype=np.int64)
        self.months: list[tuple[int, str, np.ndarray]] = []  # (step, label, people[group, COLUMNS])
        self.rows = MonthlyRows(self)
        self.reason_rows: list[tuple] = []  # per month: (step, month, [event, reason, group, agents]), nonzero only
        self.stocks = np.zeros((len(PLACE_LABELS), 2 * n_counties), np.int64)  # agents by place x group
        self.stable = np.zeros(2 * n_counties, np.int64)
        self.running = False  # stocks counted during the month (`start_running`), kept up to date by `moving`

    def start_running(self) -> tuple[np.ndarray, np.ndarray]:
        """Zeroed stocks for a kernel to count every worker into this month (the arrays
        engine counts in its decide pass); from then on every change of a counted
        worker must go through `moving`, and `close_month` uses these counts."""
        self.stocks[:] = 0
        self.stable[:] = 0
        self.running = True
        return self.stocks, self.stable

    @contextmanager
    def moving(self, table: np.ndarray, idx: np.ndarray, stable_min_months: int):
        """Around a change of workers `idx` (place, spell months): takes them out of
        the running count before and counts them again after (no-op unless running)."""
        if not self.running or len(idx) == 0:
            yield
            return
        tally_rows(table, idx, stable_min_months, self.stocks, self.stable, -1)
        yield
        tally_rows(table, idx, stable_min_months, self.stocks, self.stable, 1)

    def _groups(self, county, poor) -> np.ndarray:
        return np.bincount(
            np.asarray(county, dtype=np.int64) * 2 + np.asarray(poor, dtype=np.int64), minlength=2 * self.nc
        )

    def flow(self, name: str, county, poor) -> None:
        """Add one count per agent (county, poor) to flow `name`."""
        if np.size(county):
            self.counts[FLOWS.index(name)] += self._groups(np.atleast_1d(county), np.atleast_1d(poor))

    def close_month(self, step: int, label: str, table: np.ndarray, stable_min_months: int) -> np.ndarray:
        """Record stocks (place x county x poor) of the worker table (counted now, or
        the running count) and this step's flows, then reset the flows. Returns the
        stocks (agents)."""
        if not self.running:
            self.stocks[:] = 0
            self.stable[:] = 0
            tally(table, stable_min_months, self.stocks, self.stable)
        self.running = False
        stocks = self.stocks.copy()
        agents = np.concatenate([stocks, self.stable[None, :], self.counts[: len(FLOWS)]]).T
        self.months.append((step, label, agents * self.scale))
        by_reason = self.counts[len(FLOWS) :].reshape(len(EVENTS), len(REASONS), 2 * self.nc)
        nz = np.nonzero(by_reason)
        self.reason_rows.append((step, label, np.stack([*nz, by_reason[nz]])))
        self.counts[:] = 0
        return stocks

    def table(self, county_names: list[str]) -> pd.DataFrame:
        """Tidy monthly table: one row per (month, county, poor)."""
        g = 2 * self.nc
        cols: dict = {
            "step": np.repeat([s for s, _, _ in self.months], g).astype(np.int64),
            "month": [label for _, label, _ in self.months for _ in range(g)],
            "county": [county_names[k // 2] for _ in self.months for k in range(g)],
            "poor": np.tile(np.arange(g) % 2 == 1, len(self.months)),
        }
        values = np.concatenate([v for _, _, v in self.months]) if self.months else np.zeros((0, len(COLUMNS)))
        cols.update({name: values[:, j] for j, name in enumerate(COLUMNS)})
        return pd.DataFrame(cols)

    def reason_table(self, county_names: list[str]) -> pd.DataFrame:
        """Tidy flows by reason: one row per (month, county, poor, event, reason)
        that happened, with `people`. Events: `sim.reasons.EVENTS`; reasons:
        `sim.reasons.REASONS`."""
        cols = ["step", "month", "county", "poor", "event", "reason", "people"]
        sizes = [x.shape[1] for _, _, x in self.reason_rows]
        if not sum(sizes):
            return pd.DataFrame(columns=cols)
        step = np.repeat([s for s, _, _ in self.reason_rows], sizes)
        month = np.repeat([label for _, label, _ in self.reason_rows], sizes)
        ev, r, k, n = np.concatenate([x for _, _, x in self.reason_rows], axis=1)
        return pd.DataFrame(
            {
                "step": step,
                "month": month,
                "county": np.array(county_names, dtype=object)[k // 2],
                "poor": (k % 2).astype(bool),
                "event": np.array(EVENTS, dtype=object)[ev],
                "reason": np.array(REASONS, dtype=object)[r],
                "people": n * self.scale,
            },
            columns=cols,
        )


class MonthlyRows(Sequence):
    """The recorded months as rows, one dict per (month, county, poor) with keys
    step, month, county (index), poor and COLUMNS; built when read."""

    def __init__(self, recorder: Recorder) -> None:
        self._r = recorder

    def __len__(self) -> int:
        return len(self._r.months) * 2 * self._r.nc

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        step, label, v = self._r.months[i // (2 * self._r.nc)]
        k = i % (2 * self._r.nc)
        row = {"step": step, "month": label, "county": k // 2, "poor": bool(k % 2)}
        row.update(zip(COLUMNS, v[k].tolist(), strict=True))
        return row


@rule
def tally_row(T, i, stable_min_months, stocks, stable, sign):
    """Count worker i (sign +1) or take it out of the count (-1): by place and group
    (county x 2 + poor), and among the stably employed: holding a Ningbo job (at
    work or home for the festival) for at least `stable_min_months` months of the spell."""
    g = ix(T[i].county * 2 + T[i].poor)
    p = T[i].place
    stocks[ix(p), g] += sign
    held = (p == JOB) | ((p == FESTIVAL) & (T[i].festival_from == JOB))  # branch-free: places are mixed
    stable[g] += sign * (held & (T[i].spell_months >= stable_min_months))


@kernel
def tally(T, stable_min_months, stocks, stable):
    """`tally_row` for every worker."""
    for i in range(len(T)):
        tally_row(T, i, stable_min_months, stocks, stable, 1)


@kernel
def tally_rows(T, idx, stable_min_months, stocks, stable, sign):
    """`tally_row` for workers `idx`."""
    for k in range(len(idx)):
        tally_row(T, idx[k], stable_min_months, stocks, stable, sign)
