"""Static facts of a run built from the scenario: counties, districts, firms,
and the initial population as columns. Both engines start from these."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import rules
from .errors import ScenarioError
from .schema import Scenario
from .states import HOME, JOB, LOCAL, PRD
from .streams import Streams


@dataclass
class Firms:
    """Employers as columns (the engines wrap them in `Employer` agents)."""

    district: np.ndarray  # int
    sector: list[str]
    skill_required: np.ndarray
    wage: np.ndarray  # yuan per month
    slots: np.ndarray  # jobs, in agents
    market: np.ndarray  # True for the open-market pool of a district


@dataclass
class WorldSpec:
    """Everything static the engines need."""

    county_names: list[str]
    district_names: list[str]
    home_income: np.ndarray
    local_wage: np.ndarray
    paired_district: np.ndarray
    hours_ningbo: np.ndarray
    firms: Firms
    scale: float


def build_world(sc: Scenario, streams: Streams) -> WorldSpec:
    """Counties, districts and firms (firm slots rounded to agents stochastically)."""
    counties = list(sc.places.counties)
    districts = list(sc.places.districts)
    cs = sc.places.counties.values()
    scale = sc.population.people_per_agent
    dist, sector, req, wage, jobs = [], [], [], [], []
    for di, dname in enumerate(districts):
        for sname, f in sc.places.districts[dname].sectors.items():
            for _ in range(f.firms):
                dist.append(di)
                sector.append(sname)
                req.append(sc.places.sectors[sname].skill_required)
                wage.append(f.wage_yuan_month)
                jobs.append(f.jobs_per_firm)
    market = [False] * len(jobs)
    om = sc.places.open_market
    if om.jobs_per_district:
        for di in range(len(districts)):
            dist.append(di)
            sector.append(om.sector)
            req.append(sc.places.sectors[om.sector].skill_required)
            wage.append(om.wage_yuan_month)
            jobs.append(om.jobs_per_district)
            market.append(True)
    u = streams["init_firms"].random(len(jobs))
    slots = rules.stochastic_round(np.array(jobs, dtype=float) / scale, u)
    firms = Firms(
        np.array(dist, dtype=np.int64),
        sector,
        np.array(req),
        np.array(wage, dtype=float),
        slots,
        np.array(market, bool),
    )
    return WorldSpec(
        county_names=counties,
        district_names=districts,
        home_income=np.array([c.home_income_yuan_month for c in cs], dtype=float),
        local_wage=np.array([c.local_wage_yuan_month for c in cs], dtype=float),
        paired_district=np.array([districts.index(c.paired_district) for c in cs]),
        hours_ningbo=np.array([c.travel_hours_ningbo for c in cs], dtype=float),
        firms=firms,
        scale=scale,
    )


def initial_workers(sc: Scenario, world: WorldSpec, streams: Streams) -> dict[str, np.ndarray]:
    """The pool at the start month as columns: county, poor, skill, place, firm,
    tenure, and who they are (`worker_attributes`).

    Rule: each county contributes population * mobile_pool_share / people_per_agent
    agents; registered-poor status by the county's poor_share; skill ~ Normal
    (skill_mean + poor_skill_shift if poor, skill_sd) + the education band's
    shift, clipped to [0, 1] and kept to 1/100; place by `initial_places`. Workers
    initially in Ningbo were placed by the pairings (`place_by_pairing`) and have
    the tenure of a steady inflow under the base quit hazard (`steady_tenure`).
    """
    rng = streams["init_workers"]
    b = sc.behavior
    n_by = [int(round(c.population * c.mobile_pool_share / world.scale)) for c in sc.places.counties.values()]
    n = int(sum(n_by))
    if n > sc.population.max_agents:
        raise ScenarioError(
            sc.name,
            "population.people_per_agent",
            f"{world.scale:g} ({n:,} agents)",
            f"at most population.max_agents = {sc.population.max_agents:,} agents",
        )
    county = np.repeat(np.arange(len(n_by)), n_by).astype(np.int8)
    poor_share = np.array([c.poor_share for c in sc.places.counties.values()])
    poor = rng.random(n) < poor_share[county]
    who = worker_attributes(sc, county, poor, streams)
    shift = np.asarray(b.workers.education_skill_shift)[who["education"]]
    skill = np.round(np.clip(rng.normal(b.skill_mean + b.poor_skill_shift * poor, b.skill_sd) + shift, 0.0, 1.0), 2)
    shares = sc.population.initial_places
    codes = {"home": HOME, "local": LOCAL, "ningbo": JOB, "prd": PRD}
    labels = list(shares)
    cum = np.cumsum([shares[k] for k in labels])
    pick = np.minimum(np.searchsorted(cum, rng.random(n), side="right"), len(labels) - 1)
    place = np.array([codes[k] for k in labels], dtype=np.int8)[pick]
    set_poor_in_ningbo(sc, world, county, poor, place, streams["init_poor_ningbo"])
    in_ningbo = np.flatnonzero(place == JOB)
    firm = place_by_pairing(in_ningbo, county, world, sc.population.initial_paired_share, streams["init_seats"], n)
    place[in_ningbo[firm[in_ningbo] < 0]] = HOME  # no slot left for them
    tenure_pdf = steady_tenure(b)
    drawn = 1 + np.searchsorted(np.cumsum(tenure_pdf), streams["init_tenure"].random(n) * tenure_pdf.sum())
    tenure = np.where(firm >= 0, np.minimum(drawn, len(tenure_pdf)), 0).astype(np.int16)
    who["first_time"] &= (place == HOME) | (place == LOCAL)  # the others are away now
    return {"county": county, "poor": poor, "skill": skill, "place": place, "firm": firm, "tenure": tenure} | who


def set_poor_in_ningbo(sc: Scenario, world: WorldSpec, county, poor, place, rng) -> None:
    """Counties that state `initial_poor_in_ningbo`: that many of their registered-poor
    agents (people / people_per_agent, rounded) are in Ningbo at the start, drawn at
    random among them; their other registered-poor agents drawn for Ningbo are at home."""
    for c, spec in enumerate(sc.places.counties.values()):
        if spec.initial_poor_in_ningbo is None:
            continue
        mine = np.flatnonzero((county == c) & poor)
        place[mine[place[mine] == JOB]] = HOME
        k = min(len(mine), int(round(spec.initial_poor_in_ningbo / world.scale)))
        place[rng.choice(mine, k, replace=False)] = JOB


def place_by_pairing(idx: np.ndarray, county: np.ndarray, world: WorldSpec, paired: float, rng, n: int) -> np.ndarray:
    """Firm of each worker `idx` in Ningbo at the start (-1 elsewhere or if no job was left).

    Rule: a share `paired` of them (ASSUMPTION, population.initial_paired_share) hold a
    job in their county's paired district (e.g. Qinglong -> Ninghai: 178 registered-poor
    Qinglong workers stably employed there in 2019, Ningbo Daily 2019-10-13), drawn
    among that district's jobs (program firms and the open market alike); the others,
    and those the paired district has no job left for, any job left in Ningbo.
    """
    f = world.firms
    firm = np.full(n, -1, dtype=np.int32)
    seats = np.repeat(np.arange(len(f.slots)), f.slots)
    rng.shuffle(seats)
    free = np.ones(len(seats), bool)
    idx = idx[rng.permutation(len(idx))]
    want_paired = rng.random(len(idx)) < paired
    seat_district = f.district[seats]
    for d in range(len(world.district_names)):
        mine = idx[want_paired & (world.paired_district[county[idx]] == d)]
        open_d = np.flatnonzero(seat_district == d)[: len(mine)]
        firm[mine[: len(open_d)]] = seats[open_d]
        free[open_d] = False
    rest = idx[firm[idx] < 0]
    open_any = np.flatnonzero(free)[: len(rest)]
    firm[rest[: len(open_any)]] = seats[open_any]
    return firm


def steady_tenure(b, max_months: int = 120) -> np.ndarray:
    """Weights of tenure 1..max_months months among workers in a job at the start.

    Rule: with a steady inflow of hires, the share with tenure k is proportional
    to the chance of surviving k-1 months under the base quit hazard of an
    unsupported worker (`behavior.quit_hazard.by_tenure_month`): many short
    tenures, a long tail (mean spell ~2 years, domain.md).
    """
    qh = b.quit_hazard.by_tenure_month
    starts = sorted(qh)
    k = np.arange(1, max_months + 1)
    band = np.searchsorted(starts, k, side="right") - 1
    h = np.array([qh[starts[i]] for i in band])
    return np.concatenate([[1.0], np.cumprod(1.0 - h)[:-1]])


def _pick(u: np.ndarray, shares) -> np.ndarray:
    """Category index of each uniform `u` under `shares` (summing to 1)."""
    cum = np.cumsum(shares)
    return np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1).astype(np.uint8)


def worker_attributes(sc: Scenario, county: np.ndarray, poor: np.ndarray, streams: Streams) -> dict[str, np.ndarray]:
    """Who each worker is (behavior.workers, ASSUMPTION shares): age band, gender,
    education (registered-poor workers by poor_education_shares), little Mandarin
    (the county's share, plus low_mandarin_poor_extra if registered poor),
    dependants at home, first time away. Drawn from their own stream so the
    other initial draws do not move."""
    wk, n = sc.behavior.workers, len(county)
    u = streams["init_attributes"].random((6, n))
    names = list(sc.places.counties)
    unknown = sorted(set(wk.low_mandarin_share_by_county) - set(names))
    if unknown:
        raise ScenarioError(
            sc.name,
            "behavior.workers.low_mandarin_share_by_county",
            unknown[0],
            f"a county of places.counties ({', '.join(names)})",
        )
    low_m = np.array([wk.low_mandarin_share_by_county.get(c, wk.low_mandarin_share) for c in names])
    p_low = np.minimum(low_m[county] + wk.low_mandarin_poor_extra * poor, 1.0)
    education = np.where(poor, _pick(u[2], wk.poor_education_shares), _pick(u[2], wk.education_shares))
    return {
        "age_band": _pick(u[0], wk.age_band_shares),
        "female": u[1] < wk.female_share,
        "education": education.astype(np.uint8),
        "low_mandarin": u[3] < p_low,
        "dependants": u[4] < wk.dependants_share,
        "first_time": u[5] < wk.first_time_share,
    }
