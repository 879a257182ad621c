"""Places: the eight Qianxinan counties, the Ningbo districts and their firms,
and the competing destinations (Pearl River Delta, local jobs).

Figures from domain.md carry their source in the scenario files.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from .base import Month, Prob, Strict, Wage, fail, frozen

SECTORS = (
    "electrical_machinery",
    "small_appliances",
    "stationery_plastics",
    "textiles_garments",
    "auto_parts",
    "general_manufacturing",
)


class County(Strict):
    """A sending county of Qianxinan prefecture.

    Attributes:
        population: Residents at end-2018 (domain.md, Places table).
        mobile_pool_share: Share of residents in the mobile labor pool the model follows.
        poor_share: Share of the pool from registered-poor households.
        home_income_yuan_month: Farm income per worker at home.
        local_wage_yuan_month: Local non-farm wage.
        paired_district: The Ningbo district paired with this county.
        travel_hours_ningbo: Door-to-door travel time to Ningbo.
        name_zh: The county's name in Chinese characters (shown with --lang zh).
        initial_poor_in_ningbo: Registered-poor workers of this county in Ningbo jobs at
            the start, in people (replaces `population.initial_places` for them; the rest
            of them are at home). None: by `initial_places` like everyone.
    """

    population: Annotated[int, Field(gt=0, le=100_000_000)]
    mobile_pool_share: Prob
    poor_share: Prob
    home_income_yuan_month: Wage
    local_wage_yuan_month: Wage
    paired_district: str
    travel_hours_ningbo: Annotated[float, Field(gt=0, le=1000)]
    name_zh: str | None = None
    initial_poor_in_ningbo: Annotated[int, Field(ge=0, le=100_000_000)] | None = None
    source: str = ""


class SectorFirms(Strict):
    """Firms of one sector in one district that take Qianxinan workers."""

    firms: Annotated[int, Field(ge=0, le=100_000)]
    jobs_per_firm: Annotated[int, Field(ge=0, le=1_000_000)]
    wage_yuan_month: Wage


class District(Strict):
    """A Ningbo district and its firms by sector (`name_zh`: its name in Chinese characters)."""

    sectors: frozen(dict[str, SectorFirms])
    name_zh: str | None = None
    source: str = ""

    @model_validator(mode="after")
    def _known_sectors(self) -> District:
        for s in self.sectors:
            if s not in SECTORS:
                raise fail(f"sectors.{s}", "an unknown sector", ", ".join(SECTORS))
        return self


#: A yearly growth rate (-0.5 = halves in a year, 0.05 = +5% a year).
YearlyRate = Annotated[float, Field(ge=-0.5, le=1.0)]


class Sector(Strict):
    """Skill a sector asks for (0 = none, 1 = skilled), its seasonal demand and its trends.

    Attributes:
        demand_growth_year: Yearly growth of the jobs its firms open to Qianxinan
            workers, compounded month by month from the run's start (negative: the
            sector shrinks). Default 0 (ASSUMPTION: no trend).
        wage_growth_year: Yearly wage growth; wages step up each January after the
            start year. Default 0 (ASSUMPTION).
    """

    skill_required: Prob
    seasonal_demand: Annotated[tuple[Annotated[float, Field(ge=0, le=3)], ...], Field(min_length=12, max_length=12)] = (
        1.0,
    ) * 12
    demand_growth_year: YearlyRate = 0.0
    wage_growth_year: YearlyRate = 0.0
    source: str = ""


class NewJobs(Strict):
    """Jobs program firms add for Qianxinan workers in one year (on top of their
    `jobs_per_firm` at the start), spread over the months by `month_weights` and
    over the program firms of `sectors` (empty: all) in proportion to their jobs.
    Open-market pools get none (they grow by their sector's `demand_growth_year`).
    """

    year: Annotated[int, Field(ge=1900, le=2199)]
    jobs: Annotated[int, Field(ge=0, le=10_000_000)]
    month_weights: Annotated[
        tuple[Annotated[float, Field(ge=0, le=1000)], ...], Field(min_length=12, max_length=12)
    ] = (1.0,) * 12
    sectors: tuple[str, ...] = ()
    source: str = ""

    @model_validator(mode="after")
    def _weights(self) -> NewJobs:
        if sum(self.month_weights) <= 0:
            raise fail("month_weights", list(self.month_weights), "twelve weights, at least one above 0")
        return self


class PRD(Strict):
    """The Pearl River Delta, the main competing destination (`wage_growth_year`:
    yearly wage growth, stepping up each January after the start year)."""

    wage_yuan_month: Wage
    travel_hours: Annotated[float, Field(gt=0, le=1000)]
    wage_growth_year: YearlyRate = 0.0
    source: str = ""


class OpenMarket(Strict):
    """Jobs in Ningbo firms outside the program, open to workers who find them on
    their own: one pool per district (an `Employer` agent each)."""

    jobs_per_district: Annotated[int, Field(ge=0, le=10_000_000)] = 0
    wage_yuan_month: Wage = 4800.0
    sector: str = "general_manufacturing"
    source: str = ""


class Places(Strict):
    """All places of the model."""

    counties: Annotated[frozen(dict[str, County]), Field(min_length=1, max_length=100)]
    districts: Annotated[frozen(dict[str, District]), Field(min_length=1, max_length=100)]
    sectors: Annotated[frozen(dict[str, Sector]), Field(max_length=100)]
    prd: PRD
    open_market: OpenMarket = OpenMarket()
    new_jobs: Annotated[tuple[NewJobs, ...], Field(max_length=200)] = ()

    @model_validator(mode="after")
    def _pairings_exist(self) -> Places:
        for name, c in self.counties.items():
            if c.paired_district not in self.districts:
                raise fail(
                    f"counties.{name}.paired_district",
                    repr(c.paired_district),
                    "a district under places.districts: " + ", ".join(self.districts),
                )
        used = {s for d in self.districts.values() for s in d.sectors}
        if self.open_market.jobs_per_district:
            used.add(self.open_market.sector)
        missing = used - set(self.sectors)
        if missing:
            raise fail("sectors", f"no entry for {sorted(missing)}", "an entry for every sector the districts use")
        for i, nj in enumerate(self.new_jobs):
            for s in nj.sectors:
                if s not in self.sectors:
                    raise fail(f"new_jobs.{i}.sectors", repr(s), ", ".join(self.sectors))
        return self


class Lockdown(Strict):
    """A month in which travel on one's own is restricted (2020 COVID lockdown)."""

    month: Month
    own_travel_share: Prob = 0.0


class DemandShock(Strict):
    """Sector demand multiplied by `multiplier` from `start` to `end` (inclusive)."""

    sector: str
    start: Month
    end: Month
    multiplier: Annotated[float, Field(ge=0, le=3)]


class Calendar(Strict):
    """Run window and calendar events.

    Attributes:
        start: First simulated month.
        months: Number of monthly steps.
        spring_festival_month: Month of year of Spring Festival, by year.
        lockdown: Lockdown months.
    """

    start: Month
    months: Annotated[int, Field(ge=1, le=600)]
    spring_festival_month: frozen(
        dict[Annotated[int, Field(ge=1900, le=2199)], Annotated[int, Field(ge=1, le=12)]]
    ) = {}
    lockdown: Annotated[tuple[Lockdown, ...], Field(max_length=600)] = ()
