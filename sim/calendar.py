"""Calendar: month indices, Spring Festival months, lockdown and demand shocks."""

from __future__ import annotations

from dataclasses import dataclass

from .schema import Scenario


def month_key(s: str) -> int:
    """'YYYY-MM' -> months since year 0 (a sortable integer)."""
    y, m = s.split("-")
    return int(y) * 12 + int(m) - 1


def key_label(k: int) -> str:
    """Inverse of `month_key`."""
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


@dataclass(frozen=True)
class MonthInfo:
    """What the calendar says about one simulated month."""

    step: int
    key: int
    label: str
    year: int
    month_of_year: int
    festival: bool
    own_travel_share: float


class Calendar:
    """Turns a step number into calendar facts for the scenario."""

    def __init__(self, scenario: Scenario) -> None:
        self.start = month_key(scenario.calendar.start)
        self.months = scenario.calendar.months
        self.festival = dict(scenario.calendar.spring_festival_month)
        self.lockdown = {month_key(x.month): x.own_travel_share for x in scenario.calendar.lockdown}
        self.shocks = [(s.sector, month_key(s.start), month_key(s.end), s.multiplier) for s in scenario.shocks]

    def info(self, step: int) -> MonthInfo:
        """Calendar facts for step `step` (0 = the start month)."""
        k = self.start + step
        y, m = k // 12, k % 12 + 1
        return MonthInfo(step, k, key_label(k), y, m, self.festival.get(y) == m, self.lockdown.get(k, 1.0))

    def demand_multiplier(self, sector: str, step: int) -> float:
        """Product of the demand shocks on `sector` active in step `step`."""
        k = self.start + step
        mult = 1.0
        for s, a, b, x in self.shocks:
            if s == sector and a <= k <= b:
                mult *= x
        return mult

    def active(self, start: str | None, end: str | None, step: int) -> bool:
        """Whether a policy with this start/end is active in step `step`."""
        k = self.start + step
        return (start is None or month_key(start) <= k) and (end is None or k <= month_key(end))
