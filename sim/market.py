"""The Ningbo job market over time: jobs that come and go, wages that grow, and
the monthly record of vacancies and fill rates by district.

Rules:
- A firm's jobs open to Qianxinan workers in month t (before seasonal demand and
  demand shocks) = (its jobs at the start + the new jobs it added so far) x
  (1 + its sector's `demand_growth_year`) ** (t / 12).
- New jobs (`places.new_jobs`, e.g. the 17,000 of 2020) go to program firms of the
  listed sectors in proportion to their jobs at the start, month by month in
  proportion to `month_weights`; a job added in a month is open from that month.
- Wages step up each January after the start year by the sector's
  `wage_growth_year` (the PRD's by `places.prd.wage_growth_year`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .calendar import Calendar
from .schema import Scenario
from .world import Firms


def job_path(sc: Scenario, firms: Firms, calendar: Calendar, scale: float) -> np.ndarray:
    """(months, firms): jobs (agents, fractional) each firm opens to Qianxinan
    workers each month, before seasonal demand and shocks (see the module rules)."""
    months = sc.calendar.months
    sectors = sc.places.sectors
    base = firms.slots.astype(np.float64)
    added = np.zeros((months, len(base)))
    infos = [calendar.info(s) for s in range(months)]
    for nj in sc.places.new_jobs:
        ok = ~firms.market & (np.isin(firms.sector, nj.sectors) if nj.sectors else True)
        weight = base * ok
        if weight.sum() == 0:
            continue
        per_firm = nj.jobs / scale * weight / weight.sum()
        w = np.asarray(nj.month_weights, dtype=np.float64)
        cum = np.cumsum(w) / w.sum()
        for s, info in enumerate(infos):
            if info.year == nj.year:
                added[s] += per_firm * cum[info.month_of_year - 1]
            elif info.year > nj.year:
                added[s] += per_firm
    rate = np.array([sectors[s].demand_growth_year for s in firms.sector])
    t = np.arange(months)[:, None] / 12.0
    return (base + added) * np.power(1.0 + rate[None, :], t)


def years_since_start(calendar: Calendar, step: int) -> int:
    """Januaries passed since the start month (the wage steps so far)."""
    return calendar.info(step).year - calendar.info(0).year


def firm_wages(sc: Scenario, base_wage: np.ndarray, sectors: list[str], years: int) -> np.ndarray:
    """Firm wages after `years` yearly steps of their sector's wage growth."""
    g = np.array([sc.places.sectors[s].wage_growth_year for s in sectors])
    return base_wage * np.power(1.0 + g, years)


def prd_wage(sc: Scenario, years: int) -> float:
    """The PRD wage after `years` yearly steps."""
    prd = sc.places.prd
    return float(prd.wage_yuan_month * (1.0 + prd.wage_growth_year) ** years)


POOLS = ("program", "open_market")


class MarketLog:
    """Month-end jobs, filled jobs and love jobs by district and pool (program
    firms or the open market), in people."""

    def __init__(self, district: np.ndarray, market: np.ndarray, n_districts: int, scale: float) -> None:
        self.group = district * 2 + market.astype(np.int64)
        self.n = 2 * n_districts
        self.scale = scale
        self.rows: list[np.ndarray] = []
        self.labels: list[str] = []

    def close_month(
        self, label: str, capacity: np.ndarray, counts: np.ndarray, love_slots: np.ndarray, wage: np.ndarray
    ) -> None:
        """Record this month's capacity and fills (`counts`: regular, love per firm)."""

        def by(x):
            return np.bincount(self.group, weights=np.asarray(x, np.float64), minlength=self.n)

        love_cap = np.minimum(love_slots, capacity)
        self.rows.append(
            np.stack(
                [by(capacity), by(counts[:, 0] + counts[:, 1]), by(love_cap), by(counts[:, 1]), by(wage * capacity)]
            )
        )
        self.labels.append(label)

    def table(self, district_names: list[str]) -> pd.DataFrame:
        """Tidy table: month, district, pool, jobs, filled, vacancies, fill_rate,
        love_jobs, love_filled, love_fill_rate, mean wage (yuan/month), in people."""
        cols = ["month", "district", "pool", "jobs", "filled", "vacancies", "fill_rate"]
        cols += ["love_jobs", "love_filled", "love_fill_rate", "wage_yuan_month"]
        if not self.rows:
            return pd.DataFrame(columns=cols)
        a = np.stack(self.rows)  # months x 5 x groups
        m, _, g = a.shape
        jobs, filled, love, love_f, wsum = (a[:, k, :].ravel() for k in range(5))
        df = pd.DataFrame(
            {
                "month": np.repeat(self.labels, g),
                "district": np.tile([district_names[k // 2] for k in range(g)], m),
                "pool": np.tile([POOLS[k % 2] for k in range(g)], m),
                "jobs": jobs * self.scale,
                "filled": filled * self.scale,
                "vacancies": np.maximum(jobs - filled, 0) * self.scale,
                "fill_rate": _ratio(filled, jobs),
                "love_jobs": love * self.scale,
                "love_filled": love_f * self.scale,
                "love_fill_rate": _ratio(love_f, love),
                "wage_yuan_month": _ratio(wsum, jobs),
            }
        )
        return df[(df["jobs"] > 0) | (df["filled"] > 0)].reset_index(drop=True)[cols]


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.where(b > 0, a / np.where(b > 0, b, 1.0), np.nan)


#: Headline metrics of the market (`market_metrics`).
MARKET_METRICS = (
    "fill_rate_ningbo_last_month",
    "months_ningbo_full",
    "love_jobs_fill_rate_last_month",
    "love_jobs_in_program_firms_share",
)


def market_metrics(market: pd.DataFrame, full_at: float = 0.995) -> dict[str, float]:
    """Fill rate of all Ningbo jobs in the last month; months in which Ningbo was
    full (fill rate >= `full_at`); love jobs' fill rate in the last month; the share
    of love jobs held in program firms."""
    nan = float("nan")
    if market.empty:
        return dict.fromkeys(MARKET_METRICS, nan)
    by = market.groupby("month")[["jobs", "filled", "love_jobs", "love_filled"]].sum()
    rate = by["filled"] / by["jobs"].where(by["jobs"] > 0)
    last = by.iloc[-1]
    love_prog = market.loc[market["pool"] == "program", "love_jobs"].sum()
    love_all = market["love_jobs"].sum()
    return {
        "fill_rate_ningbo_last_month": float(rate.iloc[-1]),
        "months_ningbo_full": float((rate >= full_at).sum()),
        "love_jobs_fill_rate_last_month": float(last["love_filled"] / last["love_jobs"]) if last["love_jobs"] else nan,
        "love_jobs_in_program_firms_share": float(love_prog / love_all) if love_all else nan,
    }
